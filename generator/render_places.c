/* Place pages: the tree index, and one page per province, city, district and community. */
#include <string.h>

#include "render_internal.h"

#define SIBLINGS_MAX 24
/* The places index shows communities while the whole tree has at most this
 * many places: past it (thousands of communities) the page would pass 200 KB,
 * and each district's page lists its communities anyway. */
#define TREE_PAGE_MAX 600

static const char *const level_labels[] = { "省", "市", "区县", "社区" };
static const char *const children_labels[] = { "市", "区县", "社区", "" };

/* A place's children one level down (a city's districts), or the
 * communities filed straight under it when it is a city (`direct`): those
 * are not districts and are never listed as if they were. */
static void children_of(struct arena *a, const struct place *p, int direct, struct ptrvec *out)
{
	enum place_level want = direct ? PLACE_COMMUNITY : p->level + 1;
	if (direct && p->level != PLACE_CITY)
		return;
	for (size_t i = 0; i < p->children.len; i++) {
		const struct place *c = p->children.items[i];
		if (c->level == want)
			ptrvec_push(a, out, (void *)c);
	}
}

/* A node of the place tree, with its lists always present (a recursive
 * partial must not fall back to the parent's list): `children` one level
 * down, `communities` filed straight under a city. */
static struct val *tree_node(struct render *r, const struct place *p, enum place_level deepest)
{
	struct arena *a = &r->scratch;
	struct val *v = val_map(a);
	val_set_str(a, v, "name", p->name);
	val_set_str(a, v, "url", p->url);
	val_set(a, v, "count", render_count(r, p->articles.len));
	val_set_str(a, v, "level_label", level_labels[p->level]);
	size_t listed = 0, lists = 0;
	for (int direct = 0; direct < 2; direct++) {
		struct ptrvec kids = { 0 };
		if (p->level < deepest && (!direct || deepest == PLACE_COMMUNITY))
			children_of(a, p, direct, &kids);
		struct val *list = val_list(a);
		for (size_t i = 0; i < kids.len; i++) {
			val_push(a, list, tree_node(r, kids.items[i], deepest));
			listed += ((const struct place *)kids.items[i])->articles.len;
		}
		lists += kids.len > 0;
		render_set_list(r, v, direct ? "communities" : "children", list);
	}
	/* reports under none of the places listed below it (filed at the place
	 * itself, or, where the tree stops at districts, in a community filed
	 * straight under a city): said, so that the counts add up */
	if (lists && p->articles.len > listed)
		val_set(a, v, "unlisted", render_count(r, p->articles.len - listed));
	else
		val_set_bool(a, v, "unlisted", 0);	/* present: never the enclosing node's */
	val_set_str(a, v, "children_label", children_labels[p->level]);
	return v;
}

/* The place tree down to `deepest` (the home page stops at districts: an
 * archive has thousands of communities). */
struct val *render_tree(struct render *r, enum place_level deepest)
{
	struct val *tree = val_list(&r->scratch);
	for (size_t i = 0; i < r->site->provinces.len; i++)
		val_push(&r->scratch, tree, tree_node(r, r->site->provinces.items[i], deepest));
	return tree;
}

static struct val *place_list(struct render *r, const struct ptrvec *places, const struct place *current)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	for (size_t i = 0; i < places->len; i++) {
		const struct place *p = places->items[i];
		struct val *v = val_map(a);
		val_set_str(a, v, "name", p->name);
		val_set_str(a, v, "url", p->url);
		val_set(a, v, "count", render_count(r, p->articles.len));
		val_set_bool(a, v, "current", p == current);
		val_push(a, list, v);
	}
	return list;
}

static const char *place_month_url(const void *owner, int y, int m)
{
	const struct place *p = owner;
	const struct span *s = render_find_span(p->months, p->nmonths, y, m);
	return s ? s->url : NULL;
}

const char *render_place_title(struct render *r, const struct place *p)
{
	if (p->level < PLACE_DISTRICT || !p->parent)
		return p->name;
	return arena_sprintf(&r->scratch, "%s（%s）", p->name, p->parent->name);
}

