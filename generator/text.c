#include "text.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uclean.h>
#include <unicode/ucol.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "text_internal.h"
#include "xalloc.h"

#define SLUG_MAX_INPUT ((size_t)64 * 1024)

/* UTF-8 → UTF-16, ill-formed sequences as U+FFFD. UTF-16 never needs more
 * units than UTF-8 has bytes, so one pass suffices. */
void text_ustr_from_utf8(struct ustr *u, const char *s, size_t len)
{
	len = clamp_len(s, len, TEXT_MAX_LEN);
	ustr_reserve(u, len + 1);
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u->p, u->cap, &u->len, s, (int32_t)len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		u->len = 0;
}

/* Appends UTF-16 as UTF-8: at most 3 bytes per unit. */
void text_buf_add_u16(struct buf *out, const UChar *u, int32_t n)
{
	if (n <= 0)
		return;
	buf_grow(out, (size_t)n * 3);
	UErrorCode e = U_ZERO_ERROR;
	int32_t got = 0;
	u_strToUTF8WithSub(out->data + out->len, (int32_t)((size_t)n * 3 + 1), &got, u, n, 0xFFFD,
			   NULL, &e);
	if (U_FAILURE(e))
		got = 0;
	out->len += (size_t)got;
	out->data[out->len] = '\0';
}

/* Steps over ASCII at p[i]: eight bytes at once where eight in a row are
 * ASCII (markup, digits, the archive's ASCII commas), else one. */
static inline int32_t step_ascii(const uint8_t *p, int32_t i, int32_t n)
{
	if (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (!(w & 0x8080808080808080ull))
			return i + 8;
	}
	return i + 1;
}

/* Decodes the character at p[*i] (non-ASCII), advancing *i; -1 when it is
 * ill-formed. Three-byte characters with a lead byte whose every
 * continuation is allowed (E1–EC, EE–EF: all of CJK) are decoded on the
 * spot; everything else goes through ICU's strict U8_NEXT. */
static inline UChar32 decode(const uint8_t *p, int32_t *i, int32_t n)
{
	int32_t k = *i;
	uint8_t b0 = p[k];
	if (b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && k + 2 < n &&
	    (p[k + 1] & 0xC0) == 0x80 && (p[k + 2] & 0xC0) == 0x80) {
		*i = k + 3;
		return ((UChar32)(b0 & 0x0F) << 12) | ((UChar32)(p[k + 1] & 0x3F) << 6) | (p[k + 2] & 0x3F);
	}
	UChar32 c;
	U8_NEXT(p, k, n, c);
	*i = k;
	return c;
}

int text_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const uint8_t *p = (const uint8_t *)s;
	int32_t n = len > TEXT_MAX_LEN ? (int32_t)TEXT_MAX_LEN : (int32_t)len;
	int32_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i = step_ascii(p, i, n);
			continue;
		}
		int32_t start = i;
		UChar32 c = decode(p, &i, n);
		if (c < 0) {
			if (bad)
				*bad = (size_t)start;
			return 0;
		}
	}
	return 1;
}

/* ICU's answer to "is it inert under NFC?" for every BMP character, asked
 * once per process (65,536 trie lookups, ~1 ms) instead of once per
 * character of every article. */
static uint8_t inert_bits[0x10000 / 8];
static pthread_once_t inert_once = PTHREAD_ONCE_INIT;

static void fill_inert_table(void)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	if (U_FAILURE(e))
		return;		/* all zero: every text takes ICU's full path */
	for (UChar32 c = 0; c < 0x10000; c++)
		if (unorm2_isInert(nfc, c))
			inert_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static const uint8_t *inert_table(void)
{
	pthread_once(&inert_once, fill_inert_table);
	return inert_bits;
}

/* text_nfc; with as_is, text that is NFC already is not copied to out
 * (returns 1). */
