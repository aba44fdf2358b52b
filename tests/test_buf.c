/* Unit tests for generator/buf.c and generator/arena.c: one line per check,
 * `ok - buf: …` / `ok - arena: …` or `not ok - …` with the expected and
 * actual values indented below (tests/check.h). Exit status 1 when any check
 * fails. Also generator/fmt.c, which their formatting goes through. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fmt.h"

#include "check.h"

/* check_mem, and the NUL after the last byte that buf and arena promise. */
static void check_bytes(const char *what, const char *got, size_t got_len, const char *expected, size_t exp_len)
{
	if (got[got_len] == '\0') {
		check_mem(what, got, got_len, expected, exp_len);
		return;
	}
	check(what, 0);
	check_show("expected:", expected, exp_len);
	check_show("got:", got, got_len);
	printf("    (no NUL after the last byte)\n");
}

static void check_buf(const char *what, const struct buf *b, const char *expected)
{
	check_bytes(what, b->data, b->len, expected, strlen(expected));
}

/* ---- buf ---- */

static void test_init(void)
{
	struct buf b = BUF_INIT;
	check_buf("BUF_INIT is an empty C string", &b, "");
	buf_free(&b);
	check_buf("buf_free of an unused buffer leaves it empty", &b, "");

	buf_init(&b, 1000);
	check_buf("buf_init with a hint is empty", &b, "");
	check_int("buf_init with a hint reserves hint + 1 bytes", b.cap >= 1001, 1);
	char *before = b.data;
	for (int i = 0; i < 1000; i++)
		buf_addch(&b, 'a');
	check_int("1000 bytes within the hint need no reallocation", b.data == before, 1);
	buf_free(&b);
}

static void test_growth(void)
{
	struct buf b = BUF_INIT;
	struct buf expect = BUF_INIT;
	int ok = 1;
	for (int i = 0; i < 20000; i++) {
		buf_addch(&b, (char)('a' + i % 26));
		ok &= b.data[b.len] == '\0' && b.cap > b.len;
	}
	check_int("NUL after every buf_addch while growing to 20000 bytes", ok, 1);
	for (int i = 0; i < 20000; i++) {
		char c = (char)('a' + i % 26);
		buf_add(&expect, &c, 1);
	}
	check_bytes("content kept across reallocations (20000 bytes)", b.data, b.len, expect.data,
		  expect.len);
	buf_free(&expect);

	buf_reset(&b);
	char big[300000];
	memset(big, 'z', sizeof(big));
	buf_add(&b, big, sizeof(big));
	check_int("one 300000-byte buf_add", b.len == sizeof(big) && b.data[b.len] == '\0' &&
		  b.data[0] == 'z' && b.data[b.len - 1] == 'z', 1);
	buf_free(&b);
}

static void test_add(void)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "离石区");
	buf_addch(&b, ' ');
	buf_add(&b, "2022年10月", strlen("2022年"));
	check_buf("addstr, addch and add append in order", &b, "离石区 2022年");

	buf_add(&b, NULL, 0);
	buf_addstr(&b, "");
	check_buf("adding nothing changes nothing", &b, "离石区 2022年");

	buf_reset(&b);
	buf_add(&b, "a\0b", 3);
	check_bytes("embedded NUL bytes are kept and counted", b.data, b.len, "a\0b", 3);
	check_int("buf_equals compares all bytes, NULs included", buf_equals(&b, "a\0b", 3), 1);
	check_int("buf_equals is false for a prefix", buf_equals(&b, "a", 1), 0);
	check_int("buf_equals is false for other bytes", buf_equals(&b, "a\0c", 3), 0);

	buf_reset(&b);
	buf_addstr(&b, "吕梁市离石区");
	buf_truncate(&b, strlen("吕梁市"));
	check_buf("buf_truncate shortens and terminates", &b, "吕梁市");
	buf_truncate(&b, 100);
	check_buf("buf_truncate past the end does nothing", &b, "吕梁市");
	buf_reset(&b);
	check_buf("buf_reset empties", &b, "");
	buf_addstr(&b, "again");
	check_buf("a reset buffer is reusable", &b, "again");
	buf_free(&b);
}

static void test_addf(void)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s:%zu:%d: %s", "content/2022/a.md", (size_t)12, 3, "错误");
	check_buf("addf formats", &b, "content/2022/a.md:12:3: 错误");
	buf_addf(&b, " (%05.1f%%)", 9.5);
	check_buf("addf appends", &b, "content/2022/a.md:12:3: 错误 (009.5%)");

	buf_reset(&b);
	buf_addstr(&b, ">");
	buf_addf(&b, "%0500d", 7);
	int ok = b.len == 501 && b.data[0] == '>' && b.data[1] == '0' && b.data[499] == '0' &&
		 b.data[500] == '7' && b.data[501] == '\0';
	check_int("addf longer than the first allocation (500 chars)", ok, 1);

	buf_reset(&b);
	buf_addstr(&b, "x");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-zero-length"
	buf_addf(&b, "");
