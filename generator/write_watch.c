/* write_watch.c: a process that builds into one output again and again
 * (serve's build process) keeps an inotify watch on each of the output's
 * folders, and a build keeps a file nothing has touched since without its
 * lstat: at 10,000 reports a body edit keeps 61,000 files, and their lstats
 * were ~40% of its build. See write.h.
 *
 * Why a file may be kept unlooked-at: its folder, and every folder above it
 * up to the output, has had a watch since a moment the file was seen with
 * the digest the state gives it (lstat'ed after the watch was set, or kept
 * by a build that looked), and no event has named the file or a folder on
 * its way since. The kernel queues an event when the call that changed
 * something returns, so a change the build's read of the queue does not see
 * was not done before the build began. What it cannot vouch for is looked at
 * as before: a queue that overflowed, a folder it could not watch (another
 * file system below the output, the user's watches running out), an output
 * on a file system whose changes may come from another machine, a state not
 * the one this process saw written. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "arena.h"
#include "strmap.h"
#include "write.h"
#include "write_internal.h"
#include "xalloc.h"

/* Everything that changes a folder's entries, or a file in it. */
#define WATCH_MASK (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

struct write_watch {
	int fd;			/* inotify's; -1 while not watching */
	int mounts;		/* /proc/self/mountinfo: polls POLLPRI once a mount came or went */
	int refused;		/* never in this process: a file system it cannot vouch for */
	/* not until then (counted in commits): the user's watches ran out */
	unsigned commits, wait_until;
	char *out;		/* the output watched, as the writer names it */
	dev_t dev;		/* its folder */
	ino_t ino;
	uint64_t state;		/* the state's write_file_digest after the last commit */
	struct arena names;	/* the folders' names: keys of dirs, wd_dir's */
	struct strmap dirs;	/* folder ("" the output) → its wd as a pointer-sized number; NULL: none */
	char **wd_dir;		/* wd → its folder, or NULL */
	/* folders left unwatched: more than it may watch, those with the
	 * fewest files (a report's own, of one page) are left to be looked at */
	struct strmap skipped;
	size_t nwd;
	size_t nwatched;
	/* every folder of the last commit's files is watched: the next commit
	 * need only ask of the files it wrote */
	int complete;
	/* paths an event named since the last commit (they, and all below
	 * them, are looked at) */
	struct arena suspect_arena;
	struct strmap suspects;
	/* after a commit, for write_watch_idle: folders to watch, then their
	 * files to look at (struct pending_file) */
	struct arena pending_arena;
	struct strmap pending_seen;	/* folder → 1 + the files of ours it holds */
	struct ptrvec pending_dirs, pending_files;
	int usable;		/* this build may keep files unlooked-at */
	atomic_size_t trusted, looked;
};

struct pending_file {
	uint64_t digest;
	char rel[];
};

struct write_watch *write_watch_new(void)
{
	struct write_watch *ww = xcalloc(1, sizeof(*ww));
	ww->fd = ww->mounts = -1;
	return ww;
}

static void forget_pending(struct write_watch *ww)
{
	arena_free(&ww->pending_arena);
	memset(&ww->pending_seen, 0, sizeof(ww->pending_seen));
	memset(&ww->pending_dirs, 0, sizeof(ww->pending_dirs));
	memset(&ww->pending_files, 0, sizeof(ww->pending_files));
}

static void forget_suspects(struct write_watch *ww)
{
	arena_free(&ww->suspect_arena);
	memset(&ww->suspects, 0, sizeof(ww->suspects));
}

/* Stops watching: every watch goes with the descriptor. */
static void stop_watching(struct write_watch *ww)
{
	if (ww->fd >= 0)
		close(ww->fd);
	if (ww->mounts >= 0)
		close(ww->mounts);
	ww->fd = ww->mounts = -1;
	ww->usable = 0;
	free(ww->out);
	ww->out = NULL;
	arena_free(&ww->names);
	memset(&ww->dirs, 0, sizeof(ww->dirs));
	memset(&ww->skipped, 0, sizeof(ww->skipped));
	free(ww->wd_dir);
	ww->wd_dir = NULL;
	ww->nwd = ww->nwatched = 0;
	ww->complete = 0;
	forget_suspects(ww);
	forget_pending(ww);
}

