/* Editors' mistakes that only show across articles: a name one character
 * from another of its kind (a typo that would get a page of its own), and
 * one report filed twice. Warnings at the place of the mistake; under
 * --strict they fail the build like any other. */
#include "index_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

/* One distinct name, with what the rule below weighs. */
struct near_name {
	const char *name, *slug;	/* slug: its pinyin, as index_slug made it */
	size_t chars;			/* code points */
	size_t uses;			/* reports that use it */
	size_t first;			/* the order (see site.h) of its oldest report */
	void *owner;			/* its oldest report: where the warning goes */
	struct near_name *near;		/* the most used name one character away, or NULL */
};

struct near_chain {
	struct near_name *n;
	struct near_chain *next;
};

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Is a the better known of two names: more reports, else older? */
static int better(const struct near_name *a, const struct near_name *b)
{
	if (a->uses != b->uses)
		return a->uses > b->uses;
	if (a->first != b->first)
		return a->first < b->first;
	return strcmp(a->name, b->name) < 0;
}

static void pair(struct near_name *a, struct near_name *b)
{
	if (!a->near || better(b, a->near))
		a->near = b;
	if (!b->near || better(a, b->near))
		b->near = a;
}

/* Names of one character are too short to tell a typo, and text of more
 * than NEAR_MAX_CHARS is no name (a tag of 3,000 characters would cost
 * 3,000 keys of its length). */
#define NEAR_MAX_CHARS 24

static int near_comparable(const struct near_name *n)
{
	return n->chars >= 2 && n->chars <= NEAR_MAX_CHARS;
}

/* Does the name's slug read all of it? index_slug cuts slugs to 48 bytes at
 * a '-' (so a cut one is over 40): two long names that differ past the cut
 * would seem to read the same. */
static int reads_whole(const struct near_name *n)
{
	return strlen(n->slug) < 40;
}

/* Finds, for each of n names of one kind, the most used name one character
 * away: one character replaced by one that reads the same (李燕, 李艳:
 * li-yan), or, with `contain`, one character more (昌宁社 in 昌宁社区).
 * Both names have 2 to NEAR_MAX_CHARS characters. Linear in the names' total
 * length: each name is filed under itself and under each of its
 * one-character deletions (with the position, for replacements), and only
 * names sharing a key are compared. */
static void near_find(struct near_name *names, size_t n, int contain)
{
	/* its tables in an arena of their own: serve's kept site says its
	 * warnings again after each report added (index_add.c), whose arena
	 * would otherwise grow by them each time */
	struct arena scratch = ARENA_INIT;
	struct strmap whole = { 0 }, cut = { 0 };
	for (size_t i = 0; i < n; i++)
		if (near_comparable(&names[i]))
			strmap_put(&scratch, &whole, names[i].name, &names[i]);
	for (size_t i = 0; i < n; i++) {
		struct near_name *s = &names[i];
		if (!near_comparable(s))
			continue;
		const char *p = s->name;
		for (size_t k = 0; *p; k++) {
			const char *q = p + 1;
			while (((unsigned char)*q & 0xC0) == 0x80)
				q++;
			/* s without its k-th character */
			const char *rest = arena_sprintf(&scratch, "%.*s%s", (int)(p - s->name), s->name, q);
			struct near_name *t = contain ? strmap_get(&whole, rest) : NULL;
			if (t)
				pair(s, t);
			const char *key = arena_sprintf(&scratch, "%zu:%s", k, rest);
			struct near_chain *c = strmap_get(&cut, key);
			for (struct near_chain *e = c; e && reads_whole(s); e = e->next)
				if (strcmp(e->n->slug, s->slug) == 0)
					pair(s, e->n);
			struct near_chain *head = arena_alloc(&scratch, sizeof(*head));
			head->n = s;
			head->next = c;
			strmap_put(&scratch, &cut, key, head);
			p = q;
		}
	}
	arena_free(&scratch);
}

/* Should the name get the warning? The rarer of the two, when it is used by
 * at most two reports: two real names one character apart used by several
 * reports each are left alone. Of two equally used, the newer. */
static int near_suspect(const struct near_name *n)
{
	return n->near && n->uses <= 2 && better(n->near, n);
}

static const char *reports(size_t n)
{
	return n == 1 ? "report" : "reports";
}

/* The k with l->items[k] equal to name, or l->len. */
static size_t find_entry(const struct strlist *l, const char *name)
{
	size_t k = 0;
	while (k < l->len && strcmp(l->items[k], name) != 0)
		k++;
	return k;
}

