/* keep: `sitegen build --keep`, the command line's builds handed to a build
 * process kept for the next ones, as serve's are (keep.c: the asker's side
 * and the start; keep_serve.c: the kept process's side).
 *
 * Why: a new process must read the state and the parse cache, look at every
 * content file, index the whole site and look at every file the last build
 * left (at 10,000 reports ~0.2 s of a body edit, at 50,000 ~0.9 s); a
 * process that stays keeps all of it and watches the content and the output
 * between builds (kept_loop.c, serve's too). Opt-in, because a build
 * that leaves a process behind would surprise a script or a CI runner.
 *
 * The kept process listens on a Unix socket in a folder of the user's alone
 * ($SITEGEN_KEEP_DIR, else $XDG_RUNTIME_DIR/sitegen, else /tmp/sitegen-<uid>),
 * named by a digest of what a build depends on besides its inputs: this
 * program's file, the working folder, the options as parsed (but --force and
 * --quiet, which each build sends) and the environment a build reads (but
 * the variables that only make it say more, which each build sends too). So
 * a build with other options, or a rebuilt sitegen, has a process of its own.
 * A build asks by connecting and passing its stdout and stderr (SCM_RIGHTS):
 * the messages, the progress line and the summary go where this process's
 * would, and the exit status comes back over the socket. The kept process
 * ends after its idle time, or as soon as it sees that its program was
 * replaced, its folder or its socket gone. */
#ifndef KEEP_H
#define KEEP_H

#include <pthread.h>
#include <sys/types.h>

/* keep_build's answer when no kept process took the build (why is said on
 * stderr): build in this process then. */
#define KEEP_NONE (-1)

#define KEEP_MINUTES_DEFAULT 10

/* The kept process's side of its socket. */
struct keep_server {
	int lfd;	/* listening */
	int conn;	/* the build being answered, or -1 */
	int idle_ms;	/* ends after this long without a build */
	int force, quiet;	/* the build being answered asked for them */
	unsigned long long key;
	dev_t cwd_dev, sock_dev;
	ino_t cwd_ino, sock_ino;
	char cwd[4096];
	char path[108], lock[120];
	unsigned builds;
	pthread_t guard;	/* keep_guard_begin's */
	int guard_pipe[2], guarded;
	int other_folder;	/* an asker's folder of the same name is another */
};

/* The kept process's body, run in the process keep_build starts, with s
 * listening: builds for each keep_next until it returns 0, then returns
 * (the process then ends). */
typedef void keep_serve_fn(struct keep_server *s, void *ctx);

/* Hands the build to the kept process of the same program, folder, options
 * (as parsed: `options`, all but --force and --quiet) and environment,
 * starting one (serve(s, ctx) in a process of its own) when there is none;
 * it ends after `minutes` without a build, counted from this one's end (0:
 * once this build is made; none is started for it). Returns the build's exit
 * status, or KEEP_NONE. */
int keep_build(const char *options, int minutes, int force, int quiet, keep_serve_fn *serve, void *ctx);

/* Waits for the next build: 1 with its stdout and stderr on 1 and 2 and its
 * options in s; 0 when the kept process is to end (no build for idle_ms, its
 * program replaced, its folder or socket gone, or an error). */
int keep_next(struct keep_server *s);

/* Around a build: the process ends at once, as a build killed there (the
 * output is safe: write.h), when the asker goes (Ctrl-C, killed): a build in
 * its own process would have ended with it. */
void keep_guard_begin(struct keep_server *s);
void keep_guard_end(struct keep_server *s);

/* Says the build's exit status to the one that asked, after flushing what
 * it printed, and puts /dev/null back on 1 and 2. */
void keep_answer(struct keep_server *s, int status);

#endif
