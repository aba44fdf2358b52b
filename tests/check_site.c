/* check_site: every internal link and asset reference in a built site
 * resolves, and every report is reachable from the home page.
 *
 * usage: check_site [--max-clicks N] [--max-bytes N] <site-dir>
 * --max-clicks: every report is at most N clicks (links) from the home page;
 * --max-bytes: no HTML page is larger than N bytes.
 * Prints `ok - site: …` / `not ok - site: …` lines (tests/check.h, counted
 * by tests/run.sh) and a last line `# check_site: N passed, N failed`. Links
 * are read from href="…" and src="…" attributes; external links (with a
 * scheme) are counted as a failure too, since the archive must make no
 * request to another host, except plain <a> links, which a reader follows by
 * choice. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "load.h"
#include "strmap.h"

#include "check.h"

static struct arena A;
static struct ptrvec pages;		/* site-relative paths of .html files */
static struct strmap page_set;

static void walk(const char *root, const char *rel)
{
	char *dir = rel[0] ? arena_sprintf(&A, "%s/%s", root, rel) : arena_strdup(&A, root);
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		char *r = rel[0] ? arena_sprintf(&A, "%s/%s", rel, de->d_name) : arena_strdup(&A, de->d_name);
		char *full = arena_sprintf(&A, "%s/%s", root, r);
		struct stat st;
		if (stat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(root, r);
		} else if (strlen(r) > 5 && strcmp(r + strlen(r) - 5, ".html") == 0) {
			ptrvec_push(&A, &pages, r);
			strmap_put(&A, &page_set, r, r);
		}
	}
	closedir(dp);
}

/* Resolves `link` found in page `from` to a site-relative path; NULL when it
 * leaves the site. */
static char *resolve(const char *from, const char *link)
{
	struct buf b = BUF_INIT;
	const char *slash = strrchr(from, '/');
	if (slash)
		buf_add(&b, from, (size_t)(slash - from) + 1);
	size_t n = strcspn(link, "#?");
	buf_add(&b, link, n);
	if (b.len == 0 || b.data[b.len - 1] == '/')
		buf_addstr(&b, "index.html");
	/* normalise . and .. components */
	char *parts[128];
	size_t np = 0;
	char *save, *tok = strtok_r(b.data, "/", &save);
	int escaped = 0;
	while (tok && np < 128) {
		if (strcmp(tok, "..") == 0) {
			if (np == 0)
				escaped = 1;
			else
				np--;
		} else if (strcmp(tok, ".") != 0) {
			parts[np++] = tok;
		}
		tok = strtok_r(NULL, "/", &save);
	}
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < np; i++)
		buf_addf(&out, "%s%s", i ? "/" : "", parts[i]);
	char *r = escaped ? NULL : arena_strndup(&A, out.data, out.len);
	buf_free(&b);
	buf_free(&out);
	return r;
}

static int exists(const char *root, const char *rel)
{
	struct stat st;
	char *full = arena_sprintf(&A, "%s/%s", root, rel);
	return stat(full, &st) == 0 && S_ISREG(st.st_mode);
}

struct link {
	const char *target;
	int is_anchor;	/* an <a href>, rather than a resource the page loads */
};

/* Collects every href/src value of a page. */
static size_t links_of(const char *html, struct link *out, size_t max, struct ptrvec *raw)
{
	size_t n = 0;
	for (const char *p = html; (p = strpbrk(p, "hs")) && n < max; p++) {
		size_t skip = strncmp(p, "href=\"", 6) == 0 ? 6 : strncmp(p, "src=\"", 5) == 0 ? 5 : 0;
		if (!skip || (p > html && p[-1] != ' ' && p[-1] != '\n'))
			continue;
		const char *v = p + skip, *end = strchr(v, '"');
		if (!end)
			break;
		/* is it inside an <a …> tag? look back to the tag's start */
		const char *lt = p;
		while (lt > html && *lt != '<')
			lt--;
		/* a canonical link names the page's address; like <a>, it loads nothing */
		out[n].is_anchor = strncmp(lt, "<a ", 3) == 0 || strncmp(lt, "<link rel=\"canonical\"", strlen("<link rel=\"canonical\"")) == 0;
		out[n].target = arena_strndup(&A, v, (size_t)(end - v));
		ptrvec_push(&A, raw, (void *)out[n].target);
		n++;
		p = end;
	}
	return n;
}

static char *unescape_amp(const char *s)
{
	struct buf b = BUF_INIT;
	for (; *s; s++) {
		if (strncmp(s, "&amp;", 5) == 0) {
			buf_addch(&b, '&');
			s += 4;
		} else {
			buf_addch(&b, *s);
		}
	}
	char *r = arena_strndup(&A, b.data, b.len);
	buf_free(&b);
	return r;
}

