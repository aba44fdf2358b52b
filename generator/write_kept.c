/* write_kept.c: is a file an earlier build wrote still there as it was left,
 * reached through real directories only? Asked of every file a rebuild keeps
 * (61,000 at 10,000 reports), so asked in as few and as short path walks as
 * can be: the directories are opened with openat2, which refuses any link on
 * the way in the same walk (no lstat of each folder), kept open for the
 * files that follow, and the files are looked at relative to them. */
#define _GNU_SOURCE	/* O_PATH, openat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "write_internal.h"
#include "xalloc.h"

/* 1 while openat2 answers; 0 once it said it is not there (an old kernel,
 * a sandbox's seccomp filter): then the folders are lstat'ed one by one. */
static atomic_int openat2_works = 1;

/* The directories held open, all threads together, and how many may be: a
 * quarter of the descriptors the process may have, at most 256. Past it, or
 * when the system has no descriptor to give, a file is checked the slow way
 * (lstat of each folder) rather than taken for changed: a build under a
 * low `ulimit -n` stays an incremental one. */
static atomic_int dirs_held;
static int dirs_allowed(void)
{
	static atomic_int allowed = -1;
	int n = atomic_load(&allowed);
	if (n < 0) {
		struct rlimit rl;
		n = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (int)(rl.rlim_cur / 4) : 256;
		n = n > 256 ? 256 : n;
		atomic_store(&allowed, n);
	}
	return n;
}

static void close_slot(struct kept_dirs *kd, int i)
{
	if (kd->open[i] && kd->fd[i] >= 0 && kd->fd[i] != kd->root) {
		close(kd->fd[i]);
		atomic_fetch_sub(&dirs_held, 1);
	}
	kd->open[i] = 0;
	kd->fd[i] = -1;
}

void kept_dirs_init(struct kept_dirs *kd, int root)
{
	memset(kd, 0, sizeof(*kd));
	kd->root = root;
	for (int i = 0; i < KEPT_DIRS; i++)
		kd->fd[i] = -1;
}

void kept_dirs_release(struct kept_dirs *kd)
{
	for (int i = 0; i < KEPT_DIRS; i++) {
		close_slot(kd, i);
		buf_free(&kd->path[i]);
	}
	buf_free(&kd->last_miss);
	buf_free(&kd->watch_dir);
}

static void kept_dirs_free(struct kept_dirs *kd)
{
	kept_dirs_release(kd);
	free(kd);
}

struct kept_dirs *kept_dirs_take(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	struct kept_dirs *kd = w->nkept_pool ? w->kept_pool[--w->nkept_pool] : NULL;
	pthread_mutex_unlock(&w->lock);
	if (kd)
		return kd;
	kd = xcalloc(1, sizeof(*kd));
	kept_dirs_init(kd, w->lock_fd);
	return kd;
}

void kept_dirs_give_back(struct writer *w, struct kept_dirs *kd, int locked)
{
	if (!locked)
		pthread_mutex_lock(&w->lock);
	if (w->nkept_pool < KEPT_POOL) {
		w->kept_pool[w->nkept_pool++] = kd;
		kd = NULL;
	}
	if (!locked)
		pthread_mutex_unlock(&w->lock);
	if (kd)
		kept_dirs_free(kd);
}

void kept_dirs_close_all(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->nkept_pool)
		kept_dirs_free(w->kept_pool[--w->nkept_pool]);
	pthread_mutex_unlock(&w->lock);
}

/* What a directory's descriptor can be besides one: */
#define NOT_REAL (-1)		/* not there, or not all real directories on the way */
#define NO_OPENAT2 (-2)		/* openat2 cannot be used at all */
#define NOT_NOW (-3)		/* no descriptor to spare: check this file the slow way */

/* Opens dir (below the output) through real directories only: the kernel
 * refuses any link on the way (RESOLVE_NO_SYMLINKS) and any way out
 * (RESOLVE_BENEATH). */
