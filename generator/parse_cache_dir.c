/* The parse cache's directory: see parse_cache_dir.h. */
#define _GNU_SOURCE
#include "parse_cache_dir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

void pc_make_dirs(const char *path)
{
	char *dir = xstrdup(path);
	for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(dir, 0777);
		*p = '/';
	}
	free(dir);
}

struct aged {
	char *name;
	struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 0;
}

/* When the cache at path was last used: written (its mtime), or used
 * without a write (its lock file's mtime: touch). */
static struct timespec last_used(const char *path, const struct stat *st)
{
	struct timespec t = st->st_mtim;
	size_t stem = strlen(path) - 4;
	char *lock = xmalloc(stem + 6);
	memcpy(lock, path, stem);
	strcpy(lock + stem, ".lock");
	struct stat lk;
	if (lstat(lock, &lk) == 0 && (lk.st_mtim.tv_sec > t.tv_sec ||
				      (lk.st_mtim.tv_sec == t.tv_sec && lk.st_mtim.tv_nsec > t.tv_nsec)))
		t = lk.st_mtim;
	free(lock);
	return t;
}

/* A cache directory shared by many content directories (every test run's
 * temporary ones, say) keeps the caches of the CACHES_KEPT used last (a
 * build that uses its cache touches its lock file): the others go. */
void pc_prune(const char *path)
{
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	DIR *dp = opendir(dir);
	struct aged *all = NULL;
	size_t n = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		struct stat st;
		char *full = xmalloc(strlen(dir) + len + 2);
		sprintf(full, "%s/%s", dir, de->d_name);
		if (strncmp(de->d_name, "parse-", 6) == 0 && len > 4 && strcmp(de->d_name + len - 4, ".bin") == 0 &&
		    lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			all = xrealloc(all, (n + 1) * sizeof(*all));
			all[n++] = (struct aged){ full, last_used(full, &st) };
		} else {
			free(full);
		}
	}
	if (dp)
		closedir(dp);
	if (n > CACHES_KEPT)
		qsort(all, n, sizeof(*all), newest_first);
	for (size_t i = 0; i < n; i++) {
		if (i >= CACHES_KEPT) {
			unlink(all[i].name);
			size_t stem = strlen(all[i].name) - 4;
			all[i].name = xrealloc(all[i].name, stem + 9);
			strcpy(all[i].name + stem, ".bin.tmp");
			unlink(all[i].name);
			strcpy(all[i].name + stem, ".lock");
			unlink(all[i].name);
		}
		free(all[i].name);
	}
	free(all);
	free(dir);
}

