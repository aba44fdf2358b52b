/* serve: `sitegen serve`, the editor's preview server.
 *
 * Builds, serves the output directory over HTTP (libmicrohttpd) under
 * base_url's path, watches the inputs (watch.h) and builds again about
 * SERVE_DEBOUNCE_MS after the last change (SERVE_SETTLE_MS after a saved
 * file); open pages reload, or show the failed build's messages, through
 * Server-Sent Events. Each build is this program run again without "serve"
 * (a child process, kept for the next builds): the build path is exactly
 * `make site`'s, and a crash in it leaves the server running.
 *
 * In files of one purpose each, sharing serve_internal.h: serve.c (the
 * run: start, the watch loop, stop), serve_opts.c (the command line and
 * what is read of the config), serve_build.c (a build as a child, and what
 * is said of it), serve_path.c (URL paths); and, answering requests
 * (sharing serve_http.h too), serve_http.c (the daemon and dispatch),
 * serve_site.c (the site's files), serve_events.c (the event stream),
 * serve_live.c (the page script). */
#ifndef SERVE_H
#define SERVE_H

#define SERVE_DEBOUNCE_MS 100
/* ... or SERVE_SETTLE_MS after a change that finished a file (watch.h): a
 * save by rename or a closed write is done, and the rest of a burst, if
 * any, makes another build after this one. */
#define SERVE_SETTLE_MS 30

/* The build process serve keeps (serve_build.c; kept_loop.c's kept_loop_serve): it
 * is started with SERVE_WORKER_ENV set, builds once for each byte on its
 * stdin, and writes each build's exit status as a line on SERVE_WORKER_FD
 * once the build's messages are out: after a build that ended well,
 * "0 <hex> <n> <from>" and the n files its commit wrote or removed, each
 * ended by a NUL, or "0 <hex> -" when those are not known (write.h,
 * write_watch_changed); the hex the output's digest its state says
 * (writer_output_digest: 0 when serve is to read the state), which may be
 * written only after the line (write_watch_write_state), from the digest of
 * the output those files changed; after a failed build the status alone.
 * What it says after the line (that state's failure) is read with the next
 * build's messages. */
#define SERVE_WORKER_ENV "SITEGEN_SERVE_WORKER"
#define SERVE_WORKER_FD 3

/* argv[0] is "serve"; the rest are serve's options and the build's. Returns
 * the process's exit status: 0 after SIGINT or SIGTERM, 1 when it cannot
 * serve, 2 for bad options. */
int serve_main(int argc, char **argv);

#endif
