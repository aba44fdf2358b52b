/* test_tmpl: unit tests of the template engine beyond the Mustache spec:
 * error messages with their place, inheritance the way the site's theme uses
 * it, escaping, indentation, the depth limit, caching and threads.
 *
 * Prints `ok - tmpl: <name>` or `not ok - tmpl: <name>` with details, one
 * line per test (tests/check.h); exits 1 when one failed. */
#define _POSIX_C_SOURCE 200809L	/* pthreads: C11 threads are invisible to ThreadSanitizer */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "tmpl.h"
#include "value.h"

#include "check.h"

/* Passes when `got` holds exactly `want`; shows both otherwise. */
static void check_text(const char *name, const struct buf *got, const char *want)
{
	check_mem(name, got->data, got->len, want, strlen(want));
}

/* Templates served from memory: {name, source} pairs ending with {NULL}. */
struct files {
	const char *const (*list)[2];
	int loads;		/* how many times the loader ran */
	int forbidden;		/* loading now is a failure of the test */
};

static int load(void *ctx, const char *name, struct buf *source, const char **path)
{
	struct files *f = ctx;
	f->loads++;
	if (f->forbidden)
		fprintf(stderr, "loader called for '%s' while rendering\n", name);
	for (size_t i = 0; f->list[i][0]; i++) {
		if (strcmp(f->list[i][0], name) == 0) {
			buf_addstr(source, f->list[i][1]);
			*path = f->list[i][0];
			return 1;
		}
	}
	return 0;
}

/* Everything a test needs: an arena, a set over `list`, output and messages. */
struct fixture {
	struct arena a;
	struct files files;
	struct tmpl_set *set;
	struct buf out, msgs;
	struct diag d;
};

static void setup(struct fixture *fx, const char *const (*list)[2])
{
	memset(fx, 0, sizeof(*fx));
	fx->files.list = list;
	fx->set = tmpl_set_new(&fx->a, load, &fx->files);
	buf_init(&fx->out, 0);
	buf_init(&fx->msgs, 0);
	fx->d.sink = &fx->msgs;
}

static void teardown(struct fixture *fx)
{
	buf_free(&fx->out);
	buf_free(&fx->msgs);
	arena_free(&fx->a);
}

/* Compiles and renders `name`; returns tmpl_render's result, or -2 when
 * tmpl_set_get failed. */
static int run(struct fixture *fx, const char *name, const struct val *data)
{
	const struct tmpl *t = tmpl_set_get(fx->set, name, &fx->d);
	if (!t)
		return -2;
	return tmpl_render(fx->set, t, data, &fx->out, &fx->d);
}

/* Renders a one-template set and checks the output and that nothing was reported. */
static void check_render(const char *name, const char *source, const struct val *data, const char *want)
{
	const char *const list[][2] = { { "t", source }, { NULL, NULL } };
	struct fixture fx;
	setup(&fx, list);
	int rc = run(&fx, "t", data);
	check_text(name, &fx.out, want);
	if (rc) {
		char what[300];
		snprintf(what, sizeof(what), "%s: rendering failed (rc %d)", name, rc);
		check(what, 0);
	}
	if (rc || fx.msgs.len)
		check_show("messages:", fx.msgs.data, fx.msgs.len);
	teardown(&fx);
}

/* Compiling `source` fails with exactly the messages `want`. */
static void check_error(const char *name, const char *source, const char *want)
{
	const char *const list[][2] = { { "page.mustache", source }, { NULL, NULL } };
	struct fixture fx;
	setup(&fx, list);
	buf_addstr(&fx.out, "kept");
	int rc = run(&fx, "page.mustache", NULL);
	check_text(name, &fx.msgs, want);
	if (rc != -2 || !buf_equals(&fx.out, "kept", 4)) {
		char what[300];
		snprintf(what, sizeof(what), "%s: compiling did not fail cleanly (rc %d)", name, rc);
		check(what, 0);
	}
	teardown(&fx);
}

