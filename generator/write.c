#define _DEFAULT_SOURCE
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "write_internal.h"
#include "xalloc.h"


long write_old_position(const struct writer *w, const char *rel)
{
	uintptr_t k = w->nold ? (uintptr_t)strmap_get(&w->old_index, rel) : 0;
	return (long)k - 1;
}

/* Adds path to the build's set (the caller holds the lock): its copy there,
 * or NULL when the build has it already (made, or an old file kept). */
static char *set_add(struct writer *w, const char *path)
{
	if (strmap_get(&w->paths, path))
		return NULL;
	long k = write_old_position(w, path);
	if (k >= 0 && w->old_mark[k] == OLD_KEPT)
		return NULL;
	if (k >= 0)
		w->old_mark[k] = OLD_PUT;
	size_t n = strlen(path) + 1;
	struct write_entry *e = arena_alloc(&w->paths_arena, sizeof(*e) + n);
	memcpy(e->rel, path, n);
	strmap_put(&w->paths_arena, &w->paths, e->rel, e);
	return e->rel;
}

char *write_set_add(struct writer *w, const char *path)
{
	return set_add(w, path);
}

int write_set_has(const struct writer *w, const char *path)
{
	if (strmap_get(&w->paths, path))
		return 1;
	long k = write_old_position(w, path);
	return k >= 0 && w->old_mark[k] == OLD_KEPT;
}



/* The build lock writer_lock_ahead took: the directory's descriptor, or -1
 * (one build at a time in a process). */
static int ahead_fd = -1;

int write_ahead_holds(int dir_fd)
{
	struct stat a, b;
	return ahead_fd >= 0 && fstat(ahead_fd, &a) == 0 && fstat(dir_fd, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Waits for any other build of this directory: two at once would share
 * the staging directory and mix their pages. Returns the locked
 * directory's descriptor (the one locked ahead, when it is this
 * directory), or -1 with errno set. */
static int lock_output(const char *out_dir)
{
	int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_ahead_holds(fd)) {	/* held since before the inputs were read: the writer's now */
		close(fd);
		fd = ahead_fd;
		ahead_fd = -1;
		return fd;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		fprintf(stderr, "sitegen: another build is writing to %s; waiting for it to finish\n", out_dir);
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR) {
				int e = errno;
				close(fd);
				errno = e;
				return -1;
			}
	}
	return fd;
}

