/* diag: errors and warnings with a place.
 *
 * Every message has the form `path:line:col: error: message` (or
 * `warning:`), followed by the offending source line and a caret when the
 * line is known. Messages are collected, never fatal: callers report and keep
 * going, and the build fails at the end when diag_failed() says so. With
 * `strict`, warnings count as errors. Messages go to `sink` when it is set
 * (tests), else to stderr. Lines and columns count from 1; a column counts
 * characters (code points), not bytes.
 *
 * Messages stay small whatever the input: a long source line is quoted as an
 * excerpt around the place, a long message is cut, and control characters in
 * either are shown as visible symbols (U+2400…). Inside diag_cap_begin/end
 * only the first messages about a file are shown; the rest are counted. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>

#include "buf.h"

struct diag {
	size_t errors, warnings;
	int strict;
	struct buf *sink;
	struct buf *said;	/* or NULL: every message shown (not put in a sink) is also added here */
};

#define DIAG_INIT { 0, 0, 0, NULL, NULL }

/* Messages about one file shown at most (the rest are counted, not shown). */
#define DIAG_MAX_PER_FILE 20

/* `src` is the whole source text (or NULL): the line `line` is quoted from it.
 * line == 0 means the message concerns the whole file. */
void diag_error(struct diag *d, const char *path, size_t line, size_t col,
		const char *src, size_t src_len, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void diag_warning(struct diag *d, const char *path, size_t line, size_t col,
		  const char *src, size_t src_len, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Passes on what another diag (one with a sink) collected: its messages,
 * in the order they were made, and its counts. Lets threads report into
 * buffers of their own and the run print them in a stable order. */
void diag_merge(struct diag *d, const struct diag *from);
/* Appends path as the messages show it (control characters as \xNN). */
void diag_add_path(struct buf *b, const char *path);

/* Shows messages said before (an earlier build's, as `said` kept them),
 * without counting them. */
void diag_say_again(struct diag *d, const char *text, size_t len);

/* Reports the invalid UTF-8 at byte `bad` of src, quoting its line with
 * each invalid byte shown as U+FFFD (the raw bytes would garble a terminal). */
void diag_invalid_utf8(struct diag *d, const char *path, const char *src, size_t len, size_t bad);

/* Reports the first control character in src (a NUL byte, or any other
 * Unicode control character but tab, line feed and carriage return: none has
 * a place in HTML or XML text) at its place, with how many more there are.
 * Returns 0 when src has none, else -1. src must be valid UTF-8. */
int diag_control_chars(struct diag *d, const char *path, const char *src, size_t len);
/* The offset of the first such control character in s, or len when none;
 * its code point in *cp. */
size_t diag_find_control(const char *s, size_t len, long *cp);

/* Between these two calls, made by one thread about one file, at most `max`
 * of the messages that thread makes through d are shown; diag_cap_end then
 * says, in one line naming path, how many more were counted. */
void diag_cap_begin(struct diag *d, size_t max);
void diag_cap_end(struct diag *d, const char *path);

/* True when the run must fail: an error, or a warning under strict. */
int diag_failed(const struct diag *d);

/* The 1-based line and character column of byte offset `off` in src. */
void diag_locate(const char *src, size_t off, size_t *line, size_t *col);

#endif
