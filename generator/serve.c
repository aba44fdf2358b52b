/* serve: options, the watch loop and the builds. See serve.h. */
#define _GNU_SOURCE
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "load.h"
#include "serve_internal.h"
#include "watch.h"
#include "write.h"
#include "xalloc.h"

/* A failed build's messages kept for the overlay: enough for every error
 * of a bad day (diag caps each file's), small enough for one event. */
#define SERVE_MAX_ERRORS (256 * 1024)

static volatile sig_atomic_t signals;	/* SIGINT/SIGTERM received */
static int wake_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	(void)sig;
	int e = errno;
	signals++;
	if (write(wake_pipe[1], "x", 1) < 0) {
		/* full: the loop wakes anyway */
	}
	errno = e;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The digest of the output's files the last build recorded (write.h's
 * state): a build that leaves every file as it was leaves it as it was. */
static unsigned long long output_digest(const char *out)
{
	struct buf path = BUF_INIT, b = BUF_INIT;
	buf_addf(&path, "%s/%s", out, WRITE_STATE);
	unsigned long long in = 0, digest = 0;
	if (load_file(path.data, &b) < 0 || sscanf(b.data, "inputs %llx outputs %llx", &in, &digest) != 2)
		digest = 0;
	buf_free(&path);
	buf_free(&b);
	return digest;
}

/* Says why a build could not start or ended, in the terminal and for the
 * open pages. */
static void build_said(struct buf *err, const char *fmt, const char *what)
{
	size_t at = err->len;
	buf_addf(err, fmt, what);
	fputs(err->data + at, stderr);
}

/* Runs one build: this program without "serve", in a child process. Its
 * output goes to the terminal; its messages too, and into err. Ctrl-C
 * (SIGINT to the terminal's process group) is ignored by the build, which
 * finishes before the server stops; a second signal kills it. Returns its
 * exit status, or 128 + the signal that ended it. */
