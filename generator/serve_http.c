/* serve_http: the HTTP server of `sitegen serve` (libmicrohttpd): where it
 * listens, which requests it answers (GET and HEAD; on the loopback, only
 * for a local Host) and by whom (the site, serve_site.c; the event stream,
 * serve_events.c; the page script, serve_live.c), and sending. See
 * serve_http.h and serve_internal.h.
 *
 * libmicrohttpd runs a thread per connection, so a request may wait (for a
 * build to finish, or, as an event stream, for the next build) without
 * holding up the others. */
#define _GNU_SOURCE
#include "serve_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "xalloc.h"

struct serve_http {
	struct MHD_Daemon *daemon;
};

/* ---- sending (serve_http.h) ---- */

enum MHD_Result serve_send_buf(struct MHD_Connection *c, unsigned int status, struct buf *body, const char *type,
			       const char *etag)
{
	size_t len;
	char *data = buf_detach(body, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (type) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	if (etag)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result serve_send_empty(struct MHD_Connection *c, unsigned int status, const char *header,
				 const char *value)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (header)
		MHD_add_response_header(r, header, value);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the server ---- */

/* Whether a Host header names this machine (localhost, 127.x.x.x, [::1],
 * any port). A server on the loopback answers only those: a web page from
 * elsewhere whose name was made to resolve to 127.0.0.1 (DNS rebinding)
 * sends its own name, and must not read the preview. */
static int host_is_local(const char *host)
{
	if (!host)
		return 0;
	size_t n = strcspn(host, ":");
	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' || host[5] == ':');
	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	struct in_addr a;
	char name[64];
	if (n >= sizeof(name))
		return 0;
	memcpy(name, host, n);
	name[n] = '\0';
	return inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **req)
{
	static int seen;
	struct serve_state *s = cls;
	(void)version;
	(void)upload_data;
	if (!*req) {	/* the headers are in: the next call answers */
		*req = &seen;
		return MHD_YES;
	}
	if (*upload_size) {	/* a body is read and dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (s->loopback && !host_is_local(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
		return serve_send_empty(c, MHD_HTTP_FORBIDDEN, NULL, NULL);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return serve_send_empty(c, MHD_HTTP_METHOD_NOT_ALLOWED, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (strcmp(url, SERVE_EVENTS) == 0)
		return serve_events(s, c);
	if (strcmp(url, SERVE_PAGES) == 0)
		return serve_pages(s, c);
	if (strcmp(url, SERVE_SCRIPT) == 0 || strcmp(url, SERVE_WORKER) == 0) {
		struct buf js = BUF_INIT;
		buf_addstr(&js, strcmp(url, SERVE_SCRIPT) == 0 ? serve_live_js : serve_worker_js);
		return serve_send_buf(c, MHD_HTTP_OK, &js, "text/javascript; charset=utf-8", NULL);
	}
	return serve_site(s, c, url);
}

/* bind:port as a socket address (a name or a numeric IPv4 or IPv6
 * address). Returns 0, or -1 after saying why. */
static int resolve_bind(const char *bind, int port, struct sockaddr_storage *sa, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char service[16];
	snprintf(service, sizeof(service), "%d", port);
	int e = getaddrinfo(bind, service, &hints, &res);
	if (e) {
		fprintf(stderr, "sitegen: serve: --bind: cannot use '%s': %s\n", bind, gai_strerror(e));
		return -1;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

struct serve_http *serve_http_start(struct serve_state *s, const char *bind, int port, char *url, size_t url_size)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	if (resolve_bind(bind, port, &sa, &salen) < 0)
		return NULL;
	if (sa.ss_family == AF_INET)
		s->loopback = (ntohl(((struct sockaddr_in *)&sa)->sin_addr.s_addr) >> 24) == 127;
	else if (sa.ss_family == AF_INET6)
		s->loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&sa)->sin6_addr);
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
						(struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
						MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "sitegen: serve: cannot listen on %s port %d (%s): is another server using it? "
			"choose another with --port (PORT= for make serve)\n", bind, port, strerror(errno));
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char host[INET6_ADDRSTRLEN] = "";
	getnameinfo((struct sockaddr *)&sa, salen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	char *base = serve_path_encode(s->base);
	snprintf(url, url_size, "http://%s%s%s:%u%s", sa.ss_family == AF_INET6 ? "[" : "", host,
		 sa.ss_family == AF_INET6 ? "]" : "", info ? (unsigned)info->port : (unsigned)port, base);
	free(base);
	struct serve_http *h = xcalloc(1, sizeof(*h));
	h->daemon = d;
	return h;
}

void serve_http_stop(struct serve_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
