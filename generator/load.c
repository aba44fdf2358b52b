#define _DEFAULT_SOURCE
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "imagesize.h"
#include "load_internal.h"
#include "load_watch.h"
#include "strmap.h"
#include "xalloc.h"

/* Set once by main before any thread reads; read-only afterwards. */
static size_t max_file_size = LOAD_MAX_FILE_SIZE_DEFAULT;

void load_set_max_file_size(size_t bytes)
{
	max_file_size = bytes;
}

size_t load_max_file_size(void)
{
	return max_file_size;
}

int load_parse_size(const char *s, size_t *bytes)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long n = strtoull(s, &end, 10);
	unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (shift)
		end++;
	if (errno || *end || n > (SIZE_MAX >> shift))
		return -1;
	*bytes = (size_t)n << shift;
	return 0;
}

/* Opens path for reading when it is a regular file within the limit.
 * O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
static int open_input(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int err = fstat(fd, st) < 0 ? errno
		: !S_ISREG(st->st_mode) ? LOAD_ENOTREG
		: (unsigned long long)st->st_size > max_file_size ? LOAD_ETOOBIG : 0;
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Reads fd to its end into p (room for cap bytes). A file that fills p
 * has grown since fstat gave its size (cap is one more than that). */
static int read_all(int fd, char *p, size_t cap, size_t *len)
{
	size_t n = 0;
	while (n < cap) {
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == cap) {
		errno = LOAD_ECHANGED;
		return -1;
	}
	p[n] = '\0';
	*len = n;
	return 0;
}

/* The one reader: the buffer comes from the arena when a is given, else
 * from out. */
static int read_file(const char *path, struct arena *a, struct buf *out, char **data, size_t *len)
{
	struct stat st;
	int fd = open_input(path, &st);
	if (fd < 0)
		return -1;
	size_t cap = (size_t)st.st_size + 1;
	char *p;
	if (a) {
		p = arena_alloc_uninit(a, cap + 1);	/* read_all fills it and ends it with a NUL */
	} else {
		buf_reset(out);
		buf_grow(out, cap);
		p = out->data;
	}
	int r = read_all(fd, p, cap, len);
	int err = errno;
	close(fd);
	errno = err;
	if (r == 0)
		*data = p;
	return r;
}

uint64_t load_stat_hash(uint64_t h, const char *name, const struct stat *st)
{
	long long v[4] = { -1, 0, 0, 0 };
	if (st) {
		v[0] = (long long)st->st_size;
		v[1] = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
		v[2] = (long long)st->st_ino;
		v[3] = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	}
	h = hash_bytes(h, name, strlen(name) + 1);
	return hash_bytes(h, v, sizeof(v));
}

int load_file(const char *path, struct buf *out)
{
	char *data;
	size_t len;
	if (read_file(path, NULL, out, &data, &len) < 0) {
		buf_reset(out);
		return -1;
	}
	out->len = len;
	return 0;
}

int load_file_arena(struct arena *a, const char *path, char **data, size_t *len)
{
	return read_file(path, a, NULL, data, len);
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
		: S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a file";
}

const char *load_strerror(struct arena *a, const char *path, int err)
{
	struct stat st;
	switch (err) {
	case LOAD_ETOOBIG:
		return stat(path, &st) < 0 ? "larger than the limit"
			: arena_sprintf(a, "%lld bytes, larger than the limit of %zu (--max-file-size)",
					(long long)st.st_size, max_file_size);
	case LOAD_ENOTREG:
		return stat(path, &st) < 0 ? "not a regular file"
			: arena_sprintf(a, "not a regular file but %s", file_kind(st.st_mode));
	case LOAD_ECHANGED:
		return "the file grew while it was read: build again";
	default:
		return strerror(err);
	}
}

/* `.x`, `x~`, a file `#x#`: see load.h */
enum load_name load_name_kind(const char *name)
{
	size_t n = strlen(name);
	/* .x: hidden (vim's .x.swp, Emacs' .#x lock); x~: a backup */
	if (name[0] == '.' || (n && name[n - 1] == '~'))
		return LOAD_NAME_IGNORED;
	/* #x#: Emacs' autosave, always a file (a folder #tag# holds reports) */
	return n > 1 && name[0] == '#' && name[n - 1] == '#' ? LOAD_NAME_IGNORED_IF_FILE : LOAD_NAME_KEPT;
}

/* Whether e, in the directory dp reads, is left out (links followed, as the
 * walk follows them, to know a folder). */
