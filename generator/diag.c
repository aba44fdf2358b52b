#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "text.h"

/* A long line is quoted as this many characters around the place: a line of
 * a megabyte (5,000 keys in one `{…}`) must not be printed once per message. */
#define DIAG_EXCERPT_CHARS 120
/* A message is cut after this many bytes (it may quote a key of any length). */
#define DIAG_MAX_MESSAGE 400

/* A message made through d (under diag_lock): into its sink, or to stderr
 * with a progress line (progress.h) erased first (and kept in said). */
static void show(struct diag *d, const char *msg, size_t len)
{
	if (d->sink) {
		buf_add(d->sink, msg, len);
		return;
	}
	progress_clear();
	fwrite(msg, 1, len, stderr);
	if (d->said)
		buf_add(d->said, msg, len);
}


/* The bytes of the UTF-8 character at p (at most n). */
static size_t char_len(const char *p, size_t n)
{
	unsigned char c = (unsigned char)*p;
	size_t k = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	return k < n ? k : n;
}

/* Appends the character p[0..n) as a terminal should show it, and returns
 * its width in columns. A control character would garble the terminal or cut
 * the message (NUL): it is shown as its symbol (U+2400 + c), or U+FFFD for
 * the C1 controls, which have no symbol. */
static size_t add_shown(struct buf *out, const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	if ((c < 0x20 && c != '\t') || c == 0x7F) {
		unsigned cp = c == 0x7F ? 0x2421 : 0x2400u + c;
		char u[3] = { (char)(0xE0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3F)), (char)(0x80 | (cp & 0x3F)) };
		buf_add(out, u, 3);
		return 1;
	}
	if (c == 0xC2 && n > 1 && (unsigned char)p[1] < 0xA0) {
		buf_addstr(out, "\xEF\xBF\xBD");
		return 1;
	}
	buf_add(out, p, n);
	/* wide (CJK) characters take two columns in a terminal */
	return c >= 0xE1 ? 2 : 1;
}

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
	size_t total = 0;
	for (size_t i = 0; i < len; i += char_len(p + i, len - i))
		total++;
	size_t first = 0, last = total, at = col ? col - 1 : 0;
	if (total > DIAG_EXCERPT_CHARS) {
		first = at > DIAG_EXCERPT_CHARS / 2 ? at - DIAG_EXCERPT_CHARS / 2 : 0;
		if (first > total - DIAG_EXCERPT_CHARS)
			first = total - DIAG_EXCERPT_CHARS;
		last = first + DIAG_EXCERPT_CHARS;
	}
	size_t width = 0;	/* columns before the caret */
	buf_addstr(out, "    ");
	if (first) {
		buf_addstr(out, "\xE2\x80\xA6");	/* … */
		width++;
	}
	size_t k = 0;
	for (size_t i = 0, n; i < len && k < last; i += n, k++) {
		n = char_len(p + i, len - i);
		if (k < first)
			continue;
		size_t w = add_shown(out, p + i, n);
		if (k < at)
			width += w;
	}
	if (last < total)
		buf_addstr(out, "\xE2\x80\xA6");
	buf_addch(out, '\n');
	if (!col)
		return;
	buf_addstr(out, "    ");
	for (size_t i = 0; i < width; i++)
		buf_addch(out, ' ');
	buf_addstr(out, "^\n");
}

/* Appends a formatted message, cut to DIAG_MAX_MESSAGE bytes and with its
 * control characters made visible. */
static void add_message(struct buf *out, const char *s, size_t len)
{
	size_t start = out->len;
	for (size_t i = 0, n; i < len; i += n) {
		n = char_len(s + i, len - i);
		if (out->len - start + n > DIAG_MAX_MESSAGE) {
			buf_addstr(out, "\xE2\x80\xA6");
			return;
		}
		add_shown(out, s + i, n);
	}
}

/* diag_cap_begin's bound for this thread's messages through `d`, and the
 * messages shown and hidden under it. Per thread, not in struct diag: a
 * file is parsed by one thread from start to end. */
static _Thread_local struct {
	const struct diag *d;
	size_t cap, shown, hidden_errors, hidden_warnings;
} cap;

/* Rendering threads may report at once: one message at a time. */
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;

void diag_add_path(struct buf *b, const char *path)
{
	/* A file name is the user's too: a newline or an escape sequence in it
	 * must not split the message or reach the terminal. */
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			buf_addf(b, "\\x%02X", *p);
		else
			buf_addch(b, (char)*p);
}

