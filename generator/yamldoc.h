/* yamldoc: a YAML document as a small tree of nodes that know their place.
 *
 * Config and front matter are both read through this: libyaml's event parser
 * builds the tree, and the callers interpret it, quoting each node's line and
 * column in their messages. Nodes live in the caller's arena. Anchors and
 * aliases are not supported (an alias is reported as an error), tags are
 * ignored. Parsing never touches files: it gets the text. */
#ifndef YAMLDOC_H
#define YAMLDOC_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_kind kind;
	size_t line, col;	/* 1-based, in the whole file (see yamldoc_parse) */
	/* scalar */
	const char *str;
	size_t len;
	int plain;		/* an unquoted scalar: `true` means true only when plain */
	/* seq: items; map: keys[i] → items[i] (keys are scalars) */
	struct ynode **items;
	struct ynode **keys;
	size_t count;
};

/* Parses `text` (len bytes) as one YAML document. `first_line` is the file
 * line where text starts (2 for front matter after `---`), so node places
 * and messages are in file coordinates; `src`/`src_len` is the whole file,
 * quoted in messages. An empty document gives an empty map. Returns the root,
 * or NULL after reporting the error through d. */
struct ynode *yamldoc_parse(struct arena *a, struct diag *d, const char *path,
			    const char *src, size_t src_len, const char *text, size_t len,
			    size_t first_line);

/* The value under key in a map, or NULL. */
struct ynode *ynode_get(const struct ynode *map, const char *key);
/* Is n a plain scalar spelling a YAML boolean? Sets *out. */
int ynode_bool(const struct ynode *n, int *out);

#endif