static int open_real_dir(int root, const char *dir)
{
	if (atomic_fetch_add(&dirs_held, 1) >= dirs_allowed()) {
		atomic_fetch_sub(&dirs_held, 1);
		return NOT_NOW;
	}
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root, dir, &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	int e = errno;
	atomic_fetch_sub(&dirs_held, 1);
	if (e == ENOSYS || e == EPERM || e == E2BIG)
		return NO_OPENAT2;
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == EAGAIN || e == EINTR ? NOT_NOW : NOT_REAL;
}

static int find_slot(const struct kept_dirs *kd, const char *dir, size_t len)
{
	for (int i = 0; i < KEPT_DIRS; i++)
		if (kd->open[i] && kd->path[i].len == len && (!len || memcmp(kd->path[i].data, dir, len) == 0))
			return i;
	return -1;
}

/* The descriptor of the directory dir (len bytes; "" is the output), opened
 * unless it is already, or NOT_REAL, NO_OPENAT2, NOT_NOW. */
static int dir_fd(struct kept_dirs *kd, const char *dir, size_t len)
{
	int i = find_slot(kd, dir, len);
	if (i >= 0) {
		kd->used[i] = ++kd->clock;
		return kd->fd[i];
	}
	i = 0;
	for (int j = 1; j < KEPT_DIRS; j++)
		if (kd->used[j] < kd->used[i])
			i = j;
	kd->used[i] = ++kd->clock;
	close_slot(kd, i);
	buf_reset(&kd->path[i]);
	buf_add(&kd->path[i], dir, len);
	int fd = len ? open_real_dir(kd->root, kd->path[i].data)
		 : kd->root;	/* the output itself, which the caller holds open */
	if (fd == NO_OPENAT2)
		atomic_store(&openat2_works, 0);
	if (fd == NO_OPENAT2 || fd == NOT_NOW)
		return fd;	/* the slot stays free */
	kd->fd[i] = fd;
	kd->open[i] = 1;
	return fd;
}

/* Where rel is, as a directory descriptor and the rest of the path from it.
 * A directory asked for twice in a row is opened itself (search/g/ holds
 * 16,000 files); a page's own folder, which holds one or two files, is not:
 * its parent is (reports/, shared by thousands), and the folder lstat'ed
 * from there. Or NOT_REAL, NO_OPENAT2, NOT_NOW. */
