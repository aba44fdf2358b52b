#define _DEFAULT_SOURCE
#include "inputs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

uint64_t inputs_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static uint64_t hash_stat(uint64_t h, const char *path, const struct stat *st)
{
	long long v[3] = { (long long)st->st_size,
			   (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
			   (long long)st->st_ino };
	h = inputs_hash(h, path, strlen(path) + 1);
	return inputs_hash(h, v, sizeof(v));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file below dir, in name order so the hash does not depend on the
 * order the file system lists them in. */
static uint64_t hash_tree(uint64_t h, const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return inputs_hash(h, dir, strlen(dir));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *path = xmalloc(strlen(dir) + strlen(names[i]) + 2);
		sprintf(path, "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0) {
			h = hash_stat(h, path, &st);
			if (S_ISDIR(st.st_mode))
				h = hash_tree(h, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return h;
}

uint64_t inputs_fingerprint(const struct source *src, size_t n, const char *config, size_t config_len,
			    const char *theme_dir, const char *options)
{
	uint64_t h = INPUTS_HASH_INIT;
	for (size_t i = 0; i < n; i++) {
		long long v[3] = { src[i].size, src[i].mtime_ns, src[i].ino };
		h = inputs_hash(h, src[i].path, strlen(src[i].path) + 1);
		h = inputs_hash(h, v, sizeof(v));
	}
	h = inputs_hash(h, config, config_len);
	h = hash_tree(h, theme_dir);
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0)
		h = hash_stat(h, "exe", &st);
	return inputs_hash(h, options, strlen(options));
}
