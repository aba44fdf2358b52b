#define _DEFAULT_SOURCE
#include "inputs.h"

#include <string.h>
#include <sys/stat.h>

#include "hash.h"

/* Every entry below dir, in name order so the hash does not depend on the
 * order the file system lists them in, and as load sees them (ignored
 * names left out, loops skipped: a loop in the theme is reported by the
 * walk that copies its files). */
static uint64_t hash_tree(uint64_t h, const char *dir)
{
	struct arena a = ARENA_INIT;
	struct ptrvec entries = { 0 };
	if (load_tree(&a, NULL, dir, &entries) < 0)
		h = hash_bytes(h, dir, strlen(dir));
	for (size_t i = 0; i < entries.len; i++) {
		const struct load_entry *e = entries.items[i];
		if (!e->err)
			h = load_stat_hash(h, e->path, &e->st);
	}
	arena_free(&a);
	return h;
}

uint64_t inputs_fingerprint(const struct source *src, size_t n, const char *config, size_t config_len,
			    const char *theme_dir, const char *options)
{
	uint64_t h = HASH_INIT;
	for (size_t i = 0; i < n; i++) {
		h = hash_bytes(h, &src[i].stamp, sizeof(src[i].stamp));
		h = hash_bytes(h, &src[i].bundle_stamp, sizeof(src[i].bundle_stamp));	/* its images */
	}
	h = hash_bytes(h, config, config_len);
	if (theme_dir)
		h = hash_tree(h, theme_dir);
	/* a file the last build accepted may be too large under a new limit */
	size_t limit = load_max_file_size();
	h = hash_bytes(h, &limit, sizeof(limit));
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0)
		h = load_stat_hash(h, "exe", &st);
	return hash_bytes(h, options, strlen(options));
}