static int nfc(const char *s, size_t len, struct buf *out, int as_is)
{
	if (len > TEXT_MAX_LEN)
		return -1;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	if (U_FAILURE(e))
		return -1;
	/* Fast path, one pass: text whose every character ICU calls inert (no
	 * change under NFC and no interaction with its neighbours: ASCII, Han,
	 * CJK punctuation) is NFC as it stands, and most text is. */
	const uint8_t *bmp_inert = inert_table();
	const uint8_t *p = (const uint8_t *)s;
	int32_t end = (int32_t)len, i = 0;
	int inert = 1;
	while (i < end) {
		if (p[i] < 0x80) {
			i = step_ascii(p, i, end);
			continue;
		}
		UChar32 c = decode(p, &i, end);
		if (c < 0)
			return -1;
		if (inert && !(c < 0x10000 ? (bmp_inert[c >> 3] >> (c & 7)) & 1 : unorm2_isInert(nfc, c)))
			inert = 0;
	}
	if (inert) {
		if (as_is)
			return 1;
		buf_add(out, s, len);
		return 0;
	}
	int ret = -1;
	struct ustr src = { 0 }, dst = { 0 };
	text_ustr_from_utf8(&src, s, len);
	if (unorm2_isNormalized(nfc, src.p, src.len, &e) && U_SUCCESS(e)) {
		if (as_is) {
			ret = 1;
			goto out;
		}
		buf_add(out, s, len);
		ret = 0;
		goto out;
	}
	/* Composition only shortens; decomposition (rare in NFC) may grow. */
	ustr_reserve(&dst, (size_t)src.len + 16);
	e = U_ZERO_ERROR;
	int32_t n = unorm2_normalize(nfc, src.p, src.len, dst.p, dst.cap, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR) {
		ustr_reserve(&dst, (size_t)n + 1);
		e = U_ZERO_ERROR;
		n = unorm2_normalize(nfc, src.p, src.len, dst.p, dst.cap, &e);
	}
	if (U_FAILURE(e))
		goto out;
	text_buf_add_u16(out, dst.p, n);
	ret = 0;
out:
	free(src.p);
	free(dst.p);
	return ret;
}

int text_nfc(const char *s, size_t len, struct buf *out)
{
	return nfc(s, len, out, 0);
}

int text_nfc_unless_nfc(const char *s, size_t len, struct buf *out)
{
	return nfc(s, len, out, 1);
}

/* ---- slugs ---- */

struct text_slugger {
	UTransliterator *tr;
	struct ustr u;
};

/* "Han-Latin/Names; Latin-ASCII" with pinyin ü written v. A Latin ü in the
 * input is made u first, so the only ü left for the v rule are those
 * Han-Latin wrote (Zürich stays "zurich"). That first pass cannot be
 * ":: [^[:Han:]] Latin-ASCII": ICU 72 applies a filter on the first "::"
 * line to the whole transliterator, and Han was never converted.
 * Filtering Han-Latin to Han gives the same pinyin and is ten times faster on
 * Latin text. */
static const char slug_rules[] =
	"[üǖǘǚǜ] > u ; [ÜǕǗǙǛ] > U ;\n"
	":: [:Han:] Han-Latin/Names ;\n"
	"[ǖǘǚǜü] > v ;\n"
	":: Latin-ASCII ;\n";

struct text_slugger *text_slugger_new(void)
{
	UChar id[] = { 'x', '-', 's', 'l', 'u', 'g', 0 };
	UChar rules[sizeof(slug_rules)];
	UErrorCode e = U_ZERO_ERROR;
	int32_t n = 0;
	u_strFromUTF8(rules, (int32_t)(sizeof(rules) / sizeof(*rules)), &n, slug_rules, -1, &e);
	if (U_FAILURE(e))
		return NULL;
	UParseError pe;
	UTransliterator *tr = utrans_openU(id, -1, UTRANS_FORWARD, rules, n, &pe, &e);
	if (U_FAILURE(e))
		return NULL;
	struct text_slugger *sl = xcalloc(1, sizeof(*sl));
	sl->tr = tr;
	return sl;
}

void text_slugger_free(struct text_slugger *sl)
{
	if (!sl)
		return;
	utrans_close(sl->tr);
	free(sl->u.p);
	free(sl);
}

static int is_han(UChar32 c)
{
	UErrorCode e = U_ZERO_ERROR;
	return uscript_getScript(c, &e) == USCRIPT_HAN;
}

/* Decodes s into u with a space wherever Han meets anything else: Han-Latin
 * does not separate a syllable from a following digit (共有51户 would give
 * "gong-you51-hu"). Runs of Han stay whole, so Names sees the same runs.
 * Each inserted space follows a character of at least one byte, so 2 units
 * per byte suffice. */
static void slug_input(struct ustr *u, const char *s, size_t len)
{
	ustr_reserve(u, 2 * len + 1);
	u->len = 0;
	int prev = -1;	/* is the previous character Han? -1 at the start */
	for (size_t i = 0, adv; i < len; i += adv) {
		UChar32 c = next_cp(s, len, i, &adv);
		if (c < 0)
			c = 0xFFFD;
		int han = is_han(c);
		if (prev >= 0 && han != prev)
			u->p[u->len++] = ' ';
		prev = han;
		U16_APPEND_UNSAFE(u->p, u->len, c);
	}
}