static void warn_entry(struct index_ctx *x, const struct article *art, const struct strlist *l,
		       const char *what, const struct near_name *n)
{
	size_t k = find_entry(l, n->name);
	if (k == l->len)
		return;
	diag_warning(x->d, art->path, l->lines ? l->lines[k] : 0, l->cols ? l->cols[k] : 0, art->src, art->src_len,
		     "%s '%s' is one character from '%s' (used by %zu %s): a typo?", what, n->name, n->near->name,
		     n->near->uses, reports(n->near->uses));
}

static void warn_tags(struct index_ctx *x, struct site *site)
{
	size_t n = site->tags.len;
	struct near_name *names = xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		struct tag *t = site->tags.items[i];
		const struct article *oldest = t->articles.items[t->articles.len - 1];
		names[i] = (struct near_name){ t->name, index_slug(x, t->name, 48), utf8_chars(t->name),
					       t->articles.len, oldest->order, (void *)oldest, NULL };
	}
	near_find(names, n, 1);
	for (size_t i = 0; i < n; i++) {
		if (!near_suspect(&names[i]))
			continue;
		const struct article *art = names[i].owner;
		warn_entry(x, art, &art->tags, "tag", &names[i]);
	}
	free(names);
}

/* Reports that name p, as reporter or correspondent or both: the two lists
 * are newest first, so they merge by order. *oldest is the first. */
static size_t person_uses(const struct person *p, const struct article **oldest)
{
	const struct ptrvec *r = &p->as_reporter, *c = &p->as_correspondent;
	size_t i = 0, j = 0, n = 0;
	*oldest = NULL;
	while (i < r->len || j < c->len) {
		const struct article *a = i < r->len ? r->items[i] : NULL, *b = j < c->len ? c->items[j] : NULL;
		const struct article *next = !b || (a && a->order >= b->order) ? a : b;
		i += next == a;
		j += next == b;
		*oldest = next;
		n++;
	}
	return n;
}

static void warn_people(struct index_ctx *x, struct site *site)
{
	size_t n = site->people.len;
	struct near_name *names = xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		struct person *p = site->people.items[i];
		const struct article *oldest;
		size_t uses = person_uses(p, &oldest);
		names[i] = (struct near_name){ p->name, index_slug(x, p->name, 48), utf8_chars(p->name), uses,
					       oldest->order, (void *)oldest, NULL };
	}
	/* 王静 and 王静怡 are two people as often as not: a name one character
	 * longer is no sign of a typo, a character that reads the same is */
	near_find(names, n, 0);
	for (size_t i = 0; i < n; i++) {
		if (!near_suspect(&names[i]))
			continue;
		const struct article *art = names[i].owner;
		if (find_entry(&art->reporters, names[i].name) < art->reporters.len)
			warn_entry(x, art, &art->reporters, "reporter", &names[i]);
		else
			warn_entry(x, art, &art->correspondents, "correspondent", &names[i]);
	}
	free(names);
}

/* Communities are compared with the others of their district (or city). */
static void warn_communities(struct index_ctx *x, const struct place *parent)
{
	size_t n = 0;
	struct near_name *names = xcalloc(parent->children.len + 1, sizeof(*names));
	for (size_t i = 0; i < parent->children.len; i++) {
		struct place *p = parent->children.items[i];
		if (p->level != PLACE_COMMUNITY)
			continue;
		const struct article *oldest = p->articles.items[p->articles.len - 1];
		names[n++] = (struct near_name){ p->name, index_slug(x, p->name, 48), utf8_chars(p->name),
						 p->articles.len, oldest->order, (void *)oldest, NULL };
	}
	if (n < 2) {
		free(names);
		return;
	}
	near_find(names, n, 1);
	for (size_t i = 0; i < n; i++) {
		if (!near_suspect(&names[i]))
			continue;
		const struct article *art = names[i].owner;
		diag_warning(x->d, art->path, art->community_line, art->community_col, art->src, art->src_len,
			     "community '%s' is one character from '%s' (used by %zu %s): a typo?", names[i].name,
			     names[i].near->name, names[i].near->uses, reports(names[i].near->uses));
	}
	free(names);
}

void index_warn_near_names(struct index_ctx *x, struct site *site)
{
	warn_tags(x, site);
	warn_people(x, site);
	for (size_t i = 0; i < site->places.len; i++) {
		const struct place *p = site->places.items[i];
		if (p->level == PLACE_DISTRICT || p->level == PLACE_CITY)
			warn_communities(x, p);
	}
}

/* By date, then title, then path (as oldest breaks its ties). */
static int cmp_date_title(const void *pa, const void *pb)
{
	const struct article *a = *(const struct article *const *)pa, *b = *(const struct article *const *)pb;
	int c = date_cmp(&a->date, &b->date);
	if (!c)
		c = strcmp(a->title, b->title);
	return c ? c : strcmp(a->path, b->path);
}

/* A name given twice in one of a report's lists (reporters: [李艳, 李艳]):
 * a warning at the second. */