#pragma GCC diagnostic pop
	check_buf("addf of an empty format changes nothing", &b, "x");
	buf_addf(&b, "%s", "");
	check_buf("addf of an empty string changes nothing", &b, "x");

	struct buf e = BUF_INIT;
	buf_addf(&e, "%d", 42);
	check_buf("addf into a BUF_INIT buffer", &e, "42");
	buf_free(&e);
	buf_free(&b);
}

/* ---- fmt ---- */

/* fmt_vsnprintf and vsnprintf on the same arguments, into buffers of
 * `room` bytes filled with 'Z' first: the same bytes and return value. */
static int fmt_agrees(size_t room, const char *fmt, ...)
{
	char want[128], got[128];
	memset(want, 'Z', sizeof(want));
	memset(got, 'Z', sizeof(got));
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(room ? want : NULL, room, fmt, ap);
	int m = fmt_vsnprintf(room ? got : NULL, room, fmt, aq);
	va_end(aq);
	va_end(ap);
	return n == m && memcmp(want, got, sizeof(want)) == 0;
}

static void test_fmt(void)
{
	static const long long nums[] = { 0, 7, -7, 42, -123, 99999, 2147483647, -2147483647 - 1,
					  9223372036854775807LL, -9223372036854775807LL - 1 };
	static const char *const strs[] = { "", "a", "离石区", "reports/000123/index.html" };
	int ok = 1;
	for (size_t room = 0; room < 40; room++) {
		for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
			long long n = nums[i];
			ok &= fmt_agrees(room, "%d|%04d|%02d-%02d|%5d", (int)n, (int)n, (int)n, (int)(n % 13), (int)n);
			ok &= fmt_agrees(room, "%ld %lld %llu %zu %u", (long)n, n, (unsigned long long)n, (size_t)n,
					 (unsigned)n);
			ok &= fmt_agrees(room, "%016llx %04x %x %09ld", (unsigned long long)n, (unsigned)n, (unsigned)n,
					 (long)n);
		}
		for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++) {
			const char *s = strs[i];
			ok &= fmt_agrees(room, "has_%s|%.*s|%.*s|%.2s|%c%%", s, 3, s, -1, s, s, 'x');
			/* what it leaves to vsnprintf: other conversions and flags, NULL strings */
			ok &= fmt_agrees(room, "%s %X %02X %-4d| %+d %5.1f", s, 255u, 10u, 3, 3, 2.5);
			ok &= fmt_agrees(room, "%s %s %.*s", s, (char *)NULL, 3, (char *)NULL);
		}
	}
	check_int("fmt_vsnprintf writes and returns what vsnprintf does (numbers, strings, precision, "
		  "truncation, conversions it leaves to vsnprintf)", ok, 1);
}

static void test_escape(void)
{
	struct buf b = BUF_INIT;
	const char *s = "<a href=\"x?a=1&b=2\">Tom & Jerry's</a>";
	buf_add_html_escaped(&b, s, strlen(s));
	check_buf("html escape of & < > \" '", &b,
		  "&lt;a href=&quot;x?a=1&amp;b=2&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");

	buf_reset(&b);
	s = "“连心卡”连起你我他";
	buf_add_html_escaped(&b, s, strlen(s));
	check_buf("html escape leaves Chinese and curly quotes alone", &b, "“连心卡”连起你我他");

	buf_reset(&b);
	buf_addstr(&b, "<p>");
	buf_add_html_escaped(&b, "a<b>c", 2);
	check_buf("html escape appends and reads only len bytes", &b, "<p>a&lt;");

	buf_reset(&b);
	buf_add_html_escaped(&b, "&&", 2);
	check_buf("html escape of adjacent specials", &b, "&amp;&amp;");
	buf_reset(&b);
	buf_add_html_escaped(&b, "", 0);
	check_buf("html escape of nothing", &b, "");
	buf_free(&b);
}

