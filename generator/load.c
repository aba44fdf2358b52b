#define _DEFAULT_SOURCE
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int load_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	int bad = fstat(fd, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (bad) {
		close(fd);
		errno = bad;
		return -1;
	}
	buf_reset(out);
	if (st.st_size > 0)
		buf_grow(out, (size_t)st.st_size);
	for (;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	close(fd);
	return 0;
}

int load_file_arena(struct arena *a, const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *p = arena_alloc(a, cap + 1);
	for (;;) {
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			/* it grew since fstat: read the rest the slow way */
			struct buf b = BUF_INIT;
			close(fd);
			if (load_file(path, &b) < 0)
				return -1;
			p = arena_strndup(a, b.data, b.len);
			n = b.len;
			buf_free(&b);
			*data = p;
			*len = n;
			return 0;
		}
	}
	close(fd);
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}

static int has_md_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int load_dir_names(struct arena *a, const char *dir, struct ptrvec *names)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	struct dirent *de;
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.')
			ptrvec_push(a, names, arena_strdup(a, de->d_name));
	closedir(dp);
	ptrvec_sort(names, cmp_names);
	return 0;
}

/* Collects files depth-first, each directory's entries in byte order. */
static void walk(struct arena *a, struct diag *d, const char *dir, struct ptrvec *found)
{
	struct ptrvec names = { 0 };
	if (load_dir_names(a, dir, &names) < 0) {
		diag_error(d, dir, 0, 0, NULL, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		char *path = arena_sprintf(a, "%s/%s", dir, name);
		struct stat st;
		if (stat(path, &st) < 0) {
			diag_error(d, path, 0, 0, NULL, 0, "cannot read: %s", strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			walk(a, d, path, found);
		} else if (has_md_suffix(name) && S_ISREG(st.st_mode)) {
			/* only regular files: a FIFO named x.md would block the read */
			struct source *s = arena_alloc(a, sizeof(*s));
			s->path = path;
			s->size = (long long)st.st_size;
			s->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
			s->ino = (long long)st.st_ino;
			ptrvec_push(a, found, s);
		}
	}
}

size_t load_list(struct arena *a, struct diag *d, const char *dir, struct source **sources)
{
	struct ptrvec found = { 0 };
	walk(a, d, dir, &found);
	*sources = arena_alloc(a, (found.len + 1) * sizeof(**sources));
	for (size_t i = 0; i < found.len; i++)
		(*sources)[i] = *(struct source *)found.items[i];
	return found.len;
}
