/* Unit tests for generator/text.c: one line per check, `ok - text: …` or
 * `not ok - text: …` with the expected and actual values indented below
 * (tests/check.h). Exit status 1 when any check fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "markdown.h"
#include "text.h"

#include "check.h"

/* ---- digests as the build state writes them ---- */

/* text_hex16 against text_hex_digit, the plain rule: every byte value at
 * every one of the 16 places, the digits of both cases and their values. */
static void test_hex16(void)
{
	uint64_t v = 0;
	int r = text_hex16("0123456789abcdef", &v);
	check_int("hex16: 0123456789abcdef", r == 0 && v == 0x0123456789abcdefULL, 1);
	r = text_hex16("FEDCBA9876543210", &v);
	check_int("hex16: upper case FEDCBA9876543210", r == 0 && v == 0xfedcba9876543210ULL, 1);
	size_t wrong = 0;
	for (int at = 0; at < 16; at++)
		for (int c = 0; c < 256; c++) {
			char s[17] = "a1b2c3d4e5f60789";
			s[at] = (char)c;
			uint64_t before = 0x5555, got = before;
			int d = text_hex_digit((char)c);
			r = text_hex16(s, &got);
			uint64_t want = 0xa1b2c3d4e5f60789ULL & ~(0xfULL << (60 - 4 * at));
			want |= d >= 0 ? (uint64_t)d << (60 - 4 * at) : 0;
			wrong += d < 0 ? r != -1 || got != before : r != 0 || got != want;
		}
	check_int("hex16: every byte at every place: a digit read, anything else refused (*v left)", (long long)wrong, 0);
}

/* ---- UTF-8 validation and NFC ---- */

static void check_utf8(const char *what, const char *s, size_t len, int valid, size_t offset)
{
	size_t bad = (size_t)-1;
	int ok = text_utf8_valid(s, len, &bad);
	long long got = ok ? -1 : (long long)bad, expected = valid ? -1 : (long long)offset;
	char label[160];
	snprintf(label, sizeof(label), "utf8: %s (%s)", what,
		 valid ? "valid, -1" : "invalid, value is the bad offset");
	check_int(label, got, expected);
}

static void test_utf8(void)
{
	check_utf8("Chinese, ASCII and an emoji", "离石区 abc 😀", strlen("离石区 abc 😀"), 1, 0);
	check_utf8("empty string", "", 0, 1, 0);
	check_utf8("U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF", 4, 1, 0);
	check_utf8("NUL byte inside", "a\0b", 3, 1, 0);
	check_utf8("truncated 3-byte sequence at the end", "ab\xE4\xB8", 4, 0, 2);
	check_utf8("truncated sequence before ASCII", "x\xE4\xB8y", 4, 0, 1);
	check_utf8("overlong encoding of '/'", "a\xC0\xAF", 3, 0, 1);
	check_utf8("overlong 3-byte encoding", "ok\xE0\x80\xAF", 5, 0, 2);
	check_utf8("lone continuation byte", "abc\x80", 4, 0, 3);
	check_utf8("continuation byte after a full character", "区\x80", 4, 0, 3);
	check_utf8("UTF-16 surrogate U+D800", "\xED\xA0\x80", 3, 0, 0);
	check_utf8("surrogate after Chinese", "石\xED\xBF\xBF", 6, 0, 3);
	check_utf8("past U+10FFFF", "\xF4\x90\x80\x80", 4, 0, 0);
	check_utf8("byte 0xFF", "a\xFF", 2, 0, 1);
	check_utf8("only the first len bytes are read", "ab\xE4\xB8", 2, 1, 0);
}

