/* corpus: writes a deterministic synthetic archive for benchmarks and tests.
 *
 * usage: corpus N OUTDIR [SENTENCE-SOURCE-DIR [BODY-CHARS]]
 * Writes OUTDIR/config.yml and OUTDIR/content/<year>/<nnnnnn>.md: N articles
 * in the archive's front-matter schema, bodies of about BODY-CHARS Chinese
 * characters (default 2,500, ~8.5 KB: a real report's length; tests whose
 * point is not the text's size ask for less) made of real sentences taken
 * from the Markdown files below SENTENCE-SOURCE-DIR (default: content),
 * with headings, quotes, lists and bold. Places follow a skewed distribution (a few districts hold most
 * reports), as a real city paper's archive does. The same N always gives the
 * same bytes: the only randomness is a fixed-seed generator. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "load.h"

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned long long rng(void)
{
	/* xorshift64*: fast, and the same sequence on every machine */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static size_t pick(size_t n)
{
	return (size_t)(rng() % n);
}

/* Index in [0, n) with weight 1/(i+1): the first few take most. */
static size_t pick_skewed(size_t n)
{
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += 1.0 / (double)(i + 1);
	double r = (double)(rng() % 1000000) / 1000000.0 * total;
	for (size_t i = 0; i < n; i++) {
		r -= 1.0 / (double)(i + 1);
		if (r <= 0)
			return i;
	}
	return n - 1;
}

static char **sentences;
static size_t nsentences, cap_sentences;

static void add_sentence(const char *s, size_t len)
{
	if (len < 12)
		return;
	if (nsentences == cap_sentences) {
		cap_sentences = cap_sentences ? cap_sentences * 2 : 256;
		sentences = realloc(sentences, cap_sentences * sizeof(*sentences));
	}
	char *p = malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	sentences[nsentences++] = p;
}

/* Splits a body into sentences ending in 。！？ (the full-width marks). */
static void harvest(const char *text, size_t len)
{
	const char *body = text;
	if (strncmp(text, "---", 3) == 0) {
		const char *end = strstr(text + 3, "\n---");
		if (!end)
			return;
		body = end + 4;
	}
	const char *start = body, *end = text + len;
	for (const char *p = body; p < end; p++) {
		if (*p == '\n' || *p == '#' || *p == '>' || *p == '\\') {
			start = p + 1;
			continue;
		}
		if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x82) {
			add_sentence(start, (size_t)(p + 3 - start));
			start = p + 3;
		}
	}
}

static void walk(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.') {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	closedir(dp);
	/* sorted, so the harvest is the same on every file system */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(path);
		else if (strstr(names[i], ".md") && load_file(path, &b) == 0)
			harvest(b.data, b.len);
		free(names[i]);
	}
	free(names);
	buf_free(&b);
}

static const char *const provinces[] = { "山西省", "新疆维吾尔自治区" };
static const struct { const char *name; int province; const char *districts[6]; } cities[] = {
	{ "太原市", 0, { "小店区", "迎泽区", "杏花岭区", "尖草坪区", "万柏林区", "晋源区" } },
	{ "吕梁市", 0, { "离石区", "石楼县", "交城县", "文水县", "汾阳市", "孝义市" } },
	{ "大同市", 0, { "平城区", "云冈区", "新荣区", "阳高县", "天镇县", "广灵县" } },
	{ "晋中市", 0, { "榆次区", "太谷区", "祁县", "平遥县", "介休市", "灵石县" } },
	{ "克拉玛依市", 1, { "克拉玛依区", "白碱滩区", "独山子区", "乌尔禾区", NULL, NULL } },
	{ "乌鲁木齐市", 1, { "天山区", "沙依巴克区", "新市区", "水磨沟区", "头屯河区", "米东区" } },
};
#define NCITIES (sizeof(cities) / sizeof(*cities))
#define COMMUNITIES_PER_DISTRICT 30

