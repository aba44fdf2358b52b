/* A check's writer: the pages are made as a build makes them, nothing is
 * written, and every relative link between them is followed in the set of
 * files the build made. A link a Markdown body gives to another report
 * (`[…](../2022-10-31-x/)`) is checked the same way as the theme's own. */
#define _GNU_SOURCE	/* memmem */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "write_internal.h"
#include "xalloc.h"

struct writer *writer_open_dry(struct diag *d)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->d = d;
	w->dry = 1;
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

/* Does the link leave the site's files: a scheme (https:, mailto:, data:),
 * a host (//), a path from the server's root (/: the 404 page's, which a
 * server shows at any address), or only a fragment? */
static int leaves_pages(const char *t, size_t n)
{
	if (n == 0 || t[0] == '#' || t[0] == '/' || t[0] == '?')
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

void write_note_links(struct writer *w, const char *rel, const char *data, size_t len)
{
	size_t n = strlen(rel);
	if (n < 5 || strcmp(rel + n - 5, ".html") != 0)
		return;
	/* read the page without the lock (pages are scanned in parallel),
	 * then record what it links to under it */
	struct buf target = BUF_INIT, targets = BUF_INIT;
	struct found *found = NULL;
	size_t nfound = 0, cap = 0;
	const char *end = data + len;
	for (const char *p = data; p < end && (p = memchr(p, '=', (size_t)(end - p))); p++) {
		/* an attribute ` href="…"` or ` src="…"` (cmark and the theme quote with ") */
		int href = p - data >= 5 && memcmp(p - 5, " href", 5) == 0;
		int src = p - data >= 4 && memcmp(p - 4, " src", 4) == 0;
		if ((!href && !src) || p + 1 >= end || p[1] != '"')
			continue;
		const char *v = p + 2, *q = memchr(v, '"', (size_t)(end - v));
		if (!q)
			break;
		size_t vn = (size_t)(q - v);
		p = q;
		if (leaves_pages(v, vn))
			continue;
		if (resolve_link(rel, v, vn, &target) < 0) {
			buf_reset(&target);	/* above the site: kept as written */
			buf_addstr(&target, "../");
			buf_add(&target, v, vn);
		}
		if (nfound == cap) {
			cap = cap ? 2 * cap : 64;
			found = xrealloc(found, cap * sizeof(*found));
		}
		found[nfound++] = (struct found){ targets.len, v, vn };
		/* a folder's link is kept apart from one naming its index.html
		 * (no site path starts with '/'): each gets its own message */
		if (names_folder(v, vn))
			buf_addch(&targets, '/');
		buf_add(&targets, target.data, target.len + 1);	/* with its NUL */
	}
	pthread_mutex_lock(&w->lock);
	w->pages++;
	for (size_t i = 0; i < nfound; i++)
		note(w, rel, targets.data + found[i].off, found[i].v, found[i].vn);
	pthread_mutex_unlock(&w->lock);
	free(found);
	buf_free(&target);
	buf_free(&targets);
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
		if (strchr("(< \t", before) && strchr(")> \t\r\n", after))
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
