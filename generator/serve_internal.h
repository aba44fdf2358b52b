/* serve_internal: what the serve*.c files share; outside them only
 * serve.h is used. Each section below names the file that owns it; the
 * files answering requests share more in serve_http.h (libmicrohttpd's
 * types), which serve.c and the build's files do not include.
 *
 * The state of the last build (struct serve_state, under one mutex):
 * serve.c sets it up and frees it, serve_build.c publishes every build in
 * it, serve_site.c reads it to answer, and serve_events.c tells it to the
 * open pages and counts them in it.
 *
 * The served directory is always one whole build: a build's commit renames
 * files into place one by one, holding the output's commit lock (write.h)
 * while it does, and a request holds that lock shared while it reads a
 * file. So a request waits only for a commit (milliseconds), not for a
 * build to render; only while there is no build to serve at all (`root`
 * NULL) does it wait for one under way (`building`). Server-Sent Event
 * streams wait on `changed` for a new `version`. */
#ifndef SERVE_INTERNAL_H
#define SERVE_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

/* The paths the server keeps for itself, outside any base path's pages:
 * the event stream, the page script, the shared worker that holds one
 * stream for all the tabs of a browser (serve_live.c), and where a page
 * says it is open or gone (?stream=ID&add=1 or -1). */
#define SERVE_EVENTS "/__sitegen/events"
#define SERVE_SCRIPT "/__sitegen/live.js"
#define SERVE_WORKER "/__sitegen/worker.js"
#define SERVE_PAGES "/__sitegen/pages"

/* ---- the state of the last build ---- */

struct sse_client;

struct serve_state {
	pthread_mutex_t mu;
	pthread_cond_t changed;	/* broadcast on any change below */
	int building;		/* a build runs */
	int stopping;
	unsigned long version;	/* one more for every finished build */
	unsigned long out_gen;	/* one more for every build that changed the output */
	/* the output files the build that made out_gen what it is changed
	 * (serve_changed_entries: folders of many as "folder/"), each ended by
	 * a NUL (malloc'd), when known: a page of out_gen - 1 made of none of
	 * them stays (serve_live.c); NULL: every page reloads */
	char *changed_files;
	size_t changed_files_len;
	unsigned long stamp;	/* this run of the server, in pages' tokens */
	int failed;		/* the last build failed ... */
	char *errors;		/* ... saying this: a heading line, then the build's messages (malloc'd) */
	char *warnings;		/* the last build succeeded with warnings: the same (malloc'd), else NULL */
	int built;		/* the output holds a good build (of this run or an earlier one) */
	size_t streams;		/* the open pages: what the event streams count (serve_events.c) */
	struct sse_client *clients;	/* the event streams open (serve_events.c) */
	unsigned long stream_ids;	/* the last stream's id */
	char *base;		/* base_url's path, "/archive/" (malloc'd) */
	char *root;		/* the output directory, resolved (malloc'd); NULL before it exists */
	int loopback;		/* listening on a loopback address only: see host_is_local (serve_http.c) */
};

/* ---- the page script (serve_live.c) ---- */

/* The page script, served at SERVE_SCRIPT, and the shared worker, at
 * SERVE_WORKER. */
extern const char serve_live_js[];
extern const char serve_worker_js[];

/* ---- the HTTP server (serve_http.c) ---- */

struct serve_http;

/* Listens on bind:port (port 0: any free one) and answers from s. Writes the
 * site's address (http://host:port/base/) into url. Returns NULL after
 * saying why on stderr. */
struct serve_http *serve_http_start(struct serve_state *s, const char *bind, int port, char *url, size_t url_size);
/* Ends every stream and connection (set s->stopping first) and frees h. */
void serve_http_stop(struct serve_http *h);

/* ---- the options (serve_opts.c) ---- */

struct serve_opts {
	const char *config, *content, *out, *theme, *bind;
	int port;
	char **build_argv;	/* the build's own options, for the child */
	size_t build_argc;
	char origin[256];	/* http://host:port, once listening */
};

