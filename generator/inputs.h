/* inputs: a fingerprint of everything a build reads, taken from stat alone.
 *
 * Part of the load stage. Two builds with the same fingerprint read the same
 * bytes (as far as file sizes, modification times and inode numbers tell,
 * which is what make trusts too), so when the output directory also still
 * holds exactly what the last build left there, a build has nothing to do. */
#ifndef INPUTS_H
#define INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "load.h"

/* Hashes the content files' paths and stat data (with their page bundles'
 * stamps: the images are inputs too), the config's bytes, every
 * entry below the theme directory as load_tree lists it (paths and stat
 * data), this program's own executable and the shared libraries it runs
 * with (a rebuilt generator, or an upgraded cmark or ICU, renders
 * differently; where /proc cannot tell, a value that matches no other
 * run), the file size limit and `options` (the command line that
 * changes output). Without theme_dir (NULL), the theme is left out. */
uint64_t inputs_fingerprint(const struct source *src, size_t n, const char *config, size_t config_len,
			    const char *theme_dir, const char *options);

/* This program's part of the fingerprint alone: its executable and the
 * shared libraries it runs with (the parse cache's key). */
uint64_t inputs_program(void);

#endif
