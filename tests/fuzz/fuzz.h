/* fuzz.h: what the fuzz targets share (tests/fuzz/README.md says how they
 * are built and run).
 *
 * Every target defines LLVMFuzzerTestOneInput; it is linked either with
 * libFuzzer (`make fuzz`) or with regress_main.c, which feeds it the files
 * named on its command line (`make fuzz-regress`, tests/fuzz/regress.sh).
 * A target frees everything it allocated for an input before returning, so
 * LeakSanitizer can tell a leak from the target's own static state. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property of the code under test that must hold whatever the input: a
 * failure aborts, so libFuzzer (or the regression driver) reports it as a
 * crash with the condition and its line. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* The input as the generator's loader hands a file over: a malloc'd copy of
 * exactly size + 1 bytes ending in NUL (so ASan sees any read past the
 * terminator). The caller frees it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The same without the terminator, for functions that take (pointer,
 * length) and must not look past the length. */
static inline char *fuzz_bytes(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

#endif
