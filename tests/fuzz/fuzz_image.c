/* fuzz_image: image_size_read on any bytes, as each of the types a file
 * name can promise: the first byte picks the type, the rest are the file.
 *
 * Checks: a success gives a size for the raster types and none for SVG and
 * AVIF; a failure gives no size and a reason (or, for another type, names
 * a known one); the bytes are copied into a buffer of exactly their length,
 * so ASan sees any read past the end. */
#include "fuzz.h"

#include "imagesize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum image_type types[] = { IMAGE_PNG, IMAGE_JPEG, IMAGE_WEBP, IMAGE_GIF, IMAGE_SVG, IMAGE_AVIF };
	if (!size)
		return 0;
	enum image_type want = types[data[0] % 6];
	size--;
	unsigned char *p = malloc(size ? size : 1);
	memcpy(p, data + 1, size);
	struct image_size sz;
	const char *why = NULL;
	int r = image_size_read(p, size, want, &sz, &why);
	if (r == 0) {
		FUZZ_CHECK(sz.type == want);
		int sized = want != IMAGE_SVG && want != IMAGE_AVIF;
		FUZZ_CHECK(sized ? sz.width > 0 && sz.height > 0 : sz.width == 0 && sz.height == 0);
	} else if (r == -2) {
		FUZZ_CHECK(sz.type != want && sz.type != IMAGE_NONE && sz.width == 0);
	} else {
		FUZZ_CHECK(r == -1 && why && *why && sz.width == 0 && sz.height == 0);
	}
	free(p);
	return 0;
}
