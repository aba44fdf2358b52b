/* write_files.c: files and folders below the output, made, written and
 * removed, by path or through a folder's descriptor; the output digest's
 * part of one file. For write.c and write_commit.c (write_internal.h). */
#define _GNU_SOURCE	/* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "hash.h"
#include "write_internal.h"
#include "xalloc.h"

/* mkdir -p for the directory holding `path` (not path itself). Tries the
 * nearest directory first and walks up only when its parent is missing, so
 * a page in an existing directory costs one call, not one per level. */
int write_make_parents_at(int dir_fd, char *path)
{
	char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	int r = mkdirat(dir_fd, path, 0777);
	if (r < 0 && errno == ENOENT && write_make_parents_at(dir_fd, path) == 0)
		r = mkdirat(dir_fd, path, 0777);
	if (r < 0 && errno == EEXIST)
		r = 0;
	*slash = '/';
	return r;
}

int write_make_parents(char *path)
{
	return write_make_parents_at(AT_FDCWD, path);
}

/* Opens path for writing, creating its directories when they are missing.
 * A symlink where a page goes is replaced, never written through: a link
 * someone left in the output must not carry a page out of it. */
/* The directory this thread last wrote a file in. The search index's
 * 38,000 files at 10,000 reports share three directories, and a mkdir
 * each that fails with EEXIST was 41,000 system calls of a full build. */
static __thread char last_dir[PATH_MAX];
static __thread int last_dir_fd;

/* Is path's directory (below dir_fd) last_dir? Records it as last_dir when not. */
static int in_last_dir(int dir_fd, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (!n || n >= sizeof(last_dir))
		return 0;
	if (last_dir_fd == dir_fd && strncmp(last_dir, path, n) == 0 && last_dir[n] == '\0')
		return 1;
	memcpy(last_dir, path, n);
	last_dir[n] = '\0';
	last_dir_fd = dir_fd;
	return 0;
}

static int open_for_write(int dir_fd, char *path)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
	/* Nearly every page is the index.html of a directory of its own, which
	 * the output (or the staging directory) does not have yet: making the
	 * directory first saves an open that would fail for most files. A
	 * directory gone since its last file was written fails the open with
	 * ENOENT, and is made below. */
	if (!in_last_dir(dir_fd, path))
		write_make_parents_at(dir_fd, path);
	int fd = openat(dir_fd, path, flags, 0666);
	if (fd < 0 && errno == ELOOP && unlinkat(dir_fd, path, 0) == 0)
		fd = openat(dir_fd, path, flags, 0666);
	if (fd < 0 && errno == ENOENT && write_make_parents_at(dir_fd, path) == 0)
		fd = openat(dir_fd, path, flags, 0666);
	if (fd < 0)
		last_dir[0] = '\0';
	return fd;
}

/* Removes every entry of the folder open as fd (closed here), through fd
 * and the folders' own descriptors, never by a path: a folder of it
 * replaced by a symbolic link while this runs (the staging folder, removed
 * after serve's build process says it is done, when anyone may be
 * watching) can only lose the link, never what it leads to. An entry the
 * folder says is no folder is unlinked without a look of its own (the
 * staging folder's thousands of old files after a commit). */
static int remove_entries_at(int fd)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -1;
	}
	struct dirent *de;
	int r = 0;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int sub = de->d_type == DT_DIR || de->d_type == DT_UNKNOWN
				  ? openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (sub >= 0) {
			if (remove_entries_at(sub) < 0 || unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
				r = -1;
		} else if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
			r = -1;	/* no folder (or not one any more: a link put there) */
		}
	}
	closedir(dp);
	return r;
}

int write_remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -1;
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;	/* a file, or a link */
	}
	int r = remove_entries_at(fd);
	return rmdir(path) < 0 ? -1 : r;
}

void write_remove_contents(int dir_fd)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		remove_entries_at(fd);
}

int write_dir_is_empty(const char *path)
{
	DIR *dp = opendir(path);
	if (!dp)
		return 0;
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(dp);
	return empty;
}

char *write_join(const char *a, const char *b)
{
	char *p = xmalloc(strlen(a) + strlen(b) + 2);
	sprintf(p, "%s/%s", a, b);
	return p;
}

/* One file's part of the output digest: its path, size, mtime, inode and
 * ctime. The inode because a file system may keep times to the second (ext4
 * with small inodes, FAT, some shares): a page replaced in the second of the
 * state's by one of the same size would match it, and a build after a commit
 * killed midway would keep it (every commit renames a new file, a new inode,
 * into place). The ctime because an edit in place that puts the size and
 * mtime back (touch -r) changes it, and nobody can set it: the next build
 * must not keep such a file, nor copy its bytes (search_patch.c). A rename
 * changes it too, so the commit stats each file it moved into place again
 * (write_commit.c). */
uint64_t write_file_digest(const char *rel, const struct stat *st)
{
	long long v[4] = { (long long)st->st_size,
			   (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec, (long long)st->st_ino,
			   (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec };
	uint64_t h = hash_bytes(HASH_INIT, rel, strlen(rel) + 1);
	return hash_bytes(h, v, sizeof(v));
}

/* Writes the file; its stat after the write goes to *st when st is not NULL. */
int write_whole_file(char *path, const char *data, size_t len, struct stat *st)
{
	return write_whole_file_at(AT_FDCWD, path, data, len, st);
}

int write_whole_file_at(int dir_fd, char *path, const char *data, size_t len, struct stat *st)
{
	return write_fd_whole(open_for_write(dir_fd, path), data, len, st);
}

int write_fd_whole(int fd, const char *data, size_t len, struct stat *st)
{
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	if (st && fstat(fd, st) < 0)
		memset(st, 0, sizeof(*st));
	return close(fd);
}

/* The folder dir below root through real folders alone, component by
 * component with O_NOFOLLOW (where openat2 is not to be had; and to make
 * the missing ones, with make, each in the folder found real before it,
 * *made, when 0, becoming the length of dir up to the first made). */
static int walk_beneath(int root, const char *dir, int make, size_t *made)
{
	int fd = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (const char *p = dir; fd >= 0 && *p;) {
		size_t n = strcspn(p, "/");
		char comp[NAME_MAX + 1];
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		int sub = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT && make) {
			int r = mkdirat(fd, comp, 0777);
			if (r == 0 && made && !*made)
				*made = (size_t)(p + n - dir);
			if (r == 0 || errno == EEXIST)	/* or made by another thread meanwhile */
				sub = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		int e = errno;
		close(fd);
		errno = e;
		fd = sub;
		p += n + (p[n] == '/');
	}
	return fd;
}

int write_open_beneath(int root, const char *dir)
{
	if (!*dir)
		dir = ".";
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root, dir, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
		return (int)fd;
	return walk_beneath(root, strcmp(dir, ".") ? dir : "", 0, NULL);
}

int write_make_dirs_beneath(int root, const char *dir, size_t *made)
{
	return walk_beneath(root, dir, 1, made);
}

int write_remove_tree_at(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -1;
		return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	}
	int r = remove_entries_at(fd);
	return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 ? -1 : r;
}