void writer_lock_ahead(const char *out_dir)
{
	writer_lock_ahead_release();
	struct stat st;
	if (stat(out_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return;	/* none yet (writer_open makes it and locks it), or not one (it says why) */
	ahead_fd = lock_output(out_dir);
}

void writer_lock_ahead_release(void)
{
	if (ahead_fd >= 0)
		close(ahead_fd);
	ahead_fd = -1;
}

/* The output directory exists (made here when missing: *created) and is
 * locked; it is the same directory as out_dir names (a build that held the
 * lock before may have removed the one it created). Returns the lock's
 * descriptor or -1 after a diag error. */
static int claim_output(const char *out_dir, struct diag *d, int *created)
{
	struct stat st;
	if (lstat(out_dir, &st) == 0 && S_ISLNK(st.st_mode) && stat(out_dir, &st) < 0) {
		diag_error(d, out_dir, 0, 0, NULL, 0,
			   "the output directory is a symbolic link to something that does not exist: "
			   "create its target or remove the link");
		return -1;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		*created = 0;
		if (stat(out_dir, &st) < 0) {
			char *tmp = write_join(out_dir, "x");
			write_make_parents(tmp);	/* its parents; mkdir says whether this build made it */
			free(tmp);
			if (mkdir(out_dir, 0777) == 0)
				*created = 1;
			else if (errno != EEXIST) {
				diag_error(d, out_dir, 0, 0, NULL, 0, "cannot create the output directory: %s",
					   strerror(errno));
				return -1;
			}
		}
		int fd = lock_output(out_dir);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			diag_error(d, out_dir, 0, 0, NULL, 0, errno == ENOTDIR ? "not a directory"
				   : "cannot open the output directory: %s", strerror(errno));
			return -1;
		}
		struct stat locked;
		if (fstat(fd, &locked) == 0 && stat(out_dir, &st) == 0 && st.st_ino == locked.st_ino &&
		    st.st_dev == locked.st_dev)
			return fd;
		close(fd);	/* removed or replaced while we waited: look again */
	}
	diag_error(d, out_dir, 0, 0, NULL, 0, "the output directory keeps changing while this build waits for it");
	return -1;
}

/* An existing directory that is not empty is only written to when an
 * earlier build left its marker there. Returns 0, or -1 after a diag error. */
static int refuse_foreign(const char *out_dir, struct diag *d, int *empty, int *ours)
{
	char *marker = write_join(out_dir, WRITE_MARKER);
	*empty = write_dir_is_empty(out_dir);
	*ours = access(marker, F_OK) == 0;
	free(marker);
	if (!*empty && !*ours) {
		diag_error(d, out_dir, 0, 0, NULL, 0,
			   "refusing to write here: it exists and is not an output directory of this "
			   "generator (no %s file); remove it or choose another OUT", WRITE_MARKER);
		return -1;
	}
	return 0;
}

int writer_check_output(const char *out_dir, struct diag *d)
{
	struct stat st;
	int empty, ours;
	if (!*out_dir || strcmp(out_dir, "/") == 0) {
		diag_error(d, *out_dir ? out_dir : "''", 0, 0, NULL, 0,
			   "refusing to use this as the output directory: name a directory of its own");
		return -1;
	}
	if (stat(out_dir, &st) < 0)
		return 0;	/* a build would create it */
	if (!S_ISDIR(st.st_mode)) {
		diag_error(d, out_dir, 0, 0, NULL, 0, "not a directory");
		return -1;
	}
	return refuse_foreign(out_dir, d, &empty, &ours);
}

/* Makes the staging folder in the output the build locked (its
 * descriptor, not its name) and keeps it open as w->staging_fd: from then
 * on pages go in and come out through that descriptor, so that the name
 * pointed elsewhere meanwhile (a link to a folder outside, by anyone who
 * may write to the output) neither sends pages there nor brings that
 * folder's files into the output. Only this user may write in it (0700,
 * where the file system keeps modes), and what opens is checked to be a
 * folder of this user's, or of the output's owner (a file system that
 * keeps no owners gives every file the mount's; an NFS server squashing
 * root, its own): one someone else put in its place between the mkdir and
 * the open fails the build (errno EXDEV). */
static int make_staging(struct writer *w)
{
	if (mkdirat(w->lock_fd, STAGING_DIR, 0700) < 0)
		return -1;
	int fd = openat(w->lock_fd, STAGING_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st, out;
	if (fd < 0 || fstat(fd, &st) < 0 || fstat(w->lock_fd, &out) < 0 ||
	    (st.st_uid != geteuid() && st.st_uid != out.st_uid)) {
		if (fd >= 0)
			close(fd);
		errno = EXDEV;
		return -1;
	}
	w->staging_fd = fd;
	return 0;
}

struct writer *writer_open(const char *out_dir, struct diag *d, struct write_watch *ww)
{
	if (!*out_dir || strcmp(out_dir, "/") == 0) {
		writer_check_output(out_dir, d);	/* says why */
		return NULL;
	}
	int created;
	int fd = claim_output(out_dir, d, &created);
	if (fd < 0)
		return NULL;
	int empty, ours;
	if (refuse_foreign(out_dir, d, &empty, &ours) < 0) {
		close(fd);
		return NULL;
	}
	struct writer *w = xcalloc(1, sizeof(*w));
	w->out = xstrdup(out_dir);
	w->staging = write_join(out_dir, STAGING_DIR);
	w->d = d;
	w->direct = created || empty;
	w->created = created;
	w->lock_fd = fd;
	w->staging_fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->real_dirs_lock, NULL);
	if (ours && !(ww && write_watch_take_list(ww, w)))
		write_read_old_files(w);
	write_remove_tree(w->staging);	/* left over from a build that was killed */
	if (w->direct) {
		/* Say first that this directory is ours: a build killed halfway
		 * leaves it recognisable, and the next one may replace it all. */
		char marker[] = WRITE_MARKER;	/* through the folder locked, as every file of the build */
		int r = write_whole_file_at(w->lock_fd, marker, "", 0, NULL);
		w->commit_fd = r < 0 ? -1 : write_commit_lock(out_dir);	/* pages go in as they come */
		if (r < 0 || write_state(w->out, w->lock_fd, 0, 0, NULL) < 0) {
			diag_error(d, out_dir, 0, 0, NULL, 0, "cannot write to the output directory: %s",
				   strerror(errno));
			writer_abort(w);
			return NULL;
		}
	} else if (make_staging(w) < 0) {
		if (errno == EEXIST)	/* left by a build that was killed, and not removable now */
			diag_error(d, w->staging, 0, 0, NULL, 0, "a staging directory left by an earlier build cannot be "
				   "removed (a file in it that cannot be deleted, a folder that cannot be read, a mount "
				   "point): remove it by hand; the output was not changed");
		else if (errno == EXDEV)
			diag_error(d, w->staging, 0, 0, NULL, 0, "was replaced by something else as the build made it; "
				   "the output was not changed: build again");
		else
			diag_error(d, w->staging, 0, 0, NULL, 0, "cannot create the staging directory: %s",
				   strerror(errno));
		writer_abort(w);
		return NULL;
	}
	set_add(w, WRITE_MARKER);
	set_add(w, WRITE_STATE);
	if (ww)
		writer_use_watch(w, ww);
	return w;
}

/* One pass, a character at a time, the components checked as they end:
 * every file a rebuild keeps (100,000 at 10,000 reports) is asked. */
int write_rel_is_safe(const char *rel)
{
	if (!*rel || *rel == '/' || strncmp(rel, STAGING_DIR, strlen(STAGING_DIR)) == 0)
		return 0;
	const char *comp = rel;
	for (const char *p = rel;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/' || !c) {
			/* no empty, `.` or `..` component */
			size_t n = (size_t)(p - comp);
			if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return 0;
			if (!c)
				return 1;
			comp = p + 1;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			     (c >= 'A' && c <= 'Z') || c == '_')) {
			return 0;
		}
	}
}


