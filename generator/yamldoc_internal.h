/* yamldoc_internal: what yamldoc.c shares with yamldoc_cause.c; nothing
 * outside them includes this (it brings in libyaml). */
#ifndef YAMLDOC_INTERNAL_H
#define YAMLDOC_INTERNAL_H

#include <stddef.h>
#include <yaml.h>

#include "diag.h"

/* After libyaml's parser failed on text (len bytes; the file's line
 * first_line and on), looks before the error for the mistake an editor
 * most likely made, a key without a space after its colon or a bracket left
 * open, and reports that, with its mend, through d. Returns 1 if so, 0
 * when none was found (the caller reports libyaml's own message). */
int yamldoc_report_cause(struct diag *d, const char *path, const char *src, size_t src_len,
			 const char *text, size_t len, const yaml_parser_t *parser, size_t first_line);

/* A document that is one plain string starting at `line` (0-based, in
 * text), column col, is `title:石楼…` and maybe more lines (every key
 * without its space): reports the first line as yamldoc_report_cause does
 * and returns 1 when mending it lets libyaml read past that line. */
int yamldoc_report_bare_root(struct diag *d, const char *path, const char *src, size_t src_len,
			     const char *text, size_t len, size_t line, size_t col, size_t first_line);

#endif
