/* The build's driver: see build.h. */
#define _DEFAULT_SOURCE
#include "build.h"
#include "build_reuse.h"
#include "build_said.h"
#include "build_theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "article.h"
#include "article_set.h"
#include "config.h"
#include "index.h"
#include "inputs.h"
#include "load.h"
#include "load_watch.h"
#include "memo.h"
#include "parse_cache.h"
#include "progress.h"
#include "render.h"
#include "search.h"
#include "strmap.h"
#include "text.h"
#include "threads.h"
#include "tmpl.h"
#include "write.h"
#include "xalloc.h"

/* SITEGEN_TIMING=1 prints how long each stage took, to see where time goes. */
static double stage_start;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stage_done(const char *name)
{
	double t = now();
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: %-8s %7.3f s\n", name, t - stage_start);
	stage_start = t;
}

/* The parse stage, with ICU's services opened beside it: the memo of
 * earlier builds' answers (memo.h), the search's folding tables from it,
 * and, when the memo knows no slugs at all (a first build, which may be
 * large), the transliterator, which takes ~0.2 s to load its Han-Latin
 * data; otherwise the index opens it only if a name is new. */
struct parse_job {
	struct article_set *arts;
	struct source *sources;
	size_t nsrc;
	struct diag *d;
	int jobs;
	struct memo *memo;
	struct text_slugger *slugger;
	struct text_folder *folder;	/* NULL with search: false, which needs no folding */
	int search;
	struct parse_cache *cache;
};

static void *open_icu(void *arg, size_t k)
{
	struct parse_job *p = arg;
	size_t n;
	const uint32_t *ts = memo_ts(p->memo, &n);
	if (k == 1) {
		if (p->search)
			p->folder = text_folder_new(ts, n);
	} else if (memo_count(p->memo) == 0) {
		p->slugger = text_slugger_new();
	}
	return NULL;
}

static void *parse_articles(void *arg, size_t k)
{
	struct parse_job *p = arg;
	if (k == 0) {
		article_set_load(p->arts, p->sources, p->nsrc, p->d, p->jobs, p->cache);
	} else {
		p->memo = memo_load();
		threads_run(2, open_icu, p, NULL);
	}
	return NULL;
}

/* The answers ICU gave this build, for the next one. */
static void keep_memo(struct memo *memo, const struct text_folder *folder)
{
	if (folder) {	/* the memo's table, or ICU's when the memo's was none or not sound */
		size_t had, n;
		const uint32_t *old = memo_ts(memo, &had);
		uint32_t *pairs = text_folder_ts_table(folder, &n);
		if (!old || had != n || memcmp(old, pairs, 2 * n * sizeof(*pairs)) != 0)
			memo_set_ts(memo, pairs, n);
		free(pairs);
	}
	memo_save(memo);
}

/* The writer's count of files, for the progress line. */
static size_t files_made(void *w)
{
	return writer_count(w);
}

/* The end of a check: the links between its pages (a report's named by
 * its file), and what it counted. */
static int finish_check(struct arena *a, struct diag *d, struct writer *w, const struct site *site,
			struct build_result *res)
{
	struct strmap sources = { 0 };
	for (size_t i = 0; i < site->articles.len; i++) {
		const struct article *art = site->articles.items[i];
		struct write_source *ws = arena_alloc(a, sizeof(*ws));
		*ws = (struct write_source){ art->path, art->src, art->src_len, (size_t)(art->body - art->src) };
		strmap_put(a, &sources, art->url, ws);
	}
	size_t pages, links;
	writer_check_links(w, &sources, &pages, &links);
	res->written = pages;
	res->links = links;
	return diag_failed(d) ? -1 : 0;
}

/* render → write, from an indexed site (k's, kept by serve's build
 * process, or NULL). */
