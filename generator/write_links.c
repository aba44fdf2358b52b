/* A check's writer: the pages are made as a build makes them, nothing is
 * written, and every link between them is followed in the set of files the
 * build made: relative ones, and those from the server's root (`/archive/x/`)
 * read against base_url's path. A link a Markdown body gives to another
 * report (`[…](../2022-10-31-x/)`) is checked the same way as the theme's
 * own. The links are those of every tag's href, src, srcset, poster, action
 * and formaction, and a `<meta http-equiv="refresh">`'s url. */
#define _GNU_SOURCE	/* memmem */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"
#include "write_internal.h"
#include "xalloc.h"

static int resolve_link(const char *from, const char *t, size_t n, struct buf *out);

struct writer *writer_open_dry(struct diag *d, const char *base_url)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->d = d;
	w->dry = 1;
	w->staging_fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	/* base_url's path (https://example.org/archive/ → archive/), decoded
	 * and resolved as links are: the part of a root link before a site path */
	const char *p = strstr(base_url, "://");
	p = p ? strchr(p + 3, '/') : base_url;
	struct buf b = BUF_INIT;
	if (!p || resolve_link("", p, strcspn(p, "?#"), &b) < 0)
		buf_addstr(&b, "index.html");
	b.len -= strlen("index.html");	/* resolve_link named the folder's page */
	w->link_base = arena_strndup(&w->paths_arena, b.data, b.len);
	w->link_base_shown = arena_strndup(&w->paths_arena, p ? p : "/", p ? strcspn(p, "?#") : 1);
	buf_free(&b);
	return w;
}

/* Does the link leave the site's files: a scheme (https:, mailto:, data:),
 * a host (//), or only a fragment? */
static int leaves_pages(const char *t, size_t n)
{
	if (n == 0 || t[0] == '#' || t[0] == '?' || (n >= 2 && t[0] == '/' && t[1] == '/'))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (c == ':')
			return i > 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i && ((c >= '0' && c <= '9') ||
									   c == '+' || c == '-' || c == '.'))))
			return 0;
	}
	return 0;
}

/* The link t[0..n), as written in the page's HTML, read from the page
 * `from` (a site path), as a site path into out: `&amp;` and %XX decoded,
 * query and fragment dropped, `.` and `..` resolved, a directory's link
 * given its index.html. Returns 0, or -1 when it climbs above the site. */
static int resolve_link(const char *from, const char *t, size_t n, struct buf *out)
{
	const char *slash = strrchr(from, '/');
	buf_reset(out);
	if (slash)
		buf_add(out, from, (size_t)(slash - from) + 1);
	for (size_t i = 0; i < n && t[i] != '?' && t[i] != '#'; i++) {
		if (t[i] == '&' && i + 5 <= n && strncmp(t + i, "&amp;", 5) == 0) {
			buf_addch(out, '&');
			i += 4;
		} else if (t[i] == '%' && i + 2 < n && text_hex_digit(t[i + 1]) >= 0 && text_hex_digit(t[i + 2]) >= 0) {
			buf_addch(out, (char)(text_hex_digit(t[i + 1]) * 16 + text_hex_digit(t[i + 2])));
			i += 2;
		} else {
			buf_addch(out, t[i]);
		}
	}
	if (out->len == 0 || out->data[out->len - 1] == '/')
		buf_addstr(out, "index.html");
	/* Resolve the components in place: p reads, q writes. */
	char *s = out->data, *q = s;
	for (char *p = s; *p;) {
		size_t len = strcspn(p, "/");
		int last = p[len] == '\0';
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (q == s)
				return -1;
			for (q--; q > s && q[-1] != '/'; q--)
				;
		} else {
			memmove(q, p, len);
			q += len;
			if (!last)
				*q++ = '/';
		}
		p += len + (last ? 0 : 1);
	}
	if (q > s && q[-1] == '/')
		q--;
	*q = '\0';
	out->len = (size_t)(q - s);
	return 0;
}

/* A link target's first use: the page (the first in path order, so that
 * the message is the same whatever the threads did) and the link as written. */
struct link_use {
	const char *page, *as_written;
};

/* Does the link t[0..n) name a folder: its path (before ? or #) empty or
 * ending in '/', '.' or '..'? */
static int names_folder(const char *t, size_t n)
{
	size_t p = 0;
	while (p < n && t[p] != '?' && t[p] != '#')
		p++;
	return p == 0 || t[p - 1] == '/' || (p == 1 && t[0] == '.') || (p >= 2 && t[p - 1] == '.' && t[p - 2] == '.' &&
									   (p == 2 || t[p - 3] == '/')) ||
	       (p >= 2 && t[p - 1] == '.' && t[p - 2] == '/');
}

