/* keep_serve: the kept process's side of `sitegen build --keep` (keep.h):
 * its socket, each build's request taken and answered, the guard on the
 * asker, its end. */
#define _GNU_SOURCE
#include "keep_internal.h"

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
#include <unistd.h>

/* A kept process looks this often at its reasons to live while idle. */
#define KEEP_LOOK_MS 1000
/* An asker that connected says what it wants at once, or is let go. */
#define KEEP_REQUEST_MS 2000

static int listen_at(struct keep_server *s)
{
	struct sockaddr_un sa;
	s->lfd = keep_socket_at(s->path, &sa);
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
void keep_server_run(struct keep_server *s, int ready, keep_serve_fn *serve, void *ctx)
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
	for (int i = 0; keep_said_only[i]; i++)
		unsetenv(keep_said_only[i]);
	for (char *line = vars, *nl; (nl = strchr(line, '\n')) && nl != line; line = nl + 1) {
		*nl = '\0';
		char *eq = strchr(line, '=');
		if (eq && keep_is_said_only(line)) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
}

/* Receives one message of up to cap - 1 bytes into buf, the descriptors
 * that come with it into fds (the first two; any more closed). Returns its
 * length, or -1. */
static ssize_t read_request_fds(int conn, char *buf, size_t cap, int fds[2])
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, cap - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	while ((n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (i < 2 && fds[i] < 0)
				fds[i] = got;
			else
				close(got);	/* more than asked for: not kept open */
		}
	}
	buf[n] = '\0';
	return n;
}

/* Reads the request (see ask) into req, and its stdout and stderr into fds
 * when they come with it. Returns the request's length, or -1. */
static ssize_t read_request(int conn, char *req, size_t cap, int fds[2])
{
	size_t len = 0;
	while (len + 1 < cap) {
		ssize_t n = read_request_fds(conn, req + len, cap - len, fds);
		if (n < 0)
			return -1;
		len += (size_t)n;
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
	int ok = n > 0 &&
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
	/* its stdout and stderr only once it is started on: an asker that gave
	 * up waiting left none of its files in this process's queue (a `$(…)`
	 * around it would have waited for their end) */
	ok = ok && send(s->conn, "b\n", 2, MSG_NOSIGNAL) == 2;
	char one[2];
	if (ok && (read_request_fds(s->conn, one, sizeof(one), fds) != 1 || fds[0] < 0 || fds[1] < 0))
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
	return ok ? 0 : -1;
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
	long long since = keep_now_ms();
	for (;;) {
		if (!still_wanted(s))
			return ending(s);
		long long left = s->idle_ms - (keep_now_ms() - since);
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
