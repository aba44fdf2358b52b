/* fuzz_tmpl: the Mustache engine, compiler and renderer.
 *
 * The input is up to two templates separated by a NUL byte: the part before
 * it is the template "t" (the one rendered), the part after it is served for
 * every other name a partial, parent or dynamic name asks for ({{>p}},
 * {{<base}}, {{>*tmpl}}), except "nil", which does not exist. Without a NUL,
 * only "t" exists. "t" is rendered against a fixed context shaped like the
 * theme's (theme/CONTEXT.md): strings that need escaping, booleans, null,
 * empty and non-empty lists of maps and of strings, dotted paths, a
 * recursive place tree, and names of templates for dynamic partials.
 *
 * Checks: a failed compile reported an error; a render appends to what the
 * buffer held, and on failure restores it and reports; rendering is
 * deterministic (two renders give the same bytes).
 *
 * The engine bounds nesting (TMPL_MAX_DEPTH), operations (TMPL_MAX_STEPS)
 * and output (TMPL_MAX_OUTPUT) per render; nothing is filtered here, so an
 * input that runs too long or grows too much is libFuzzer's -timeout or
 * -rss_limit_mb finding. A render stopped by a limit is not repeated (the
 * determinism check would only double the slowest inputs): the instrumented
 * build runs about 2 million operations a second, so reaching
 * TMPL_MAX_STEPS takes seconds. */
#include "fuzz.h"

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "tmpl.h"
#include "value.h"

static struct arena ctx_arena;
static struct val *ctx;

struct parts {
	const char *t, *p;
	size_t t_len, p_len;
	int has_p;
};

static int load(void *arg, const char *name, struct buf *source, const char **path)
{
	const struct parts *in = arg;
	if (strcmp(name, "t") == 0) {
		buf_add(source, in->t, in->t_len);
		*path = "t.mustache";
		return 1;
	}
	if (!in->has_p || strcmp(name, "nil") == 0)
		return 0;
	buf_add(source, in->p, in->p_len);
	*path = "p.mustache";
	return 1;
}

static struct val *item(struct arena *a, const char *title, const char *url, int other)
{
	struct val *m = val_map(a);
	val_set_str(a, m, "title", title);
	val_set_str(a, m, "url", url);
	val_set_str(a, m, "date_iso", "2022-10-31");
	val_set_str(a, m, "date_text", "2022年10月31日 星期一");
	val_set_str(a, m, "place_text", "山西省 › 吕梁市 › 离石区");
	val_set_str(a, m, "summary", "10月28日,离石区实施静默管理……");
	val_set_bool(a, m, "is_other", other);
	val_set_bool(a, m, "date_inferred", !other);
	val_set_bool(a, m, "current", other);
	val_set_str(a, m, "name", title);
	if (other)
		val_set_str(a, m, "subtitle", "副题 <em>&</em>");
	return m;
}

static struct val *place(struct arena *a, const char *name, const char *url, struct val *children)
{
	struct val *m = val_map(a);
	val_set_str(a, m, "name", name);
	val_set_str(a, m, "url", url);
	val_set_str(a, m, "count", "3");
	val_set_bool(a, m, "has_children", children->u.list.len > 0);
	val_set(a, m, "children", children);
	return m;
}

static struct val *build_context(struct arena *a)
{
	struct val *root = val_map(a);
	struct val *site = val_map(a);
	val_set_str(a, site, "title", "社区抗疫报道档案");
	val_set_str(a, site, "language", "zh-CN");
	val_set_str(a, site, "description", "<b>\"引号\" & 'apos'</b>");
	val_set(a, root, "site", site);
	val_set_str(a, root, "root", "../../");
	val_set_str(a, root, "page_title", "“连心卡”连起你我他");
	val_set_str(a, root, "html", "<script>alert('x')</script>&amp;");
	val_set_str(a, root, "empty_str", "");
	val_set_bool(a, root, "yes", 1);
	val_set_bool(a, root, "no", 0);
	val_set_bool(a, root, "has_nav", 1);
	val_set(a, root, "none", val_null(a));
	val_set(a, root, "empty", val_list(a));
	/* dynamic names: {{>*tmpl}} */
	val_set_str(a, root, "tmpl", "p");
	val_set_str(a, root, "self", "t");
	val_set_str(a, root, "nil", "nil");

