/* Postings in memory: per gram, the gaps of its document list and of its
 * title list in nibbles (below), and for positional grams (GRAM_POSITIONS)
 * the per-document entries of their positions in search.h's n45 text, each
 * without its first gap (the table's first document is kept as a number:
 * its gap depends on the table before, see gram_ref_docs). */
#include "search_post.h"

#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "search_codec.h"
#include "xalloc.h"

#define BMP 0x10000
/* Occurrences are moved into the postings at the first document end past
 * FLUSH_AT; the buffer has room for a document's worth more (a longer one
 * grows it): 1.1 MiB a thread, twice (sorting). */
#define FLUSH_AT (1u << 16)
#define OCC_ROOM (FLUSH_AT + FLUSH_AT / 2)

/* An n45 text that grows; allocated on first use (most lists are short). */
struct vec {
	char *p;
	uint32_t len, cap;
};

/* Gaps in nibbles, the most memory the index holds while it is built (a
 * list's final code, search_codec.c, depends on all of it): a gap is its
 * base-8 digits, most significant first, each in a nibble whose high bit
 * says another follows. Most gaps are small: at 10,000 reports this is
 * 59% of the same gaps in n45 text (1 character below 45, 2 below 2,025),
 * 26 MB less. len counts nibbles, cap bytes. */
struct nibbles {
	uint8_t *p;
	uint32_t len, cap;
};

/* A list of documents: the first one, the last one + 1 (0: empty), the
 * count, and the gaps after the first. */
struct doclist {
	uint32_t first, last, n;
	struct nibbles gaps;
};

struct gram {
	uint64_t key;			/* the first three code points, gram_key */
	uint32_t c4;			/* the fourth, or 0 */
	uint32_t npos;			/* positions, for positional grams */
	struct doclist docs, title;
	struct vec pos;			/* per document after the first: gap, h, [kt], positions */
};

/* The 1- and 2-character grams already noted for the current document
 * (keys + 1, cleared by stamp): a document repeats most of its characters,
 * and this small set stays in the processor's cache where the table does not. */
#define SEEN_SLOTS (1u << 14)
struct gram_seen {
	uint64_t key;
	uint32_t c4, stamp;
};

/* The current document's 3-character grams and how often each occurs
 * (stamp: the document + 1; a stale stamp is an empty slot). */
#define TRI_SLOTS (1u << 14)
struct tri_count {
	uint64_t key;
	uint32_t stamp, n;
	uint32_t left, right;	/* the characters around its first occurrence (0: none) */
	unsigned flags;		/* TRIGRAM_* */
};

/* Lookups in the table miss the processor's cache on a large archive: each
 * occurrence waits in a short queue while the slot it needs is prefetched. */
#define QUEUE 16
struct pending {
	uint64_t key;
	uint32_t c4, doc, pos;
};

/* pos: for a gram's list 1 in the title, else 0; for
 * positional ones position << 1 | (1 in the text, 0 in the title). */
struct occurrence {
	uint32_t gram, doc, pos;
};

static void vec_grow(struct vec *v, uint32_t extra)
{
	if (v->cap - v->len >= extra)
		return;
	uint32_t cap = v->cap ? v->cap : 8;
	while (cap - v->len < extra)
		cap = cap / 2 * 3 + 8;
	v->p = xrealloc(v->p, cap);
	v->cap = cap;
}

static void nibbles_put(struct nibbles *v, uint32_t x)
{
	unsigned digits = 1;
	while (digits < 11 && x >> (3 * digits))
		digits++;
	if (v->cap * 2 - v->len < digits) {
		uint32_t cap = v->cap ? v->cap : 4;
		while (cap * 2 - v->len < digits)
			cap = cap / 2 * 3 + 4;
		v->p = xrealloc(v->p, cap);
		v->cap = cap;
	}
	for (unsigned d = digits; d-- > 0;) {
		unsigned nib = (x >> (3 * d) & 7) | (d ? 8 : 0);
		if (v->len & 1)
			v->p[v->len >> 1] |= (uint8_t)nib;
		else
			v->p[v->len >> 1] = (uint8_t)(nib << 4);
		v->len++;
	}
}

