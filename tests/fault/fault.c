/* fault.so: failure injection for tests/faults.sh, loaded with LD_PRELOAD
 * into an unmodified sitegen. Each variable makes one kind of call fail
 * once it has succeeded N times (N = 0: from the first call on):
 *
 *   FAULT_THREADS=N   pthread_create fails with EAGAIN
 *   FAULT_MALLOC=N    malloc, calloc and realloc return NULL (ENOMEM)
 *   FAULT_WRITE=N     write to a file (not stdout/stderr) fails with ENOSPC
 *   FAULT_RENAME=N    rename fails with EIO
 *   FAULT_RENAME_TO=TEXT  only renames whose destination contains TEXT are
 *                     counted and made to fail (the others just happen)
 *   FAULT_LINK=N      link fails with EPERM (as on vfat and some shares)
 *   FAULT_OPEN=TEXT   open of a path containing TEXT fails with EACCES
 *   FAULT_INOTIFY=N   inotify_add_watch fails with ENOSPC (the system is out
 *                     of watches: sitegen serve falls back to polling)
 *   FAULT_NO_OPENAT2=1  syscall(SYS_openat2, …) fails with ENOSYS, as on a
 *                     kernel before 5.6 or under a seccomp filter that
 *                     forbids it (the kept files' check falls back on lstat)
 *   FAULT_SLOW=TEXT   open (openat2 too) or rename of a path containing TEXT succeeds, but
 *                     FAULT_SLOW_MS milliseconds (default 2000) late: a slow
 *                     build, or a slow commit, for tests/serve.sh; with
 *                     FAULT_SLOW_MARK=FILE, FILE is made as the wait starts
 *   FAULT_STATUS=TEXT  in serve's build process (SITEGEN_SERVE_WORKER set), a
 *                     write of its status (fd 3) writes TEXT and a newline
 *                     instead, once FAULT_STATUS_AFTER (default 0) statuses
 *                     were said as they were; TEXT "kill": SIGKILL instead
 *                     (a build killed after its commit, before its status)
 *   FAULT_CLOCK_AHEAD_MS=N  clock_gettime(CLOCK_REALTIME) answers N ms later
 *                     than it is: a build started that long after the files
 *                     it reads last changed, without the wait
 *                     (tests/parse_cache.sh)
 *
 * The calls relative to a folder's descriptor (openat, renameat, linkat: the
 * generator writes and moves staged pages through the staging folder's
 * descriptor) count as open, rename and link do, and a path given relative
 * to a descriptor is matched as the folder's path joined to it, as the
 * same call by path would have named it.
 *
 * With FAULT_ONCE=1, only call number N+1 fails (a passing fault), not
 * every call from there on. With FAULT_KILL=1, the call that would fail kills
 * the process with SIGKILL instead (a crash, or power lost, at that point:
 * tests/equiv_crash.sh). Counts are shared by all threads. The generator is not built specially:
 * what is tested is the binary users run. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { F_THREADS, F_MALLOC, F_WRITE, F_RENAME, F_LINK, F_INOTIFY, F_COUNT };
static const char *const names[F_COUNT] = { "FAULT_THREADS", "FAULT_MALLOC", "FAULT_WRITE", "FAULT_RENAME",
					    "FAULT_LINK", "FAULT_INOTIFY" };
static long limits[F_COUNT];
static atomic_long calls[F_COUNT];
static const char *open_text, *rename_to, *slow_text, *status_text;
static long status_after;
static atomic_long statuses;
static long slow_ms, ahead_ms;
static int once, kill_instead, no_openat2;
static atomic_int ready;

/* getenv and strtol do not allocate, so this is safe before malloc is ours. */
static void setup(void)
{
	if (atomic_load(&ready))
		return;
	for (int i = 0; i < F_COUNT; i++) {
		const char *v = getenv(names[i]);
		limits[i] = v && *v ? strtol(v, NULL, 10) : -1;
	}
	const char *o = getenv("FAULT_ONCE");
	once = o && *o == '1';
	const char *k = getenv("FAULT_KILL");
	kill_instead = k && *k == '1';
	open_text = getenv("FAULT_OPEN");
	if (open_text && !*open_text)
		open_text = NULL;
	rename_to = getenv("FAULT_RENAME_TO");
	if (rename_to && !*rename_to)
		rename_to = NULL;
	slow_text = getenv("FAULT_SLOW");
	if (slow_text && !*slow_text)
		slow_text = NULL;
	const char *n2 = getenv("FAULT_NO_OPENAT2");
	no_openat2 = n2 && *n2 == '1';
	const char *ms = getenv("FAULT_SLOW_MS");
	slow_ms = ms && *ms ? strtol(ms, NULL, 10) : 2000;
	/* (read before main, which takes SITEGEN_SERVE_WORKER out of the environment) */
	status_text = getenv("SITEGEN_SERVE_WORKER") ? getenv("FAULT_STATUS") : NULL;
	const char *after = getenv("FAULT_STATUS_AFTER");
	status_after = after && *after ? strtol(after, NULL, 10) : 0;
	const char *ahead = getenv("FAULT_CLOCK_AHEAD_MS");
	ahead_ms = ahead && *ahead ? strtol(ahead, NULL, 10) : 0;
	atomic_store(&ready, 1);
}

