/* fmt: vsnprintf for the formats the generator uses millions of times.
 *
 * Page contexts, URLs and the build's records format short strings from
 * %s, %.*s, %d, %zu and the like; glibc's vsnprintf spends ~1,000
 * instructions on each, whatever it formats. */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Exactly vsnprintf(dst, room, fmt, ap): the same bytes, NUL-terminated
 * when room > 0, and the same return value. Conversions s, c, d, i, u, x
 * and % (with the length modifiers l, ll and z, a '0' flag and a width on
 * numbers, and a precision, also '*', on s) are done here; a format with
 * anything else, or a NULL string, is passed to vsnprintf whole. */
int fmt_vsnprintf(char *dst, size_t room, const char *fmt, va_list ap);

#endif
