/* serve_http: what the files that answer requests share: serve_http.c (the
 * daemon: which requests are answered and by whom, and sending),
 * serve_site.c (the site's files) and serve_events.c (the event stream).
 * This header brings in libmicrohttpd's;
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

/* ---- the site (serve_site.c) ---- */

/* Answers a request for url (decoded, as libmicrohttpd gives it) that is
 * not for the server's own paths: the output's file under base_url's path
 * (a folder's index.html; the page script put in every HTML page, with an
 * ETag of its own; 304 for a matching If-None-Match), a redirect to the
 * base path from "/" (302) and from the base path without its last '/'
 * (301), and to a folder from its name without '/' (301), else the 404
 * page with 404. While there is no build to serve and the last one failed,
 * every request is answered 503 with its errors. May wait for a first
 * build under way (at most a minute) and for a commit. */
enum MHD_Result serve_site(struct serve_state *s, struct MHD_Connection *c, const char *url);

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
