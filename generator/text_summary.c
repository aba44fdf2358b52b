/* text_summary: summaries for listings (see text.h), on ICU grapheme and
 * sentence boundaries; split from text.c to keep each file to one job. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "text.h"
#include "text_internal.h"
#include "xalloc.h"

/* ---- summaries ---- */

#define PARA_SEP 0x2029

/* Decodes s to UTF-16 with every whitespace run (White_Space: newlines,
 * U+3000, NBSP…) as one space, or as one PARA_SEP when it holds one, and
 * none at either end. */
static void collapse_space(struct ustr *u, const char *s, size_t len)
{
	len = clamp_len(s, len, TEXT_MAX_LEN);
	ustr_reserve(u, len + 1);
	u->len = 0;
	UChar pending = 0;
	for (size_t i = 0, adv; i < len; i += adv) {
		UChar32 c = next_cp(s, len, i, &adv);
		if (c < 0)
			c = 0xFFFD;
		if (u_isUWhiteSpace(c)) {
			if (u->len > 0 && pending != PARA_SEP)
				pending = c == PARA_SEP ? PARA_SEP : ' ';
			continue;
		}
		if (pending)
			u->p[u->len++] = pending;
		pending = 0;
		U16_APPEND_UNSAFE(u->p, u->len, c);
	}
}

/* The code point before u[i] (i > 0). */
static UChar32 cp_before(const struct ustr *u, int32_t i)
{
	UChar32 c;
	U16_PREV(u->p, 0, i, c);
	return c;
}

/* Does u[0, i) end with full-width punctuation (。！？；：」）…)? Then the
 * paragraph after it reads apart without a space ("必须用心守护居民。 2月22日"
 * put one where Chinese text has none). */
static int ends_wide_punctuation(const struct ustr *u, int32_t i)
{
	if (i == 0)
		return 0;
	UChar32 c = cp_before(u, i);
	int width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
	int8_t t = u_charType(c);
	return (width == U_EA_WIDE || width == U_EA_FULLWIDTH) &&
	       (t == U_OTHER_PUNCTUATION || t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION);
}

/* Appends u[0, end) without trailing spaces, paragraph separators or
 * opening punctuation; each paragraph separator inside becomes a space, so
 * that two paragraphs never read as one (人物:…刘密 语录:…), but after
 * full-width punctuation, which separates them already. */
static void add_trimmed(struct buf *out, const struct ustr *u, int32_t end)
{
	for (;;) {
		while (end > 0 && (u->p[end - 1] == ' ' || u->p[end - 1] == PARA_SEP))
			end--;
		if (end == 0)
			break;
		UChar32 c = cp_before(u, end);
		int8_t t = u_charType(c);
		if (t != U_START_PUNCTUATION && t != U_INITIAL_PUNCTUATION)
			break;
		end -= U16_LENGTH(c);
	}
	int32_t from = 0;
	for (int32_t i = 0; i < end; i++) {
		if (u->p[i] != PARA_SEP)
			continue;
		text_buf_add_u16(out, u->p + from, i - from);
		if (!ends_wide_punctuation(u, i))
			buf_addch(out, ' ');
		from = i + 1;
	}
	text_buf_add_u16(out, u->p + from, end - from);
}

/* Opening an ICU break iterator costs more than using it on a summary, so
 * each thread keeps one of each kind, closed when the thread ends. */
struct breakers {
	UBreakIterator *chars, *sentences;
};

static pthread_key_t breakers_key;
static pthread_once_t breakers_once = PTHREAD_ONCE_INIT;

static void close_breakers(void *p)
{
	struct breakers *b = p;
	if (b->chars)
		ubrk_close(b->chars);
	if (b->sentences)
		ubrk_close(b->sentences);
	free(b);
}

static void make_breakers_key(void)
{
	pthread_key_create(&breakers_key, close_breakers);
}

/* This thread's iterator of the kind, set to u; NULL if ICU fails. */
static UBreakIterator *breaker(UBreakIteratorType type, const struct ustr *u)
{
	pthread_once(&breakers_once, make_breakers_key);
	struct breakers *b = pthread_getspecific(breakers_key);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		pthread_setspecific(breakers_key, b);
	}
	UBreakIterator **slot = type == UBRK_CHARACTER ? &b->chars : &b->sentences;
	UErrorCode e = U_ZERO_ERROR;
	if (!*slot) {
		*slot = ubrk_open(type, "zh", u->p, u->len, &e);
		if (U_FAILURE(e))
			*slot = NULL;
		return *slot;
	}
	ubrk_setText(*slot, u->p, u->len, &e);
	return U_SUCCESS(e) ? *slot : NULL;
}

/* The last sentence boundary at or before `limit`, or 0. */
static int32_t sentence_end(const struct ustr *u, int32_t limit)
{
	UBreakIterator *sb = breaker(UBRK_SENTENCE, u);
	if (!sb)
		return 0;
	/* Forward from the start: a summary's few sentences are cheaper to walk
	 * than ICU's backward rules are to run. */
	int32_t last = 0;
	for (int32_t b = ubrk_first(sb); b != UBRK_DONE && b <= limit; b = ubrk_next(sb))
		last = b;
	return last;
}

/* Is every character of u a grapheme cluster of its own? So it is when
 * none joins its neighbours (Grapheme_Cluster_Break is Other or Control;
 * CR, which joins a LF, is gone with the rest of the white space): the
 * Chinese text of nearly every summary, where asking ICU's iterator for
 * each boundary costs several times this look at each character. */
static int one_cluster_each(const struct ustr *u)
{
	for (int32_t i = 0; i < u->len;) {
		UChar32 c;
		U16_NEXT(u->p, i, u->len, c);
		if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x20 && c < 0x7F))
			continue;	/* CJK ideographs and printable ASCII: Other */
		int32_t gcb = u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
		if (gcb != U_GCB_OTHER && gcb != U_GCB_CONTROL)
			return 0;
	}
	return 1;
}

/* Where the graphemes of u end: by ICU's iterator g or, when every
 * character is a cluster of its own (g NULL), by code points. */
static int32_t next_boundary(UBreakIterator *g, const struct ustr *u, int32_t at)
{
	if (g)
		return ubrk_next(g);
	if (at >= u->len)
		return UBRK_DONE;
	U16_FWD_1(u->p, at, u->len);
	return at;
}

void text_summary(const char *s, size_t len, size_t max_chars, struct buf *out)
{
	struct ustr u = { 0 };
	UBreakIterator *g = NULL;
	collapse_space(&u, s, len);
	if (!u.len || !max_chars)
		goto out;
	if (!one_cluster_each(&u) && !(g = breaker(UBRK_CHARACTER, &u)))
		goto out;
	/* end: after max_chars graphemes; prev: after one fewer. */
	int32_t end = 0, prev = 0;
	size_t n = 0;
	for (int32_t b; n < max_chars && (b = next_boundary(g, &u, end)) != UBRK_DONE; n++) {
		prev = end;
		end = b;
	}
	if (end == u.len) {
		add_trimmed(out, &u, u.len);
		goto out;
	}
	int32_t sent = sentence_end(&u, end);
	if (sent > 0) {
		size_t kept = 0;
		if (g)
			ubrk_first(g);
		for (int32_t b, at = 0; (b = next_boundary(g, &u, at)) != UBRK_DONE && b <= sent; at = b)
			kept++;
		if (kept * 2 >= max_chars) {
			add_trimmed(out, &u, sent);
			goto out;
		}
	}
	add_trimmed(out, &u, prev);
	buf_addstr(out, "…");
out:
	free(u.p);
}