static int write_site(const struct build_options *o, struct arena *a, struct diag *d, struct tmpl_set *tmpls,
		      struct site *site, const struct text_folder *folder, struct build_result *res, uint64_t fp,
		      const uint64_t *global, struct kept_site *k)
{
	/* a check goes on past a failed index only when there is a site to render */
	if (diag_failed(d) && !(o->check && d->errors == 0))
		return -1;
	struct writer *w = !o->check ? writer_open(res->out, d, o->kept ? o->kept->watch : NULL)
			   : writer_check_output(res->out, d) == 0 ? writer_open_dry(d, site->config->base_url) : NULL;
	if (!w)
		return -1;
	res->articles = site->articles.len;
	/* the line's "rendering: N / TOTAL pages" is render_site's */
	struct render_incremental inc = { .global = global[0], .search_global = global[1], .force = o->force };
	if (k) {	/* the articles' placings, made once for the site */
		if (!k->placings)
			k->placings = xcalloc(site->articles.len + 1, sizeof(*k->placings));
		inc.placings = k->placings;
		inc.placings_known = k->placings_known;
	}
	if (o->kept) {	/* the kept files' places, from build to build whatever the site */
		inc.hints = 1;
		inc.places = o->kept->places;
	}
	render_site(site, tmpls, w, d, a, o->jobs, o->check ? NULL : &inc);
	if (k)
		k->placings_known = inc.placings_known;
	if (o->kept)
		o->kept->places = inc.places;
	if (getenv("SITEGEN_TIMING")) {
		fprintf(stderr, "sitegen: pages made %zu, kept %zu", inc.made, inc.kept);
		if (inc.kept_by_place)
			fprintf(stderr, " (%zu by their files' places)", inc.kept_by_place);
		fprintf(stderr, "\n");
		fprintf(stderr, "sitegen: the changed reports %s\n", inc.changes_known
			? "are known (the search index may be patched)"
			: "are not known (the earlier record does not apply whole): the search index is built whole");
	}
	stage_done("render");
	progress_stage("search index: %zu files", 0, files_made, w);
	if (site->config->search && !folder)	/* search: false leaves the index out */
		diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's normalisation or transliteration data");
	else if (site->config->search &&
		 !(inc.search_current && !diag_failed(d) && writer_keep_under(w, "search/", o->jobs) == 0)) {
		/* else its inputs are the last build's: kept; or only a few changed: patched */
		struct search_changes ch = { inc.changes_known && !diag_failed(d), inc.old_narticles, inc.old_of, NULL };
		if (k) {	/* the dictionary's counts, kept with the site */
			if (!k->dict_memo)
				k->dict_memo = search_dict_memo_new();
			ch.dict_memo = k->dict_memo;
		}
		search_build(site, folder, w, d, o->jobs, &ch, &res->search_made_whole);
	}
	free(inc.old_of);
	stage_done("search");
	if (o->kept && getenv("SITEGEN_TIMING")) {	/* the pages' keeps and the search index's */
		size_t trusted, looked, folders;
		int list_taken;
		const char *stopped;
		write_watch_counts(o->kept->watch, &trusted, &looked, &folders, &list_taken, &stopped);
		fprintf(stderr, "sitegen: kept files taken on the output's watch (%zu folders) %zu, looked at %zu\n",
			folders, trusted, looked);
		if (stopped)
			fprintf(stderr, "sitegen: the output's watch stopped: %s\n", stopped);
		fprintf(stderr, "sitegen: the earlier build's files %s\n", list_taken > 0 ? "as its commit left them"
			: list_taken == 0 ? "read from the state"
			: "not known (no state, or one damaged or left by a build that did not end)");
	}
	build_copy_static(a, d, w, arena_sprintf(a, "%s/static", o->theme), "assets", site->config->search);
	/* from here on the progress line no longer asks w, which is freed below */
	progress_stage(o->check ? "checking the links of %zu files" : "writing %zu files", writer_count(w), NULL, NULL);
	if (o->check)
		return finish_check(a, d, w, site, res);
	if (diag_failed(d)) {
		writer_abort(w);
		return -1;
	}
	struct write_stats st;
	int same_inputs = fp && fp == writer_found_inputs(w);
	int committed = writer_commit(w, &st, fp);
	if (committed < 0)
		return committed;	/* -2: the output may be partly new; -3: new, its state not saved */
	stage_done("commit");
	res->written = st.written;
	res->unchanged = st.unchanged;
	res->removed = st.removed;
	/* as a build in its own process would have stopped early and said
	 * (build_run), not serve's, whose builds say every page they keep */
	res->nothing_changed = o->kept && o->kept->command_line && !o->force && same_inputs && !st.written && !st.removed;
	return 0;
}

/* index → render → write, from parsed articles: the index (and its site) in
 * ia, its messages through id (d, or a kept site's, said through d after);
 * k: the site kept for the next build, or NULL.
 * Returns 0; -1 when the output was not touched; -2 when a commit failed
 * part way (see writer_commit). */
