/* The commit lock (write.h): one whole build for readers of the output.
 *
 * Two byte-range locks on the output's WRITE_MARKER, open file description
 * locks (F_OFD_*: each open() is its own owner, so the threads of one
 * server lock apart): byte 1 is held exclusively by the commit and shared
 * by each reader while it reads; byte 0 is a turnstile. Linux grants a
 * shared lock while an exclusive one waits, so readers coming one after
 * another could keep a commit out for ever; the commit therefore takes byte
 * 0 first, and a reader passes byte 0 (takes it shared and lets go) before
 * it asks for byte 1: readers that come once a commit waits, wait behind it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "write_internal.h"

/* Takes (type F_RDLCK or F_WRLCK, waiting) or lets go (F_UNLCK) of byte
 * `byte`. Returns 0, or -1 with errno set (EINVAL where the file system
 * has no such locks). */
static int byte_lock(int fd, short type, off_t byte)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	int r;
	while ((r = fcntl(fd, F_OFD_SETLKW, &l)) < 0 && errno == EINTR)
		;
	return r;
}

/* The marker of out_dir, opened; -1 when there is none. */
static int open_marker(const char *out_dir, int flags)
{
	char *path = write_join(out_dir, WRITE_MARKER);
	int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	return fd;
}

int write_commit_lock(const char *out_dir)
{
	int fd = open_marker(out_dir, O_RDWR);
	if (fd >= 0 && (byte_lock(fd, F_WRLCK, 0) < 0 || byte_lock(fd, F_WRLCK, 1) < 0)) {
		close(fd);	/* no such locks here: nobody can be waiting on them either */
		return -1;
	}
	return fd;
}

int write_read_lock(const char *out_dir)
{
	int fd = open_marker(out_dir, O_RDONLY);
	if (fd >= 0 && byte_lock(fd, F_RDLCK, 0) == 0) {
		byte_lock(fd, F_UNLCK, 0);
		byte_lock(fd, F_RDLCK, 1);
	}
	return fd;
}
