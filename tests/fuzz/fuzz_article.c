/* fuzz_article: one content file (front matter + body) through the parse
 * stage as article_set.c runs it: NFC first, then article_parse_valid on the
 * normalised text, or article_parse on text that is not valid UTF-8 (which
 * reports it). The raw text is parsed too when NFC changed it. Messages are
 * collected in a sink (diag prints nothing), in strict mode half the time.
 *
 * Checks: a parsed article points into its source, every string it holds is
 * readable, a date is in range, and a failed parse reported an error. */
#include "fuzz.h"

#include "arena.h"
#include "article.h"
#include "buf.h"
#include "diag.h"
#include "text.h"

static void touch(const char *s)
{
	if (s)
		FUZZ_CHECK(strlen(s) < (size_t)1 << 40);
}

static void touch_list(const struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		FUZZ_CHECK(l->items[i] != NULL);
		touch(l->items[i]);
	}
}

static void check_article(const struct article *art, const char *src, size_t len)
{
	FUZZ_CHECK(art->src == src && art->src_len == len);
	FUZZ_CHECK(art->body >= src && art->body + art->body_len <= src + len);
	FUZZ_CHECK(art->title != NULL && art->date.y != 0);
	FUZZ_CHECK(art->date.y >= TEXT_YEAR_MIN && art->date.y <= TEXT_YEAR_MAX);
	FUZZ_CHECK(art->date.m >= 1 && art->date.m <= 12);
	FUZZ_CHECK(art->date.d == 0 || text_date_valid(art->date.y, art->date.m, art->date.d));
	FUZZ_CHECK(art->kind == ARTICLE_REPORT || art->kind == ARTICLE_PAGE || art->kind == ARTICLE_OTHER);
	const char *fields[] = { art->title, art->subtitle, art->district, art->city, art->street,
				 art->community, art->page, art->slug, art->source };
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		touch(fields[i]);
	touch_list(&art->reporters);
	touch_list(&art->correspondents);
	touch_list(&art->tags);
	touch_list(&art->captions);
	touch_list(&art->corrections);
}

static void parse(const char *src, size_t len, int valid, int strict)
{
	struct arena a = ARENA_INIT;
	struct buf sink = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &sink;
	d.strict = strict;
	struct article *art = valid ? article_parse_valid(&a, &d, "content/x.md", src, len)
				    : article_parse(&a, &d, "content/x.md", src, len);
	if (art)
		check_article(art, src, len);
	else
		FUZZ_CHECK(d.errors > 0 && sink.len > 0);
	(void)diag_failed(&d);
	buf_free(&sink);
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = fuzz_text(data, size);
	int strict = size && (data[size - 1] & 1);
	struct buf nfc = BUF_INIT;
	if (text_nfc(src, size, &nfc) == 0) {
		FUZZ_CHECK(text_utf8_valid(nfc.data, nfc.len, NULL));
		/* article_set.c parses the normalised text without checking it again */
		char *norm = fuzz_text((const uint8_t *)nfc.data, nfc.len);
		parse(norm, nfc.len, 1, strict);
		free(norm);
		if (!buf_equals(&nfc, src, size))
			parse(src, size, 0, strict);
	} else {
		FUZZ_CHECK(!text_utf8_valid(src, size, NULL));
		parse(src, size, 0, strict);
	}
	buf_free(&nfc);
	free(src);
	return 0;
}
