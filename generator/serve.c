/* serve: the run of `sitegen serve`: starting, the watch loop, stopping.
 * See serve.h; the options are serve_opts.c's, the builds serve_build.c's. */
#define _GNU_SOURCE
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "load.h"
#include "serve_internal.h"
#include "watch.h"
#include "write.h"
#include "xalloc.h"

volatile sig_atomic_t serve_signals;
static int wake_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	(void)sig;
	int e = errno;
	serve_signals++;
	if (write(wake_pipe[1], "x", 1) < 0) {
		/* full: the loop wakes anyway */
	}
	errno = e;
}

double serve_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* Says which of the names watch_wait collected (NUL-separated, once each;
 * an empty one when others were left out) changed: the most telling one,
 * or how many in their folder. */
static void say_changes(const struct buf *names, const char *config)
{
	const char *end = names->data + names->len, *best = NULL, *first_dir = NULL;
	int rank = -1, one_dir = 1, more = 0;
	size_t count = 0, dir_len = 0;
	for (const char *p = names->data; p < end; p += strlen(p) + 1) {
		if (!*p) {
			more = 1;
			continue;
		}
		int r = name_rank(p, config);
		if (r < rank)
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
	/* past the names kept: these are some of the changes, perhaps not the one that matters */
	const char *others = more ? ", among more not listed" : "";
	if (!best)
		printf("sitegen: serve: an input changed\n");
	else if (count == 1)
		printf("sitegen: serve: %s %s%s\n", best, what, others);
	else if (one_dir)
		printf("sitegen: serve: %zu files %s in %.*s%s\n", count, what, dir_len ? (int)dir_len : 1,
		       dir_len ? first_dir : ".", others);
	else
		printf("sitegen: serve: %s and %zu more %s%s\n", best, count - 1, what, others);
	fflush(stdout);
}

/* Builds about SERVE_DEBOUNCE_MS after the last of a burst of changes (an
 * editor's save is often several events), SERVE_SETTLE_MS when the last
 * finished a file, until a signal. */
static void watch_loop(struct serve_state *s, const struct serve_opts *o, struct watch *w,
		       unsigned long long *digest)
{
	struct buf names = BUF_INIT;
	int pending = 0;
	double due = 0;
	while (!serve_signals) {
		if (pending && serve_now() >= due) {
			pending = 0;
			say_changes(&names, o->config);
			serve_terminal_saved(names.data, names.len);
			buf_reset(&names);
			serve_build(s, o, digest);
			continue;
		}
		int timeout = pending ? (int)((due - serve_now()) * 1000) + 1 : -1;
		if (pending && timeout < 0)
			timeout = 0;	/* due meanwhile: -1 would wait for ever */
		int r = watch_wait(w, timeout, wake_pipe[0], &names);
		char drain[64];
		while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
			;
		if (r > 0) {
			pending = 1;
			due = serve_now() + (r == 2 ? SERVE_SETTLE_MS : SERVE_DEBOUNCE_MS) / 1000.0;
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
	unsigned long long digest = writer_output_digest(o.out);
	s.built = digest != 0;
	if (s.built)	/* a whole build of an earlier run: served while the first build runs */
		s.root = serve_served_root(o.out);
	if (serve_build(&s, &o, &digest) == 2) {	/* the build's options are wrong: they stay wrong */
		ret = 2;
		goto out;
	}
	if (serve_signals) {	/* stopped during the first build */
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
	serve_build_stop();
	watch_close(w);
	free(s.errors);
	free(s.warnings);
	free(s.base);
	free(s.changed_files);
	free(s.root);
	free(out_dir);
	free(o.build_argv);
	return ret;
}
