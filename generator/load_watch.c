/* load_watch.c: serve's build process keeps an inotify watch on each folder
 * of the content, and the walk takes what it knew of a file nothing has
 * touched since (its stat) without looking at it again. See load_watch.h.
 *
 * Why an entry may be taken unlooked-at: its folder has had a watch since a
 * moment the folder's names were read and the entry looked at (after the
 * watch was set: load_watch_idle), or since the walk that looked at it last
 * (in a folder watched already), and no event has named it since. The
 * kernel queues an event when the call that changed something returns, so a
 * change the walk's read of the queue does not see was made after the build
 * began, and the next build sees it (serve's own watch asks for that build).
 *
 * Looked at always: a folder (its times follow its names, which its own
 * watch reports), a file with other hard links (a write through one in a
 * folder not watched is reported nowhere), a symbolic link (its target may
 * be anywhere), a name stat cannot see; and, for one build, every other
 * name of a file an event named that has several names (a link just made
 * is reported at its new name only), or every entry when a name written
 * was then removed or moved out (it may have been another name of one).
 * Not vouched for at all (every build walks as before): content on a file
 * system whose changes may come from another machine, links to folders (the
 * walk follows them, and a watch follows the folder's inode, not the path),
 * a folder on another file system, a file or folder mounted inside (written
 * through its other path). The watch starts again, and that build walks
 * everything, when the queue overflowed, a folder itself was made, moved or
 * removed, or a file system was mounted. What inotify does not report at all
 * (a write through a memory map) is found by the look at every entry
 * between builds. The tests: tests/content_watch.sh. */
#define _GNU_SOURCE
#include "load_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load_internal.h"
#include "localfs.h"
#include "strmap.h"
#include "xalloc.h"

/* Everything that changes a folder's names, or a file in it. */
#define WATCH_MASK (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
struct kept_entry {
	struct stat st;
	int always;		/* looked at every build: a link, a folder, a hard-linked file, a name stat cannot see */
};

struct kept_folder {
	int vouched;		/* watched, and its names and entries taken after the watch was set */
	struct ptrvec names;	/* its names, in byte order (strings in lw->arena) */
};

struct load_watch {
	int fd, mounts;		/* inotify; /proc/self/mountinfo (a mount sends no event) */
	int refused;		/* the content cannot be vouched for: never watched again */
	char *root;		/* the walked directory, as given */
	dev_t dev;
	ino_t ino;
	struct arena arena;	/* everything below: freed when the watch starts again */
	struct strmap entries;	/* rel → struct kept_entry */
	struct strmap folders;	/* rel ("" the root) → struct kept_folder */
	char **wd_folder;	/* inotify's watch descriptor → folder rel */
	size_t nwd;
	struct ptrvec walked;	/* folders the last walk read itself: to watch */
	struct arena ev_arena;	/* the events of one walk: */
	struct strmap named;	/* rels they named */
	struct strmap changed;	/* folders whose names they named */
	struct strmap written;	/* rels written (IN_MODIFY) → the cookie + 1 of their last move away, or 1 */
	uint32_t moved_in[64];	/* cookies of moves into a watched folder */
	size_t nmoved_in;
	size_t taken, looked;
	int lost;		/* a folder could not be read this walk: what events named there not dealt with */
};

struct load_watch *load_watch_new(void)
{
	struct load_watch *lw = xcalloc(1, sizeof(*lw));
	lw->fd = lw->mounts = -1;
	return lw;
}

/* Stops watching and forgets everything kept: every watch goes with the
 * descriptor. */
static void stop(struct load_watch *lw)
{
	if (lw->fd >= 0)
		close(lw->fd);
	if (lw->mounts >= 0)
		close(lw->mounts);
	lw->fd = lw->mounts = -1;
	arena_free(&lw->arena);
	memset(&lw->entries, 0, sizeof(lw->entries));
	memset(&lw->folders, 0, sizeof(lw->folders));
	memset(&lw->walked, 0, sizeof(lw->walked));
	free(lw->wd_folder);
	lw->wd_folder = NULL;
	lw->nwd = 0;
}