static void test_errors(void)
{
	check_error("error: unclosed tag",
		    "<p>\n  {{title</p>\n",
		    "page.mustache:2:3: error: unclosed tag: '{{' without a matching '}}'\n"
		    "      {{title</p>\n"
		    "      ^\n");
	check_error("error: unclosed triple mustache",
		    "{{{body}}\n",
		    "page.mustache:1:1: error: unclosed tag: '{{' without a matching '}}}'\n"
		    "    {{{body}}\n"
		    "    ^\n");
	check_error("error: unclosed section points at its opening tag",
		    "<ul>\n  {{#tags}}\n  <li>{{name}}</li>\n</ul>\n",
		    "page.mustache:2:3: error: unclosed section 'tags': no closing tag before the end of the template\n"
		    "      {{#tags}}\n"
		    "      ^\n");
	check_error("error: mismatched closing tag (columns count characters)",
		    "标题：{{#title}}{{.}}{{/titel}}\n",
		    "page.mustache:1:19: error: closing tag 'titel' does not match section 'title' opened at line 1, column 4\n"
		    "    标题：{{#title}}{{.}}{{/titel}}\n"
		    "    " "      " "               ^\n");	/* 3 wide characters, 15 narrow */
	check_error("error: closing tag without a section",
		    "a\n{{/items}}\n",
		    "page.mustache:2:1: error: closing tag 'items' without an open section\n"
		    "    {{/items}}\n"
		    "    ^\n");
	check_error("error: bad delimiter change",
		    "{{=<%>=}}",
		    "page.mustache:1:1: error: bad delimiter change: expected two delimiters, like {{=<% %>=}}\n"
		    "    {{=<%>=}}\n"
		    "    ^\n");
	check_error("error: empty tag name",
		    "x {{ }} y",
		    "page.mustache:1:3: error: empty tag name\n"
		    "    x {{ }} y\n"
		    "      ^\n");
	check_error("error: every error of the template is reported",
		    "{{#a}}\n{{}}\n{{/b}}\n{{/c}}\n{{#d}}\n",
		    "page.mustache:2:1: error: empty tag name\n    {{}}\n    ^\n"
		    "page.mustache:3:1: error: closing tag 'b' does not match section 'a' opened at line 1, column 1\n"
		    "    {{/b}}\n    ^\n"
		    "page.mustache:4:1: error: closing tag 'c' without an open section\n    {{/c}}\n    ^\n"
		    "page.mustache:5:1: error: unclosed section 'd': no closing tag before the end of the template\n"
		    "    {{#d}}\n    ^\n");
}

static void test_errors_in_partials(void)
{
	const char *const list[][2] = {
		{ "page", "<main>\n{{>nav}}\n</main>\n" },
		{ "nav", "<nav>{{#links}}</nav>\n" },
		{ "other", "{{>nav}}" },
		{ NULL, NULL },
	};
	struct fixture fx;
	setup(&fx, list);
	check("error in a partial: compiling the page fails", run(&fx, "page", NULL) == -2);
	check_text("error in a partial: the message names the partial", &fx.msgs,
		   "nav:1:6: error: unclosed section 'links': no closing tag before the end of the template\n"
		   "    <nav>{{#links}}</nav>\n"
		   "         ^\n");
	buf_reset(&fx.msgs);
	struct diag d2 = { 0, 0, 0, &fx.msgs, NULL };
	check("error in a partial: a later template that includes it fails too",
	      !tmpl_set_get(fx.set, "other", &d2) && diag_failed(&d2));
	check_text("error in a partial: later failures say where to look", &fx.msgs,
		   "nav: error: template has errors (reported earlier)\n");
	teardown(&fx);

	setup(&fx, list);
	check("missing template: tmpl_set_get fails", run(&fx, "nope", NULL) == -2);
	check_text("missing template: message", &fx.msgs, "nope: error: template not found\n");
	teardown(&fx);
}

static void test_missing_partial(void)
{
	const char *const list[][2] = { { "page", "<p>{{>sidebar}}</p>\n" }, { NULL, NULL } };
	struct fixture fx;
	setup(&fx, list);
	int rc = run(&fx, "page", NULL);
	check("missing partial: renders", rc == 0 && fx.d.errors == 0 && fx.d.warnings == 1);
	check_text("missing partial: renders as nothing", &fx.out, "<p></p>\n");
	check_text("missing partial: warned at the tag", &fx.msgs,
		   "page:1:4: warning: partial 'sidebar' not found: it renders as nothing\n"
		   "    <p>{{>sidebar}}</p>\n"
		   "       ^\n");
	teardown(&fx);
}

