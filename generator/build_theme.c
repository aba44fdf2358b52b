/* build_theme: the theme's templates and static files (build_theme.h). */
#include "build_theme.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "load.h"
#include "render.h"

static int load_template(void *ctx, const char *name, struct buf *source, const char **path)
{
	struct theme_loader *t = ctx;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;	/* not a theme file name: no such template */
	char *file = arena_sprintf(t->a, "%s/templates/%s.mustache", t->dir, name);
	*path = file;		/* also for "not found": it says where we looked */
	if (load_file(file, source) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;	/* tmpl says "template not found" */
	/* Said here with its reason; an empty template keeps tmpl from saying
	 * "not found" too, and the error fails the build. */
	diag_error(t->d, file, 0, 0, NULL, 0, "cannot read the template: %s", load_strerror(t->a, file, errno));
	return 1;
}

/* The theme's scripts that only the search page loads (theme/CONTEXT.md):
 * left out with search: false, which has no search page. */
static int search_asset(const char *rel)
{
	return strcmp(rel, "search.js") == 0 || strcmp(rel, "search-codec.js") == 0 || strcmp(rel, "search-engine.js") == 0 ||
	       strcmp(rel, "search-snippets.js") == 0;
}

void build_copy_static(struct arena *a, struct diag *d, struct writer *w, const char *dir, const char *rel,
		       int search)
{
	struct ptrvec entries = { 0 };
	if (load_tree(a, d, dir, &entries) < 0) {
		if (errno != ENOENT)	/* else a theme without static files */
			diag_error(d, dir, 0, 0, NULL, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < entries.len; i++) {
		const struct load_entry *e = entries.items[i];
		if ((!e->err && S_ISDIR(e->st.st_mode)) || (!search && search_asset(e->rel)))
			continue;
		if (load_file(e->path, &b) < 0)
			diag_error(d, e->path, 0, 0, NULL, 0, "cannot read: %s", load_strerror(a, e->path, errno));
		else
			writer_put(w, arena_sprintf(a, "%s/%s", rel, e->rel), b.data, b.len);
	}
	buf_free(&b);
}

static int compile_templates(struct tmpl_set *set, struct diag *d)
{
	int ok = 1;
	for (size_t i = 0; render_templates[i]; i++)
		if (!tmpl_set_get(set, render_templates[i], d))
			ok = 0;
	return ok ? 0 : -1;
}

struct tmpl_set *build_templates(struct arena *a, struct diag *d, const char *theme, struct theme_loader *loader)
{
	*loader = (struct theme_loader){ a, d, theme };
	struct tmpl_set *tmpls = tmpl_set_new(a, load_template, loader);
	tmpl_set_strict(tmpls);
	compile_templates(tmpls, d);
	return tmpls;
}

