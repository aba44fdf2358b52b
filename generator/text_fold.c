/* Folding for search: lower(NFKC(c)) code point by code point, then the
 * Traditional → Simplified table (see search.h for why per code point: the
 * browser folds queries the same way with String.normalize and toLowerCase,
 * and a per-character table is what it can be shipped). */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "text_internal.h"
#include "xalloc.h"

#define BMP 0x10000

/* Word characters: letters, marks, numbers, and code points this ICU does
 * not know yet. Browsers carry newer Unicode than Debian's ICU: the CJK
 * extensions it adds (I, J…) are letters there, and must be here too, or a
 * name written with one would be found by neither side's rules. */
#define WORD_MASK (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_CN_MASK)

struct text_folder {
	uint32_t start[BMP + 1];	/* code point c folds to pool[start[c] .. start[c+1]) */
	uint32_t *pool;
	uint32_t ts[BMP];		/* Traditional → Simplified, 0 where unchanged */
	uint8_t word[BMP / 8];		/* categories L, M, N */
	const UNormalizer2 *nfkc;
	size_t npairs;
};

/* The Han blocks the table covers: CJK Extension A, Unified Ideographs and
 * the compatibility ideographs (which NFKC maps anyway). */
static int in_han_blocks(uint32_t c)
{
	return (c >= 0x3400 && c < 0xA000) || (c >= 0xF900 && c < 0xFB00);
}

/* One call for every character: the transliterator's rules for phrases
 * cannot reach across the newline between two characters. */
static int build_ts(struct text_folder *f)
{
	UErrorCode err = U_ZERO_ERROR;
	UTransliterator *t = utrans_openU(u"Traditional-Simplified", -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
	if (U_FAILURE(err))
		return -1;
	size_t n = 0, cap = 3 * (0xA000 - 0x3400 + 0x200) + 16;
	UChar *u = xmalloc(cap * 4 * sizeof(*u));
	for (uint32_t c = 0x3400; c < 0xFB00; c++)
		if (in_han_blocks(c)) {
			u[n++] = (UChar)c;
			u[n++] = '\n';
		}
	int32_t len = (int32_t)n, limit = len;
	utrans_transUChars(t, u, &len, (int32_t)(cap * 4), 0, &limit, &err);
	utrans_close(t);
	if (U_FAILURE(err)) {
		free(u);
		return -1;
	}
	uint32_t c = 0x3400;
	for (int32_t i = 0; i < len; c++) {
		while (!in_han_blocks(c))
			c++;
		int32_t j = i;
		while (j < len && u[j] != '\n')
			j++;
		UChar32 out;
		int32_t k = i;
		U16_NEXT(u, k, j, out);
		if (k == j && (uint32_t)out != c) {	/* one code point, changed */
			f->ts[c] = (uint32_t)out;
			f->npairs++;
		}
		i = j + 1;
	}
	free(u);
	return 0;
}

/* lower(NFKC(c)) in UTF-16; returns its length (0 on failure: keep c). */
static int32_t nfkc_lower(const UNormalizer2 *nfkc, UChar32 c, UChar *out, int32_t cap)
{
	UChar in[2], mid[64];
	int32_t n = 0;
	UBool bad = 0;
	U16_APPEND(in, n, 2, c, bad);
	(void)bad;
	UErrorCode err = U_ZERO_ERROR;
	int32_t m = unorm2_normalize(nfkc, in, n, mid, 64, &err);
	if (U_FAILURE(err))
		return 0;
	int32_t r = u_strToLower(out, cap, mid, m, "", &err);
	return U_FAILURE(err) ? 0 : r;
}

static void append_folded(const struct text_folder *f, const UChar *u, int32_t n, uint32_t **pool, size_t *len,
			  size_t *cap)
{
	for (int32_t i = 0; i < n;) {
		UChar32 y;
		U16_NEXT(u, i, n, y);
		if (*len == *cap) {
			*cap *= 2;
			*pool = xrealloc(*pool, *cap * sizeof(**pool));
		}
		(*pool)[(*len)++] = y < BMP && f->ts[y] ? f->ts[y] : (uint32_t)y;
	}
}

/* The pairs an earlier build_ts made (see memo.h), when each is one: a
 * character of the Han blocks and another that is no surrogate. */
static int take_ts(struct text_folder *f, const uint32_t *pairs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t c = pairs[2 * i], s = pairs[2 * i + 1];
		if (!in_han_blocks(c) || f->ts[c] || s == c || s == 0 || s > 0x10FFFF || (s >= 0xD800 && s < 0xE000)) {
			memset(f->ts, 0, sizeof(f->ts));
			f->npairs = 0;
			return -1;
		}
		f->ts[c] = s;
		f->npairs++;
	}
	return 0;
}