static int generate(const struct build_options *o, struct arena *a, struct arena *ia, struct diag *d,
		    struct diag *id, const struct config *cfg, const struct article_set *arts, struct parse_job *icu,
		    struct site *site, struct build_result *res, uint64_t fp, const uint64_t *global,
		    struct kept_site *k)
{
	struct theme_loader loader;
	struct tmpl_set *tmpls = build_templates(a, d, o->theme, &loader);
	struct index_ctx x = { .a = ia, .d = id, .cfg = cfg, .slugger = icu->slugger, .memo = icu->memo,
			       .collator = text_collator_new() };
	icu->slugger = NULL;	/* the index's now: it may open one itself */
	int r = -1;
	if (!x.collator) {
		diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's collation data");
	} else {
		stage_done("compile");
		progress_stage("indexing %zu articles", arts->len, NULL, NULL);
		index_build(&x, arts->items, arts->len, o->drafts, o->jobs, site);
		index_check_rejected(&x, arts->rejected, arts->nrejected, o->drafts);
		if (k)
			k->index = x.kept;
		if (id != d)
			diag_merge(d, id);
		stage_done("index");
		r = write_site(o, a, d, tmpls, site, icu->folder, res, fp, global, k);
	}
	text_slugger_free(x.slugger);
	text_collator_free(x.collator);
	return r;
}

/* render → write from the site serve's build process kept (build_reuse.h),
 * the changed articles' bodies put into it. */
static int generate_kept(const struct build_options *o, struct arena *a, struct diag *d, struct kept_site *k,
			 struct build_result *res, uint64_t fp, const uint64_t *global)
{
	struct theme_loader loader;
	struct tmpl_set *tmpls = build_templates(a, d, o->theme, &loader);
	stage_done("compile");
	kept_site_say_again(k, d);
	stage_done("index");
	int r = write_site(o, a, d, tmpls, &k->site, k->folder, res, fp, global, k);
	keep_memo(k->memo, k->folder);
	return r;
}

/* path made absolute with links resolved, also when it does not exist yet
 * (its nearest existing ancestor is resolved, the rest appended). malloc'd,
 * or NULL. */
static char *resolve(const char *path)
{
	char *r = realpath(path, NULL);
	if (r || errno != ENOENT)
		return r;
	const char *slash = strrchr(path, '/');
	char *parent = slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path))) : xstrdup(".");
	const char *name = slash ? slash + 1 : path;
	char *base = resolve(parent);
	free(parent);
	if (!base)
		return NULL;
	/* parent is missing, so nothing below it is a link: . and .. are
	 * what they say (mkdir -p makes them so) */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		char *up = strrchr(base, '/');
		if (name[1] == '.' && up)
			up[up == base] = '\0';	/* "/a/b" → "/a", "/a" → "/" */
		return base;
	}
	size_t n = strlen(base) + strlen(name) + 2;
	r = xmalloc(n);
	snprintf(r, n, "%s%s%s", base, strcmp(base, "/") ? "/" : "", name);
	free(base);
	return r;
}

/* Is path the directory dir or inside it? */
static int is_within(const char *path, const char *dir)
{
	char *p = resolve(path), *q = resolve(dir);
	int r = 0;
	if (p && q) {
		size_t n = strlen(q);
		r = strncmp(p, q, n) == 0 && (p[n] == '/' || p[n] == '\0' || n == 1);
	}
	free(p);
	free(q);
	return r;
}

/* A build replaces what it wrote in the output: inputs inside it would
 * be read from what the last build left, or swept away by the next; an
 * output inside an input would be read back as content or theme. */
static int inputs_inside_output(const struct build_options *o, const char *out, struct diag *d)
{
	const char *inputs[] = { o->content, o->theme, o->config };
	const char *what[] = { "the content directory", "the theme", "the config" };
	for (size_t i = 0; i < 3; i++)
		if (is_within(inputs[i], out)) {
			diag_error(d, inputs[i], 0, 0, NULL, 0, "%s is inside the output directory %s: move it out, "
				   "or choose another OUT", what[i], out);
			return -1;
		}
	for (size_t i = 0; i < 2; i++)
		if (is_within(out, inputs[i])) {
			diag_error(d, out, 0, 0, NULL, 0, "the output directory is inside %s %s: choose another OUT",
				   what[i], inputs[i]);
			return -1;
		}
	return 0;
}

int build_read_config(struct arena *a, struct diag *d, const char *path, struct config *cfg,
		      const char **src, size_t *len)
{
	struct buf text = BUF_INIT;
	if (load_file(path, &text) < 0) {
		diag_error(d, path, 0, 0, NULL, 0, "cannot read the config: %s", load_strerror(a, path, errno));
		return -1;
	}
	char *cfg_src = arena_strndup(a, text.data, text.len);
	size_t cfg_len = text.len;	/* not strlen: config_parse must see a NUL to refuse it */
	buf_free(&text);
	if (src) {
		*src = cfg_src;
		*len = cfg_len;
	}
	return config_parse(a, d, path, cfg_src, cfg_len, cfg);
}

