/* value: the data a template is rendered against.
 *
 * A value is null, a boolean, a string, a list or a map with string keys (the
 * JSON data model minus numbers: numbers are strings already formatted for
 * people). Values and everything they point to live in an arena; maps keep
 * their keys in insertion order and are searched linearly (page contexts are
 * small). Strings are NUL-terminated and also carry their length.
 *
 * Each map keeps a 64-bit summary of its keys (a bit chosen by each key's
 * first 8 bytes, its "word", and its length), so that a lookup passing
 * through a context that lacks the name (a template's names are searched
 * from the innermost section out) mostly skips it at once: templates look
 * names up some ten million times a build. A key's word is not kept in
 * the map: 8 more bytes an entry cost more memory (listing items live for
 * the whole render) than the compares they save. */
#ifndef VALUE_H
#define VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

enum val_kind { VAL_NULL, VAL_BOOL, VAL_STR, VAL_LIST, VAL_MAP };

struct val;

struct val_entry {
	const char *key;
	size_t klen;
	struct val *val;
};

struct val {
	enum val_kind kind;
	union {
		int boolean;
		/* plain: the string has none of & < > " ' and needs no HTML escaping */
		struct { const char *s; size_t len; int plain; } str;
		struct { struct val **items; size_t len, cap; } list;
		/* seen: val_key_bit of every key; 32-bit counts keep a value
		 * in 32 bytes (listing items live for the whole render) */
		struct { struct val_entry *entries; uint32_t len, cap; uint64_t seen; } map;
	} u;
};

struct val *val_null(struct arena *a);
struct val *val_bool(struct arena *a, int b);
/* The string is copied into the arena. */
struct val *val_str(struct arena *a, const char *s);
struct val *val_strn(struct arena *a, const char *s, size_t len);
/* The string is NOT copied: it must live as long as the value (arena or static). */
struct val *val_str_ref(struct arena *a, const char *s, size_t len);
struct val *val_strf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number in decimal, as "%lld" prints it (without printf: heatmaps and
 * counts format hundreds of thousands of them). */
struct val *val_int(struct arena *a, long long n);
struct val *val_list(struct arena *a);
struct val *val_map(struct arena *a);

void val_push(struct arena *a, struct val *list, struct val *item);
/* A key's first 8 bytes (fewer, zero-padded, for a shorter key) as one
 * number; inline, so that for a literal key it is a constant. */
static inline uint64_t val_key_word(const char *key, size_t klen)
{
	uint64_t w = 0;
	memcpy(&w, key, klen < 8 ? klen : 8);
	return w;
}

/* The key's bit in a map's summary. */
static inline uint64_t val_key_bit(uint64_t word, size_t klen)
{
	return 1ULL << ((word ^ klen) * 0x9E3779B97F4A7C15ULL >> 58);
}

/* Sets key (not copied: a literal or arena string; word: its
 * val_key_word) to v; a key set again reads as its last value. */
void val_set_w(struct arena *a, struct val *map, const char *key, size_t klen, uint64_t word, struct val *v);
static inline void val_set_n(struct arena *a, struct val *map, const char *key, size_t klen, struct val *v)
{
	val_set_w(a, map, key, klen, val_key_word(key, klen), v);
}
/* Shorthands. val_set_str does NOT copy s: it must live as long as the map
 * (a literal, or a string in the same or a longer-lived arena).
 * Inline so that the compiler measures a literal key (nearly all of them)
 * once, at compile time, not in each of millions of calls. */
static inline void val_set(struct arena *a, struct val *map, const char *key, struct val *v)
{
	val_set_n(a, map, key, strlen(key), v);
}

static inline void val_set_str(struct arena *a, struct val *map, const char *key, const char *s)
{
	val_set_n(a, map, key, strlen(key), val_str_ref(a, s, strlen(s)));
}

static inline void val_set_bool(struct arena *a, struct val *map, const char *key, int b)
{
	val_set_n(a, map, key, strlen(key), val_bool(a, b));
}

/* The value under key (len bytes; word: its val_key_word), or NULL when
 * map is not a map or lacks it. */
struct val *val_get_w(const struct val *map, const char *key, size_t len, uint64_t word);
static inline struct val *val_get(const struct val *map, const char *key, size_t len)
{
	return val_get_w(map, key, len, val_key_word(key, len));
}
/* Mustache truthiness: null, false and the empty list are false; all else true. */
int val_truthy(const struct val *v);

#endif