static void test_nfc(void)
{
	struct buf out = BUF_INIT;
	int r = text_nfc("Cafe\xCC\x81", strlen("Cafe\xCC\x81"), &out);
	check_int("nfc: decomposed é returns 0", r, 0);
	check_str("nfc: decomposed é (e + U+0301) becomes U+00E9", out.data, "Caf\xC3\xA9");
	buf_reset(&out);
	text_nfc("离石区 2022年", strlen("离石区 2022年"), &out);
	check_str("nfc: text already in NFC is unchanged", out.data, "离石区 2022年");
	buf_reset(&out);
	text_nfc("A\xCC\x8A 吕梁 u\xCC\x88", strlen("A\xCC\x8A 吕梁 u\xCC\x88"), &out);
	check_str("nfc: several decomposed letters among Chinese", out.data, "\xC3\x85 吕梁 \xC3\xBC");
	buf_reset(&out);
	buf_addstr(&out, "keep:");
	r = text_nfc("a\xC0\xAF", 3, &out);
	check_int("nfc: invalid UTF-8 returns -1", r, -1);
	check_str("nfc: invalid UTF-8 appends nothing", out.data, "keep:");
	/* the variant that copies nothing when the text is NFC already */
	buf_reset(&out);
	r = text_nfc_unless_nfc("离石区 2022年", strlen("离石区 2022年"), &out);
	check_int("nfc_unless_nfc: text already in NFC returns 1", r, 1);
	check_int("nfc_unless_nfc: ... and appends nothing", (int)out.len, 0);
	r = text_nfc_unless_nfc("A\xCC\x8A 吕梁", strlen("A\xCC\x8A 吕梁"), &out);
	check_int("nfc_unless_nfc: decomposed text returns 0", r, 0);
	check_str("nfc_unless_nfc: ... and appends its NFC", out.data, "\xC3\x85 吕梁");
	buf_reset(&out);
	r = text_nfc_unless_nfc("a\xC0\xAF", 3, &out);
	check_int("nfc_unless_nfc: invalid UTF-8 returns -1", r, -1);
	buf_free(&out);
}

/* ---- slugs ---- */

static void check_slug(struct text_slugger *sl, const char *in, size_t max, const char *expected)
{
	struct buf out = BUF_INIT;
	char what[256];
	text_slugify(sl, in, strlen(in), max, &out);
	if (max)
		snprintf(what, sizeof(what), "slug: \"%s\" (max %zu) -> %s", in, max, expected);
	else
		snprintf(what, sizeof(what), "slug: \"%s\" -> %s", in, expected);
	check_str(what, out.data, expected);
	buf_free(&out);
}

static void test_slugs(struct text_slugger *sl)
{
	check_slug(sl, "离石区", 0, "li-shi-qu");
	check_slug(sl, "重庆", 0, "chong-qing");
	check_slug(sl, "克拉玛依区", 0, "ke-la-ma-yi-qu");
	check_slug(sl, "“连心卡”连起你我他", 0, "lian-xin-ka-lian-qi-ni-wo-ta");
	check_slug(sl, "2022年", 0, "2022-nian");
	check_slug(sl, "207所社区", 0, "207-suo-she-qu");
	check_slug(sl, "太原市207所社区“黄码”护工", 0, "tai-yuan-shi-207-suo-she-qu-huang-ma-hu-gong");
	check_slug(sl, "“红马甲”筑起“防疫安全墙”", 0, "hong-ma-jia-zhu-qi-fang-yi-an-quan-qiang");
	check_slug(sl, "二〇二二年", 0, "er-ling-er-er-nian");
	/* a syllable is a word even next to digits or Latin letters */
	check_slug(sl, "12月27日", 0, "12-yue-27-ri");
	check_slug(sl, "共有51户独居老人", 0, "gong-you-51-hu-du-ju-lao-ren");
	check_slug(sl, "社区LED屏幕", 0, "she-qu-led-ping-mu");
	/* ü: pinyin writes it v; Latin ü is plain u */
	check_slug(sl, "吕梁", 0, "lv-liang");
	check_slug(sl, "女儿", 0, "nv-er");
	check_slug(sl, "略", 0, "lve");
	check_slug(sl, "Zürich Glück", 0, "zurich-gluck");
	check_slug(sl, "ÜBER Zu\xCC\x88rich", 0, "uber-zurich");
	/* mixed Latin, digits, full-width forms */
	check_slug(sl, "Hello, 世界！", 0, "hello-shi-jie");
	check_slug(sl, "COVID-19 疫情", 0, "covid-19-yi-qing");
	check_slug(sl, "ABC１２３，测试", 0, "abc123-ce-shi");
	check_slug(sl, "【通知】疫情防控（第3号）", 0, "tong-zhi-yi-qing-fang-kong-di-3-hao");
	check_slug(sl, "「工作越细致 居民越安全」", 0, "gong-zuo-yue-xi-zhi-ju-min-yue-an-quan");
	check_slug(sl, "  --Café  au lait--  ", 0, "cafe-au-lait");
	/* nothing left */
	check_slug(sl, "", 0, "x");
	check_slug(sl, "。，！？……", 0, "x");
	check_slug(sl, "😀🎉", 0, "x");
	/* length limit */
	check_slug(sl, "克拉玛依区", 10, "ke-la-ma");
	check_slug(sl, "克拉玛依区", 11, "ke-la-ma-yi");
	check_slug(sl, "克拉玛依区", 14, "ke-la-ma-yi-qu");
	check_slug(sl, "Internationalization", 5, "inter");
	check_slug(sl, "。", 3, "x");

	struct buf out = BUF_INIT;
	buf_addstr(&out, "tags/");
	text_slugify(sl, "离石区", strlen("离石区"), 0, &out);
	check_str("slug: appends to the buffer", out.data, "tags/li-shi-qu");
	buf_reset(&out);
	text_slugify(sl, "离石区abc", strlen("离石区"), 0, &out);
	check_str("slug: reads only len bytes", out.data, "li-shi-qu");
	buf_reset(&out);
	text_slugify(sl, "ab\xE4\xB8" "cd", 6, 0, &out);
	check_str("slug: invalid UTF-8 becomes a separator", out.data, "ab-cd");
	buf_free(&out);
}