/* The number at nibble *i, which nibbles_put wrote. */
static uint32_t nibbles_get(const struct nibbles *v, uint32_t *i)
{
	uint32_t x = 0;
	unsigned nib;
	do {
		nib = v->p[*i >> 1] >> (*i & 1 ? 0 : 4) & 15;
		x = x << 3 | (nib & 7);
		(*i)++;
	} while (nib & 8);
	return x;
}

/* Adds doc (after every document already in l); returns its gap. */
static uint32_t doclist_add(struct doclist *l, uint32_t doc)
{
	uint32_t gap = doc - l->last;	/* = doc − previous − 1 */
	if (l->n)
		nibbles_put(&l->gaps, gap);
	else
		l->first = doc;
	l->last = doc + 1;
	l->n++;
	return gap;
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

void gram_table_init(struct gram_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 1 << 14;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->bmp = xcalloc(BMP, sizeof(*t->bmp));
	t->bmp_seen = xcalloc(BMP, sizeof(*t->bmp_seen));
	t->seen = xcalloc(SEEN_SLOTS, sizeof(*t->seen));
	t->tri = xcalloc(TRI_SLOTS, sizeof(*t->tri));
	t->queue = xcalloc(QUEUE, sizeof(*t->queue));
	t->capocc = OCC_ROOM;
	t->occ = xmalloc(t->capocc * sizeof(*t->occ));
	t->spare = xmalloc(t->capocc * sizeof(*t->spare));
}

void gram_table_free(struct gram_table *t)
{
	for (size_t i = 0; i < t->len; i++) {
		free(t->grams[i].docs.gaps.p);
		free(t->grams[i].title.gaps.p);
		free(t->grams[i].pos.p);
	}
	free(t->grams);
	free(t->slots);
	free(t->bmp);
	free(t->bmp_seen);
	free(t->seen);
	free(t->tri);
	free(t->queue);
	free(t->occ);
	free(t->spare);
}

static uint64_t slot_hash(uint64_t key, uint32_t c4)
{
	return mix(key ^ (uint64_t)c4 * 0x9e3779b97f4a7c15ULL);
}

static int is_positional(const struct gram *g)
{
	return (g->key & GRAM_POSITIONS) != 0;
}

static uint32_t new_gram(struct gram_table *t, uint64_t key, uint32_t c4)
{
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap / 2 * 3 : 4096;	/* not doubled: 96 bytes a gram, the most grams held */
		t->grams = xrealloc(t->grams, t->cap * sizeof(*t->grams));
	}
	memset(&t->grams[t->len], 0, sizeof(*t->grams));
	t->grams[t->len].key = key;
	t->grams[t->len].c4 = c4;
	return (uint32_t)t->len++;
}

static void rehash(struct gram_table *t)
{
	size_t n = t->nslots * 2;
	struct gram_slot *s = xcalloc(n, sizeof(*s));
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i].index)
			continue;
		const struct gram *g = &t->grams[t->slots[i].index - 1];
		size_t j = slot_hash(g->key, g->c4) & (n - 1);
		while (s[j].index)
			j = (j + 1) & (n - 1);
		s[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
}

static uint32_t gram_index(struct gram_table *t, uint64_t key, uint32_t c4)
{
	if (key < BMP && !c4) {
		if (!t->bmp[key])
			t->bmp[key] = new_gram(t, key, 0) + 1;
		return t->bmp[key] - 1;
	}
	size_t s = slot_hash(key, c4) & (t->nslots - 1);
	for (; t->slots[s].index; s = (s + 1) & (t->nslots - 1))
		if (t->slots[s].key == key && t->slots[s].c4 == c4)
			return t->slots[s].index - 1;
	uint32_t g = new_gram(t, key, c4);
	t->slots[s] = (struct gram_slot){ key, c4, g + 1 };
	if (t->len * 2 > t->nslots)
		rehash(t);
	return g;
}

static void push(struct gram_table *t, uint32_t g, uint32_t doc, uint32_t pos)
{
	if (t->nocc == t->capocc) {	/* a document longer than the whole buffer */
		t->capocc *= 2;
		t->occ = xrealloc(t->occ, t->capocc * sizeof(*t->occ));
		t->spare = xrealloc(t->spare, t->capocc * sizeof(*t->spare));
	}
	t->occ[t->nocc++] = (struct occurrence){ g, doc, pos };
}

