#include "imagesize.h"

#include <string.h>
#include <strings.h>

enum image_type image_type_of_name(const char *name)
{
	static const struct { const char *ext; enum image_type t; } exts[] = {
		{ ".png", IMAGE_PNG }, { ".jpg", IMAGE_JPEG }, { ".jpeg", IMAGE_JPEG }, { ".webp", IMAGE_WEBP },
		{ ".gif", IMAGE_GIF }, { ".svg", IMAGE_SVG }, { ".avif", IMAGE_AVIF },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		size_t k = strlen(exts[i].ext);
		if (n > k && strcasecmp(name + n - k, exts[i].ext) == 0)
			return exts[i].t;
	}
	return IMAGE_NONE;
}

const char *image_type_name(enum image_type t)
{
	static const char *const names[] = { "unknown", "PNG", "JPEG", "WebP", "GIF", "SVG", "AVIF" };
	return names[t];
}

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int starts(const unsigned char *p, size_t n, const char *magic, size_t k)
{
	return n >= k && memcmp(p, magic, k) == 0;
}

/* An SVG is text with an <svg element; nothing short of parsing XML says
 * more, and its size needs no reading (see the header). */
static int is_svg(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (p[i] == '<' && memcmp(p + i, "<svg", 4) == 0)
			return 1;
	return 0;
}

/* ISO base media: a first box 'ftyp' naming the brand avif or avis. */
static int is_avif(const unsigned char *p, size_t n)
{
	if (n < 16 || memcmp(p + 4, "ftyp", 4) != 0)
		return 0;
	size_t box = be32(p);
	if (box < 16 || box > n)
		return 0;
	for (size_t i = 8; i + 4 <= box; i += 4)	/* the major brand, then the compatible ones */
		if (memcmp(p + i, "avif", 4) == 0 || memcmp(p + i, "avis", 4) == 0)
			return 1;
	return 0;
}

/* The type the bytes say, from their signature alone. */
static enum image_type sniff(const unsigned char *p, size_t n)
{
	if (starts(p, n, "\x89PNG\r\n\x1a\n", 8))
		return IMAGE_PNG;
	if (starts(p, n, "\xff\xd8\xff", 3))
		return IMAGE_JPEG;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return IMAGE_WEBP;
	if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6))
		return IMAGE_GIF;
	if (is_avif(p, n))
		return IMAGE_AVIF;
	if (is_svg(p, n))
		return IMAGE_SVG;
	return IMAGE_NONE;
}

static int png_size(const unsigned char *p, size_t n, struct image_size *out, const char **why)
{
	/* signature, then the first chunk, which must be IHDR: length 13, type, width, height */
	if (n < 24) {
		*why = "truncated PNG header";
		return -1;
	}
	if (memcmp(p + 12, "IHDR", 4) != 0 || be32(p + 8) != 13) {
		*why = "PNG without an IHDR chunk first";
		return -1;
	}
	out->width = be32(p + 16);
	out->height = be32(p + 20);
	if (!out->width || !out->height || out->width > 0x7fffffff || out->height > 0x7fffffff) {
		*why = "PNG with an impossible size (the format allows 1 to 2^31-1 pixels a side)";
		return -1;
	}
	return 0;
}

static int gif_size(const unsigned char *p, size_t n, struct image_size *out, const char **why)
{
	if (n < 10) {
		*why = "truncated GIF header";
		return -1;
	}
	out->width = le16(p + 6);
	out->height = le16(p + 8);
	return 0;
}

