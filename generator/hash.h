/* hash: 64-bit FNV-1a, the one hash of the generator's own tables (strmap)
 * and fingerprints (inputs, the output digest). Fast on the short keys they
 * hold; none of them faces an attacker who could choose collisions that
 * matter (a collision costs a probe, never a wrong answer).
 *
 * The search index's shard hash is a different, 32-bit FNV-1a: it is part of
 * the index format, computed by the browser too (see search.h). */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_INIT 1469598103934665603ull

/* Folds len bytes into h (start from HASH_INIT). */
static inline uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* The hash of a NUL-terminated string (without its NUL). */
static inline uint64_t hash_str(const char *s)
{
	uint64_t h = HASH_INIT;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Folds a number into h (a digest of digests, counts, dates). */
static inline uint64_t hash_num(uint64_t h, long long n)
{
	return hash_bytes(h, &n, sizeof(n));
}

/* Folds len bytes into h eight at a time: for long inputs (a report's whole
 * text, an image), where FNV's byte at a time would cost 0.1 s a core for
 * 80 MB. Same purpose and the same caveat as above: a change detector. */
static inline uint64_t hash_block(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ull;
		h ^= h >> 29;
	}
	return hash_bytes(h, p, len);
}

#endif