	struct val *nav = val_list(a);
	val_push(a, nav, item(a, "首页", "index.html", 1));
	val_push(a, nav, item(a, "地点", "places/index.html", 0));
	val_set(a, root, "nav", nav);

	struct val *items = val_list(a);
	val_push(a, items, item(a, "静默下温暖孕妇心", "reports/a/index.html", 0));
	val_push(a, items, item(a, "网格员的一天", "reports/b/index.html", 1));
	val_push(a, items, item(a, "<i>x</i>", "reports/c/index.html", 0));
	val_set(a, root, "items", items);

	struct val *words = val_list(a);
	val_push(a, words, val_str(a, "一"));
	val_push(a, words, val_str(a, "二"));
	val_push(a, words, val_str(a, "&"));
	val_set(a, root, "list", words);

	struct val *leaf = place(a, "离石区", "places/shan-xi/lv-liang/li-shi-qu/index.html", val_list(a));
	struct val *cities = val_list(a);
	struct val *districts = val_list(a);
	val_push(a, districts, leaf);
	val_push(a, cities, place(a, "吕梁市", "places/shan-xi/lv-liang/index.html", districts));
	val_set(a, root, "tree", place(a, "山西省", "places/shan-xi/index.html", cities));

	struct val *c = val_map(a), *b = val_map(a), *x = val_map(a);
	val_set_str(a, c, "c", "深");
	val_set(a, b, "b", c);
	val_set(a, x, "a", b);
	val_set(a, root, "a", b);
	val_set(a, root, "x", x);
	return root;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ctx = build_context(&ctx_arena);
	return 0;
}

static const char prefix[] = "PREFIX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		LLVMFuzzerInitialize(NULL, NULL);
	char *src = fuzz_bytes(data, size);
	const char *nul = memchr(src, '\0', size);
	struct parts in = { src, NULL, size, 0, 0 };
	if (nul) {
		in.t_len = (size_t)(nul - src);
		in.p = nul + 1;
		in.p_len = size - in.t_len - 1;
		const char *nul2 = memchr(in.p, '\0', in.p_len);
		if (nul2)
			in.p_len = (size_t)(nul2 - in.p);
		in.has_p = 1;
	}

	struct arena a = ARENA_INIT;
	struct buf sink = BUF_INIT, out = BUF_INIT, again = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &sink;
	struct tmpl_set *set = tmpl_set_new(&a, load, &in);
	const struct tmpl *t = tmpl_set_get(set, "t", &d);
	if (!t) {
		FUZZ_CHECK(d.errors > 0);
		goto out;
	}
	/* a dynamic name may pick any template the set compiled */
	if (in.has_p)
		(void)tmpl_set_get(set, "p", &d);
	FUZZ_CHECK(tmpl_set_get(set, "t", &d) == t);

	buf_addstr(&out, prefix);
	size_t errors = d.errors;
	int rc = tmpl_render(set, t, ctx, &out, &d);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(out.len >= sizeof(prefix) - 1 && memcmp(out.data, prefix, sizeof(prefix) - 1) == 0);
	if (rc < 0) {
		FUZZ_CHECK(out.len == sizeof(prefix) - 1);
		FUZZ_CHECK(d.errors > errors);
	}
	if (rc == 0) {
		buf_addstr(&again, prefix);
		FUZZ_CHECK(tmpl_render(set, t, ctx, &again, &d) == 0);
		FUZZ_CHECK(buf_equals(&again, out.data, out.len));
	}
	(void)tmpl_render(set, t, NULL, &again, &d);
out:
	buf_free(&again);
	buf_free(&out);
	buf_free(&sink);
	arena_free(&a);
	free(src);
	return 0;
}
