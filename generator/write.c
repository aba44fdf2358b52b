#define _DEFAULT_SOURCE
#include "write.h"

#include <dirent.h>
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
#include "hash.h"
#include "write_internal.h"
#include "xalloc.h"


/* Adds path to the build's set (the caller holds the lock): its copy there,
 * or NULL when the build has it already. */
static char *set_add(struct writer *w, const char *path)
{
	if (strmap_get(&w->paths, path))
		return NULL;
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
	return strmap_get(&w->paths, path) != NULL;
}

/* mkdir -p for the directory holding `path` (not path itself). Tries the
 * nearest directory first and walks up only when its parent is missing, so
 * a page in an existing directory costs one call, not one per level. */
static int make_parents(char *path)
{
	char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	int r = mkdir(path, 0777);
	if (r < 0 && errno == ENOENT && make_parents(path) == 0)
		r = mkdir(path, 0777);
	if (r < 0 && errno == EEXIST)
		r = 0;
	*slash = '/';
	return r;
}

/* Opens path for writing, creating its directories when they are missing.
 * A symlink where a page goes is replaced, never written through: a link
 * someone left in the output must not carry a page out of it. */
static int open_for_write(char *path)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
	/* Nearly every page is the index.html of a directory of its own, which
	 * the output (or the staging directory) does not have yet: making the
	 * directory first saves an open that would fail for most files. */
	make_parents(path);
	int fd = open(path, flags, 0666);
	if (fd < 0 && errno == ELOOP && unlink(path) == 0)
		fd = open(path, flags, 0666);
	if (fd < 0 && errno == ENOENT && make_parents(path) == 0)
		fd = open(path, flags, 0666);
	return fd;
}

static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *dp = opendir(path);
	if (!dp)
		return -1;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *child = xmalloc(strlen(path) + strlen(de->d_name) + 2);
		sprintf(child, "%s/%s", path, de->d_name);
		if (remove_tree(child) < 0)
			r = -1;
		free(child);
	}
	closedir(dp);
	return rmdir(path) < 0 ? -1 : r;
}

/* Empties a directory but keeps it (its mode, owner, and what a symlink to
 * it points at stay as they were). */
static void remove_contents(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *child = xmalloc(strlen(dir) + strlen(de->d_name) + 2);
		sprintf(child, "%s/%s", dir, de->d_name);
		remove_tree(child);
		free(child);
	}
	closedir(dp);
}

static int dir_is_empty(const char *path)
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

/* One file's part of the output digest: its path, size and mtime. */
uint64_t write_file_digest(const char *rel, const struct stat *st)
{
	long long v[2] = { (long long)st->st_size,
			   (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec };
	uint64_t h = hash_bytes(HASH_INIT, rel, strlen(rel) + 1);
	return hash_bytes(h, v, sizeof(v));
}

/* Writes the file; its stat after the write goes to *st when st is not NULL. */
int write_whole_file(char *path, const char *data, size_t len, struct stat *st)
{
	int fd = open_for_write(path);
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


/* Waits for any other build of this directory: two at once would share
 * the staging directory and mix their pages. Returns the locked
 * directory's descriptor, or -1 with errno set. */
static int lock_output(const char *out_dir)
{
	int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
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
			make_parents(tmp);	/* its parents; mkdir says whether this build made it */
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
	*empty = dir_is_empty(out_dir);
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

struct writer *writer_open(const char *out_dir, struct diag *d)
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
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->real_dirs_lock, NULL);
	if (ours)
		write_read_old_files(w);
	remove_tree(w->staging);	/* left over from a build that was killed */
	if (w->direct) {
		/* Say first that this directory is ours: a build killed halfway
		 * leaves it recognisable, and the next one may replace it all. */
		char *path = write_join(out_dir, WRITE_MARKER);
		int r = write_whole_file(path, "", 0, NULL);
		free(path);
		w->commit_fd = r < 0 ? -1 : write_commit_lock(out_dir);	/* pages go in as they come */
		if (r < 0 || write_state(w->out, 0, 0, NULL) < 0) {
			diag_error(d, out_dir, 0, 0, NULL, 0, "cannot write to the output directory: %s",
				   strerror(errno));
			writer_abort(w);
			return NULL;
		}
	} else if (mkdir(w->staging, 0777) < 0) {
		diag_error(d, w->staging, 0, 0, NULL, 0, "cannot create the staging directory: %s", strerror(errno));
		writer_abort(w);
		return NULL;
	}
	set_add(w, WRITE_MARKER);
	set_add(w, WRITE_STATE);
	return w;
}

int write_rel_is_safe(const char *rel)
{
	if (!*rel || *rel == '/')
		return 0;
	for (const char *p = rel; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '/'))
			return 0;
	}
	/* no empty, `.` or `..` component */
	const char *comp = rel;
	for (const char *p = rel;; p++) {
		if (*p == '/' || !*p) {
			size_t n = (size_t)(p - comp);
			if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return 0;
			if (!*p)
				break;
			comp = p + 1;
		}
	}
	return strncmp(rel, STAGING_DIR, strlen(STAGING_DIR)) != 0;
}

