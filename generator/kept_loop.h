/* kept_loop: the build process kept for the next builds, serve's (a build
 * for each byte on its stdin, its status on SERVE_WORKER_FD: serve.h) and
 * `sitegen build --keep`'s (each build asked over its socket: keep.h). It
 * keeps the site, the parse cache's map and its watches on the content and
 * the output from build to build (build.h's struct build_kept); `build` makes
 * each build (main.c's build_once: its messages, its summary, its status). */
#ifndef KEPT_LOOP_H
#define KEPT_LOOP_H

#include "build.h"
#include "keep.h"

typedef int kept_build_fn(const struct build_options *o);

/* serve's build process: builds until its stdin ends. Returns 0 (each
 * build's status is said on its own). */
int kept_loop_serve(struct build_options *o, kept_build_fn *build);

/* --keep's: builds for each asker until keep_next says the process ends. */
void kept_loop_keep(struct keep_server *s, struct build_options *o, kept_build_fn *build);

#endif
