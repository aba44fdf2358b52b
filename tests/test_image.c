/* Unit tests of the image header reader (imagesize.c): the size of each
 * type and variant, and every truncation of each header refused without a
 * read past its end (run under ASan by `make asan`: each prefix is copied
 * into a buffer of exactly its length). */
#include <stdlib.h>
#include <string.h>

#include "imagesize.h"

#include "check.h"

struct sample {
	const char *what;
	enum image_type type;
	const char *bytes;
	size_t len;
	unsigned w, h;
	size_t need;	/* the bytes the reader must see: the end of the size's field */
};

#define S(what, type, lit, w, h, need) { what, type, lit, sizeof(lit) - 1, w, h, need }

static const struct sample samples[] = {
	S("PNG", IMAGE_PNG, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\x2c\0\0\0\xc8\x08\x02\0\0\0", 300, 200, 24),
	S("GIF", IMAGE_GIF, "GIF89a\x40\x01\xf0\x00\x00\x00\x00;", 320, 240, 10),
	S("JPEG baseline (SOF0) after APP0 and DQT", IMAGE_JPEG,
	  "\xff\xd8\xff\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
	  "\xff\xdb\x00\x04\x00\x00"
	  "\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 640, 480, 35),
	S("JPEG progressive (SOF2) after DHT (C4, not a frame) and fill bytes", IMAGE_JPEG,
	  "\xff\xd8\xff\xc4\x00\x04\x00\x00\xff\xff"
	  "\xff\xc2\x00\x0b\x08\x00\x10\x00\x20\x01\x01\x11\x00", 32, 16, 19),
	S("WebP lossy (VP8)", IMAGE_WEBP,
	  "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x30\x01\x00\x9d\x01\x2a\x90\x01\x2c\x01\0\0", 400, 300, 30),
	S("WebP lossless (VP8L)", IMAGE_WEBP, "RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\x63\xc0\x11\x00", 100, 72, 25),
	S("WebP extended (VP8X)", IMAGE_WEBP,
	  "RIFF\x1e\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0\x1f\x03\x00\x57\x02\x00", 800, 600, 30),
};

/* p[0..n) in a buffer of its own, so that ASan sees a read past n. */
static int read_exact(const char *p, size_t n, enum image_type want, struct image_size *out, const char **why)
{
	unsigned char *copy = malloc(n ? n : 1);
	memcpy(copy, p, n);
	int r = image_size_read(copy, n, want, out, why);
	free(copy);
	return r;
}

static void test_sizes(void)
{
	char what[200];
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		const struct sample *s = &samples[i];
		struct image_size sz;
		const char *why = NULL;
		int r = read_exact(s->bytes, s->len, s->type, &sz, &why);
		snprintf(what, sizeof(what), "%s: %ux%u", s->what, s->w, s->h);
		check(what, r == 0 && sz.type == s->type && sz.width == s->w && sz.height == s->h);
	}
}

/* Every prefix shorter than the header is refused with a reason; every
 * longer one gives the size. */
static void test_truncated(void)
{
	char what[200];
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		const struct sample *s = &samples[i];
		int all = 1;
		for (size_t n = 0; n <= s->len; n++) {
			struct image_size sz;
			const char *why = NULL;
			int r = read_exact(s->bytes, n, s->type, &sz, &why);
			int ok = n < s->need ? r < 0 && sz.width == 0 && (r == -2 || why)
					     : r == 0 && sz.width == s->w && sz.height == s->h;
			if (!ok) {
				printf("#   %zu bytes: %d %ux%u\n", n, r, sz.width, sz.height);
				all = 0;
			}
		}
		snprintf(what, sizeof(what), "%s: its %zu prefixes shorter than the header are refused, the rest read",
			 s->what, s->need);
		check(what, all);
	}
}

static void test_corrupt(void)
{
	struct image_size sz;
	const char *why = NULL;
	check("a JPEG whose segment length is 0 is refused, not looped on",
	      read_exact("\xff\xd8\xff\xe1\x00\x00\xff\xc0\x00\x11\x08\x00\x01\x00\x01", 15, IMAGE_JPEG, &sz, &why) == -1);
	check("a JPEG with image data (SOS) before its frame header is refused",
	      read_exact("\xff\xd8\xff\xda\x00\x02\x00\x00\x00\x00\x00\x00", 12, IMAGE_JPEG, &sz, &why) == -1);
	check("a JPEG with a height of 0 (DNL) is refused",
	      read_exact("\xff\xd8\xff\xc0\x00\x0b\x08\x00\x00\x00\x10\x01\x01\x11\x00", 15, IMAGE_JPEG, &sz, &why) == -1);
	check("a PNG whose first chunk is not IHDR is refused",
	      read_exact("\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT\0\0\x01\x2c\0\0\0\xc8\x08\x02\0\0\0", 29, IMAGE_PNG, &sz, &why) == -1);
	check("a JPEG named .png is another type (-2), and says which",
	      read_exact("\xff\xd8\xff\xe0", 4, IMAGE_PNG, &sz, &why) == -2 && sz.type == IMAGE_JPEG);
	check("a PNG of 0xFFFFFFFF pixels a side (the format allows 2^31-1) is refused",
	      read_exact("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\xff\xff\xff\xff\xff\xff\xff\xff\x08\x02\0\0\0", 29, IMAGE_PNG, &sz,
			 &why) == -1);
	check("a WebP (VP8X) canvas of 2^24 x 2^24 (more than 2^32-1 pixels) is refused",
	      read_exact("RIFF\xff\xff\xff\xffWEBPVP8X\xf0\xff\xff\xff\0\0\0\0\xff\xff\xff\xff\xff\xff", 30, IMAGE_WEBP,
			 &sz, &why) == -1);
	check("text is no image", read_exact("hello, world, not an image", 26, IMAGE_PNG, &sz, &why) == -1);
	check("an SVG has no size", read_exact("<?xml version=\"1.0\"?><svg width=\"10\"/>", 38, IMAGE_SVG, &sz, &why) == 0 &&
	      sz.width == 0 && sz.height == 0);
	check("an AVIF is recognised by its ftyp brand, without a size",
	      read_exact("\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1miaf", 28, IMAGE_AVIF, &sz, &why) == 0 && sz.width == 0);
	check("file names: .JPG and .jpeg are JPEG, .bmp nothing",
	      image_type_of_name("a/B.JPG") == IMAGE_JPEG && image_type_of_name("x.jpeg") == IMAGE_JPEG &&
	      image_type_of_name("x.bmp") == IMAGE_NONE && image_type_of_name(".png") == IMAGE_NONE);
}

int main(void)
{
	check_module = "image";
	test_sizes();
	test_truncated();
	test_corrupt();
	return check_done("test_image");
}
