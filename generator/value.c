#include "value.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static struct val *val_new(struct arena *a, enum val_kind kind)
{
	struct val *v = arena_alloc(a, sizeof(*v));
	v->kind = kind;
	return v;
}

struct val *val_null(struct arena *a)
{
	return val_new(a, VAL_NULL);
}

struct val *val_bool(struct arena *a, int b)
{
	struct val *v = val_new(a, VAL_BOOL);
	v->u.boolean = b != 0;
	return v;
}

/* The bytes buf_add_html_escaped replaces, as a table: one load and test a byte. */
static const unsigned char special[256] = { ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1 };

static int needs_escape(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (special[(unsigned char)s[i]])
			return 1;
	return 0;
}

struct val *val_str_ref(struct arena *a, const char *s, size_t len)
{
	struct val *v = val_new(a, VAL_STR);
	v->u.str.s = s;
	v->u.str.len = len;
	/* Looked at once here, so that a string rendered on many pages (a
	 * title in every listing) is not scanned for escaping every time. */
	/* Long strings (article bodies) are raw HTML or rendered once: not worth it. */
	v->u.str.plain = len <= 256 && !needs_escape(s, len);
	return v;
}

struct val *val_strn(struct arena *a, const char *s, size_t len)
{
	return val_str_ref(a, arena_strndup(a, s, len), len);
}

struct val *val_str(struct arena *a, const char *s)
{
	return val_strn(a, s, strlen(s));
}

struct val *val_strf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vsprintf(a, fmt, ap);
	va_end(ap);
	return val_str_ref(a, p, strlen(p));
}

struct val *val_int(struct arena *a, long long n)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--p = '-';
	struct val *v = val_new(a, VAL_STR);
	v->u.str.s = arena_strndup(a, p, (size_t)(e - p));
	v->u.str.len = (size_t)(e - p);
	v->u.str.plain = 1;
	return v;
}

struct val *val_list(struct arena *a)
{
	return val_new(a, VAL_LIST);
}

struct val *val_map(struct arena *a)
{
	return val_new(a, VAL_MAP);
}

void val_push(struct arena *a, struct val *list, struct val *item)
{
	if (list->u.list.len == list->u.list.cap) {
		size_t cap = list->u.list.cap ? list->u.list.cap * 2 : 4;
		struct val **items = arena_alloc_uninit(a, cap * sizeof(*items));	/* read up to len only */
		if (list->u.list.len)
			memcpy(items, list->u.list.items, list->u.list.len * sizeof(*items));
		list->u.list.items = items;
		list->u.list.cap = cap;
	}
	list->u.list.items[list->u.list.len++] = item;
}

/* Maps of more than VAL_INDEX_MIN / 2 keys (a page's own context: 30 to
 * 60 keys, of which the first set, root and site, are looked up from
 * every item of a listing) also get a hash index: 2 * cap slots behind
 * the entries, each 0 or an entry's number + 1, the last entry of a key
 * set twice. Smaller maps (listing items, links) are searched linearly. */
#define VAL_INDEX_MIN 32

static uint32_t *index_of(const struct val *map)
{
	return (uint32_t *)(map->u.map.entries + map->u.map.cap);
}

static uint32_t index_hash(uint64_t word, size_t klen)
{
	return (uint32_t)((word ^ klen) * 0x9E3779B97F4A7C15ULL >> 32);
}

static int same_key(const struct val_entry *e, const char *key, size_t len)
{
	/* the first byte before memcmp: most keys differ there */
	return e->klen == len && (!len || e->key[0] == key[0]) && memcmp(e->key, key, len) == 0;
}

/* Indexes entry i, over an earlier entry of the same key. */
static void index_put(struct val *map, uint32_t i, uint64_t word)
{
	uint32_t *slots = index_of(map), mask = 2 * map->u.map.cap - 1;
	const struct val_entry *e = &map->u.map.entries[i];
	for (uint32_t h = index_hash(word, e->klen) & mask;; h = (h + 1) & mask) {
		if (!slots[h] || same_key(&map->u.map.entries[slots[h] - 1], e->key, e->klen)) {
			slots[h] = i + 1;
			return;
		}
	}
}

static void grow(struct arena *a, struct val *map)
{
	uint32_t cap = map->u.map.cap ? map->u.map.cap * 2 : 8;
	size_t bytes = cap * sizeof(struct val_entry);
	size_t slots = cap >= VAL_INDEX_MIN ? 2 * (size_t)cap * sizeof(uint32_t) : 0;
	struct val_entry *e = arena_alloc_uninit(a, bytes + slots);	/* entries read up to len only */
	if (map->u.map.len)
		memcpy(e, map->u.map.entries, map->u.map.len * sizeof(*e));
	map->u.map.entries = e;
	map->u.map.cap = cap;
	if (!slots)
		return;
	memset(index_of(map), 0, slots);
	for (uint32_t i = 0; i < map->u.map.len; i++)
		index_put(map, i, val_key_word(e[i].key, e[i].klen));
}

/* Keys are appended without looking for an earlier one, and val_get reads
 * from the end (or the index), so a key set twice reads as its last value:
 * setting stays O(1), which matters for contexts built a few hundred
 * thousand times. */
void val_set_w(struct arena *a, struct val *map, const char *key, size_t klen, uint64_t word, struct val *v)
{
	if (map->u.map.len == map->u.map.cap)
		grow(a, map);
	uint32_t i = map->u.map.len++;
	map->u.map.entries[i] = (struct val_entry){ key, klen, v };
	map->u.map.seen |= val_key_bit(word, klen);
	if (map->u.map.cap >= VAL_INDEX_MIN)
		index_put(map, i, word);
}

struct val *val_get_w(const struct val *map, const char *key, size_t len, uint64_t word)
{
	if (!map || map->kind != VAL_MAP || !(map->u.map.seen & val_key_bit(word, len)))
		return NULL;
	const struct val_entry *entries = map->u.map.entries;
	if (map->u.map.cap >= VAL_INDEX_MIN) {
		const uint32_t *slots = index_of(map);
		uint32_t mask = 2 * map->u.map.cap - 1;
		for (uint32_t h = index_hash(word, len) & mask; slots[h]; h = (h + 1) & mask)
			if (same_key(&entries[slots[h] - 1], key, len))
				return entries[slots[h] - 1].val;
		return NULL;
	}
	for (size_t i = map->u.map.len; i-- > 0;)
		if (same_key(&entries[i], key, len))
			return entries[i].val;
	return NULL;
}

int val_truthy(const struct val *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case VAL_NULL: return 0;
	case VAL_BOOL: return v->u.boolean;
	case VAL_LIST: return v->u.list.len > 0;
	default: return 1;
	}
}
