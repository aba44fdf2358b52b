/* A report's searchable text (search.h: its title, then its subtitle,
 * body and captions, then lines of metadata) and its d/ file, made by
 * search.c's threads and by search_patch.c; search_docfile.c reads a d/
 * file back. */
#define _DEFAULT_SOURCE
#include "search_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <unicode/ustring.h>

#include "buf.h"
#include "markdown.h"
#include "render.h"
#include "text.h"
#include "xalloc.h"

/* The text after the title as it is built: the lines of metadata (places,
 * people, tags, their pinyin) are told apart by a letter each in `kinds`
 * (search.h), so the browser can label a match there. */
struct doc_text {
	struct buf *text, *kinds;
};

static void add_line(struct doc_text *dt, char kind, const char *s)
{
	if (!s || !*s)
		return;
	buf_addstr(dt->text, s);
	buf_addch(dt->text, '\n');
	if (kind)
		buf_addch(dt->kinds, kind);
}

/* A slug without its hyphens: "chang-ning-she-qu" → "changningshequ". */
static void add_slug_line(struct doc_text *dt, char kind, const char *slug)
{
	if (!slug || !*slug)
		return;
	for (const char *p = slug; *p; p++)
		if (*p != '-')
			buf_addch(dt->text, *p);
	buf_addch(dt->text, '\n');
	buf_addch(dt->kinds, kind);
}

static void add_people(struct doc_text *dt, const struct strlist *names, struct person **refs, char kind, int slugs)
{
	for (size_t i = 0; i < names->len; i++)
		if (slugs)
			add_slug_line(dt, kind, refs ? refs[i]->slug : NULL);
		else
			add_line(dt, kind, names->items[i]);
}

/* Length of s in UTF-16 code units, as JavaScript counts a string. */
static size_t utf16_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* Everything after the title, one field per line (see search.h): the
 * subtitle, body and captions, then the metadata lines. Returns the length
 * of the first part in UTF-16 code units. */
static size_t document_text(const struct article *art, const char *date, struct doc_text *dt)
{
	struct buf *b = dt->text;
	add_line(dt, 0, art->subtitle);
	markdown_text(art->body, art->body_len, b);
	if (b->len && b->data[b->len - 1] != '\n')
		buf_addch(b, '\n');
	for (size_t i = 0; i < art->captions.len; i++)
		add_line(dt, 0, art->captions.items[i]);
	size_t body = b->len ? utf16_length(b->data, b->len - 1) : 0;
	add_line(dt, 'd', date);
	add_line(dt, 's', art->street);
	for (const struct place *p = art->place; p; p = p->parent)
		add_line(dt, 'p', p->name);
	for (size_t i = 0; i < art->author.len; i++)
		add_line(dt, 'a', art->author.items[i]);
	add_people(dt, &art->reporters, art->reporter_refs, 'r', 0);
	add_people(dt, &art->correspondents, art->correspondent_refs, 'c', 0);
	for (size_t i = 0; i < art->tags.len; i++)
		add_line(dt, 't', art->tags.items[i]);
	add_line(dt, 'g', art->page);
	for (const struct place *p = art->place; p; p = p->parent)
		add_slug_line(dt, 'P', p->slug);
	add_people(dt, &art->reporters, art->reporter_refs, 'R', 1);
	add_people(dt, &art->correspondents, art->correspondent_refs, 'C', 1);
	for (size_t i = 0; i < art->tags.len; i++)
		add_slug_line(dt, 'T', art->tag_refs ? art->tag_refs[i]->slug : NULL);
	if (b->len)
		buf_truncate(b, b->len - 1);
	return body;
}


/* A JSON string; also escapes U+2028/U+2029, which older JavaScript
 * engines do not take inside string literals. */
void search_add_json(struct buf *b, const char *s, size_t len)
{
	buf_addch(b, '"');
	size_t run = 0;	/* start of the bytes not yet copied */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int line_sep = c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			       ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9);
		if (c != '"' && c != '\\' && c >= 0x20 && !line_sep)
			continue;
		buf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, (char)c);
		} else if (c == '\n') {
			buf_addstr(b, "\\n");
		} else if (line_sep) {
			buf_addf(b, "\\u%04x", (unsigned char)s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			i += 2;
		} else {
			buf_addf(b, "\\u%04x", c);
		}
		run = i + 1;
	}
	buf_add(b, s + run, len - run);
	buf_addch(b, '"');
}

static void add_json_field(struct buf *b, const char *key, const char *s, size_t len)
{
	buf_addf(b, ",\"%s\":", key);
	search_add_json(b, s, len);
}

/* text as UTF-16LE in out (Chinese text takes 2 bytes a character there
 * against 3 in UTF-8, and deflates about 8% smaller). Returns its size. */