static void emit(struct diag *d, int is_warning, const char *path, size_t line, size_t col,
		 const char *src, size_t src_len, const char *fmt, va_list ap)
{
	const char *kind = is_warning && !d->strict ? "warning" : "error";
	if (cap.d == d && cap.shown >= cap.cap) {
		/* counted, not shown: and not formatted either, which costs as much */
		pthread_mutex_lock(&diag_lock);
		if (is_warning) {
			d->warnings++;
			cap.hidden_warnings++;
		} else {
			d->errors++;
			cap.hidden_errors++;
		}
		pthread_mutex_unlock(&diag_lock);
		return;
	}
	if (cap.d == d)
		cap.shown++;
	struct buf msg = BUF_INIT, text = BUF_INIT;
	diag_add_path(&msg, path);
	if (line && col)
		buf_addf(&msg, ":%zu:%zu: %s: ", line, col, kind);
	else if (line)
		buf_addf(&msg, ":%zu: %s: ", line, kind);
	else
		buf_addf(&msg, ": %s: ", kind);
	buf_vaddf(&text, fmt, ap);
	add_message(&msg, text.data, text.len);
	buf_addch(&msg, '\n');
	if (src && line)
		quote_line(&msg, src, src_len, line, col);
	pthread_mutex_lock(&diag_lock);
	show(d, msg.data, msg.len);
	if (is_warning)
		d->warnings++;
	else
		d->errors++;
	pthread_mutex_unlock(&diag_lock);
	buf_free(&msg);
	buf_free(&text);
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

void diag_say_again(struct diag *d, const char *text, size_t len)
{
	pthread_mutex_lock(&diag_lock);
	show(d, text, len);
	pthread_mutex_unlock(&diag_lock);
}

void diag_merge(struct diag *d, const struct diag *from)
{
	pthread_mutex_lock(&diag_lock);
	if (from->sink && from->sink->len)
		show(d, from->sink->data, from->sink->len);
	d->errors += from->errors;
	d->warnings += from->warnings;
	pthread_mutex_unlock(&diag_lock);
}

void diag_cap_begin(struct diag *d, size_t max)
{
	cap.d = d;
	cap.cap = max;
	cap.shown = cap.hidden_errors = cap.hidden_warnings = 0;
}

void diag_cap_end(struct diag *d, const char *path)
{
	/* under --strict the hidden warnings were errors */
	size_t e = cap.hidden_errors + (d->strict ? cap.hidden_warnings : 0);
	size_t w = d->strict ? 0 : cap.hidden_warnings;
	cap.d = NULL;
	if (!e && !w)
		return;
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "%s: note: %zu more message(s) about this file not shown (%zu error(s), "
		 "%zu warning(s)): fix the ones above first\n", path, e + w, e, w);
	pthread_mutex_lock(&diag_lock);
	show(d, msg.data, msg.len);
	pthread_mutex_unlock(&diag_lock);
	buf_free(&msg);
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

/* Unicode's control characters (Cc) but tab, line feed and carriage return:
 * C0, DEL, and C1 (U+0080–U+009F, C2 80–C2 9F in UTF-8). Returns the code
 * point of the one at s[i], or -1. */
static long control_at(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
		return c;
	if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] < 0xA0)
		return (unsigned char)s[i + 1];
	/* U+FFFE and U+FFFF: noncharacters, which XML (the feed) refuses too */
	if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBF &&
	    ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
		return (unsigned char)s[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
	return -1;
}

size_t diag_find_control(const char *s, size_t len, long *cp)
{
	for (size_t i = 0; i < len; i++)
		if ((*cp = control_at(s, len, i)) >= 0)
			return i;
	return len;
}

/* Can a control character or noncharacter start at this byte? Most bytes of
 * Chinese text cannot, and the scan of every article skips them at once. */
static int may_start_control(unsigned char c)
{
	return c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xEF;
}

/* Might 8 bytes hold part of a control character? A byte below 0x20, DEL,
 * 0xC2 (the lead of C1), or 0xBF (the middle byte of U+FFFE and U+FFFF,
 * rarer in Chinese text than their lead 0xEF, which starts every
 * full-width comma). Exact for "none": each test is the classic bit trick
 * for "some byte is zero" (or "below n"), which can only err towards yes. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static int block_may_hold_control(uint64_t w)
{
	uint64_t del = w ^ (ONES * 0x7F), c1 = w ^ (ONES * 0xC2), mid = w ^ (ONES * 0xBF);
	uint64_t z = ((w - ONES * 0x20) & ~w) | ((del - ONES) & ~del) | ((c1 - ONES) & ~c1) | ((mid - ONES) & ~mid);
	return (z & HIGHS) != 0;
}

/* Counts the control characters starting in s[from, to), and keeps the
 * first one's place. */
static void scan_controls(const char *s, size_t len, size_t from, size_t to, size_t *count, size_t *first,
			  long *cp)
{
	for (size_t i = from; i < to; i++) {
		if (!may_start_control((unsigned char)s[i]))
			continue;
		long c = control_at(s, len, i);
		if (c < 0)
			continue;
		if (!(*count)++) {
			*first = i;
			*cp = c;
		}
	}
}

/* Eight bytes at a time, looking closer only at blocks that may hold one:
 * this runs over every byte of every article. A block's closer look
 * starts a byte early, where a U+FFFE whose 0xEF ends the block before
 * begins, unless that byte was looked at already. */
int diag_control_chars(struct diag *d, const char *path, const char *src, size_t len)
{
	size_t first = 0, count = 0, done = 0, i = 0;
	long cp = -1;
	for (; len - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, src + i, sizeof(w));
		if (!block_may_hold_control(w))
			continue;
		scan_controls(src, len, i > done ? i - (i > 0) : done, i + 8, &count, &first, &cp);
		done = i + 8;
	}
	scan_controls(src, len, i > done ? i - (i > 0) : done, len, &count, &first, &cp);
	if (!count)
		return 0;
	size_t line, col;
	diag_locate(src, first, &line, &col);
	char more[64] = "";
	if (count > 1)
		snprintf(more, sizeof(more), "; %zu more in this file", count - 1);
	if (cp == 0)
		diag_error(d, path, line, col, src, len,
			   "a NUL byte: this is not a text file, or it is damaged%s", more);
	else if (cp >= 0xFFFE)
		diag_error(d, path, line, col, src, len,
			   "noncharacter U+%04lX is not allowed: it is no text, and XML refuses it%s",
			   (unsigned long)cp, more);
	else
		diag_error(d, path, line, col, src, len,
			   "control character U+%04lX is not allowed (only tab, line feed and carriage "
			   "return are)%s", (unsigned long)cp, more);
	return -1;
}
