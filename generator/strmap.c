#include "strmap.h"

#include <string.h>

/* The map's own hash: a word at a time, as its keys are often long paths
 * (61,000 output files at 10,000 reports, each looked up a few times a
 * build), where FNV-1a's byte at a time cost a rebuild after one edit 8% of
 * its time. Stored beside the key, so that a probe compares strings only
 * when the hashes agree and growing hashes nothing again. */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static size_t slot_of(const struct strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);
	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = slot_of(m, key, key_hash(key, strlen(key)));
	return m->keys[i] ? m->vals[i] : NULL;
}

static void grow(struct arena *a, struct strmap *m)
{
	struct strmap bigger = { 0 };
	bigger.cap = m->cap ? m->cap * 2 : 64;
	bigger.keys = arena_alloc(a, bigger.cap * sizeof(*bigger.keys));
	bigger.vals = arena_alloc_uninit(a, bigger.cap * sizeof(*bigger.vals));	/* read only where a key is */
	bigger.hashes = arena_alloc_uninit(a, bigger.cap * sizeof(*bigger.hashes));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = (size_t)m->hashes[i] & (bigger.cap - 1);
			while (bigger.keys[j])	/* the keys are distinct: the first free slot */
				j = (j + 1) & (bigger.cap - 1);
			bigger.keys[j] = m->keys[i];
			bigger.vals[j] = m->vals[i];
			bigger.hashes[j] = m->hashes[i];
			bigger.len++;
		}
	*m = bigger;
}

void strmap_put(struct arena *a, struct strmap *m, const char *key, void *val)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(a, m);
	uint64_t h = key_hash(key, strlen(key));
	size_t i = slot_of(m, key, h);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->hashes[i] = h;
		m->len++;
	}
	m->vals[i] = val;
}
