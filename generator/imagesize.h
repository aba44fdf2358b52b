/* imagesize: an image's type and size from the first bytes of its file.
 *
 * Our own small reader instead of an image library: only the header is
 * read, every offset is checked against the length first, and nothing is
 * decoded. PNG (IHDR), JPEG (the first SOFn frame header, walking the
 * segments before it), WebP (VP8, VP8L, VP8X), GIF (the logical screen).
 * SVG and AVIF are recognised but have no size here (SVG's is whatever its
 * attributes and viewBox say; AVIF's sits deep in ISO boxes): width and
 * height are then 0. */
#ifndef IMAGESIZE_H
#define IMAGESIZE_H

#include <stddef.h>
#include <stdint.h>

enum image_type { IMAGE_NONE, IMAGE_PNG, IMAGE_JPEG, IMAGE_WEBP, IMAGE_GIF, IMAGE_SVG, IMAGE_AVIF };

struct image_size {
	enum image_type type;
	uint32_t width, height;	/* 0 when the type has none here */
};

/* The type a file name promises by its extension (.png, .jpg, .jpeg, .webp,
 * .gif, .svg, .avif, any case), or IMAGE_NONE. */
enum image_type image_type_of_name(const char *name);

/* "PNG", "JPEG" …, for messages. */
const char *image_type_name(enum image_type t);

/* Reads p[0..n) as an image of type `want` (what its name says). Returns 0
 * and fills *out; -1 with *why (a static string: "truncated PNG header" …)
 * when the bytes are not such an image or are cut short; -2 when they are
 * an image of another type, out->type (a file renamed by hand: a server
 * would send it with the wrong media type). */
int image_size_read(const unsigned char *p, size_t n, enum image_type want, struct image_size *out,
		    const char **why);

#endif