/* The first byte of a link target's key for a link from the server's root
 * outside base_url's path (kept as written); a folder's starts with '/'. */
#define OUTSIDE_MARK 1

/* Records that page `rel` links to `key` (written as v[0..n)); lock held. */
static void note(struct writer *w, const char *rel, const char *key, const char *v, size_t n)
{
	struct link_use *u = strmap_get(&w->link_targets, key);
	if (u && strcmp(u->page, rel) <= 0)
		return;
	if (!u) {
		u = arena_alloc(&w->paths_arena, sizeof(*u));
		strmap_put(&w->paths_arena, &w->link_targets, arena_strdup(&w->paths_arena, key), u);
	}
	u->page = rel;
	u->as_written = arena_strndup(&w->paths_arena, v, n);
}

/* One link found in a page: its target (at `off` in the page's list of
 * targets, NUL-terminated) and the link as written. */
struct found {
	size_t off;
	const char *v;
	size_t vn;
};

/* The links of one page, as they are found. */
struct page_links {
	struct writer *w;
	const char *rel;
	struct buf target, targets;
	struct found *found;
	size_t nfound, cap;
};

/* Notes the link v[0..n) (as written in the page) unless it leaves the
 * site's files. */
static void add_link(struct page_links *pl, const char *v, size_t vn)
{
	if (leaves_pages(v, vn))
		return;
	struct buf *target = &pl->target;
	const char *base = pl->w->link_base;
	size_t bn = strlen(base);
	int marker = 0;
	if (v[0] == '/') {	/* from the server's root: below base_url's path, or outside the site */
		if (resolve_link("", v, vn, target) == 0 && strncmp(target->data, base, bn) == 0) {
			memmove(target->data, target->data + bn, target->len - bn + 1);
			target->len -= bn;
		} else {
			buf_reset(target);
			buf_add(target, v, vn);
			marker = OUTSIDE_MARK;
		}
	} else if (resolve_link(pl->rel, v, vn, target) < 0) {
		buf_reset(target);	/* above the site: kept as written */
		buf_addstr(target, "../");
		buf_add(target, v, vn);
	}
	if (pl->nfound == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 64;
		pl->found = xrealloc(pl->found, pl->cap * sizeof(*pl->found));
	}
	pl->found[pl->nfound++] = (struct found){ pl->targets.len, v, vn };
	/* a folder's link is kept apart from one naming its index.html
	 * (no site path starts with '/'): each gets its own message */
	if (marker)
		buf_addch(&pl->targets, (char)marker);
	else if (names_folder(v, vn))
		buf_addch(&pl->targets, '/');
	buf_add(&pl->targets, target->data, target->len + 1);	/* with its NUL */
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The URLs of a srcset: candidates split at commas, each a URL and its
 * descriptors (`1x`, `480w`), as HTML parses them. */
static void add_srcset(struct page_links *pl, const char *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (is_space(v[i]) || v[i] == ','))
			i++;
		size_t start = i;
		while (i < n && !is_space(v[i]))
			i++;
		size_t end = i;
		int bare = 0;	/* a URL ending in ',' has no descriptors */
		while (end > start && v[end - 1] == ',')
			end--, bare = 1;
		if (end > start)
			add_link(pl, v + start, end - start);
		for (int paren = 0; !bare && i < n && (paren || v[i] != ','); i++)
			paren += v[i] == '(' ? 1 : v[i] == ')' && paren ? -1 : 0;
	}
}

/* The url of a refresh's content, "5; url=x.html" (or 'x.html'), as HTML
 * parses it; none when the page refreshes itself. */
static void add_refresh(struct page_links *pl, const char *v, size_t n)
{
	size_t i = 0;
	while (i < n && (is_space(v[i]) || (v[i] >= '0' && v[i] <= '9') || v[i] == '.'))
		i++;
	if (i < n && (v[i] == ';' || v[i] == ','))
		i++;
	while (i < n && is_space(v[i]))
		i++;
	if (i + 3 <= n && strncasecmp(v + i, "url", 3) == 0) {
		size_t j = i + 3;
		while (j < n && is_space(v[j]))
			j++;
		if (j < n && v[j] == '=') {
			for (i = j + 1; i < n && is_space(v[i]); i++)
				;
		}
	}
	size_t end = n;
	if (i < n && (v[i] == '"' || v[i] == '\'')) {
		const char *q = memchr(v + i + 1, v[i], n - i - 1);
		end = q ? (size_t)(q - v) : n;
		i++;
	}
	while (end > i && is_space(v[end - 1]))
		end--;
	if (end > i)
		add_link(pl, v + i, end - i);
}

