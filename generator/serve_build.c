/* serve_build: one build of `sitegen serve`, run as a child process, and
 * what is said of it: in the terminal, and in the state the open pages are
 * told (serve_internal.h). See serve.h for why a child. */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "load.h"
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
		} else if (serve_signals > 1) {
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
	char *base = NULL, *root = status == 0 ? serve_served_root(o->out) : NULL;
	if (status == 0)
		serve_read_config(o->config, &base, NULL);
	unsigned long long now_digest = status == 0 ? writer_output_digest(o->out) : *digest;
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

int serve_build(struct serve_state *s, const struct serve_opts *o, unsigned long long *digest)
{
	struct buf err = BUF_INIT;
	begin_build(s);
	double t0 = serve_now();
	int status = run_build(o->build_argv, &err);
	end_build(s, o, status, &err, digest, serve_now() - t0);
	buf_free(&err);
	return status;
}
