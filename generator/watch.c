/* watch: inotify on every directory of the trees, or polling. See watch.h. */
#define _DEFAULT_SOURCE
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "load.h"
#include "xalloc.h"

/* Everything that changes what a build reads: a file written (in place or
 * renamed over), made, removed or touched, a folder made, moved or removed. */
#define DIR_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | \
		  IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct watched {
	int wd;
	int whole;	/* a directory of a tree: any name in it counts; else only the file's */
	int seen;	/* found by the current sync */
	char *path;
	struct buf files;	/* not whole: names of files a tree links to here (NUL after each) */
};

struct watch {
	int fd;		/* inotify's, or -1 when polling */
	char **roots;
	char **root_dirs, **root_names;	/* where each tree is, and its name there */
	size_t nroots;
	char *file, *file_dir, *file_name;
	struct watched *dirs;
	size_t ndirs, cap;
	uint64_t fp;		/* polling: the last fingerprint */
	long long next_scan;	/* polling: when, in ms */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s", dir, name);
	return buf_detach(&b, NULL);
}

/* Calls fn on every directory below dir (dir included), links not followed;
 * link_fn, when not NULL, on every symbolic link. */
static int walk_dirs(const char *dir, int (*fn)(void *, const char *), int (*link_fn)(void *, const char *), void *ctx)
{
	if (fn(ctx, dir) < 0)
		return -1;
	DIR *dp = opendir(dir);
	if (!dp)
		return 0;	/* gone meanwhile, or unreadable: the build will say */
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(dp))) {
		if (load_name_kind(e->d_name) == LOAD_NAME_IGNORED)
			continue;	/* (a #x# folder is walked: only such files are left out) */
		char *path = join(dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			r = walk_dirs(path, fn, link_fn, ctx);
		else if (link_fn && r == 0 && S_ISLNK(st.st_mode))
			r = link_fn(ctx, path);
		free(path);
	}
	closedir(dp);
	return r;
}

/* ---- polling ---- */

/* Adds what stat says of every entry in dir (links followed) to *sum: a sum,
 * so that the order readdir gives does not matter. */
static int add_dir_stamp(void *ctx, const char *dir)
{
	uint64_t *sum = ctx;
	DIR *dp = opendir(dir);
	if (!dp)
		return 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		enum load_name k = load_name_kind(e->d_name);
		if (k == LOAD_NAME_IGNORED)
			continue;
		char *path = join(dir, e->d_name);
		struct stat st;
		int found = stat(path, &st) == 0;
		if (k == LOAD_NAME_KEPT || (found && S_ISDIR(st.st_mode)))
			*sum += load_stat_hash(HASH_INIT, path, found ? &st : NULL);
		free(path);
	}
	closedir(dp);
	return 0;
}

static uint64_t fingerprint(const struct watch *w)
{
	uint64_t sum = 0;
	struct stat st;
	for (size_t i = 0; i < w->nroots; i++) {
		sum += load_stat_hash(HASH_INIT, w->roots[i], stat(w->roots[i], &st) == 0 ? &st : NULL);
		walk_dirs(w->roots[i], add_dir_stamp, NULL, &sum);
	}
	return sum + load_stat_hash(HASH_INIT, w->file, stat(w->file, &st) == 0 ? &st : NULL);
}

static void start_polling(struct watch *w, const char *why)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].path);
	w->ndirs = 0;
	if (why)
		fprintf(stderr, "sitegen: serve: %s; looking for changes every %d ms instead\n", why, WATCH_POLL_MS);
	w->fp = fingerprint(w);
	w->next_scan = now_ms() + WATCH_POLL_MS;
}

/* ---- inotify ---- */

static struct watched *find_wd(struct watch *w, int wd)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

/* Watches dir (again: inotify gives the same wd for the same directory);
 * its entry in *added when not NULL (NULL when it could not be watched). */
