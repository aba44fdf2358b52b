/* arena: one memory pool per build (or per worker), freed at once.
 *
 * Articles, front-matter values, indexes, compiled templates and page
 * contexts are allocated here and never freed one by one; arena_free()
 * releases everything. Allocation never fails (see xalloc.h). An arena is
 * not thread-safe: each thread uses its own. */
#ifndef ARENA_H
#define ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total;	/* bytes handed out, for statistics */
};

#define ARENA_INIT { NULL, 0 }

/* Returns `size` bytes aligned for any type, zero-filled. */
void *arena_alloc(struct arena *a, size_t size);
/* The same, not zero-filled: for bytes the caller overwrites at once. */
void *arena_alloc_uninit(struct arena *a, size_t size);
/* Returns a NUL-terminated copy owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_sprintf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vsprintf(struct arena *a, const char *fmt, va_list ap);
/* Releases every allocation of the arena; the arena can be reused. */
void arena_free(struct arena *a);
/* Forgets every allocation but keeps the memory for the next ones: for a
 * scratch arena emptied thousands of times (once per page), where giving
 * the chunks back to malloc would map and unmap them every time. */
void arena_reset(struct arena *a);

/* A growable array of pointers whose storage lives in an arena. */
struct ptrvec {
	void **items;
	size_t len, cap;
};
void ptrvec_push(struct arena *a, struct ptrvec *v, void *item);
/* qsort for the items (an empty vector has no array: qsort must not see it). */
void ptrvec_sort(struct ptrvec *v, int (*cmp)(const void *, const void *));

#endif
