/* keep: the socket between `sitegen build --keep` and the build process
 * kept for it (keep.h). */
#define _GNU_SOURCE
#include "keep.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"

#define KEEP_PROTOCOL "sitegen-keep 2"
/* The most a request may hold: its line and the said-only variables. */
#define KEEP_REQUEST_MAX 4096
/* A kept process looks this often at its reasons to live while idle. */
#define KEEP_LOOK_MS 1000
/* An asker that connected says what it wants at once, or is let go. */
#define KEEP_REQUEST_MS 2000
/* An asker whose build the kept process has not started after this long
 * (it builds for another, perhaps one whose output nobody reads, or it was
 * stopped) makes it in its own process: the output's lock orders the two. */
#define KEEP_WAIT_MS 2000

extern char **environ;

/* The folder of the sockets: the user's alone. Returns 0, or -1 after
 * saying why. */
static int keep_dir(char *dir, size_t n)
{
	const char *set = getenv("SITEGEN_KEEP_DIR"), *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int len;
	if (set && *set)
		len = snprintf(dir, n, "%s", set);
	else if (run && *run == '/' && stat(run, &st) == 0 && S_ISDIR(st.st_mode))
		len = snprintf(dir, n, "%s/sitegen", run);
	else
		len = snprintf(dir, n, "/tmp/sitegen-%lu", (unsigned long)getuid());
	if (len < 0 || (size_t)len >= n) {
		fprintf(stderr, "sitegen: --keep: the folder for its socket has too long a name (set SITEGEN_KEEP_DIR): "
			"building here\n");
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "sitegen: --keep: cannot make %s (%s): building here\n", dir, strerror(errno));
		return -1;
	}
	/* another user's folder, or one others may write in, could hold a
	 * socket that is not ours: a build would hand it our terminal */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077)) {
		fprintf(stderr, "sitegen: --keep: %s is not a folder of this user's alone (chmod 700 it, or set "
			"SITEGEN_KEEP_DIR): building here\n", dir);
		return -1;
	}
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Environment variables a build reads only to say more (how long each step
 * took, why pages were made, when the progress line shows): each build
 * sends its own, so that they do not make a process of their own. */
static const char *const said_only[] = { "SITEGEN_TIMING", "SITEGEN_PROGRESS_DELAY", "SITEGEN_DEBUG_VIEWS", NULL };

static int is_said_only(const char *e)
{
	for (int i = 0; said_only[i]; i++) {
		size_t n = strlen(said_only[i]);
		if (strncmp(e, said_only[i], n) == 0 && e[n] == '=')
			return 1;
	}
	return 0;
}

/* Does a build read the environment variable in entry "NAME=value" (and
 * is it not one each build sends)? */