void write_watch_free(struct write_watch *ww)
{
	if (!ww)
		return;
	stop_watching(ww);
	free(ww);
}

/* Is path, or a folder above it, among the paths an event named? */
static int is_suspect(const struct write_watch *ww, const char *rel)
{
	if (!ww->suspects.len)
		return 0;
	char buf[4096];
	size_t n = strlen(rel);
	if (n >= sizeof(buf))
		return 1;
	memcpy(buf, rel, n + 1);
	if (strmap_get(&ww->suspects, buf))
		return 1;
	for (size_t i = n; i-- > 0;)
		if (buf[i] == '/') {
			buf[i] = '\0';
			if (strmap_get(&ww->suspects, buf))
				return 1;
		}
	return 0;
}

static void suspect(struct write_watch *ww, const char *path)
{
	char *key = arena_strdup(&ww->suspect_arena, path);
	strmap_put(&ww->suspect_arena, &ww->suspects, key, key);
}

/* rel's folder, into buf ("" for the output's own files). */
static const char *folder_of(const char *rel, char *buf, size_t size)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	if (n >= size)
		return NULL;
	memcpy(buf, rel, n);
	buf[n] = '\0';
	return buf;
}

static int is_watched(const struct write_watch *ww, const char *dir)
{
	return strmap_get(&ww->dirs, dir) != NULL;
}

int write_watch_trusts(struct write_watch *ww, const char *rel)
{
	char dir[4096];
	int yes = ww->usable && folder_of(rel, dir, sizeof(dir)) && is_watched(ww, dir) && !is_suspect(ww, rel);
	atomic_fetch_add_explicit(yes ? &ww->trusted : &ww->looked, 1, memory_order_relaxed);
	return yes;
}

/* Drops the watches of the folders an event named as moved, removed or
 * changed, and of all below them: they are watched anew (and their files
 * looked at) after the next commit. One pass for all of them: a `rm -r` of
 * thousands of folders names each. */
static void drop_watches(struct write_watch *ww, const struct strmap *gone)
{
	/* a folder is watched only below a watched one: when no folder named
	 * is watched (the staging folder, made and removed by each build),
	 * none below them is either */
	size_t named = 0;
	for (size_t i = 0; i < gone->cap; i++)
		named += gone->keys && gone->keys[i] && is_watched(ww, gone->keys[i]);
	for (size_t wd = 1; named && wd < ww->nwd; wd++) {
		const char *dir = ww->wd_dir[wd];
		if (!dir)
			continue;
		char buf[4096];
		int hit = strmap_get(gone, "") != NULL;
		size_t n = strlen(dir);
		if (!hit && n < sizeof(buf)) {
			memcpy(buf, dir, n + 1);
			hit = strmap_get(gone, buf) != NULL;
			for (size_t i = n; !hit && i-- > 0;)
				if (buf[i] == '/') {
					buf[i] = '\0';
					hit = strmap_get(gone, buf) != NULL;
				}
		}
		if (hit) {
			ww->complete = 0;
			inotify_rm_watch(ww->fd, (int)wd);
			strmap_put(&ww->names, &ww->dirs, dir, NULL);
			ww->wd_dir[wd] = NULL;
			ww->nwatched--;
		}
	}
}

/* Reads every event queued: what they name becomes suspect. Returns 0, or -1
 * when the queue overflowed (then nothing is watched any more). */
static int drain(struct write_watch *ww)
{
	struct arena a = ARENA_INIT;
	struct strmap gone = { 0 };
	char events[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	int overflow = 0;
	for (;;) {
		ssize_t n = read(ww->fd, events, sizeof(events));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EAGAIN: the queue is empty */
		for (char *p = events; p < events + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				overflow = 1;
			const char *dir = ev->wd > 0 && (size_t)ev->wd < ww->nwd ? ww->wd_dir[ev->wd] : NULL;
			if (overflow || !dir)
				continue;	/* a watch dropped already */
			const char *path = ev->len && ev->name[0] ? (*dir ? arena_sprintf(&a, "%s/%s", dir, ev->name)
								     : arena_strdup(&a, ev->name))
								  : dir;
			suspect(ww, path);
			if (path == dir ? (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT | IN_ATTRIB))
					: (ev->mask & IN_ISDIR) != 0)
				strmap_put(&a, &gone, path, (void *)path);
		}
	}
	if (overflow || strmap_get(&gone, ""))
		stop_watching(ww);	/* the output's own folder went, or events were lost */
	else if (gone.len)
		drop_watches(ww, &gone);
	arena_free(&a);
	return ww->fd < 0 ? -1 : 0;
}