static int entry_ignored(DIR *dp, const struct dirent *e)
{
	enum load_name k = load_name_kind(e->d_name);
	if (k != LOAD_NAME_IGNORED_IF_FILE)
		return k == LOAD_NAME_IGNORED;
	struct stat st;
	if (e->d_type == DT_DIR)
		return 0;
	return !(e->d_type != DT_REG && fstatat(dirfd(dp), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_internal.h; the descriptor is to stat the names from: each stat then
 * looks up one name, not the whole path again. */
int load_dir_names(struct arena *a, const char *dir, struct ptrvec *names)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int listed = fd < 0 ? -1 : dup(fd);
	DIR *dp = listed < 0 ? NULL : fdopendir(listed);
	if (!dp) {
		int err = errno;
		if (listed >= 0)
			close(listed);
		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(dp)))
		if (!entry_ignored(dp, de))
			ptrvec_push(a, names, arena_strdup(a, de->d_name));
	closedir(dp);
	ptrvec_sort(names, cmp_names);
	return fd;
}

/* The directories on the way from the walk's root to where it is, to know
 * a link that leads back (device and inode: a path would not tell). */
struct walk {
	struct arena *a;
	struct diag *d;
	struct ptrvec *entries;
	struct walk_dir {
		dev_t dev;
		ino_t ino;
		const char *path;
	} *up;
	size_t depth, cap;
	char *root_real;	/* the root's real path: links out of it are not followed */
	struct load_watch *lw;	/* serve's build process: the content's watch, or NULL */
};

static const char *on_path(const struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->up[i].dev == st->st_dev && w->up[i].ino == st->st_ino)
			return w->up[i].path;
	return NULL;
}

static void walk_dir(struct walk *w, const char *dir, const char *rel, const struct stat *st);

/* A link to a directory outside the tree (ln -s / content/root) would have
 * the walk read anything on the machine: its target, or NULL when path is
 * no link or stays inside. */
static const char *leads_out(struct walk *w, const char *path)
{
	struct stat lst;
	if (lstat(path, &lst) < 0 || !S_ISLNK(lst.st_mode) || !w->root_real)
		return NULL;
	char *target = realpath(path, NULL);
	if (!target)
		return NULL;
	size_t n = strlen(w->root_real);
	int inside = strncmp(target, w->root_real, n) == 0 && (target[n] == '/' || target[n] == '\0');
	const char *r = inside ? NULL : arena_strdup(w->a, target);
	free(target);
	return r;
}

/* e, in a folder the watch vouches for: what the watch kept of it, or a
 * look when an event named it. 0, or -1 when it is no entry any more. */
static int stat_vouched(struct walk *w, int dfd, struct load_entry *e)
{
	if (load_watch_stat(w->lw, e->rel, &e->st)) {
		e->err = 0;
		return 0;
	}
	e->err = fstatat(dfd, e->name, &e->st, 0) < 0 ? errno : 0;
	return load_watch_looked(w->lw, dfd, e);
}

/* "dir/name" in a: one copy of each, not a format read (arena_sprintf):
 * two a content file, 10 ms a build at 50,000 reports. */
static char *join(struct arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	char *s = arena_alloc_uninit(a, n + m + 2);
	memcpy(s, dir, n);
	s[n] = '/';
	memcpy(s + n + 1, name, m + 1);
	return s;
}

/* dfd: dir's descriptor (load_dir_names), closed here: every name is looked
 * at before the walk goes down, so one directory is open at a time however
 * deep the tree. vouched: load_watch_names's answer for dir. */
static void walk_names(struct walk *w, int dfd, const char *dir, const char *rel, struct ptrvec *names, int vouched)
{
	struct load_entry **looked = arena_alloc(w->a, (names->len + 1) * sizeof(*looked));
	struct ptrvec left = { 0 };	/* a folder's names after events: those still there */
	for (size_t i = 0; i < names->len; i++) {
		struct load_entry *e = looked[i] = arena_alloc(w->a, sizeof(*e));
		e->name = names->items[i];
		e->path = join(w->a, dir, e->name);
		e->rel = *rel ? join(w->a, rel, e->name) : e->name;
		if (!vouched)
			e->err = fstatat(dfd, e->name, &e->st, 0) < 0 ? errno : 0;
		else if (stat_vouched(w, dfd, e) < 0)
			looked[i] = NULL;
		else if (vouched == 2)
			ptrvec_push(w->a, &left, (void *)e->name);
	}
	close(dfd);
	if (vouched == 2)
		load_watch_set_names(w->lw, rel, &left);
	for (size_t i = 0; i < names->len; i++) {
		struct load_entry *e = looked[i];
		if (!e)
			continue;
		if (!e->err && S_ISDIR(e->st.st_mode)) {
			const char *out = leads_out(w, e->path);
			if (out) {
				if (w->d)
					diag_warning(w->d, e->path, 0, 0, NULL, 0,
						     "a link to %s, outside %s: skipped", out, w->up[0].path);
				continue;
			}
			const char *back = on_path(w, &e->st);
			if (back) {
				if (w->d)
					diag_warning(w->d, e->path, 0, 0, NULL, 0,
						     "leads back to %s, a directory it is in (a loop of links): skipped", back);
				continue;
			}
			ptrvec_push(w->a, w->entries, e);
			walk_dir(w, e->path, e->rel, &e->st);
		} else {
			ptrvec_push(w->a, w->entries, e);
		}
	}
}