/* ---- collation ---- */

static const struct text_collator *sort_coll;

static int by_collator(const void *a, const void *b)
{
	return text_collate(sort_coll, *(const char *const *)a, *(const char *const *)b);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const char *const *)a)[1], ((const char *const *)b)[1]);
}

static void join(struct buf *out, const char **names, size_t n, size_t stride)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(out, ' ');
		buf_addstr(out, names[i * stride]);
	}
}

static void test_collation(struct text_collator *coll)
{
	const char *expected = "北京 重庆 克拉玛依 吕梁 太原";
	const char *names[] = { "太原", "吕梁", "克拉玛依", "重庆", "北京" };
	size_t n = sizeof(names) / sizeof(*names);
	struct buf out = BUF_INIT;

	sort_coll = coll;
	qsort(names, n, sizeof(*names), by_collator);
	join(&out, names, n, 1);
	check_str("collate: pinyin order bei < chong < ke < lü < tai", out.data, expected);

	/* pairs of (name, sort key), sorted by key with strcmp */
	struct arena arena = ARENA_INIT;
	const char *pairs[] = { "吕梁", NULL, "太原", NULL, "北京", NULL, "克拉玛依", NULL, "重庆", NULL };
	int nul_free = 1;
	for (size_t i = 0; i < n; i++) {
		pairs[2 * i + 1] = text_sort_key(coll, &arena, pairs[2 * i]);
		nul_free &= strlen(pairs[2 * i + 1]) > 0;
	}
	qsort(pairs, n, 2 * sizeof(*pairs), by_key);
	buf_reset(&out);
	join(&out, pairs, n, 2);
	check_str("sort key: strcmp on keys gives the pinyin order", out.data, expected);
	check_int("sort key: keys are non-empty C strings", nul_free, 1);

	const char *longname = "中华人民共和国山西省吕梁市离石区莲花池街道昌宁社区居民委员会网格员工作站";
	const char *k1 = text_sort_key(coll, &arena, longname);
	const char *k2 = text_sort_key(coll, &arena, "中华人民共和国山西省吕梁市离石区莲花池街道昌宁社区居民委员会网格员工作室");
	check_int("sort key: long names order like text_collate", strcmp(k1, k2) > 0,
		  text_collate(coll, longname, "中华人民共和国山西省吕梁市离石区莲花池街道昌宁社区居民委员会网格员工作室") > 0);
	arena_free(&arena);

	check_int("collate: 路 (lu) < 吕 (lü) < 绿 (lü, 4th tone)",
		  text_collate(coll, "路", "吕") < 0 && text_collate(coll, "吕", "绿") < 0, 1);
	check_int("collate: 离石区 < 石楼县 (li < shi)", text_collate(coll, "离石区", "石楼县") < 0, 1);
	check_int("collate: equal names compare 0", text_collate(coll, "吕梁", "吕梁"), 0);
	check_int("collate: 太原 > 北京 is positive", text_collate(coll, "太原", "北京") > 0, 1);
	check_int("collate: Han sorts before Latin in zh (太原 < Beijing)",
		  text_collate(coll, "太原", "Beijing") < 0, 1);
	buf_free(&out);
}

