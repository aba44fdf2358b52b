/* new: a new article's file, `sitegen new [--district D | --city C]
 * [--date DATE] [--slug SLUG] TITLE`.
 *
 * Writes content/<year>/<date>-<slug>.md, the slug being the title's pinyin
 * as the index makes slugs (text_slugify, cut short), with the front matter
 * filled in (title, date, district or city) and every optional key there as
 * a YAML comment; the body is left empty. The district or city is checked
 * against the config as a build checks it (the same message, with the
 * nearest names), and the text is parsed back as a build parses it before
 * anything is written, so the file builds under --strict once its text is
 * written (an empty report is a warning: index_warn_empty). An article of
 * the same title and date anywhere in content (which the build would warn
 * of as the same report twice) is refused, naming it, and so is a year
 * folder that leads out of content (a link: the build would skip it). An
 * existing file (or page bundle folder) of that name is never overwritten:
 * it moves the new one to <slug>-2, -3 …; with --slug it is refused. */
#ifndef NEW_H
#define NEW_H

#include "arena.h"
#include "diag.h"

struct new_options {
	const char *config, *content;
	const char *district, *city;	/* one of them */
	const char *date;		/* YYYY-MM-DD or YYYY-MM; NULL: today */
	const char *slug;		/* the file name's words; NULL: the title's pinyin */
	const char *title;
};

/* Writes the file and prints its path on stdout. Returns 0, or -1 after
 * saying what is wrong (through d, or on stderr for the command line). */
int new_article(const struct new_options *o, struct arena *a, struct diag *d);

#endif