static size_t utf16le(const char *text, size_t len, struct buf *out)
{
	buf_reset(out);
	buf_grow(out, 2 * len + 2);
	UChar *u = (UChar *)(void *)out->data;
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u, (int32_t)(len + 1), &n, text, (int32_t)len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		return 0;
	unsigned char *b = (unsigned char *)out->data;
	for (int32_t i = 0; i < n; i++) {	/* in place: unit i is bytes 2i and 2i + 1 */
		UChar c = u[i];
		b[2 * i] = (unsigned char)(c & 0xff);
		b[2 * i + 1] = (unsigned char)(c >> 8);
	}
	return 2 * (size_t)n;
}

/* Raw deflate of in[0..n) with the dictionary in front (search_dict.c)
 * into out. Returns its size, 0 when it fails. */
static size_t deflate_text(struct worker_state *ws, const unsigned char *in, size_t n, struct buf *out)
{
	z_stream *zs = ws->z;
	const struct buf *dict = &ws->x->dict;
	if (deflateReset(zs) != Z_OK ||
	    (dict->len && deflateSetDictionary(zs, (const Bytef *)dict->data, (uInt)dict->len) != Z_OK))
		return 0;
	size_t bound = deflateBound(zs, (uLong)n);
	buf_reset(out);
	buf_grow(out, bound);
	zs->next_in = (Bytef *)(uintptr_t)in;
	zs->avail_in = (uInt)n;
	zs->next_out = (Bytef *)out->data;
	zs->avail_out = (uInt)bound;
	if (deflate(zs, Z_FINISH) != Z_STREAM_END)
		return 0;
	return (size_t)zs->total_out;
}

/* The text as "z" (raw deflate of its UTF-16LE with the dictionary, b91)
 * when that is shorter than "x" (plain). */
static void add_z_field(struct buf *b, struct worker_state *ws, size_t zlen)
{
	buf_addstr(b, ",\"z\":\"");
	search_b91(b, (const unsigned char *)ws->scratch.data, zlen);
	buf_addch(b, '"');
}

static void add_text_field(struct buf *b, struct worker_state *ws, const char *text, size_t len)
{
	size_t ulen = utf16le(text, len, &ws->u16);
	size_t zlen = ulen ? deflate_text(ws, (const unsigned char *)ws->u16.data, ulen, &ws->scratch) : 0;
	/* "x" is at least `,"x":""` and the text (escaping only lengthens):
	 * when even that is longer, it need not be written to be refused */
	if (zlen && len + 7 > zlen * 16 / 13 + 8) {
		add_z_field(b, ws, zlen);
		return;
	}
	size_t start = b->len;
	add_json_field(b, "x", text, len);
	if (!zlen || zlen * 16 / 13 + 8 >= b->len - start)
		return;
	buf_truncate(b, start);
	add_z_field(b, ws, zlen);
}

static const char *date_text(struct worker_state *ws, const struct date *dt)
{
	/* documents come in date order: most share the previous one's date */
	if (ws->date.len && dt->y == ws->last_y && dt->m == ws->last_m && dt->d == ws->last_d)
		return ws->date.data;
	buf_reset(&ws->date);
	if (dt->d)
		text_format_date(ws->dates, dt->y, dt->m, dt->d, &ws->date);
	else
		text_format_month(ws->dates, dt->y, dt->m, &ws->date);
	ws->last_y = dt->y;
	ws->last_m = dt->m;
	ws->last_d = dt->d;
	return ws->date.data;
}

void search_document_text(struct worker_state *ws, const struct article *art)
{
	buf_reset(&ws->text);
	buf_reset(&ws->kinds);
	struct doc_text dt = { &ws->text, &ws->kinds };
	ws->body_u16 = document_text(art, date_text(ws, &art->date), &dt);
}

void search_document(struct worker_state *ws, const struct article *art)
{
	search_document_text(ws, art);
	struct buf *f = &ws->file;
	buf_reset(f);
	buf_addf(f, "sitegenSearch.d(%zu,{\"u\":", art->order);
	search_add_json(f, art->url, strlen(art->url));
	add_json_field(f, "t", art->title, strlen(art->title));
	const char *date = date_text(ws, &art->date);
	add_json_field(f, "date", date, strlen(date));
	buf_reset(&ws->scratch);
	render_place_text(art->place, &ws->scratch);
	add_json_field(f, "place", ws->scratch.data, ws->scratch.len);
	if (art->subtitle)
		add_json_field(f, "s", art->subtitle, strlen(art->subtitle));
	if (art->date_inferred)
		buf_addstr(f, ",\"inf\":1");
	if (art->kind == ARTICLE_OTHER)
		buf_addstr(f, ",\"other\":1");
	buf_addf(f, ",\"b\":%zu", ws->body_u16);
	add_json_field(f, "mk", ws->kinds.data, ws->kinds.len);
	add_text_field(f, ws, ws->text.data, ws->text.len);
	buf_addstr(f, "});\n");
}