static void test_escaping(struct arena *a)
{
	struct val *data = val_map(a);
	val_set_str(a, data, "s", "<a href=\"/x?a=1&b=2\">'引号'</a>");
	check_render("escaping: {{x}} escapes & < > \" '", "{{s}}", data,
		     "&lt;a href=&quot;/x?a=1&amp;b=2&quot;&gt;&#39;引号&#39;&lt;/a&gt;");
	check_render("escaping: {{{x}}} and {{&x}} do not", "{{{s}}}|{{& s }}", data,
		     "<a href=\"/x?a=1&b=2\">'引号'</a>|<a href=\"/x?a=1&b=2\">'引号'</a>");
	check_render("escaping: template text is never escaped", "<b>&amp;</b> {{! <i> }}", data,
		     "<b>&amp;</b> ");
}

static void test_values(struct arena *a)
{
	struct val *data = val_map(a), *author = val_map(a), *tags = val_list(a);
	val_set_str(a, data, "title", "离石区");
	val_set_str(a, author, "name", "李");
	val_set(a, data, "author", author);
	val_set_bool(a, data, "draft", 0);
	val_set_bool(a, data, "featured", 1);
	val_set(a, data, "none", val_null(a));
	val_set(a, data, "tags", tags);
	val_push(a, tags, val_str(a, "疫情"));
	val_push(a, tags, val_str(a, "网格员"));
	check_render("values: dotted names and the context stack",
		     "{{author.name}}/{{#author}}{{name}} on {{title}}{{/author}}", data, "李/李 on 离石区");
	check_render("values: booleans print, null and lists print nothing",
		     "[{{draft}}|{{featured}}|{{none}}|{{tags}}|{{missing}}]", data, "[false|true|||]");
	check_render("values: sections over lists, with the implicit iterator",
		     "{{#tags}}<{{.}}>{{/tags}}{{^tags}}none{{/tags}}", data, "<疫情><网格员>");
	check_render("values: false, null and missing are falsy",
		     "{{#draft}}a{{/draft}}{{#none}}b{{/none}}{{#missing}}c{{/missing}}{{^draft}}d{{/draft}}", data, "d");
	check_render("values: a name found in a map does not fall through to outer frames",
		     "{{#author}}{{title.x}}|{{author.title}}{{/author}}", data, "|");
}

/* The theme: a base layout with blocks, a page extending it, partials. */
static const char *const theme[][2] = {
	{ "base",
	  "<!DOCTYPE html>\n"
	  "<html lang=\"zh-CN\">\n"
	  "<head>\n"
	  "  <title>{{$title}}{{site.name}}{{/title}}</title>\n"
	  "  {{>meta}}\n"
	  "</head>\n"
	  "<body>\n"
	  "  <main>\n"
	  "    {{$content}}\n"
	  "    <p>默认内容</p>\n"
	  "    {{/content}}\n"
	  "  </main>\n"
	  "  {{$footer}}\n"
	  "  <footer>{{site.name}}</footer>\n"
	  "  {{/footer}}\n"
	  "</body>\n"
	  "</html>\n" },
	{ "meta",
	  "<meta charset=\"utf-8\">\n"
	  "{{#description}}\n"
	  "<meta name=\"description\" content=\"{{description}}\">\n"
	  "{{/description}}\n" },
	{ "article",
	  "{{<base}}\n"
	  "{{$title}}{{title}} - {{site.name}}{{/title}}\n"
	  "{{$content}}\n"
	  "<article>\n"
	  "  <h1>{{title}}</h1>\n"
	  "  {{{body}}}\n"
	  "  <ul>\n"
	  "    {{#tags}}\n"
	  "    <li>{{>tag}}</li>\n"
	  "    {{/tags}}\n"
	  "  </ul>\n"
	  "</article>\n"
	  "{{/content}}\n"
	  "{{/base}}\n" },
	{ "tag", "<a href=\"/tags/{{slug}}/\">{{name}}</a>" },
	{ "special",
	  "{{<article}}\n"
	  "  {{$footer}}\n"
	  "  <footer>\n"
	  "    专题\n"
	  "  </footer>\n"
	  "  {{/footer}}\n"
	  "{{/article}}\n" },
	{ "home", "{{<base}}{{/base}}" },
	{ NULL, NULL },
};

