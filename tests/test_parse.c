/* Unit tests of the parse and index stages: front matter, config, dates,
 * places, slugs and ordering, each checked the way a user meets it. */
#include <stdio.h>
#include <string.h>

#include "article.h"
#include "config.h"
#include "index.h"
#include "text.h"

#include "check.h"

static struct arena A;

static struct article *parse(const char *text, struct diag *d)
{
	return article_parse(&A, d, "x.md", text, strlen(text));
}

static void test_front_matter(void)
{
	struct buf sink = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &sink;
	struct article *a = parse("---\ntitle: 标题\nsubtitle: 副题\ndate: 2022-10-31\ndistrict: 离石区\n"
				  "reporters: [李艳, 王丹]\ntags: 网格员\ntruncated: true\n---\n\n正文第一段。\n", &d);
	check("a complete article parses without errors", a != NULL && d.errors == 0);
	if (!a)
		return;
	check_str("title is read", a->title, "标题");
	check_str("subtitle is read", a->subtitle, "副题");
	check("date 2022-10-31 is read", a->date.y == 2022 && a->date.m == 10 && a->date.d == 31);
	check("a flow list gives every name", a->reporters.len == 2 && strcmp(a->reporters.items[1], "王丹") == 0);
	check("a single value counts as a one-item list",
	      a->tags.len == 1 && strcmp(a->tags.items[0], "网格员") == 0);
	check("truncated: true is read", a->truncated == 1);
	check("the body starts after the closing ---",
	      strncmp(a->body, "\n正文第一段。", strlen("\n正文第一段。")) == 0);

	a = parse("---\ntitle: t\ndate: 2022-10\ncity: 太原市\n---\n", &d);
	check("a month-only date has day 0", a && a->date.d == 0 && a->date.m == 10);
	a = parse("\xEF\xBB\xBF---\ntitle: t\ndate: 2022-10-01\ndistrict: x\n---\nbody", &d);
	check("a UTF-8 byte order mark before the front matter is accepted", a != NULL);
	a = parse("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\n...\nbody", &d);
	check("front matter may end with ... as in YAML", a && strcmp(a->body, "body") == 0);
	check("none of these gave an error", d.errors == 0);
	buf_free(&sink);
}

static void expect_error(const char *text, const char *message, const char *what)
{
	struct buf sink = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &sink;
	d.strict = 1;
	struct article *a = parse(text, &d);
	int ok = (a == NULL || diag_failed(&d)) && strstr(sink.data, message) != NULL;
	if (!check(what, ok)) {
		check_show("expected a message containing:", message, strlen(message));
		check_show("got:", sink.data, sink.len);
	}
	buf_free(&sink);
}

