/* build: one run of the pipeline, load → parse → index → render → write.
 *
 * Decides, from the collected diagnostics, whether the run may write: no file
 * is written unless every input parsed and indexed without error (and, under
 * --strict, without warning). A check (`check` set) runs every stage the same
 * way, so that it reports exactly what a build would, and then writes
 * nothing at all: no output directory, no state, no memo (memo.h); instead it
 * checks that every relative link of every page names a file of the site. */
#ifndef BUILD_H
#define BUILD_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"

struct kept_site;
struct load_watch;
struct parse_cache;
struct write_watch;

/* What serve's build process keeps from one build for the next. */
struct build_kept {
	struct write_watch *watch;	/* its watch on the output (write.h) */
	struct load_watch *content;	/* its watch on the content (load_watch.h) */
	struct parse_cache *cache;	/* the parse cache the last build used, still mapped (parse_cache.h) */
	struct kept_site *site;		/* the last build's index, when it ended well (build_reuse.h) */
	struct render_keep_places *places;	/* where the pages kept were among the files (render.h) */
	int command_line;		/* `sitegen build --keep`'s (keep.h), not serve's */
};

struct build_options {
	const char *config, *content, *out, *theme;	/* out: NULL for the config's output_dir */
	int strict, drafts, quiet, jobs, force;
	int check;
	struct build_kept *kept;	/* the kept build process's (serve's, --keep's), or NULL */
};

/* What a run did, for the summary line main prints. */
struct build_result {
	const char *out;		/* the output directory used (in the arena) */
	size_t articles;		/* articles published */
	size_t written, unchanged, removed;	/* files; for a check, `written` counts the pages made */
	size_t links;			/* a check: distinct link targets checked */
	int nothing_changed;		/* a build that found its output current and did nothing */
	/* an incremental build whose search index could not be patched, and
	 * was made whole: why (a literal), else NULL */
	const char *search_made_whole;
};

/* Runs a build or a check. Returns 0; -1 when the output was not touched
 * (a check returns 0 or -1); -2 when a commit failed part way and -3 when the
 * output is new but its state was not saved (see writer_commit). Whether it
 * failed is diag_failed(d) as well as the return value. */
/* Reads and parses the config at path (the source and its length, which
 * the fingerprint of the inputs needs, go to *src and *len when src is not
 * NULL). Returns 0, or -1 after a diag error. */
struct config;
int build_read_config(struct arena *a, struct diag *d, const char *path, struct config *cfg,
		      const char **src, size_t *len);

int build_run(const struct build_options *o, struct arena *a, struct diag *d, struct build_result *res);

#endif