/* RIFF, size, WEBP, then the first chunk's fourcc and size at 12, its data at 20. */
static int webp_size(const unsigned char *p, size_t n, struct image_size *out, const char **why)
{
	*why = "truncated WebP header";
	if (n < 21)
		return -1;
	const unsigned char *c = p + 20;
	if (memcmp(p + 12, "VP8 ", 4) == 0) {
		/* a 3-byte frame tag, the start code, then 14-bit sizes (2 bits of scale above) */
		if (n < 30)
			return -1;
		if (memcmp(c + 3, "\x9d\x01\x2a", 3) != 0) {
			*why = "WebP (VP8) without its start code";
			return -1;
		}
		out->width = le16(c + 6) & 0x3fff;
		out->height = le16(c + 8) & 0x3fff;
	} else if (memcmp(p + 12, "VP8L", 4) == 0) {
		/* the signature byte 0x2f, then width-1 and height-1 in 14 bits each */
		if (n < 25)
			return -1;
		if (c[0] != 0x2f) {
			*why = "WebP (VP8L) without its signature";
			return -1;
		}
		uint32_t bits = (uint32_t)c[1] | (uint32_t)c[2] << 8 | (uint32_t)c[3] << 16 | (uint32_t)c[4] << 24;
		out->width = (bits & 0x3fff) + 1;
		out->height = ((bits >> 14) & 0x3fff) + 1;
	} else if (memcmp(p + 12, "VP8X", 4) == 0) {
		/* flags, 3 reserved bytes, then canvas width-1 and height-1 in 24 bits each */
		if (n < 30)
			return -1;
		out->width = le24(c + 4) + 1;
		out->height = le24(c + 7) + 1;
		if ((uint64_t)out->width * out->height > 0xffffffffu) {	/* the format's own limit */
			*why = "WebP (VP8X) with an impossible size (its canvas may hold at most 2^32-1 pixels)";
			return -1;
		}
	} else {
		*why = "WebP whose first chunk is not VP8, VP8L or VP8X";
		return -1;
	}
	return 0;
}

/* SOF0–SOF15 carry the frame's size; C4 (DHT), C8 (JPG) and CC (DAC) share
 * their range but are other segments. */
static int is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Walks the segments after SOI up to the first frame header. Each step
 * moves forward by at least two bytes, so the walk ends. */
static int jpeg_size(const unsigned char *p, size_t n, struct image_size *out, const char **why)
{
	size_t i = 2;
	for (;;) {
		if (i >= n || p[i] != 0xff) {
			*why = i >= n ? "truncated JPEG: no frame header (SOF)" : "corrupt JPEG: a segment does not start with a marker";
			return -1;
		}
		while (i < n && p[i] == 0xff)	/* fill bytes */
			i++;
		if (i >= n)
			continue;
		unsigned m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8))
			continue;	/* TEM, RSTn, SOI: no length */
		if (m == 0xd9 || m == 0xda) {
			*why = "corrupt JPEG: image data before any frame header (SOF)";
			return -1;
		}
		if (i + 2 > n) {
			i = n;	/* reported as truncated above */
			continue;
		}
		size_t len = be16(p + i);
		if (len < 2) {
			*why = "corrupt JPEG: a segment length under 2";
			return -1;
		}
		if (is_sof(m)) {
			/* length, precision, height, width */
			if (len < 8 || i + 7 > n) {
				*why = "truncated JPEG frame header (SOF)";
				return -1;
			}
			out->height = be16(p + i + 3);
			out->width = be16(p + i + 5);
			return 0;
		}
		i += len;
	}
}

int image_size_read(const unsigned char *p, size_t n, enum image_type want, struct image_size *out,
		    const char **why)
{
	out->type = sniff(p, n);
	out->width = out->height = 0;
	if (out->type == IMAGE_NONE) {
		*why = n < 12 ? "too short to be an image" : "not an image of a known type (PNG, JPEG, WebP, GIF, SVG, AVIF)";
		return -1;
	}
	if (out->type != want)
		return -2;
	int r = 0;
	switch (out->type) {
	case IMAGE_PNG: r = png_size(p, n, out, why); break;
	case IMAGE_JPEG: r = jpeg_size(p, n, out, why); break;
	case IMAGE_WEBP: r = webp_size(p, n, out, why); break;
	case IMAGE_GIF: r = gif_size(p, n, out, why); break;
	default: return 0;	/* SVG, AVIF: no size */
	}
	if (r == 0 && (out->width == 0 || out->height == 0)) {
		*why = "an image with a width or height of 0";
		r = -1;
	}
	if (r < 0)
		out->width = out->height = 0;
	return r;
}
