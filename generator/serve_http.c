/* serve_http: answering requests from the output directory, and the event
 * stream open pages listen to. See serve.h and serve_internal.h.
 *
 * libmicrohttpd runs a thread per connection, so a request may wait (for a
 * build to finish, or, as an event stream, for the next build) without
 * holding up the others. */
#define _GNU_SOURCE
#include "serve_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "load.h"
#include "write.h"
#include "xalloc.h"

/* A request waits this long at most for a first build to finish. */
#define GATE_WAIT_S 60

struct serve_http {
	struct MHD_Daemon *daemon;
};

static const char builtin_404[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>404</title></head>\n"
	"<body><h1>404</h1><p>找不到这个页面 (no such page in the last good build).</p></body></html>\n";

/* ---- the gate (serve_internal.h) ---- */

/* Waits while a build runs and there is none to serve yet, then takes the
 * output's commit lock shared (write.h: a commit under way finishes first,
 * and none starts until the reader lets go). Returns the output generation
 * read, the output directory (malloc'd, or NULL before there is one) in
 * *root, and the lock to give to gate_leave in *lock. */
static unsigned long gate_enter(struct serve_state *s, char **root, int *lock)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += GATE_WAIT_S;
	pthread_mutex_lock(&s->mu);
	while (s->building && !s->root && !s->stopping)
		if (pthread_cond_timedwait(&s->changed, &s->mu, &until) == ETIMEDOUT)
			break;
	*root = s->root ? xstrdup(s->root) : NULL;
	pthread_mutex_unlock(&s->mu);
	*lock = *root ? write_read_lock(*root) : -1;
	/* (the generation after the lock: the files read are of it or newer) */
	pthread_mutex_lock(&s->mu);
	unsigned long gen = s->out_gen;
	pthread_mutex_unlock(&s->mu);
	return gen;
}

static void gate_leave(int lock)
{
	if (lock >= 0)
		close(lock);
}

/* ---- responses ---- */

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },      { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },  { ".xml", "application/xml; charset=utf-8" },
		{ ".json", "application/json" },              { ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },                  { ".png", "image/png" },
		{ ".jpg", "image/jpeg" },                     { ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },                      { ".webp", "image/webp" },
		{ ".avif", "image/avif" },                    { ".ico", "image/x-icon" },
		{ ".htm", "text/html; charset=utf-8" },       { ".mjs", "text/javascript; charset=utf-8" },
		{ ".wasm", "application/wasm" },              { ".webmanifest", "application/manifest+json" },
		{ ".pdf", "application/pdf" },                { ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },                     { ".mp4", "video/mp4" },
	};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
			if (strcasecmp(dot, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

static int is_html(const char *type)
{
	return strncmp(type, "text/html", 9) == 0;
}

/* Puts the page script before the last </body> (at the end when none),
 * naming the build the page was read from and the base path it was served
 * under. */
static void inject_script(struct buf *page, unsigned long stamp, unsigned long gen, const char *base)
{
	struct buf tag = BUF_INIT;
	buf_addf(&tag, "<script src=\"%s\" data-gen=\"%lx.%lu\" data-base=\"", SERVE_SCRIPT, stamp, gen);
	buf_add_html_escaped(&tag, base, strlen(base));
	buf_addstr(&tag, "\"></script>");
	size_t at = page->len;
	for (size_t i = page->len; i >= 7; i--)
		if (strncasecmp(page->data + i - 7, "</body>", 7) == 0) {
			at = i - 7;
			break;
		}
	struct buf out = BUF_INIT;
	buf_grow(&out, page->len + tag.len);
	buf_add(&out, page->data, at);
	buf_add(&out, tag.data, tag.len);
	buf_add(&out, page->data + at, page->len - at);
	buf_free(page);
	buf_free(&tag);
	*page = out;
}

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

/* The theme's 404 page (404.html in the output), with status 404. */
static enum MHD_Result not_found(struct serve_state *s, struct MHD_Connection *c, const char *base)
{
	char *root;
	int lock;
	unsigned long gen = gate_enter(s, &root, &lock);
	struct buf page = BUF_INIT, path = BUF_INIT;
	buf_addf(&path, "%s/404.html", root ? root : "/nonexistent");
	if (!root || load_file(path.data, &page) < 0)
		buf_addstr(&page, builtin_404);
	gate_leave(lock);
	free(root);
	buf_free(&path);
	inject_script(&page, s->stamp, gen, base);
	return serve_send_buf(c, MHD_HTTP_NOT_FOUND, &page, "text/html; charset=utf-8", NULL);
}

/* Is path inside dir (both resolved)? */
static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Reads rel from the output at root. Returns 200 with the file in *body
 * and its ETag, 301 when rel is a directory named without its '/', or 404. */
static unsigned int read_output(const char *root, const char *rel, struct buf *body, char *etag, size_t etag_size)
{
	struct buf path = BUF_INIT;
	size_t n = strlen(rel);
	buf_addf(&path, "%s/%s%s", root, rel, n == 0 || rel[n - 1] == '/' ? "index.html" : "");
	char *real = realpath(path.data, NULL);
	buf_free(&path);
	struct stat st;
	unsigned int status = MHD_HTTP_NOT_FOUND;
	/* realpath has followed every link: what it names must still be inside */
	if (!real || !inside(real, root) || stat(real, &st) < 0)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		status = MHD_HTTP_MOVED_PERMANENTLY;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || load_file(real, body) < 0)
		goto out;
	snprintf(etag, etag_size, "\"%llx-%llx-%llx.%lx\"", (unsigned long long)st.st_ino,
		 (unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
		 (unsigned long)st.st_mtim.tv_nsec);
	status = MHD_HTTP_OK;
out:
	free(real);
	return status;
}

static enum MHD_Result serve_file(struct serve_state *s, struct MHD_Connection *c, const char *url,
				  const char *base, const char *rel)
{
	if (!serve_rel_is_servable(rel))
		return not_found(s, c, base);
	char *root, etag[128];
	int lock;
	struct buf body = BUF_INIT;
	unsigned long gen = gate_enter(s, &root, &lock);
	unsigned int status = root ? read_output(root, rel, &body, etag, sizeof(etag)) : MHD_HTTP_NOT_FOUND;
	gate_leave(lock);
	free(root);
	if (status == MHD_HTTP_MOVED_PERMANENTLY) {
		struct buf to = BUF_INIT;
		buf_addf(&to, "%s/", url);
		enum MHD_Result r = serve_send_empty(c, status, MHD_HTTP_HEADER_LOCATION, to.data);
		buf_free(&to);
		return r;
	}
	if (status != MHD_HTTP_OK)
		return not_found(s, c, base);
	size_t n = strlen(rel);
	const char *type = content_type(n == 0 || rel[n - 1] == '/' ? "index.html" : rel);
	if (is_html(type)) {	/* the page differs by the script's token */
		size_t e = strlen(etag);
		snprintf(etag + e - 1, sizeof(etag) - e + 1, "-%lx.%lu\"", s->stamp, gen);
		inject_script(&body, s->stamp, gen, base);
	}
	/* A 304 is given the body the 200 would have: libmicrohttpd sends a
	 * 304's headers only, with that body's Content-Length (RFC 9110
	 * §8.6: a 304 may send no Content-Length but the 200's; an empty
	 * body would make it "Content-Length: 0"). No Content-Type: a 304
	 * sends no representation metadata (§15.4.5). */
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0))
		return serve_send_buf(c, MHD_HTTP_NOT_MODIFIED, &body, NULL, etag);
	return serve_send_buf(c, MHD_HTTP_OK, &body, type, etag);
}

