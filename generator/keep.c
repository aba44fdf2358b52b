/* keep: the asker's side of `sitegen build --keep` (keep.h): the folder
 * of the sockets, the key, the kept process started and asked. */
#define _GNU_SOURCE
#include "keep_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"

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
const char *const keep_said_only[] = { "SITEGEN_TIMING", "SITEGEN_PROGRESS_DELAY", "SITEGEN_DEBUG_VIEWS", NULL };

int keep_is_said_only(const char *e)
{
	for (int i = 0; keep_said_only[i]; i++) {
		size_t n = strlen(keep_said_only[i]);
		if (strncmp(e, keep_said_only[i], n) == 0 && e[n] == '=')
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
	if (keep_is_said_only(e))
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

long long keep_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int keep_socket_at(const char *path, struct sockaddr_un *sa)
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
	int fd = keep_socket_at(path, &sa);
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
		keep_server_run(s, p[1], serve, ctx);
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

/* Sends this process's stdout and stderr on fd (SCM_RIGHTS): /dev/null for
 * one that is closed, where what it prints goes nowhere, as here. Returns
 * 0, or -1. */
static int send_std_files(int fd)
{
	int fds[2] = { STDOUT_FILENO, STDERR_FILENO }, null = -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(fds[i], F_GETFD) < 0) {
			if (null < 0)
				null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			fds[i] = null;
		}
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { "f", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	fflush(stdout);
	fflush(stderr);
	ssize_t sent = sendmsg(fd, &m, MSG_NOSIGNAL);
	if (null >= 0)
		close(null);
	return sent == 1 ? 0 : -1;
}

/* Sends the build to the kept process on fd: the request's line, this
 * process's said-only variables (each "NAME=value" on a line of its own; an
 * empty line ends them), then, once it is started on, its stdout and stderr.
 * Returns the build's exit
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
	for (int i = 0; keep_said_only[i]; i++) {
		const char *v = getenv(keep_said_only[i]);
		if (v && !strchr(v, '\n') && req.len + strlen(keep_said_only[i]) + strlen(v) + 3 < KEEP_REQUEST_MAX)
			buf_addf(&req, "%s=%s\n", keep_said_only[i], v);
	}
	buf_addch(&req, '\n');
	ssize_t sent = send(fd, req.data, req.len, MSG_NOSIGNAL);
	int whole = sent >= 0 && (size_t)sent == req.len;
	buf_free(&req);
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
	if (read_line(fd, line, sizeof(line)) < 0 || strcmp(line, "b") != 0 || send_std_files(fd) < 0)
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