/* ---- dates ---- */

static void check_date(struct text_dates *dt, int which, int y, int m, int d, const char *expected)
{
	struct buf out = BUF_INIT;
	char what[160];
	static const char *const names[] = { "date", "date_short", "month", "year", "date_plain" };
	switch (which) {
	case 0: text_format_date(dt, y, m, d, &out); break;
	case 1: text_format_date_short(dt, y, m, d, &out); break;
	case 2: text_format_month(dt, y, m, &out); break;
	case 4: text_format_date_plain(dt, y, m, d, &out); break;
	default: text_format_year(dt, y, &out); break;
	}
	snprintf(what, sizeof(what), "format_%s(%d-%02d-%02d) -> \"%s\"", names[which], y, m, d, expected);
	check_str(what, out.data, expected);
	buf_free(&out);
}

/* Does ICU's weekday name agree with text_weekday for every day of
 * [y0, y1]? Returns the first date that disagrees as a string, or "". */
static void weekdays_agree(struct text_dates *dt, int y0, int y1, struct buf *bad)
{
	static const char *const names[] = { "星期一", "星期二", "星期三", "星期四",
					     "星期五", "星期六", "星期日" };
	struct buf out = BUF_INIT;
	for (int y = y0; y <= y1 && !bad->len; y++) {
		for (int m = 1; m <= 12 && !bad->len; m++) {
			for (int d = 1; d <= text_days_in_month(y, m); d++) {
				buf_reset(&out);
				text_format_date(dt, y, m, d, &out);
				const char *sp = strchr(out.data, ' ');
				int w = text_weekday(y, m, d);
				if (!sp || w < 0 || strcmp(sp + 1, names[w]) != 0) {
					buf_addf(bad, "%d-%02d-%02d: %s", y, m, d, out.data);
					break;
				}
			}
		}
	}
	buf_free(&out);
}

static void test_dates(struct text_dates *dt)
{
	check_date(dt, 0, 2022, 10, 31, "2022年10月31日 星期一");
	check_date(dt, 0, 2020, 2, 29, "2020年2月29日 星期六");
	check_date(dt, 0, 2021, 12, 27, "2021年12月27日 星期一");
	check_date(dt, 0, 2020, 1, 26, "2020年1月26日 星期日");
	check_date(dt, 1, 2022, 10, 31, "10月31日");
	check_date(dt, 1, 2022, 3, 5, "3月5日");
	check_date(dt, 2, 2022, 10, 0, "2022年10月");
	check_date(dt, 2, 2020, 2, 0, "2020年2月");
	check_date(dt, 3, 2022, 0, 0, "2022年");
	check_date(dt, 4, 2020, 1, 24, "2020年1月24日");
	check_date(dt, 4, 2022, 10, 31, "2022年10月31日");
	check_date(dt, 4, 2021, 2, 29, "");
	check_date(dt, 0, 2021, 2, 29, "");
	check_date(dt, 2, 2022, 13, 0, "");

	struct buf out = BUF_INIT;
	buf_addstr(&out, "发布于 ");
	text_format_date(dt, 2022, 3, 6, &out);
	check_str("format_date appends to the buffer", out.data, "发布于 2022年3月6日 星期日");
	buf_reset(&out);
	for (int i = 0; i < 1000; i++) {
		buf_reset(&out);
		text_format_date(dt, 2020 + i % 3, 1 + i % 12, 1 + i % 28, &out);
	}
	check_str("format_date: one text_dates serves 1000 dates", out.data, "2020年4月20日 星期一");
	buf_reset(&out);
	weekdays_agree(dt, 2019, 2023, &out);
	check_str("format_date: ICU's weekday = text_weekday for every day 2019-2023", out.data, "");
	buf_reset(&out);
	weekdays_agree(dt, 1500, 1500, &out);
	check_str("format_date: proleptic Gregorian before 1582 (every day of 1500)", out.data, "");
	buf_free(&out);

	check_int("date_valid: 2021-02-29 is invalid", text_date_valid(2021, 2, 29), 0);
	check_int("date_valid: 2020-02-29 is valid", text_date_valid(2020, 2, 29), 1);
	check_int("date_valid: 2022-13-01 is invalid", text_date_valid(2022, 13, 1), 0);
	check_int("date_valid: 2022-00-10 is invalid", text_date_valid(2022, 0, 10), 0);
	check_int("date_valid: 2022-04-31 is invalid", text_date_valid(2022, 4, 31), 0);
	check_int("date_valid: 2022-10-00 is invalid", text_date_valid(2022, 10, 0), 0);
	check_int("date_valid: 1900-02-29 is invalid (century)", text_date_valid(1900, 2, 29), 0);
	check_int("date_valid: 2000-02-29 is valid (400 years)", text_date_valid(2000, 2, 29), 1);
	check_int("date_valid: year 0 is invalid", text_date_valid(0, 1, 1), 0);
	check_int("weekday: 2022-10-31 is Monday (0)", text_weekday(2022, 10, 31), 0);
	check_int("weekday: 2020-02-29 is Saturday (5)", text_weekday(2020, 2, 29), 5);
	check_int("weekday: 2020-01-26 is Sunday (6)", text_weekday(2020, 1, 26), 6);
	check_int("weekday: 1970-01-01 is Thursday (3)", text_weekday(1970, 1, 1), 3);
	check_int("weekday: 0001-01-01 is Monday (0)", text_weekday(1, 1, 1), 0);
	check_int("weekday: invalid date gives -1", text_weekday(2021, 2, 29), -1);
	check_int("days_in_month: 2020-02 has 29", text_days_in_month(2020, 2), 29);
	check_int("days_in_month: 2021-02 has 28", text_days_in_month(2021, 2), 28);
	check_int("days_in_month: 2022-04 has 30", text_days_in_month(2022, 4), 30);
	check_int("days_in_month: 2022-12 has 31", text_days_in_month(2022, 12), 31);
	check_int("days_in_month: month 13 gives 0", text_days_in_month(2022, 13), 0);
}

