/* serve_build: one build of `sitegen serve`, run in a child process kept
 * for the next builds, and what is said of it: in the terminal, and in the
 * state the open pages are told (serve_internal.h). See serve.h for why a
 * child. */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "load.h"
#include "serve.h"
#include "write.h"
#include "xalloc.h"

/* A failed build's messages kept for the overlay: enough for every error
 * of a bad day (diag caps each file's), small enough for one event. */
#define SERVE_MAX_ERRORS (256 * 1024)

/* Says why a build could not start or ended, in the terminal and for the
 * open pages. */
static void build_said(struct buf *err, const char *fmt, const char *what)
{
	size_t at = err->len;
	buf_addf(err, fmt, what);
	fputs(err->data + at, stderr);
}

/* The build process kept for the next builds (serve.h): one, used by the
 * build thread alone. After SERVE_WORKER_BUILDS builds it is let go and
 * the next build starts another, so that nothing a build leaves behind
 * (memory the allocator keeps, a cache grown for an old version of the
 * content) builds up over a day of edits. */
#define SERVE_WORKER_BUILDS 64
static struct {
	pid_t pid;	/* 0: none */
	int req, err, status;	/* its stdin, its stderr and its status line, our ends */
	int builds;
} worker;

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

/* Starts the build process: this program without "serve". Ctrl-C (SIGINT
 * to the terminal's process group) is ignored by it, so that a build under
 * way finishes before the server stops; a second signal kills it. Returns
 * 0, or -1 (said in err). */
