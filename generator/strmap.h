/* strmap: a string → pointer hash map whose memory lives in an arena.
 *
 * Keys are not copied (they must outlive the map: arena or literal). Used by
 * the index stage to find places, tags, people and dates by name. */
#ifndef STRMAP_H
#define STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct strmap {
	const char **keys;
	void **vals;
	uint64_t *hashes;	/* each key's, beside it (strmap.c) */
	size_t len, cap;
};

void *strmap_get(const struct strmap *m, const char *key);
/* Sets key to val, replacing an earlier value. */
void strmap_put(struct arena *a, struct strmap *m, const char *key, void *val);

#endif