static void test_detach(void)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "太原市");
	size_t len = 0;
	char *s = buf_detach(&b, &len);
	check_bytes("detach returns the content", s, len, "太原市", strlen("太原市"));
	check_buf("detach leaves the buffer empty", &b, "");
	check_int("detach leaves no storage behind", b.cap, 0);
	s[0] = 'X';	/* the caller owns it: writable */
	free(s);

	buf_addstr(&b, "reuse");
	check_buf("a detached buffer is reusable", &b, "reuse");
	buf_free(&b);

	s = buf_detach(&b, &len);
	check_bytes("detach of an empty buffer gives a freeable \"\"", s, len, "", 0);
	free(s);
	buf_addstr(&b, "x");
	s = buf_detach(&b, NULL);
	check_bytes("detach with a NULL length", s, strlen(s), "x", 1);
	free(s);
}

/* ---- arena ---- */

static void test_arena_alloc(void)
{
	struct arena a = ARENA_INIT;
	int zero = 1, aligned = 1;
	size_t rounded = 0;
	for (size_t size = 1; size < 200; size += 7) {
		rounded += (size + 15) / 16 * 16;
		unsigned char *p = arena_alloc(&a, size);
		for (size_t i = 0; i < size; i++)
			zero &= p[i] == 0;
		aligned &= ((uintptr_t)p % 16) == 0;
		memset(p, 0xAB, size);	/* dirty it: the next block must still be zero */
	}
	check_int("arena_alloc returns zero-filled memory", zero, 1);
	check_int("arena_alloc aligns to 16 bytes", aligned, 1);
	check_int("total counts sizes rounded up to 16", (long long)a.total, (long long)rounded);
	arena_free(&a);
	check_int("arena_free resets total", (long long)a.total, 0);
	check_int("arena_free empties the chunk list", a.head == NULL, 1);
}

static void test_arena_strings(void)
{
	struct arena a = ARENA_INIT;
	char src[] = "克拉玛依区";
	char *d = arena_strdup(&a, src);
	src[0] = 'X';
	check_bytes("strdup copies", d, strlen(d), "克拉玛依区", strlen("克拉玛依区"));
	char *n = arena_strndup(&a, "离石区委", strlen("离石区"));
	check_bytes("strndup copies n bytes and terminates", n, strlen(n), "离石区", strlen("离石区"));
	char *f = arena_sprintf(&a, "%04d年%d月 第%zu期", 2022, 10, (size_t)3);
	check_bytes("sprintf formats", f, strlen(f), "2022年10月 第3期", strlen("2022年10月 第3期"));
	char *e = arena_strdup(&a, "");
	check_bytes("strdup of \"\"", e, 0, "", 0);

	/* 2000 strings of 1000 bytes span several 256 KiB chunks */
	char **strs = malloc(2000 * sizeof(*strs));
	char line[1001];
	for (int i = 0; i < 2000; i++) {
		memset(line, 'a' + i % 26, 1000);
		line[1000] = '\0';
		strs[i] = arena_strdup(&a, line);
	}
	int intact = 1;
	for (int i = 0; i < 2000; i++)
		intact &= strlen(strs[i]) == 1000 && strs[i][0] == 'a' + i % 26 && strs[i][999] == 'a' + i % 26;
	check_int("2000 strings across chunks stay intact", intact, 1);
	free(strs);

	char *before = arena_strdup(&a, "before");
	unsigned char *big = arena_alloc(&a, 1 << 20);
	int zero = 1;
	for (size_t i = 0; i < (1 << 20); i += 4096)
		zero &= big[i] == 0;
	memset(big, 0xFF, 1 << 20);
	char *after = arena_strdup(&a, "after");
	check_int("a 1 MiB block is zero-filled", zero, 1);
	check_int("small strings around a big block stay intact",
		  strcmp(before, "before") == 0 && strcmp(after, "after") == 0, 1);
	arena_free(&a);

	char *again = arena_strdup(&a, "再用");
	check_bytes("an arena is reusable after arena_free", again, strlen(again), "再用", strlen("再用"));
	arena_free(&a);
}

static void test_ptrvec(void)
{
	struct arena a = ARENA_INIT;
	struct ptrvec v = { 0 };
	static int items[1000];
	for (int i = 0; i < 1000; i++)
		ptrvec_push(&a, &v, &items[i]);
	int ok = v.len == 1000;
	for (int i = 0; i < 1000 && ok; i++)
		ok = v.items[i] == &items[i];
	check_int("ptrvec keeps 1000 pushes in order", ok, 1);
	check_int("ptrvec capacity covers its length", v.cap >= v.len, 1);
	arena_free(&a);
}

int main(void)
{
	check_module = "buf";
	test_init();
	test_growth();
	test_add();
	test_addf();
	test_escape();
	test_detach();
	check_module = "fmt";
	test_fmt();
	check_module = "arena";
	test_arena_alloc();
	test_arena_strings();
	test_ptrvec();
	return check_done("test_buf");
}
