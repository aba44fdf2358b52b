#define _GNU_SOURCE	/* memmem */
#include "new.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "build.h"
#include "index.h"
#include "load.h"
#include "memo.h"
#include "site.h"
#include "text.h"
#include "xalloc.h"

/* The slug in the file name: the title's first words, as existing files
 * keep it (2022-10-31-changning-lianxinka.md). */
#define NEW_SLUG_MAX 32

/* The optional keys, commented out, in the order of the README's reference. */
static const char optional_keys[] =
	"# subtitle: 副题\n"
	"# street: 街道或镇\n"
	"# community: 社区\n"
	"# reporters: [记者]\n"
	"# correspondents: [通讯员]\n"
	"# author: [作者]            # a text that is not a report (kind: other)\n"
	"# tags: [标签]\n"
	"# page: 版面或栏目            # the printed page or series; reports sharing it are linked\n"
	"# captions: [图片说明]\n"
	"# corrections: [错→对]\n"
	"# date_inferred: true        # the year or day was not printed: say why in this comment\n"
	"# truncated: true            # the printed text breaks off\n"
	"# slug: a-z-0-9              # overrides the URL slug\n"
	"# kind: report               # or page, other\n"
	"# source: 000_…              # the seed scan transcribed\n"
	"# draft: true                # left out unless --drafts\n";

/* Appends s as a YAML scalar: plain where YAML reads it back as the same
 * string (no ASCII punctuation YAML gives a meaning, not all ASCII, which
 * could read as a number or a boolean), else single-quoted ('' for '). */
static void add_scalar(struct buf *b, const char *s)
{
	int plain = !text_is_ascii(s, strlen(s)) && s[0] != ' ' && s[strlen(s) - 1] != ' ' &&
		    !strpbrk(s, ":#'\"[]{},&*!|>%@`\\") && !strchr("-?", s[0]);
	if (plain) {
		buf_addstr(b, s);
		return;
	}
	buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addch(b, '\'');
		buf_addch(b, *s);
	}
	buf_addch(b, '\'');
}

/* The title as the file will hold it: NFC, on one line. Returns it (in the
 * arena) or NULL after saying what is wrong. */
static const char *check_title(struct arena *a, const char *title)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(title);
	const char *r = NULL;
	if (text_nfc(title, n, &b) < 0)
		fprintf(stderr, "sitegen: new: the title is not valid UTF-8\n");
	else if (diag_find_control(b.data, b.len, &(long){ 0 }) < b.len || strchr(b.data, '\n'))
		fprintf(stderr, "sitegen: new: the title holds a line break or a control character\n");
	else if (b.len == 0 || strspn(b.data, " ") == b.len)
		fprintf(stderr, "sitegen: new: the title is empty\n");
	else
		r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* The date given, or today's (local time). NULL after saying what is wrong. */
static const char *check_date(struct arena *a, const char *date, struct date *out)
{
	char today[16];
	if (!date) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		date = today;
	}
	const char *why;
	if (article_parse_date(date, out, &why) < 0) {
		fprintf(stderr, "sitegen: new: --date '%s': %s\n", date, why);
		return NULL;
	}
	return arena_strdup(a, date);
}

/* The article's text: front matter, commented keys, an empty body. */
static void compose(struct buf *b, const struct new_options *o, const char *title, const char *date)
{
	buf_addstr(b, "---\ntitle: ");
	add_scalar(b, title);
	buf_addf(b, "\ndate: %s\n%s: ", date, o->district ? "district" : "city");
	add_scalar(b, o->district ? o->district : o->city);
	buf_addch(b, '\n');
	buf_addstr(b, optional_keys);
	buf_addstr(b, "---\n\n");
}

/* Parses text back as a build would (path names it in messages), and
 * checks its district or city against the config with the build's own code
 * and message (the place named as the command-line option: the file does
 * not exist yet). The index's slugger, when it opened one, goes to *sl. */
static int check_article(struct arena *a, struct diag *d, const struct config *cfg, struct text_slugger **sl,
			 const char *path, const struct buf *text)
{
	struct article *art = article_parse(a, d, path, text->data, text->len);
	if (!art || diag_failed(d))
		return -1;
	/* the memo (read only) spares opening ICU's transliterator for the
	 * config's place names when the title's slug is not needed */
	struct index_ctx x = { .a = a, .d = d, .cfg = cfg, .memo = memo_load(), .collator = text_collator_new(),
				 .cmdline = 1 };
	int r = -1;
	if (!x.collator) {
		diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's collation data");
	} else {
		struct site site;
		index_build(&x, NULL, 0, 0, 1, &site);	/* the place tables, from the config */
		art->path = art->district ? "--district" : "--city";
		art->district_line = art->city_line = 0;
		index_check_rejected(&x, &art, 1, 1);
		r = diag_failed(d) ? -1 : 0;
	}
	*sl = x.slugger;
	text_collator_free(x.collator);
	memo_free(x.memo);
	return r;
}

/* Is the folder the file goes into (made already) inside content, links
 * followed? A build skips a link to a folder outside content/ (load.h), so
 * a file written through one would be no article. Says why not. */
static int folder_inside(const char *content, const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *real_dir = realpath(slash ? dir : ".", NULL), *real_content = realpath(content, NULL);
	size_t n = real_content ? strlen(real_content) : 0;
	int in = real_dir && real_content &&
		 (strcmp(real_dir, real_content) == 0 || (strncmp(real_dir, real_content, n) == 0 && real_dir[n] == '/'));
	if (!in)
		fprintf(stderr, "sitegen: new: %s leads to %s, outside %s (a symbolic link): a build skips a folder "
			"there, so the article would not be built; not written\n", slash ? dir : ".",
			real_dir ? real_dir : "nowhere", content);
	free(dir);
	free(real_dir);
	free(real_content);
	return in;
}