static void test_front_matter_errors(void)
{
	expect_error("title: t\n", "x.md:1:1: error: no front matter", "a file without --- is refused at 1:1");
	expect_error("---\ntitle: t\ndate: 2022-10-01\n", "front matter is not closed", "an unclosed front matter is refused");
	expect_error("---\ntitle: t\ndate: 2022-02-30\ndistrict: x\n---\n",
		     "x.md:3:7: error: date '2022-02-30' has no such day in that month", "Feb 30 is refused at its column");
	expect_error("---\ntitle: t\ndate: 22-1-5\ndistrict: x\n---\n",
		     "must be YYYY-MM-DD, or YYYY-MM", "a malformed date names the format");
	expect_error("---\ntitle: t\ntitle: u\ndate: 2022-10-01\ndistrict: x\n---\n",
		     "x.md:3:1: error: duplicate key 'title' (first given on line 2)", "a duplicate key is refused");
	expect_error("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\ntag: [a]\n---\n",
		     "x.md:5:1: error: unknown key 'tag' (did you mean 'tags'?)",
		     "an unknown key names the closest known key (an error under --strict)");
	expect_error("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\nslug: Bad_Slug\n---\n",
		     "slug 'Bad_Slug' may only use a-z, 0-9 and inner '-'", "a slug override must be clean");
	expect_error("---\ntitle: [a, b]\ndate: 2022-10-01\ndistrict: x\n---\n",
		     "'title' must be a single value", "a list where one value belongs is refused");
	expect_error("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\ntruncated: maybe\n---\n",
		     "'truncated' must be true or false", "a boolean must be true or false");
	expect_error("---\ntitle: t\ndate: 2022-10-01\n---\n",
		     "missing required key 'district'", "a report needs a district or a city");
	expect_error("---\ntitle: \"t\n---\n", "x.md:2:8: error: YAML: found unexpected end of stream while scanning a quoted scalar that starts here",
		     "an unclosed quote is reported where it opens");
	/* libyaml notices these a line later, or at the end: named where they are (more in tests/errors/) */
	expect_error("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\ncaptions:\n  - image: a.jpg\n    text:说明\n  - b\n---\n",
		     "x.md:7:9: error: no space after ':' in 'text:说明': write 'text: 说明'\n",
		     "a missing space in a mapping inside a list is named at its colon");
	expect_error("---\ntitle: t\ndate: 2022-10-01\ndistrict: x\ncaptions:\n  - image:a.jpg\n    text: 说明\n---\n",
		     "x.md:6:10: error: no space after ':' in 'image:a.jpg': write 'image: a.jpg'\n",
		     "a missing space on a list item's first key is named at its colon");
	expect_error("---\r\ntitle: t\r\ndistrict:x\r\ndate: 2022-10-01\r\n---\r\n",
		     "x.md:3:9: error: no space after ':' in 'district:x': write 'district: x'\n",
		     "a missing space is named in a file with CRLF line ends");
	expect_error("---\ntitle: t\ncaptions: [{image: a.jpg, text: 说明\ndate: 2022-10-01\ndistrict: x\n---\n",
		     "x.md:3:11: error: '[' is not closed: end it with '}]'\n",
		     "brackets left open inside each other are named at the outer one, with what closes them");
	expect_error("---\ntitle: t\ntags: [a, b  # 注释\ndate: 2022-10-01\ndistrict: x\n---\n",
		     "x.md:3:7: error: '[' is not closed: end the list with ']'\n",
		     "an unclosed '[' before a comment is named");
	expect_error("---\ntitle: t\ntags: [a,\n  b\ndate: 2022-10-01\ndistrict: x\n---\n",
		     "x.md:5:5: error: YAML: did not find expected ',' or ']' while parsing a flow sequence "
		     "(which starts at line 3, column 7)\n",
		     "a list that goes on to a second line keeps libyaml's message (where it ends is a guess)");
	expect_error("---\ntitle: t\nsource: http://example.org\nhttp://example.org\ndate: 2022-10-01\n---\n",
		     "x.md:5:1: error: YAML: could not find expected ':' while scanning a simple key "
		     "(which starts at line 4, column 1)\n",
		     "a URL alone on a line is not taken for a key 'http'");
	expect_error("---\ntitle:标题\ndate:2022-10-01\n---\n",
		     "x.md:2:6: error: no space after ':' in 'title:标题': write 'title: 标题'\n",
		     "front matter whose every key lacks its space (one string to YAML) is named at the first");
	expect_error("---\ntitle: ok\ndate: 2022-10-01\ndistrict: x\n---\n\xff\n",
		     "x.md:6:1: error: invalid UTF-8 (byte 0xff)", "invalid UTF-8 is refused at its line");
}

static void test_config(void)
{
	const char *src = "title: 档案\nbase_url: https://example.org/a/\nregions:\n  山西省:\n    吕梁市: [离石区, 石楼县]\n"
			  "    太原市:\n  新疆维吾尔自治区:\n    克拉玛依市: [克拉玛依区]\nslugs:\n  山西省: shanxi\n";
	struct config cfg;
	struct diag d = DIAG_INIT;
	struct buf sink = BUF_INIT;
	d.sink = &sink;
	int r = config_parse(&A, &d, "config.yml", src, strlen(src), &cfg);
	check("a complete config parses cleanly", r == 0 && d.errors == 0 && d.warnings == 0);
	check("provinces and cities are read in order", cfg.nprovinces == 2 && cfg.provinces[0].ncities == 2);
	check("districts are read, and a city may have none",
	      cfg.provinces[0].cities[0].ndistricts == 2 && cfg.provinces[0].cities[1].ndistricts == 0);
	check_str("output_dir defaults to public", cfg.output_dir, "public");
	check_str("language defaults to zh-CN", cfg.language, "zh-CN");
	check_str("a slug override is found by name", config_slug_override(&cfg, "山西省"), "shanxi");

	buf_reset(&sink);
	const char *bad = "title: t\nregion:\n  a: b\n";
	config_parse(&A, &d, "config.yml", bad, strlen(bad), &cfg);
	check("an unknown config key is a warning naming the closest key",
	      strstr(sink.data, "config.yml:2:1: warning: unknown key 'region' (did you mean 'regions'?)") != NULL);
	buf_free(&sink);
}