/* One attribute of a tag: its name and value as written (entities kept). */
struct attr {
	const char *name, *value;
	size_t name_len, value_len;
};

static int attr_is(const struct attr *a, const char *name)
{
	return a->name_len == strlen(name) && strncasecmp(a->name, name, a->name_len) == 0;
}

/* Reads the attributes of the tag whose name ends at p, up to its '>'.
 * Returns where the tag ends, the number of attributes in *n (at most max). */
static const char *read_attrs(const char *p, const char *end, struct attr *attrs, size_t max, size_t *n)
{
	*n = 0;
	while (p < end && *p != '>') {
		if (is_space(*p) || *p == '/') {
			p++;
			continue;
		}
		struct attr a = { p, NULL, 0, 0 };
		while (p < end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
			p++;
		a.name_len = (size_t)(p - a.name);
		while (p < end && is_space(*p))
			p++;
		if (p < end && *p == '=') {
			for (p++; p < end && is_space(*p); p++)
				;
			if (p < end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
				a.value = p + 1;
				a.value_len = (size_t)((q ? q : end) - a.value);
				p = q ? q + 1 : end;
			} else {
				a.value = p;
				while (p < end && !is_space(*p) && *p != '>')
					p++;
				a.value_len = (size_t)(p - a.value);
			}
		}
		if (a.name_len && *n < max)
			attrs[(*n)++] = a;
	}
	return p;
}

/* The links of one tag's attributes. */
static void tag_links(struct page_links *pl, const struct attr *attrs, size_t n)
{
	const struct attr *content = NULL;
	int refresh = 0;
	for (size_t i = 0; i < n; i++) {
		const struct attr *a = &attrs[i];
		if (!a->value)
			continue;
		if (attr_is(a, "href") || attr_is(a, "src") || attr_is(a, "poster") || attr_is(a, "action") ||
		    attr_is(a, "formaction"))
			add_link(pl, a->value, a->value_len);
		else if (attr_is(a, "srcset"))
			add_srcset(pl, a->value, a->value_len);
		else if (attr_is(a, "content"))
			content = a;
		else if (attr_is(a, "http-equiv"))
			refresh = a->value_len == 7 && strncasecmp(a->value, "refresh", 7) == 0;
	}
	if (refresh && content)	/* (http-equiv is a meta's alone) */
		add_refresh(pl, content->value, content->value_len);
}

/* Where the raw text of a <script> or <style> (name n long) that starts
 * at p ends: its closing tag. */
static const char *raw_text_end(const char *p, const char *end, const char *name, size_t n)
{
	for (; p + n + 2 <= end && (p = memchr(p, '<', (size_t)(end - p))); p++)
		if (p[1] == '/' && strncasecmp(p + 2, name, n) == 0)
			return p;
	return end;
}

void write_note_links(struct writer *w, const char *rel, const char *data, size_t len)
{
	size_t n = strlen(rel);
	if (n < 5 || strcmp(rel + n - 5, ".html") != 0)
		return;
	/* read the page without the lock (pages are scanned in parallel),
	 * then record what it links to under it */
	struct page_links pl = { w, rel, BUF_INIT, BUF_INIT, NULL, 0, 0 };
	const char *end = data + len;
	for (const char *p = data; p < end && (p = memchr(p, '<', (size_t)(end - p)));) {
		if ((size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
			p = c ? c + 3 : end;
			continue;
		}
		const char *name = ++p;
		while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			p++;
		size_t name_len = (size_t)(p - name);
		if (!name_len || name[0] < 'A')	/* not a tag's start: text, or </x> */
			continue;
		struct attr attrs[32];
		size_t nattrs;
		p = read_attrs(p, end, attrs, sizeof(attrs) / sizeof(*attrs), &nattrs);
		tag_links(&pl, attrs, nattrs);
		if ((name_len == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (name_len == 5 && strncasecmp(name, "style", 5) == 0))
			p = raw_text_end(p, end, name, name_len);
	}
	pthread_mutex_lock(&w->lock);
	w->pages++;
	for (size_t i = 0; i < pl.nfound; i++)
		note(w, rel, pl.targets.data + pl.found[i].off, pl.found[i].v, pl.found[i].vn);
	pthread_mutex_unlock(&w->lock);
	free(pl.found);
	buf_free(&pl.target);
	buf_free(&pl.targets);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The link as written in the page's HTML, as Markdown would have it:
 * `&amp;` and %XX decoded (cmark encodes what a URL may not hold). */
static void html_link_text(const char *t, int decode_percent, struct buf *out)
{
	buf_reset(out);
	for (; *t; t++) {
		if (strncmp(t, "&amp;", 5) == 0) {
			buf_addch(out, '&');
			t += 4;
		} else if (decode_percent && t[0] == '%' && text_hex_digit(t[1]) >= 0 && text_hex_digit(t[2]) >= 0) {
			buf_addch(out, (char)(text_hex_digit(t[1]) * 16 + text_hex_digit(t[2])));
			t += 2;
		} else {
			buf_addch(out, *t);
		}
	}
}

/* Where the body of s gives the link `link` as a destination (after '(',
 * '<' or a space, followed by ')', '>', a space or a line's end): its
 * offset in s->src, or (size_t)-1 when the body does not hold it. */
static size_t find_in_body(const struct write_source *s, const char *link)
{
	size_t n = strlen(link);
	const char *body = s->src + s->body, *end = s->src + s->len;
	for (const char *p = body; n && (p = memmem(p, (size_t)(end - p), link, n)); p++) {
		char before = p > body ? p[-1] : '\n', after = p + n < end ? p[n] : '\n';
		if (strchr("(< \t\"'=,", before) && strchr(")> \t\r\n\"',", after))	/* (HTML's: quotes, srcset's commas) */
			return (size_t)(p - s->src);
	}
	return (size_t)-1;
}

/* Reports, at the link's place in its source when found there, else at the
 * source file or the page. */
static void link_message(struct writer *w, const struct strmap *sources, const struct link_use *u, int warning,
			 const char *what)
{
	const struct write_source *s = sources ? strmap_get(sources, u->page) : NULL;
	size_t off = (size_t)-1, line = 0, col = 0;
	if (s) {
		struct buf md = BUF_INIT;
		html_link_text(u->as_written, 0, &md);
		off = find_in_body(s, md.data);
		if (off == (size_t)-1) {
			html_link_text(u->as_written, 1, &md);
			off = find_in_body(s, md.data);
		}
		buf_free(&md);
		if (off != (size_t)-1)
			diag_locate(s->src, off, &line, &col);
	}
	const char *path = s ? s->path : u->page, *src = line ? s->src : NULL;
	size_t len = line ? s->len : 0;
	const char *on = s ? arena_sprintf(&w->paths_arena, " (on %s)", u->page) : "";
	if (warning)
		diag_warning(w->d, path, line, col, src, len, "the link '%s'%s %s", u->as_written, on, what);
	else
		diag_error(w->d, path, line, col, src, len, "the link '%s'%s %s", u->as_written, on, what);
}

/* The link to write instead of a folder's: its path with index.html. */
static const char *with_index(struct writer *w, const char *t)
{
	size_t p = strcspn(t, "?#");
	const char *sep = p == 0 || t[p - 1] == '/' ? "" : "/";
	return arena_sprintf(&w->paths_arena, "%.*s%sindex.html%s", (int)p, t, sep, t + p);
}

void writer_check_links(struct writer *w, const struct strmap *sources, size_t *pages, size_t *links)
{
	/* in path order, so that the messages come out the same in every run */
	size_t n = 0;
	const char **bad = xmalloc((w->link_targets.len + 1) * sizeof(*bad));
	for (size_t i = 0; i < w->link_targets.cap; i++) {
		const char *t = w->link_targets.keys[i];
		if (t && (t[0] == '/' || !strmap_get(&w->paths, t)))
			bad[n++] = t;
	}
	qsort(bad, n, sizeof(*bad), cmp_str);
	size_t twice = 0;
	for (size_t i = 0; i < n; i++) {
		const struct link_use *u = strmap_get(&w->link_targets, bad[i]);
		if (bad[i][0] == OUTSIDE_MARK) {
			link_message(w, sources, u, 1,
				     arena_sprintf(&w->paths_arena, "leads outside the site (base_url's path is %s): "
						   "not followed", w->link_base_shown));
			continue;
		}
		int folder = bad[i][0] == '/';
		const char *t = bad[i] + folder;
		int exists = strmap_get(&w->paths, t) != NULL;
		int dir = !exists && !folder && strmap_get(&w->paths, arena_sprintf(&w->paths_arena, "%s/index.html", t));
		if (folder)	/* the same target named both ways counts once */
			twice += strmap_get(&w->link_targets, t) != NULL;
		if (exists || dir)
			link_message(w, sources, u, 1,
				     arena_sprintf(&w->paths_arena,
						   "leads to a folder: opened from disk (file://) it shows no page; write '%s'",
						   with_index(w, u->as_written)));
		else
			link_message(w, sources, u, 0,
				     arena_sprintf(&w->paths_arena, "leads to no page or file of the site%s",
						   strncmp(t, "../", 3) == 0 ? " (it climbs above the site's top)" : ""));
	}
	*pages = w->pages;
	*links = w->link_targets.len - twice;
	free(bad);
	write_free(w);
}
