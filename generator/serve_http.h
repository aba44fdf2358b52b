/* serve_http: what the files that answer requests share: serve_http.c (the
 * daemon: which requests are answered and by whom, and sending),
 * serve_events.c (the event stream). This header brings in libmicrohttpd's;
 * the rest of serve knows the HTTP side only as serve_http_start and
 * serve_http_stop (serve_internal.h). */
#ifndef SERVE_HTTP_H
#define SERVE_HTTP_H

#include <microhttpd.h>

#include "serve_internal.h"

struct buf;

/* ---- sending (serve_http.c) ---- */

/* Queues body (taken: left empty) with status, "Cache-Control: no-cache"
 * and, when etag is not NULL, that ETag. type is the Content-Type, sent
 * with "X-Content-Type-Options: nosniff"; NULL sends neither (a 304).
 * Returns what MHD_queue_response does. */
enum MHD_Result serve_send_buf(struct MHD_Connection *c, unsigned int status, struct buf *body, const char *type,
			       const char *etag);
/* Queues an empty body with status, "Cache-Control: no-cache" and, when
 * header is not NULL, header: value. */
enum MHD_Result serve_send_empty(struct MHD_Connection *c, unsigned int status, const char *header,
				 const char *value);

/* ---- the event stream (serve_events.c) ---- */

/* Answers SERVE_EVENTS with a stream that says its id, then the last
 * build's state at once and after every build, until the server stops or
 * the client is gone; it counts as one open page in s->streams, none when
 * opened with ?pages=0. Holds the connection's thread while it lasts. */
enum MHD_Result serve_events(struct serve_state *s, struct MHD_Connection *conn);
/* Answers SERVE_PAGES: a page says it listens to stream ?stream=ID (&add=1)
 * or is gone (&add=-1), which counts it in s->streams or no more. 204; 404
 * for a stream that is no more. */
enum MHD_Result serve_pages(struct serve_state *s, struct MHD_Connection *conn);

#endif
