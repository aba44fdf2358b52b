#include "bundle.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "imagesize.h"
#include "load.h"
#include "markdown.h"

struct refs {
	struct arena *a;
	struct diag *d;
	struct article *art;
	struct ptrvec images;	/* struct image * */
	int failed;
};

/* A message at the image's place in the file. */
#define REF_ERROR(r, line, col, ...) \
	(diag_error((r)->d, (r)->art->path, line, col, (r)->art->src, (r)->art->src_len, __VA_ARGS__), (r)->failed = 1)

static int is_remote(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
	       strncmp(url, "//", 2) == 0;
}

/* The length of url's scheme (`data` in data:…), or 0. */
static size_t scheme_len(const char *url)
{
	size_t i = 0;
	if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
		return 0;
	while ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
	       (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '.' || url[i] == '-')
		i++;
	return url[i] == ':' ? i : 0;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

/* url as a path inside the bundle: `.` and empty parts dropped, `..`
 * applied. NULL with *why when it leaves the bundle or has a name the
 * output cannot hold. */
static const char *bundle_rel(struct arena *a, const char *url, const char **why)
{
	char *rel = arena_strdup(a, url);
	size_t n = 0;
	if (*url && url[strlen(url) - 1] == '/') {	/* img/a.png/ would not lead to the copy */
		*why = "ends in '/': an image is a file, named without a '/' after it";
		return NULL;
	}
	for (const char *p = url; *p;) {
		const char *end = strchr(p, '/');
		size_t k = end ? (size_t)(end - p) : strlen(p);
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0) {
				*why = "leaves the page bundle ('..' above its folder): images are files in the folder of index.md";
				return NULL;
			}
			while (n > 0 && rel[--n] != '/')
				;
		} else if (k && !(k == 1 && p[0] == '.')) {
			for (size_t i = 0; i < k; i++)
				if (!name_char(p[i]) || (i == 0 && p[i] == '.')) {
					*why = "has a name the output cannot hold: use only a-z, A-Z, 0-9, '.', '_' and '-' "
					       "(not first '.') in image file and folder names";
					return NULL;
				}
			if (n)
				rel[n++] = '/';
			memcpy(rel + n, p, k);
			n += k;
		}
		p += end ? k + 1 : k;
	}
	rel[n] = '\0';
	if (!n)
		*why = "names the page bundle's folder, not a file in it";
	return n ? rel : NULL;
}

/* Reads the bundle's file rel into img; -1 with the reason reported. */
static int read_image(struct refs *r, size_t line, size_t col, const char *url, struct image *img)
{
	char *data;
	size_t len;
	if (load_bundle_file(r->a, r->art->bundle, img->rel, &data, &len) < 0) {
		int err = errno;
		const char *path = arena_sprintf(r->a, "%s/%s", r->art->bundle, img->rel);
		if (err == ENOENT || err == ENOTDIR)
			REF_ERROR(r, line, col, "image '%s' not found: there is no file %s", url, path);
		else if (err == EXDEV)
			REF_ERROR(r, line, col, "image '%s' leads out of the page bundle (a symbolic link): copy the file into %s",
				  url, r->art->bundle);
		else
			REF_ERROR(r, line, col, "image '%s': cannot read %s: %s", url, path, load_strerror(r->a, path, err));
		return -1;
	}
	struct image_size sz;
	const char *why = "";
	enum image_type want = image_type_of_name(img->rel);
	int got = image_size_read((const unsigned char *)data, len, want, &sz, &why);
	if (got == -2)
		REF_ERROR(r, line, col, "image '%s' is a %s file, but its name says %s: rename it", url,
			  image_type_name(sz.type), image_type_name(want));
	else if (got < 0)
		REF_ERROR(r, line, col, "image '%s' is not a readable %s image: %s", url, image_type_name(want), why);
	if (got < 0)
		return -1;
	img->data = data;
	img->len = len;
	img->width = sz.width;
	img->height = sz.height;
	return 0;
}