static int worker_start(char **argv, struct buf *err)
{
	int req[2] = { -1, -1 }, out[2] = { -1, -1 }, st[2] = { -1, -1 };
	if (pipe2(req, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(st, O_CLOEXEC) < 0) {
		build_said(err, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		close_pair(req);
		close_pair(out);
		close_pair(st);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_DFL);
		/* out of the way first: with the server's stdin or stderr closed, a
		 * pipe may have any of the numbers they go to */
		int in = fcntl(req[0], F_DUPFD_CLOEXEC, 10), err_fd = fcntl(out[1], F_DUPFD_CLOEXEC, 10),
		    status_fd = fcntl(st[1], F_DUPFD_CLOEXEC, 10);
		if (in < 0 || err_fd < 0 || status_fd < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0 ||
		    dup2(status_fd, SERVE_WORKER_FD) < 0 || setenv(SERVE_WORKER_ENV, "1", 1) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		_exit(127);
	}
	close(req[0]);
	close(out[1]);
	close(st[1]);
	if (pid < 0) {
		close(req[1]);
		close(out[0]);
		close(st[0]);
		build_said(err, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		return -1;
	}
	worker.pid = pid;
	worker.req = req[1];
	worker.err = out[0];
	worker.status = st[0];
	worker.builds = 0;
	return 0;
}

/* Lets the build process go: the end of its stdin ends it when it is
 * waiting, as it is between builds; kill_it when it may not be. Returns
 * its wait status. */
static int worker_end(int kill_it)
{
	int status = 0;
	if (!worker.pid)
		return 0;
	close(worker.req);
	/* stopped (SIGSTOP, a debugger let go of), it would never see the end */
	kill(worker.pid, kill_it ? SIGKILL : SIGCONT);
	while (waitpid(worker.pid, &status, 0) < 0 && errno == EINTR)
		if (serve_signals > 1)	/* a second Ctrl-C: it is not waited for */
			kill(worker.pid, SIGKILL);
	close(worker.err);
	close(worker.status);
	worker.pid = 0;
	return status;
}

/* A build process let go ends with status 0: anything else (a leak
 * checker's report at its exit, say) is said, as a build's would be. */
static void let_go(void)
{
	int ws = worker_end(0);
	if (ws != 0) {
		fprintf(stderr, "sitegen: serve: the build process ended with %s %d\n",
			WIFSIGNALED(ws) ? "signal" : "status", WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
		fflush(stderr);
	}
}

void serve_build_stop(void)
{
	let_go();
	serve_terminal_free();
}

/* The build's messages as they come: to the terminal (but the warnings
 * the last build said: serve_terminal.c), and into err. */
static void pass_on(const char *chunk, size_t n, struct buf *err)
{
	serve_terminal_take(chunk, n);
	if (err->len < SERVE_MAX_ERRORS)
		buf_add(err, chunk, n);
}

/* The status the build process said (serve.h): its exit status; after a
 * build that ended well, its state's output digest (0: read the state)
 * and the files its commit changed (NULL: not known). */
struct said {
	int status;
	int spoke;	/* the status was said (else the process ended without) */
	unsigned long long outputs;
	char *changed;	/* malloc'd: the names, each ended by a NUL */
	size_t changed_len;
	unsigned long long from;	/* the digest of the output they changed */
	struct serve_warned warned;	/* its warnings, as the terminal took them */
};

/* Takes what is in b once the status and the names after it are all in:
 * "<status>\n", or "0 <hex> <n> <from hex>\n" and n names each ended by
 * a NUL, or "0 <hex> -\n". Returns 1 when it took it, 0 while more is to
 * come, -1 when it is not a build of ours speaking. */
static int take_said(struct buf *b, struct said *out)
{
	char *nl = memchr(b->data, '\n', b->len);
	if (!nl)
		return b->len > 64 ? -1 : 0;
	char *end;
	long status = strtol(b->data, &end, 10);
	if (end == b->data || status < 0 || status > 255)	/* an exit status's range */
		return -1;
	out->status = (int)status;
	if (*end != ' ')
		return *end == '\n' ? 1 : -1;
	if (status)
		return -1;
	out->outputs = strtoull(end + 1, &end, 16);
	if (*end != ' ')
		return -1;
	if (end[1] == '-')
		return 1;
	unsigned long long n = strtoull(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	out->from = strtoull(end + 1, &end, 16);
	if (end != nl)
		return -1;
	size_t at = (size_t)(nl + 1 - b->data), seen = 0;
	for (size_t i = at; i < b->len && seen < n; i++)
		seen += b->data[i] == '\0';
	if (seen < n)
		return 0;
	out->changed_len = b->len - at;
	out->changed = xmalloc(out->changed_len + 1);
	memcpy(out->changed, b->data + at, out->changed_len);
	out->changed[out->changed_len] = '\0';
	return 1;
}

/* Reads the build's stderr and what it says on its status pipe until the
 * status is in and the messages before it are read (they are in the pipe
 * by then), or the process is gone and all it said is read. Returns the
 * status (in said), or -1 when the process ended without one. */
static int await_build(struct buf *err, struct said *said)
{
	char chunk[4096];
	struct buf line = BUF_INIT;
	int status = -1, err_open = 1, status_open = 1;
	while (err_open) {
		struct pollfd fds[2] = { { worker.err, POLLIN, 0 }, { status_open ? worker.status : -1, POLLIN, 0 } };
		int n = poll(fds, 2, status >= 0 ? 0 : -1);
		if (n < 0 && errno == EINTR) {
			if (serve_signals > 1)
				kill(worker.pid, SIGKILL);
			continue;
		}
		if (n < 0)
			break;
		if (fds[0].revents) {	/* the messages first */
			ssize_t got = read(worker.err, chunk, sizeof(chunk));
			if (got > 0)
				pass_on(chunk, (size_t)got, err);
			else if (got == 0 || errno != EINTR)
				err_open = 0;
		} else if (status >= 0) {
			break;	/* in, and nothing before it left to read */
		} else if (fds[1].revents) {
			ssize_t got = read(worker.status, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				status_open = 0;	/* it ends: what it said until then is read */
				continue;
			}
			buf_add(&line, chunk, (size_t)got);
			int took = take_said(&line, said);
			if (took > 0) {
				status = said->status;
				said->spoke = 1;
			}
			else if (took < 0 || line.len > (size_t)WRITE_CHANGED_MAX * (PATH_MAX + 1) + 64) {
				kill(worker.pid, SIGKILL);	/* not a build of ours speaking */
				status_open = 0;
			}
		}
	}
	buf_free(&line);
	said->warned = serve_terminal_end();	/* before anything serve says of it */
	return status;
}

/* Runs one build in the build process, started when there is none (or
 * the last one is gone). Its output goes to the terminal; its messages
 * too, and into err. Returns its exit status, or 128 + the signal that
 * ended it. */
static int run_build(char **argv, struct buf *err, struct said *said)
{
	if (worker.pid && write(worker.req, "b", 1) != 1)
		worker_end(1);	/* it ended since the last build: another */
	if (!worker.pid) {
		if (worker_start(argv, err) < 0)
			return 1;
		/* one that ends at once (options it refuses) has said why on its
		 * stderr, and its exit status is this build's: read below */
		if (write(worker.req, "b", 1) != 1 && errno != EPIPE) {
			worker_end(1);
			build_said(err, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
			return 1;
		}
	}
	int status = await_build(err, said);
	if (status >= 0) {
		if (++worker.builds >= SERVE_WORKER_BUILDS)
			let_go();
		return status;
	}
	/* it ended during the build: how */
	int ws = worker_end(0);
	if (WIFSIGNALED(ws)) {	/* in the terminal too: nothing else there says why */
		char why[96];
		snprintf(why, sizeof(why), "%d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
		build_said(err, "sitegen: serve: the build was ended by signal %s\n", why);
	}
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Requests go on being answered from the output while the build renders:
 * its commit takes the output's commit lock (serve_internal.h). */
static void begin_build(struct serve_state *s)
{
	pthread_mutex_lock(&s->mu);
	s->building = 1;
	pthread_mutex_unlock(&s->mu);
}

char *serve_served_root(const char *out)
{
	char *root = realpath(out, NULL);
	if (!root)
		return NULL;
	size_t n = strlen(root) + sizeof("/" WRITE_MARKER);
	char *marker = xmalloc(n);
	snprintf(marker, n, "%s/%s", root, WRITE_MARKER);
	int ours = access(marker, F_OK) == 0;
	free(marker);
	if (!ours) {
		free(root);
		return NULL;
	}
	return root;
}

/* How many lines of the build's messages say "kind" (": warning: "). */
static size_t count_messages(const char *text, const char *kind)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, kind)); p++)
		n++;
	return n;
}

/* What the open pages show of a build's messages: a heading line, then the
 * messages. malloc'd. */
static char *page_messages(const char *heading, size_t n, const char *messages)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, heading, n, n == 1 ? "" : "s");
	buf_addch(&b, '\n');
	buf_addstr(&b, messages);
	return buf_detach(&b, NULL);
}

/* The overlay of a build ended by a signal (killed, out of memory by the
 * kernel's hand): not a failure the content can fix. */
static char *killed_messages(int sig, int built, const char *messages)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, built ? "sitegen: the build was ended by signal %d (%s) before it finished: not an error in the "
			     "content. This page is the last good build; save again to build again.\n"
			   : "sitegen: no build yet: the build was ended by signal %d (%s) before it finished; save "
			     "again to build again.\n", sig, strsignal(sig));
	buf_addstr(&b, messages);
	return buf_detach(&b, NULL);
}

