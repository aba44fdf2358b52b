/* Unit tests for generator/serve_changed.c: the files a build changed as
 * `sitegen serve` tells the open pages (a folder where many changed as
 * "folder/"), one line per check (tests/check.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "serve_internal.h"

#include "check.h"

/* names joined, each ended by a NUL, as the build process says them */
static void names_of(struct buf *b, const char *const *names, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++)
		buf_add(b, names[i], strlen(names[i]) + 1);
}

static size_t count_entries(const char *entries, size_t len)
{
	size_t n = 0;
	for (size_t at = 0; entries && at < len; at += strlen(entries + at) + 1)
		n++;
	return n;
}

/* the entries as one string, "a|b|c" */
static void joined(struct buf *out, const char *entries, size_t len)
{
	buf_reset(out);
	for (size_t at = 0; at < len; at += strlen(entries + at) + 1)
		buf_addf(out, "%s%s", at ? "|" : "", entries + at);
}

int main(void)
{
	check_module = "serve_changed";
	struct buf names = BUF_INIT, got = BUF_INIT;
	size_t len = 0, files = 0, pages = 0;

	const char *few[] = { "reports/a/index.html", "search/d/4.js", "search/index.js", "index.html" };
	names_of(&names, few, 4);
	char *e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	joined(&got, e, e ? len : 0);
	check_str("few files: each its own entry, in order", got.data,
		  "reports/a/index.html|search/d/4.js|search/index.js|index.html");
	check_int("few files: counted", (long long)files, 4);
	check_int("few files: the pages among them (.html)", (long long)pages, 2);
	free(e);

	/* SERVE_FOLDED + 1 files in search/g/: the folder once, where its first file was */
	buf_reset(&names);
	buf_add(&names, "reports/a/index.html", 21);
	char name[64];
	for (int i = 0; i <= SERVE_FOLDED; i++) {
		snprintf(name, sizeof(name), "search/g/%x.js", i);
		buf_add(&names, name, strlen(name) + 1);
	}
	buf_add(&names, "search/p/1.js", 14);
	e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	joined(&got, e, e ? len : 0);
	check_str("a folder of more than SERVE_FOLDED files: one entry, folder/", got.data,
		  "reports/a/index.html|search/g/|search/p/1.js");
	check_int("…all its files counted", (long long)files, SERVE_FOLDED + 3);
	free(e);

	/* exactly SERVE_FOLDED in one folder: each its own */
	buf_reset(&names);
	for (int i = 0; i < SERVE_FOLDED; i++) {
		snprintf(name, sizeof(name), "search/g/%x.js", i);
		buf_add(&names, name, strlen(name) + 1);
	}
	e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	check_int("SERVE_FOLDED files in one folder: each its own entry", (long long)count_entries(e, len), SERVE_FOLDED);
	free(e);

	/* top-level files are never folded into "/" */
	buf_reset(&names);
	for (int i = 0; i <= SERVE_FOLDED; i++) {
		snprintf(name, sizeof(name), "page-%d.html", i);
		buf_add(&names, name, strlen(name) + 1);
	}
	e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	check_int("files at the top: each its own entry (no folder entry for the whole site)",
		  (long long)count_entries(e, len), SERVE_FOLDED + 1);
	free(e);

	/* more entries than SERVE_CHANGED_SHOWN (a page each in its own folder, as a template edit makes): none */
	buf_reset(&names);
	for (int i = 0; i <= SERVE_CHANGED_SHOWN; i++) {
		snprintf(name, sizeof(name), "reports/%d/index.html", i);
		buf_add(&names, name, strlen(name) + 1);
	}
	e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	check_int("more than SERVE_CHANGED_SHOWN entries: not told (every page reloads)", e == NULL, 1);
	check_int("…but counted", (long long)files, SERVE_CHANGED_SHOWN + 1);
	free(e);

	/* a name that is not UTF-8 (the state is JSON): none told */
	const char *bad[] = { "reports/a/index.html", "images/\xff.png" };
	names_of(&names, bad, 2);
	e = serve_changed_entries(names.data, names.len, &len, &files, &pages);
	check_int("a name that is not UTF-8: not told (every page reloads)", e == NULL, 1);
	free(e);

	/* none: an empty list, not NULL */
	e = serve_changed_entries("", 0, &len, &files, &pages);
	check_int("no file: an empty list", e != NULL && len == 0 && files == 0, 1);
	free(e);

	buf_free(&names);
	buf_free(&got);
	return check_done("test_serve_changed");
}
