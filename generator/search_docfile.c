/* An earlier build's d/ file read back (search.c writes it): the title and
 * the text after it, "x" as it is or "z" inflated with the dictionary, exactly as they were
 * indexed, for search_patch.c to take the old postings out. */
#define _GNU_SOURCE	/* memmem */
#include "search_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "search_codec.h"
#include "xalloc.h"

static void add_utf8(struct buf *b, uint32_t c)
{
	char u[4];
	int32_t i = 0;
	UBool err = 0;
	U8_APPEND(u, i, 4, c, err);
	if (!err)
		buf_add(b, u, (size_t)i);
}

static int hex4(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/* A JSON string at s[*i] (its opening quote) into out. */
static int json_string(const char *s, size_t len, size_t *i, struct buf *out)
{
	if (*i >= len || s[*i] != '"')
		return -1;
	for (size_t j = *i + 1; j < len; j++) {
		char c = s[j];
		if (c == '"') {
			*i = j + 1;
			return 0;
		}
		if (c != '\\') {
			buf_addch(out, c);
			continue;
		}
		if (++j >= len)
			return -1;
		uint32_t u;
		switch (s[j]) {
		case '"': case '\\': case '/': buf_addch(out, s[j]); break;
		case 'n': buf_addch(out, '\n'); break;
		case 't': buf_addch(out, '\t'); break;
		case 'r': buf_addch(out, '\r'); break;
		case 'b': buf_addch(out, '\b'); break;
		case 'f': buf_addch(out, '\f'); break;
		case 'u':
			/* search.c writes \u only for controls and U+2028/9 */
			if (j + 4 >= len || hex4(s + j + 1, &u) < 0 || (u >= 0xd800 && u < 0xe000))
				return -1;
			add_utf8(out, u);
			j += 4;
			break;
		default: return -1;
		}
	}
	return -1;
}

/* Raw inflate of in[0..n) with dict as the window before it into out. */
static int inflate_raw(const unsigned char *in, size_t n, const struct buf *dict, struct buf *out)
{
	z_stream zs = { 0 };
	if (inflateInit2(&zs, -15) != Z_OK)
		return -1;
	int r = dict->len && inflateSetDictionary(&zs, (const Bytef *)dict->data, (uInt)dict->len) != Z_OK ? -1 : 0;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	int z = Z_OK;
	while (r == 0) {
		buf_grow(out, 4 * n + 1024);
		zs.next_out = (Bytef *)out->data + out->len;
		zs.avail_out = (uInt)(out->cap - out->len - 1);
		size_t room = zs.avail_out;
		z = inflate(&zs, Z_NO_FLUSH);
		out->len += room - zs.avail_out;
		if (z != Z_OK)
			break;	/* the end, or an error (Z_BUF_ERROR: input cut short) */
	}
	inflateEnd(&zs);
	return r == 0 && z == Z_STREAM_END && zs.avail_in == 0 ? 0 : -1;
}

/* "z": b91 of raw deflate of UTF-16LE with the dictionary (search.c) → the
 * text in UTF-8. */
static int unzip_text(const char *b91, size_t len, const struct buf *dict, struct buf *out, struct buf *tmp)
{
	buf_reset(tmp);
	if (search_b91_decode(b91, len, tmp) < 0)
		return -1;
	struct buf u16 = BUF_INIT;
	int ok = inflate_raw((const unsigned char *)tmp->data, tmp->len, dict, &u16) == 0 && u16.len % 2 == 0;
	size_t units = u16.len / 2;
	UChar *u = xmalloc((units + 1) * sizeof(*u));
	for (size_t i = 0; ok && i < units; i++)
		u[i] = (UChar)((unsigned char)u16.data[2 * i] | (unsigned char)u16.data[2 * i + 1] << 8);
	buf_free(&u16);
	if (ok) {
		int32_t n = 0;
		UErrorCode e = U_ZERO_ERROR;
		buf_grow(out, 3 * units + 1);
		u_strToUTF8(out->data + out->len, (int32_t)(3 * units + 1), &n, u, (int32_t)units, &e);
		ok = U_SUCCESS(e);
		if (ok) {
			out->len += (size_t)n;
			out->data[out->len] = 0;
		}
	}
	free(u);
	return ok ? 0 : -1;
}

int search_read_dict(const char *dz, size_t len, struct buf *dict)
{
	struct buf z = BUF_INIT;
	buf_reset(dict);
	int r = search_b91_decode(dz, len, &z) < 0 || (len && inflate_raw((const unsigned char *)z.data, z.len,
									    &(struct buf)BUF_INIT, dict) < 0) ? -1 : 0;
	buf_free(&z);
	return r;
}

int search_meta_dz(const char *s, size_t len, struct buf *dz)
{
	const char *f = len ? memmem(s, len, ",\"dz\":\"", 7) : NULL;
	if (!f || len < 5 || memcmp(s + len - 5, "\"});\n", 5) != 0)
		return -1;
	f += 7;
	*dz = (struct buf){ (char *)f, (size_t)(s + len - 5 - f), 0 };
	return 0;
}

int search_read_url(const char *s, size_t len, size_t n, struct buf *url)
{
	char head[64];
	size_t i = (size_t)snprintf(head, sizeof(head), "sitegenSearch.d(%zu,{\"u\":", n);
	buf_reset(url);
	return len < i || memcmp(s, head, i) != 0 || json_string(s, len, &i, url) < 0 ? -1 : 0;
}

int search_read_document(const char *s, size_t len, size_t n, const struct buf *dict, struct buf *title,
			 struct buf *text, struct buf *tmp)
{
	char head[64];
	size_t i = (size_t)snprintf(head, sizeof(head), "sitegenSearch.d(%zu,{", n);
	if (len < i + 4 || memcmp(s, head, i) != 0 || memcmp(s + len - 4, "});\n", 4) != 0)
		return -1;
	len -= 4;
	int have_title = 0, have_text = 0, bad = 0;
	struct buf key = BUF_INIT, val = BUF_INIT;
	for (int first = 1; !bad && i < len; first = 0) {
		buf_reset(&key);
		buf_reset(&val);
		if ((!first && s[i++] != ',') || json_string(s, len, &i, &key) < 0 || i >= len || s[i++] != ':') {
			bad = 1;
			break;
		}
		if (i < len && s[i] == '"') {
			bad = json_string(s, len, &i, &val) < 0;
		} else {
			size_t from = i;
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
			bad = i == from;
		}
		if (bad)
			break;
		if (strcmp(key.data, "t") == 0) {
			buf_reset(title);
			buf_add(title, val.data, val.len);
			have_title++;
		} else if (strcmp(key.data, "x") == 0) {
			buf_reset(text);
			buf_add(text, val.data, val.len);
			have_text++;
		} else if (strcmp(key.data, "z") == 0) {
			buf_reset(text);
			bad = unzip_text(val.data, val.len, dict, text, tmp) < 0;
			have_text++;
		}
	}
	buf_free(&key);
	buf_free(&val);
	return bad || i != len || have_title != 1 || have_text != 1 ? -1 : 0;
}