static int add_dir_as(struct watch *w, const char *dir, int whole, struct watched **added)
{
	if (added)
		*added = NULL;
	int wd = inotify_add_watch(w->fd, dir, DIR_MASK);
	if (wd < 0)
		return errno == ENOSPC ? -1 : 0;	/* else gone meanwhile: its parent's event says so */
	struct watched *e = find_wd(w, wd);
	if (!e) {
		if (w->ndirs == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 16;
			w->dirs = xrealloc(w->dirs, w->cap * sizeof(*w->dirs));
		}
		e = &w->dirs[w->ndirs++];
		*e = (struct watched){ wd, 0, 0, NULL, BUF_INIT };
	}
	free(e->path);
	e->path = xstrdup(dir);
	e->whole |= whole;
	e->seen = 1;
	if (added)
		*added = e;
	return 0;
}

static int add_dir(struct watch *w, const char *dir, int whole)
{
	return add_dir_as(w, dir, whole, NULL);
}

static int add_tree_dir(void *ctx, const char *dir)
{
	return add_dir(ctx, dir, 1);
}

static int holds_file(const struct watched *d, const char *name)
{
	for (const char *p = d->files.data, *end = p + d->files.len; p && p < end; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return 1;
	return 0;
}

static void split_path(const char *path, char **dir, char **name);

/* Watches path's folder for path's name (not as a tree). */
static int watch_name(struct watch *w, const char *path)
{
	char *dir, *name;
	split_path(path, &dir, &name);
	struct watched *e;
	int r = name ? add_dir_as(w, dir, 0, &e) : 0;
	if (r == 0 && name && e && !e->whole && !holds_file(e, name))
		buf_add(&e->files, name, strlen(name) + 1);
	free(dir);
	free(name);
	return r;
}

/* Where a link's target path is missing a part: the nearest folder on it
 * that exists is watched for the next name, so that its coming back is seen. */
static int watch_missing(struct watch *w, const char *path)
{
	char *p = xstrdup(path);
	int r = 0;
	for (int depth = 0; depth < 64; depth++) {
		char *dir, *name;
		split_path(p, &dir, &name);
		struct stat st;
		int found = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
		if (found && name)
			r = watch_name(w, p);
		int top = !name || strcmp(dir, p) == 0;
		free(p);
		free(name);
		p = dir;
		if (found || top)
			break;
	}
	free(p);
	return r;
}

/* The path a link at path leads to (relative ones from its folder), or NULL. */
static char *link_target(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (buf[0] == '/')
		return xstrdup(buf);
	char *dir, *name;
	split_path(path, &dir, &name);
	char *r = join(dir, buf);
	free(dir);
	free(name);
	return r;
}

/* A link in a tree: the file it leads to is an input wherever it is (a
 * build reads it through the link), and so is each link on the way, which
 * may be pointed elsewhere: each is watched in its folder, for its name
 * (a part of the way that is missing, where it would come back). */
static int add_link_target(void *ctx, const char *link)
{
	struct watch *w = ctx;
	char *cur = link_target(link);
	int r = 0;
	for (int hops = 0; cur && r == 0 && hops < 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) < 0) {
			r = watch_missing(w, cur);
			break;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (S_ISREG(st.st_mode))
				r = watch_name(w, cur);
			break;	/* a folder: walked by the build, or skipped */
		}
		r = watch_name(w, cur);
		char *next = link_target(cur);
		free(cur);
		cur = next;
	}
	free(cur);
	return r;
}

/* Makes the watches match the trees as they are now: new folders watched,
 * and those moved out or removed forgotten. Falls back to polling when the
 * system has no watches left. */