/* May art hold image files? Else says why at the image's place. */
static int may_hold_files(struct refs *r, size_t line, size_t col, const char *url)
{
	if (r->art->kind == ARTICLE_PAGE) {
		REF_ERROR(r, line, col, "image '%s' in a printed page's note (kind: page): its text is shown on the "
			  "series page, which has no images; use an http(s) address or leave the image out", url);
		return 0;
	}
	if (r->art->bundle)
		return 1;
	const char *p = r->art->path;
	size_t n = strlen(p);
	REF_ERROR(r, line, col, "image '%s' beside a plain .md file: only a page bundle holds images; move the "
		  "article into a folder, %.*s/index.md, with its images beside it", url,
		  (int)(n > 3 ? n - 3 : n), p);
	return 0;
}

static void add_ref(struct refs *r, const char *url, size_t line, size_t col)
{
	for (size_t i = 0; i < r->images.len; i++)
		if (strcmp(((struct image *)r->images.items[i])->url, url) == 0)
			return;	/* the same address again */
	struct image *img = arena_alloc(r->a, sizeof(*img));
	img->url = arena_strdup(r->a, url);
	const char *why = "";
	size_t scheme = scheme_len(url);
	if (is_remote(url)) {
		/* left as it is, without a size */
	} else if (!*url) {
		REF_ERROR(r, line, col, "an image without an address: give its file, ![说明](img/photo.jpg)");
		return;
	} else if (scheme) {
		REF_ERROR(r, line, col, "image '%s': an address with '%.*s:' is not allowed; use a file of the page "
			  "bundle (img/photo.jpg) or an http(s) address", url, (int)scheme, url);
		return;
	} else if (url[0] == '/') {
		REF_ERROR(r, line, col, "image '%s' is an absolute path: give the file relative to index.md, as in "
			  "img/photo.jpg, in the page bundle's folder", url);
		return;
	} else if (!may_hold_files(r, line, col, url)) {
		return;
	} else if (!(img->rel = bundle_rel(r->a, url, &why))) {
		REF_ERROR(r, line, col, "image '%s' %s", url, why);
		return;
	} else if (image_type_of_name(img->rel) == IMAGE_NONE) {
		REF_ERROR(r, line, col, "image '%s' is not an image file name: use .png, .jpg, .jpeg, .webp, .gif, "
			  ".svg or .avif", url);
		return;
	} else if (read_image(r, line, col, url, img) < 0) {
		return;
	}
	ptrvec_push(r->a, &r->images, img);
}

/* cmark's place (in the body, col in bytes) → the file's (col in characters). */
static void body_ref(void *ctx, const char *url, size_t line, size_t col)
{
	struct refs *r = ctx;
	const struct article *art = r->art;
	const char *p = art->body, *end = art->src + art->src_len;
	for (size_t l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	size_t off = (size_t)(p - art->src) + col - 1, fline, fcol;
	diag_locate(art->src, off < art->src_len ? off : art->src_len, &fline, &fcol);
	add_ref(r, url, fline, fcol);
}

int bundle_load_images(struct arena *a, struct diag *d, struct article *art)
{
	struct refs r = { a, d, art, { 0 }, 0 };
	markdown_images(art->body, art->body_len, body_ref, &r);
	for (size_t i = 0; art->caption_images && i < art->captions.len; i++)
		if (art->caption_images[i])
			add_ref(&r, art->caption_images[i], art->caption_image_lines[i], art->caption_image_cols[i]);
	art->images = arena_alloc(a, (r.images.len + 1) * sizeof(*art->images));
	for (size_t i = 0; i < r.images.len; i++)
		art->images[i] = *(struct image *)r.images.items[i];
	art->nimages = r.images.len;
	return r.failed ? -1 : 0;
}

const struct image *bundle_image(const struct article *art, const char *url)
{
	for (size_t i = 0; i < art->nimages; i++)
		if (strcmp(art->images[i].url, url) == 0)
			return &art->images[i];
	return NULL;
}
