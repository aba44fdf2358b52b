/* xalloc: allocation that never returns NULL.
 *
 * Out of memory is not a condition the generator can recover from, so every
 * allocation goes through this family, which prints a message and exits with
 * status 2 instead of returning NULL. Callers never test the result. */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* A malloc'd, NUL-terminated copy of s (or of its first n bytes); the caller frees it. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
