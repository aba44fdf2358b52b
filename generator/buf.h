/* buf: the one growable byte buffer.
 *
 * Rules (after git's strbuf):
 *  - `data` is never NULL and always NUL-terminated, even when len == 0, so it
 *    can be passed to functions that want a C string;
 *  - `len` bytes are valid; the buffer may hold NUL bytes inside;
 *  - buf_add may append a buffer's own bytes to it (buf_addf may not);
 *  - a struct buf is initialised with BUF_INIT or buf_init() and released with
 *    buf_free(); buf_detach() hands the malloc'd data over to the caller.
 * Growth uses xrealloc, so no function here can fail. */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty_[1];
#define BUF_INIT { buf_empty_, 0, 0 }

void buf_init(struct buf *b, size_t hint);
void buf_free(struct buf *b);
/* Makes room for `extra` more bytes (plus the terminating NUL). */
void buf_grow(struct buf *b, size_t extra);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);

/* buf_add when the bytes do not fit the room left (or b has none yet). */
void buf_add_grow(struct buf *b, const void *data, size_t len);

/* Inline: templates append some ten million short strings a build, nearly
 * all into room the buffer already has. */
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (len && len < b->cap - b->len) {	/* room for the bytes and the NUL (and data is no NULL) */
		memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
	} else {
		buf_add_grow(b, data, len);
	}
}

static inline void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}
/* Appends v as 16 lowercase hexadecimal digits (a digest in the build's
 * state and records: written for every file and article, so not printf). */
void buf_add_hex16(struct buf *b, uint64_t v);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " ' replaced by HTML character references. */
void buf_add_html_escaped(struct buf *b, const char *s, size_t len);

/* Returns the data (malloc'd, NUL-terminated; the caller frees it) and
 * leaves b empty. `len`, if not NULL, receives the length. */
char *buf_detach(struct buf *b, size_t *len);

int buf_equals(const struct buf *b, const char *data, size_t len);

#endif