void load_watch_free(struct load_watch *lw)
{
	if (!lw)
		return;
	stop(lw);
	arena_free(&lw->ev_arena);
	free(lw->root);
	free(lw);
}

void load_watch_counts(const struct load_watch *lw, size_t *taken, size_t *looked)
{
	*taken = lw->taken;
	*looked = lw->looked;
}

static int mounts_changed(const struct load_watch *lw)
{
	struct pollfd p = { .fd = lw->mounts, .events = POLLPRI };
	return lw->mounts < 0 || poll(&p, 1, 0) != 0;
}

/* What other_names needs of a written name: whether it was moved away
 * afterwards, and where to (a cookie the move into a watched folder shares). */
static void note_write(struct load_watch *lw, const char *rel, const struct inotify_event *ev)
{
	uintptr_t had = (uintptr_t)strmap_get(&lw->written, rel);
	if (ev->mask & IN_MODIFY)
		strmap_put(&lw->ev_arena, &lw->written, rel, (void *)(uintptr_t)1);
	else if (had && (ev->mask & IN_MOVED_FROM))
		strmap_put(&lw->ev_arena, &lw->written, rel, (void *)((uintptr_t)ev->cookie + 2));
	if ((ev->mask & IN_MOVED_TO) && lw->nmoved_in < sizeof(lw->moved_in) / sizeof(*lw->moved_in))
		lw->moved_in[lw->nmoved_in++] = ev->cookie;
	else if (ev->mask & IN_MOVED_TO)
		lw->nmoved_in = SIZE_MAX;	/* too many to tell: none is known */
}

/* Whether a move with this cookie ended in a watched folder. */
static int moved_in(const struct load_watch *lw, uint32_t cookie)
{
	for (size_t i = 0; lw->nmoved_in != SIZE_MAX && i < lw->nmoved_in; i++)
		if (lw->moved_in[i] == cookie)
			return 1;
	return 0;
}

/* Reads every event queued into lw->named and lw->changed. Returns 0, or -1
 * when the watch cannot vouch for what it kept any more. */