/* Transliterates s into sl->u. A Han character (1 unit plus a space) becomes
 * at most 7 ("zhuang "): try 8 units per unit, and again with the exact size
 * when ICU reports more (some symbols expand further). */
static int transliterate(struct text_slugger *sl, const char *s, size_t len)
{
	if (text_is_ascii(s, len)) {	/* the rules leave ASCII as it is */
		ustr_reserve(&sl->u, len + 1);
		for (size_t i = 0; i < len; i++)
			sl->u.p[i] = (UChar)s[i];
		sl->u.len = (int32_t)len;
		return 0;
	}
	if (!sl->tr)
		return -1;
	size_t want = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		slug_input(&sl->u, s, len);
		if (!want)
			want = (size_t)sl->u.len * 8 + 16;
		ustr_reserve(&sl->u, want);
		int32_t n = sl->u.len, limit = n;
		UErrorCode e = U_ZERO_ERROR;
		utrans_transUChars(sl->tr, sl->u.p, &n, sl->u.cap, 0, &limit, &e);
		if (U_SUCCESS(e) && n <= sl->u.cap) {
			sl->u.len = n;
			return 0;
		}
		if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
			return -1;
		want = (size_t)n + 1;
	}
	return -1;
}

/* Lower-cases ASCII letters; every other run of characters becomes one '-'
 * between words. Non-ASCII leftovers (Cyrillic, emoji…) are separators. */
static void add_slug_words(struct buf *out, const UChar *u, int32_t n)
{
	size_t start = out->len;
	int sep = 0;
	for (int32_t i = 0; i < n; i++) {
		UChar c = u[i];
		if (c >= 'A' && c <= 'Z')
			c = (UChar)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep && out->len > start)
				buf_addch(out, '-');
			sep = 0;
			buf_addch(out, (char)c);
		} else {
			sep = 1;
		}
	}
}

/* Slack past max that a slug made from a prefix of the name must have to be
 * kept: the last few characters of a cut name may transliterate otherwise
 * than in the whole (a Han run cut short); a Han character gives at most 7. */
#define SLUG_MARGIN 32

int text_is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int text_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A digit's value with 0x10 set; 0 for anything else. */
#define HEX_DIGITS(base, first, n) \
	[first] = 0x10 | (base), [first + 1] = 0x10 | (base + 1), [first + 2] = 0x10 | (base + 2), \
	[first + 3] = 0x10 | (base + 3), [first + 4] = 0x10 | (base + 4), [first + 5] = 0x10 | (base + 5)
static const unsigned char hex_value[256] = {
	HEX_DIGITS(0, '0', 6), [ '6' ] = 0x16, [ '7' ] = 0x17, [ '8' ] = 0x18, [ '9' ] = 0x19,
	HEX_DIGITS(10, 'a', 6), HEX_DIGITS(10, 'A', 6),
};

/* By table, without a branch a digit: the build state's records hold
 * 150,000 digests at 50,000 reports, read by every build (9 ms by the
 * loop of text_hex_digit). */
int text_hex16(const char *p, uint64_t *v)
{
	uint64_t h = 0;
	unsigned all = 0x10;
	for (int i = 0; i < 16; i++) {
		unsigned d = hex_value[(unsigned char)p[i]];
		all &= d;
		h = h << 4 | (d & 15);
	}
	if (!all)
		return -1;
	*v = h;
	return 0;
}

void text_slugify_ascii(const char *s, size_t len, size_t max, struct buf *out)
{
	struct text_slugger ascii = { 0 };	/* no transliterator: none is needed */
	text_slugify(&ascii, s, len, max, out);
	free(ascii.u.p);
}

void text_slugify(struct text_slugger *sl, const char *s, size_t len, size_t max, struct buf *out)
{
	size_t start = out->len;
	/* A slug of max characters needs only the name's beginning: transliterate
	 * a prefix, a longer one only when it gave too little (a 1.2 MB article
	 * with 20 long Han tags spent 9.5 s on 64 KB of each for 48 characters). */
	len = clamp_len(s, len, SLUG_MAX_INPUT);
	size_t take = max ? max + SLUG_MARGIN : len;
	for (;;) {
		size_t n = clamp_len(s, len, take);
		buf_truncate(out, start);
		if (transliterate(sl, s, n) == 0)
			add_slug_words(out, sl->u.p, sl->u.len);
		if (n == len || out->len - start > max + SLUG_MARGIN)
			break;
		take *= 4;
	}
	if (max && out->len - start > max) {
		size_t cut = max;	/* a first word longer than max is cut inside */
		for (size_t i = max; i > 0; i--) {
			if (out->data[start + i] == '-') {
				cut = i;
				break;
			}
		}
		buf_truncate(out, start + cut);
	}
	if (out->len == start)
		buf_addch(out, 'x');
}

