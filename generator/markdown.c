#include "markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

/* cmark allocates a node, a buffer or a string for every few bytes of a
 * body and frees each one by one: ~100 mallocs a paragraph, 10,000 bodies a
 * build. Here everything cmark allocates during one call of this module
 * comes from a pool of 64 KB blocks (a buffer growing at the pool's end
 * grows in place), freed at once when the call returns, trees and strings
 * included: nothing cmark made outlives the call. Each thread has its own
 * pool (md_pool_now), so calls in several threads never share one. Out of
 * memory exits as every allocation of the generator does (xalloc.h). */
#define MD_BLOCK (64 * 1024)
#define MD_ALIGN 16

struct md_block {
	struct md_block *next;
	size_t used, size;
	_Alignas(MD_ALIGN) unsigned char data[];
};

/* Each allocation is preceded by its capacity (MD_ALIGN bytes, to keep
 * the allocation aligned). */
struct md_pool {
	struct md_block *head;
	unsigned char *last;	/* the latest allocation, at the end of head: it can grow or go back */
};

static _Thread_local struct md_pool *md_pool_now;

static size_t *cap_of(void *p)
{
	return (size_t *)((unsigned char *)p - MD_ALIGN);
}

static void *pool_get(struct md_pool *pool, size_t size)
{
	size_t cap = (size + MD_ALIGN - 1) & ~(size_t)(MD_ALIGN - 1);
	size_t need = MD_ALIGN + cap;
	struct md_block *b = pool->head;
	if (!b || b->size - b->used < need) {
		size_t bs = need > MD_BLOCK ? need : MD_BLOCK;
		b = xmalloc(sizeof(*b) + bs);
		b->size = bs;
		b->used = 0;
		b->next = pool->head;
		pool->head = b;
	}
	unsigned char *p = b->data + b->used + MD_ALIGN;
	b->used += need;
	*cap_of(p) = cap;
	pool->last = p;
	return p;
}

static void *md_calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / 2 / size)
		return xcalloc(n, size);	/* says "out of memory" and exits */
	return memset(pool_get(md_pool_now, n * size), 0, n * size);
}

static void *md_realloc(void *p, size_t size)
{
	struct md_pool *pool = md_pool_now;
	if (!p)
		return pool_get(pool, size);
	size_t cap = *cap_of(p);
	if (size <= cap)
		return p;
	size_t grown = (size + MD_ALIGN - 1) & ~(size_t)(MD_ALIGN - 1);
	struct md_block *b = pool->head;
	if (p == pool->last && b->size - b->used >= grown - cap) {
		b->used += grown - cap;
		*cap_of(p) = grown;
		return p;
	}
	void *q = pool_get(pool, size);
	memcpy(q, p, cap);
	return q;
}

/* Only the latest allocation goes back (a buffer freed at once); the rest
 * waits for md_end. */
static void md_free(void *p)
{
	struct md_pool *pool = md_pool_now;
	if (p && p == pool->last) {
		pool->head->used -= MD_ALIGN + *cap_of(p);
		pool->last = NULL;
	}
}

static cmark_mem md_mem = { md_calloc, md_realloc, md_free };

static void md_begin(struct md_pool *pool)
{
	*pool = (struct md_pool){ NULL, NULL };
	md_pool_now = pool;
}

/* Frees everything cmark allocated since md_begin. */
static void md_end(struct md_pool *pool)
{
	for (struct md_block *b = pool->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	md_pool_now = NULL;
}

static cmark_node *parse(const char *md, size_t len, int opts)
{
	cmark_parser *p = cmark_parser_new_with_mem(opts, &md_mem);
	cmark_parser_feed(p, md, len);
	return cmark_parser_finish(p);	/* the parser goes with the pool */
}

/* The end of the container marker at md[i] ('>', '-', '+', '*', or 1–9
 * digits and '.' or ')', a list marker followed by a blank or the line's
 * end), or i when there is none. */
static size_t marker_end(const char *md, size_t len, size_t i)
{
	if (md[i] == '>')
		return i + 1;
	size_t k = i;
	if (md[i] == '-' || md[i] == '+' || md[i] == '*') {
		k = i + 1;
	} else {
		while (k < len && k - i < 9 && md[k] >= '0' && md[k] <= '9')
			k++;
		if (k == i || k >= len || (md[k] != '.' && md[k] != ')'))
			return i;
		k++;
	}
	if (k < len && md[k] != ' ' && md[k] != '\t' && md[k] != '\n' && md[k] != '\r')
		return i;
	return k;
}

int markdown_check_nesting(const char *md, size_t len, size_t *bad)
{
	for (size_t i = 0; i < len;) {
		size_t depth = 0, j = i, cols = 0;
		for (;;) {
			for (; j < len && (md[j] == ' ' || md[j] == '\t'); j++) {
				cols = md[j] == '\t' ? (cols / 4 + 1) * 4 : cols + 1;
				if (cols > MARKDOWN_MAX_INDENT) {
					*bad = j;
					return -2;
				}
			}
			size_t k = j < len ? marker_end(md, len, j) : j;
			if (k == j)
				break;
			if (++depth > MARKDOWN_MAX_NESTING) {
				*bad = j;
				return -1;
			}
			j = k;
		}
		const char *nl = memchr(md + j, '\n', len - j);
		i = nl ? (size_t)(nl - md) + 1 : len;
	}
	return 0;
}

void markdown_to_html(const char *md, size_t len, int unsafe, struct buf *out)
{
	markdown_to_html_images(md, len, unsafe, NULL, NULL, out);
}

/* An image inside another image's description is only its text there. */
static int in_image(cmark_node *node)
{
	for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p))
		if (cmark_node_get_type(p) == CMARK_NODE_IMAGE)
			return 1;
	return 0;
}

