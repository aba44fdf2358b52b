#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "xalloc.h"

/* Chunks are large so that the allocation count stays tiny; a request bigger
 * than a chunk gets a chunk of its own. */
#define ARENA_CHUNK_SIZE (256 * 1024)
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;	/* full chunks, then (after a reset) free ones */
	size_t used, size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

static struct arena_chunk *chunk_new(size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->used = 0;
	c->size = size;
	return c;
}

/* Hands out `size` bytes, not cleared: for callers that fill them at once
 * (copies, formatted text, file contents), where clearing first costs a
 * pass over memory (and, for a file read into a fresh chunk, the page faults
 * happen in memset rather than in read). */
static void *alloc_raw(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		if (size > ARENA_CHUNK_SIZE / 4) {
			/* Big block: give it its own chunk behind the current one,
			 * so the current chunk's free space is not wasted. */
			struct arena_chunk *big = chunk_new(size);
			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				a->head = big;
			}
			big->used = size;
			a->total += size;
			return big->data;
		}
		c = chunk_new(ARENA_CHUNK_SIZE);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return memset(alloc_raw(a, size), 0, size);
}

void *arena_alloc_uninit(struct arena *a, size_t size)
{
	return alloc_raw(a, size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Formats straight into the current chunk's free space when the text fits
 * (nearly always: page contexts format thousands of short strings), so
 * that vsnprintf runs once rather than once to measure and once to write. */
char *arena_vsprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	struct arena_chunk *c = a->head;
	size_t room = c ? c->size - c->used : 0;
	int n = fmt_vsnprintf(room ? (char *)c->data + c->used : NULL, room, fmt, cp);
	va_end(cp);
	size_t need = (size_t)(n < 0 ? 0 : n) + 1;
	if (room && need <= room) {
		char *p = alloc_raw(a, need);	/* the bytes just written: same chunk, same place */
		if (n < 0)
			*p = '\0';
		return p;
	}
	char *p = alloc_raw(a, need);
	*p = '\0';	/* vsnprintf writes nothing when it fails */
	fmt_vsnprintf(p, need, fmt, ap);
	return p;
}

char *arena_sprintf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vsprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	/* Keep the one most recent standard chunk, emptied; give back the rest
	 * (big blocks and older chunks): a page's scratch fits in one or two. */
	struct arena_chunk *keep = NULL, *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		if (!keep && c->size == ARENA_CHUNK_SIZE)
			keep = c;
		else
			free(c);
		c = next;
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}

void ptrvec_push(struct arena *a, struct ptrvec *v, void *item)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = alloc_raw(a, cap * sizeof(*items));	/* read up to len only */
		if (v->len)
			memcpy(items, v->items, v->len * sizeof(*items));
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = item;
}

void ptrvec_sort(struct ptrvec *v, int (*cmp)(const void *, const void *))
{
	if (v->len > 1)
		qsort(v->items, v->len, sizeof(*v->items), cmp);
}