static int should_fail(int kind)
{
	setup();
	if (limits[kind] < 0)
		return 0;
	long n = atomic_fetch_add(&calls[kind], 1);
	int fail = once ? n == limits[kind] : n >= limits[kind];
	if (fail && kill_instead)
		kill(getpid(), SIGKILL);	/* no cleanup, no atexit: as a crash would leave it */
	return fail;
}

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
	if (should_fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (should_fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (should_fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	if (should_fail(F_THREADS))
		return EAGAIN;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	return real(t, attr, fn, arg);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "write");
	setup();
	if (fd == 3 && status_text && atomic_fetch_add(&statuses, 1) >= status_after) {
		if (strcmp(status_text, "kill") == 0)
			kill(getpid(), SIGKILL);
		char line[256];
		int len = snprintf(line, sizeof(line), "%s\n", status_text);
		real(fd, line, len > 0 && (size_t)len < sizeof(line) ? (size_t)len : 0);
		return (ssize_t)n;
	}
	if (fd > 2 && should_fail(F_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}

/* FAULT_SLOW: waits before a call on a path containing the text. */
static void slow_down(const char *path)
{
	setup();
	if (slow_text && path && strstr(path, slow_text)) {
		/* FAULT_SLOW_MARK: a file made as the wait starts, for a test
		 * that must act while the build waits (never the slowed path) */
		const char *mark = getenv("FAULT_SLOW_MARK");
		if (mark && *mark && !strstr(mark, slow_text)) {
			FILE *m = fopen(mark, "w");
			if (m)
				fclose(m);
		}
		struct timespec ts = { slow_ms / 1000, (slow_ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	slow_down(from);	/* (calls setup) */
	if ((!rename_to || (to && strstr(to, rename_to))) && should_fail(F_RENAME)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "rename");
	return real(from, to);
}

/* dir_fd's path joined to path, into full (when path is relative to a
 * folder's descriptor, and a text is to be matched), else path itself. */
static const char *full_path(int dir_fd, const char *path, char *full, size_t size)
{
	if (!path || path[0] == '/' || dir_fd == AT_FDCWD || (!open_text && !rename_to && !slow_text))
		return path;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dir_fd);
	ssize_t n = readlink(link, full, size - 1);
	if (n < 0 || (size_t)n + 1 + strlen(path) >= size)
		return path;
	full[n] = '/';
	strcpy(full + n + 1, path);
	return full;
}

int renameat(int from_fd, const char *from, int to_fd, const char *to)
{
	static int (*real)(int, const char *, int, const char *);
	char from_full[4096], to_full[4096];
	setup();
	slow_down(full_path(from_fd, from, from_full, sizeof(from_full)));
	const char *to_named = full_path(to_fd, to, to_full, sizeof(to_full));
	if ((!rename_to || (to_named && strstr(to_named, rename_to))) && should_fail(F_RENAME)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "renameat");
	return real(from_fd, from, to_fd, to);
}

int linkat(int from_fd, const char *from, int to_fd, const char *to, int flags)
{
	static int (*real)(int, const char *, int, const char *, int);
	if (should_fail(F_LINK)) {
		errno = EPERM;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "linkat");
	return real(from_fd, from, to_fd, to, flags);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	setup();
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	int r = real(id, ts);
	if (r == 0 && id == CLOCK_REALTIME && ahead_ms > 0) {
		ts->tv_sec += ahead_ms / 1000;
		ts->tv_nsec += (ahead_ms % 1000) * 1000000;
		if (ts->tv_nsec >= 1000000000) {
			ts->tv_sec++;
			ts->tv_nsec -= 1000000000;
		}
	}
	return r;
}

int link(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (should_fail(F_LINK)) {
		errno = EPERM;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "link");
	return real(from, to);
}

int inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	static int (*real)(int, const char *, uint32_t);
	if (should_fail(F_INOTIFY)) {
		errno = ENOSPC;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "inotify_add_watch");
	return real(fd, path, mask);
}

/* syscall(2), for openat2, which glibc 2.36 has no wrapper for: six
 * arguments passed on whatever the call takes (the x86-64 and arm64 ABIs
 * make that harmless). */
long syscall(long number, ...)
{
	static long (*real)(long, ...);
	setup();
	if (no_openat2 && number == SYS_openat2) {
		errno = ENOSYS;
		return -1;
	}
	va_list ap;
	va_start(ap, number);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_openat2 && slow_text) {	/* FAULT_SLOW, as for openat */
		char full[4096];
		slow_down(full_path((int)a[0], (const char *)a[1], full, sizeof(full)));
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "syscall");
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int open_fails(const char *path)
{
	setup();
	if (open_text && path && strstr(path, open_text)) {
		errno = EACCES;
		return 1;
	}
	return 0;
}

#define OPEN_WRAPPER(name)                                                   \
	int name(const char *path, int flags, ...)                           \
	{                                                                    \
		static int (*real)(const char *, int, ...);                  \
		mode_t mode = 0;                                             \
		if (flags & (O_CREAT | O_TMPFILE)) {                         \
			va_list ap;                                          \
			va_start(ap, flags);                                 \
			mode = va_arg(ap, mode_t);                           \
			va_end(ap);                                          \
		}                                                            \
		if (open_fails(path))                                        \
			return -1;                                           \
		slow_down(path);                                             \
		if (!real)                                                   \
			*(void **)&real = dlsym(RTLD_NEXT, #name);           \
		return real(path, flags, mode);                              \
	}
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(name)                                                 \
	int name(int dir_fd, const char *path, int flags, ...)               \
	{                                                                    \
		static int (*real)(int, const char *, int, ...);             \
		mode_t mode = 0;                                             \
		if (flags & (O_CREAT | O_TMPFILE)) {                         \
			va_list ap;                                          \
			va_start(ap, flags);                                 \
			mode = va_arg(ap, mode_t);                           \
			va_end(ap);                                          \
		}                                                            \
		char full[4096];                                             \
		setup();                                                     \
		const char *named = full_path(dir_fd, path, full, sizeof(full)); \
		if (open_fails(named))                                       \
			return -1;                                           \
		slow_down(named);                                            \
		if (!real)                                                   \
			*(void **)&real = dlsym(RTLD_NEXT, #name);           \
		return real(dir_fd, path, flags, mode);                      \
	}
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)