int main(int argc, char **argv)
{
	size_t max_clicks = 0, max_bytes = 0;
	int argi = 1;
	for (; argi + 1 < argc && strncmp(argv[argi], "--max-", 6) == 0; argi += 2) {
		size_t v = strtoul(argv[argi + 1], NULL, 10);
		if (strcmp(argv[argi], "--max-clicks") == 0)
			max_clicks = v;
		else if (strcmp(argv[argi], "--max-bytes") == 0)
			max_bytes = v;
	}
	if (argi + 1 != argc) {
		fprintf(stderr, "usage: check_site [--max-clicks N] [--max-bytes N] <site-dir>\n");
		return 2;
	}
	check_module = "site";
	const char *root = argv[argi];
	walk(root, "");
	struct strmap reached = { 0 };
	struct strmap edges_done = { 0 };
	size_t nlinks = 0, bad = 0, external = 0;
	struct buf html = BUF_INIT;
	static struct link links[20000];
	struct ptrvec queue = { 0 };

	/* every page's links (the 404 page's links start at the site's base path: skipped) */
	for (size_t i = 0; i < pages.len; i++) {
		const char *page = pages.items[i];
		if (strcmp(page, "404.html") == 0)
			continue;
		if (load_file(arena_sprintf(&A, "%s/%s", root, page), &html) < 0)
			continue;
		struct ptrvec raw = { 0 };
		size_t n = links_of(html.data, links, sizeof(links) / sizeof(*links), &raw);
		for (size_t k = 0; k < n; k++) {
			const char *t = unescape_amp(links[k].target);
			if (t[0] == '#')
				continue;
			if (strstr(t, "://") || strncmp(t, "//", 2) == 0 || strncmp(t, "mailto:", 7) == 0) {
				if (!links[k].is_anchor) {
					check(arena_sprintf(&A, "%s loads %s from another host", page, t), 0);
					external++;
				}
				continue;
			}
			nlinks++;
			char *target = t[0] == '/' ? NULL : resolve(page, t);
			if (!target || !exists(root, target)) {
				if (bad < 30)
					printf("#   %s: broken link %s\n", page, t);
				bad++;
			}
		}
	}
	if (bad)
		check(arena_sprintf(&A, "%zu of %zu internal links in %zu pages do not resolve", bad, nlinks, pages.len), 0);
	else
		check(arena_sprintf(&A, "all %zu internal links and asset references in %zu pages resolve", nlinks,
				    pages.len), 1);
	if (!external)
		check("no page loads anything from another host", 1);

	/* reachability from the home page, breadth first */
	/* reached: page → its clicks from the home page + 1 (breadth first: the fewest) */
	ptrvec_push(&A, &queue, "index.html");
	strmap_put(&A, &reached, "index.html", (void *)(uintptr_t)1);
	size_t deepest = 0, too_deep = 0, too_big = 0, biggest = 0;
	const char *deepest_page = "", *biggest_page = "";
	for (size_t qi = 0; qi < queue.len; qi++) {
		const char *page = queue.items[qi];
		uintptr_t depth = (uintptr_t)strmap_get(&reached, page);
		if (load_file(arena_sprintf(&A, "%s/%s", root, page), &html) < 0)
			continue;
		struct ptrvec raw = { 0 };
		size_t n = links_of(html.data, links, sizeof(links) / sizeof(*links), &raw);
		for (size_t k = 0; k < n; k++) {
			const char *t = unescape_amp(links[k].target);
			if (strstr(t, "://") || t[0] == '#' || t[0] == '/')
				continue;
			char *target = resolve(page, t);
			if (target && strmap_get(&page_set, target) && !strmap_get(&reached, target)) {
				strmap_put(&A, &reached, target, (void *)(depth + 1));
				ptrvec_push(&A, &queue, target);
			}
		}
	}
	(void)edges_done;
	size_t reports = 0, unreached = 0;
	for (size_t i = 0; i < pages.len; i++) {
		const char *page = pages.items[i];
		if (strcmp(page, "404.html") == 0)
			continue;
		uintptr_t depth = (uintptr_t)strmap_get(&reached, page);
		if (strncmp(page, "reports/", 8) == 0) {
			reports++;
			if (depth && depth - 1 > deepest) {
				deepest = depth - 1;
				deepest_page = page;
			}
			if (max_clicks && depth - 1 > max_clicks && too_deep++ < 10)
				printf("#   %s is %zu clicks from index.html\n", page, (size_t)(depth - 1));
		}
		struct stat st;
		if (stat(arena_sprintf(&A, "%s/%s", root, page), &st) == 0 && (size_t)st.st_size > biggest) {
			biggest = (size_t)st.st_size;
			biggest_page = page;
		}
		if (max_bytes && (size_t)st.st_size > max_bytes && too_big++ < 10)
			printf("#   %s has %zu bytes\n", page, (size_t)st.st_size);
		if (!strmap_get(&reached, page)) {
			if (unreached < 30)
				printf("#   not reachable from index.html: %s\n", page);
			unreached++;
		}
	}
	if (!exists(root, "index.html"))
		check("there is no index.html", 0);
	else if (unreached)
		check(arena_sprintf(&A, "%zu of %zu pages are not reachable from index.html", unreached, pages.len), 0);
	else
		check(arena_sprintf(&A, "every page (%zu, of which %zu reports) is reachable from index.html",
				    pages.len - (exists(root, "404.html") ? 1 : 0), reports), 1);
	if (max_clicks)
		check(arena_sprintf(&A, "every report is at most %zu clicks from index.html (the farthest: %s, %zu)",
				    max_clicks, deepest_page, deepest), !too_deep && !unreached);
	if (max_bytes)
		check(arena_sprintf(&A, "no page is larger than %zu bytes (the largest: %s, %zu)", max_bytes,
				    biggest_page, biggest), !too_big);
	buf_free(&html);
	arena_free(&A);
	return check_done("check_site");
}