static int env_matters(const char *e)
{
	static const char *const names[] = { "HOME=", "XDG_CACHE_HOME=", "TZ=", "LANG=", "LANGUAGE=", "ICU_DATA=",
					     "GLIBC_TUNABLES=", "LD_PRELOAD=", "LD_LIBRARY_PATH=", NULL };
	if (is_said_only(e))
		return 0;
	if (strncmp(e, "SITEGEN_", 8) == 0 || strncmp(e, "LC_", 3) == 0)
		return 1;
	const char *eq = strchr(e, '=');
	if (eq && eq - e > 8 && strncmp(eq - 8, "_OPTIONS", 8) == 0)	/* ASAN_OPTIONS and the like */
		return 1;
	for (int i = 0; names[i]; i++)
		if (strncmp(e, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/* The digest that names the kept process for this build (keep.h): options
 * is the build's options as parsed, so that their order does not count.
 * Returns 0, or -1 after saying why. */
static int keep_key(const char *options, unsigned long long *key, char *cwd, size_t cwd_len)
{
	struct stat st;
	if (stat("/proc/self/exe", &st) < 0 || !getcwd(cwd, cwd_len)) {
		fprintf(stderr, "sitegen: --keep: cannot tell this program or folder (%s): building here\n",
			strerror(errno));
		return -1;
	}
	uint64_t h = hash_str(KEEP_PROTOCOL);
	h = hash_num(h, (long long)st.st_dev);
	h = hash_num(h, (long long)st.st_ino);
	h = hash_num(h, (long long)st.st_size);
	h = hash_num(h, (long long)st.st_mtim.tv_sec);
	h = hash_num(h, (long long)st.st_mtim.tv_nsec);
	h = hash_num(h, (long long)getuid());
	h = hash_bytes(h, cwd, strlen(cwd) + 1);
	h = hash_bytes(h, options, strlen(options) + 1);
	size_t n = 0, cap = 16;
	char **env = malloc(cap * sizeof(*env));
	for (char **e = environ; env && *e; e++) {
		if (!env_matters(*e))
			continue;
		if (n == cap) {
			char **more = realloc(env, 2 * cap * sizeof(*env));
			if (!more)
				break;
			env = more;
			cap *= 2;
		}
		env[n++] = *e;
	}
	if (!env) {
		fprintf(stderr, "sitegen: --keep: out of memory: building here\n");
		return -1;
	}
	qsort(env, n, sizeof(*env), by_string);	/* as set, not in the order a shell keeps */
	for (size_t i = 0; i < n; i++)
		h = hash_bytes(h, env[i], strlen(env[i]) + 1);
	free(env);
	*key = h;
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int socket_at(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, strlen(path) + 1);	/* keep_build checked its length */
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* A connection to the kept process at path, or -1. */
static int connect_to(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket_at(path, &sa);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid()) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads a line (up to n - 1 bytes) from fd into line. Returns its length,
 * or -1 when the other end went first. */
static int read_line(int fd, char *line, size_t n)
{
	size_t len = 0;
	while (len + 1 < n) {
		ssize_t k = read(fd, line + len, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		if (line[len] == '\n') {
			line[len] = '\0';
			return (int)len;
		}
		len++;
	}
	return -1;
}

static int listen_at(struct keep_server *s)
{
	struct sockaddr_un sa;
	s->lfd = socket_at(s->path, &sa);
	if (s->lfd < 0)
		return -1;
	unlink(s->path);	/* a kept process's that ended without (the start lock is ours) */
	struct stat sock, cwd;
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->lfd, 16) < 0 ||
	    stat(s->path, &sock) < 0 || stat(".", &cwd) < 0)
		return -1;
	s->sock_dev = sock.st_dev;
	s->sock_ino = sock.st_ino;
	s->cwd_dev = cwd.st_dev;
	s->cwd_ino = cwd.st_ino;
	return 0;
}

/* The kept process, detached from the terminal and from every file the
 * asker had open (a pipe a shell waits on the end of, make's jobserver). */
static void server_run(struct keep_server *s, int ready, keep_serve_fn *serve, void *ctx)
{
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);	/* an asker gone: its pipes fail, the process stays */
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(null, STDERR_FILENO) < 0)
		_exit(1);
	if (ready > 3)
		close_range(3, (unsigned)ready - 1, 0);
	close_range((unsigned)ready + 1, ~0u, 0);
	if (listen_at(s) < 0)
		_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	serve(s, ctx);
	exit(0);	/* (not _exit: a leak checker's report at exit, as a build's) */
}

/* Starts the kept process, listening at s->path once this returns 0. */
static int server_start(struct keep_server *s, keep_serve_fn *serve, void *ctx)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		pid_t again = fork();	/* not a session leader: no terminal of its own ever */
		if (again != 0)
			_exit(again < 0);
		server_run(s, p[1], serve, ctx);
	}
	close(p[1]);
	int status = 0;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	char c = 0;
	ssize_t k;
	while ((k = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	close(p[0]);
	return pid > 0 && k == 1 && c == 'r' ? 0 : -1;
}

/* Sends the build to the kept process on fd: the request's line, this
 * process's said-only variables (each "NAME=value" on a line of its own; an
 * empty line ends them) and its stdout and stderr. Returns the build's exit
 * status; -2 when the process let it go without starting it (it was
 * ending); -3 when it ended during the build; -4 when it did not start it
 * in time (said). */
static int ask(int fd, unsigned long long key, int minutes, int force, int quiet)
{
	struct buf req = BUF_INIT;
	mode_t mask = umask(0);
	umask(mask);
	struct stat here;
	if (stat(".", &here) < 0)
		return -2;
	/* the umask the files are written with; the folder itself, which the
	 * kept process's must be (not only its name: one put in its place) */
	buf_addf(&req, "%s %016llx %d %d %d %o %llu %llu\n", KEEP_PROTOCOL, key, minutes, force, quiet, (unsigned)mask,
		 (unsigned long long)here.st_dev, (unsigned long long)here.st_ino);
	for (int i = 0; said_only[i]; i++) {
		const char *v = getenv(said_only[i]);
		if (v && !strchr(v, '\n') && req.len + strlen(said_only[i]) + strlen(v) + 3 < KEEP_REQUEST_MAX)
			buf_addf(&req, "%s=%s\n", said_only[i], v);
	}
	buf_addch(&req, '\n');
	int fds[2] = { STDOUT_FILENO, STDERR_FILENO }, null = -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(fds[i], F_GETFD) < 0) {	/* closed: what it prints goes nowhere, as here */
			if (null < 0)
				null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			fds[i] = null;
		}
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { req.data, req.len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	fflush(stdout);
	fflush(stderr);
	ssize_t sent = sendmsg(fd, &m, MSG_NOSIGNAL);
	int whole = sent >= 0 && (size_t)sent == req.len;
	buf_free(&req);
	if (null >= 0)
		close(null);
	if (!whole)
		return -2;
	/* it answers at once unless another build is under way */
	struct pollfd p = { fd, POLLIN, 0 };
	int r;
	while ((r = poll(&p, 1, KEEP_WAIT_MS)) < 0 && errno == EINTR)
		;
	if (r == 0) {
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
			cred.pid = 0;
		fprintf(stderr, "sitegen: --keep: the kept build process (%d) is busy with another build: building here\n",
			(int)cred.pid);
		return -4;
	}
	char line[32];
	if (read_line(fd, line, sizeof(line)) < 0 || strcmp(line, "b") != 0)
		return -2;
	if (read_line(fd, line, sizeof(line)) < 0)
		return -3;
	char *end;
	long status = strtol(line, &end, 10);
	return end == line || *end || status < 0 || status > 255 ? -3 : (int)status;
}

/* Connects to the kept process, starting it when there is none (unless
 * minutes is 0). Returns the connection, or -1 (said why unless there was
 * none to end). */
static int kept_process(struct keep_server *s, int minutes, int quiet, keep_serve_fn *serve, void *ctx)
{
	int fd = connect_to(s->path);
	if (fd >= 0 || minutes == 0)
		return fd;
	/* one starts it: the others wait and connect to that one */
	int lock = open(s->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		fprintf(stderr, "sitegen: --keep: cannot lock %s (%s): building here\n", s->lock, strerror(errno));
		if (lock >= 0)
			close(lock);
		return -1;
	}
	fd = connect_to(s->path);
	if (fd < 0 && server_start(s, serve, ctx) == 0) {
		fd = connect_to(s->path);
		if (fd >= 0 && !quiet)
			fprintf(stderr,
				"sitegen: --keep: a build process is kept for the next builds "
				"(it ends after %d minute%s without one; --keep=0 ends it)\n",
				minutes, minutes == 1 ? "" : "s");
	}
	close(lock);
	if (fd < 0)
		fprintf(stderr, "sitegen: --keep: no build process could be kept at %s: building here\n", s->path);
	return fd;
}

int keep_build(const char *options, int minutes, int force, int quiet, keep_serve_fn *serve, void *ctx)
{
	static struct keep_server s;	/* the kept process's, once started */
	char dir[sizeof(s.path) - 24];	/* with "/<key>.s" a socket's name */
	memset(&s, 0, sizeof(s));
	s.lfd = s.conn = -1;
	s.idle_ms = minutes * 60 * 1000;
	const char *ms = getenv("SITEGEN_KEEP_IDLE_MS");	/* the tests' */
	if (ms && atoi(ms) > 0)
		s.idle_ms = atoi(ms);
	if (keep_dir(dir, sizeof(dir)) < 0 || keep_key(options, &s.key, s.cwd, sizeof(s.cwd)) < 0)
		return KEEP_NONE;
	snprintf(s.path, sizeof(s.path), "%s/%016llx.s", dir, s.key);
	snprintf(s.lock, sizeof(s.lock), "%s/%016llx.lock", dir, s.key);
	for (int attempt = 0; attempt < 3; attempt++) {
		int fd = kept_process(&s, minutes, quiet, serve, ctx);
		if (fd < 0)
			return KEEP_NONE;
		int status = ask(fd, s.key, minutes, force, quiet);
		close(fd);
		if (status >= 0)
			return status;
		if (status == -4)
			return KEEP_NONE;
		if (status == -3) {
			fprintf(stderr, "sitegen: --keep: the kept build process ended during the build; building here\n");
			return KEEP_NONE;
		}
	}
	fprintf(stderr, "sitegen: --keep: the kept build process did not take the build; building here\n");
	return KEEP_NONE;
}

/* Is the kept process still the one its socket's name promises? */
static int still_wanted(const struct keep_server *s)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return 0;
	exe[n] = '\0';
	if (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0)
		return 0;	/* sitegen rebuilt: a build of the new one has a process of its own */
	struct stat st;
	if (stat(s->cwd, &st) < 0 || st.st_dev != s->cwd_dev || st.st_ino != s->cwd_ino)
		return 0;	/* the folder removed, or another in its place */
	if (stat(s->path, &st) < 0 || st.st_dev != s->sock_dev || st.st_ino != s->sock_ino)
		return 0;
	return 1;
}