/* Whether dir (the cache directory, the memo's) is among the user's files:
 * never a file of ours there. */
static int among_users(const struct build_options *o, const char *out, const char *dir)
{
	return is_within(dir, o->content) || is_within(dir, o->theme) || is_within(dir, out);
}

/* The file keeping what builds of out said (build_said.h), or NULL. */
static char *said_path(const struct build_options *o, const char *out)
{
	char *dir = memo_cache_dir(), *path = dir && !among_users(o, out, dir) ? build_said_path(dir, out) : NULL;
	free(dir);
	return path;
}

/* A build in serve's build process from the site it kept (build_reuse.h),
 * when that may serve it: 1 when it ran (its result in *r), 0 when the
 * build must run whole (the kept site is gone then). */
static int build_from_kept(const struct build_options *o, struct arena *a, struct diag *d, struct source *sources,
			   size_t nsrc, const char *opts, const uint64_t *global, struct build_result *res,
			   uint64_t fp, int *r)
{
	struct kept_site *k = o->kept->site;
	size_t *changed, nchanged, added;
	o->kept->site = NULL;
	if (!k || o->force || !kept_site_fits(k, sources, nsrc, opts, global, &changed, &nchanged, &added))
		goto whole;
	/* its articles' texts are the parse cache's, as mapped when it was made;
	 * the added file in its place first, so that the others' are theirs */
	int taken = !(k->from_cache && !parse_cache_still_mapped(o->kept->cache)) &&
		    (added == KEPT_NONE_ADDED || kept_site_take_added(k, sources, added, o->kept->cache) == 0) &&
		    kept_site_take_changes(k, sources, changed, nchanged, o->kept->cache) == 0 &&
		    (added == KEPT_NONE_ADDED || kept_site_index_added(k, added) == 0);
	if (!taken) {
		free(changed);
		goto whole;
	}
	parse_cache_flush(o->kept->cache);
	stage_done("load+parse");
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: parsed %zu of %zu files again (bodies, titles or subtitles changed)%s, the others kept with the earlier "
			"build's index, %zu of their texts the cache's (mapped by the last build)\n", nchanged, nsrc,
			added == KEPT_NONE_ADDED ? "" : " and the one added (indexed as the newest)", k->from_cache);
	free(changed);
	*r = generate_kept(o, a, d, k, res, fp, global);
	if (*r == 0 && !diag_failed(d))
		o->kept->site = k;
	else
		kept_site_free(k);
	return 1;
whole:
	kept_site_free(k);
	return 0;
}