/* dir's names and a descriptor to stat them from: the watch's when it
 * vouches for the folder (*vouched 1 or 2), else read. */
static int folder_names(struct walk *w, const char *dir, const char *rel, struct ptrvec *names, int *vouched)
{
	*vouched = w->lw ? load_watch_names(w->lw, w->a, rel, names) : 0;
	if (*vouched)
		return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd = load_dir_names(w->a, dir, names);
	if (dfd >= 0 && w->lw)
		load_watch_walked(w->lw, rel);
	return dfd;
}

static void walk_dir(struct walk *w, const char *dir, const char *rel, const struct stat *st)
{
	struct ptrvec names = { 0 };
	int vouched;
	int dfd = folder_names(w, dir, rel, &names, &vouched);
	if (dfd < 0) {
		if (w->lw)
			load_watch_unread(w->lw);
		if (w->d)
			diag_error(w->d, dir, 0, 0, NULL, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->up = xrealloc(w->up, w->cap * sizeof(*w->up));
	}
	w->up[w->depth++] = (struct walk_dir){ st->st_dev, st->st_ino, dir };
	walk_names(w, dfd, dir, rel, &names, vouched);
	w->depth--;
}

static int walk_tree(struct arena *a, struct diag *d, const char *dir, struct ptrvec *entries, struct load_watch *lw)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (lw)
		load_watch_begin(lw, dir, &st);
	struct walk w = { a, d, entries, xmalloc(16 * sizeof(*w.up)), 1, 16, NULL, lw };
	struct ptrvec names = { 0 };
	int vouched;
	int dfd = folder_names(&w, dir, "", &names, &vouched);
	if (dfd < 0) {
		int err = errno;
		free(w.up);
		if (lw) {
			load_watch_unread(lw);
			load_watch_end(lw);
		}
		errno = err;
		return -1;
	}
	w.root_real = realpath(dir, NULL);
	w.up[0] = (struct walk_dir){ st.st_dev, st.st_ino, dir };
	walk_names(&w, dfd, dir, "", &names, vouched);
	free(w.up);
	free(w.root_real);
	if (lw)
		load_watch_end(lw);
	return 0;
}

int load_tree(struct arena *a, struct diag *d, const char *dir, struct ptrvec *entries)
{
	return walk_tree(a, d, dir, entries, NULL);
}

static int has_md_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Files that are not articles: the first few are named, the rest counted
 * (a folder of 20,000 images must not bury the messages that matter). */
#define NOT_MD_SHOWN 10

/* The page bundles below the walked directory: rel of each folder that
 * holds an index.md (not the root) → its source, filled in as it is met. */
struct bundles {
	struct strmap dirs;
	size_t not_md;
};

static void find_bundles(struct arena *a, const struct ptrvec *entries, struct bundles *b)
{
	for (size_t i = 0; i < entries->len; i++) {
		const struct load_entry *e = entries->items[i];
		const char *slash = strrchr(e->rel, '/');
		if (slash && strcmp(e->name, "index.md") == 0)
			strmap_put(a, &b->dirs, arena_strndup(a, e->rel, (size_t)(slash - e->rel)), (void *)"");
	}
}

/* The outermost bundle folder e lies in (e's own folder for its index.md),
 * or NULL. */
static const char *bundle_of(struct arena *a, const struct bundles *b, const struct load_entry *e)
{
	if (!b->dirs.len)
		return NULL;
	for (const char *p = e->rel; (p = strchr(p, '/')) != NULL; p++) {
		const char *dir = arena_strndup(a, e->rel, (size_t)(p - e->rel));
		if (strmap_get(&b->dirs, dir))
			return dir;
	}
	return NULL;
}

/* One entry of the content tree: a source, or NULL (reported or skipped). */
static struct source *content_file(struct arena *a, struct diag *d, const struct load_entry *e, size_t *not_md)
{
	if (!has_md_suffix(e->name)) {
		if ((e->err || !S_ISDIR(e->st.st_mode)) && ++*not_md <= NOT_MD_SHOWN)
			diag_warning(d, e->path, 0, 0, NULL, 0, "not a .md file: skipped");
		return NULL;
	}
	if (e->err) {
		diag_error(d, e->path, 0, 0, NULL, 0, "cannot read: %s", strerror(e->err));
		return NULL;
	}
	if (!S_ISREG(e->st.st_mode))
		return NULL;	/* a FIFO named x.md (a directory is walked) */
	if ((unsigned long long)e->st.st_size > load_max_file_size()) {
		diag_error(d, e->path, 0, 0, NULL, 0, "cannot read: %s", load_strerror(a, e->path, LOAD_ETOOBIG));
		return NULL;
	}
	struct source *s = arena_alloc(a, sizeof(*s));
	s->path = e->path;
	s->stamp = load_stat_hash(HASH_INIT, e->path, &e->st);
	int64_t m = (int64_t)e->st.st_mtim.tv_sec * 1000000000 + e->st.st_mtim.tv_nsec;
	int64_t c = (int64_t)e->st.st_ctim.tv_sec * 1000000000 + e->st.st_ctim.tv_nsec;
	s->touched_ns = m > c ? m : c;
	return s;
}

