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

/* Keys are appended without looking for an earlier one, and val_get reads
 * from the end, so a key set twice reads as its last value: setting stays
 * O(1), which matters for contexts built a few hundred thousand times. */
void val_set_w(struct arena *a, struct val *map, const char *key, size_t klen, uint64_t word, struct val *v)
{
	if (map->u.map.len == map->u.map.cap) {
		uint32_t cap = map->u.map.cap ? map->u.map.cap * 2 : 8;
		struct val_entry *e = arena_alloc_uninit(a, cap * sizeof(*e));	/* read up to len only */
		if (map->u.map.len)
			memcpy(e, map->u.map.entries, map->u.map.len * sizeof(*e));
		map->u.map.entries = e;
		map->u.map.cap = cap;
	}
	map->u.map.entries[map->u.map.len] = (struct val_entry){ key, klen, v };
	map->u.map.len++;
	map->u.map.seen |= val_key_bit(word, klen);
}

struct val *val_get_w(const struct val *map, const char *key, size_t len, uint64_t word)
{
	if (!map || map->kind != VAL_MAP || !(map->u.map.seen & val_key_bit(word, len)))
		return NULL;
	for (size_t i = map->u.map.len; i-- > 0;) {
		const struct val_entry *e = &map->u.map.entries[i];
		/* the first byte before memcmp: most keys differ there */
		if (e->klen == len && (!len || e->key[0] == key[0]) && memcmp(e->key, key, len) == 0)
			return e->val;
	}
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
