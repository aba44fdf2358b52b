/* search_shard: a shard of the index read back (search_patch.c): its text,
 * as search.c writes it, decoded into grams and lists, and the lists edited.
 * The encoders and decoders of the lists themselves are search_codec.c's. */
#include "search_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "search_post.h"
#include "xalloc.h"

/* A gram's key and c4 (search_post.h) from its UTF-8, as gram_collect
 * orders them. */
int search_sgram_of(const char *s, size_t len, struct sgram *g)
{
	if (!len || len >= sizeof(g->utf8))
		return -1;
	memcpy(g->utf8, s, len);
	g->utf8[len] = 0;
	g->len = (uint8_t)len;
	g->base_len = (uint8_t)len;
	uint32_t flag = 0, c[4] = { 0 };
	if (s[len - 1] == '<' || s[len - 1] == '>') {
		flag = s[len - 1] == '<' ? GRAM_LEFT_VARIES : GRAM_RIGHT_VARIES;
		g->base_len--;
	}
	int32_t i = 0, n = 0;
	while (i < g->base_len) {
		UChar32 cp;
		U8_NEXT(s, i, (int32_t)g->base_len, cp);
		if (cp <= 0 || n == 4)
			return -1;
		c[n++] = (uint32_t)cp;
	}
	if (!n || (flag && n != 4))
		return -1;
	g->key = gram_key(c[0], c[1], c[2]);
	g->c4 = c[3] | flag;
	return 0;
}

int search_sgram_cmp(const void *a, const void *b)
{
	const struct sgram *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->c4 < y->c4 ? -1 : x->c4 > y->c4;
}

struct sgram *search_shard_add(struct shard *sh)
{
	if (sh->n == sh->cap) {
		sh->cap = sh->cap ? 2 * sh->cap : 64;
		sh->g = xrealloc(sh->g, sh->cap * sizeof(*sh->g));
	}
	struct sgram *g = &sh->g[sh->n++];
	memset(g, 0, sizeof(*g));
	return g;
}

void search_shard_free(struct shard *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		free(sh->g[i].a.v);
		free(sh->g[i].b.v);
	}
	free(sh->g);
	memset(sh, 0, sizeof(*sh));
}

/* A gram's lists from its code (search_shard_parse read where it is). */
int search_shard_decode(struct sgram *g, int positional, size_t ndocs)
{
	if (g->decoded)
		return 0;
	g->decoded = 1;
	size_t j = 0;
	if (positional) {
		if (search_decode_entries(g->code, g->code_len, &g->a, &g->a_bits) < 0 || !g->a.n)
			return -1;
		g->a_old = g->a.n;
		for (size_t e = 0; e < g->a.n; e += 3 + g->a.v[e + 1] + g->a.v[e + 2])
			if (g->a.v[e] >= ndocs)
				return -1;
		return 0;
	}
	if (search_decode_list(g->code, g->code_len, &j, ndocs, &g->a) < 0)
		return -1;
	g->a_code_len = j;
	if (search_decode_list(g->code, g->code_len, &j, ndocs, &g->b) < 0 || j != g->code_len || !g->a.n)
		return -1;
	g->a_old = g->a.n;
	g->b_old = g->b.n;
	return 0;
}

/* A shard file as search.c writes it: its grams, each list decoded when
 * decode_all (else where it is, for search_shard_decode). */
