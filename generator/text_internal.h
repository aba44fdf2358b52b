/* text_internal: what text.c and text_date.c share; not for other modules. */
#ifndef TEXT_INTERNAL_H
#define TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/utf8.h>
#include <unicode/utypes.h>

#include "buf.h"
#include "xalloc.h"

/* ICU counts in int32_t; longer inputs are cut (at a character) to this. */
#define TEXT_MAX_LEN ((size_t)1 << 28)

/* A growable UTF-16 scratch string. */
struct ustr {
	UChar *p;
	int32_t len, cap;
};

static inline void ustr_reserve(struct ustr *u, size_t cap)
{
	if (cap <= (size_t)u->cap)
		return;
	u->p = xrealloc(u->p, cap * sizeof(*u->p));
	u->cap = (int32_t)cap;
}

/* Shortens len to at most max without splitting a UTF-8 sequence. */
static inline size_t clamp_len(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && U8_IS_TRAIL((uint8_t)s[max]))
		max--;
	return max;
}

/* Decodes one code point at s[i] (i < len); ill-formed input gives -1.
 * U8_NEXT is strict: overlongs, surrogates and values past U+10FFFF are
 * ill-formed, and *adv is the length of the maximal ill-formed subpart. */
static inline UChar32 next_cp(const char *s, size_t len, size_t i, size_t *adv)
{
	const uint8_t *p = (const uint8_t *)s + i;
	int32_t n = len - i < 4 ? (int32_t)(len - i) : 4, j = 0;
	UChar32 c;
	U8_NEXT(p, j, n, c);
	*adv = (size_t)j;
	return c;
}


/* UTF-8 → UTF-16 into u, ill-formed sequences as U+FFFD. */
void text_ustr_from_utf8(struct ustr *u, const char *s, size_t len);
/* Appends UTF-16 as UTF-8 (ill-formed units as U+FFFD). */
void text_buf_add_u16(struct buf *out, const UChar *u, int32_t n);

#endif
