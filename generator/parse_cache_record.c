/* A parse cache record's fields (parse_cache.c has the file around them):
 * an article as parsing made it, written and read back. */
#include "parse_cache_record.h"

#include <stdint.h>
#include <string.h>

#include "article.h"
#include "hash.h"
#include "text.h"

/* ---- reading a record ---- */

uint64_t pc_get_u64(struct cursor *c)
{
	uint64_t v = 0;
	if (c->end - c->p < 8) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v = 0;
	if (c->end - c->p < 4) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

/* n bytes and the NUL after them, in place. */
static const char *get_bytes(struct cursor *c, uint64_t n)
{
	if (c->bad || n >= (uint64_t)(c->end - c->p) || c->p[n] != '\0') {
		c->bad = 1;
		return NULL;
	}
	const char *s = (const char *)c->p;
	c->p += n + 1;
	return s;
}

/* A string that may be NULL: its length + 1, 0 for NULL. */
const char *pc_get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	const char *s = n ? get_bytes(c, n - 1) : NULL;
	if (s && (strlen(s) != n - 1 || !text_utf8_valid(s, n - 1, NULL)))
		c->bad = 1;	/* what parsing gives is valid UTF-8 without NUL */
	return s;
}

static size_t get_size(struct cursor *c)
{
	uint64_t v = pc_get_u64(c);
	if (v > SIZE_MAX / 2)
		c->bad = 1;
	return (size_t)v;
}

static void get_list(struct cursor *c, struct arena *a, struct strlist *l)
{
	uint32_t n = get_u32(c), pos = get_u32(c);
	if (c->bad || n > (uint64_t)(c->end - c->p) / 4) {
		c->bad = 1;
		return;
	}
	l->len = n;
	l->items = n ? arena_alloc(a, n * sizeof(*l->items)) : NULL;
	for (uint32_t i = 0; i < n; i++)
		if (!(l->items[i] = pc_get_str(c)))
			c->bad = 1;
	if (!pos || !n)
		return;
	l->lines = arena_alloc(a, n * sizeof(*l->lines));
	l->cols = arena_alloc(a, n * sizeof(*l->cols));
	for (uint32_t i = 0; i < n; i++) {
		l->lines[i] = get_size(c);
		l->cols[i] = get_size(c);
	}
}

/* ---- writing one ---- */

static void put_u32(struct buf *b, uint32_t v) { buf_add(b, &v, 4); }
void pc_put_u64(struct buf *b, uint64_t v) { buf_add(b, &v, 8); }

void pc_put_str(struct buf *b, const char *s)
{
	if (!s) {
		put_u32(b, 0);
		return;
	}
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n + 1);
	buf_add(b, s, n + 1);
}

static void put_list(struct buf *b, const struct strlist *l)
{
	put_u32(b, (uint32_t)l->len);
	put_u32(b, l->lines && l->cols);
	for (size_t i = 0; i < l->len; i++)
		pc_put_str(b, l->items[i]);
	if (l->lines && l->cols)
		for (size_t i = 0; i < l->len; i++) {
			pc_put_u64(b, l->lines[i]);
			pc_put_u64(b, l->cols[i]);
		}
}

/* The fields parsing fills (site.h), after the text. Keep in step with
 * pc_get_article. */
void pc_put_article(struct buf *b, const struct article *art)
{
	pc_put_u64(b, art->src_digest);
	put_u32(b, (uint32_t)art->kind);
	put_u32(b, (uint32_t)art->date.y);
	put_u32(b, (uint32_t)art->date.m);
	put_u32(b, (uint32_t)art->date.d);
	put_u32(b, (uint32_t)art->date_inferred);
	put_u32(b, (uint32_t)art->truncated);
	put_u32(b, (uint32_t)art->draft);
	pc_put_u64(b, (uint64_t)(art->body - art->src));
	pc_put_u64(b, art->body_len);
	const char *strs[] = { art->title, art->subtitle, art->district, art->city, art->street,
			       art->community, art->page, art->slug, art->source };
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		pc_put_str(b, strs[i]);
	const size_t places[] = { art->district_line, art->district_col, art->city_line, art->city_col,
				  art->slug_line, art->slug_col, art->community_line, art->community_col,
				  art->title_line, art->title_col };
	for (size_t i = 0; i < sizeof(places) / sizeof(*places); i++)
		pc_put_u64(b, places[i]);
	put_list(b, &art->reporters);
	put_list(b, &art->correspondents);
	put_list(b, &art->tags);
	put_list(b, &art->captions);
	put_list(b, &art->corrections);
	put_list(b, &art->author);
}

/* What parsing would have refused (article.c): a record that passes its
 * digests is still never trusted with a value the stages after it could
 * not take. */
static int sound(const struct article *art)
{
	const struct date *d = &art->date;
	if (d->y < 1 || d->y > 9999 || d->m < 1 || d->m > 12 || (d->d && !text_date_valid(d->y, d->m, d->d)))
		return 0;
	return !art->slug || article_slug_valid(art->slug);
}

int pc_get_article(struct cursor *c, struct arena *a, struct article *art, int text_checked)
{
	art->src_digest = pc_get_u64(c);
	if (!text_checked && art->src_digest != hash_block(HASH_INIT, art->src, art->src_len))
		return -1;	/* the text was damaged */
	uint32_t kind = get_u32(c);
	art->kind = kind == ARTICLE_PAGE ? ARTICLE_PAGE : kind == ARTICLE_OTHER ? ARTICLE_OTHER : ARTICLE_REPORT;
	if (kind != (uint32_t)art->kind)
		return -1;
	art->date.y = (int)get_u32(c);
	art->date.m = (int)get_u32(c);
	art->date.d = (int)get_u32(c);
	art->date_inferred = (int)get_u32(c);
	art->truncated = (int)get_u32(c);
	art->draft = (int)get_u32(c);
	size_t body_off = get_size(c), body_len = get_size(c);
	if (body_off > art->src_len || body_len > art->src_len - body_off)
		return -1;
	art->body = art->src + body_off;
	art->body_len = body_len;
	const char **strs[] = { &art->title, &art->subtitle, &art->district, &art->city, &art->street,
				&art->community, &art->page, &art->slug, &art->source };
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		*strs[i] = pc_get_str(c);
	size_t *places[] = { &art->district_line, &art->district_col, &art->city_line, &art->city_col,
			     &art->slug_line, &art->slug_col, &art->community_line, &art->community_col,
			     &art->title_line, &art->title_col };
	for (size_t i = 0; i < sizeof(places) / sizeof(*places); i++)
		*places[i] = get_size(c);
	get_list(c, a, &art->reporters);
	get_list(c, a, &art->correspondents);
	get_list(c, a, &art->tags);
	get_list(c, a, &art->captions);
	get_list(c, a, &art->corrections);
	get_list(c, a, &art->author);
	return c->bad || !art->title || c->p != c->end || !sound(art) ? -1 : 0;
}
