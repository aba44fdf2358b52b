/* fidelity: the transcriptions in content/ against the seed pages.
 *
 * usage: fidelity <seeds-dir> <content-dir>
 * For each seed page (seeds/<name>.txt), the articles whose `source` is
 * <name> must together cover at least 97% of the page's Han characters,
 * each text (title, subtitle, caption, body) matched in order; and each
 * article's body must appear in the page in order, character for character,
 * except where a listed correction (wrong→right) says otherwise. Han
 * characters are told by ICU's script property, not by byte ranges. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "article.h"
#include "load.h"

#include "check.h"

#define COVERAGE_MIN 0.97

static struct arena A;

struct hans {
	UChar32 *c;
	size_t len;
};

/* The Han characters of s, in order. */
static struct hans han_of(const char *s, size_t len)
{
	struct hans h = { arena_alloc(&A, (len + 1) * sizeof(UChar32)), 0 };
	int32_t i = 0, n = (int32_t)len;
	while (i < n) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		UErrorCode err = U_ZERO_ERROR;
		if (c >= 0 && uscript_getScript(c, &err) == USCRIPT_HAN && U_SUCCESS(err))
			h.c[h.len++] = c;
	}
	return h;
}

static struct hans han_str(const char *s)
{
	return han_of(s, s ? strlen(s) : 0);
}

/* Where the n characters at c start as a contiguous run in page at or after
 * pos, or -1. */
static long find_chars(const struct hans *page, size_t pos, const UChar32 *c, size_t n)
{
	if (!n)
		return -1;
	for (size_t i = pos; i + n <= page->len; i++)
		if (memcmp(page->c + i, c, n * sizeof(UChar32)) == 0)
			return (long)i;
	return -1;
}

static long find_run(const struct hans *page, size_t pos, const struct hans *needle)
{
	return find_chars(page, pos, needle->c, needle->len);
}

/* How many characters must agree before a jump in the page is trusted. */
#define ANCHOR 6
#define NEARBY 16

struct correction {
	struct hans wrong, right;
	int used;
};

/* Matches text in page in order, marking matched page positions in `hit`.
 * Where the text does not go on with the page's next character (the start of
 * a text, or a break where the layout put other text in between), the match
 * resumes where the next ANCHOR characters stand together, so a character
 * that happens to occur in a headline in between is not taken for it; only
 * failing that, at the next occurrence of the single character. Where the text continues with a correction's right
 * side and the page has its wrong side first, the wrong side is matched
 * instead. Returns the number of text characters left unmatched. */
static size_t match(const struct hans *page, const struct hans *text, unsigned char *hit,
		    struct correction *corr, size_t ncorr)
{
	size_t pos = 0, missed = 0;
	for (size_t i = 0; i < text->len;) {
		int done = 0;
		for (size_t k = 0; k < ncorr && !done; k++) {
			const struct hans *r = &corr[k].right;
			if (!r->len || i + r->len > text->len ||
			    memcmp(text->c + i, r->c, r->len * sizeof(UChar32)) != 0)
				continue;
			long w = find_run(page, pos, &corr[k].wrong);
			long plain = find_run(page, pos, r);
			if (w >= 0 && (plain < 0 || w < plain)) {
				for (size_t j = 0; j < corr[k].wrong.len; j++)
					hit[w + (long)j] = 1;
				pos = (size_t)w + corr[k].wrong.len;
				i += r->len;
				corr[k].used = 1;
				done = 1;
			}
		}
		if (done)
			continue;
		size_t j = pos;
		if (j >= page->len || page->c[j] != text->c[i]) {
			size_t k = text->len - i < ANCHOR ? text->len - i : ANCHOR;
			long run = find_chars(page, pos, text->c + i, k);
			if (run >= 0) {
				j = (size_t)run;
			} else {
				/* a character of its own: look only nearby, so that one
				 * wrong character counts once instead of derailing the rest */
				size_t end = pos + NEARBY < page->len ? pos + NEARBY : page->len;
				while (j < end && page->c[j] != text->c[i])
					j++;
				if (j == end)
					j = page->len;
			}
		}
		if (j == page->len) {
			missed++;
		} else {
			hit[j] = 1;
			pos = j + 1;
		}
		i++;
	}
	return missed;
}

/* A heading or caption: where it stands whole in the page and no body has
 * claimed the place (a headline such as 做到「不漏一户不落一人」 can also stand
 * inside a body, punctuation aside), else matched in order like a body. */
static void match_short(const struct hans *page, const struct hans *text, unsigned char *hit)
{
	long at = -1;
	for (long from = find_run(page, 0, text); from >= 0; from = find_run(page, (size_t)from + 1, text)) {
		size_t claimed = 0;
		for (size_t j = 0; j < text->len; j++)
			claimed += hit[from + (long)j];
		if (at < 0 || claimed == 0)
			at = from;
		if (claimed == 0)
			break;
	}
	if (at < 0) {
		match(page, text, hit, NULL, 0);
		return;
	}
	for (size_t j = 0; j < text->len; j++)
		hit[at + (long)j] = 1;
}

static size_t parse_corrections(const struct article *art, struct correction *out)
{
	size_t n = 0;
	for (size_t i = 0; i < art->corrections.len && n < 64; i++) {
		const char *s = art->corrections.items[i];
		const char *arrow = strstr(s, "→");
		if (!arrow)
			continue;
		out[n].wrong = han_of(s, (size_t)(arrow - s));
		out[n].right = han_str(arrow + strlen("→"));
		out[n].used = 0;
		n++;
	}
	return n;
}