static int crosses_link(const struct writer *w, const char *rel);

static int same_content(const char *path, const char *data, size_t len, struct stat *stp)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	*stp = st;
	struct buf b = BUF_INIT;
	FILE *f = fopen(path, "rb");
	int same = 0;
	if (f) {
		buf_grow(&b, len);
		b.len = fread(b.data, 1, len + 1, f);
		same = b.len == len && memcmp(b.data, data, len) == 0;
		fclose(f);
	}
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

int writer_put(struct writer *w, const char *rel, const char *data, size_t len)
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
	if (!w->direct && !write_crosses_link(w, rel) && same_content(live, data, len, &st)) {
		free(live);
		uint64_t h = write_file_digest(rel, &st);
		pthread_mutex_lock(&w->lock);
		w->stats.unchanged++;
		w->digest += h;
		write_entry_of(key)->digest = h;
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	char *target = w->direct ? live : write_join(w->staging, rel);
	/* a rename keeps the mtime, so the staged file's stat is the live one's */
	int r = write_whole_file(target, data, len, &st);
	if (r < 0) {
		int e = errno;
		pthread_mutex_lock(&w->lock);
		size_t n = ++w->failed_writes;
		pthread_mutex_unlock(&w->lock);
		if (n <= WRITE_ERRORS_SHOWN)
			diag_error(w->d, target, 0, 0, NULL, 0, "cannot write: %s", strerror(e));
	}
	if (target != live)
		free(target);
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

/* Does this build write the top-level entry `name` or something below it? */
static int writes_under(const struct writer *w, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < w->paths.cap; i++) {
		const char *p = w->paths.keys[i];
		if (p && strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return 1;
	}
	return 0;
}

/* Removes files below out/rel_dir that this build did not produce, and
 * directories left empty. */
static void sweep(struct writer *w, const char *rel_dir)
{
	char *dir = *rel_dir ? write_join(w->out, rel_dir) : xstrdup(w->out);
	DIR *dp = opendir(dir);
	if (!dp) {
		free(dir);
		return;
	}
	struct dirent *de;
	struct buf rel = BUF_INIT;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!*rel_dir && (strcmp(de->d_name, STAGING_DIR) == 0 || !writes_under(w, de->d_name)))
			continue;	/* CNAME, .git/, … : never ours to remove */
		buf_reset(&rel);
		if (*rel_dir)
			buf_addf(&rel, "%s/", rel_dir);
		buf_addstr(&rel, de->d_name);
		char *path = write_join(w->out, rel.data);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			sweep(w, rel.data);
			if (dir_is_empty(path))
				rmdir(path);
		} else if (!write_set_has(w, rel.data)) {
			if (unlink(path) == 0)
				w->stats.removed++;
		}
		free(path);
	}
	buf_free(&rel);
	closedir(dp);
	free(dir);
}