/* The images shown as images, in order (a list cmark_node *; changing the
 * tree while walking it would lose the walk). */
static cmark_node **shown_images(cmark_node *doc, size_t *n)
{
	cmark_node **list = NULL;
	size_t cap = 0;
	*n = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_IMAGE || in_image(node))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[(*n)++] = node;
	}
	cmark_iter_free(it);
	return list;
}

static int has_image_mark(const char *md, size_t len)
{
	for (const char *p = md; (p = memchr(p, '!', (size_t)(md + len - p))) != NULL; p++)
		if (p + 1 < md + len && p[1] == '[')
			return 1;
	return 0;
}

void markdown_images(const char *md, size_t len, void (*fn)(void *ctx, const char *url, size_t line, size_t col),
		     void *ctx)
{
	if (!has_image_mark(md, len))
		return;
	struct md_pool pool;
	md_begin(&pool);
	cmark_node *doc = parse(md, len, CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS);
	size_t n;
	cmark_node **images = shown_images(doc, &n);
	for (size_t i = 0; i < n; i++) {
		int line = cmark_node_get_start_line(images[i]), col = cmark_node_get_start_column(images[i]);
		fn(ctx, cmark_node_get_url(images[i]), line > 0 ? (size_t)line : 1, col > 0 ? (size_t)col : 1);
	}
	free(images);
	md_end(&pool);
}

/* Replaces the image node by a custom one holding its <img> with our
 * attributes. The image is rendered alone by cmark first, so that src, alt
 * and title are escaped (and unsafe URLs dropped) exactly as cmark does;
 * a custom node's HTML is written as it is, also in safe mode. */
static void rewrite_image(cmark_node *img, int opts, void (*size)(void *, const char *, unsigned *, unsigned *),
			  void *ctx)
{
	unsigned w = 0, h = 0;
	if (size)
		size(ctx, cmark_node_get_url(img), &w, &h);
	cmark_node *custom = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, &md_mem);
	cmark_node_insert_before(img, custom);
	cmark_node_unlink(img);
	cmark_node *doc = cmark_node_new_with_mem(CMARK_NODE_DOCUMENT, &md_mem);
	cmark_node *para = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH, &md_mem);
	cmark_node_append_child(doc, para);
	cmark_node_append_child(para, img);
	char *html = cmark_render_html(doc, opts);	/* <p><img src="…" alt="…" /></p>\n */
	size_t n = strlen(html);
	static const char head[] = "<p><img ", tail[] = " /></p>\n";
	struct buf tag = BUF_INIT;
	if (n >= sizeof(head) - 1 + sizeof(tail) - 1 && memcmp(html, head, sizeof(head) - 1) == 0 &&
	    strcmp(html + n - (sizeof(tail) - 1), tail) == 0) {
		buf_add(&tag, html + 3, n - 3 - (sizeof(tail) - 1));
		if (w && h)
			buf_addf(&tag, " width=\"%u\" height=\"%u\"", w, h);
		buf_addstr(&tag, " loading=\"lazy\" decoding=\"async\">");
	}
	cmark_node_set_on_enter(custom, tag.len ? tag.data : "");
	buf_free(&tag);	/* html and doc go with the pool */
}

void markdown_to_html_images(const char *md, size_t len, int unsafe,
			     void (*size)(void *ctx, const char *url, unsigned *w, unsigned *h), void *ctx,
			     struct buf *out)
{
	int opts = CMARK_OPT_DEFAULT | (unsafe ? CMARK_OPT_UNSAFE : 0);
	struct md_pool pool;
	md_begin(&pool);
	cmark_node *doc = parse(md, len, opts);
	if (has_image_mark(md, len)) {
		size_t n;
		cmark_node **images = shown_images(doc, &n);
		for (size_t i = 0; i < n; i++)
			rewrite_image(images[i], opts, size, ctx);
		free(images);
	}
	buf_addstr(out, cmark_render_html(doc, opts));	/* with the document's allocator */
	md_end(&pool);
}

