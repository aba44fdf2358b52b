/* serve_changed: the files a build changed, as the open pages are told
 * them (serve_internal.h). See serve_live.c for what a page does with
 * them. */
#include "serve_internal.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "strmap.h"
#include "text.h"
#include "xalloc.h"

/* The length of name's folder ("" for a file at the top), '/' included. */
static size_t folder_len(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? (size_t)(slash - name) + 1 : 0;
}

static int is_page(const char *name)
{
	size_t n = strlen(name);
	return n >= 5 && strcmp(name + n - 5, ".html") == 0;
}

char *serve_changed_entries(const char *names, size_t len, size_t *entries_len, size_t *files, size_t *pages)
{
	struct arena a = ARENA_INIT;
	struct strmap count = { 0 };	/* folder → files changed in it */
	*files = *pages = 0;
	for (size_t at = 0; at < len; at += strlen(names + at) + 1) {
		const char *name = names + at;
		char *folder = arena_strndup(&a, name, folder_len(name));
		strmap_put(&a, &count, folder, (void *)((uintptr_t)strmap_get(&count, folder) + 1));
		++*files;
		*pages += is_page(name);
	}
	struct buf out = BUF_INIT;
	size_t entries = 0;
	for (size_t at = 0; at < len && entries <= SERVE_CHANGED_SHOWN; at += strlen(names + at) + 1) {
		const char *name = names + at;
		size_t n = folder_len(name);
		char *folder = arena_strndup(&a, name, n);
		uintptr_t k = (uintptr_t)strmap_get(&count, folder);
		if (n && k > SERVE_FOLDED) {	/* the folder once, the first time */
			if (k == UINTPTR_MAX)
				continue;
			buf_add(&out, folder, n + 1);
			strmap_put(&a, &count, folder, (void *)UINTPTR_MAX);
		} else {
			buf_add(&out, name, strlen(name) + 1);
		}
		entries++;
	}
	arena_free(&a);
	/* (a name a page's URL cannot be compared with: none told) */
	if (entries > SERVE_CHANGED_SHOWN || !text_utf8_valid(out.data, out.len, NULL)) {
		buf_free(&out);
		return NULL;
	}
	*entries_len = out.len;
	buf_addch(&out, '\0');	/* (an empty list is a string too) */
	return buf_detach(&out, NULL);
}