static const char *const community_words[] = { "和平", "新华", "东风", "建设", "光明", "友谊", "胜利", "幸福", "长青",
					       "育才", "康宁", "南泉", "金华", "五亭", "昌宁", "丽景", "益智", "城东",
					       "红旗", "兰亭", "青年", "朝阳", "文化", "迎春" };
static const char *const surnames[] = { "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
				       "马", "朱", "胡", "郭", "何", "高", "林", "罗" };
static const char *const given[] = { "艳", "丹", "勇", "娟", "刚", "丽", "阳", "伟", "芳", "军", "敏", "静",
				    "磊", "洋", "婷", "强", "慧", "杰", "涛", "明" };
static const char *const tags[] = { "核酸检测", "网格员", "居家隔离", "集中隔离", "静默管理", "志愿者", "物资保障",
				   "党员先锋", "防疫宣传", "入户排查", "疫情防控", "春节", "卡口值守", "老人关爱",
				   "孕妇", "心理疏导", "访惠聚", "便民服务", "复工复产", "疫苗接种" };

static void write_config(const char *out)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.yml", out);
	FILE *f = fopen(path, "w");
	fprintf(f, "title: 基准测试档案\ndescription: 合成的基准语料\nbase_url: https://example.org/\n"
		   "language: zh-CN\nregions:\n");
	for (int p = 0; p < 2; p++) {
		fprintf(f, "  %s:\n", provinces[p]);
		for (size_t c = 0; c < NCITIES; c++) {
			if (cities[c].province != p)
				continue;
			fprintf(f, "    %s: [", cities[c].name);
			for (int d = 0; d < 6 && cities[c].districts[d]; d++)
				fprintf(f, "%s%s", d ? ", " : "", cities[c].districts[d]);
			fprintf(f, "]\n");
		}
	}
	fclose(f);
}

/* A paper has a staff of reporters and a wider ring of correspondents, a
 * few of whom write most: fixed pools, picked with a skew. */
#define REPORTERS 150
#define CORRESPONDENTS 400

static void person_name(struct buf *b, size_t k)
{
	buf_addstr(b, surnames[k % 20]);
	buf_addstr(b, given[(k / 20) % 20]);
	if (k >= 400 || k % 3 == 0)
		buf_addstr(b, given[(k / 7) % 20]);
}

static void person(struct buf *b, size_t pool)
{
	person_name(b, pick_skewed(pool) * 7 % pool + (pool == CORRESPONDENTS ? REPORTERS : 0));
}

/* `chars` Chinese characters taken from s, punctuation and ASCII left out. */
static void han_phrase(struct buf *b, const char *s, size_t chars)
{
	size_t len = strlen(s);
	for (size_t i = 0; i + 3 <= len && chars;) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (w == 3 && c != 0xE2 && !(c == 0xE3 && (unsigned char)s[i + 1] == 0x80) && c != 0xEF) {
			buf_add(b, s + i, 3);
			chars--;
		}
		i += w;
	}
}

/* A title of two short phrases cut from sentences. */
static void title(struct buf *b, size_t n)
{
	for (int part = 0; part < 2; part++) {
		han_phrase(b, sentences[pick(nsentences)], 4 + pick(5));
		buf_addstr(b, part ? "" : " ");
	}
	buf_addf(b, "(%zu)", n % 97);
}

static size_t body_chars = 2500;

