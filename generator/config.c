#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* The largest listing_limit that keeps every page under 200 KB (README). */
#define LISTING_LIMIT_BOUNDED 200

static const char *const config_keys[] = {
	"title", "description", "base_url", "language", "output_dir", "unsafe_html", "home_latest", "listing_limit",
	"regions", "slugs", "sitemap_limit", "search", NULL
};

void config_warn_unknown_key(struct diag *d, const char *path, const char *src, size_t src_len,
			     const struct ynode *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_dist = (size_t)-1;
	/* no known key is half this long: a suggestion would be noise, and the
	 * edit distance to a key of a megabyte costs time */
	for (size_t i = 0; known[i] && key->len <= 64; i++) {
		size_t dist = text_distance(key->str, known[i]);
		if (dist < best_dist) {
			best_dist = dist;
			best = known[i];
		}
	}
	/* A suggestion further away than half the key's length is noise. */
	if (best && best_dist <= (strlen(key->str) + 1) / 2 + 1)
		diag_warning(d, path, key->line, key->col, src, src_len,
			     "unknown key '%s' (did you mean '%s'?)", key->str, best);
	else
		diag_warning(d, path, key->line, key->col, src, src_len, "unknown key '%s'", key->str);
}

struct reader {
	struct arena *a;
	struct diag *d;
	const char *path, *src;
	size_t len;
	int failed;
};

static void fail_at(struct reader *r, const struct ynode *n, const char *msg, const char *what)
{
	diag_error(r->d, r->path, n->line, n->col, r->src, r->len, msg, what);
	r->failed = 1;
}

static const char *scalar(struct reader *r, const struct ynode *n, const char *key)
{
	if (n->kind != YNODE_SCALAR) {
		fail_at(r, n, "'%s' must be a single value", key);
		return NULL;
	}
	return n->str;
}

static void read_city(struct reader *r, const struct ynode *name, const struct ynode *list,
		      struct config_city *city)
{
	city->name = name->str;
	city->line = name->line;
	city->col = name->col;
	if (list->kind == YNODE_SCALAR && list->len == 0)
		return;		/* a city without districts: `太原市:` */
	if (list->kind != YNODE_SEQ) {
		fail_at(r, list, "the districts of %s must be a list: [离石区, 石楼县]", name->str);
		return;
	}
	city->districts = arena_alloc(r->a, (list->count + 1) * sizeof(*city->districts));
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i]->kind != YNODE_SCALAR) {
			fail_at(r, list->items[i], "a district of %s must be a name", name->str);
			continue;
		}
		city->districts[city->ndistricts++] = list->items[i]->str;
	}
}

static void read_regions(struct reader *r, const struct ynode *n, struct config *cfg)
{
	if (n->kind != YNODE_MAP) {
		fail_at(r, n, "'%s' must map provinces to cities to lists of districts", "regions");
		return;
	}
	cfg->provinces = arena_alloc(r->a, (n->count + 1) * sizeof(*cfg->provinces));
	for (size_t i = 0; i < n->count; i++) {
		struct config_province *p = &cfg->provinces[cfg->nprovinces++];
		const struct ynode *cities = n->items[i];
		p->name = n->keys[i]->str;
		if (cities->kind != YNODE_MAP) {
			fail_at(r, cities, "province %s must map cities to lists of districts", p->name);
			continue;
		}
		p->cities = arena_alloc(r->a, (cities->count + 1) * sizeof(*p->cities));
		for (size_t j = 0; j < cities->count; j++)
			read_city(r, cities->keys[j], cities->items[j], &p->cities[p->ncities++]);
	}
}

static int slug_is_clean(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return s[-1] != '-';
}

static void read_slugs(struct reader *r, const struct ynode *n, struct config *cfg)
{
	if (n->kind != YNODE_MAP) {
		fail_at(r, n, "'%s' must map names to slugs", "slugs");
		return;
	}
	cfg->slugs = arena_alloc(r->a, (n->count + 1) * sizeof(*cfg->slugs));
	for (size_t i = 0; i < n->count; i++) {
		const char *slug = scalar(r, n->items[i], n->keys[i]->str);
		if (!slug)
			continue;
		if (!slug_is_clean(slug)) {
			fail_at(r, n->items[i], "slug '%s' may only use a-z, 0-9 and inner '-'", slug);
			continue;
		}
		cfg->slugs[cfg->nslugs].name = n->keys[i]->str;
		cfg->slugs[cfg->nslugs].slug = slug;
		cfg->nslugs++;
	}
}

/* A whole number from 1 to max, into *slot. */
static void read_count(struct reader *r, const struct ynode *v, const char *k, long max, size_t *slot)
{
	const char *s = scalar(r, v, k);
	char *end;
	long n = s ? strtol(s, &end, 10) : 0;
	if (s && (*end || n < 1 || n > max)) {
		diag_error(r->d, r->path, v->line, v->col, r->src, r->len, "'%s' must be a number from 1 to %ld",
			   k, max);
		r->failed = 1;
	} else if (s) {
		*slot = (size_t)n;
	}
}

