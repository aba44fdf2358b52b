/* check.h: the harness of the C test programs, included once per program.
 * Its functions are static inline: a program need not use them all.
 *
 * Every check prints one line, `ok - <module>: <what>` or
 * `not ok - <module>: <what>`, which tests/run.sh counts; a failure prints
 * what was expected and what came instead on indented lines after it.
 * <module> is check_module, set by the test ("text", "buf", …).
 * Every check takes what is checked first, then the value got, then the
 * value expected, and returns 1 when it passed.
 *
 * The program ends with `return check_done("test_text");`, which prints
 * `# test_text: N passed, N failed` (a line run.sh does not count) and
 * returns the exit status: 1 when a check failed. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

/* The label after `ok - `: set before the checks, and again to change it. */
static const char *check_module = "test";
static int check_passed, check_failed, check_skipped;

/* Offset of the first byte of s[0..len) that is not well-formed UTF-8, or
 * len. (The harness's own, so that a bug in the code under test cannot hide
 * from the way its results are shown.) */
static inline size_t check_utf8_end(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned c = u[i];
		size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
			 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (!n || i + n > len)
			return i;
		unsigned lo = 0x80, hi = 0xBF;	/* the second byte's range */
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
		else if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* past U+10FFFF */
		for (size_t k = 1; k < n; k++)
			if (u[i + k] < (k == 1 ? lo : 0x80) || u[i + k] > (k == 1 ? hi : 0xBF))
				return i;
		i += n;
	}
	return len;
}

/* Prints s quoted: newlines, carriage returns, tabs, quotes and backslashes
 * as C escapes; other control bytes, and bytes from the first invalid UTF-8
 * sequence on, as \xHH; then where that sequence starts. s may be NULL:
 * (null). No newline. */
static inline void check_quote(const char *s, size_t len)
{
	if (!s) {
		fputs("(null)", stdout);
		return;
	}
	size_t bad = check_utf8_end(s, len);
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f || (i >= bad && c >= 0x80))
			printf("\\x%02X", c);
		else
			putchar(c);
	}
	putchar('"');
	if (bad < len)
		printf(" (invalid UTF-8 at byte %zu)", bad);
}

/* A detail line after a failed check: `    <label> <s quoted>`. */
static inline void check_show(const char *label, const char *s, size_t len)
{
	printf("    %-9s ", label);
	check_quote(s, len);
	putchar('\n');
}

/* The one line of a check; returns ok. */
static inline int check(const char *what, int ok)
{
	printf("%s - %s: %s\n", ok ? "ok" : "not ok", check_module, what);
	if (ok)
		check_passed++;
	else
		check_failed++;
	return ok;
}

/* A check that cannot run here, and why (in what). */
static inline void check_skip(const char *what)
{
	printf("skip - %s: %s\n", check_module, what);
	check_skipped++;
}

static inline int check_int(const char *what, long long got, long long expected)
{
	if (check(what, got == expected))
		return 1;
	printf("    expected: %lld\n    got:      %lld\n", expected, got);
	return 0;
}

/* Equal C strings; NULL equals only NULL. */
static inline int check_str(const char *what, const char *got, const char *expected)
{
	int ok = got && expected ? strcmp(got, expected) == 0 : got == expected;
	if (check(what, ok))
		return 1;
	check_show("expected:", expected, expected ? strlen(expected) : 0);
	check_show("got:", got, got ? strlen(got) : 0);
	return 0;
}

/* The same got_len bytes as expected (NUL bytes included). */
static inline int check_mem(const char *what, const char *got, size_t got_len, const char *expected,
			    size_t exp_len)
{
	int ok = got_len == exp_len && (!exp_len || (got && expected && memcmp(got, expected, exp_len) == 0));
	if (check(what, ok))
		return 1;
	printf("    expected: ");
	check_quote(expected, exp_len);
	printf(" (%zu bytes)\n    got:      ", exp_len);
	check_quote(got, got_len);
	printf(" (%zu bytes)\n", got_len);
	return 0;
}

/* Prints `# <program>: N passed, N failed[, N skipped]` and returns the
 * program's exit status: 1 when a check failed, else 0. */
static inline int check_done(const char *program)
{
	printf("# %s: %d passed, %d failed", program, check_passed, check_failed);
	if (check_skipped)
		printf(", %d skipped", check_skipped);
	putchar('\n');
	return check_failed ? 1 : 0;
}

#endif