/* The end: the socket removed under the start lock (an asker then starts
 * another process), unless another's is there now. The lock is let go when
 * the process ends. */
static int ending(struct keep_server *s)
{
	int lock = open(s->lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	struct stat st;
	if (stat(s->path, &st) == 0 && st.st_dev == s->sock_dev && st.st_ino == s->sock_ino) {
		unlink(s->path);
		/* (an asker waiting on this lock then starts a process as one that
		 * made a new lock file may: the second's socket replaces the first's,
		 * which sees that and ends; their builds take turns on the output's) */
		if (lock >= 0)
			unlink(s->lock);
	}
	close(s->lfd);
	s->lfd = -1;
	return 0;
}

/* Sets this build's said-only variables from the request's lines at vars
 * (each "NAME=value\n"; unset when absent). */
static void take_said_only(char *vars)
{
	for (int i = 0; said_only[i]; i++)
		unsetenv(said_only[i]);
	for (char *line = vars, *nl; (nl = strchr(line, '\n')) && nl != line; line = nl + 1) {
		*nl = '\0';
		char *eq = strchr(line, '=');
		if (eq && is_said_only(line)) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
}

/* Reads the request (see ask) into req; its stdout and stderr to fds.
 * Returns the request's length, or -1. */
static ssize_t read_request(int conn, char *req, size_t cap, int fds[2])
{
	size_t len = 0;
	while (len + 1 < cap) {
		union {
			char buf[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { req + len, cap - 1 - len };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		ssize_t n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int got;
				memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (len == 0 && i < 2 && fds[i] < 0)
					fds[i] = got;
				else
					close(got);	/* more than asked for: not kept open */
			}
		}
		len += (size_t)n;
		req[len] = '\0';
		if (len >= 2 && req[len - 1] == '\n' && req[len - 2] == '\n')
			return (ssize_t)len;
	}
	return -1;
}

/* Takes the asker's request and its stdout and stderr. Returns 0, or -1. */
static int take_request(struct keep_server *s)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	if (getsockopt(s->conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != getuid())
		return -1;
	struct timeval tv = { KEEP_REQUEST_MS / 1000, 0 };
	setsockopt(s->conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char req[KEEP_REQUEST_MAX + 1];
	int fds[2] = { -1, -1 };
	ssize_t n = read_request(s->conn, req, sizeof(req), fds);
	unsigned long long key = 0, dev = 0, ino = 0;
	unsigned mask = 0;
	int minutes = -1, force = 0, quiet = 0, used = 0;
	int ok = n > 0 && fds[0] >= 0 && fds[1] >= 0 &&
		 sscanf(req, KEEP_PROTOCOL " %llx %d %d %d %o %llu %llu\n%n", &key, &minutes, &force, &quiet, &mask, &dev,
			&ino, &used) == 7 &&
		 used > 0 && key == s->key && minutes >= 0 && minutes <= 24 * 60 && mask <= 0777;
	if (ok && (dev != (unsigned long long)s->cwd_dev || ino != (unsigned long long)s->cwd_ino)) {
		s->other_folder = 1;	/* its folder's name now another folder's: this process ends */
		ok = 0;
	}
	/* gone already (it waited too long, and builds in its own process): its
	 * build is not wanted */
	struct pollfd gone = { s->conn, POLLRDHUP, 0 };
	if (ok && poll(&gone, 1, 0) > 0)
		ok = 0;
	if (ok && dup2(fds[0], STDOUT_FILENO) >= 0 && dup2(fds[1], STDERR_FILENO) >= 0) {
		if (!getenv("SITEGEN_KEEP_IDLE_MS") || minutes == 0)
			s->idle_ms = minutes * 60 * 1000;	/* the latest build's say */
		s->force = force != 0;
		s->quiet = quiet != 0;
		umask((mode_t)mask);
		take_said_only(req + used);
	} else {
		ok = 0;
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ok && send(s->conn, "b\n", 2, MSG_NOSIGNAL) == 2 ? 0 : -1;
}

static void back_to_null(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

int keep_next(struct keep_server *s)
{
	long long since = now_ms();
	for (;;) {
		if (!still_wanted(s))
			return ending(s);
		long long left = s->idle_ms - (now_ms() - since);
		if (left <= 0)
			return ending(s);
		struct pollfd p = { s->lfd, POLLIN, 0 };
		int r = poll(&p, 1, left < KEEP_LOOK_MS ? (int)left : KEEP_LOOK_MS);
		if (r < 0 && errno != EINTR)
			return ending(s);
		if (r <= 0)
			continue;
		s->conn = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s->conn < 0)
			continue;
		if (take_request(s) == 0) {
			s->builds++;
			return 1;
		}
		back_to_null();
		close(s->conn);
		s->conn = -1;
		if (s->other_folder)
			return ending(s);
	}
}

void keep_answer(struct keep_server *s, int status)
{
	fflush(stdout);
	fflush(stderr);
	char line[16];
	int len = snprintf(line, sizeof(line), "%d\n", status);
	send(s->conn, line, (size_t)len, MSG_NOSIGNAL);
	close(s->conn);
	s->conn = -1;
	back_to_null();
}

/* The guard's thread: waits for the asker to go or for the build to end. */
static void *guard(void *arg)
{
	struct keep_server *s = arg;
	struct pollfd p[2] = { { s->conn, POLLRDHUP, 0 }, { s->guard_pipe[0], POLLIN, 0 } };
	for (;;) {
		int r = poll(p, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || p[1].revents)
			return NULL;
		if (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			/* as a build in the asker's own process would have ended with it */
			struct stat st;
			if (stat(s->path, &st) == 0 && st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
				unlink(s->path);
			_exit(130);
		}
		p[0].events = 0;	/* (data from it, which it never sends: not looked at again) */
	}
}

void keep_guard_begin(struct keep_server *s)
{
	s->guarded = 0;
	if (pipe2(s->guard_pipe, O_CLOEXEC) < 0)
		return;
	if (pthread_create(&s->guard, NULL, guard, s) != 0) {
		close(s->guard_pipe[0]);
		close(s->guard_pipe[1]);
		return;
	}
	s->guarded = 1;
}

void keep_guard_end(struct keep_server *s)
{
	if (!s->guarded)
		return;
	ssize_t k;
	while ((k = write(s->guard_pipe[1], "e", 1)) < 0 && errno == EINTR)
		;
	pthread_join(s->guard, NULL);
	close(s->guard_pipe[0]);
	close(s->guard_pipe[1]);
	s->guarded = 0;
}
