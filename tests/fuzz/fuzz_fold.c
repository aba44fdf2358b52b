/* fuzz_fold: the text functions every name and search term goes through:
 * text_utf8_valid (against a reference decoder written from Unicode's table
 * 3-7), text_nfc, text_fold and text_fold_is_word, text_slugify,
 * text_collate against text_sort_key, and text_distance. The folder,
 * slugger and collator are made once (they are meant to be reused).
 *
 * The input is read as one string, and split at its first NUL byte into
 * two strings for the functions that compare two (collation, distance).
 * The first byte picks the slug's length limit.
 *
 * Checks: the validator agrees with the reference, offset included; NFC
 * fails exactly on invalid UTF-8, gives valid UTF-8 and is idempotent; folding
 * gives Unicode scalar values; a slug is non-empty, only [a-z0-9-], with no
 * '-' at either end or twice in a row, and within its limit; sort keys order
 * as text_collate does; a distance is 0 to itself, symmetric and at most the
 * longer string's length in code points (when both are valid UTF-8). */
#include "fuzz.h"

#include "buf.h"
#include "text.h"

/* Slugs cost ~20 µs a Han character (ICU Han-Latin): slugify a prefix so
 * that a long input does not slow every run. Names in the archive are short. */
#define SLUG_INPUT_MAX 512
/* text_distance is quadratic: compare prefixes. */
#define DISTANCE_INPUT_MAX 256

static struct text_folder *folder;
static struct text_slugger *slugger;
static struct text_collator *collator;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	folder = text_folder_new(NULL, 0);
	slugger = text_slugger_new();
	collator = text_collator_new();
	if (!folder || !slugger || !collator) {
		fprintf(stderr, "fuzz_fold: ICU data missing\n");
		abort();
	}
	return 0;
}

/* Unicode 15, table 3-7: returns the length of the well-formed sequence at
 * s[i], or 0 when there is none. */
static size_t ref_seq(const unsigned char *s, size_t len, size_t i)
{
	unsigned c = s[i];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (i + n > len)
		return 0;
	if (s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xBF)
			return 0;
	return n;
}

static int ref_valid(const char *s, size_t len, size_t *bad)
{
	for (size_t i = 0, n; i < len; i += n) {
		n = ref_seq((const unsigned char *)s, len, i);
		if (!n) {
			*bad = i;
			return 0;
		}
	}
	return 1;
}

static size_t count_cp(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void check_utf8_and_nfc(const char *s, size_t len)
{
	size_t bad = (size_t)-1, ref_bad = (size_t)-1;
	int valid = text_utf8_valid(s, len, &bad);
	int ref = ref_valid(s, len, &ref_bad);
	FUZZ_CHECK(valid == ref);
	if (!valid) {
		FUZZ_CHECK(bad == ref_bad);
		FUZZ_CHECK(text_utf8_valid(s, bad, NULL));
	}

	struct buf nfc = BUF_INIT, twice = BUF_INIT;
	int rc = text_nfc(s, len, &nfc);
	FUZZ_CHECK(rc == (valid ? 0 : -1));
	if (rc == 0) {
		FUZZ_CHECK(text_utf8_valid(nfc.data, nfc.len, NULL));
		FUZZ_CHECK(text_nfc(nfc.data, nfc.len, &twice) == 0);
		FUZZ_CHECK(buf_equals(&twice, nfc.data, nfc.len));
	} else {
		FUZZ_CHECK(nfc.len == 0);
	}
	buf_free(&twice);
	buf_free(&nfc);
}

static void check_fold(const char *s, size_t len)
{
	uint32_t *cps = NULL;
	size_t cap = 0;
	size_t n = text_fold(folder, s, len, &cps, &cap);
	FUZZ_CHECK(n <= cap);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(cps[i] <= 0x10FFFF && (cps[i] < 0xD800 || cps[i] > 0xDFFF));
		(void)text_fold_is_word(folder, cps[i]);
	}
	/* folding again into the grown array reuses it */
	size_t m = text_fold(folder, s, len, &cps, &cap);
	FUZZ_CHECK(m == n);
	free(cps);
}

static void check_slug(const char *s, size_t len, size_t max)
{
	struct buf slug = BUF_INIT;
	buf_addstr(&slug, "keep");
	text_slugify(slugger, s, len < SLUG_INPUT_MAX ? len : SLUG_INPUT_MAX, max, &slug);
	FUZZ_CHECK(slug.len > 4 && memcmp(slug.data, "keep", 4) == 0);
	const char *g = slug.data + 4;
	size_t n = slug.len - 4;
	FUZZ_CHECK(strlen(g) == n);
	FUZZ_CHECK(strspn(g, "abcdefghijklmnopqrstuvwxyz0123456789-") == n);
	FUZZ_CHECK(g[0] != '-' && g[n - 1] != '-' && !strstr(g, "--"));
	if (max)
		FUZZ_CHECK(n <= max);
	buf_free(&slug);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void check_pair(const char *a, const char *b)
{
	/* text_collate and text_sort_key take C strings */
	struct arena ar = ARENA_INIT;
	int c = text_collate(collator, a, b);
	FUZZ_CHECK(c >= -1 && c <= 1);
	FUZZ_CHECK(text_collate(collator, b, a) == -c);
	const char *ka = text_sort_key(collator, &ar, a), *kb = text_sort_key(collator, &ar, b);
	FUZZ_CHECK(sign(strcmp(ka, kb)) == c);
	arena_free(&ar);

	char sa[DISTANCE_INPUT_MAX + 1], sb[DISTANCE_INPUT_MAX + 1];
	snprintf(sa, sizeof(sa), "%s", a);
	snprintf(sb, sizeof(sb), "%s", b);
	size_t d = text_distance(sa, sb);
	FUZZ_CHECK(d == text_distance(sb, sa));
	FUZZ_CHECK(text_distance(sa, sa) == 0);
	if (text_utf8_valid(sa, strlen(sa), NULL) && text_utf8_valid(sb, strlen(sb), NULL)) {
		size_t la = count_cp(sa), lb = count_cp(sb);
		FUZZ_CHECK(d <= (la > lb ? la : lb));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!folder)
		LLVMFuzzerInitialize(NULL, NULL);
	char *s = fuzz_text(data, size);
	static const size_t limits[] = { 0, 1, 2, 5, 16, 48, 64 };
	size_t max = size ? limits[data[0] % (sizeof(limits) / sizeof(*limits))] : 48;

	check_utf8_and_nfc(s, size);
	check_fold(s, size);
	check_slug(s, size, max);
	/* the part before the first NUL, and the part after it */
	const char *a = s, *b = s + strlen(s) + (strlen(s) < size ? 1 : 0);
	check_pair(a, b);
	free(s);
	return 0;
}
