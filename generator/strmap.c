#include "strmap.h"

#include <string.h>

#include "hash.h"

static size_t slot_of(const struct strmap *m, const char *key)
{
	size_t i = (size_t)hash_str(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

static void grow(struct arena *a, struct strmap *m)
{
	struct strmap bigger = { 0 };
	bigger.cap = m->cap ? m->cap * 2 : 64;
	bigger.keys = arena_alloc(a, bigger.cap * sizeof(*bigger.keys));
	bigger.vals = arena_alloc(a, bigger.cap * sizeof(*bigger.vals));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = slot_of(&bigger, m->keys[i]);
			bigger.keys[j] = m->keys[i];
			bigger.vals[j] = m->vals[i];
			bigger.len++;
		}
	*m = bigger;
}

void strmap_put(struct arena *a, struct strmap *m, const char *key, void *val)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(a, m);
	size_t i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->len++;
	}
	m->vals[i] = val;
}