static void process(struct gram_table *t, const struct pending *p)
{
	push(t, gram_index(t, p->key, p->c4), p->doc, p->pos);
}

static void enqueue(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, uint32_t pos)
{
	if (key >= BMP || c4)
		__builtin_prefetch(&t->slots[slot_hash(key, c4) & (t->nslots - 1)]);
	struct pending *slot = &t->queue[t->nqueue++ % QUEUE];
	if (t->nqueue > QUEUE)
		process(t, slot);
	*slot = (struct pending){ key, c4, doc, pos };
}

static void drain(struct gram_table *t)
{
	size_t n = t->nqueue < QUEUE ? t->nqueue : QUEUE;
	for (size_t i = t->nqueue - n; i < t->nqueue; i++)
		process(t, &t->queue[i % QUEUE]);
	t->nqueue = 0;
}

/* Has the current document noted key already? Notes it if not. */
static int seen_before(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc)
{
	size_t s = ((key ^ c4) * 0x9e3779b97f4a7c15ULL) >> 51;
	for (;; s = (s + 1) & (SEEN_SLOTS - 1)) {
		struct gram_seen *e = &t->seen[s];
		if (e->stamp != doc + 1) {
			if (t->nseen * 2 >= SEEN_SLOTS)
				return 0;	/* full: let gram_flush drop the repeats */
			e->key = key;
			e->c4 = c4;
			e->stamp = doc + 1;
			t->nseen++;
			return 0;
		}
		if (e->key == key && e->c4 == c4)
			return 1;
	}
}

void gram_add_doc(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, int title)
{
	/* Only the title must be noted each time (it marks the title list),
	 * and titles are short: the text's repeats are dropped here. */
	if (key < BMP && !c4) {
		if (!title && t->bmp_seen[key] == doc + 1)
			return;
		t->bmp_seen[key] = doc + 1;
	} else if (!title && seen_before(t, key, c4, doc)) {
		return;
	}
	enqueue(t, key, c4, doc, title != 0);
}

void gram_add_pos(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, uint32_t pos, int title)
{
	enqueue(t, key | GRAM_POSITIONS, c4, doc, pos << 1 | (title ? 0 : 1));
}

void gram_count_trigram(struct gram_table *t, uint64_t key, uint32_t doc, uint32_t left, uint32_t right)
{
	if (t->tri_full == doc + 1)
		return;
	size_t s = (key * 0x9e3779b97f4a7c15ULL) >> 50;
	for (;; s = (s + 1) & (TRI_SLOTS - 1)) {
		struct tri_count *e = &t->tri[s];
		if (e->stamp != doc + 1) {
			if (t->ntri * 4 >= TRI_SLOTS * 3) {
				t->tri_full = doc + 1;	/* a huge document: every trigram counts as ambiguous */
				return;
			}
			*e = (struct tri_count){ key, doc + 1, 1, left, right, 0 };
			t->ntri++;
			return;
		}
		if (e->key == key) {
			e->n++;
			e->flags |= TRIGRAM_REPEATS | (e->left != left ? TRIGRAM_LEFT_VARIES : 0) |
				    (e->right != right ? TRIGRAM_RIGHT_VARIES : 0);
			return;
		}
	}
}

unsigned gram_trigram(const struct gram_table *t, uint64_t key, uint32_t doc)
{
	unsigned all = TRIGRAM_REPEATS | TRIGRAM_LEFT_VARIES | TRIGRAM_RIGHT_VARIES;
	if (t->tri_full == doc + 1)
		return all;
	size_t s = (key * 0x9e3779b97f4a7c15ULL) >> 50;
	for (;; s = (s + 1) & (TRI_SLOTS - 1)) {
		const struct tri_count *e = &t->tri[s];
		if (e->stamp != doc + 1)
			return all;	/* not counted: cannot happen, but saying so is always safe */
		if (e->key == key)
			return e->flags;
	}
}

/* Stable LSD radix sort by gram, 11 bits a pass: occurrences keep their
 * document and position order within a gram. */