static void sync_watches(struct watch *w)
{
	for (size_t i = 0; i < w->ndirs; i++) {
		w->dirs[i].seen = w->dirs[i].whole = 0;
		buf_reset(&w->dirs[i].files);
	}
	int r = 0;
	for (size_t i = 0; r == 0 && i < w->nroots; i++)
		r = walk_dirs(w->roots[i], add_tree_dir, add_link_target, w);
	if (r == 0)
		r = add_dir(w, w->file_dir, 0);
	/* a tree removed and made again, or made after the server started, is
	 * seen in its parent */
	for (size_t i = 0; r == 0 && i < w->nroots; i++)
		if (w->root_names[i])
			r = add_dir(w, w->root_dirs[i], 0);
	if (r < 0) {
		start_polling(w, "out of inotify watches (raise fs.inotify.max_user_watches)");
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < w->ndirs; i++) {
		if (w->dirs[i].seen) {
			w->dirs[k++] = w->dirs[i];
			continue;
		}
		inotify_rm_watch(w->fd, w->dirs[i].wd);
		free(w->dirs[i].path);
		buf_free(&w->dirs[i].files);
	}
	w->ndirs = k;
}

/* Whether an event on name in d is about an input: anything in a tree; in
 * another folder, only the config's name, a tree's own or a file a tree
 * links to (by name alone: one folder may be watched under two spellings,
 * "." and its full path, and a needless build costs little). */
static int wanted(const struct watch *w, const struct watched *d, const char *name)
{
	if (d->whole || strcmp(name, w->file_name) == 0 || holds_file(d, name))
		return 1;
	for (size_t i = 0; i < w->nroots; i++)
		if (w->root_names[i] && strcmp(name, w->root_names[i]) == 0)
			return 1;
	return 0;
}

/* Splits path into its folder and its last name (NULL name for "/", "."
 * or ".."), as *dir and *name, malloc'd. */
static void split_path(const char *path, char **dir, char **name)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t k = n;
	while (k > 0 && path[k - 1] != '/')
		k--;
	char *last = xstrndup(path + k, n - k);
	if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		free(last);
		last = NULL;
	}
	*name = last;
	*dir = k == 0 ? xstrdup(".") : k == 1 ? xstrdup("/") : xstrndup(path, k - 1);
}

/* Reads the pending events. Returns 1 when one of them changes an input,
 * 2 when the last of those finished a file (closed after writing, or moved
 * into place: an editor's save is done). */
/* Adds dir/name to names (see watch_wait): once (a thousand saves of one
 * file are one name), and past WATCH_MAX_NAMES bytes an empty name instead,
 * once: the others were left out. */
static void add_name(struct buf *names, const char *dir, const char *name)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s%s%s", strcmp(dir, ".") ? dir : "", *name && strcmp(dir, ".") ? "/" : "", name);
	if (!path.len)
		buf_addch(&path, '.');	/* the folder served from itself: not the empty name */
	int seen = 0;
	for (const char *p = names->data, *end = p + names->len; p && p < end && !seen; p += strlen(p) + 1)
		seen = strcmp(p, path.data) == 0;
	if (!seen && names->len < WATCH_MAX_NAMES) {
		buf_add(names, path.data, path.len + 1);
	} else if (!seen && !(names->len >= 2 && names->data[names->len - 2] == '\0')) {
		buf_addch(names, '\0');	/* the empty name: more than these */
	}
	buf_free(&path);
}

static int is_link(const char *dir, const char *name)
{
	char *path = join(dir, name);
	struct stat st;
	int r = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	free(path);
	return r;
}

static int read_events(struct watch *w, struct buf *changed_names)
{
	char ev_buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->fd, ev_buf, sizeof(ev_buf));
	if (n <= 0)
		return 0;
	int changed = 0, resync = 0, finished = 0;
	for (char *p = ev_buf; p < ev_buf + n;) {
		const struct inotify_event *ev = (const struct inotify_event *)p;
		p += sizeof(*ev) + ev->len;
		if (ev->mask & IN_Q_OVERFLOW) {	/* events were lost: anything may have changed */
			changed = resync = 1;
			continue;
		}
		struct watched *d = find_wd(w, ev->wd);
		const char *name = ev->len ? ev->name : "";
		enum load_name k = *name ? load_name_kind(name) : LOAD_NAME_KEPT;
		if (!d || k == LOAD_NAME_IGNORED || (k == LOAD_NAME_IGNORED_IF_FILE && !(ev->mask & IN_ISDIR)) ||
		    (ev->mask & IN_IGNORED))
			continue;
		if (!d->whole && d->files.len && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))) {
			changed = resync = 1;	/* the folder of a link's target gone: where it would come back */
			continue;
		}
		if (!wanted(w, d, name))
			continue;
		if ((ev->mask & IN_ISDIR) || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) ||
		    (d->whole && *name && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && is_link(d->path, name)) ||
		    (!d->whole && *name && holds_file(d, name) && (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM))))
			resync = 1;	/* folders to watch, or the way to a link's target changed */
		if (changed_names)
			add_name(changed_names, d->path, name);
		changed = 1;
		finished = (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && !(ev->mask & IN_ISDIR);
	}
	if (resync)
		sync_watches(w);
	return changed ? 1 + finished : 0;
}