static int locate(struct kept_dirs *kd, const char *rel, const char **rest)
{
	const char *slash = strrchr(rel, '/');
	if (!slash) {
		*rest = rel;
		return dir_fd(kd, "", 0);
	}
	size_t dlen = (size_t)(slash - rel);
	*rest = slash + 1;
	if (find_slot(kd, rel, dlen) >= 0 ||
	    (dlen && kd->last_miss.len == dlen && memcmp(kd->last_miss.data, rel, dlen) == 0))
		return dir_fd(kd, rel, dlen);
	buf_reset(&kd->last_miss);
	buf_add(&kd->last_miss, rel, dlen);
	const char *up = dlen ? memrchr(rel, '/', dlen) : NULL;
	size_t ulen = up ? (size_t)(up - rel) : 0;
	int fd = dir_fd(kd, rel, ulen);
	if (fd < 0)
		return fd;
	/* the folder itself, not followed if it is a link (its name ends
	 * last_miss, which holds rel's folders) */
	struct stat st;
	const char *folder = kd->last_miss.data + (up ? ulen + 1 : 0);
	int real = fstatat(fd, folder, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
	*rest = up ? up + 1 : rel;
	return real ? fd : NOT_REAL;
}

/* rel's lstat through real folders below kd's root, or NO_OPENAT2 /
 * NOT_NOW when it must be checked the slow way. */
static int stat_fast(struct kept_dirs *kd, const char *rel, struct stat *st)
{
	const char *rest;
	int fd = atomic_load(&openat2_works) ? locate(kd, rel, &rest) : NO_OPENAT2;
	if (fd == NO_OPENAT2 || fd == NOT_NOW)
		return fd;
	return fd >= 0 && fstatat(fd, rest, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -1;
}

int write_stat_kept(struct writer *w, struct kept_dirs *kd, const char *rel, struct stat *st)
{
	int r = stat_fast(kd, rel, st);
	if (r != NO_OPENAT2 && r != NOT_NOW)
		return r;
	if (write_crosses_link(w, rel, 1))
		return -1;
	char *live = write_join(w->out, rel);
	r = lstat(live, st);
	free(live);
	return r;
}

int write_stat_below(struct kept_dirs *kd, const char *out, const char *rel, struct stat *st)
{
	int r = stat_fast(kd, rel, st);
	if (r != NO_OPENAT2 && r != NOT_NOW)
		return r;
	if (write_crosses_link_below(out, rel))
		return -1;
	char *live = write_join(out, rel);
	r = lstat(live, st);
	free(live);
	return r;
}

int write_open_kept(struct writer *w, struct kept_dirs *kd, const char *rel)
{
	const char *rest;
	int fd = atomic_load(&openat2_works) ? locate(kd, rel, &rest) : NO_OPENAT2;
	if (fd >= 0)
		return openat(fd, rest, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == NOT_REAL || write_crosses_link(w, rel, 1))
		return -1;
	char *live = write_join(w->out, rel);
	int r = open(live, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(live);
	return r;
}

/* write_create_kept the slow way: rel's folder found, or made, component by
 * component (write_make_dirs_beneath), and the slot that took it for
 * missing let go. */
static int create_walking(struct writer *w, struct kept_dirs *kd, const char *rel, const char *slash)
{
	size_t dlen = slash ? (size_t)(slash - rel) : 0;
	for (int i = 0; i < KEPT_DIRS; i++)
		if (kd->open[i] && kd->fd[i] < 0)
			close_slot(kd, i);	/* a NOT_REAL that may be real now */
	char *dir = xstrndup(rel, dlen);
	int dfd = write_make_dirs_beneath(w->lock_fd, dir, NULL);
	free(dir);
	if (dfd < 0)
		return -1;
	int fd = openat(dfd, slash ? slash + 1 : rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
	int e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* As locate: a folder asked for twice in a row (search/g/) is held open
 * itself, and the file opened in it; a page's own folder (one file, made
 * by this build as a rule) is made in its parent held open (reports/) and
 * the file opened from there by openat2, which follows no link. */
int write_create_kept(struct writer *w, struct kept_dirs *kd, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash || !atomic_load(&openat2_works))
		return create_walking(w, kd, rel, slash);
	size_t dlen = (size_t)(slash - rel);
	if (find_slot(kd, rel, dlen) >= 0 || (kd->last_miss.len == dlen && memcmp(kd->last_miss.data, rel, dlen) == 0)) {
		int dfd = dir_fd(kd, rel, dlen);
		if (dfd >= 0)
			return openat(dfd, slash + 1, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
		return create_walking(w, kd, rel, slash);
	}
	buf_reset(&kd->last_miss);
	buf_add(&kd->last_miss, rel, dlen);
	const char *up = memrchr(rel, '/', dlen);
	size_t ulen = up ? (size_t)(up - rel) : 0;
	int pfd = dir_fd(kd, rel, ulen);
	if (pfd < 0)
		return create_walking(w, kd, rel, slash);
	const char *folder = kd->last_miss.data + (up ? ulen + 1 : 0);	/* NUL-ended in last_miss */
	if (mkdirat(pfd, folder, 0777) < 0 && errno != EEXIST)
		return create_walking(w, kd, rel, slash);
	struct open_how how = {
		.flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		.mode = 0666,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, pfd, up ? up + 1 : rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG)) {
		atomic_store(&openat2_works, 0);	/* as open_real_dir finds */
		return create_walking(w, kd, rel, slash);
	}
	return (int)fd;
}