/* A file system whose every change the kernel sees: one on a local disk or
 * in memory (not NFS, FUSE, 9p, SMB, nor an overlay, whose lower layers may
 * change underneath). */
static int local_file_system(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0x01021994:	/* tmpfs */
	case 0xEF53:		/* ext2, ext3, ext4 */
	case 0x58465342:	/* xfs */
	case 0x9123683E:	/* btrfs */
	case 0xF2F52010:	/* f2fs */
		return 1;
	default:
		return 0;
	}
}

/* The state's digest as this process saw it last, or 0. */
static uint64_t state_digest(const char *out)
{
	char *path = write_join(out, WRITE_STATE);
	struct stat st;
	uint64_t h = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? write_file_digest(WRITE_STATE, &st) : 0;
	free(path);
	return h;
}

/* Has a file system been mounted or unmounted since the watch began? One
 * mounted over a watched folder sends no event. */
static int mounts_changed(const struct write_watch *ww)
{
	struct pollfd p = { .fd = ww->mounts, .events = POLLPRI };
	return ww->mounts < 0 || poll(&p, 1, 0) != 0;
}

void writer_use_watch(struct writer *w, struct write_watch *ww)
{
	w->watch = ww;
	ww->usable = 0;
	atomic_store(&ww->trusted, 0);
	atomic_store(&ww->looked, 0);
	if (ww->fd < 0)
		return;
	struct stat st;
	if (!w->old_complete || w->direct || strcmp(ww->out, w->out) != 0 || mounts_changed(ww) || fstat(w->lock_fd, &st) < 0 ||
	    st.st_dev != ww->dev || st.st_ino != ww->ino || !ww->state || state_digest(w->out) != ww->state) {
		stop_watching(ww);	/* not the output, or not the state, it saw last */
		return;
	}
	ww->usable = drain(ww) == 0;
}

void write_watch_counts(const struct write_watch *ww, size_t *trusted, size_t *looked, size_t *folders)
{
	*trusted = atomic_load(&ww->trusted);
	*looked = atomic_load(&ww->looked);
	*folders = ww->fd < 0 ? 0 : ww->nwatched;
}

/* Marks dir, and every folder above it not watched yet, to be watched. */
static void want_folder(struct write_watch *ww, const char *dir)
{
	while (!is_watched(ww, dir) && !strmap_get(&ww->pending_seen, dir)) {
		char *key = arena_strdup(&ww->pending_arena, dir);
		strmap_put(&ww->pending_arena, &ww->pending_seen, key, (void *)(uintptr_t)1);
		ptrvec_push(&ww->pending_arena, &ww->pending_dirs, key);
		if (!*dir)
			break;
		char *slash = strrchr(key, '/');
		dir = slash ? arena_strndup(&ww->pending_arena, key, (size_t)(slash - key)) : "";
	}
}

/* How many folders it may watch: half of what the user may (the server's
 * own watch on the content needs some, and so may the user's editor), or
 * fewer with SITEGEN_WATCH_FOLDERS. */
static size_t watches_allowed(void)
{
	const char *env = getenv("SITEGEN_WATCH_FOLDERS");
	char *end = NULL;
	unsigned long asked = env && *env ? strtoul(env, &end, 10) : 0;
	int set = end && !*end;
	FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "r");
	unsigned long n = 8192;
	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 8192;
		fclose(f);
	}
	return set && asked < n / 2 ? asked : n / 2;
}

/* The kernel's queue of events (fs.inotify.max_queued_events). */
static size_t queue_size(void)
{
	FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
	unsigned long n = 16384;
	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 16384;
		fclose(f);
	}
	return n;
}