int build_run(const struct build_options *o, struct arena *a, struct diag *d, struct build_result *res)
{
	memset(res, 0, sizeof(*res));
	threads_new_build();
	stage_start = now();
	/* In serve's build process, what the index is made of and the index
	 * itself go to a site kept for the next build (build_reuse.h). */
	struct kept_site *fresh = o->kept && !o->check ? kept_site_new(o->strict) : NULL;
	struct arena *ka = fresh ? &fresh->arena : a;
	const char *cfg_src;
	size_t cfg_len;
	struct config local_cfg, *cfg = fresh ? &fresh->cfg : &local_cfg;
	int r = -1;
	/* what the build says from its parse on, for the next if nothing
	 * changes (the config's and the listing's messages are said by every
	 * build, that one too) */
	struct buf said = BUF_INIT;
	const char *said_out = NULL;
	uint64_t said_fp = 0;
	if (build_read_config(ka, d, o->config, cfg, &cfg_src, &cfg_len) < 0)
		goto done;
	const char *out = res->out = arena_strdup(a, o->out ? o->out : cfg->output_dir);
	if (!*out) {
		diag_error(d, "--out", 0, 0, NULL, 0, "the output directory is empty: name a directory");
		goto done;
	}

	if (inputs_inside_output(o, out, d) < 0)
		goto done;
	if (!o->check)
		writer_lock_ahead(out);
	struct source *sources;
	size_t nsrc = load_list_watched(ka, d, o->content, &sources, o->kept ? o->kept->content : NULL);
	if (o->kept && getenv("SITEGEN_TIMING")) {
		size_t taken, looked;
		load_watch_counts(o->kept->content, &taken, &looked);
		fprintf(stderr, "sitegen: content entries taken on the content's watch %zu, looked at again %zu\n",
			taken, looked);
	}
	const char *opts = arena_sprintf(a, "%s|%s|%s|%d|%d", o->config, o->content, o->theme, o->strict, o->drafts);
	uint64_t fp = o->check ? 0 : inputs_fingerprint(sources, nsrc, cfg_src, cfg_len, o->theme, opts);
	/* Not in serve's build process: its builds come of a change seen, and
	 * the open pages show each build's warnings, which a build that stops
	 * here would not say (the notice went after a change to a file that is
	 * not an article; none after serve started on an output up to date).
	 * Made through, such a build keeps every page and says them all. */
	if (!o->check && !o->force && !o->kept && d->errors == 0 && writer_is_current(out, fp)) {
		res->nothing_changed = 1;
		char *path = said_path(o, out);
		build_said_again(path, d, fp);
		free(path);
		r = 0;
		goto done;
	}
	if (!o->check) {
		d->said = &said;
		said_out = out;
		said_fp = fp;
	}
	/* everything but the content, for incremental rendering (render.h) */
	uint64_t global[2] = { 0, 0 };
	if (!o->check) {
		global[0] = inputs_fingerprint(NULL, 0, cfg_src, cfg_len, o->theme, opts);
		global[1] = inputs_fingerprint(NULL, 0, cfg_src, cfg_len, NULL, opts);
	}
	if (fresh && d->errors == 0 && build_from_kept(o, a, d, sources, nsrc, opts, global, res, fp, &r))
		goto done;
	if (o->kept) {	/* before the parse cache's map its articles point into may go */
		kept_site_free(o->kept->site);
		o->kept->site = NULL;
	}
	struct article_set local_arts = { 0 }, *arts = fresh ? &fresh->arts : &local_arts;
	struct parse_job pj = { arts, sources, nsrc, d, o->jobs, NULL, NULL, NULL, cfg->search, NULL };
	char *cache_dir = memo_cache_dir();
	if (cache_dir && among_users(o, out, cache_dir))
		cache_dir = (free(cache_dir), NULL);
	struct parse_cache *earlier = o->kept ? o->kept->cache : NULL;
	if (o->kept)
		o->kept->cache = NULL;	/* parse_cache_open takes it over or frees it */
	pj.cache = parse_cache_open(cache_dir, o->content, inputs_program(), o->force, earlier);
	free(cache_dir);
	progress_stage("reading and parsing %zu files", nsrc, NULL, NULL);
	threads_run(2, parse_articles, &pj, NULL);
	stage_done("load+parse");
	if (getenv("SITEGEN_TIMING")) {
		fprintf(stderr, "sitegen: parsed %zu files, %zu of them from the cache", nsrc, parse_cache_hits(pj.cache));
		if (parse_cache_taken_over(pj.cache))
			fprintf(stderr, " (mapped by the last build)");
		else if (parse_cache_carried(pj.cache))
			fprintf(stderr, " (mapped anew, %zu records as checked through the last build's map)",
				parse_cache_carried(pj.cache));
		fprintf(stderr, "\n");
	}
	if (!o->check)	/* a check writes nothing */
		parse_cache_save(pj.cache, sources, nsrc);
	const char *memo_dir = memo_dir_of(pj.memo);
	if (memo_dir && among_users(o, out, memo_dir))
		memo_off(pj.memo);
	struct site local_site, *site = fresh ? &fresh->site : &local_site;
	r = generate(o, a, ka, d, fresh ? &fresh->index_said : d, cfg, arts, &pj, site, res, fp, global, fresh);
	/* ICU's answers are right whether or not the build failed: the next
	 * build after an editor's mistake (each save, under serve) need not
	 * open ICU again. A check reads the memo and writes nothing. */
	if (!o->check)
		keep_memo(pj.memo, pj.folder);
	text_slugger_free(pj.slugger);
	if (fresh && r == 0 && !diag_failed(d)) {	/* kept, and with it the articles and ICU's services */
		kept_site_made(fresh, sources, nsrc, opts, global, pj.memo, pj.folder);
		fresh->from_cache = parse_cache_hits(pj.cache);
		o->kept->site = fresh;
		fresh = NULL;
	} else {
		text_folder_free(pj.folder);
		memo_free(pj.memo);
		article_set_free(arts);
	}
	if (o->kept)	/* mapped still, for the next build (its articles are gone, or kept with the site) */
		o->kept->cache = pj.cache;
	else
		parse_cache_free(pj.cache);	/* after the articles pointing into it */
done:
	writer_lock_ahead_release();	/* (when no writer took it) */
	if (said_out && r == 0 && !diag_failed(d)) {
		char *path = said_path(o, said_out);
		build_said_keep(path, said_fp, &said);
		free(path);
	}
	if (d->said == &said)
		d->said = NULL;
	buf_free(&said);
	kept_site_free(fresh);
	return r;
}