static struct val *theme_data(struct arena *a)
{
	struct val *data = val_map(a), *site = val_map(a), *tags = val_list(a);
	val_set_str(a, site, "name", "新闻档案");
	val_set(a, data, "site", site);
	val_set_str(a, data, "title", "离石区 & 重庆");
	val_set_str(a, data, "description", "\"网格员\"");
	val_set_str(a, data, "body", "<p>第一段</p>\n<p>第二段</p>");
	const char *names[][2] = { { "li-shi-qu", "离石区" }, { "chong-qing", "重庆" } };
	for (int i = 0; i < 2; i++) {
		struct val *tag = val_map(a);
		val_set_str(a, tag, "slug", names[i][0]);
		val_set_str(a, tag, "name", names[i][1]);
		val_push(a, tags, tag);
	}
	val_set(a, data, "tags", tags);
	return data;
}

static const char article_html[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"zh-CN\">\n"
	"<head>\n"
	"  <title>离石区 &amp; 重庆 - 新闻档案</title>\n"
	"  <meta charset=\"utf-8\">\n"
	"  <meta name=\"description\" content=\"&quot;网格员&quot;\">\n"
	"</head>\n"
	"<body>\n"
	"  <main>\n"
	"    <article>\n"
	"      <h1>离石区 &amp; 重庆</h1>\n"
	"      <p>第一段</p>\n"
	"<p>第二段</p>\n"
	"      <ul>\n"
	"        <li><a href=\"/tags/li-shi-qu/\">离石区</a></li>\n"
	"        <li><a href=\"/tags/chong-qing/\">重庆</a></li>\n"
	"      </ul>\n"
	"    </article>\n"
	"  </main>\n"
	"  <footer>新闻档案</footer>\n"
	"</body>\n"
	"</html>\n";

static void test_theme(struct arena *a)
{
	struct val *data = theme_data(a);
	struct fixture fx;
	setup(&fx, theme);
	int rc = run(&fx, "article", data);
	check_text("theme: a page extends the base layout, blocks re-indented", &fx.out, article_html);
	check("theme: no messages", rc == 0 && fx.msgs.len == 0);

	buf_reset(&fx.out);
	rc = run(&fx, "special", data);
	const char *tail = strstr(fx.out.data, "  </main>\n");
	struct buf got = BUF_INIT;
	buf_addstr(&got, tail ? tail : "");
	check_text("theme: two levels of inheritance, the outermost override wins", &got,
		   "  </main>\n"
		   "  <footer>\n"
		   "    专题\n"
		   "  </footer>\n"
		   "</body>\n"
		   "</html>\n");
	buf_free(&got);

	buf_reset(&fx.out);
	rc = run(&fx, "home", data);
	check("theme: defaults render when nothing overrides them", rc == 0
	      && strstr(fx.out.data, "  <title>新闻档案</title>\n")
	      && strstr(fx.out.data, "  <main>\n    <p>默认内容</p>\n  </main>\n"));
	teardown(&fx);
}

static void test_blocks_in_partials(void)
{
	const char *const list[][2] = {
		{ "layout", "<body>\n  {{>header}}\n  {{$main}}{{/main}}\n</body>\n" },
		{ "header", "<header>\n  {{$nav}}\n  <nav>首页</nav>\n  {{/nav}}\n</header>\n" },
		{ "page", "{{<layout}}\n{{$nav}}\n<nav>\n  <a href=\"/\">首页</a>\n</nav>\n{{/nav}}\n"
			  "{{$main}}正文{{/main}}\n{{/layout}}\n" },
		{ NULL, NULL },
	};
	struct fixture fx;
	setup(&fx, list);
	run(&fx, "page", NULL);
	check_text("theme: a page overrides a block inside a partial of its layout", &fx.out,
		   "<body>\n"
		   "  <header>\n"
		   "    <nav>\n"
		   "      <a href=\"/\">首页</a>\n"
		   "    </nav>\n"
		   "  </header>\n"
		   "  正文\n"
		   "</body>\n");
	teardown(&fx);
}

static void test_indentation(struct arena *a)
{
	const char *const list[][2] = {
		{ "page", "<div>\n  {{>list}}\n</div>\n" },
		{ "list", "<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n" },
		{ "item", "<li>\n  {{.}}\n</li>\n" },
		{ "crlf", "<p>\r\n  {{#items}}\r\n  {{.}}\r\n  {{/items}}\r\n</p>\r\n" },
		{ NULL, NULL },
	};
	struct val *data = val_map(a), *items = val_list(a);
	val_push(a, items, val_str(a, "甲"));
	val_push(a, items, val_str(a, "乙\n丙"));
	val_set(a, data, "items", items);
	struct fixture fx;
	setup(&fx, list);
	run(&fx, "page", data);
	check_text("indentation: nested standalone partials add up; data is not indented", &fx.out,
		   "<div>\n"
		   "  <ul>\n"
		   "    <li>\n"
		   "      甲\n"
		   "    </li>\n"
		   "    <li>\n"
		   "      乙\n丙\n"
		   "    </li>\n"
		   "  </ul>\n"
		   "</div>\n");
	buf_reset(&fx.out);
	run(&fx, "crlf", data);
	check_text("indentation: standalone lines ending in CRLF vanish whole", &fx.out,
		   "<p>\r\n  甲\r\n  乙\n丙\r\n</p>\r\n");
	teardown(&fx);
}

static void test_depth_limit(struct arena *a)
{
	const char *const list[][2] = {
		{ "loop", "<ul>\n  {{>loop}}\n</ul>\n" },
		{ "tree", "{{name}}{{#children}}({{>tree}}){{/children}}" },
		{ NULL, NULL },
	};
	struct fixture fx;
	setup(&fx, list);
	buf_addstr(&fx.out, "<before>");
	int rc = run(&fx, "loop", NULL);
	check("depth limit: a partial including itself fails", rc == -1 && fx.d.errors == 1);
	check_text("depth limit: the message names the template and the tag", &fx.msgs,
		   "loop:2:3: error: more than 200 nested sections, partials and blocks at 'loop': "
		   "does a template include itself?\n"
		   "      {{>loop}}\n"
		   "      ^\n");
	check_text("depth limit: the output is left as it was", &fx.out, "<before>");

	/* Legitimate recursion, 50 levels of data, stays under the limit. */
	struct val *root = val_map(a), *node = root;
	for (int i = 0; i < 50; i++) {
		struct val *child = val_map(a), *children = val_list(a);
		val_set(a, node, "name", val_strf(a, "%d", i));
		val_push(a, children, child);
		val_set(a, node, "children", children);
		node = child;
	}
	/* The leaf needs its own empty list: else {{#children}} finds its
	 * parent's and recurses until the depth limit. */
	val_set_str(a, node, "name", "end");
	val_set(a, node, "children", val_list(a));
	buf_reset(&fx.out);
	rc = run(&fx, "tree", root);
	check("depth limit: 50 levels of recursive data render",
	      rc == 0 && fx.out.len > 3 && strstr(fx.out.data, "49(end)") != NULL);
	teardown(&fx);
}

/* Twelve nested sections over six items would run 6^12 times: the render
 * stops at TMPL_MAX_STEPS with an error at the tag, and leaves out alone. */
static void test_work_limit(struct arena *a)
{
	const char *const list[][2] = {
		{ "blowup", "{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}x"
			    "{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}" },
		{ "wide", "{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{#i}}{{{big}}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}{{/i}}" },
		{ NULL, NULL },
	};
	struct fixture fx;
	setup(&fx, list);
	struct val *ctx = val_map(a), *items = val_list(a);
	for (int k = 0; k < 6; k++)
		val_push(a, items, val_map(a));
	val_set(a, ctx, "i", items);
	struct buf big = BUF_INIT;
	for (int k = 0; k < 4096; k++)
		buf_addstr(&big, "0123456789abcdef");	/* 64 KiB, 6^6 times: 3 GiB */
	val_set(a, ctx, "big", val_str(a, big.data));
	buf_free(&big);
	buf_addstr(&fx.out, "<before>");
	int rc = run(&fx, "blowup", ctx);
	check("work limit: 12 nested sections over 6 items stop with one error", rc == -1 && fx.d.errors == 1);
	check("work limit: the message names the template and says why",
	      strstr(fx.msgs.data, "blowup:1:") == fx.msgs.data &&
	      strstr(fx.msgs.data, "ran more than 10000000 operations") != NULL);
	check_text("work limit: the output is left as it was", &fx.out, "<before>");
	buf_reset(&fx.msgs);
	fx.d.errors = 0;
	rc = run(&fx, "wide", ctx);
	check("output limit: a page growing past 128 MiB stops with one error",
	      rc == -1 && fx.d.errors == 1 && strstr(fx.msgs.data, "grew past 128 MiB") != NULL);
	check_text("output limit: the output is left as it was", &fx.out, "<before>");
	teardown(&fx);
}

static void test_delimiters_and_dynamic(struct arena *a)
{
	const char *const list[][2] = {
		{ "page", "{{=<% %>=}}<%title%> {{title}} <%>part%>|<%>*kind%>|<%>*nokind%>" },
		{ "part", "{{title}}" },
		{ "photo", "[{{title}}]" },
		{ "unused", "never compiled" },
		{ NULL, NULL },
	};
	struct val *data = val_map(a);
	val_set_str(a, data, "title", "标题");
	val_set_str(a, data, "kind", "photo");
	val_set_str(a, data, "nokind", "unused");
	struct fixture fx;
	setup(&fx, list);
	tmpl_set_get(fx.set, "photo", &fx.d);
	run(&fx, "page", data);
	check_text("delimiters stay in their template; dynamic partials choose among compiled ones",
		   &fx.out, "标题 {{title}} 标题|[标题]|");
	teardown(&fx);
}

static void test_compile_once(void)
{
	struct fixture fx;
	setup(&fx, theme);
	const struct tmpl *t = tmpl_set_get(fx.set, "special", &fx.d);
	int loads = fx.files.loads;
	check("compile once: every partial and parent is loaded once", t && loads == 5);
	check("compile once: a second request returns the same template",
	      tmpl_set_get(fx.set, "special", &fx.d) == t && fx.files.loads == loads);
	check("compile once: a partial compiled with it can be asked for too",
	      tmpl_set_get(fx.set, "base", &fx.d) != NULL && fx.files.loads == loads);
	fx.files.forbidden = 1;
	struct arena a = ARENA_INIT;
	int rc = tmpl_render(fx.set, t, theme_data(&a), &fx.out, &fx.d);
	check("compile once: rendering loads nothing", rc == 0 && fx.files.loads == loads);
	arena_free(&a);
	teardown(&fx);
}

/* Threads render the same compiled templates at once, each into its own
 * buffer, asking the set for the template for each page as the site does
 * (that must only read, once the template is compiled). */
struct job {
	struct tmpl_set *set;
	const struct val *data;
	int mismatches;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	struct buf out = BUF_INIT;
	struct diag d = DIAG_INIT;
	for (int i = 0; i < 300; i++) {
		const struct tmpl *t = tmpl_set_get(j->set, "article", &d);
		buf_reset(&out);
		if (!t || tmpl_render(j->set, t, j->data, &out, &d) || strcmp(out.data, article_html) != 0)
			j->mismatches++;
	}
	buf_free(&out);
	return NULL;
}

static void test_threads(struct arena *a)
{
	struct fixture fx;
	setup(&fx, theme);
	struct job jobs[8];
	pthread_t threads[8];
	const struct tmpl *t = tmpl_set_get(fx.set, "article", &fx.d);
	int started = 0, mismatches = 0;
	for (int i = 0; i < 8 && t; i++) {
		jobs[i] = (struct job){ fx.set, theme_data(a), 0 };
		started += pthread_create(&threads[i], NULL, render_many, &jobs[i]) == 0;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		mismatches += jobs[i].mismatches;
	}
	check("threads: 8 threads render the same templates at once", started == 8 && mismatches == 0);
	teardown(&fx);
}

int main(void)
{
	check_module = "tmpl";
	struct arena a = ARENA_INIT;
	test_errors();
	test_errors_in_partials();
	test_missing_partial();
	test_escaping(&a);
	test_values(&a);
	test_theme(&a);
	test_blocks_in_partials();
	test_indentation(&a);
	test_work_limit(&a);
	test_depth_limit(&a);
	test_delimiters_and_dynamic(&a);
	test_compile_once();
	test_threads(&a);
	arena_free(&a);
	return check_done("test_tmpl");
}
