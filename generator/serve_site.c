/* serve_site: answering a request for the site from the output directory,
 * under base_url's path: the gate that keeps a commit whole, which file a
 * path names, its type and ETag, the page script put in every HTML page,
 * the 404 page, and the page of a first build that failed. See
 * serve_http.h. */
#define _GNU_SOURCE
#include "serve_http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "load.h"
#include "write.h"
#include "xalloc.h"

/* A request waits this long at most for a first build to finish. */
#define GATE_WAIT_S 60

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
 * naming the build the page was read from, the base path it was served
 * under, and the output's file it is (file; NULL for a page that is no
 * file of the output's, which reloads after every build that changed it). */
static void inject_script(struct buf *page, unsigned long stamp, unsigned long gen, const char *base,
			  const char *file)
{
	struct buf tag = BUF_INIT;
	buf_addf(&tag, "<script src=\"%s\" data-gen=\"%lx.%lu\" data-base=\"", SERVE_SCRIPT, stamp, gen);
	buf_add_html_escaped(&tag, base, strlen(base));
	if (file) {
		buf_addstr(&tag, "\" data-file=\"");
		buf_add_html_escaped(&tag, file, strlen(file));
	}
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
	inject_script(&page, s->stamp, gen, base, NULL);
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
	int dir = n == 0 || rel[n - 1] == '/';
	const char *type = content_type(dir ? "index.html" : rel);
	if (is_html(type)) {	/* the page differs by the script's token */
		size_t e = strlen(etag);
		snprintf(etag + e - 1, sizeof(etag) - e + 1, "-%lx.%lu\"", s->stamp, gen);
		struct buf file = BUF_INIT;
		buf_addf(&file, "%s%s", rel, dir ? "index.html" : "");
		inject_script(&body, s->stamp, gen, base, file.data);
		buf_free(&file);
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
	inject_script(&page, s->stamp, gen, base, NULL);
	free(errors);
	*r = serve_send_buf(c, MHD_HTTP_SERVICE_UNAVAILABLE, &page, "text/html; charset=utf-8", NULL);
	return 1;
}

/* The site lives under base_url's path; "/" leads there. */
enum MHD_Result serve_site(struct serve_state *s, struct MHD_Connection *c, const char *url)
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