void write_watch_committed(struct writer *w)
{
	struct write_watch *ww = w->watch;
	if (!ww || ww->refused)
		return;
	ww->commits++;
	if (ww->fd < 0 && ww->commits < ww->wait_until)
		return;
	/* A commit that moved half a queue of files into place (a template
	 * edited: 23,000 pages at 10,000 reports) has most likely overflowed
	 * it with its own events: the watch starts again now, between builds,
	 * rather than the next build finding the overflow and looking at
	 * every file. */
	if (ww->fd >= 0 && w->nstaged + w->stats.removed >= queue_size() / 2)
		stop_watching(ww);
	if (ww->fd < 0) {
		struct stat st;
		if (!local_file_system(w->lock_fd)) {
			ww->refused = 1;
			return;
		}
		ww->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		ww->mounts = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		if (ww->fd < 0 || ww->mounts < 0 || fstat(w->lock_fd, &st) < 0) {
			stop_watching(ww);
			return;
		}
		ww->out = xstrdup(w->out);
		ww->dev = st.st_dev;
		ww->ino = st.st_ino;
	}
	ww->state = state_digest(w->out);
	forget_suspects(ww);	/* this build looked at each, or wrote it anew */
	forget_pending(ww);
	/* the files this build wrote, or all of them (61,000 lookups cost a
	 * body edit's commit 50 ms) */
	size_t n = ww->complete ? w->nstaged : w->paths.cap;
	char dir[4096];
	for (size_t i = 0; i < n; i++) {
		const char *rel = ww->complete ? w->staged[i] : w->paths.keys[i];
		uint64_t digest = rel ? write_entry_of(rel)->digest : 0;
		if (!digest || !folder_of(rel, dir, sizeof(dir)) || is_watched(ww, dir) || strmap_get(&ww->skipped, dir))
			continue;
		want_folder(ww, dir);
		uintptr_t files = (uintptr_t)strmap_get(&ww->pending_seen, dir);
		strmap_put(&ww->pending_arena, &ww->pending_seen, dir, (void *)(files + 1));	/* dir is a key already */
		struct pending_file *f = arena_alloc_uninit(&ww->pending_arena, sizeof(*f) + strlen(rel) + 1);
		f->digest = digest;
		strcpy(f->rel, rel);
		ptrvec_push(&ww->pending_arena, &ww->pending_files, f);
	}
	/* until a watch is dropped, or one wanted cannot be had */
	ww->complete = 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Watches dir; 0, or -1 when it cannot be (the folder is skipped), or -2
 * when no more watches can be had. */
static int watch_folder(struct write_watch *ww, char *dir)
{
	char *path = *dir ? write_join(ww->out, dir) : xstrdup(ww->out);
	/* the output itself may be named through a link (--out to a folder
	 * elsewhere): followed, and it must be the folder the build locked */
	int wd = inotify_add_watch(ww->fd, path, *dir ? WATCH_MASK : WATCH_MASK & ~IN_DONT_FOLLOW);
	struct stat st;
	int same_fs = wd >= 0 && (*dir ? lstat(path, &st) : stat(path, &st)) == 0 && S_ISDIR(st.st_mode) &&
		      st.st_dev == ww->dev && (*dir || st.st_ino == ww->ino);
	free(path);
	if (wd < 0)
		return errno == ENOSPC || errno == ENOMEM ? -2 : -1;
	if (!same_fs || ((size_t)wd < ww->nwd && ww->wd_dir[wd])) {
		/* another file system mounted there; or a folder watched under
		 * another name already (a bind mount): neither is vouched for */
		if ((size_t)wd < ww->nwd && ww->wd_dir[wd]) {
			struct strmap gone = { 0 };
			struct arena a = ARENA_INIT;
			strmap_put(&a, &gone, ww->wd_dir[wd], ww->wd_dir[wd]);
			drop_watches(ww, &gone);
			arena_free(&a);
		} else {
			inotify_rm_watch(ww->fd, wd);
		}
		return -1;
	}
	if ((size_t)wd >= ww->nwd) {
		size_t n = (size_t)wd * 2 + 64;
		ww->wd_dir = xrealloc(ww->wd_dir, n * sizeof(*ww->wd_dir));
		memset(ww->wd_dir + ww->nwd, 0, (n - ww->nwd) * sizeof(*ww->wd_dir));
		ww->nwd = n;
	}
	char *key = arena_strdup(&ww->names, dir);	/* the name kept: an arena of its own */
	strmap_put(&ww->names, &ww->dirs, key, (void *)(intptr_t)wd);
	ww->wd_dir[wd] = key;
	ww->nwatched++;
	return 0;
}

/* Is something waiting on fd (the next build's byte, or its end)? */
static int asked(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&p, 1, 0) > 0;
}