/* ---- summaries ---- */

static void check_summary(const char *what, const char *in, size_t max, const char *expected)
{
	struct buf out = BUF_INIT;
	char label[200];
	text_summary(in, strlen(in), max, &out);
	snprintf(label, sizeof(label), "summary: %s (max %zu)", what, max);
	check_str(label, out.data, expected);
	buf_free(&out);
}

/* Code points of a string; equal to graphemes for text without combining
 * marks or emoji sequences. */
static size_t count_cp(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void test_summary(void)
{
	const char *news = "今天社区开展了核酸检测。居民们排队有序，工作人员耐心引导，现场秩序井然。";
	check_summary("cut at the end of the first sentence", news, 15, "今天社区开展了核酸检测。");
	check_summary("whole text when it fits", news, 36, news);
	check_summary("cut with … mid-sentence", "社区网格员挨家挨户排查登记外来人员信息并建立台账", 10,
		      "社区网格员挨家挨户…");
	check_summary("sentence end too early (under half): … instead",
		      "好。社区网格员挨家挨户排查登记外来人员信息并建立台账", 10, "好。社区网格员挨家…");
	check_summary("an opening quote after 。 is not left at the end",
		      "今天社区开展了核酸检测。“不管多难，”他说，“我们都会坚持到底，一户不落。”", 20,
		      "今天社区开展了核酸检测。");
	check_summary("a paragraph separator shows as a space",
		      "人物：刘密\xE2\x80\xA9语录：不管做什么事，踏踏实实去做总是对的。", 90,
		      "人物：刘密 语录：不管做什么事，踏踏实实去做总是对的。");
	check_summary("no space after full-width punctuation ending a paragraph",
		      "必须用心守护居民。\xE2\x80\xA9" "2月22日晚，社区开展排查。", 90,
		      "必须用心守护居民。2月22日晚，社区开展排查。");
	check_summary("a sentence never runs across a paragraph's end",
		      "第一段没有句号\xE2\x80\xA9第二段很长很长很长很长很长很长很长", 12, "第一段没有句号");
	check_summary("no opening bracket before …", "一二三四五六七（八九十一二三四五六七八九十", 9, "一二三四五六七…");
	check_summary("exclamation and closing quote end a sentence",
		      "他说：“我们放心！”随后大家一起回到了各自的工作岗位继续忙碌", 12, "他说：“我们放心！”");
	check_summary("English sentence, trailing space dropped",
		      "Hello world. This is a long second sentence.", 20, "Hello world.");
	check_summary("whitespace runs and newlines become one space",
		      "  第一段\n\n第二段\t 第三段  ", 20, "第一段 第二段 第三段");
	check_summary("ideographic space counts as whitespace", "离石区\xE3\x80\x80\xE3\x80\x80社区", 10,
		      "离石区 社区");
	check_summary("no space left before …", "一二三四 五六七八九十", 6, "一二三四…");
	check_summary("ZWJ emoji family kept whole", "ab👨‍👩‍👧cdefgh", 4, "ab👨‍👩‍👧…");
	check_summary("flag emoji kept whole", "中国🇨🇳加油加油加油", 4, "中国🇨🇳…");
	check_summary("combining accent kept with its letter", "abce\xCC\x81" "fgh", 5, "abce\xCC\x81…");
	check_summary("max 1 on long text gives …", news, 1, "…");
	check_summary("max 0 gives nothing", news, 0, "");
	check_summary("empty text", "", 10, "");
	check_summary("only whitespace", " \n\t ", 10, "");
	check_summary("invalid UTF-8 becomes U+FFFD", "ab\xE4\xB8" "cd", 10, "ab\xEF\xBF\xBD" "cd");

	const char *mixed = "社区工作人员为居民送去米面油等生活物资。小区实行封闭管理，"
			    "居民出入须测温、扫码、登记！Are you OK? 大家都说：“有他们在，我们放心。”";
	size_t worst = 0;
	int valid = 1;
	for (size_t max = 1; max <= 80; max++) {
		struct buf out = BUF_INIT;
		text_summary(mixed, strlen(mixed), max, &out);
		size_t n = count_cp(out.data);
		if (n > max && n - max > worst)
			worst = n - max;
		valid &= text_utf8_valid(out.data, out.len, NULL);
		buf_free(&out);
	}
	check_int("summary: never longer than the limit (max 1..80, chars over)", (long long)worst, 0);
	check_int("summary: always valid UTF-8 (max 1..80)", valid, 1);

	struct buf out = BUF_INIT;
	buf_addstr(&out, "<p>");
	text_summary(news, strlen(news), 15, &out);
	check_str("summary: appends to the buffer", out.data, "<p>今天社区开展了核酸检测。");
	buf_free(&out);
}

/* ---- edit distance ---- */

static void test_distance(void)
{
	check_int("distance: kitten/sitting = 3", (long long)text_distance("kitten", "sitting"), 3);
	check_int("distance: 离石区/离石县 = 1 (code points, not bytes)",
		  (long long)text_distance("离石区", "离石县"), 1);
	check_int("distance: 吕梁/吕梁市 = 1", (long long)text_distance("吕梁", "吕梁市"), 1);
	check_int("distance: titel/title = 2", (long long)text_distance("titel", "title"), 2);
	check_int("distance: empty/abc = 3", (long long)text_distance("", "abc"), 3);
	check_int("distance: 太原/'' = 2", (long long)text_distance("太原", ""), 2);
	check_int("distance: identical = 0", (long long)text_distance("克拉玛依区", "克拉玛依区"), 0);
	check_int("distance: 克拉玛依区/克拉马依 = 2",
		  (long long)text_distance("克拉玛依区", "克拉马依"), 2);
}

/* The folded text as UTF-8, each separator (non-word) code point as '|'. */
static void fold_str(const struct text_folder *f, const char *s, struct buf *out)
{
	uint32_t *cps = NULL;
	size_t cap = 0, n = text_fold(f, s, strlen(s), &cps, &cap);
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (!text_fold_is_word(f, c))
			buf_addch(out, '|');
		else if (c < 0x80)
			buf_addch(out, (char)c);
		else if (c < 0x800)
			buf_addf(out, "%c%c", 0xc0 | c >> 6, 0x80 | (c & 0x3f));
		else if (c < 0x10000)
			buf_addf(out, "%c%c%c", 0xe0 | c >> 12, 0x80 | (c >> 6 & 0x3f), 0x80 | (c & 0x3f));
		else
			buf_addf(out, "%c%c%c%c", 0xf0 | c >> 18, 0x80 | (c >> 12 & 0x3f), 0x80 | (c >> 6 & 0x3f),
				 0x80 | (c & 0x3f));
	}
	free(cps);
}

