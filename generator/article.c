#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "markdown.h"
#include "text.h"
#include "yamldoc.h"

static const char *const article_keys[] = {
	"title", "subtitle", "date", "date_inferred", "district", "city", "street", "community",
	"reporters", "correspondents", "tags", "page", "captions", "corrections", "truncated",
	"slug", "draft", "kind", "source", "author", NULL
};

struct fm {
	struct arena *a;
	struct diag *d;
	const char *path, *src;
	size_t len;
	int failed;
};

static void fm_error(struct fm *f, const struct ynode *n, const char *fmt, const char *arg)
{
	diag_error(f->d, f->path, n->line, n->col, f->src, f->len, fmt, arg);
	f->failed = 1;
}

/* A line of exactly `---` (or `...` when closing), allowing trailing blanks. */
static int is_fence(const char *p, const char *eol, int closing)
{
	if (eol - p < 3)
		return 0;
	if (memcmp(p, "---", 3) != 0 && !(closing && memcmp(p, "...", 3) == 0))
		return 0;
	for (p += 3; p < eol; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

/* Front matter is a dozen short keys: more than this is a missing closing
 * fence or not an article, and YAML of that size costs time to no purpose. */
#define ARTICLE_MAX_FRONT_MATTER ((size_t)64 * 1024)

/* Finds the YAML between the fences and the body after them. */
static int split_front_matter(struct fm *f, const char **yaml, size_t *yaml_len,
			      const char **body, size_t *body_len)
{
	const char *p = f->src, *end = f->src + f->len;
	if (f->len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (!is_fence(p, line_end(p, end), 0)) {
		diag_error(f->d, f->path, 1, 1, f->src, f->len,
			   "no front matter: an article starts with a line '---', then its YAML keys "
			   "(title, date, district …), then another '---'");
		return -1;
	}
	p = line_end(p, end);
	if (p < end)
		p++;
	*yaml = p;
	while (p < end) {
		const char *eol = line_end(p, end);
		/* the YAML up to and with this line's end */
		if ((size_t)(eol - *yaml) + 1 > ARTICLE_MAX_FRONT_MATTER && !is_fence(p, eol, 1)) {
			size_t line, col;
			diag_locate(f->src, (size_t)(p - f->src), &line, &col);
			diag_error(f->d, f->path, line, 1, f->src, f->len,
				   "front matter longer than %zu KiB: is its closing '---' line missing?",
				   ARTICLE_MAX_FRONT_MATTER / 1024);
			return -1;
		}
		if (is_fence(p, eol, 1)) {
			*yaml_len = (size_t)(p - *yaml);
			*body = eol < end ? eol + 1 : end;
			*body_len = (size_t)(end - *body);
			return 0;
		}
		p = eol < end ? eol + 1 : end;
	}
	diag_error(f->d, f->path, 1, 1, f->src, f->len,
		   "front matter is not closed: no second '---' line after the keys");
	return -1;
}

/* A scalar's text in the article's arena: the YAML tree is parsed into an
 * arena of its own and freed with it (at 10,000 reports the trees were
 * 36 MB of a full build's peak, kept to the end for nothing). */
static const char *kept(struct fm *f, const struct ynode *n)
{
	return arena_strndup(f->a, n->str, n->len);
}

/* YAML's plain null (`~`, `null`) means "no value", as an empty one does. */
static int is_null(const struct ynode *n)
{
	return n->len == 0 || (n->plain && (strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
					    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0));
}

static const char *get_string(struct fm *f, const struct ynode *n, const char *key)
{
	if (n->kind != YNODE_SCALAR) {
		fm_error(f, n, "'%s' must be a single value, not a list or mapping", key);
		return NULL;
	}
	return is_null(n) ? NULL : kept(f, n);
}

static void caption_with_image(struct fm *f, const struct ynode *item, struct article *art, struct strlist *out);

/* A list of strings; with `art`, the captions, whose entries may also be
 * mappings {image, text} (caption_with_image). */
static void get_list_of(struct fm *f, const struct ynode *n, const char *key, struct strlist *out,
			struct article *art)
{
	if (n->kind != YNODE_SCALAR && n->kind != YNODE_SEQ) {
		fm_error(f, n, "'%s' must be a list: [a, b]", key);
		return;
	}
	/* a single value is a list of one */
	const struct ynode *const *items = n->kind == YNODE_SEQ ? (const struct ynode *const *)n->items : &n;
	size_t count = n->kind == YNODE_SEQ ? n->count : 1;
	out->items = arena_alloc(f->a, (count + 1) * sizeof(*out->items));
	out->lines = arena_alloc(f->a, (count + 1) * sizeof(*out->lines));
	out->cols = arena_alloc(f->a, (count + 1) * sizeof(*out->cols));
	if (art) {	/* parallel to out; dropped again below when no caption has an image */
		art->caption_images = arena_alloc(f->a, (count + 1) * sizeof(*art->caption_images));
		art->caption_image_lines = arena_alloc(f->a, (count + 1) * sizeof(*art->caption_image_lines));
		art->caption_image_cols = arena_alloc(f->a, (count + 1) * sizeof(*art->caption_image_cols));
	}
	for (size_t i = 0; i < count; i++) {
		const struct ynode *item = items[i];
		if (art && item->kind == YNODE_MAP) {
			caption_with_image(f, item, art, out);
			continue;
		}
		if (item->kind != YNODE_SCALAR) {
			fm_error(f, item, "each entry of '%s' must be a single value", key);
			continue;
		}
		if (is_null(item))
			continue;
		if (art && strncmp(item->str, "{image:", 7) == 0)	/* quoted: "{image: …}" is a string */
			diag_warning(f->d, f->path, item->line, item->col, f->src, f->len,
				     "caption '%s' is a quoted string, shown as it is: write {image: …, text: …} without quotes",
				     item->str);
		out->lines[out->len] = item->line;
		out->cols[out->len] = item->col;
		out->items[out->len++] = kept(f, item);
	}
	int with_image = 0;
	for (size_t i = 0; art && i < out->len; i++)
		with_image |= art->caption_images[i] != NULL;
	if (art && !with_image)
		art->caption_images = NULL;
}

static void get_list(struct fm *f, const struct ynode *n, const char *key, struct strlist *out)
{
	get_list_of(f, n, key, out, NULL);
}

/* {image: img/photo.jpg, text: 说明}: a caption shown with its image, the
 * image checked and read by load like one in the body (bundle.h). Appended
 * to out (get_list_of made room for every entry) with its image beside it
 * in art->caption_images. */
static void caption_with_image(struct fm *f, const struct ynode *item, struct article *art, struct strlist *out)
{
	for (size_t k = 0; k < item->count; k++)
		if (strcmp(item->keys[k]->str, "image") != 0 && strcmp(item->keys[k]->str, "text") != 0)
			fm_error(f, item->keys[k], "a caption with an image has the keys 'image' and 'text' only, not '%s'",
				 item->keys[k]->str);
	const struct ynode *img = ynode_get(item, "image"), *text = ynode_get(item, "text");
	if (!img || !text || img->kind != YNODE_SCALAR || text->kind != YNODE_SCALAR || is_null(img) || is_null(text)) {
		fm_error(f, item, "a caption with an image needs both keys, each one value: %s",
			 "{image: img/photo.jpg, text: 说明}");
		return;
	}
	art->caption_images[out->len] = kept(f, img);
	art->caption_image_lines[out->len] = img->line;
	art->caption_image_cols[out->len] = img->col;
	out->lines[out->len] = text->line;
	out->cols[out->len] = text->col;
	out->items[out->len++] = kept(f, text);
}

/* 李艳、王五 or 静默管理，孕妇 typed as one name: each would get a page of
 * its own under the joined name. A warning at the entry, naming the mark. */
static void check_names(struct fm *f, const struct ynode *n, const char *key)
{
	static const char *const marks[] = { "、", "，", "；", ", ", "; " };
	const struct ynode *const *items = n->kind == YNODE_SEQ ? (const struct ynode *const *)n->items : &n;
	size_t count = n->kind == YNODE_SEQ ? n->count : 1;
	for (size_t i = 0; i < count; i++) {
		const struct ynode *item = items[i];
		if (item->kind != YNODE_SCALAR || is_null(item))
			continue;
		for (size_t m = 0; m < sizeof(marks) / sizeof(*marks); m++)
			if (strstr(item->str, marks[m])) {
				diag_warning(f->d, f->path, item->line, item->col, f->src, f->len,
					     "'%s' entry '%s' holds '%s': list several as [甲, 乙], one name each",
					     key, item->str, marks[m]);
				break;
			}
	}
}

static void get_bool(struct fm *f, const struct ynode *n, const char *key, int *out)
{
	if (!ynode_bool(n, out))
		fm_error(f, n, "'%s' must be true or false", key);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int article_parse_date(const char *s, struct date *out, const char **why)
{
	size_t n = strlen(s);
	if (!((n == 10 || n == 7) && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	      (n == 7 || (s[7] == '-' && digits(s + 8, 2))))) {
		*why = "must be YYYY-MM-DD, or YYYY-MM when the day is not known";
		return -1;
	}
	out->y = atoi(s);
	out->m = atoi(s + 5);
	out->d = n == 10 ? atoi(s + 8) : 0;
	if (out->y < 1) {
		*why = "has no year 0: the calendar starts at year 1";
		return -1;
	}
	if (out->m < 1 || out->m > 12) {
		*why = "has no such month";
		return -1;
	}
	if (out->d && !text_date_valid(out->y, out->m, out->d)) {
		*why = "has no such day in that month";
		return -1;
	}
	return 0;
}

static void get_date(struct fm *f, const struct ynode *n, struct article *art)
{
	const char *s = get_string(f, n, "date");
	const char *why;
	if (!s) {
		if (n->kind == YNODE_SCALAR)
			fm_error(f, n, "'%s' is empty: give YYYY-MM-DD, or YYYY-MM", "date");
		return;
	}
	if (article_parse_date(s, &art->date, &why) < 0) {
		diag_error(f->d, f->path, n->line, n->col, f->src, f->len, "date '%s' %s", s, why);
		f->failed = 1;
	}
}

static void get_kind(struct fm *f, const struct ynode *n, struct article *art)
{
	const char *s = get_string(f, n, "kind");
	if (!s || strcmp(s, "report") == 0)
		art->kind = ARTICLE_REPORT;
	else if (strcmp(s, "page") == 0)
		art->kind = ARTICLE_PAGE;
	else if (strcmp(s, "other") == 0)
		art->kind = ARTICLE_OTHER;
	else
		fm_error(f, n, "kind '%s' must be report, page or other", s);
}

int article_slug_valid(const char *s)
{
	const char *p = s;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
		p++;
	return !*p && *s && *s != '-' && p[-1] != '-';
}

static void get_slug(struct fm *f, const struct ynode *n, struct article *art)
{
	const char *s = get_string(f, n, "slug");
	if (!s)
		return;
	if (!article_slug_valid(s)) {
		fm_error(f, n, "slug '%s' may only use a-z, 0-9 and inner '-'", s);
		return;
	}
	art->slug = s;
	art->slug_line = n->line;
	art->slug_col = n->col;
}

/* Reads one key; returns 0 when the key is unknown. */
static int read_key(struct fm *f, const char *k, const struct ynode *v, struct article *art)
{
	struct { const char *key; const char **slot; } strings[] = {
		{ "subtitle", &art->subtitle }, { "street", &art->street },
		{ "page", &art->page }, { "source", &art->source },
	};
	struct { const char *key; struct strlist *slot; } lists[] = {
		{ "reporters", &art->reporters }, { "correspondents", &art->correspondents },
		{ "tags", &art->tags }, { "author", &art->author }, { "corrections", &art->corrections },
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		if (strcmp(k, strings[i].key) == 0) {
			*strings[i].slot = get_string(f, v, k);
			/* a blank page or source would file unrelated reports together */
			if (*strings[i].slot && i >= 2 && text_is_blank(*strings[i].slot)) {
				fm_error(f, v, "'%s' is blank: give it, or leave the key out", k);
				*strings[i].slot = NULL;
			}
			return 1;
		}
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		if (strcmp(k, lists[i].key) == 0) {
			get_list(f, v, k, lists[i].slot);
			if (i < 4)	/* names: reporters, correspondents, tags, author */
				check_names(f, v, k);
			return 1;
		}
	if (strcmp(k, "captions") == 0) {
		get_list_of(f, v, k, &art->captions, art);
	} else if (strcmp(k, "title") == 0) {
		art->title = get_string(f, v, k);
		art->title_line = v->line;
		art->title_col = v->col;
	} else if (strcmp(k, "community") == 0) {
		art->community = get_string(f, v, k);
		art->community_line = v->line;
		art->community_col = v->col;
	} else if (strcmp(k, "district") == 0) {
		art->district = get_string(f, v, k);
		art->district_line = v->line;
		art->district_col = v->col;
	} else if (strcmp(k, "city") == 0) {
		art->city = get_string(f, v, k);
		art->city_line = v->line;
		art->city_col = v->col;
	} else if (strcmp(k, "date") == 0) {
		get_date(f, v, art);
	} else if (strcmp(k, "date_inferred") == 0) {
		get_bool(f, v, k, &art->date_inferred);
	} else if (strcmp(k, "truncated") == 0) {
		get_bool(f, v, k, &art->truncated);
	} else if (strcmp(k, "draft") == 0) {
		get_bool(f, v, k, &art->draft);
	} else if (strcmp(k, "kind") == 0) {
		get_kind(f, v, art);
	} else if (strcmp(k, "slug") == 0) {
		get_slug(f, v, art);
	} else {
		return 0;
	}
	return 1;
}

/* A key given a list or mapping where one value belongs: get_string said so
 * at its place, and saying "empty" or "missing" too would be the same
 * mistake twice. */
static int given_not_single(const struct ynode *root, const char *key)
{
	const struct ynode *n = ynode_get(root, key);
	return n && n->kind != YNODE_SCALAR;
}

static void check_required(struct fm *f, const struct ynode *root, struct article *art)
{
	/* Missing keys have no line of their own: point at the front matter's start. */
	if (!art->title && !ynode_get(root, "title"))
		diag_error(f->d, f->path, 1, 1, f->src, f->len, "missing required key 'title'"), f->failed = 1;
	else if (!art->title && !given_not_single(root, "title"))
		fm_error(f, ynode_get(root, "title"), "'%s' is empty", "title");
	if (!art->date.y && !ynode_get(root, "date"))
		diag_error(f->d, f->path, 1, 1, f->src, f->len,
			   "missing required key 'date' (YYYY-MM-DD, or YYYY-MM)"), f->failed = 1;
	if (art->kind != ARTICLE_PAGE && !art->district && !art->city &&
	    !given_not_single(root, "district") && !given_not_single(root, "city"))
		diag_error(f->d, f->path, 1, 1, f->src, f->len,
			   "missing required key 'district' (or 'city' when the text names no district)"),
			f->failed = 1;
}

struct article *article_parse(struct arena *a, struct diag *d, const char *path,
			      const char *src, size_t len)
{
	size_t bad;
	if (!text_utf8_valid(src, len, &bad)) {
		diag_invalid_utf8(d, path, src, len, bad);
		return NULL;
	}
	return article_parse_valid(a, d, path, src, len);
}

/* Block quotes and lists too deep for cmark are refused here, with their
 * place, rather than rendered for minutes (see markdown_check_nesting). */
static int check_body(struct fm *f, const char *body, size_t body_len)
{
	size_t bad;
	int r = markdown_check_nesting(body, body_len, &bad);
	if (r == 0)
		return 0;
	size_t line, col;
	diag_locate(f->src, (size_t)(body - f->src) + bad, &line, &col);
	if (r == -2)
		diag_error(f->d, f->path, line, col, f->src, f->len,
			   "a line indented more than %d columns (lists nested that deep): not rendered",
			   MARKDOWN_MAX_INDENT);
	else
		diag_error(f->d, f->path, line, col, f->src, f->len,
			   "block quotes and lists nested more than %d levels deep: not rendered", MARKDOWN_MAX_NESTING);
	return -1;
}

static struct article *parse_valid(struct fm *f)
{
	const char *yaml, *body;
	size_t yaml_len, body_len;

	/* NUL or another control character is no text, and invalid in XML (feeds) */
	if (diag_control_chars(f->d, f->path, f->src, f->len) < 0)
		return NULL;
	if (split_front_matter(f, &yaml, &yaml_len, &body, &body_len) < 0)
		return NULL;
	/* the YAML starts on line 2, after the opening fence */
	struct arena nodes = ARENA_INIT;
	struct ynode *root = yamldoc_parse(&nodes, f->d, f->path, f->src, f->len, yaml, yaml_len, 2);
	if (!root || root->kind != YNODE_MAP) {
		if (root)
			diag_error(f->d, f->path, root->line, root->col, f->src, f->len,
				   "front matter must be 'key: value' lines");
		arena_free(&nodes);
		return NULL;
	}

	struct article *art = arena_alloc(f->a, sizeof(*art));
	art->path = f->path;
	art->src = f->src;
	art->src_len = f->len;
	/* yamldoc_parse refused duplicate keys */
	for (size_t i = 0; i < root->count; i++)
		if (!read_key(f, root->keys[i]->str, root->items[i], art))
			config_warn_unknown_key(f->d, f->path, f->src, f->len, root->keys[i], article_keys);
	check_required(f, root, art);
	if (check_body(f, body, body_len) < 0)
		f->failed = 1;
	art->body = body;
	art->body_len = body_len;
	arena_free(&nodes);
	return art;	/* the caller looks at f->failed */
}

struct article *article_parse_keep(struct arena *a, struct diag *d, const char *path,
				   const char *src, size_t len, struct article **rejected)
{
	struct fm f = { a, d, path, src, len, 0 };
	diag_cap_begin(d, DIAG_MAX_PER_FILE);
	struct article *art = parse_valid(&f);
	diag_cap_end(d, path);
	if (f.failed) {
		if (rejected)
			*rejected = art;
		return NULL;
	}
	if (rejected)
		*rejected = NULL;
	return art;
}

struct article *article_parse_valid(struct arena *a, struct diag *d, const char *path,
				    const char *src, size_t len)
{
	return article_parse_keep(a, d, path, src, len, NULL);
}