/* Creates path (and its folder) with text, never over an existing file,
 * nor through a folder that leads out of content. Returns 0, or -1 (errno
 * set; 0 when folder_inside said why). */
static int write_new(const char *content, char *path, const struct buf *text)
{
	char *slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		/* mkdir -p: the content directory and the year */
		for (char *p = path + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			mkdir(path, 0777);
			*p = '/';
		}
		int r = mkdir(path, 0777);
		int e = errno;
		*slash = '/';
		if (r < 0 && e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	if (!folder_inside(content, path)) {
		errno = 0;
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text->data, text->len);
	int e = errno;
	if (close(fd) < 0 || n != (ssize_t)text->len) {
		unlink(path);
		errno = n < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

/* Is --slug's value a slug: lowercase a-z, 0-9 and single hyphens inside? */
static int valid_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-' || strstr(s, "--"))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* The article below content with this title and date, which the build
 * would warn of as the same report twice (index_warn_duplicates), or NULL.
 * Only files whose text holds the date as typed are parsed: a date in
 * front matter is written so (YYYY-MM-DD, or YYYY-MM), and reading every
 * article's YAML would make `new` as slow as a build on a big archive. */
static const char *same_report(struct arena *a, const char *content, const char *title, const char *date,
			       const struct date *dt)
{
	struct buf said = BUF_INIT, text = BUF_INIT;
	struct diag quiet = DIAG_INIT;
	quiet.sink = &said;
	struct source *src;
	size_t n = load_list(a, &quiet, content, &src);
	const char *found = NULL;
	for (size_t i = 0; i < n && !found; i++) {
		if (load_file(src[i].path, &text) < 0 || !memmem(text.data, text.len, date, strlen(date)))
			continue;
		struct article *art = article_parse(a, &quiet, src[i].path, text.data, text.len);
		if (art && art->title && date_cmp(&art->date, dt) == 0 && strcmp(art->title, title) == 0)
			found = src[i].path;
	}
	buf_free(&text);
	buf_free(&said);
	return found;
}

/* The file's path: <content>/<year>/<date>-<slug>.md, with -2, -3 … after
 * an automatic slug that another file (or bundle) already has (of another
 * title or date: same_report has refused the same). NULL after saying why
 * there is none. */
static char *free_path(struct arena *a, const struct new_options *o, int year, const char *date, const char *slug)
{
	struct stat st;
	for (int n = 1; n < 100; n++) {
		const char *suffix = n == 1 ? "" : arena_sprintf(a, "-%d", n);
		char *path = arena_sprintf(a, "%s/%04d/%s-%s%s.md", o->content, year, date, slug, suffix);
		char *bundle = arena_sprintf(a, "%s/%04d/%s-%s%s", o->content, year, date, slug, suffix);
		int is_file = lstat(path, &st) == 0, is_bundle = !is_file && lstat(bundle, &st) == 0;
		if (!is_file && !is_bundle)
			return path;
		if (o->slug) {
			fprintf(stderr, "sitegen: new: %s exists already: not overwritten (give another --slug)\n",
				is_file ? path : bundle);
			return NULL;
		}
	}
	fprintf(stderr, "sitegen: new: %s/%04d/%s-%s-2 … -99 exist already: give --slug SLUG\n", o->content, year, date, slug);
	return NULL;
}

int new_article(const struct new_options *o, struct arena *a, struct diag *d)
{
	if (o->district && o->city) {
		fprintf(stderr, "sitegen: new: give one of --district or --city, not both\n");
		return -1;
	}
	if (!o->district && !o->city) {
		fprintf(stderr, "sitegen: new: give --district D, or --city C when the text names no district\n");
		return -1;
	}
	if (o->slug && !valid_slug(o->slug)) {
		fprintf(stderr, "sitegen: new: --slug '%s': use lowercase a-z, 0-9 and hyphens (e.g. song-cai-shang-men)\n",
			o->slug);
		return -1;
	}
	struct date dt;
	const char *title = check_title(a, o->title), *date = check_date(a, o->date, &dt);
	if (!title || !date)
		return -1;
	struct config cfg;
	if (build_read_config(a, d, o->config, &cfg, NULL, NULL) < 0)
		return -1;
	struct buf slug = BUF_INIT, text = BUF_INIT;
	compose(&text, o, title, date);
	struct text_slugger *sl = NULL;
	int r = check_article(a, d, &cfg, &sl, "(the new article)", &text);
	if (r == 0 && o->slug) {
		buf_addstr(&slug, o->slug);
	} else if (r == 0 && !sl && !(sl = text_slugger_new())) {
		diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's transliteration data");
		r = -1;
	} else if (r == 0) {
		text_slugify(sl, title, strlen(title), NEW_SLUG_MAX, &slug);
	}
	const char *same = r == 0 ? same_report(a, o->content, title, date, &dt) : NULL;
	if (same) {
		fprintf(stderr, "sitegen: new: %s has this title and date already: not written (a build would warn "
			"of the same report twice; another report needs a title of its own)\n", same);
		r = -1;
	}
	char *path = r == 0 ? free_path(a, o, dt.y, date, slug.data) : NULL;
	if (r == 0 && !path)
		r = -1;
	if (r == 0 && write_new(o->content, path, &text) < 0) {
		if (errno)
			fprintf(stderr, "sitegen: new: cannot write %s: %s\n", path, strerror(errno));
		r = -1;
	}
	if (r == 0)
		printf("%s\n", path);
	text_slugger_free(sl);
	buf_free(&slug);
	buf_free(&text);
	return r;
}
