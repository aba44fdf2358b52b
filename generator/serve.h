/* serve: `sitegen serve`, the editor's preview server.
 *
 * Builds, serves the output directory over HTTP (libmicrohttpd) under
 * base_url's path, watches the inputs (watch.h) and builds again about
 * SERVE_DEBOUNCE_MS after the last change; open pages reload, or show the
 * failed build's messages, through Server-Sent Events. Each build is this
 * program run again without "serve" (a child process): the build path is
 * exactly `make site`'s, and a crash in it leaves the server running.
 *
 * Split in two: serve.c (options, the watch loop, builds) and serve_http.c
 * (answering requests); serve_internal.h is what they share. */
#ifndef SERVE_H
#define SERVE_H

#define SERVE_DEBOUNCE_MS 100

/* argv[0] is "serve"; the rest are serve's options and the build's. Returns
 * the process's exit status: 0 after SIGINT or SIGTERM, 1 when it cannot
 * serve, 2 for bad options. */
int serve_main(int argc, char **argv);

#endif