/* Summaries only need the opening text, so only that much of the body is
 * parsed: a few paragraphs go a long way past 90 characters. */
#define SUMMARY_SOURCE_BYTES 1024

/* How much of the body a summary may parse to come out as from the whole
 * body: up to a blank line past `from` bytes, where every block
 * before it has ended as it would in the whole body; the whole body when a
 * link reference definition ("]:") may follow, since it changes how the
 * links before it read. */
static size_t summary_source_len(const char *md, size_t len, size_t from)
{
	if (len <= from)
		return len;
	const char *end = md + len;
	for (const char *p = md + from; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
		const char *q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < end && *q == '\n') {
			for (const char *r = q; (r = memchr(r, ']', (size_t)(end - r))) != NULL; r++)
				if (r + 1 < end && r[1] == ':')
					return len;
			return (size_t)(p - md);
		}
	}
	return len;
}

/* Does out end with a CJK character (U+2E80 and up, in three or four UTF-8
 * bytes)? Those run on across a soft line break; other text gets a space. */
static int after_cjk(const struct buf *out)
{
	size_t i = out->len;
	while (i > 0 && ((unsigned char)out->data[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || out->len - i < 2)
		return 0;
	unsigned char lead = (unsigned char)out->data[i - 1];
	if (lead >= 0xf0)
		return 1;
	if (lead < 0xe0)
		return 0;
	unsigned cp = (lead & 0x0fu) << 12 | ((unsigned char)out->data[i] & 0x3fu) << 6 |
		      ((unsigned char)out->data[i + 1] & 0x3fu);
	return cp >= 0x2e80;
}

/* Is md[i] the start of a character reference to '*' (&#42;, &#x2A;, with
 * any leading zeros, &ast; or &midast;)? */
static int star_reference(const char *md, size_t len, size_t i)
{
	if (i + 1 < len && md[i + 1] != '#')
		return (len - i >= 5 && !memcmp(md + i, "&ast;", 5)) || (len - i >= 8 && !memcmp(md + i, "&midast;", 8));
	size_t j = i + 2;
	int hex = j < len && (md[j] == 'x' || md[j] == 'X');
	unsigned long v = 0;
	size_t digits = 0;
	for (j += (size_t)hex; j < len && digits < 8; j++, digits++) {
		int c = (unsigned char)md[j], d = c >= '0' && c <= '9' ? c - '0'
					: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
					: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	return digits && j < len && md[j] == ';' && v == '*';
}

/* Did the writer type an asterisk as text, escaped (\*) or as a character
 * reference? */
static int typed_asterisk(const char *md, size_t len)
{
	const char *end = md + len;
	/* a backslash escapes the next character, a backslash too: in "\\**" the stars are emphasis */
	for (const char *p = md; (p = memchr(p, '\\', (size_t)(end - p))) != NULL && p + 1 < end; p += 2)
		if (p[1] == '*')
			return 1;
	for (const char *p = md; (p = memchr(p, '&', (size_t)(end - p))) != NULL; p++)
		if (star_reference(md, len, (size_t)(p - md)))
			return 1;
	return 0;
}

/* The code point of the UTF-8 sequence at p (valid UTF-8: cmark's text). */
static unsigned cp_at(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] < 0x80)
		return u[0];
	if (u[0] < 0xe0)
		return (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
	if (u[0] < 0xf0)
		return (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
	return (u[0] & 0x07u) << 18 | (u[1] & 0x3fu) << 12 | (u[2] & 0x3fu) << 6 | (u[3] & 0x3fu);
}

/* Chinese text or punctuation (U+2E80 and up), or a curly quote. */
static int cjk_side(unsigned cp)
{
	return cp >= 0x2e80 || (cp >= 0x2018 && cp <= 0x201f);
}

/* Appends s without its runs of two or more '*' that touch Chinese text or
 * an end of s (a paragraph's, a link's): emphasis cmark could not read
 * (CommonMark opens or closes a run only when it is flanked so, and
 * "这是**“重点”**。" or "**12月27日……。**记者" next to Chinese punctuation
 * keep their "**"), which a summary must not show. A run between other
 * characters is text the writer typed ("5**2", "a ** b"), and so is a
 * single '*'. */
static void add_without_stars(struct buf *text, const char *s)
{
	const char *p = s, *from = s;
	while ((p = strstr(p, "**")) != NULL) {
		const char *end = p;
		while (*end == '*')
			end++;
		const char *prev = p > s ? p - 1 : NULL;	/* the start of the character before the run */
		while (prev && prev > s && ((unsigned char)*prev & 0xc0) == 0x80)
			prev--;
		if (!prev || !*end || cjk_side(cp_at(prev)) || cjk_side(cp_at(end))) {
			buf_add(text, from, (size_t)(p - from));
			from = end;
		}
		p = end;
	}
	buf_addstr(text, from);
}

static int ends_paragraph(const struct buf *b)
{
	return b->len >= 3 && memcmp(b->data + b->len - 3, "\xE2\x80\xA9", 3) == 0;
}

/* The text of the body's opening paragraphs, up to about max_bytes (a
 * summary needs only the beginning), each ended by U+2029 (PARAGRAPH
 * SEPARATOR: see text_summary). Headings and images' alt text are left out
 * (a summary is what the report says, not what its photos show), and the
 * text stops at the first heading after some text: a summary never runs
 * into the next section. */
/* Returns 1 when the text is complete (past max_bytes, or ended by a
 * heading), 0 when the document ran out first. keep_stars: the writer typed
 * asterisks as text somewhere (typed_asterisk), so runs of them are kept. */
static int collect_text(cmark_node *doc, size_t max_bytes, int keep_stars, struct buf *text)
{
	int complete = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int in_heading = 0, in_image = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !(complete = text->len > max_bytes)) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (type == CMARK_NODE_IMAGE) {
			in_image += ev == CMARK_EVENT_ENTER ? 1 : -1;
		} else if (in_image) {
			continue;
		} else if (type == CMARK_NODE_HEADING) {
			if (ev == CMARK_EVENT_ENTER && text->len) {
				complete = 1;
				break;
			}
			in_heading = ev == CMARK_EVENT_ENTER;
		} else if (type == CMARK_NODE_PARAGRAPH && ev == CMARK_EVENT_EXIT) {
			if (text->len && !ends_paragraph(text))	/* (one holding only an image added nothing) */
				buf_addstr(text, "\xE2\x80\xA9");
		} else if (!in_heading && ev == CMARK_EVENT_ENTER && type == CMARK_NODE_TEXT && !keep_stars) {
			add_without_stars(text, cmark_node_get_literal(node));
		} else if (!in_heading && ev == CMARK_EVENT_ENTER &&
			   (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)) {
			buf_addstr(text, cmark_node_get_literal(node));
		} else if (!in_heading && ev == CMARK_EVENT_ENTER &&
			   (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) && !after_cjk(text)) {
			buf_addch(text, ' ');	/* a break in Chinese text was layout; elsewhere a space */
		}
	}
	cmark_iter_free(it);
	return complete || text->len > max_bytes;
}

static int only_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* Parses the opening first (about a kilobyte is what most summaries need),
 * and the whole body only when the opening held too little text and more
 * than blank space follows it. */
void markdown_summary(const char *md, size_t len, size_t max_chars, struct buf *out)
{
	struct buf text = BUF_INIT;
	size_t n = summary_source_len(md, len, SUMMARY_SOURCE_BYTES);
	int keep_stars = typed_asterisk(md, len);	/* the whole body's, as from a parse of all of it */
	struct md_pool pool;
	md_begin(&pool);
	for (;;) {
		cmark_node *doc = parse(md, n, CMARK_OPT_DEFAULT);
		buf_reset(&text);
		int complete = collect_text(doc, max_chars * 8, keep_stars, &text);
		if (complete || n == len || only_space(md + n, len - n))
			break;
		n = len;
	}
	md_end(&pool);
	text_summary(text.data, text.len, max_chars, out);
	buf_free(&text);
}


static int is_block(cmark_node_type t)
{
	return t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING || t == CMARK_NODE_ITEM ||
	       t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_THEMATIC_BREAK;
}

void markdown_text(const char *md, size_t len, struct buf *out)
{
	struct md_pool pool;
	md_begin(&pool);
	cmark_node *doc = parse(md, len, CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_ENTER &&
		    (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK))
			buf_addstr(out, cmark_node_get_literal(node));
		else if (ev == CMARK_EVENT_ENTER && type == CMARK_NODE_LINEBREAK)
			buf_addch(out, '\n');	/* shown as a new line: text does not run across it */
		else if (ev == CMARK_EVENT_ENTER && type == CMARK_NODE_SOFTBREAK && !after_cjk(out))
			buf_addch(out, ' ');	/* a break in Chinese text was layout; elsewhere a space */
		else if (is_block(type) && out->len && out->data[out->len - 1] != '\n')
			buf_addch(out, '\n');
	}
	cmark_iter_free(it);
	md_end(&pool);
}