int search_shard_parse(const char *s, size_t len, int positional, size_t k, size_t ndocs, int decode_all,
		       struct shard *sh)
{
	char head[64];
	size_t i = (size_t)snprintf(head, sizeof(head), "sitegenSearch.%c(%zu,\"", positional ? 'p' : 'g', k);
	if (len < i + 4 || memcmp(s, head, i) != 0 || memcmp(s + len - 4, "\");\n", 4) != 0)
		return -1;
	len -= 4;
	char key[sizeof(sh->g->utf8)];
	size_t klen = 0;
	while (i < len) {
		if (sh->n && s[i++] != ' ')
			return -1;
		/* the key: the code points it shares with the one before, then the rest */
		if (i >= len || s[i] < '0' || s[i] > '4')
			return -1;
		size_t cps = (size_t)(s[i++] - '0'), keep = 0;
		for (size_t n = 0; n < cps; n++) {
			if (keep >= klen)
				return -1;
			do
				keep++;
			while (keep < klen && ((unsigned char)key[keep] & 0xc0) == 0x80);
		}
		const char *sp = memchr(s + i, ' ', len - i);
		if (!sp || sp == s + i || keep + (size_t)(sp - (s + i)) >= sizeof(key) ||
		    memchr(s + i, '"', (size_t)(sp - (s + i))) || memchr(s + i, '\\', (size_t)(sp - (s + i))))
			return -1;
		memcpy(key + keep, s + i, (size_t)(sp - (s + i)));
		klen = keep + (size_t)(sp - (s + i));
		struct sgram *g = search_shard_add(sh);
		if (search_sgram_of(key, klen, g) < 0 || (sh->n > 1 && search_sgram_cmp(g - 1, g) >= 0))
			return -1;
		i = (size_t)(sp - s) + 1;
		const char *v = s + i, *end = memchr(v, ' ', len - i);
		size_t vlen = end ? (size_t)(end - v) : len - i;
		if (!vlen || memchr(v, '"', vlen) || memchr(v, '\\', vlen))
			return -1;
		g->code = v;
		g->code_len = vlen;
		if (decode_all && search_shard_decode(g, positional, ndocs) < 0)
			return -1;
		i += vlen;
	}
	return 0;
}

size_t search_drop_docs(struct u32s *l, const unsigned char *changed)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!changed[l->v[i]])
			l->v[n++] = l->v[i];
	size_t dropped = l->n - n;
	l->n = n;
	return dropped;
}

size_t search_drop_entries(struct u32s *l, const unsigned char *changed)
{
	size_t n = 0, dropped = 0;
	for (size_t i = 0; i < l->n;) {
		size_t len = 3 + l->v[i + 1] + l->v[i + 2];
		if (changed[l->v[i]]) {
			dropped++;
		} else {
			memmove(l->v + n, l->v + i, len * sizeof(*l->v));
			n += len;
		}
		i += len;
	}
	l->n = n;
	return dropped;
}

int search_renumber_docs(struct u32s *l, const long *new_of)
{
	int moved = 0;
	for (size_t i = 0; i < l->n; i++) {
		uint32_t now = (uint32_t)new_of[l->v[i]];
		moved |= now != l->v[i];
		l->v[i] = now;
	}
	return moved;
}

int search_renumber_entries(struct u32s *l, const long *new_of)
{
	int moved = 0;
	for (size_t i = 0; i < l->n; i += 3 + l->v[i + 1] + l->v[i + 2]) {
		uint32_t now = (uint32_t)new_of[l->v[i]];
		moved |= now != l->v[i];
		l->v[i] = now;
	}
	return moved;
}

/* The length of the list's item at v[k]: a document, or an entry (its
 * document, counts and positions). */
static size_t item_len(const struct u32s *l, size_t k, int entries)
{
	return entries ? 3 + (size_t)l->v[k + 1] + l->v[k + 2] : 1;
}

void search_merge(struct u32s *a, const struct u32s *b, int entries)
{
	if (!b->n)
		return;
	/* into a new array of the right size, a's items before each of b's
	 * copied as one run (a report added as the newest: all of a, then b) */
	uint32_t *m = xmalloc((a->n + b->n) * sizeof(*m));
	size_t i = 0, j = 0, n = 0;
	while (j < b->n) {
		size_t from = i;
		while (i < a->n && a->v[i] < b->v[j])
			i += item_len(a, i, entries);
		if (i > from)	/* a->v may be NULL: memcpy must not see it, even for nothing */
			memcpy(m + n, a->v + from, (i - from) * sizeof(*m));
		n += i - from;
		size_t len = item_len(b, j, entries);
		memcpy(m + n, b->v + j, len * sizeof(*m));
		n += len;
		j += len;
	}
	if (a->n > i)
		memcpy(m + n, a->v + i, (a->n - i) * sizeof(*m));
	n += a->n - i;
	free(a->v);
	a->v = m;
	a->n = a->cap = n;
}