static void read_key(struct reader *r, const struct ynode *key, const struct ynode *v, struct config *cfg)
{
	const char *k = key->str;
	if (strcmp(k, "regions") == 0) {
		read_regions(r, v, cfg);
	} else if (strcmp(k, "slugs") == 0) {
		read_slugs(r, v, cfg);
	} else if (strcmp(k, "unsafe_html") == 0 || strcmp(k, "search") == 0) {
		if (!ynode_bool(v, k[0] == 's' ? &cfg->search : &cfg->unsafe_html))
			fail_at(r, v, "'%s' must be true or false", k);
	} else if (strcmp(k, "home_latest") == 0) {
		read_count(r, v, k, 1000, &cfg->home_latest);
		/* measured (README): 200 make a home page of 146 KB at 10,000 reports, 300 of 207 KB */
		if (cfg->home_latest > LISTING_LIMIT_BOUNDED)
			diag_warning(r->d, r->path, v->line, v->col, r->src, r->len,
				     "'home_latest' above %d can make the home page larger than 200 KB",
				     LISTING_LIMIT_BOUNDED);
	} else if (strcmp(k, "sitemap_limit") == 0) {
		read_count(r, v, k, 50000, &cfg->sitemap_limit);
	} else if (strcmp(k, "listing_limit") == 0) {
		read_count(r, v, k, 1000, &cfg->listing_limit);
		/* measured (README, Configuration): past this a year page can pass 200 KB */
		if (cfg->listing_limit > LISTING_LIMIT_BOUNDED)
			diag_warning(r->d, r->path, v->line, v->col, r->src, r->len,
				     "'listing_limit' above %d can make listing pages larger than 200 KB",
				     LISTING_LIMIT_BOUNDED);
	} else {
		const char **slot = strcmp(k, "title") == 0 ? &cfg->title
				: strcmp(k, "description") == 0 ? &cfg->description
				: strcmp(k, "base_url") == 0 ? &cfg->base_url
				: strcmp(k, "language") == 0 ? &cfg->language
				: strcmp(k, "output_dir") == 0 ? &cfg->output_dir : NULL;
		if (!slot) {
			config_warn_unknown_key(r->d, r->path, r->src, r->len, key, config_keys);
			return;
		}
		const char *s = scalar(r, v, k);
		if (s)
			*slot = s;
	}
}

static int parse(struct reader *r, struct config *cfg)
{
	size_t bad;
	if (!text_utf8_valid(r->src, r->len, &bad)) {
		diag_invalid_utf8(r->d, r->path, r->src, r->len, bad);
		return -1;
	}
	/* a NUL used to cut the config short without a word (regions lost) */
	if (diag_control_chars(r->d, r->path, r->src, r->len) < 0)
		return -1;
	struct ynode *root = yamldoc_parse(r->a, r->d, r->path, r->src, r->len, r->src, r->len, 1);
	if (!root)
		return -1;
	if (root->kind != YNODE_MAP) {
		diag_error(r->d, r->path, root->line, root->col, r->src, r->len,
			   "config must be a mapping of keys to values");
		return -1;
	}
	/* yamldoc_parse refused duplicate keys, at every level */
	for (size_t i = 0; i < root->count; i++)
		read_key(r, root->keys[i], root->items[i], cfg);
	if (!*cfg->output_dir) {
		diag_error(r->d, r->path, 0, 0, NULL, 0, "'output_dir' is empty: name the directory to build into");
		r->failed = 1;
	}
	if (!*cfg->title)
		diag_warning(r->d, r->path, 0, 0, NULL, 0, "no 'title': the site has no name");
	if (cfg->nprovinces == 0)
		diag_warning(r->d, r->path, 0, 0, NULL, 0,
			     "no 'regions': every article must then fail to find its district");
	return r->failed ? -1 : 0;
}

int config_parse(struct arena *a, struct diag *d, const char *path, const char *src, size_t len,
		 struct config *cfg)
{
	struct reader r = { a, d, path, src, len, 0 };
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->title = "";
	cfg->description = "";
	cfg->base_url = "/";
	cfg->language = "zh-CN";
	cfg->output_dir = "public";
	cfg->home_latest = 10;
	cfg->sitemap_limit = 50000;
	cfg->listing_limit = 20;
	cfg->search = 1;
	diag_cap_begin(d, DIAG_MAX_PER_FILE);
	int ret = parse(&r, cfg);
	diag_cap_end(d, path);
	return ret;
}

const char *config_slug_override(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nslugs; i++)
		if (strcmp(cfg->slugs[i].name, name) == 0)
			return cfg->slugs[i].slug;
	return NULL;
}