static int same_content(const char *path, const char *data, size_t len, struct stat *stp)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	*stp = st;
	/* read as it is (no stdio: its buffer and fstat for each of the
	 * thousands of shards a search patch may write); one byte more than
	 * len says whether the file grew since */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct buf b = BUF_INIT;
	buf_grow(&b, len + 1);
	ssize_t n;
	while (b.len <= len && (n = read(fd, b.data + b.len, len + 1 - b.len)) > 0)
		b.len += (size_t)n;
	close(fd);
	int same = b.len == len && memcmp(b.data, data, len) == 0;
	buf_free(&b);
	return same;
}

static void push_staged(struct writer *w, char *key)
{
	if (w->nstaged == w->staged_cap) {
		w->staged_cap = w->staged_cap ? w->staged_cap * 2 : 256;
		w->staged = xrealloc(w->staged, w->staged_cap * sizeof(*w->staged));
	}
	w->staged[w->nstaged++] = key;
}

static int put(struct writer *w, const char *rel, const char *data, size_t len, int maybe_same);

int writer_put(struct writer *w, const char *rel, const char *data, size_t len)
{
	return put(w, rel, data, len, 1);
}

int writer_put_new(struct writer *w, const char *rel, const char *data, size_t len)
{
	return put(w, rel, data, len, 0);
}