static void check_body(const char *seed, const struct hans *page, unsigned char *hit, const struct article *art)
{
	struct correction corr[64];
	size_t ncorr = parse_corrections(art, corr);
	struct hans body = han_of(art->body, art->body_len);
	size_t missed = match(page, &body, hit, corr, ncorr);
	if (missed)
		check(arena_sprintf(&A, "%s: %zu of %zu body characters are not in %s in order", art->path,
				    missed, body.len, seed), 0);
	else
		check(arena_sprintf(&A, "%s: its body (%zu characters) is in %s in order, %zu correction(s)",
				    art->path, body.len, seed, ncorr), 1);
	for (size_t k = 0; k < ncorr; k++)
		if (!corr[k].used)
			check(arena_sprintf(&A, "%s: correction %s is not applied where the page has it", art->path,
					    (const char *)art->corrections.items[k]), 0);
}

/* The page's runs of characters no article covers, for the editor. */
static void print_uncovered(const struct hans *page, const unsigned char *hit)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < page->len; i++) {
		if (hit[i])
			continue;
		char u[5];
		int32_t n = 0;
		U8_APPEND_UNSAFE((uint8_t *)u, n, page->c[i]);
		buf_add(&b, u, (size_t)n);
		if (i + 1 == page->len || hit[i + 1]) {
			printf("#   not covered: %s\n", b.data);
			buf_reset(&b);
		}
	}
	buf_free(&b);
}

static void check_seed(const char *dir, const char *name, struct article **arts, size_t narts)
{
	struct buf b = BUF_INIT;
	char *path = arena_sprintf(&A, "%s/%s", dir, name);
	if (load_file(path, &b) < 0) {
		check(arena_sprintf(&A, "cannot read %s", path), 0);
		return;
	}
	struct hans page = han_of(b.data, b.len);
	buf_free(&b);
	unsigned char *hit = arena_alloc(&A, page.len + 1);
	char *id = arena_strndup(&A, name, strcspn(name, "."));
	size_t count = 0;
	for (size_t i = 0; i < narts; i++) {
		const struct article *art = arts[i];
		if (!art->source || strcmp(art->source, id) != 0)
			continue;
		count++;
		check_body(id, &page, hit, art);
	}
	/* Headings and captions after every body, so they find their own place. */
	for (size_t i = 0; i < narts; i++) {
		const struct article *art = arts[i];
		if (!art->source || strcmp(art->source, id) != 0)
			continue;
		const char *texts[] = { art->title, art->subtitle };
		for (size_t t = 0; t < 2; t++) {
			struct hans h = han_str(texts[t]);
			match_short(&page, &h, hit);
		}
		for (size_t c = 0; c < art->captions.len; c++) {
			struct hans h = han_str(art->captions.items[c]);
			match_short(&page, &h, hit);
		}
	}
	size_t covered = 0;
	for (size_t i = 0; i < page.len; i++)
		covered += hit[i];
	double share = page.len ? (double)covered / (double)page.len : 0;
	int ok = count > 0 && share >= COVERAGE_MIN;
	check(arena_sprintf(&A, "%s: its %zu articles cover %.1f%% of the page's %zu Han characters "
			    "(at least %.0f%%)", id, count, share * 100, page.len, COVERAGE_MIN * 100), ok);
	if (!ok || getenv("FIDELITY_VERBOSE"))
		print_uncovered(&page, hit);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fidelity <seeds-dir> <content-dir>\n");
		return 2;
	}
	check_module = "fidelity";
	DIR *dp = opendir(argv[1]);
	if (!dp) {
		check_skip(arena_sprintf(&A, "no seed pages at %s (set SEEDS_DIR, or SHARED, to check the "
					 "transcriptions)", argv[1]));
		arena_free(&A);
		return check_done("fidelity");
	}
	struct ptrvec names = { 0 };
	struct dirent *de;
	while ((de = readdir(dp)))
		if (strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, ".txt") == 0)
			ptrvec_push(&A, &names, arena_strdup(&A, de->d_name));
	closedir(dp);
	qsort(names.items, names.len, sizeof(void *), cmp_names);

	struct diag d = DIAG_INIT;
	struct source *src;
	size_t n = load_list(&A, &d, argv[2], &src);
	struct article **arts = arena_alloc(&A, (n + 1) * sizeof(*arts));
	size_t narts = 0;
	for (size_t i = 0; i < n; i++) {
		if (load_file_arena(&A, src[i].path, &src[i].data, &src[i].len) < 0) {
			diag_error(&d, src[i].path, 0, 0, NULL, 0, "cannot read: %s", strerror(errno));
			continue;
		}
		struct article *art = article_parse(&A, &d, src[i].path, src[i].data, src[i].len);
		if (art)
			arts[narts++] = art;
	}
	if (d.errors)
		check(arena_sprintf(&A, "%zu content file(s) do not parse", d.errors), 0);
	for (size_t i = 0; i < names.len; i++)
		check_seed(argv[1], names.items[i], arts, narts);
	for (size_t i = 0; i < narts; i++) {
		int known = 0;
		for (size_t k = 0; k < names.len && arts[i]->source; k++)
			known |= strncmp(names.items[k], arts[i]->source, strlen(arts[i]->source)) == 0;
		if (arts[i]->source && !known)
			check(arena_sprintf(&A, "%s: source %s is not a seed page", arts[i]->path, arts[i]->source), 0);
	}
	arena_free(&A);
	return check_done("fidelity");
}
