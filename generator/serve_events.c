/* serve_events: the Server-Sent Events stream open pages listen to
 * (SERVE_EVENTS), and where pages say they listen (SERVE_PAGES). See
 * serve_http.h.
 *
 * Every stream hears the same thing: its id (event "hello") when it opens,
 * then the state of the last build (event "state", JSON) at once and after
 * every build. What an open page does with it (reload, show the errors, the
 * warnings, that the site moved) the page decides, from the build it was
 * read from and the base path it was served under (serve_live.c): so one
 * stream serves any number of pages, and a browser's tabs share one
 * (a shared worker holds it), where one each would use up the six
 * connections a browser opens to a server. The open pages are counted for
 * the terminal: a stream opened with ?pages=0 counts the pages that say,
 * at SERVE_PAGES, that they listen to it; any other counts as one. */
#define _GNU_SOURCE
#include "serve_http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "xalloc.h"

/* An event stream says something this often, so a closed page is noticed. */
#define KEEPALIVE_S 15

struct sse_client {
	struct serve_state *s;
	unsigned long id;
	int fd;			/* the connection's socket */
	size_t pages;		/* the open pages it serves, in s->streams */
	int started;
	unsigned long version;	/* the last build told about */
	struct buf pending;	/* what is still to be sent */
	size_t off;
	struct sse_client *next;	/* in s->clients */
};

static void sse_event(struct buf *b, const char *name, const char *data)
{
	buf_addf(b, "event: %s\n", name);
	do {
		size_t n = strcspn(data, "\r\n");
		buf_addf(b, "data: %.*s\n", (int)n, data);
		data += n;
		data += *data == '\r' && data[1] == '\n' ? 2 : *data ? 1 : 0;
	} while (*data);
	buf_addch(b, '\n');
}

/* s as a JSON string: '"', '\' and control characters escaped. */
static void add_json_string(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '"' || *p == '\\' || *p < 0x20)
			buf_addf(b, "\\u%04x", *p);
		else
			buf_addch(b, (char)*p);
	buf_addch(b, '"');
}

/* The state of the last build (s->mu held): the build the output is
 * ("gen", as pages' data-gen names it), base_url's path, the files the
 * build that made it changed when known ("changed", and the build before
 * it, "prev": a page of that one made of none of them stays), and the
 * failed build's messages ("errors") or the good one's warnings
 * ("warnings"). */
static void sse_state(struct serve_state *s, struct buf *b)
{
	struct buf json = BUF_INIT;
	buf_addf(&json, "{\"gen\":\"%lx.%lu\",\"base\":", s->stamp, s->out_gen);
	add_json_string(&json, s->base);
	if (s->changed_files && s->out_gen) {
		buf_addf(&json, ",\"prev\":\"%lx.%lu\",\"changed\":[", s->stamp, s->out_gen - 1);
		for (size_t at = 0; at < s->changed_files_len; at += strlen(s->changed_files + at) + 1) {
			if (at)
				buf_addch(&json, ',');
			add_json_string(&json, s->changed_files + at);
		}
		buf_addch(&json, ']');
	}
	if (s->failed || s->warnings) {
		buf_addstr(&json, s->failed ? ",\"errors\":" : ",\"warnings\":");
		add_json_string(&json, s->failed ? (s->errors ? s->errors : "sitegen: the build failed") : s->warnings);
	}
	buf_addch(&json, '}');
	sse_event(b, "state", json.data);
	buf_free(&json);
}

/* Has the client closed its end (a read would say end of file)? */
static int peer_gone(int fd)
{
	char b;
	return fd >= 0 && recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* Waits for the next build (or KEEPALIVE_S) and puts what the stream must
 * say into c->pending: the state, or a comment. Returns -1 when the server
 * stops or the client is gone. */
static int sse_next(struct sse_client *c)
{
	struct serve_state *s = c->s;
	pthread_mutex_lock(&s->mu);
	if (!c->started) {
		c->started = 1;
		c->version = s->version - 1;	/* tell the state as it is now */
		buf_addf(&c->pending, "retry: 1000\n\nevent: hello\ndata: %lu\n\n", c->id);
	}
	/* a second at a time: a client gone (a tab closed, curl ended) is
	 * noticed then, and stops counting as an open page */
	for (int waited = 0; !s->stopping && s->version == c->version && waited < KEEPALIVE_S; waited++) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (pthread_cond_timedwait(&s->changed, &s->mu, &until) == ETIMEDOUT && peer_gone(c->fd)) {
			pthread_mutex_unlock(&s->mu);
			return -1;
		}
	}
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (s->version != c->version) {
		c->version = s->version;
		sse_state(s, &c->pending);
	}
	if (!c->pending.len)
		buf_addstr(&c->pending, ": waiting\n\n");
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *c = cls;
	(void)pos;
	if (c->off == c->pending.len) {
		buf_reset(&c->pending);
		c->off = 0;
		if (sse_next(c) < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = c->pending.len - c->off;
	if (n > max)
		n = max;
	memcpy(out, c->pending.data + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse_client *c = cls;
	struct serve_state *s = c->s;
	pthread_mutex_lock(&s->mu);
	s->streams -= c->pages;
	for (struct sse_client **p = &s->clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	pthread_mutex_unlock(&s->mu);
	buf_free(&c->pending);
	free(c);
}

enum MHD_Result serve_events(struct serve_state *s, struct MHD_Connection *conn)
{
	struct sse_client *c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->pending = (struct buf)BUF_INIT;
	const char *pages = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "pages");
	c->pages = pages && strcmp(pages, "0") == 0 ? 0 : 1;
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	c->fd = info ? info->connect_fd : -1;
	pthread_mutex_lock(&s->mu);
	c->id = ++s->stream_ids;
	c->next = s->clients;
	s->clients = c;
	s->streams += c->pages;
	pthread_mutex_unlock(&s->mu);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result serve_pages(struct serve_state *s, struct MHD_Connection *conn)
{
	const char *id = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "stream");
	const char *add = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "add");
	unsigned long n = id ? strtoul(id, NULL, 10) : 0;
	int delta = add && strcmp(add, "1") == 0 ? 1 : add && strcmp(add, "-1") == 0 ? -1 : 0;
	struct sse_client *c;
	pthread_mutex_lock(&s->mu);
	for (c = s->clients; c && c->id != n; c = c->next)
		;
	if (c && delta > 0) {
		c->pages++;
		s->streams++;
	} else if (c && delta < 0 && c->pages) {
		c->pages--;
		s->streams--;
	}
	pthread_mutex_unlock(&s->mu);
	return serve_send_empty(conn, c ? MHD_HTTP_NO_CONTENT : MHD_HTTP_NOT_FOUND, NULL, NULL);
}