static int hex_digest(const char *p, uint64_t *d)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = p[i];
		int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0)
			return -1;
		v = v << 4 | (uint64_t)x;
	}
	*d = v;
	return p[16] == ' ' ? 0 : -1;
}

/* Every file the state lists, looked at once more between builds (stopped
 * by the next build's byte on stop_fd). inotify says nothing of a change
 * made through another name of the file (a hard link, inside or outside
 * the output) or through a memory map; their lstat does (a memory map's
 * where the file system updates the file's times for it: ext4 does, tmpfs
 * does not, and there no build, kept or plain, sees such a change): such a
 * change is found here, and looked at by the next build. */
static void sweep(struct write_watch *ww, int stop_fd)
{
	char *path = write_join(ww->out, WRITE_STATE);
	struct buf b = BUF_INIT;
	struct stat st;
	int ours = write_load_state(path, &b) == 0 && lstat(path, &st) == 0 &&
		   write_file_digest(WRITE_STATE, &st) == ww->state;
	free(path);
	const char *p = ours ? memmem(b.data, b.len, "\nfiles\n", 7) : NULL;
	int root = p ? open(ww->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	const char *end = b.data + b.len;
	size_t n = 0;
	for (p = p ? p + 7 : end; root >= 0 && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		uint64_t digest;
		if (!nl || nl - p < 18 || hex_digest(p, &digest) < 0 || (n % 256 == 0 && asked(stop_fd)))
			break;	/* the extra section, the end line; or a build to make */
		char rel[4096], dir[4096];
		size_t len = (size_t)(nl - p - 17);
		if (len < sizeof(rel)) {
			memcpy(rel, p + 17, len);
			rel[len] = '\0';
			/* one lstat from the output: every folder on the way is
			 * watched, and one made a link would have been named */
			if (folder_of(rel, dir, sizeof(dir)) && is_watched(ww, dir) && !is_suspect(ww, rel) &&
			    (fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
			     write_file_digest(rel, &st) != digest))
				suspect(ww, rel);
		}
		p = nl + 1;
	}
	if (root >= 0)
		close(root);
	buf_free(&b);
}

/* Waits up to ms for the next build to be asked for: 1 when it is. */
static int asked_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&p, 1, ms) > 0;
}

/* The look at every file waits for SWEEP_DELAY_MS without a build asked
 * for: right after a build the browser is loading its pages, and the
 * look's lstats took a core from it (10,000 reports: 0.01-0.02 s later on
 * the screen); saves that come faster than that need no look between them. */
#define SWEEP_DELAY_MS 500
static void sweep_when_idle(struct write_watch *ww, int stop_fd)
{
	if (!asked_within(stop_fd, SWEEP_DELAY_MS))
		sweep(ww, stop_fd);
}

static size_t pending_files_in(const struct write_watch *ww, const char *dir)
{
	return (uintptr_t)strmap_get(&ww->pending_seen, dir) - 1;
}

static int more_files_first(const void *a, const void *b, void *ctx)
{
	size_t x = pending_files_in(ctx, *(const char *const *)a), y = pending_files_in(ctx, *(const char *const *)b);
	return x > y ? -1 : x < y;
}

/* More folders than it may watch (50,000 reports: 99,500; 96,000 allowed
 * here): the folders holding most files first, each with the folders above
 * it, as long as there are watches to spare; the others are left to be
 * looked at by each build (at 50,000 reports the search index's four
 * folders hold 130,000 of the 180,000 files, a report's own folder one). */