static void sort_occurrences(struct gram_table *t)
{
	unsigned bits = 1;
	while (bits < 32 && (t->len >> bits))
		bits++;
	for (unsigned shift = 0; shift < bits; shift += 11) {
		size_t count[2049] = { 0 };
		for (size_t i = 0; i < t->nocc; i++)
			count[(t->occ[i].gram >> shift & 2047) + 1]++;
		for (size_t d = 1; d <= 2048; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < t->nocc; i++)
			t->spare[count[t->occ[i].gram >> shift & 2047]++] = t->occ[i];
		struct occurrence *tmp = t->occ;
		t->occ = t->spare;
		t->spare = tmp;
	}
}

/* o[0..n): one gram's occurrences in one document. */
static void append_doc(struct gram *g, const struct occurrence *o, size_t n)
{
	uint32_t doc = o[0].doc;
	doclist_add(&g->docs, doc);
	int title = 0;
	for (size_t i = 0; i < n; i++)
		title |= o[i].pos & 1;
	if (title)
		doclist_add(&g->title, doc);
}

/* The entry of a positional gram's positions in one document (search.h),
 * its gap omitted for the table's first document. */
static void append_positions(struct gram *g, const struct occurrence *o, size_t n)
{
	uint32_t doc = o[0].doc;
	size_t kt = 0;
	while (kt < n && !(o[kt].pos & 1))
		kt++;
	uint32_t gap = doclist_add(&g->docs, doc);
	if (kt)
		doclist_add(&g->title, doc);
	struct vec *v = &g->pos;
	vec_grow(v, (uint32_t)(n + 3) * 8);
	if (g->docs.n > 1)
		v->len += (uint32_t)search_n45_to(v->p + v->len, gap);
	v->len += (uint32_t)search_n45_to(v->p + v->len, (uint32_t)(2 * (n - kt) + (kt > 0)));
	if (kt)
		v->len += (uint32_t)search_n45_to(v->p + v->len, (uint32_t)kt);
	g->npos += (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		uint32_t p = o[i].pos >> 1;
		int first = i == 0 || i == kt;
		v->len += (uint32_t)search_n45_to(v->p + v->len, first ? p : p - (o[i - 1].pos >> 1) - 1);
	}
}

void gram_flush(struct gram_table *t)
{
	drain(t);
	sort_occurrences(t);
	for (size_t i = 0; i < t->nocc;) {
		size_t j = i + 1;
		while (j < t->nocc && t->occ[j].gram == t->occ[i].gram && t->occ[j].doc == t->occ[i].doc)
			j++;
		struct gram *g = &t->grams[t->occ[i].gram];
		if (is_positional(g))
			append_positions(g, t->occ + i, j - i);
		else
			append_doc(g, t->occ + i, j - i);
		i = j;
	}
	t->nocc = 0;
}

void gram_doc_end(struct gram_table *t)
{
	t->nseen = 0;
	t->ntri = 0;
	if (t->nocc >= FLUSH_AT)
		gram_flush(t);
}

/* ---- collecting ---- */

static void key_utf8(uint64_t key, uint32_t c4, struct gram_ref *r)
{
	r->len = 0;
	for (int i = 0; i < 4; i++) {
		uint32_t c = i < 3 ? (uint32_t)(key >> (21 * i)) & 0x1fffff : c4 & GRAM_C4_CHAR;
		if (!c)
			break;
		char *p = r->utf8 + r->len;
		if (c < 0x80) {
			p[0] = (char)c;
			r->len += 1;
		} else if (c < 0x800) {
			p[0] = (char)(0xc0 | c >> 6);
			p[1] = (char)(0x80 | (c & 0x3f));
			r->len += 2;
		} else if (c < 0x10000) {
			p[0] = (char)(0xe0 | c >> 12);
			p[1] = (char)(0x80 | (c >> 6 & 0x3f));
			p[2] = (char)(0x80 | (c & 0x3f));
			r->len += 3;
		} else {
			p[0] = (char)(0xf0 | c >> 18);
			p[1] = (char)(0x80 | (c >> 12 & 0x3f));
			p[2] = (char)(0x80 | (c >> 6 & 0x3f));
			p[3] = (char)(0x80 | (c & 0x3f));
			r->len += 4;
		}
	}
	r->base_len = r->len;
	if (c4 & (GRAM_LEFT_VARIES | GRAM_RIGHT_VARIES))
		r->utf8[r->len++] = c4 & GRAM_LEFT_VARIES ? '<' : '>';
	r->utf8[r->len] = 0;
}

