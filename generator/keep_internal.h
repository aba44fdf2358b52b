/* keep_internal: what keep.c (the asker's side, the key, the start) and
 * keep_serve.c (the kept process's side) share (keep.h). */
#ifndef KEEP_INTERNAL_H
#define KEEP_INTERNAL_H

#include <sys/un.h>

#include "keep.h"

#define KEEP_PROTOCOL "sitegen-keep 3"
/* The most a request may hold: its line and the said-only variables. */
#define KEEP_REQUEST_MAX 4096

/* The environment variables a build reads only to say more, which each
 * build sends (NULL-terminated); whether "NAME=value" is one of them. */
extern const char *const keep_said_only[];
int keep_is_said_only(const char *e);

long long keep_now_ms(void);
/* A Unix stream socket (close-on-exec), and its address path in *sa. */
int keep_socket_at(const char *path, struct sockaddr_un *sa);
/* The kept process's body after its start (keep.c's): listens, says it is
 * ready on `ready`, runs serve, exits. */
void keep_server_run(struct keep_server *s, int ready, keep_serve_fn *serve, void *ctx);

#endif