static void warn_repeated(struct index_ctx *x, const struct article *art, const struct strlist *l, const char *field)
{
	for (size_t i = 1; i < l->len; i++)
		if (find_entry(l, l->items[i]) < i)
			diag_warning(x->d, art->path, l->lines ? l->lines[i] : 0, l->cols ? l->cols[i] : 0, art->src,
				     art->src_len, "'%s' is given twice in %s", l->items[i], field);
}

/* Also a name given twice in one report's reporters or correspondents (a
 * tag given twice is left alone: it files the report once all the same). */
void index_warn_duplicates(struct index_ctx *x, const struct ptrvec *oldest)
{
	for (size_t i = 0; i < oldest->len; i++) {
		const struct article *art = oldest->items[i];
		warn_repeated(x, art, &art->reporters, "reporters");
		warn_repeated(x, art, &art->correspondents, "correspondents");
	}
	/* sorted, a report and its copies are neighbours: oldest is in date
	 * order already, so only each day's reports are sorted by title (the
	 * whole list sorted again was 4% of a body edit's build at 50,000) */
	struct arena scratch = ARENA_INIT;	/* (as near_find's) */
	struct ptrvec day = { 0 };
	for (size_t from = 0, to; from < oldest->len; from = to) {
		const struct article *a = oldest->items[from];
		for (to = from + 1; to < oldest->len; to++)
			if (date_cmp(&a->date, &((const struct article *)oldest->items[to])->date) != 0)
				break;
		if (to - from < 2)
			continue;
		day.len = 0;
		for (size_t i = from; i < to; i++)
			ptrvec_push(&scratch, &day, oldest->items[i]);
		ptrvec_sort(&day, cmp_date_title);
		const struct article *first = NULL;
		for (size_t i = 0; i < day.len; i++) {
			const struct article *art = day.items[i];
			if (!first || strcmp(first->title, art->title) != 0) {
				first = art;
				continue;
			}
			diag_warning(x->d, art->path, art->title_line, art->title_col, art->src, art->src_len,
				     "same title and date as %s: the same report twice?", first->path);
		}
	}
	arena_free(&scratch);
}

void index_warn_empty(struct index_ctx *x, const struct ptrvec *oldest)
{
	for (size_t i = 0; i < oldest->len; i++) {
		const struct article *art = oldest->items[i];
		if (art->kind != ARTICLE_REPORT || strspn(art->body, " \t\r\n") < art->body_len)
			continue;
		/* at the front matter's closing fence: the text goes below it */
		size_t line, col, fence = (size_t)(art->body - art->src);
		diag_locate(art->src, fence ? fence - 1 : 0, &line, &col);
		diag_warning(x->d, art->path, line, 1, art->src, art->src_len,
			     "the report has no text: write it below the front matter");
	}
}

/* The line and column of the front matter's `source:` key, for a message
 * about it (the field's position is not kept: it is asked only here). */
static void source_position(const struct article *art, size_t *line, size_t *col)
{
	*line = 0;
	*col = 0;
	const char *end = art->body > art->src ? art->body : art->src + art->src_len;
	for (const char *p = art->src; p && p < end; p = memchr(p, '\n', (size_t)(end - p)), p = p ? p + 1 : NULL)
		if ((size_t)(end - p) > 7 && memcmp(p, "source:", 7) == 0) {
			diag_locate(art->src, (size_t)(p - art->src), line, col);
			return;
		}
}

void index_warn_unpaged(struct index_ctx *x, const struct ptrvec *notes, const struct ptrvec *oldest)
{
	struct arena scratch = ARENA_INIT;	/* (as near_find's) */
	struct strmap paged = { 0 };	/* source → the page title its reports or page file give */
	for (size_t i = 0; i < notes->len; i++) {
		const struct article *note = notes->items[i];
		if (note->source && !strmap_get(&paged, note->source))
			strmap_put(&scratch, &paged, note->source, (void *)note->title);
	}
	for (size_t i = 0; i < oldest->len; i++) {
		const struct article *art = oldest->items[i];
		if (art->page && art->source && !strmap_get(&paged, art->source))
			strmap_put(&scratch, &paged, art->source, (void *)art->page);
	}
	for (size_t i = 0; i < oldest->len; i++) {
		const struct article *art = oldest->items[i];
		const char *title = art->page || !art->source ? NULL : strmap_get(&paged, art->source);
		if (!title)
			continue;
		size_t line, col;
		source_position(art, &line, &col);
		diag_warning(x->d, art->path, line, col, art->src, art->src_len,
			     "this report gives no 'page', but other files of its source give the page '%s': add "
			     "\"page: %s\"? (without it the report is not listed on that page)", title, title);
	}
	arena_free(&scratch);
}