static int put(struct writer *w, const char *rel, const char *data, size_t len, int maybe_same)
{
	if (!write_rel_is_safe(rel)) {
		diag_error(w->d, rel, 0, 0, NULL, 0,
			   strstr(rel, "..") || *rel == '/' ? "refusing to write a file outside the output directory"
			   : "a file name the output does not allow: use only a-z, A-Z, 0-9, '.', '_' and '-'");
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	char *key = set_add(w, rel);
	pthread_mutex_unlock(&w->lock);
	if (!key) {
		diag_error(w->d, rel, 0, 0, NULL, 0, "two pages of this build want the same file");
		return -1;
	}
	atomic_fetch_add_explicit(&w->offered, 1, memory_order_relaxed);
	if (w->dry) {
		write_note_links(w, key, data, len);
		return 0;
	}
	char *live = write_join(w->out, rel);
	struct stat st;
	if (maybe_same && !w->direct && !write_crosses_link(w, rel, 1) && same_content(live, data, len, &st)) {
		free(live);
		uint64_t h = write_file_digest(rel, &st);
		pthread_mutex_lock(&w->lock);
		w->stats.unchanged++;
		w->digest += h;
		write_entry_of(key)->digest = h;
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	/* its digest for now: the commit's rename changes the ctime (write_commit.c) */
	char *staged = w->direct ? NULL : xstrdup(rel);	/* write_whole_file_at's to change for a moment */
	int r;
	if (w->direct) {
		/* written in place through real folders alone: a folder of the
		 * output swapped for a link while the build writes (by anyone
		 * who may write to it) fails the page, where a path would lead
		 * out of the output (found by stop 35's second hostile review:
		 * 296 files of such a folder overwritten, the build's status 0) */
		struct kept_dirs *kd = kept_dirs_take(w);
		r = write_fd_whole(write_create_kept(w, kd, rel), data, len, &st);
		int e = errno;
		kept_dirs_give_back(w, kd, 0);
		errno = e;
	} else {
		r = write_whole_file_at(w->staging_fd, staged, data, len, &st);
	}
	free(staged);
	if (r < 0) {
		int e = errno;
		pthread_mutex_lock(&w->lock);
		size_t n = ++w->failed_writes;
		pthread_mutex_unlock(&w->lock);
		char *target = w->direct ? live : write_join(w->staging, rel);
		if (n <= WRITE_ERRORS_SHOWN)
			diag_error(w->d, target, 0, 0, NULL, 0, "cannot write: %s",
				   w->direct && (e == ELOOP || e == ENOTDIR || e == EXDEV)
					   ? "a folder on its way became a link (or a file) while the build ran: build again"
					   : strerror(e));
		if (target != live)
			free(target);
	}
	free(live);
	if (r < 0)
		return -1;
	uint64_t h = write_file_digest(rel, &st);
	pthread_mutex_lock(&w->lock);
	w->digest += h;
	write_entry_of(key)->digest = h;
	if (w->direct)
		w->stats.written++;
	else
		push_staged(w, key);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* Is any directory on rel's way (below out) not a real directory, such as
 * a symbolic link? Nothing is written, kept or removed through one: it may
 * lead out. With w, the real ones above a page's own folder are
 * remembered in it. */
static int crosses_link(const char *out, const char *rel, struct writer *w)
{
	int remember = w != NULL;
	char *path = write_join(out, rel);
	size_t base = strlen(out) + 1;
	const char *last = strrchr(path + base, '/');
	int crosses = 0;
	for (char *p = path + base; !crosses && (p = strchr(p, '/')); p++) {
		*p = '\0';
		/* A page's own directory (the last) is seldom another's: asked
		 * once, not remembered; those above it are shared by many. */
		int known = 0;
		if (remember && p != last) {
			pthread_mutex_lock(&w->real_dirs_lock);
			known = strmap_get(&w->real_dirs, path + base) != NULL;
			pthread_mutex_unlock(&w->real_dirs_lock);
		}
		struct stat st;
		if (!known) {
			crosses = lstat(path, &st) < 0 || !S_ISDIR(st.st_mode);
			if (!crosses && remember && p != last) {	/* only the real ones: a missing one may come */
				pthread_mutex_lock(&w->real_dirs_lock);
				if (!strmap_get(&w->real_dirs, path + base)) {
					const char *key = arena_strndup(&w->real_dirs_arena, path + base, strlen(path + base));
					strmap_put(&w->real_dirs_arena, &w->real_dirs, key, (void *)1);
				}
				pthread_mutex_unlock(&w->real_dirs_lock);
			}
		}
		*p = '/';
	}
	free(path);
	return crosses;
}

int write_crosses_link(struct writer *w, const char *rel, int remember)
{
	return crosses_link(w->out, rel, remember ? w : NULL);
}

int write_crosses_link_below(const char *out, const char *rel)
{
	return crosses_link(out, rel, NULL);
}

void write_free(struct writer *w)
{
	kept_dirs_close_all(w);
	free(w->old_files);	/* its paths are in old_state */
	free(w->old_digests);
	free(w->old_watched);
	free(w->old_safe);
	free(w->old_suspect);
	free(w->old_mark);
	arena_free(&w->old_arena);
	buf_free(&w->old_state);
	buf_free(&w->old_extra_own);
	buf_free(&w->extra);
	buf_free(&w->removed);
	if (w->lock_fd > 0)
		close(w->lock_fd);	/* releases the lock */
	if (w->commit_fd > 0)
		close(w->commit_fd);	/* lets readers of the output in again */
	if (w->staging_fd > 0)
		close(w->staging_fd);
	arena_free(&w->paths_arena);
	arena_free(&w->real_dirs_arena);
	pthread_mutex_destroy(&w->real_dirs_lock);
	free(w->staged);
	free(w->out);
	free(w->staging);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

size_t writer_count(struct writer *w)
{
	return atomic_load_explicit(&w->offered, memory_order_relaxed);
}

void writer_abort(struct writer *w)
{
	if (w->dry) {
		write_free(w);
		return;
	}
	if (w->failed_writes > WRITE_ERRORS_SHOWN)
		diag_error(w->d, w->out, 0, 0, NULL, 0, "%zu more files could not be written either",
			   w->failed_writes - WRITE_ERRORS_SHOWN);
	kept_dirs_close_all(w);	/* their descriptors, before removing needs some */
	write_remove_tree(w->staging);
	if (w->direct) {
		/* there was no output before: leave the directory as it was */
		struct stat now, locked;
		write_remove_contents(w->lock_fd);
		/* the folder this build made, emptied: gone, if its name is still it */
		if (w->created && lstat(w->out, &now) == 0 && fstat(w->lock_fd, &locked) == 0 &&
		    now.st_dev == locked.st_dev && now.st_ino == locked.st_ino)
			rmdir(w->out);
	}
	write_free(w);
}