static struct article *art(const char *path, const char *title, const char *date, const char *district,
			   const char *city, const char *community)
{
	struct article *a = arena_alloc(&A, sizeof(*a));
	const char *why;
	a->path = path;
	a->src = "";
	a->title = title;
	article_parse_date(date, &a->date, &why);
	a->district = district;
	a->city = city;
	a->community = community;
	a->body = "";
	return a;
}

static void test_index(void)
{
	const char *src = "title: t\nregions:\n  山西省:\n    吕梁市: [离石区, 石楼县]\n    太原市: [小店区]\n";
	struct config cfg;
	struct diag d = DIAG_INIT;
	struct buf sink = BUF_INIT;
	d.sink = &sink;
	config_parse(&A, &d, "config.yml", src, strlen(src), &cfg);
	struct article *arts[] = {
		art("content/2022/b/社区防疫.md", "社区防疫", "2022-10-31", "离石区", NULL, "昌宁社区"),
		art("content/2022/a/社区防疫.md", "社区防疫", "2022-10-01", "离石区", NULL, NULL),
		art("content/2021/Taiyuan_Report.md", "太原报道", "2021-12", NULL, "太原市", NULL),
		art("content/2022/shilou.md", "石楼", "2022-10-31", "石楼县", NULL, NULL),
	};
	struct index_ctx x = { .a = &A, .d = &d, .cfg = &cfg, .slugger = text_slugger_new(), .collator = text_collator_new() };
	struct site site;
	int r = index_build(&x, arts, 4, 0, 2, &site);
	check("the index builds", r == 0 && d.errors == 0);
	check_str("a Chinese file name becomes an ICU pinyin slug; of two alike, the older keeps it",
		  arts[1]->url, "reports/she-qu-fang-yi/index.html");
	check_str("the newer one gets a -2 suffix", arts[0]->url, "reports/she-qu-fang-yi-2/index.html");
	check_str("an ASCII file name is lower-cased and tidied", arts[2]->url, "reports/taiyuan-report/index.html");
	check_str("a clean file name is the slug as it is", arts[3]->url, "reports/shilou/index.html");
	check_str("a community's page sits below its district's", arts[0]->place->url,
		  "places/shan-xi-sheng/lv-liang-shi/li-shi-qu/chang-ning-she-qu/index.html");
	check("an article naming only a city is filed at city level", arts[2]->place->level == PLACE_CITY);
	const struct place *shanxi = site.provinces.items[0];
	const struct place *lvliang = shanxi->children.items[0];
	check("counts roll up from districts to cities to provinces",
	      shanxi->articles.len == 4 && lvliang->articles.len == 3);
	check_str("cities are in pinyin order (吕梁 < 太原)",
		  ((const struct place *)shanxi->children.items[1])->name, "太原市");
	check("places without articles get no page (小店区 is left out)", lvliang->children.len == 2);
	check("articles are newest first; equal dates go by path",
	      site.articles.items[0] == arts[3] && site.articles.items[1] == arts[0]);
	check("previous/next within a district", arts[0]->local_prev == arts[1] && arts[1]->local_next == arts[0]);
	check("previous/next in the whole archive by date", arts[1]->prev == arts[2] && arts[1]->next == arts[0]);
	check("months and days with articles are listed", site.months.len == 2 && site.days.len == 2);
	text_slugger_free(x.slugger);
	text_collator_free(x.collator);

	struct article *bad[] = { art("e.md", "t", "2022-10-01", "离石县", NULL, NULL) };
	bad[0]->src = "---\ndistrict: 离石县\n";
	bad[0]->src_len = strlen(bad[0]->src);
	bad[0]->district_line = 2;
	bad[0]->district_col = 11;
	struct index_ctx y = { .a = &A, .d = &d, .cfg = &cfg, .slugger = text_slugger_new(), .collator = text_collator_new() };
	buf_reset(&sink);
	index_build(&y, bad, 1, 0, 2, &site);
	if (!check("an unknown district names the nearest known ones",
		   strstr(sink.data, "e.md:2:11: error: unknown district '离石县': not in config.yml's regions "
				     "(nearest: 离石区, 石楼县, 小店区)") != NULL))
		check_show("got:", sink.data, sink.len);
	text_slugger_free(y.slugger);
	text_collator_free(y.collator);
	buf_free(&sink);
}

int main(void)
{
	check_module = "parse";
	test_front_matter();
	test_front_matter_errors();
	test_config();
	test_index();
	arena_free(&A);
	return check_done("test_parse");
}
