#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "xalloc.h"

char buf_empty_[1];

void buf_init(struct buf *b, size_t hint)
{
	b->data = buf_empty_;
	b->len = 0;
	b->cap = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_free(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b, 0);
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap / 2 * 3 + 16;
	if (b->cap) {
		b->data = xrealloc(b->data, cap);
	} else {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->cap)
		b->data[len] = '\0';
}

void buf_add_grow(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	/* Appending a buffer to itself: growing may move the bytes, so find
	 * them again by offset afterwards. */
	const char *p = data;
	if (b->cap && p >= b->data && p < b->data + b->cap) {
		size_t off = (size_t)(p - b->data);
		buf_grow(b, len);
		p = b->data + off;
	} else {
		buf_grow(b, len);
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	/* Straight into the free space when it fits: one vsnprintf, not two. */
	size_t room = b->cap ? b->cap - b->len : 0;
	va_list cp;
	va_copy(cp, ap);
	int n = fmt_vsnprintf(room ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n <= 0) {
		if (room)
			b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	buf_grow(b, (size_t)n);
	fmt_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Which bytes need a character reference: a table, so the common case (no
 * special byte) is one load and test per byte. */
static const char *const html_refs[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

void buf_add_html_escaped(struct buf *b, const char *s, size_t len)
{
	size_t start = 0;
	buf_grow(b, len);
	for (size_t i = 0; i < len; i++) {
		const char *rep = html_refs[(unsigned char)s[i]];
		if (!rep)
			continue;
		buf_add(b, s + start, i - start);
		buf_addstr(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *data = b->cap ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b, 0);
	return data;
}

int buf_equals(const struct buf *b, const char *data, size_t len)
{
	return b->len == len && memcmp(b->data, data, len) == 0;
}

void buf_add_hex16(struct buf *b, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[16];
	for (int i = 15; i >= 0; i--, v >>= 4)
		d[i] = hex[v & 15];
	buf_add(b, d, sizeof(d));
}