static void choose_folders(struct write_watch *ww, size_t budget)
{
	struct ptrvec order = { 0 }, chosen = { 0 };
	for (size_t i = 0; i < ww->pending_dirs.len; i++)
		ptrvec_push(&ww->pending_arena, &order, ww->pending_dirs.items[i]);
	if (order.len)
		qsort_r(order.items, order.len, sizeof(*order.items), more_files_first, ww);
	struct strmap picked = { 0 };
	for (size_t i = 0; i < order.len; i++) {
		char *dir = order.items[i], up[4096];
		if (strmap_get(&picked, dir))
			continue;	/* above one picked before */
		size_t cost = 0;	/* it and the folders above it not watched nor picked */
		strcpy(up, dir);
		for (;;) {
			if (is_watched(ww, up) || strmap_get(&picked, up))
				break;
			cost++;
			char *slash = strrchr(up, '/');
			if (!*up)
				break;
			if (slash)
				*slash = '\0';
			else
				up[0] = '\0';
		}
		if (cost > budget) {
			strmap_put(&ww->names, &ww->skipped, arena_strdup(&ww->names, dir), (void *)1);
			continue;
		}
		budget -= cost;
		strcpy(up, dir);
		for (;;) {
			if (is_watched(ww, up) || strmap_get(&picked, up))
				break;
			char *key = arena_strdup(&ww->pending_arena, up);
			strmap_put(&ww->pending_arena, &picked, key, key);
			ptrvec_push(&ww->pending_arena, &chosen, key);
			char *slash = strrchr(up, '/');
			if (!*up)
				break;
			if (slash)
				*slash = '\0';
			else
				up[0] = '\0';
		}
	}
	ww->pending_dirs = chosen;
}

void write_watch_idle(struct write_watch *ww, int stop_fd)
{
	if (!ww || ww->fd < 0)
		return;
	if (drain(ww) < 0)
		return;
	if (!ww->pending_dirs.len) {
		forget_pending(ww);
		sweep_when_idle(ww, stop_fd);
		return;
	}
	size_t allowed = watches_allowed();
	if (ww->nwatched + ww->pending_dirs.len > allowed)
		choose_folders(ww, allowed > ww->nwatched ? allowed - ww->nwatched : 0);
	/* a folder after the one above it: a folder whose parent could not be
	 * watched is not either */
	ptrvec_sort(&ww->pending_dirs, cmp_str);
	for (size_t i = 0; i < ww->pending_dirs.len; i++) {
		char *dir = ww->pending_dirs.items[i], parent[4096];
		if (i % 256 == 255 && asked(stop_fd)) {
			ww->complete = 0;	/* a build is wanted: the rest after its commit */
			break;
		}
		int r = *dir && (!folder_of(dir, parent, sizeof(parent)) || !is_watched(ww, parent)) ? -1
			: watch_folder(ww, dir);
		if (r == -2) {
			stop_watching(ww);	/* the user's watches ran out: leave them to others */
			ww->wait_until = ww->commits + 8;
			return;
		}
		if (r < 0)
			ww->complete = 0;	/* its files are looked at by each build */
	}
	/* the files of the folders just watched, looked at now that a change
	 * to them would be seen; when a build is wanted first (the first
	 * watch of 10,000 reports' output takes ~0.5 s), those not looked at
	 * yet are suspects: that build looks at them, as it would have */
	int root = open(ww->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct kept_dirs kd;
	kept_dirs_init(&kd, root);
	int wanted = 0;
	for (size_t i = 0; root >= 0 && i < ww->pending_files.len; i++) {
		const struct pending_file *f = ww->pending_files.items[i];
		char dir[4096];
		struct stat st;
		if (!folder_of(f->rel, dir, sizeof(dir)) || !is_watched(ww, dir))
			continue;	/* not vouched for: looked at by each build */
		wanted = wanted || (i % 256 == 255 && asked(stop_fd));
		if (wanted || write_stat_below(&kd, ww->out, f->rel, &st) < 0 || !S_ISREG(st.st_mode) ||
		    write_file_digest(f->rel, &st) != f->digest)
			suspect(ww, f->rel);
	}
	kept_dirs_release(&kd);
	if (root >= 0)
		close(root);
	else
		stop_watching(ww);
	forget_pending(ww);
	if (ww->fd >= 0)
		sweep_when_idle(ww, stop_fd);
}
