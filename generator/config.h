/* config: reading config.yml into struct config (see site.h).
 *
 * Parsing only: the caller hands over the file's text. Every problem is
 * reported through diag with its place; unknown keys are warnings that name
 * the closest known key. */
#ifndef CONFIG_H
#define CONFIG_H

#include "diag.h"
#include "site.h"
#include "yamldoc.h"

/* Fills cfg (all strings in the arena). Returns 0, or -1 when an error was
 * reported (cfg then holds whatever was valid). */
int config_parse(struct arena *a, struct diag *d, const char *path, const char *src, size_t len,
		 struct config *cfg);

/* Looks a name up in cfg->slugs; NULL when it has no override. */
const char *config_slug_override(const struct config *cfg, const char *name);

/* Warns about a key that is not in `known` (NULL-terminated), naming the
 * closest known key. Shared by config and front matter. */
void config_warn_unknown_key(struct diag *d, const char *path, const char *src, size_t src_len,
			     const struct ynode *key, const char *const *known);

#endif
