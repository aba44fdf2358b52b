/* serve_path: URL paths as the server sees them. See serve_internal.h.
 *
 * libmicrohttpd hands on_request a decoded path ("/my archive/", not
 * "/my%20archive/"), so the server keeps every path decoded: base_url's
 * path is decoded here to match, and encoded again only where a path goes
 * back to a browser (Location, the address printed). */
#include "serve_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xalloc.h"

/* One part of a URL's path with its %XX escapes decoded. malloc'd. */
static char *decode_part(const char *p, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (p[i] == '%' && i + 2 < len && (hi = text_hex_digit(p[i + 1])) >= 0 && (lo = text_hex_digit(p[i + 2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

char *serve_base_path(const char *base_url)
{
	const char *p = strstr(base_url, "://");
	p = p ? strchr(p + 3, '/') : base_url;
	if (!p)
		p = "";
	size_t n = strcspn(p, "?#");
	while (n && *p == '/')
		p++, n--;
	/* Decoded, as the server sees request paths (libmicrohttpd decodes
	 * them: /my%20archive/ is asked for as "/my archive/"), with its "."
	 * and ".." parts resolved, which a browser does before asking. */
	struct buf b = BUF_INIT;
	buf_addch(&b, '/');
	while (n) {
		size_t len = 0;
		while (len < n && p[len] != '/')
			len++;
		char *part = decode_part(p, len);
		if (strcmp(part, "..") == 0) {
			while (b.len > 1 && b.data[b.len - 2] != '/')
				b.len--;
			if (b.len > 1)
				b.len--;
			b.data[b.len] = '\0';
		} else if (*part && strcmp(part, ".") != 0) {
			buf_addf(&b, "%s/", part);
		}
		free(part);
		p += len;
		n -= len;
		while (n && *p == '/')
			p++, n--;
	}
	return buf_detach(&b, NULL);
}

char *serve_path_encode(const char *path)
{
	static const char keep[] = "-._~/!$&'()*+,;=:@";
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p))
			buf_addch(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	if (!b.data)
		buf_addstr(&b, "");
	return buf_detach(&b, NULL);
}

/* Checked on the decoded text alone, so that what the disk is never asked
 * about cannot be found there by a link or an odd name; read_output
 * (serve_site.c) checks again where realpath leads. */
int serve_rel_is_servable(const char *rel)
{
	const char *p = rel;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '/'))
			return 0;
	for (p = rel; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (*p == '/' || *p == '.')
			return 0;
	return 1;
}
