/* fuzz_markdown: an article body through everything that reads it:
 * markdown_to_html (the report page) in safe and unsafe mode, with images
 * (markdown_images, markdown_to_html_images: one <img> with its attributes
 * for each image listed),
 * markdown_summary (listings), markdown_text (search) and text_summary
 * straight on the input; bodies nested deeper than the build accepts
 * (markdown_check_nesting) are left out, as the build leaves them out.
 * The first byte picks the summary length (0…255 characters; the site
 * uses 90).
 *
 * Checks: safe mode lets no raw HTML through (no "<script", no
 * "javascript:" link); every summary is valid UTF-8, has no newline, no
 * space at either end and no two spaces in a row; a summary of at most 0
 * characters is empty; markdown_text's output is valid UTF-8 when the
 * input is. */
#include "fuzz.h"

#include <strings.h>

#include "buf.h"
#include "markdown.h"
#include "text.h"

static int contains_nocase(const struct buf *b, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= b->len; i++)
		if (strncasecmp(b->data + i, needle, n) == 0)
			return 1;
	return 0;
}

static void check_summary(const struct buf *s, size_t max_chars)
{
	FUZZ_CHECK(text_utf8_valid(s->data, s->len, NULL));
	if (max_chars == 0) {
		FUZZ_CHECK(s->len == 0);
		return;
	}
	FUZZ_CHECK(memchr(s->data, '\n', s->len) == NULL);
	if (s->len) {
		FUZZ_CHECK(s->data[0] != ' ' && s->data[s->len - 1] != ' ');
		FUZZ_CHECK(strstr(s->data, "  ") == NULL);
	}
}

#define ATTRS " width=\"1\" height=\"2\" loading=\"lazy\" decoding=\"async\">"

static void count_image(void *ctx, const char *url, size_t line, size_t col)
{
	FUZZ_CHECK(url && line >= 1 && col >= 1);
	++*(size_t *)ctx;
}

static void size_one(void *ctx, const char *url, unsigned *w, unsigned *h)
{
	(void)ctx;
	(void)url;
	*w = 1;
	*h = 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max_chars = size ? data[0] : 90;
	char *md = fuzz_bytes(data, size);
	size_t bad;
	if (markdown_check_nesting(md, size, &bad) != 0) {
		/* the build refuses such a body before cmark sees it (article.c) */
		free(md);
		return 0;
	}
	int valid = text_utf8_valid(md, size, NULL);
	struct buf html = BUF_INIT, summary = BUF_INIT, text = BUF_INIT;

	markdown_to_html(md, size, 0, &html);
	FUZZ_CHECK(!contains_nocase(&html, "<script"));
	FUZZ_CHECK(!contains_nocase(&html, "href=\"javascript:"));
	markdown_summary(md, size, max_chars, &summary);
	check_summary(&summary, max_chars);

	/* every image shown gets its attributes: as many as markdown_images
	 * lists (in safe mode no raw HTML can add one) */
	size_t images = 0, tagged = 0;
	markdown_images(md, size, count_image, &images);
	buf_reset(&html);
	markdown_to_html_images(md, size, 0, size_one, NULL, &html);
	for (const char *p = html.data; (p = strstr(p, ATTRS)) != NULL; p++)
		tagged++;
	FUZZ_CHECK(tagged == images);
	FUZZ_CHECK(!contains_nocase(&html, "<script"));

	buf_reset(&html);
	markdown_to_html(md, size, 1, &html);

	markdown_text(md, size, &text);
	if (valid)
		FUZZ_CHECK(text_utf8_valid(text.data, text.len, NULL));

	buf_reset(&summary);
	text_summary(md, size, max_chars, &summary);
	check_summary(&summary, max_chars);

	buf_free(&text);
	buf_free(&summary);
	buf_free(&html);
	free(md);
	return 0;
}