static void say_base_moved(const struct serve_opts *o, const char *base)
{
	char *shown = serve_path_encode(base);
	printf("sitegen: serve: base_url's path is now %s: the site is at %s%s (open pages are told)\n", shown,
	       o->origin, shown);
	free(shown);
}

/* Says in the terminal how the build ended and whom it told. */
struct changed_count {
	size_t files, pages;
	size_t search;	/* of the files, the search index's */
	int known;	/* the files counted */
	int listed;	/* and told the open pages (serve_changed_entries) */
};

/* The build line's part on warnings: how many, and of them how many are
 * said above and how many were the last build's too (not said again); how
 * many of the last build's are gone. */
static void say_warnings(const struct serve_warned *w, size_t streams)
{
	size_t warnings = w->warnings, repeated = w->repeated;
	if (!warnings) {
		if (w->gone)
			printf("; no warnings (%zu gone since the last build)", w->gone);
		return;
	}
	printf("; %zu warning%s (", warnings, warnings == 1 ? "" : "s");
	if (!repeated)
		printf("above");
	else if (repeated == warnings)
		printf("as in the last build, not repeated here");
	else
		printf("%zu above; %zu as in the last build, not repeated here", warnings - repeated, repeated);
	if (w->gone)
		printf("; %zu gone since the last build", w->gone);
	/* (a page opened later shows them too: no need to say so before one is) */
	printf(")%s", streams ? ", shown on the open pages" : "");
}

static void say_built(int built, int status, int changed, const struct changed_count *count, int moved,
		      const struct serve_warned *warned, size_t streams, double secs)
{
	const char *pages = streams == 1 ? "page" : "pages";
	if (status == 2) {
		printf("sitegen: serve: the build refused its options (see above)\n");
		return;
	}
	if (status) {
		printf("sitegen: serve: the build failed (%.2f s): %s", secs,
		       built ? "still serving the last good build" : "no build yet: fix the errors above");
		if (warned->repeated)	/* (the errors all said: serve_terminal.c passes them on) */
			printf("; %zu warning%s as in the last build, not repeated here", warned->repeated,
			       warned->repeated == 1 ? "" : "s");
		if (streams)
			printf("; the errors are shown on the %zu open %s", streams, pages);
		else if (!built)
			printf("; the pages show them too");
		printf("\n");
		return;
	}
	printf("sitegen: serve: built in %.2f s", secs);
	if (!changed)
		printf("; no page changed");
	else {
		if (count->known && count->search)	/* (a report added among older ones: thousands) */
			printf("; %zu file%s changed (%zu page%s, %zu of the search index)", count->files,
			       count->files == 1 ? "" : "s", count->pages, count->pages == 1 ? "" : "s", count->search);
		else if (count->known)
			printf("; %zu file%s changed (%zu page%s)", count->files, count->files == 1 ? "" : "s",
			       count->pages, count->pages == 1 ? "" : "s");
		if (streams == 1 && !moved && count->listed)	/* the open pages made of one of them reload */
			printf("; the open page reloads if it shows one of them");
		else if (streams && !moved && count->listed)	/* (the server cannot tell which do: the pages do) */
			printf("; each of the %zu open pages reloads if it shows one of them", streams);
		else if (streams && !moved)	/* (else say_base_moved tells) */
			printf("%sreloading the %zu open %s", count->known ? ", " : "; ", streams, pages);
	}
	say_warnings(warned, streams);
	printf("\n");
}