/* An entry inside the bundle folder `bundle` (rel): its index.md is the
 * article; images are its resources, said nothing about; another .md would
 * be taken for an article of its own by a reader of the tree, so it is
 * named. Everything but index.md goes into the bundle's stamp. */
static struct source *bundle_file(struct arena *a, struct diag *d, const char *dir, const struct load_entry *e,
				  const char *bundle, struct bundles *b, uint64_t *stamp)
{
	size_t n = strlen(bundle);
	if (strcmp(e->rel + n, "/index.md") == 0) {
		struct source *s = content_file(a, d, e, &b->not_md);
		if (s)
			s->bundle = arena_sprintf(a, "%s/%s", dir, bundle);
		return s;
	}
	*stamp = load_stat_hash(*stamp, e->rel, e->err ? NULL : &e->st);
	if (!e->err && S_ISDIR(e->st.st_mode))
		return NULL;
	if (has_md_suffix(e->name))
		diag_warning(d, e->path, 0, 0, NULL, 0, "not an article: a folder with an index.md is one article "
			     "(a page bundle, %s/%s/index.md), and only that file is read: move this one out of the folder",
			     dir, bundle);
	else if (image_type_of_name(e->name) == IMAGE_NONE && ++b->not_md <= NOT_MD_SHOWN)
		diag_warning(d, e->path, 0, 0, NULL, 0, "not a .md file or an image: skipped");
	return NULL;
}

size_t load_list(struct arena *a, struct diag *d, const char *dir, struct source **sources)
{
	return load_list_watched(a, d, dir, sources, NULL);
}

size_t load_list_watched(struct arena *a, struct diag *d, const char *dir, struct source **sources,
			 struct load_watch *lw)
{
	struct ptrvec entries = { 0 }, found = { 0 };
	if (walk_tree(a, d, dir, &entries, lw) < 0)
		diag_error(d, dir, 0, 0, NULL, 0, "cannot read directory: %s", strerror(errno));
	struct bundles b = { { 0 }, 0 };
	find_bundles(a, &entries, &b);
	struct strmap stamps = { 0 };	/* bundle rel → uint64_t * */
	for (size_t i = 0; i < entries.len; i++) {
		const struct load_entry *e = entries.items[i];
		const char *bundle = bundle_of(a, &b, e);
		struct source *s;
		if (bundle) {
			uint64_t *stamp = strmap_get(&stamps, bundle);
			if (!stamp) {
				stamp = arena_alloc(a, sizeof(*stamp));
				*stamp = HASH_INIT;
				strmap_put(a, &stamps, bundle, stamp);
			}
			s = bundle_file(a, d, dir, e, bundle, &b, stamp);
		} else {
			s = content_file(a, d, e, &b.not_md);
		}
		if (s)
			ptrvec_push(a, &found, s);
	}
	if (b.not_md > NOT_MD_SHOWN)
		diag_warning(d, dir, 0, 0, NULL, 0, "%zu more files that are not .md: skipped",
			     b.not_md - NOT_MD_SHOWN);
	*sources = arena_alloc(a, (found.len + 1) * sizeof(**sources));
	for (size_t i = 0; i < found.len; i++) {
		(*sources)[i] = *(struct source *)found.items[i];
		if ((*sources)[i].bundle) {
			size_t n = strlen(dir) + 1;	/* the stamp is complete only now: files come before index.md */
			(*sources)[i].bundle_stamp = *(uint64_t *)strmap_get(&stamps, (*sources)[i].bundle + n);
		}
	}
	return found.len;
}

int load_bundle_file(struct arena *a, const char *bundle, const char *rel, char **data, size_t *len)
{
	char *path = arena_sprintf(a, "%s/%s", bundle, rel);
	char *real = realpath(path, NULL);
	int err = real ? 0 : errno;
	char *root = realpath(bundle, NULL);
	size_t n = root ? strlen(root) : 0;
	int inside = real && root && strncmp(real, root, n) == 0 && real[n] == '/';
	free(real);
	free(root);
	if (!inside) {
		errno = err ? err : EXDEV;
		return -1;
	}
	return load_file_arena(a, path, data, len);
}
