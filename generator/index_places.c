#include "index_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "strmap.h"
#include "text.h"
#include "xalloc.h"

static struct place *place_new(struct index_ctx *x, struct site *site, const char *name,
			       enum place_level level, struct place *parent)
{
	struct place *p = arena_alloc(x->a, sizeof(*p));
	p->name = name;
	p->level = level;
	p->parent = parent;
	/* Sibling slugs must differ; the parent's directory plus a marker key
	 * makes the namespace per parent. */
	const char *base = index_slug(x, name, 48);
	/* a place's directory also holds its month pages (2022/10/) and their
	 * pages (page/2/): a child's slug must be neither */
	if (strspn(base, "0123456789") == strlen(base) || strcmp(base, "page") == 0)
		base = arena_sprintf(x->a, "%s-di", base);
	const char *scope = parent ? parent->dir : "places/";
	const char *slug = base;
	for (int n = 2;; n++) {
		const char *key = arena_sprintf(x->a, "%s%s", scope, slug);
		if (!strmap_get(&x->t->place_slugs, key)) {
			strmap_put(x->a, &x->t->place_slugs, key, p);
			break;
		}
		slug = arena_sprintf(x->a, "%s-%d", base, n);
	}
	p->slug = slug;
	p->dir = arena_sprintf(x->a, "%s%s/", scope, slug);
	p->url = arena_sprintf(x->a, "%sindex.html", p->dir);
	p->sort_key = text_sort_key(x->collator, x->a, name);
	if (parent)
		ptrvec_push(x->a, &parent->children, p);
	else
		ptrvec_push(x->a, &site->provinces, p);
	return p;
}

int index_places_init(struct index_ctx *x, struct site *site)
{
	const struct config *cfg = x->cfg;
	int failed = 0;
	for (size_t i = 0; i < cfg->nprovinces; i++) {
		const struct config_province *cp = &cfg->provinces[i];
		struct place *prov = place_new(x, site, cp->name, PLACE_PROVINCE, NULL);
		for (size_t j = 0; j < cp->ncities; j++) {
			const struct config_city *cc = &cp->cities[j];
			if (strmap_get(&x->t->cities, cc->name)) {
				diag_error(x->d, cfg->path, cc->line, cc->col, NULL, 0,
					   "city %s is listed twice in regions", cc->name);
				failed = 1;
				continue;
			}
			struct place *city = place_new(x, site, cc->name, PLACE_CITY, prov);
			strmap_put(x->a, &x->t->cities, cc->name, city);
			for (size_t k = 0; k < cc->ndistricts; k++) {
				struct place *other = strmap_get(&x->t->districts, cc->districts[k]);
				if (other) {
					diag_error(x->d, cfg->path, cc->line, cc->col, NULL, 0,
						   "district %s is listed under both %s and %s", cc->districts[k],
						   other->parent->name, cc->name);
					failed = 1;
					continue;
				}
				struct place *dist = place_new(x, site, cc->districts[k], PLACE_DISTRICT, city);
				strmap_put(x->a, &x->t->districts, cc->districts[k], dist);
			}
		}
	}
	return failed ? -1 : 0;
}

/* "nearest: A, B, C": the three known names closest to `name`. */
static const char *nearest_names(struct index_ctx *x, const struct strmap *known, const char *name)
{
	const char *best[3] = { 0 };
	size_t dist[3] = { (size_t)-1, (size_t)-1, (size_t)-1 };
	for (size_t i = 0; i < known->cap; i++) {
		const char *k = known->keys[i];
		if (!k)
			continue;
		size_t dk = text_distance(name, k);
		for (int j = 0; j < 3; j++) {
			/* ties go to the name that sorts first, so the message is stable */
			if (dk < dist[j] || (dk == dist[j] && best[j] && strcmp(k, best[j]) < 0)) {
				for (int m = 2; m > j; m--) {
					best[m] = best[m - 1];
					dist[m] = dist[m - 1];
				}
				best[j] = k;
				dist[j] = dk;
				break;
			}
		}
	}
	struct buf b = BUF_INIT;
	for (int j = 0; j < 3 && best[j]; j++)
		buf_addf(&b, "%s%s", j ? ", " : " (nearest: ", best[j]);
	if (b.len)
		buf_addch(&b, ')');
	const char *s = arena_strndup(x->a, b.data, b.len);
	buf_free(&b);
	return s;
}

/* The community `name` below parent, by its key (parent's folder and the
 * name), made the first time. The key is put together on the stack for the
 * look-up and copied only for a community met first: an article's key
 * printed into the arena was 50,000 allocations a build at 50,000 reports. */
static struct place *community_of(struct index_ctx *x, struct site *site, struct place *parent, const char *name)
{
	char small[256];
	size_t dn = strlen(parent->dir), nn = strlen(name);
	char *key = dn + nn < sizeof(small) ? small : arena_alloc(x->a, dn + nn + 1);
	memcpy(key, parent->dir, dn);
	memcpy(key + dn, name, nn + 1);
	struct place *p = strmap_get(&x->t->communities, key);
	if (!p) {
		p = place_new(x, site, name, PLACE_COMMUNITY, parent);
		strmap_put(x->a, &x->t->communities, key == small ? arena_strdup(x->a, key) : key, p);
	}
	return p;
}

/* How to name the place `name` as a `key` instead: in the front matter, or
 * on sitegen new's command line (and make new's). */
static const char *place_fix(struct index_ctx *x, const char *key, const char *make_var, const char *name)
{
	if (x->cmdline)
		return arena_sprintf(x->a, "--%s %s (make new: %s=%s)", key, name, make_var, name);
	return arena_sprintf(x->a, "'%s: %s'", key, name);
}