/* ---- both ---- */

struct watch *watch_open(const char *const *dirs, size_t ndirs, const char *file)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	w->roots = xcalloc(ndirs ? ndirs : 1, sizeof(*w->roots));
	w->root_dirs = xcalloc(ndirs ? ndirs : 1, sizeof(*w->root_dirs));
	w->root_names = xcalloc(ndirs ? ndirs : 1, sizeof(*w->root_names));
	for (size_t i = 0; i < ndirs; i++) {
		w->roots[i] = xstrdup(dirs[i]);
		split_path(dirs[i], &w->root_dirs[i], &w->root_names[i]);
	}
	w->nroots = ndirs;
	w->file = xstrdup(file);
	const char *slash = strrchr(file, '/');
	w->file_dir = slash ? (slash == file ? xstrdup("/") : xstrndup(file, (size_t)(slash - file))) : xstrdup(".");
	w->file_name = xstrdup(slash ? slash + 1 : file);
	const char *mode = getenv("SITEGEN_WATCH");
	if (mode && strcmp(mode, "poll") == 0) {
		w->fd = -1;
		start_polling(w, NULL);
		return w;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		char why[128];
		snprintf(why, sizeof(why), "inotify is not available (%s)", strerror(errno));
		start_polling(w, why);
		return w;
	}
	sync_watches(w);
	return w;
}

static int wait_polling(struct watch *w, int timeout_ms, int wake_fd)
{
	long long wait = w->next_scan - now_ms();
	if (wait < 0)
		wait = 0;
	if (timeout_ms >= 0 && timeout_ms < wait)
		wait = timeout_ms;
	struct pollfd pfd = { wake_fd, POLLIN, 0 };
	int r = poll(&pfd, wake_fd >= 0 ? 1 : 0, (int)wait);
	if (r < 0)
		return errno == EINTR ? -1 : 0;
	if (r > 0 || now_ms() < w->next_scan)
		return 0;
	w->next_scan = now_ms() + WATCH_POLL_MS;
	uint64_t fp = fingerprint(w);
	if (fp == w->fp)
		return 0;
	w->fp = fp;
	return 1;
}

int watch_wait(struct watch *w, int timeout_ms, int wake_fd, struct buf *changed_names)
{
	if (w->fd < 0)
		return wait_polling(w, timeout_ms, wake_fd);
	struct pollfd pfd[2] = { { w->fd, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };
	int r = poll(pfd, wake_fd >= 0 ? 2 : 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? -1 : 0;
	if (r == 0 || !(pfd[0].revents & POLLIN))
		return 0;
	return read_events(w, changed_names);
}

const char *watch_mode(const struct watch *w)
{
	return w->fd >= 0 ? "inotify" : "polling";
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->ndirs; i++) {
		free(w->dirs[i].path);
		buf_free(&w->dirs[i].files);
	}
	for (size_t i = 0; i < w->nroots; i++) {
		free(w->roots[i]);
		free(w->root_dirs[i]);
		free(w->root_names[i]);
	}
	free(w->dirs);
	free(w->roots);
	free(w->root_dirs);
	free(w->root_names);
	free(w->file);
	free(w->file_dir);
	free(w->file_name);
	free(w);
}
