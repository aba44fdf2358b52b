/* build_theme: what a build takes from the theme: its templates, compiled
 * (every template render names: render_templates), and its static files,
 * copied into the output. Owned by build.c. */
#ifndef BUILD_THEME_H
#define BUILD_THEME_H

#include "arena.h"
#include "diag.h"
#include "tmpl.h"
#include "write.h"

/* Where templates are read from; lives as long as the set. */
struct theme_loader {
	struct arena *a;
	struct diag *d;
	const char *dir;
};

/* The theme's templates (theme/templates/NAME.mustache), each compiled;
 * what is wrong with one is said through d. */
struct tmpl_set *build_templates(struct arena *a, struct diag *d, const char *theme, struct theme_loader *loader);
/* The theme's static files, as load_tree lists them, into the output's rel
 * (without the search's scripts when search is 0). */
void build_copy_static(struct arena *a, struct diag *d, struct writer *w, const char *dir, const char *rel,
		       int search);

#endif