static int run_build(char **argv, struct buf *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		build_said(err, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_DFL);
		dup2(p[1], 2);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		build_said(err, "sitegen: serve: cannot start a build: %s\n", strerror(errno));
		return 1;
	}
	char chunk[4096];
	for (;;) {
		ssize_t n = read(p[0], chunk, sizeof(chunk));
		if (n > 0) {
			fwrite(chunk, 1, (size_t)n, stderr);
			if (err->len < SERVE_MAX_ERRORS)
				buf_add(err, chunk, (size_t)n);
		} else if (n == 0 || errno != EINTR) {
			break;
		} else if (signals > 1) {
			kill(pid, SIGKILL);
		}
	}
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFSIGNALED(status))
		buf_addf(err, "sitegen: serve: the build was ended by signal %d (%s)\n", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Requests go on being answered from the output while the build renders:
 * its commit takes the output's commit lock (serve_internal.h). */
static void begin_build(struct serve_state *s)
{
	pthread_mutex_lock(&s->mu);
	s->building = 1;
	pthread_mutex_unlock(&s->mu);
}

/* The real path of out when it holds the writer's marker (a complete
 * build of ours), else NULL. */
static char *served_root(const char *out)
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

static void say_base_moved(const struct serve_opts *o, const char *base)
{
	char *shown = serve_path_encode(base);
	printf("sitegen: serve: base_url's path is now %s: the site is at %s%s (open pages are told)\n", shown,
	       o->origin, shown);
	free(shown);
}

/* Says in the terminal how the build ended and whom it told. */
static void say_built(int built, int status, int changed, int moved, size_t warnings, size_t streams,
		      double secs)
{
	const char *pages = streams == 1 ? "page" : "pages";
	if (status == 2) {
		printf("sitegen: serve: the build refused its options (see above)\n");
		return;
	}
	if (status) {
		printf("sitegen: serve: the build failed (%.2f s): %s", secs,
		       built ? "still serving the last good build" : "no build yet: fix the errors above");
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
	else if (streams && !moved)	/* (else say_base_moved tells) */
		printf("; reloading the %zu open %s", streams, pages);
	if (warnings)
		printf("; %zu warning%s (above), shown on the open pages", warnings, warnings == 1 ? "" : "s");
	printf("\n");
}

/* Publishes a finished build: the output as it now is, its warnings, or its
 * errors. */
static void end_build(struct serve_state *s, const struct serve_opts *o, int status, struct buf *err,
		      unsigned long long *digest, double secs)
{
	/* Only a directory a build of ours just wrote is served: after a failed
	 * build, o->out may be one the build refused (a home folder, the
	 * working directory), and the last good root stays. */
	char *base = NULL, *root = status == 0 ? served_root(o->out) : NULL;
	if (status == 0)
		serve_read_config(o->config, &base, NULL);
	unsigned long long now_digest = status == 0 ? output_digest(o->out) : *digest;
	int changed = now_digest != *digest;
	*digest = now_digest;
	const char *text = err->len ? err->data : "";
	size_t warnings = status ? 0 : count_messages(text, ": warning: ");
	char *shown = NULL;
	if (status)
		shown = page_messages(s->built ? "sitegen: the build failed (%zu error%s). This page is the "
								"last good build; it reloads when the errors are fixed."
							      : "sitegen: no build yet: fix the errors below (%zu error%s); "
								"this page reloads when they are fixed.",
				      count_messages(text, ": error: "), text);
	else if (warnings)
		shown = page_messages("sitegen: %zu warning%s; the build succeeded (make serve SITEFLAGS=--strict "
				      "makes warnings errors).", warnings, text);
	pthread_mutex_lock(&s->mu);
	s->building = 0;
	s->failed = status != 0;
	s->built |= status == 0;
	free(s->errors);
	free(s->warnings);
	s->errors = status ? shown : NULL;
	s->warnings = status ? NULL : shown;
	s->out_gen += (unsigned long)changed;
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
	say_built(built, status, changed, moved, warnings, streams, secs);
	if (moved && *o->origin)	/* (only this thread changes base) */
		say_base_moved(o, base);
	fflush(stdout);
}

static int build(struct serve_state *s, const struct serve_opts *o, unsigned long long *digest)
{
	struct buf err = BUF_INIT;
	begin_build(s);
	double t0 = now();
	int status = run_build(o->build_argv, &err);
	end_build(s, o, status, &err, digest, now() - t0);
	buf_free(&err);
	return status;
}

/* The names an editor means: an article, a template, the config. */
static int name_matters(const char *name, const char *config)
{
	size_t n = strlen(name);
	return (n > 3 && strcmp(name + n - 3, ".md") == 0) || (n > 9 && strcmp(name + n - 9, ".mustache") == 0) ||
	       strcmp(name, config) == 0;
}

/* How telling a changed name is: one that still exists over one gone (an
 * editor's temporary file: vim's 4913, sed -i's sedXXXXXX), then the
 * names that matter. */
static int name_rank(const char *name, const char *config)
{
	struct stat st;
	return 2 * (lstat(name, &st) == 0) + name_matters(name, config);
}

/* Says which of the names watch_wait collected (NUL-separated) changed:
 * the most telling one, or how many in their folder. */
static void say_changes(const struct buf *names, const char *config)
{
	const char *end = names->data + names->len, *best = NULL, *first_dir = NULL;
	int rank = -1, one_dir = 1;
	size_t count = 0, dir_len = 0;
	for (const char *p = names->data; p < end; p += strlen(p) + 1) {
		int r = name_rank(p, config);
		int repeat = 0;
		for (const char *q = names->data; q < p && !repeat; q += strlen(q) + 1)
			repeat = strcmp(p, q) == 0;
		if (repeat || r < rank)
			continue;
		if (r > rank)
			rank = r, count = 0, one_dir = 1, best = p;
		const char *slash = strrchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : 0;
		if (count++ == 0)
			first_dir = p, dir_len = len;
		else if (len != dir_len || strncmp(p, first_dir, len) != 0)
			one_dir = 0;
	}
	const char *what = rank >= 2 ? "changed" : "removed";
	if (!best)
		printf("sitegen: serve: an input changed\n");
	else if (count == 1)
		printf("sitegen: serve: %s %s\n", best, what);
	else if (one_dir)
		printf("sitegen: serve: %zu files %s in %.*s\n", count, what, dir_len ? (int)dir_len : 1,
		       dir_len ? first_dir : ".");
	else
		printf("sitegen: serve: %s and %zu more %s\n", best, count - 1, what);
	fflush(stdout);
}

/* Builds about SERVE_DEBOUNCE_MS after the last of a burst of changes (an
 * editor's save is often several events), until a signal. */
static void watch_loop(struct serve_state *s, const struct serve_opts *o, struct watch *w,
		       unsigned long long *digest)
{
	struct buf names = BUF_INIT;
	int pending = 0;
	double due = 0;
	while (!signals) {
		if (pending && now() >= due) {
			pending = 0;
			say_changes(&names, o->config);
			buf_reset(&names);
			build(s, o, digest);
			continue;
		}
		int timeout = pending ? (int)((due - now()) * 1000) + 1 : -1;
		if (pending && timeout < 0)
			timeout = 0;	/* due meanwhile: -1 would wait for ever */
		int r = watch_wait(w, timeout, wake_pipe[0], &names);
		char drain[64];
		while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
			;
		if (r > 0) {
			pending = 1;
			due = now() + SERVE_DEBOUNCE_MS / 1000.0;
		}
	}
	buf_free(&names);
}

static void on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waits end with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int serve_main(int argc, char **argv)
{
	struct serve_opts o = { .config = "config.yml", .content = "content", .theme = "theme", .bind = "127.0.0.1", .port = 8080 };
	if (serve_parse_opts(argc, argv, &o) < 0) {
		serve_usage(stderr);
		free(o.build_argv);
		return 2;
	}
	struct serve_state s = { .building = 1, .base = NULL };
	char *out_dir = NULL;
	if (serve_read_config(o.config, &s.base, o.out ? NULL : &out_dir) < 0)
		s.base = xstrdup("/");	/* the first build will say why */
	if (!o.out) {	/* fixed for this run: the config's output_dir, read now */
		o.out = out_dir ? out_dir : "public";
		o.build_argv[o.build_argc++] = "--out";
		o.build_argv[o.build_argc++] = (char *)o.out;
	}
	load_set_max_file_size((size_t)1 << 30);	/* for reading the output: the build limits its inputs */
	s.stamp = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.changed, NULL);
	int ret = 1;
	char url[512];
	struct serve_http *h = NULL;
	struct watch *w = NULL;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "sitegen: serve: %s\n", strerror(errno));
		goto out;
	}
	on_signals();
	/* listening first (a port in use is said at once), then the first
	 * build, watched already: "serving" only once the options are known good */
	h = serve_http_start(&s, o.bind, o.port, url, sizeof(url));
	if (!h)
		goto out;
	char *shown_base = serve_path_encode(s.base);
	snprintf(o.origin, sizeof(o.origin), "%.*s", (int)(strlen(url) - strlen(shown_base)), url);
	free(shown_base);
	const char *dirs[] = { o.content, o.theme };
	w = watch_open(dirs, 2, o.config);
	unsigned long long digest = output_digest(o.out);
	s.built = digest != 0;
	if (s.built)	/* a whole build of an earlier run: served while the first build runs */
		s.root = served_root(o.out);
	if (build(&s, &o, &digest) == 2) {	/* the build's options are wrong: they stay wrong */
		ret = 2;
		goto out;
	}
	if (signals) {	/* stopped during the first build */
		ret = 0;
		goto out;
	}
	pthread_mutex_lock(&s.mu);
	shown_base = serve_path_encode(s.base);
	snprintf(url, sizeof(url), "%s%s", o.origin, shown_base);
	free(shown_base);
	pthread_mutex_unlock(&s.mu);
	printf("sitegen: serve: serving %s (Ctrl-C stops)\n", url);
	printf("sitegen: serve: watching %s, %s and %s (%s)\n", o.content, o.theme, o.config, watch_mode(w));
	fflush(stdout);
	watch_loop(&s, &o, w, &digest);
	ret = 0;
	printf("sitegen: serve: stopped\n");
out:
	pthread_mutex_lock(&s.mu);
	s.stopping = 1;
	pthread_cond_broadcast(&s.changed);
	pthread_mutex_unlock(&s.mu);
	serve_http_stop(h);
	watch_close(w);
	free(s.errors);
	free(s.warnings);
	free(s.base);
	free(s.root);
	free(out_dir);
	free(o.build_argv);
	return ret;
}
