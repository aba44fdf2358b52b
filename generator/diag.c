#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static void quote_line(struct buf *out, const char *src, size_t src_len, size_t line, size_t col)
{
	const char *p = src, *end = src + src_len;
	for (size_t n = 1; n < line && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
	}
	if (p >= end)
		return;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
	if (len && p[len - 1] == '\r')
		len--;
	buf_addstr(out, "    ");
	buf_add(out, p, len);
	buf_addch(out, '\n');
	if (!col)
		return;
	/* The caret stands under the character; wide (CJK) characters take two
	 * columns in a terminal, so count their width rather than bytes. */
	buf_addstr(out, "    ");
	size_t chars = 0;
	for (size_t i = 0; i < len && chars + 1 < col; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c & 0xC0) == 0x80)
			continue;
		chars++;
		buf_addstr(out, c >= 0xE1 ? "  " : " ");
	}
	buf_addstr(out, "^\n");
}

/* Rendering threads may report at once: one message at a time. */
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;

static void emit(struct diag *d, int is_warning, const char *path, size_t line, size_t col,
		 const char *src, size_t src_len, const char *fmt, va_list ap)
{
	const char *kind = is_warning && !d->strict ? "warning" : "error";
	struct buf msg = BUF_INIT;
	if (line && col)
		buf_addf(&msg, "%s:%zu:%zu: %s: ", path, line, col, kind);
	else if (line)
		buf_addf(&msg, "%s:%zu: %s: ", path, line, kind);
	else
		buf_addf(&msg, "%s: %s: ", path, kind);
	buf_vaddf(&msg, fmt, ap);
	buf_addch(&msg, '\n');
	if (src && line)
		quote_line(&msg, src, src_len, line, col);
	pthread_mutex_lock(&diag_lock);
	if (d->sink)
		buf_add(d->sink, msg.data, msg.len);
	else
		fputs(msg.data, stderr);
	if (is_warning)
		d->warnings++;
	else
		d->errors++;
	pthread_mutex_unlock(&diag_lock);
	buf_free(&msg);
}

void diag_error(struct diag *d, const char *path, size_t line, size_t col,
		const char *src, size_t src_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, 0, path, line, col, src, src_len, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, const char *path, size_t line, size_t col,
		  const char *src, size_t src_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, 1, path, line, col, src, src_len, fmt, ap);
	va_end(ap);
}

void diag_merge(struct diag *d, const struct diag *from)
{
	pthread_mutex_lock(&diag_lock);
	if (from->sink && from->sink->len) {
		if (d->sink)
			buf_add(d->sink, from->sink->data, from->sink->len);
		else
			fputs(from->sink->data, stderr);
	}
	d->errors += from->errors;
	d->warnings += from->warnings;
	pthread_mutex_unlock(&diag_lock);
}

int diag_failed(const struct diag *d)
{
	return d->errors > 0 || (d->strict && d->warnings > 0);
}

void diag_invalid_utf8(struct diag *d, const char *path, const char *src, size_t len, size_t bad)
{
	size_t line, col;
	diag_locate(src, bad, &line, &col);
	const char *start = src + bad, *end = src + bad;
	while (start > src && start[-1] != '\n')
		start--;
	while (end < src + len && *end != '\n')
		end++;
	/* line - 1 empty lines, then the line made printable: quote_line finds it */
	struct buf shown = BUF_INIT;
	for (size_t i = 1; i < line; i++)
		buf_addch(&shown, '\n');
	for (const char *p = start; p < end;) {
		size_t at;
		if (text_utf8_valid(p, (size_t)(end - p), &at)) {
			buf_add(&shown, p, (size_t)(end - p));
			break;
		}
		buf_add(&shown, p, at);
		buf_addstr(&shown, "\xEF\xBF\xBD");
		p += at + 1;
	}
	diag_error(d, path, line, col, shown.data, shown.len, "invalid UTF-8 (byte 0x%02x): save the file as UTF-8",
		   (unsigned char)src[bad]);
	buf_free(&shown);
}

void diag_locate(const char *src, size_t off, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}
