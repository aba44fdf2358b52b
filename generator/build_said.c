/* build_said.c: see build_said.h. */
#define _DEFAULT_SOURCE
#include "build_said.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "parse_cache_dir.h"

#define SAID_HEADER "sitegen-said 1 %016llx\n"
#define SAID_MAX_BYTES ((off_t)256 << 20)

char *build_said_path(const char *cache_dir, const char *out)
{
	char *real = realpath(out, NULL);
	if (!real)
		return NULL;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/said-%016llx", cache_dir, (unsigned long long)hash_str(real));
	free(real);
	return buf_detach(&b, NULL);
}

/* Writes data to a new file at path, 0600 from the start: 0, or -1. */
static int write_new(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int ok = fd >= 0;
	for (size_t at = 0; ok && at < len;) {
		ssize_t n = write(fd, data + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		at += ok ? (size_t)n : 0;
	}
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (fd >= 0 && !ok)
		unlink(path);
	return ok ? 0 : -1;
}

void build_said_keep(const char *path, uint64_t fp, const struct buf *said)
{
	if (!path)
		return;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	buf_addf(&b, SAID_HEADER, (unsigned long long)fp);
	buf_add(&b, said->data, said->len);
	buf_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());	/* each build its own */
	pc_make_dirs(path);
	unlink(tmp.data);	/* a killed build's */
	if (write_new(tmp.data, b.data, b.len) == 0 && rename(tmp.data, path) < 0)
		unlink(tmp.data);
	buf_free(&tmp);
	buf_free(&b);
}

void build_said_again(const char *path, struct diag *d, uint64_t fp)
{
	char head[64];
	snprintf(head, sizeof(head), SAID_HEADER, (unsigned long long)fp);
	size_t n = strlen(head);
	struct stat st;
	struct buf b = BUF_INIT;
	int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022) &&
	    st.st_size > (off_t)n && st.st_size <= SAID_MAX_BYTES) {
		buf_grow(&b, (size_t)st.st_size);
		ssize_t got;
		while ((got = read(fd, b.data + b.len, (size_t)st.st_size - b.len)) > 0 || (got < 0 && errno == EINTR))
			b.len += got > 0 ? (size_t)got : 0;
		if (b.len == (size_t)st.st_size && memcmp(b.data, head, n) == 0)
			diag_say_again(d, b.data + n, b.len - n);
	}
	if (fd >= 0)
		close(fd);
	buf_free(&b);
}