struct part {
	uint64_t key;
	uint32_t c4;
	size_t table;
	struct gram *g;
};

static int part_cmp(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->c4 != y->c4)
		return x->c4 < y->c4 ? -1 : 1;
	return x->table < y->table ? -1 : x->table > y->table;
}

size_t gram_collect(struct gram_table *tables, size_t ntables, int positional, struct gram_ref **out, size_t *bytes)
{
	size_t total = 0, n = 0;
	for (size_t t = 0; t < ntables; t++)
		total += tables[t].len;
	struct part *parts = xmalloc((total + 1) * sizeof(*parts));
	*bytes = 0;
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].len; i++) {
			struct gram *g = &tables[t].grams[i];
			if (is_positional(g) != (positional != 0))
				continue;
			parts[n++] = (struct part){ g->key, g->c4, t, g };
			/* From counts, not from the lists' bytes: the estimate (and so the
			 * number of shards) must not depend on how the documents were
			 * split between threads. About two characters a number. */
			*bytes += 2 * (g->docs.n + (positional ? 2 * g->docs.n + g->npos : 0));
		}
	if (n)
		qsort(parts, n, sizeof(*parts), part_cmp);
	struct gram_ref *refs = xmalloc((n + 1) * sizeof(*refs));
	struct gram **ptrs = xmalloc((n + 1) * sizeof(*ptrs));
	size_t nrefs = 0;
	for (size_t i = 0; i < n; i++) {
		ptrs[i] = parts[i].g;
		if (i && parts[i].key == parts[i - 1].key && parts[i].c4 == parts[i - 1].c4) {
			refs[nrefs - 1].nparts++;
			continue;
		}
		struct gram_ref *r = &refs[nrefs++];
		r->key = parts[i].key;
		r->parts = &ptrs[i];
		r->nparts = 1;
		r->shard = 0;
		key_utf8(r->key, parts[i].c4, r);
	}
	free(parts);
	if (nrefs == 0)
		free(ptrs);
	*out = refs;
	return nrefs;
}

void gram_refs_free(struct gram_ref *refs, size_t n)
{
	if (n)
		free(refs[0].parts);	/* the first ref's parts start the shared array */
	free(refs);
}

/* ---- encoding (search_codec.c) ---- */

void gram_ref_docs(const struct gram_ref *r, int title, struct u32s *docs)
{
	for (size_t p = 0; p < r->nparts; p++) {	/* table t's documents all precede table t+1's */
		const struct doclist *l = title ? &r->parts[p]->title : &r->parts[p]->docs;
		if (!l->n)
			continue;
		uint32_t doc = l->first, i = 0;
		u32s_push(docs, doc);
		for (uint32_t k = 1; k < l->n; k++) {
			doc += nibbles_get(&l->gaps, &i) + 1;
			u32s_push(docs, doc);
		}
	}
}

void gram_encode_docs(const struct gram_ref *r, struct buf *out, struct u32s *docs)
{
	for (int title = 0; title < 2; title++) {
		docs->n = 0;
		gram_ref_docs(r, title, docs);
		search_encode_docs(docs->v, docs->n, out);
	}
}

void gram_ref_entries(const struct gram_ref *r, struct u32s *e)
{
	uint32_t last = 0;	/* the previous document + 1 */
	for (size_t p = 0; p < r->nparts; p++) {
		const struct gram *g = r->parts[p];
		const char *s = g->pos.p;
		size_t i = 0;
		for (uint32_t d = 0; d < g->docs.n; d++) {
			uint32_t doc = d ? last + search_n45_get(s, &i) : g->docs.first;
			uint32_t h = search_n45_get(s, &i), kb = h >> 1, kt = h & 1 ? search_n45_get(s, &i) : 0;
			u32s_push(e, doc);
			u32s_push(e, kt);
			u32s_push(e, kb);
			for (uint32_t j = 0; j < kt + kb; j++)
				u32s_push(e, search_n45_get(s, &i));
			last = doc + 1;
		}
	}
}

void gram_encode_positions(const struct gram_ref *r, struct buf *out, struct u32s *tmp)
{
	tmp->n = 0;
	gram_ref_entries(r, tmp);
	search_encode_entries(tmp->v, tmp->n, out);
}