/* When no build has succeeded yet (in this run or before it) and the last
 * one failed, there is nothing to serve: every page is this one, its errors
 * and the script, which reloads it once they are fixed. Returns 0 when
 * there is a build to serve instead. */
static int no_build_yet(struct serve_state *s, struct MHD_Connection *c, const char *base, enum MHD_Result *r)
{
	char *root;
	int lock;
	unsigned long gen = gate_enter(s, &root, &lock);	/* waits for a first build under way */
	free(root);
	gate_leave(lock);
	pthread_mutex_lock(&s->mu);
	char *errors = !s->built && s->failed && s->errors ? xstrdup(s->errors) : NULL;
	pthread_mutex_unlock(&s->mu);
	if (!errors)
		return 0;
	struct buf page = BUF_INIT;
	buf_addstr(&page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			  "<title>sitegen: no build yet</title></head>\n<body>\n<pre style=\"white-space:pre-wrap\">");
	buf_add_html_escaped(&page, errors, strlen(errors));
	buf_addstr(&page, "</pre>\n</body></html>\n");
	inject_script(&page, s->stamp, gen, base);
	free(errors);
	*r = serve_send_buf(c, MHD_HTTP_SERVICE_UNAVAILABLE, &page, "text/html; charset=utf-8", NULL);
	return 1;
}

/* The site lives under base_url's path; "/" leads there. */
static enum MHD_Result serve_site(struct serve_state *s, struct MHD_Connection *c, const char *url)
{
	pthread_mutex_lock(&s->mu);
	char *base = xstrdup(s->base);
	pthread_mutex_unlock(&s->mu);
	size_t n = strlen(base);
	enum MHD_Result r;
	char *location = serve_path_encode(base);	/* base is decoded, as url is */
	if (no_build_yet(s, c, base, &r))
		;
	else if (n > 1 && strcmp(url, "/") == 0)	/* not permanent: base_url may change */
		r = serve_send_empty(c, MHD_HTTP_FOUND, MHD_HTTP_HEADER_LOCATION, location);
	else if (n > 1 && strncmp(url, base, n - 1) == 0 && url[n - 1] == '\0')
		r = serve_send_empty(c, MHD_HTTP_MOVED_PERMANENTLY, MHD_HTTP_HEADER_LOCATION, location);
	else if (strncmp(url, base, n) == 0)
		r = serve_file(s, c, url, base, url + n);
	else
		r = not_found(s, c, base);
	free(location);
	free(base);
	return r;
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
