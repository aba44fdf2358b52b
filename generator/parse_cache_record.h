/* parse_cache_record: the fields of a parse cache record (parse_cache.c
 * owns the file, its records' framing and checks): numbers in this
 * machine's byte order, strings as their length + 1 (0: NULL) then their
 * bytes and a NUL, read in place from the mapped file. */
#ifndef PARSE_CACHE_RECORD_H
#define PARSE_CACHE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "site.h"

/* Reading: p moves towards end; bad is set by any read past it or of a
 * malformed value, and the reads after it return 0 or NULL. */
struct cursor {
	const unsigned char *p, *end;
	int bad;
};

uint64_t pc_get_u64(struct cursor *c);
/* A string that may be NULL (valid UTF-8 without NUL, else bad). */
const char *pc_get_str(struct cursor *c);
void pc_put_u64(struct buf *b, uint64_t v);
void pc_put_str(struct buf *b, const char *s);

/* The fields parsing fills (site.h), after the text: put_article writes
 * them, get_article reads them back into art (whose src and src_len are
 * set: the text's digest is checked against them unless text_checked, the
 * same bytes found sound before), lists in a. Returns 0, or -1 when the
 * record is damaged or holds what parsing would refuse. */
void pc_put_article(struct buf *b, const struct article *art);
int pc_get_article(struct cursor *c, struct arena *a, struct article *art, int text_checked);

#endif