static int drain(struct load_watch *lw)
{
	char events[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(lw->fd, events, sizeof(events));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;	/* EAGAIN: the queue is empty */
		for (char *p = events; p < events + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			const char *dir = ev->wd > 0 && (size_t)ev->wd < lw->nwd ? lw->wd_folder[ev->wd] : NULL;
			if (!(ev->mask & IN_Q_OVERFLOW) && dir && ev->len && load_name_kind(ev->name) == LOAD_NAME_IGNORED) {
				/* a name no walk reads (an editor's .x.swp, a .git folder); it
				 * may still be another name of a file it reads */
				if (ev->mask & (IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO))
					note_write(lw, *dir ? arena_sprintf(&lw->ev_arena, "%s/%s", dir, ev->name)
							    : arena_strdup(&lw->ev_arena, ev->name), ev);
				continue;
			}
			if ((ev->mask & IN_Q_OVERFLOW) || !dir || (ev->mask & IN_ISDIR) || !ev->len || !ev->name[0])
				return -1;	/* lost events, a folder's own, or one naming a folder */
			char *rel = *dir ? arena_sprintf(&lw->ev_arena, "%s/%s", dir, ev->name)
					 : arena_strdup(&lw->ev_arena, ev->name);
			strmap_put(&lw->ev_arena, &lw->named, rel, rel);
			if (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
				strmap_put(&lw->ev_arena, &lw->changed, dir, (void *)dir);
			note_write(lw, rel, ev);
		}
	}
}

/* A file an event named that has several names now: a link just made to
 * it (only the new name's folder hears of it) may have been written through
 * already. Its other names in the content are looked at too. */
static void other_names(struct load_watch *lw)
{
	ino_t linked[16];
	size_t n = 0;
	int all = 0;	/* every entry looked at */
	char path[8192];
	/* a name written and then removed (or moved out) may have been another
	 * name of a file it kept: which, nothing tells any more */
	for (size_t i = 0; i < lw->written.cap && !all; i++) {
		const char *rel = lw->written.keys ? lw->written.keys[i] : NULL;
		uintptr_t how = rel ? (uintptr_t)lw->written.vals[i] : 0;
		struct stat st;
		if (rel && (how < 2 || !moved_in(lw, (uint32_t)(how - 2))) &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", lw->root, rel) < sizeof(path) &&
		    lstat(path, &st) < 0 && errno == ENOENT)
			all = 1;
	}
	for (size_t i = 0; i < lw->named.cap && !all && n < 16; i++) {
		const char *rel = lw->named.keys ? lw->named.keys[i] : NULL;
		struct stat st;
		if (rel && (size_t)snprintf(path, sizeof(path), "%s/%s", lw->root, rel) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1 && st.st_dev == lw->dev)
			linked[n++] = st.st_ino;
	}
	if (n == 16)
		all = 1;	/* more than it tracks */
	for (size_t i = 0; n && !all && i < lw->entries.cap; i++) {
		struct kept_entry *k = lw->entries.keys && lw->entries.keys[i] ? lw->entries.vals[i] : NULL;
		for (size_t j = 0; k && j < n; j++)
			if (k->st.st_ino == linked[j] && k->st.st_dev == lw->dev)
				k->always = 1;
	}
	if (all)
		for (size_t i = 0; i < lw->entries.cap; i++)
			if (lw->entries.keys && lw->entries.keys[i])
				((struct kept_entry *)lw->entries.vals[i])->always = 1;
}

void load_watch_begin(struct load_watch *lw, const char *dir, const struct stat *root)
{
	lw->taken = lw->looked = 0;
	memset(&lw->walked, 0, sizeof(lw->walked));	/* in lw->arena: a few pointers a build */
	if (lw->fd >= 0 && (strcmp(lw->root, dir) != 0 || root->st_dev != lw->dev || root->st_ino != lw->ino ||
			    mounts_changed(lw) || drain(lw) < 0))
		stop(lw);
	if (!lw->root || strcmp(lw->root, dir) != 0) {
		free(lw->root);
		lw->root = xstrdup(dir);
	}
	lw->dev = root->st_dev;
	lw->ino = root->st_ino;
	if (lw->fd >= 0 && (lw->named.len || lw->written.len))
		other_names(lw);	/* (before the walk: a name taken is taken) */
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int load_watch_names(struct load_watch *lw, struct arena *a, const char *rel, struct ptrvec *names)
{
	const struct kept_folder *f = lw->fd >= 0 ? strmap_get(&lw->folders, rel) : NULL;
	if (!f || !f->vouched)
		return 0;
	for (size_t i = 0; i < f->names.len; i++)
		ptrvec_push(a, names, f->names.items[i]);
	if (!strmap_get(&lw->changed, rel))
		return 1;
	/* names the events gave that it did not have: new ones, looked at */
	char dir[4096];
	for (size_t i = 0; i < lw->named.cap; i++) {
		const char *n = lw->named.keys ? lw->named.keys[i] : NULL;
		if (!n || !watch_folder_of(n, dir, sizeof(dir)) || strcmp(dir, rel) != 0)
			continue;
		const char *name = *rel ? n + strlen(rel) + 1 : n;
		if (load_name_kind(name) != LOAD_NAME_IGNORED &&
		    !bsearch(&name, f->names.items, f->names.len, sizeof(*f->names.items), cmp_names))
			ptrvec_push(a, names, arena_strdup(a, name));
	}
	ptrvec_sort(names, cmp_names);
	return 2;
}

int load_watch_stat(struct load_watch *lw, const char *rel, struct stat *st)
{
	const struct kept_entry *k = strmap_get(&lw->entries, rel);
	if (!k || k->always || (lw->named.len && strmap_get(&lw->named, rel)))
		return 0;
	*st = k->st;
	lw->taken++;
	return 1;
}

/* Keeps what a look at name from dfd found (lst: the look without
 * following a link), for the next build. */
static void keep_entry(struct load_watch *lw, const char *rel, int err, const struct stat *st, const struct stat *lst)
{
	struct kept_entry *k = strmap_get(&lw->entries, rel);
	if (!k) {
		k = arena_alloc(&lw->arena, sizeof(*k));
		strmap_put(&lw->arena, &lw->entries, arena_strdup(&lw->arena, rel), k);
	}
	k->st = *st;
	/* a folder's times change with its names, which its own watch reports,
	 * not its parent's: looked at (there are few), so that a bundle's stamp
	 * (load.c) is a plain walk's */
	k->always = err || S_ISLNK(lst->st_mode) || S_ISDIR(st->st_mode) || (S_ISREG(st->st_mode) && st->st_nlink > 1);
}

int load_watch_looked(struct load_watch *lw, int dfd, struct load_entry *e)
{
	lw->looked++;
	struct stat lst;
	int lerr = fstatat(dfd, e->name, &lst, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
	if (lerr == ENOENT || (load_name_kind(e->name) == LOAD_NAME_IGNORED_IF_FILE && (e->err || !S_ISDIR(e->st.st_mode))))
		return -1;	/* gone since the event, or an autosave */
	if (lerr) {
		lst.st_mode = 0;
		e->err = e->err ? e->err : lerr;
	}
	keep_entry(lw, e->rel, e->err, &e->st, &lst);
	return 0;
}

void load_watch_set_names(struct load_watch *lw, const char *rel, const struct ptrvec *names)
{
	struct kept_folder *f = strmap_get(&lw->folders, rel);
	if (!f)
		return;
	/* the names it had kept as they are (a save by rename changes a
	 * folder's names: one of 3,000 copied each save would add up) */
	void **now = arena_alloc(&lw->arena, (names->len + 1) * sizeof(*now));
	for (size_t i = 0; i < names->len; i++) {
		const char *name = names->items[i];
		char **had = bsearch(&name, f->names.items, f->names.len, sizeof(*f->names.items), cmp_names);
		now[i] = had ? *had : arena_strdup(&lw->arena, name);
	}
	f->names = (struct ptrvec){ now, names->len, names->len };
}

void load_watch_walked(struct load_watch *lw, const char *rel)
{
	if (!lw->refused)
		ptrvec_push(&lw->arena, &lw->walked, arena_strdup(&lw->arena, rel));
}

void load_watch_unread(struct load_watch *lw)
{
	lw->lost = 1;
}

void load_watch_end(struct load_watch *lw)
{
	if (lw->lost)
		stop(lw);	/* not before: this walk's entries name the names it kept */
	lw->lost = 0;
	arena_free(&lw->ev_arena);
	memset(&lw->named, 0, sizeof(lw->named));
	memset(&lw->changed, 0, sizeof(lw->changed));
	memset(&lw->written, 0, sizeof(lw->written));
	lw->nmoved_in = 0;
}

/* ---- between builds ---- */

static int asked(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&p, 1, 0) > 0;
}

static int start(struct load_watch *lw)
{
	struct stat st;
	int root = lw->root ? open(lw->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	int local = root >= 0 && localfs_is_local(root);
	int same = root >= 0 && fstat(root, &st) == 0 && st.st_dev == lw->dev && st.st_ino == lw->ino;
	if (root >= 0)
		close(root);
	if (root >= 0 && !local)
		lw->refused = 1;	/* changes may come from elsewhere */
	if (!local || !same)
		return -1;	/* else not the folder walked: the next build walks it */
	lw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	lw->mounts = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (lw->fd < 0 || lw->mounts < 0) {
		stop(lw);
		return -1;
	}
	return 0;
}

/* The folder rel: watched, its names read and each looked at, after the
 * watch was set. 0; -1 when it cannot be vouched for (left to the walk);
 * -2 when nothing can (the content refused: links to folders, another file
 * system, a folder watched under two names). */
static int watch_folder(struct load_watch *lw, const char *rel)
{
	char *path = *rel ? arena_sprintf(&lw->arena, "%s/%s", lw->root, rel) : lw->root;
	/* the root may be named through a link; a folder below it may not */
	int wd = inotify_add_watch(lw->fd, path, *rel ? WATCH_MASK | IN_DONT_FOLLOW : WATCH_MASK);
	if (wd < 0)
		return errno == ENOTDIR ? -2 : -1;	/* ENOTDIR: a link (or gone, and made a file) */
	struct stat st;
	if ((size_t)wd < lw->nwd && lw->wd_folder[wd] && strcmp(lw->wd_folder[wd], rel) != 0)
		return -2;	/* the same folder under another name */
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != lw->dev)
		return -2;
	if ((size_t)wd >= lw->nwd) {
		size_t n = (size_t)wd * 2 + 16;
		lw->wd_folder = xrealloc(lw->wd_folder, n * sizeof(*lw->wd_folder));
		memset(lw->wd_folder + lw->nwd, 0, (n - lw->nwd) * sizeof(*lw->wd_folder));
		lw->nwd = n;
	}
	char *key = arena_strdup(&lw->arena, rel);
	lw->wd_folder[wd] = key;
	struct kept_folder *f = arena_alloc(&lw->arena, sizeof(*f));
	int dfd = load_dir_names(&lw->arena, path, &f->names);
	if (dfd < 0)
		return -1;	/* unreadable: the walk says so each build */
	int r = 0;
	for (size_t i = 0; r == 0 && i < f->names.len; i++) {
		const char *name = f->names.items[i];
		struct stat lst = { 0 };
		struct statx sx;
		int err = fstatat(dfd, name, &st, 0) < 0 ? errno : 0;
		int mount_root = 0;
		if (statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) == 0) {
			lst.st_mode = sx.stx_mode;
			mount_root = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
		}
		/* a file or folder mounted here (a bind mount) is written through its
		 * other path without an event here */
		if (mount_root || (!err && S_ISDIR(st.st_mode) && (S_ISLNK(lst.st_mode) || st.st_dev != lw->dev)))
			r = -2;
		else
			keep_entry(lw, *rel ? arena_sprintf(&lw->arena, "%s/%s", rel, name) : name, err, &st, &lst);
	}
	close(dfd);
	if (r == 0) {
		f->vouched = 1;
		strmap_put(&lw->arena, &lw->folders, key, f);
	}
	return r;
}

/* Looks at every entry of the vouched folders again: changes inotify does
 * not report are kept, for the next build to see. Returns 0, or -1 when
 * stopped part way. */
static int look_again(struct load_watch *lw, int stop_fd)
{
	char path[8192];
	for (size_t i = 0; i < lw->entries.cap; i++) {
		const char *rel = lw->entries.keys ? lw->entries.keys[i] : NULL;
		if (!rel)
			continue;
		if ((i & 255) == 0 && asked(stop_fd))
			return -1;
		struct kept_entry *k = lw->entries.vals[i];
		struct stat st;
		if (k->always || (size_t)snprintf(path, sizeof(path), "%s/%s", lw->root, rel) >= sizeof(path))
			continue;
		if (stat(path, &st) < 0) {
			k->always = 1;
			continue;
		}
		if (st.st_size != k->st.st_size || st.st_ino != k->st.st_ino || st.st_mtim.tv_sec != k->st.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != k->st.st_mtim.tv_nsec || st.st_ctim.tv_sec != k->st.st_ctim.tv_sec ||
		    st.st_ctim.tv_nsec != k->st.st_ctim.tv_nsec || st.st_mode != k->st.st_mode || st.st_nlink != k->st.st_nlink)
			k->always = 1;	/* changed behind inotify's back: looked at from now on */
	}
	return 0;
}

void load_watch_idle(struct load_watch *lw, int stop_fd)
{
	if (!lw || lw->refused || (lw->fd < 0 && (!lw->walked.len || start(lw) < 0)))
		return;
	for (size_t i = 0; i < lw->walked.len; i++) {
		if (asked(stop_fd))
			return;
		if (watch_folder(lw, lw->walked.items[i]) == -2) {
			lw->refused = 1;
			stop(lw);
			return;
		}
	}
	memset(&lw->walked, 0, sizeof(lw->walked));
	/* said for the tests, which wait for it before a change it must not miss */
	if (look_again(lw, stop_fd) == 0 && getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: content watched (%zu folders), every entry looked at again\n", lw->folders.len);
}