void render_place_page(struct render *r, size_t i)
{
	const struct place *p = r->site->places.items[i];
	struct arena *a = &r->scratch;
	struct val *ctx = render_common(r, p->url, render_place_title(r, p), "places");
	render_place_crumbs(r, ctx, p);
	render_crumb(r, ctx, p->name, NULL);

	struct val *place = val_map(a);
	val_set_str(a, place, "name", p->name);
	val_set_str(a, place, "level_label", level_labels[p->level]);
	val_set(a, place, "count", render_count(r, p->articles.len));
	val_set(a, ctx, "place", place);
	if (p->parent)
		val_set(a, ctx, "up", render_link(r, p->parent->name, p->parent->url));
	else
		val_set(a, ctx, "up", render_link(r, "全部地区", "places/index.html"));
	val_set_str(a, ctx, "children_label", children_labels[p->level]);
	struct ptrvec kids = { 0 }, direct = { 0 }, same_level = { 0 };
	children_of(a, p, 0, &kids);
	children_of(a, p, 1, &direct);
	render_set_list(r, ctx, "children", place_list(r, &kids, NULL));
	/* reports filed at this place itself, under none of its children: said,
	 * so that the children's counts adding up to less is no puzzle */
	size_t below = 0;
	for (size_t k = 0; k < p->children.len; k++)
		below += ((const struct place *)p->children.items[k])->articles.len;
	if (p->children.len && p->articles.len > below)
		val_set(a, ctx, "filed_here", render_count(r, p->articles.len - below));
	render_set_list(r, ctx, "communities", place_list(r, &direct, NULL));
	/* Siblings are places of its own level: a community filed under a city
	 * has the city's other communities, not its districts. Every sibling on
	 * every page would make a district of 500 communities cost 500 × 500
	 * links: past SIBLINGS_MAX, only the neighbours. */
	const struct ptrvec *all = p->parent ? &p->parent->children : &r->site->provinces;
	for (size_t k = 0; k < all->len; k++)
		if (((const struct place *)all->items[k])->level == p->level)
			ptrvec_push(a, &same_level, all->items[k]);
	const struct ptrvec *sibs = &same_level;
	if (sibs->len <= 1) {
		render_set_list(r, ctx, "siblings", val_list(a));	/* only itself */
	} else if (sibs->len <= SIBLINGS_MAX) {
		render_set_list(r, ctx, "siblings", place_list(r, sibs, p));
	} else {
		render_set_list(r, ctx, "siblings", val_list(a));
		size_t k = 0;
		while (k < sibs->len && sibs->items[k] != p)
			k++;
		if (k > 0) {
			const struct place *q = sibs->items[k - 1];
			val_set(a, ctx, "prev_sibling", render_link(r, q->name, q->url));
		}
		if (k + 1 < sibs->len) {
			const struct place *q = sibs->items[k + 1];
			val_set(a, ctx, "next_sibling", render_link(r, q->name, q->url));
		}
		val_set(a, ctx, "sibling_count", render_count(r, sibs->len));
	}
	render_set_latest(r, ctx, &p->articles, place_month_url, p);
	render_set_year_links(r, ctx, p->months, p->nmonths);
	val_set(a, ctx, "heatmap", render_spans_heatmap(r, &p->articles, p->months, p->nmonths,
							 arena_sprintf(a, "%s各月报道数", p->name)));
	render_feed_link(r, ctx, render_place_title(r, p), p->dir);
	render_page(r, "place", p->url, ctx);
}

void render_places_index(struct render *r, size_t i)
{
	(void)i;
	struct val *ctx = render_common(r, "places/index.html", "按地区浏览", "places");
	render_crumb(r, ctx, "地区", NULL);
	int whole = r->site->places.len <= TREE_PAGE_MAX;
	render_set_list(r, ctx, "tree", render_tree(r, whole ? PLACE_COMMUNITY : PLACE_DISTRICT));
	val_set_bool(&r->scratch, ctx, "communities_elsewhere", !whole);
	render_page(r, "places", "places/index.html", ctx);
}