/* Publishes a finished build: the output as it now is, its warnings, or its
 * errors. */
static void end_build(struct serve_state *s, const struct serve_opts *o, int status, struct buf *err,
		      unsigned long long *digest, struct said *said, double secs)
{
	/* Only a directory a build of ours just wrote is served: after a failed
	 * build, o->out may be one the build refused (a home folder, the
	 * working directory), and the last good root stays. */
	char *base = NULL, *root = status == 0 ? serve_served_root(o->out) : NULL;
	if (status == 0)
		serve_read_config(o->config, &base, NULL);
	unsigned long long now_digest = status ? *digest : said->outputs ? said->outputs : writer_output_digest(o->out);
	int changed = now_digest != *digest;
	/* the files this build's commit changed are all that changed since the
	 * output the pages were told of when nothing else wrote it between: a
	 * build ended without its status (killed after its commit), another
	 * build into the same output (make site beside serve) */
	static int unheard;
	int complete = !unheard && said->from && said->from == *digest;
	unheard = status ? unheard || !said->spoke : 0;
	*digest = now_digest;
	const char *text = err->len ? err->data : "";
	size_t warnings = status ? 0 : count_messages(text, ": warning: ");
	char *shown = NULL;
	if (status > 128)	/* killed: nothing of the editor's to fix */
		shown = killed_messages(status - 128, s->built, text);
	else if (status)
		shown = page_messages(s->built ? "sitegen: the build failed (%zu error%s). This page is the "
								"last good build; it reloads when the errors are fixed."
							      : "sitegen: no build yet: fix the errors below (%zu error%s); "
								"this page reloads when they are fixed.",
				      count_messages(text, ": error: "), text);
	else if (warnings)
		/* (no " warning: " in it: the page script counts the lines that hold it) */
		shown = page_messages("sitegen: %zu warning%s; the site was built, and this page is up to date. "
				      "Each warning below names something that looks like a mistake, and where.",
				      warnings, text);
	/* (before the lock: a list of 100,000 names takes some milliseconds) */
	struct changed_count count = { .known = changed && said->changed && complete };
	size_t entries_len = 0;
	char *entries = count.known ? serve_changed_entries(said->changed, said->changed_len, &entries_len,
							    &count.files, &count.pages) : NULL;
	count.listed = entries != NULL;
	for (size_t at = 0; count.known && at < said->changed_len; at += strlen(said->changed + at) + 1)
		count.search += strncmp(said->changed + at, "search/", 7) == 0;
	pthread_mutex_lock(&s->mu);
	s->building = 0;
	s->failed = status != 0;
	s->built |= status == 0;
	free(s->errors);
	free(s->warnings);
	s->errors = status ? shown : NULL;
	s->warnings = status ? NULL : shown;
	s->out_gen += (unsigned long)changed;
	if (changed) {	/* the files of the pages that stay as they are */
		free(s->changed_files);
		s->changed_files = entries;
		s->changed_files_len = entries_len;
		entries = NULL;
	}
	int moved = base && strcmp(base, s->base) != 0;
	if (base) {
		free(s->base);
		s->base = base;
	}
	if (root) {
		free(s->root);
		s->root = root;
	}
	s->version++;
	size_t streams = s->streams;
	int built = s->built;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
	free(entries);
	say_built(built, status, changed, &count, moved, &said->warned, streams, secs);
	if (moved && *o->origin)	/* (only this thread changes base) */
		say_base_moved(o, base);
	fflush(stdout);
}

int serve_build(struct serve_state *s, const struct serve_opts *o, unsigned long long *digest)
{
	struct buf err = BUF_INIT;
	begin_build(s);
	double t0 = serve_now();
	struct said said = { 0 };
	int status = run_build(o->build_argv, &err, &said);
	end_build(s, o, status, &err, digest, &said, serve_now() - t0);
	free(said.changed);
	buf_free(&err);
	return status;
}