struct text_folder *text_folder_new(const uint32_t *ts_pairs, size_t npairs)
{
	struct text_folder *f = xcalloc(1, sizeof(*f));
	UErrorCode err = U_ZERO_ERROR;
	f->nfkc = unorm2_getNFKCInstance(&err);
	if (U_FAILURE(err) || ((!ts_pairs || take_ts(f, ts_pairs, npairs) < 0) && build_ts(f) < 0)) {
		free(f);
		return NULL;
	}
	size_t len = 0, cap = BMP + 4096;
	uint32_t *pool = xmalloc(cap * sizeof(*pool));
	UChar u[128];
	for (UChar32 c = 0; c < BMP; c++) {
		f->start[c] = (uint32_t)len;
		if (U_GET_GC_MASK(c) & WORD_MASK)
			f->word[c >> 3] |= (uint8_t)(1u << (c & 7));
		int32_t n = U16_IS_SURROGATE(c) ? 0 : nfkc_lower(f->nfkc, c, u, 128);
		if (n == 0) {
			u[0] = (UChar)c;
			n = 1;
		}
		append_folded(f, u, n, &pool, &len, &cap);
	}
	f->start[BMP] = (uint32_t)len;
	f->pool = pool;
	return f;
}

void text_folder_free(struct text_folder *f)
{
	if (!f)
		return;
	free(f->pool);
	free(f);
}

int text_fold_is_word(const struct text_folder *f, uint32_t c)
{
	if (c < BMP)
		return f->word[c >> 3] >> (c & 7) & 1;
	return (U_GET_GC_MASK((UChar32)c) & WORD_MASK) != 0;
}

/* Outside the BMP (rare: math letters, Extension B…), ICU is asked each time. */
static size_t fold_supplementary(const struct text_folder *f, UChar32 c, uint32_t *out)
{
	UChar u[128];
	int32_t m = nfkc_lower(f->nfkc, c, u, 128);
	if (m == 0) {
		out[0] = (uint32_t)c;
		return 1;
	}
	size_t k = 0;
	for (int32_t j = 0; j < m;) {
		UChar32 y;
		U16_NEXT(u, j, m, y);
		out[k++] = y < BMP && f->ts[y] ? f->ts[y] : (uint32_t)y;
	}
	return k;
}

size_t text_fold(const struct text_folder *f, const char *s, size_t len, uint32_t **out, size_t *cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t adv;
		UChar32 c;
		if ((unsigned char)s[i] < 0x80) {
			c = (unsigned char)s[i];
			adv = 1;
		} else {
			c = next_cp(s, len, i, &adv);
			if (c < 0)
				c = 0xFFFD;
		}
		i += adv;
		const uint32_t *from;
		uint32_t tmp[128];
		size_t k;
		if (c < BMP) {
			from = f->pool + f->start[c];
			k = f->start[c + 1] - f->start[c];
		} else {
			k = fold_supplementary(f, c, tmp);
			from = tmp;
		}
		if (n + k > *cap) {
			*cap = (n + k) * 2 + 64;
			*out = xrealloc(*out, *cap * sizeof(**out));
		}
		memcpy(*out + n, from, k * sizeof(*from));
		n += k;
	}
	return n;
}

uint32_t *text_folder_ts_table(const struct text_folder *f, size_t *n)
{
	uint32_t *pairs = xmalloc((f->npairs + 1) * 2 * sizeof(*pairs));
	*n = 0;
	for (uint32_t c = 0; c < BMP; c++)
		if (f->ts[c]) {
			pairs[2 * *n] = c;
			pairs[2 * *n + 1] = f->ts[c];
			(*n)++;
		}
	return pairs;
}

void text_fold_ts_pairs(const struct text_folder *f, struct buf *out)
{
	UChar u[4];
	for (uint32_t c = 0; c < BMP; c++) {
		if (!f->ts[c])
			continue;
		int32_t n = 0;
		UBool bad = 0;
		U16_APPEND(u, n, 4, (UChar32)c, bad);
		U16_APPEND(u, n, 4, (UChar32)f->ts[c], bad);
		(void)bad;
		text_buf_add_u16(out, u, n);
	}
}