void serve_usage(FILE *f);
/* argv[0] is "serve". Takes serve's own options (--port, --bind) out and
 * puts the others, the build's, in o->build_argv after "sitegen"
 * (xcalloc'd, the strings argv's, room left for two more: free it);
 * --config, --content, --out and --theme are noted in o too, as the server
 * watches and serves those. --help prints the usage and exits 0. Returns 0,
 * or -1 after saying why on stderr. */
int serve_parse_opts(int argc, char **argv, struct serve_opts *o);
/* base_url's path (serve_base_path) into *base and, when out_dir is not
 * NULL, output_dir into *out_dir (both malloc'd), read from the config at
 * path without a word. Returns 0, or -1 when the config cannot be read or
 * parsed (nothing set). */
int serve_read_config(const char *path, char **base, char **out_dir);

/* ---- the run (serve.c) ---- */

/* SIGINT and SIGTERM received (serve.c's handler counts them): the watch
 * loop stops at the first, and a build under way is killed at the second
 * (serve_build.c). */
extern volatile sig_atomic_t serve_signals;
/* Seconds on the monotonic clock. */
double serve_now(void);

/* ---- the builds (serve_build.c) ---- */

/* The real path of out when it holds the writer's marker (a complete build
 * of ours), else NULL. malloc'd. */
char *serve_served_root(const char *out);
/* Runs one build, this program without "serve" in a child process with
 * o->build_argv, its messages copied to stderr; then publishes it in s (the
 * output's root, base path, errors or warnings; version one more, changed
 * broadcast) and says in the terminal how it ended. *digest is the output's
 * digest before the build, and after it on return. Returns the build's exit
 * status, or 128 + the signal that ended it. */
int serve_build(struct serve_state *s, const struct serve_opts *o, unsigned long long *digest);
/* Ends the build process between builds (when the server stops). */
void serve_build_stop(void);

/* ---- the builds' messages in the terminal (serve_terminal.c) ---- */

/* The files saved for the next build (watch_wait's names, each ended by a
 * NUL): their warnings are said whether or not the last build said them. */
void serve_terminal_saved(const char *names, size_t len);
/* A build's messages as they come, to stderr; a warning the last build
 * said too (the same first line), not of a file saved, is counted instead. */
void serve_terminal_take(const char *chunk, size_t n);
/* At the end of a build: what is left of its messages said, and its
 * warnings counted. */
struct serve_warned {
	size_t warnings;	/* said by the build */
	size_t repeated;	/* of them, not said again: the last build's too */
	size_t gone;		/* the last build's that this one did not say */
};
struct serve_warned serve_terminal_end(void);
void serve_terminal_free(void);

/* ---- the files a build changed (serve_changed.c) ---- */

/* At most this many entries are told the open pages (else every page
 * reloads), a folder where more than SERVE_FOLDED files changed being one
 * entry, "folder/" (the search index's g/, p/ and d/ after a report added
 * among older ones: 30,000 files at 10,000 reports). */
#define SERVE_CHANGED_SHOWN 2000
#define SERVE_FOLDED 16
/* The entries told for names (the build process's list, each ended by a
 * NUL, len bytes), each ended by a NUL, malloc'd, their length in
 * *entries_len; NULL when more than SERVE_CHANGED_SHOWN, or when a name is
 * not UTF-8 (the state is JSON). *files: the
 * names; *pages: those of pages (.html). */
char *serve_changed_entries(const char *names, size_t len, size_t *entries_len, size_t *files, size_t *pages);

/* ---- URL paths (serve_path.c): string work only, no state ---- */

/* The path of base_url (https://example.org/archive/ → /archive/), as the
 * 404 page takes it (render_404), with a '/' at both ends, decoded (%XX)
 * and its "." and ".." parts resolved, as request paths arrive. malloc'd. */
char *serve_base_path(const char *base_url);
/* A decoded path as a URL writes it (%XX for a space, a Chinese character…),
 * for Location headers and the address printed. malloc'd. */
char *serve_path_encode(const char *path);
/* Whether rel (a request path below the base path, decoded) is one the
 * output can hold: the characters the writer allows (write.h), no empty,
 * `.` or `..` part, and no hidden file (the writer's own state). Anything
 * else is answered 404 before the disk is looked at. */
int serve_rel_is_servable(const char *rel);

#endif