static void test_fold(void)
{
	struct text_folder *f = text_folder_new(NULL, 0);
	check_int("folder_new succeeds", f != NULL, 1);
	if (!f)
		return;
	struct buf b = BUF_INIT;
	static const struct { const char *in, *out, *what; } cases[] = {
		{ "ＡＢＣ", "abc", "full-width Latin folds to lower-case ASCII (NFKC, case)" },
		{ "Abc 123", "abc|123", "a space is a separator; digits are word characters" },
		{ "１２３", "123", "full-width digits fold to ASCII digits" },
		{ "網格員", "网格员", "traditional characters fold to simplified (ICU Traditional-Simplified)" },
		{ "昌寧社區", "昌宁社区", "寧 and 區 fold to 宁 and 区" },
		{ "网格员", "网格员", "simplified text is unchanged" },
		{ "“连心卡”,", "|连心卡||", "quotes and commas are separators" },
		{ "㈱", "|株|", "NFKC expands ㈱ to (株)" },
		{ "ǅ", "dž", "a title-case digraph folds to lower case" },
		{ "\xF0\x9D\x90\x80", "a", "U+1D400 MATHEMATICAL BOLD A folds to a (outside the BMP)" },
		{ "\xff", "|", "invalid UTF-8 reads as U+FFFD, a separator" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		fold_str(f, cases[i].in, &b);
		check_str(cases[i].what, b.data, cases[i].out);
	}
	buf_reset(&b);
	text_fold_ts_pairs(f, &b);
	check_int("the browser's table has the pair 網→网", strstr(b.data, "網网") != NULL, 1);
	check_int("the browser's table has no simplified character as a source", strstr(b.data, "网网") == NULL, 1);
	buf_free(&b);
	text_folder_free(f);
}

/* markdown_summary parses only the opening of a long body: what it makes
 * must be what the whole body makes. */
static void check_md_summary(const char *what, const char *md, const char *expected)
{
	struct buf out = BUF_INIT;
	markdown_summary(md, strlen(md), 90, &out);
	char label[160];
	snprintf(label, sizeof(label), "markdown summary: %s", what);
	/* "…" at the end of expected: the summary only has to begin so */
	size_t n = strlen(expected);
	int prefix = n >= 3 && strcmp(expected + n - 3, "…") == 0;
	if (prefix && out.len >= n - 3 && memcmp(out.data, expected, n - 3) == 0)
		check_str(label, expected, expected);
	else
		check_str(label, out.len ? out.data : "", expected);
	buf_free(&out);
}

static void test_markdown_summary(void)
{
	check_md_summary("headings left out", "# 标题\n\n今天社区开展了核酸检测。\n", "今天社区开展了核酸检测。");
	check_md_summary("a summary stops at the next heading",
			 "第一段。\n\n## 小标题\n\n第二段。\n", "第一段。");
	check_md_summary("paragraphs do not run together", "人物：刘密\n\n语录：不管做什么事。\n",
			 "人物：刘密 语录：不管做什么事。");
	check_md_summary("the next paragraph's opening quote is not taken along",
			 "网格员朱玉婵步履匆匆，来到金阳小区一户刚从外省返并的居民家门口，随身携带着一张心形的封门贴和一个“爱心包”。\n\n"
			 "“您好，这是社区送给您的爱心包，请您在家安心隔离，有什么需要随时联系我们网格员，"
			 "我们一定尽快帮您解决，生活用品也可以请网格员代买送到家门口。”\n",
			 "网格员朱玉婵步履匆匆，来到金阳小区一户刚从外省返并的居民家门口，随身携带着一张心形的封门贴和一个“爱心包”。");
	check_md_summary("Latin lines joined by a space", "hello\nworld\n", "hello world");
	check_md_summary("an image's alt text is no part of a summary",
			 "![照片：网格员送口罩](img/a.png)\n\n网格员挨家挨户发放口罩![图](img/b.png)。\n\n第二段。\n",
			 "网格员挨家挨户发放口罩。第二段。");
	/* emphasis cmark cannot read next to Chinese punctuation leaves "**" in
	 * its text: the summary drops it; asterisks the writer typed as text
	 * (escaped, a reference, a single one, code) stay */
	check_md_summary("'**' cmark left before a closing quote and a name is dropped",
			 "**“抗击疫情不是哪一个人的功劳，只有团队协作才能取得最后的胜利。”**徐刚说。\n",
			 "“抗击疫情不是哪一个人的功劳，只有团队协作才能取得最后的胜利。”徐刚说。");
	check_md_summary("'**' cmark left after 。 and around “” is dropped",
			 "**面对特别不理解的居民，他们就在门外一直劝说。**这是**“重点”**。\n",
			 "面对特别不理解的居民，他们就在门外一直劝说。这是“重点”。");
	check_md_summary("bold cmark reads is plain text", "**第一句。**\n\n社区**网格员**上门。\n",
			 "第一句。社区网格员上门。");
	/* (a body with typed asterisks keeps every run: which is which is not
	 * in cmark's text) */
	check_md_summary("escaped asterisks stay", "口令是\\*\\*\\*\\*，这是**“重点”**。\n",
			 "口令是****，这是**“重点”**。");
	check_md_summary("asterisks by reference stay", "评分&#42;&#x2A;。\n", "评分**。");
	check_md_summary("a single asterisk and code stay", "面积5*3米，命令`a**b`。\n", "面积5*3米，命令a**b。");
	check_md_summary("'**' cmark left at a paragraph's start before a digit is dropped",
			 "**12月27日一早，社区党委书记来到小区。**记者看到\n", "12月27日一早，社区党委书记来到小区。记者看到");
	check_md_summary("'**' between Latin letters or digits stays", "算式为 5**2 与 a ** b，**重点**。\n",
			 "算式为 5**2 与 a ** b，重点。");
	check_md_summary("an escaped backslash does not escape the stars", "路径C:\\\\**“重点”**。\n",
			 "路径C:\\“重点”。");
	struct buf md = BUF_INIT;
	/* a first paragraph longer than the parsed opening, made a heading by
	 * the line after it: the summary comes from the next paragraph */
	for (int i = 0; i < 600; i++)
		buf_addstr(&md, "标题");
	buf_addstr(&md, "\n---\n\n正文第一句。\n");
	check_md_summary("a long setext heading is still a heading", md.data, "正文第一句。");
	/* a reference link whose definition is far below */
	buf_reset(&md);
	buf_addstr(&md, "[徐刚][1]到社区走访。\n\n");
	for (int i = 0; i < 300; i++)
		buf_addstr(&md, "后文后文后文。\n\n");
	buf_addstr(&md, "[1]: https://example.org/\n");
	check_md_summary("a reference defined past the opening still links", md.data, "徐刚到社区走访。…");
	/* an asterisk typed far below keeps the opening's "**" too, as a
	 * parse of the whole body does */
	buf_reset(&md);
	buf_addstr(&md, "这是**“重点”**。\n\n");
	for (int i = 0; i < 300; i++)
		buf_addstr(&md, "后文后文后文。\n\n");
	buf_addstr(&md, "评分\\*\\*。\n");
	check_md_summary("an asterisk typed past the opening counts", md.data, "这是**“重点”**。…");
	/* an opening with no paragraph text (a code block longer than any
	 * opening parsed first): the summary reads on past it, as from the
	 * whole body (with a fixed 4 KB opening it was empty) */
	buf_reset(&md);
	buf_addstr(&md, "```\n");
	for (int i = 0; i < 500; i++)
		buf_addstr(&md, "code line\n");
	buf_addstr(&md, "```\n\n开头。\n\n");
	for (int i = 0; i < 60; i++)
		buf_addstr(&md, "第二段很长的文字。\n\n");
	check_md_summary("an opening without text is read past", md.data, "开头。第二段很长的文字。…");
	buf_free(&md);
}

int main(void)
{
	check_module = "text";
	struct text_slugger *sl = text_slugger_new();
	struct text_collator *coll = text_collator_new();
	struct text_dates *dt = text_dates_new();
	check_int("slugger_new succeeds", sl != NULL, 1);
	check_int("collator_new succeeds", coll != NULL, 1);
	check_int("dates_new succeeds", dt != NULL, 1);
	if (!sl || !coll || !dt)
		return check_done("test_text");

	test_hex16();
	test_utf8();
	test_nfc();
	test_slugs(sl);
	test_collation(coll);
	test_dates(dt);
	test_summary();
	test_markdown_summary();
	test_distance();
	test_fold();

	text_slugger_free(sl);
	text_collator_free(coll);
	text_dates_free(dt);
	text_cleanup();
	return check_done("test_text");
}