/* ---- collation ---- */

struct text_collator {
	UCollator *coll;
};

struct text_collator *text_collator_new(void)
{
	UErrorCode e = U_ZERO_ERROR;
	UCollator *coll = ucol_open("zh", &e);
	if (U_FAILURE(e))
		return NULL;
	struct text_collator *c = xcalloc(1, sizeof(*c));
	c->coll = coll;
	return c;
}

void text_collator_free(struct text_collator *c)
{
	if (!c)
		return;
	ucol_close(c->coll);
	free(c);
}

int text_collate(const struct text_collator *c, const char *a, const char *b)
{
	UErrorCode e = U_ZERO_ERROR;
	UCollationResult r = ucol_strcollUTF8(c->coll, a, -1, b, -1, &e);
	if (U_FAILURE(e))
		return strcmp(a, b);
	return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

/* The collator is shared between threads, so the scratch space is local:
 * on the stack for the usual short name. */
const char *text_sort_key(const struct text_collator *c, struct arena *a, const char *s)
{
	size_t len = clamp_len(s, strlen(s), TEXT_MAX_LEN);
	UChar small[128];
	struct ustr u = { small, 0, (int32_t)(sizeof(small) / sizeof(*small)) };
	if (len + 1 > (size_t)u.cap) {
		u.p = xmalloc((len + 1) * sizeof(*u.p));
		u.cap = (int32_t)len + 1;
	}
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u.p, u.cap, &u.len, s, (int32_t)len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		u.len = 0;
	uint8_t key[512];
	char *ret;
	/* The returned length counts the terminating NUL. */
	int32_t n = ucol_getSortKey(c->coll, u.p, u.len, key, (int32_t)sizeof(key));
	if (n <= 0) {
		ret = arena_strdup(a, "");
	} else if ((size_t)n <= sizeof(key)) {
		ret = arena_strndup(a, (const char *)key, (size_t)n - 1);
	} else {
		ret = arena_alloc(a, (size_t)n);
		ucol_getSortKey(c->coll, u.p, u.len, (uint8_t *)ret, n);
	}
	if (u.p != small)
		free(u.p);
	return ret;
}

/* ---- edit distance ---- */

static UChar32 *decode_all(const char *s, size_t *n)
{
	size_t len = strlen(s);
	UChar32 *cp = xmalloc((len + 1) * sizeof(*cp));
	*n = 0;
	for (size_t i = 0, adv; i < len; i += adv) {
		UChar32 c = next_cp(s, len, i, &adv);
		cp[(*n)++] = c < 0 ? 0xFFFD : c;
	}
	return cp;
}

size_t text_distance(const char *a, const char *b)
{
	size_t na, nb;
	UChar32 *x = decode_all(a, &na), *y = decode_all(b, &nb);
	size_t *row = xmalloc((nb + 1) * sizeof(*row));
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];	/* row[i-1][j-1] */
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (x[i - 1] != y[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[nb];
	free(row);
	free(x);
	free(y);
	return d;
}

/* ICU mostly reports a failed allocation, but not everywhere: version 72
 * crashes when one fails while it loads its transliterators. Memory that
 * never fails (the program exits first, as xmalloc does) is the safe side. */
static void *icu_alloc(const void *context, size_t size)
{
	(void)context;
	return xmalloc(size);
}

static void *icu_realloc(const void *context, void *p, size_t size)
{
	(void)context;
	return xrealloc(p, size);
}

static void icu_free(const void *context, void *p)
{
	(void)context;
	free(p);
}

void text_init(void)
{
	UErrorCode e = U_ZERO_ERROR;
	u_setMemoryFunctions(NULL, icu_alloc, icu_realloc, icu_free, &e);
}

void text_cleanup(void)
{
	u_cleanup();
}

int text_is_blank(const char *s)
{
	int32_t i = 0, n = (int32_t)strlen(s);
	while (i < n) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0 || !u_isUWhiteSpace(c))
			return 0;
	}
	return 1;
}