/* The district (or city) an article names, or NULL after saying what is
 * wrong with it; *none is set when it names neither (a page note). Creates
 * nothing, so it may also check files that failed to parse. */
static struct place *local_of(struct index_ctx *x, const struct article *art, int *none)
{
	struct place *local = NULL;
	*none = 0;
	if (art->district) {
		local = strmap_get(&x->t->districts, art->district);
		struct place *city = local ? NULL : strmap_get(&x->t->cities, art->district);
		if (city) {
			diag_error(x->d, art->path, art->district_line, art->district_col, art->src, art->src_len,
				   "district '%s' is a city: use %s", art->district,
				   place_fix(x, "city", "CITY", art->district));
			return NULL;
		}
		if (!local) {
			diag_error(x->d, art->path, art->district_line, art->district_col, art->src, art->src_len,
				   "unknown district '%s': not in %s's regions%s",
				   art->district, x->cfg->path, nearest_names(x, &x->t->districts, art->district));
			return NULL;
		}
		if (art->city && strcmp(art->city, local->parent->name) != 0) {
			diag_error(x->d, art->path, art->city_line, art->city_col, art->src, art->src_len,
				   "city '%s' does not match district %s, which %s puts in %s",
				   art->city, art->district, x->cfg->path, local->parent->name);
			return NULL;
		}
	} else if (art->city) {
		local = strmap_get(&x->t->cities, art->city);
		struct place *dist = local ? NULL : strmap_get(&x->t->districts, art->city);
		if (dist) {
			diag_error(x->d, art->path, art->city_line, art->city_col, art->src, art->src_len,
				   "city '%s' is a district of %s: use %s", art->city, dist->parent->name,
				   place_fix(x, "district", "DISTRICT", art->city));
			return NULL;
		}
		if (!local) {
			diag_error(x->d, art->path, art->city_line, art->city_col, art->src, art->src_len,
				   "unknown city '%s': not in %s's regions%s",
				   art->city, x->cfg->path, nearest_names(x, &x->t->cities, art->city));
			return NULL;
		}
	} else {
		*none = 1;
	}
	return local;
}

void index_check_rejected(struct index_ctx *x, struct article **arts, size_t n, int drafts)
{
	int none;
	for (size_t i = 0; i < n; i++)
		if (!arts[i]->draft || drafts)
			local_of(x, arts[i], &none);
}

int index_place_article(struct index_ctx *x, struct site *site, struct article *art)
{
	int none;
	struct place *local = local_of(x, art, &none);
	if (!local)
		return none ? 0 : -1;	/* none: a page note without a place */
	art->local = local;
	if (art->community && local->level == PLACE_CITY) {
		struct place *d = strmap_get(&x->t->districts, art->community);
		if (d && d->parent == local)
			diag_warning(x->d, art->path, art->community_line, art->community_col, art->src, art->src_len,
				     "community '%s' has the name of a district of %s: did you mean 'district: %s'?",
				     art->community, local->name, art->community);
	}
	art->place = art->community ? community_of(x, site, local, art->community) : local;
	return 0;
}

static int cmp_places(const void *a, const void *b)
{
	const struct place *p = *(const struct place *const *)a, *q = *(const struct place *const *)b;
	int c = strcmp(p->sort_key, q->sort_key);
	return c ? c : strcmp(p->name, q->name);
}

/* Places no article is filed under get no page: drop them from the tree. */
static void prune_empty(struct ptrvec *v)
{
	size_t kept = 0;
	for (size_t i = 0; i < v->len; i++) {
		struct place *p = v->items[i];
		if (p->articles.len)
			v->items[kept++] = p;
	}
	v->len = kept;
}

static void finish_place(struct place *p)
{
	prune_empty(&p->children);
	ptrvec_sort(&p->children, cmp_places);
	for (size_t i = 0; i < p->children.len; i++)
		finish_place(p->children.items[i]);
}

static void collect(struct arena *a, struct site *site, struct place *p)
{
	ptrvec_push(a, &site->places, p);
	for (size_t i = 0; i < p->children.len; i++)
		collect(a, site, p->children.items[i]);
}

void index_places_finish(struct index_ctx *x, struct site *site)
{
	prune_empty(&site->provinces);
	ptrvec_sort(&site->provinces, cmp_places);
	for (size_t i = 0; i < site->provinces.len; i++) {
		finish_place(site->provinces.items[i]);
		collect(x->a, site, site->provinces.items[i]);
	}
}

/* local_of's and index_place_article's way, when they would say nothing
 * and create nothing (index_add_newest). A place no report is filed under
 * is not in the tree (prune_empty): one that would get its first report is
 * left to a whole index. */
struct place *index_place_known(struct index_ctx *x, const struct article *art, struct place **local)
{
	struct place *l = NULL;
	if (art->district) {
		l = strmap_get(&x->t->districts, art->district);
		if (!l || (art->city && strcmp(art->city, l->parent->name) != 0))
			return NULL;
	} else if (art->city) {
		l = strmap_get(&x->t->cities, art->city);
	}
	if (!l)
		return NULL;
	struct place *p = l;
	if (art->community) {
		struct place *d = l->level == PLACE_CITY ? strmap_get(&x->t->districts, art->community) : NULL;
		if (d && d->parent == l)
			return NULL;	/* warned of */
		size_t dn = strlen(l->dir), nn = strlen(art->community);
		char *key = xmalloc(dn + nn + 1);	/* community_of's key */
		memcpy(key, l->dir, dn);
		memcpy(key + dn, art->community, nn + 1);
		p = strmap_get(&x->t->communities, key);
		free(key);
		if (!p)
			return NULL;
	}
	for (struct place *up = p; up; up = up->parent)
		if (!up->articles.len)
			return NULL;
	*local = l;
	return p;
}