static void body(struct buf *b)
{
	size_t chars = 0;
	int para = 0;
	while (chars < body_chars) {
		para++;
		if (para % 5 == 0) {
			buf_addstr(b, "## ");
			han_phrase(b, sentences[pick(nsentences)], 4 + pick(6));
			buf_addstr(b, "\n\n");
		}
		int kind = (int)pick(10);
		int nsent = 2 + (int)pick(4);
		for (int i = 0; i < nsent; i++) {
			const char *s = sentences[pick(nsentences)];
			if (kind == 0)
				buf_addstr(b, i ? "\n> " : "> ");
			else if (kind == 1)
				buf_addstr(b, i ? "\n- " : "- ");
			if (kind == 2 && i == 0) {
				/* a bold lead sentence, a paragraph of its own: its closing "**"
				 * follows Chinese punctuation (。”), and CommonMark closes such a
				 * run only before a space, punctuation or the line's end (before
				 * the next sentence cmark showed "**" as text) */
				buf_addstr(b, "**");
				buf_addstr(b, s);
				buf_addstr(b, nsent > 1 ? "**\n\n" : "**");
			} else {
				buf_addstr(b, s);
			}
			chars += strlen(s) / 3;
		}
		buf_addstr(b, "\n\n");
	}
}

static void write_article(const char *out, size_t n)
{
	int y = 2020 + (int)pick(3), m = 1 + (int)pick(12), d = 1 + (int)pick(28);
	int month_only = pick(20) == 0;
	size_t c = pick_skewed(NCITIES);
	size_t nd = 0;
	while (nd < 6 && cities[c].districts[nd])
		nd++;
	struct buf b = BUF_INIT;
	buf_addstr(&b, "---\ntitle: '");
	title(&b, n);
	buf_addstr(&b, "'\n");
	if (month_only)
		buf_addf(&b, "date: %04d-%02d\n", y, m);
	else
		buf_addf(&b, "date: %04d-%02d-%02d\n", y, m, d);
	if (pick(10) == 0) {
		buf_addf(&b, "city: %s\n", cities[c].name);
	} else {
		size_t dist = pick_skewed(nd);
		buf_addf(&b, "district: %s\n", cities[c].districts[dist]);
		/* A district has a few dozen communities (社区), some in the news
		 * far more often than others: 30 names per district, skewed. */
		if (pick(3)) {
			size_t k = pick_skewed(COMMUNITIES_PER_DISTRICT) + c * 7 + dist * 3;
			buf_addf(&b, "community: %s%s社区\n", community_words[k % 24], community_words[(k / 24 + k * 5) % 24]);
		}
	}
	buf_addstr(&b, "reporters: [");
	person(&b, REPORTERS);
	buf_addstr(&b, "]\n");
	if (pick(2)) {
		buf_addstr(&b, "correspondents: [");
		person(&b, CORRESPONDENTS);
		buf_addstr(&b, "]\n");
	}
	buf_addf(&b, "tags: [%s, %s]\n---\n\n", tags[pick_skewed(20)], tags[pick(20)]);
	body(&b);
	char path[4096];
	snprintf(path, sizeof(path), "%s/content/%04d", out, y);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/content/%04d/%06zu.md", out, y, n);
	FILE *f = fopen(path, "w");
	fwrite(b.data, 1, b.len, f);
	fclose(f);
	buf_free(&b);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: corpus N OUTDIR [SENTENCE-SOURCE-DIR [BODY-CHARS]]\n");
		return 2;
	}
	size_t n = strtoul(argv[1], NULL, 10);
	const char *out = argv[2];
	walk(argc > 3 ? argv[3] : "content");
	if (argc > 4) {
		char *end;
		errno = 0;
		body_chars = strtoul(argv[4], &end, 10);
		if (errno || end == argv[4] || *end || argv[4][0] == '-' || body_chars < 1 || body_chars > 1000000) {
			fprintf(stderr, "corpus: BODY-CHARS is a number of characters from 1 to 1000000, not '%s'\n", argv[4]);
			return 2;
		}
	}
	if (nsentences < 20) {
		fprintf(stderr, "corpus: found only %zu sentences to build from\n", nsentences);
		return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/content", out);
	if (mkdir(out, 0777) < 0 && errno != EEXIST) {
		perror(out);
		return 1;
	}
	mkdir(path, 0777);
	write_config(out);
	for (size_t i = 0; i < n; i++)
		write_article(out, i);
	return 0;
}