/* Removes rel's directory and its parents while they are empty. */
static void prune_dirs(struct writer *w, const char *rel)
{
	char *path = write_join(w->out, rel);
	size_t base = strlen(w->out);
	for (char *slash; (slash = strrchr(path, '/')) && (size_t)(slash - path) > base;) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
}

/* Is any directory on rel's way (below out) not a real directory, such as
 * a symbolic link? Nothing is removed through one: it may lead out. */
static int crosses_link(const struct writer *w, const char *rel)
{
	char *path = write_join(w->out, rel);
	size_t base = strlen(w->out) + 1;
	int crosses = 0;
	for (char *p = path + base; !crosses && (p = strchr(p, '/')); p++) {
		*p = '\0';
		struct stat st;
		crosses = lstat(path, &st) < 0 || !S_ISDIR(st.st_mode);
		*p = '/';
	}
	free(path);
	return crosses;
}

int write_crosses_link(struct writer *w, const char *rel)
{
	char *path = write_join(w->out, rel);
	size_t base = strlen(w->out) + 1;
	const char *last = strrchr(path + base, '/');
	int crosses = 0;
	for (char *p = path + base; !crosses && (p = strchr(p, '/')); p++) {
		*p = '\0';
		/* A page's own directory (the last) is seldom another's: asked
		 * once, not remembered; those above it are shared by many. */
		int known = 0;
		if (p != last) {
			pthread_mutex_lock(&w->real_dirs_lock);
			known = strmap_get(&w->real_dirs, path + base) != NULL;
			pthread_mutex_unlock(&w->real_dirs_lock);
		}
		struct stat st;
		if (!known) {
			crosses = lstat(path, &st) < 0 || !S_ISDIR(st.st_mode);
			if (!crosses && p != last) {	/* only the real ones: a missing one may come */
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

/* Removes the files an earlier build wrote that this one did not: never
 * anything else (a .git directory, CNAME, the user's notes). */
static void sweep_old(struct writer *w)
{
	for (size_t i = 0; i < w->nold; i++) {
		const char *rel = w->old_files[i];
		if (write_set_has(w, rel) || !write_rel_is_safe(rel) || crosses_link(w, rel))
			continue;
		char *path = write_join(w->out, rel);
		struct stat st;
		if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (unlink(path) == 0) {
				w->stats.removed++;
				prune_dirs(w, rel);
			} else if (errno != ENOENT) {
				/* still ours, still stale: listed again, tried again next time */
				diag_warning(w->d, path, 0, 0, NULL, 0, "cannot remove this page of an earlier build: %s",
					     strerror(errno));
				set_add(w, rel);
			}
		}
		free(path);
	}
}

void write_free(struct writer *w)
{
	for (size_t i = 0; i < w->nold; i++)
		free(w->old_files[i]);
	free(w->old_files);
	free(w->old_digests);
	buf_free(&w->old_extra);
	buf_free(&w->extra);
	if (w->lock_fd > 0)
		close(w->lock_fd);	/* releases the lock */
	if (w->commit_fd > 0)
		close(w->commit_fd);	/* lets readers of the output in again */
	arena_free(&w->paths_arena);
	arena_free(&w->real_dirs_arena);
	pthread_mutex_destroy(&w->real_dirs_lock);
	free(w->staged);
	free(w->out);
	free(w->staging);
	pthread_mutex_destroy(&w->lock);
	free(w);
}



/* The commit's plan, made before the first rename so that nothing it does
 * then needs memory (running out there would stop it halfway): for each
 * staged file its source, target and backup; and the old entries that
 * stand where this build needs a directory, moved aside first. Everything
 * the commit replaces or moves aside waits in .staging/.old until the
 * commit is done, so that a failure can put all of it back. */
struct commit {
	char **from, **to, **bak;
	int *kept;		/* to's old entry is at bak */
	char **aside, **aside_bak;	/* moved out of the way, to put back */
	size_t naside;
};

static char *old_path(const struct writer *w, const char *kind, size_t i)
{
	char name[48];
	snprintf(name, sizeof(name), ".old/%s%zu", kind, i);
	return write_join(w->staging, name);
}

static void commit_plan(struct writer *w, struct commit *c)
{
	size_t n = w->nstaged;
	c->from = xcalloc(n + 1, sizeof(*c->from));
	c->to = xcalloc(n + 1, sizeof(*c->to));
	c->bak = xcalloc(n + 1, sizeof(*c->bak));
	c->kept = xcalloc(n + 1, sizeof(*c->kept));
	c->aside = xcalloc(n + 1, sizeof(*c->aside));
	c->aside_bak = xcalloc(n + 1, sizeof(*c->aside_bak));
	c->naside = 0;
	for (size_t i = 0; i < n; i++) {
		c->from[i] = write_join(w->staging, w->staged[i]);
		c->to[i] = write_join(w->out, w->staged[i]);
		c->bak[i] = old_path(w, "f", i);
	}
}

static void commit_free(struct writer *w, struct commit *c)
{
	for (size_t i = 0; i < w->nstaged; i++) {
		free(c->from[i]);
		free(c->to[i]);
		free(c->bak[i]);
	}
	for (size_t i = 0; i < c->naside; i++) {
		free(c->aside[i]);
		free(c->aside_bak[i]);
	}
	free(c->from);
	free(c->to);
	free(c->bak);
	free(c->kept);
	free(c->aside);
	free(c->aside_bak);
}

/* A staged file can only move in where no old file stands on its path: a
 * file where this build needs a directory (assets/x once a file, now a
 * folder) is moved aside first, for every staged file before the first
 * rename. Returns 0, or -1 after a diag error. */
static int clear_the_way(struct writer *w, struct commit *c)
{
	for (size_t i = 0; i < w->nstaged; i++) {
		char *path = c->to[i];
		size_t base = strlen(w->out) + 1;
		for (char *p = path + base; (p = strchr(p, '/')); p++) {
			*p = '\0';
			struct stat st;
			int in_way = lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);
			if (in_way && c->naside <= w->nstaged) {
				char *bak = old_path(w, "d", c->naside);
				if (rename(path, bak) < 0) {
					diag_error(w->d, path, 0, 0, NULL, 0, "cannot move aside: %s", strerror(errno));
					free(bak);
					*p = '/';
					return -1;
				}
				c->aside[c->naside] = xstrdup(path);
				c->aside_bak[c->naside++] = bak;
			}
			*p = '/';
		}
	}
	return 0;
}

/* Keeps the entry at c->to[i] as c->bak[i] until the commit is done: a
 * hard link for a file (the page stays served until the new one replaces
 * it), a rename where links are not to be had (vfat, some shares) and for
 * a directory where a file now goes. Returns 0, or -1 after a diag error. */
static int keep_old(struct writer *w, struct commit *c, size_t i)
{
	struct stat st;
	if (lstat(c->to[i], &st) < 0)
		return 0;	/* nothing there yet */
	if (!S_ISDIR(st.st_mode) && link(c->to[i], c->bak[i]) == 0) {
		c->kept[i] = 1;
		return 0;
	}
	if (rename(c->to[i], c->bak[i]) == 0) {
		c->kept[i] = 1;
		return 0;
	}
	diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot keep the old file while replacing it: %s", strerror(errno));
	return -1;
}

/* Moves staged file i into place. Returns 0, or -1 after a diag error. */
static int move_into_place(struct writer *w, struct commit *c, size_t i)
{
	if (keep_old(w, c, i) < 0)
		return -1;
	int moved = rename(c->from[i], c->to[i]);
	if (moved < 0 && errno == ENOENT && make_parents(c->to[i]) == 0)
		moved = rename(c->from[i], c->to[i]);
	if (moved < 0) {
		diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot move into place: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Undoes the first `done` moves, and with `failed_too` the one after them,
 * which may have moved its old entry aside before failing; then puts back
 * the entries moved out of the way. Returns 0, or -1 when something could
 * not be put back (after a diag error). */
static int put_back(struct writer *w, struct commit *c, size_t done, int failed_too)
{
	int r = 0;
	for (size_t i = done + (failed_too ? 1 : 0); r == 0 && i-- > 0;) {
		struct stat st;
		if (c->kept[i] && lstat(c->bak[i], &st) == 0) {
			r = rename(c->bak[i], c->to[i]);	/* over the new file, in one step */
			if (r < 0 && (errno == ENOTDIR || errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST)) {
				remove_tree(c->to[i]);		/* a file where a directory was, or the reverse */
				r = rename(c->bak[i], c->to[i]);
			}
		}
		else if (!c->kept[i] && i < done && unlink(c->to[i]) < 0 && errno != ENOENT)
			r = -1;
		if (r < 0)
			diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot put the previous file back: %s", strerror(errno));
	}
	for (size_t k = c->naside; r == 0 && k-- > 0;)
		if (rename(c->aside_bak[k], c->aside[k]) < 0) {
			diag_error(w->d, c->aside[k], 0, 0, NULL, 0, "cannot put the previous file back: %s",
				   strerror(errno));
			r = -1;
		}
	return r;
}

int writer_commit(struct writer *w, struct write_stats *stats, uint64_t inputs)
{
	int r = 0;
	char *marker = write_join(w->out, WRITE_MARKER);
	if (access(marker, F_OK) != 0 && write_whole_file(marker, "", 0, NULL) < 0) {
		diag_error(w->d, marker, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
		r = -1;
	}
	free(marker);
	/* Until the commit is done, the state names no inputs (so no build can
	 * take the output for current) and lists the old files and the new. */
	if (r == 0 && !w->direct && write_state_files(w->out, 0, 0, w, 1) < 0) {
		diag_error(w->d, w->out, 0, 0, NULL, 0, "cannot write %s: %s", WRITE_STATE, strerror(errno));
		r = -1;
	}
	char *old_dir = write_join(w->staging, ".old");
	if (r == 0 && w->nstaged && mkdir(old_dir, 0700) < 0 && errno != EEXIST) {
		diag_error(w->d, old_dir, 0, 0, NULL, 0, "cannot create: %s", strerror(errno));
		r = -1;
	}
	free(old_dir);
	if (r < 0) {
		writer_abort(w);
		return -1;
	}
	if (w->commit_fd <= 0)	/* from the first move to the state: readers wait */
		w->commit_fd = write_commit_lock(w->out);
	struct commit c;
	commit_plan(w, &c);
	size_t moved = 0;
	if (clear_the_way(w, &c) < 0)
		r = -1;
	for (; r == 0 && moved < w->nstaged; moved++)
		if (move_into_place(w, &c, moved) < 0)
			r = -1;
	if (r < 0) {
		/* moved counts the failed move too; 0 when the way could not be cleared */
		int undone = put_back(w, &c, moved ? moved - 1 : 0, moved > 0) == 0;
		commit_free(w, &c);
		remove_tree(w->staging);
		write_free(w);
		return undone ? -1 : -2;
	}
	commit_free(w, &c);
	w->stats.written += w->nstaged;
	if (w->all_ours)
		sweep(w, "");	/* a killed first build's leftovers: all ours */
	else
		sweep_old(w);
	remove_tree(w->staging);
	if (write_state(w->out, inputs, w->digest, w) < 0) {
		diag_error(w->d, w->out, 0, 0, NULL, 0, "cannot write %s: %s: the pages are this build's, but the "
			   "next build will render everything again", WRITE_STATE, strerror(errno));
		r = -3;
	}
	if (stats)
		*stats = w->stats;
	write_free(w);
	return r;
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
	remove_tree(w->staging);
	if (w->direct) {
		/* there was no output before: leave the directory as it was */
		if (w->created)
			remove_tree(w->out);
		else
			remove_contents(w->out);
	}
	write_free(w);
}
