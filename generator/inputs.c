#define _DEFAULT_SOURCE
#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "xalloc.h"

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

/* The program as it runs: this executable and every shared library mapped
 * into it (cmark, ICU and its data, libyaml, zlib, libc: an upgraded
 * library renders differently as surely as a rebuilt generator does), by
 * their stat data (the mappings with code: the libraries loaded at start). When /proc cannot tell, a value of this run alone, so
 * that no earlier build is taken for this one's. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t hash_program(uint64_t h)
{
	struct stat st;
	FILE *maps = fopen("/proc/self/maps", "re");
	if (!maps || stat("/proc/self/exe", &st) < 0) {
		if (maps)
			fclose(maps);
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		long long once[3] = { (long long)getpid(), (long long)now.tv_sec, (long long)now.tv_nsec };
		return hash_bytes(h, once, sizeof(once));
	}
	h = load_stat_hash(h, "exe", &st);
	/* by name, not in the order of their addresses, which differs from
	 * run to run */
	char line[4096], **paths = NULL;
	size_t n = 0;
	while (fgets(line, sizeof(line), maps)) {
		/* code only ("r-xp"): data files (ICU's time zones, say) are
		 * mapped as a build goes, and differ from one moment to the next */
		char *path = strchr(line, '/'), *perms = strchr(line, ' ');
		if (!path || !perms || perms[3] != 'x')
			continue;
		path[strcspn(path, "\n")] = '\0';
		paths = xrealloc(paths, (n + 1) * sizeof(*paths));
		paths[n++] = xstrdup(path);
	}
	fclose(maps);
	qsort(paths, n, sizeof(*paths), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || strcmp(paths[i], paths[i - 1]) != 0) && stat(paths[i], &st) == 0)
			h = load_stat_hash(h, paths[i], &st);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return h;
}

uint64_t inputs_program(void)
{
	return hash_program(HASH_INIT);
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
	h = hash_program(h);
	return hash_bytes(h, options, strlen(options));
}
