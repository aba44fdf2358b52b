/* kept_loop: the build process kept for the next builds (kept_loop.h). */
#define _DEFAULT_SOURCE
#include "kept_loop.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build_reuse.h"
#include "load_watch.h"
#include "parse_cache.h"
#include "render.h"
#include "serve.h"
#include "write.h"

/* `sitegen serve`'s builds run in one process kept for them (serve_build.c):
 * it builds each time a byte comes on its stdin, says each build's exit
 * status on SERVE_WORKER_FD after its messages (serve.h), and ends at the end of its
 * stdin, with status 0. `sitegen build --keep`'s run in one too, asked over
 * its socket (keep.h). A build in a process that built before finds ICU open
 * and its memory mapped (a body edit at 10,000 reports: ~0.6 s a process,
 * ~0.3 s in one that stays), and its site, content and output watched. */
/* Is the next build asked for (*fd readable: a byte on stdin, a connection)? */
static int build_asked(void *ctx)
{
	struct pollfd p = { .fd = *(const int *)ctx, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

/* Says a build's status on SERVE_WORKER_FD (serve.h): after a build that
 * ended well, what its state says (or will say) of the output, the files
 * its commit changed and the digest of the output they changed (serve
 * reloads the open pages made of them).
 * Returns 0 when the server is gone. */
static int say_status(int status, const struct write_watch *ww)
{
	/* a failed build whose commit changed files (one whose state could not
	 * be written, a warning under --strict found while writing): the next
	 * good build's list would leave them out */
	static int untold;
	struct buf b = BUF_INIT;
	size_t n = 0, len = 0;
	uint64_t from = 0;
	const char *changed = write_watch_changed(ww, &n, &len, &from);
	if (status) {
		untold |= changed != NULL;
		buf_addf(&b, "%d\n", status);
	} else if (changed && !untold) {
		buf_addf(&b, "0 %016llx %zu %016llx\n", (unsigned long long)write_watch_output_digest(ww), n,
			 (unsigned long long)from);
		buf_add(&b, changed, len);
	} else {
		buf_addf(&b, "0 %016llx -\n", (unsigned long long)write_watch_output_digest(ww));
		untold = 0;
	}
	size_t off = 0;
	while (off < b.len) {
		ssize_t k = write(SERVE_WORKER_FD, b.data + off, b.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	int said = off == b.len;
	buf_free(&b);
	return said;
}

/* What a kept process keeps between builds, made and freed once. */
static void kept_open(struct build_options *o, struct build_kept *kept, int command_line)
{
	/* Memory freed by one build is the next one's: glibc would otherwise
	 * give buffers of a few MB (the state, 7.7 MB at 10,000 reports) back
	 * to the system and fault them in again, or not, as its moving
	 * threshold happened to stand (commits of 0.013 s or 0.06 s by process) */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	*kept = (struct build_kept){ write_watch_new(), load_watch_new(), NULL, NULL, NULL, command_line };
	o->kept = kept;
}

static void kept_close(struct build_options *o, struct build_kept *kept)
{
	write_watch_free(kept->watch);
	load_watch_free(kept->content);
	kept_site_free(kept->site);	/* before the parse cache its articles point into */
	render_keep_places_free(kept->places);
	parse_cache_free(kept->cache);
	o->kept = NULL;
}

/* Between builds, until the next is asked for on stop_fd. */
static void kept_idle(struct build_kept *kept, int stop_fd)
{
	kept_site_idle(kept->site, build_asked, &stop_fd);
	fflush(stderr);
	load_watch_idle(kept->content, stop_fd);
	write_watch_idle(kept->watch, stop_fd);
}

/* write_watch_write_state, and with SITEGEN_TIMING how long it took, after
 * "sitegen: <said>: ". Returns what it returned. */
static int write_state_timed(struct write_watch *ww, const char *said)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int wrote = write_watch_write_state(ww);
	if (wrote > 0 && getenv("SITEGEN_TIMING")) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "sitegen: %s: %.3f s\n", said,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	return wrote;
}

int kept_loop_serve(struct build_options *o, kept_build_fn *build)
{
	char c;
	struct build_kept kept;
	kept_open(o, &kept, 0);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		write_watch_forget_changed(kept.watch);
		int status = build(o);
		fflush(stdout);
		fflush(stderr);
		int said = say_status(status, kept.watch);
		/* after the status, off the way to the screen: the state of a
		 * commit that left it to now (the output is locked until then) */
		write_state_timed(kept.watch, "the last build's state written after it said it was done");
		if (!said) {
			fflush(stderr);
			break;	/* the server is gone */
		}
		kept_idle(&kept, STDIN_FILENO);
	}
	kept_close(o, &kept);
	return 0;	/* each build's status is said: this one, the process's, says it ended well */
}

/* The process `sitegen build --keep` keeps (keep.h): each build asked over
 * its socket, the state written before its status is said (a command that
 * returned has left its output whole and unlocked, as one built in its own
 * process has). */
void kept_loop_keep(struct keep_server *s, struct build_options *o, kept_build_fn *build)
{
	struct build_kept kept;
	kept_open(o, &kept, 1);
	while (keep_next(s)) {
		o->force = s->force;
		o->quiet = s->quiet;
		if (getenv("SITEGEN_TIMING"))
			fprintf(stderr, "sitegen: --keep: built by the kept process %d, its build %u\n", (int)getpid(),
				s->builds);
		write_watch_forget_changed(kept.watch);
		keep_guard_begin(s);
		int status = build(o);
		if (write_state_timed(kept.watch, "--keep: the build's state written after its summary") < 0 &&
		    status == 0) {
			fprintf(stderr, "sitegen: build failed: the output was updated, but its state was not saved: "
					"the next build renders everything\n");
			status = 1;
		}
		keep_guard_end(s);
		keep_answer(s, status);
		if (s->idle_ms)	/* (--keep=0: it ends now) */
			kept_idle(&kept, s->lfd);
	}
	kept_close(o, &kept);
}
