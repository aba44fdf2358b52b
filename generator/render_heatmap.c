/* Calendar heatmaps: counts of reports by month (a year × month grid) or by
 * day (weeks × weekdays, as the familiar contribution calendar), as data
 * for theme/templates/heatmap.mustache, which draws them as inline SVG.
 *
 * Here only the numbers and the geometry are worked out (each cell's x, y,
 * level, title and link); the markup and the colours are the theme's. The
 * same numbers also go into a table, for screen readers and for print. */
#include <string.h>

#include "render_internal.h"
#include "text.h"

#define LEVELS 4	/* shades for counts above zero; 0 is a day or month without reports */
#define KEY_STEP 60	/* the standalone SVG's legend: the width of one entry (a swatch and "100–200 篇") */
#define KEY_ROW 22	/* and the height of its row, below the grid */

/* The counts a heatmap shades: from its smallest above zero to its largest,
 * so that a map whose months all hold 44 to 81 reports still tells them
 * apart (from 1 up, they would all fall in the two darkest shades). */
struct scale {
	size_t lo, hi;
};

/* The shade of a count: 1 … LEVELS in equal steps from lo to hi. */
static int level_of(size_t count, struct scale sc)
{
	if (!count)
		return 0;
	size_t span = sc.hi - sc.lo + 1, at = count > sc.lo ? count - sc.lo : 0;
	return 1 + (int)(at * LEVELS / span);
}

/* The scale of n counts (0 for none: a scale of 1 to 1). */
static struct scale scale_of_counts(struct scale sc, size_t count)
{
	if (!count)
		return sc;
	if (!sc.hi)
		return (struct scale){ count, count };
	return (struct scale){ count < sc.lo ? count : sc.lo, count > sc.hi ? count : sc.hi };
}

/* The legend: each shade with the counts it stands for ("1–3 篇"). */
static struct val *legend(struct render *r, struct scale sc)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	struct val *zero = val_map(a);
	val_set(a, zero, "level", val_str(a, "0"));
	val_set_str(a, zero, "text", "0 篇");
	val_set(a, zero, "x", val_str(a, "0"));
	val_set(a, zero, "tx", val_str(a, "14"));
	val_push(a, list, zero);
	size_t span = sc.hi - sc.lo + 1;
	for (int k = 1; k <= LEVELS && sc.hi; k++) {
		/* the smallest count of shade k, and of shade k + 1 (level_of's inverse) */
		size_t lo = sc.lo + ((size_t)(k - 1) * span + LEVELS - 1) / LEVELS;
		size_t next = sc.lo + ((size_t)k * span + LEVELS - 1) / LEVELS;
		size_t hi = k == LEVELS ? sc.hi : next - 1;
		if (lo > hi)
			continue;
		struct val *e = val_map(a);
		val_set(a, e, "level", val_int(a, k));
		val_set(a, e, "text", lo == hi ? val_strf(a, "%zu 篇", lo) : val_strf(a, "%zu–%zu 篇", lo, hi));
		val_set(a, e, "x", val_strf(a, "%zu", list->u.list.len * KEY_STEP));
		val_set(a, e, "tx", val_strf(a, "%zu", list->u.list.len * KEY_STEP + 14));
		val_push(a, list, e);
	}
	return list;
}

static const char *count_words(struct render *r, const char *when, size_t count)
{
	if (!count)
		return arena_sprintf(&r->scratch, "%s：没有报道", when);
	return arena_sprintf(&r->scratch, "%s：%zu篇报道", when, count);
}

static void push_cell(struct render *r, struct val *cells, int x, int y, size_t count, struct scale sc,
		      const char *when, const char *url)
{
	struct arena *a = &r->scratch;
	struct val *c = val_map(a);
	val_set(a, c, "x", val_int(a, x));
	val_set(a, c, "y", val_int(a, y));
	val_set(a, c, "level", val_int(a, level_of(count, sc)));
	val_set_str(a, c, "title", count_words(r, when, count));
	val_set_bool(a, c, "link", count && url);
	if (count && url)
		val_set_str(a, c, "url", url);
	val_push(a, cells, c);
}

static void push_label(struct render *r, struct val *labels, int x, int y, const char *text)
{
	struct arena *a = &r->scratch;
	struct val *l = val_map(a);
	val_set(a, l, "x", val_int(a, x));
	val_set(a, l, "y", val_int(a, y));
	val_set_str(a, l, "text", text);
	val_push(a, labels, l);
}

/* A table cell: the count, linked when it has reports; `blank` for a day
 * the month does not have. */
static struct val *table_cell(struct render *r, size_t count, const char *url, int blank)
{
	struct arena *a = &r->scratch;
	struct val *c = val_map(a);
	val_set_bool(a, c, "blank", blank);
	val_set(a, c, "text", render_count(r, count));
	val_set_bool(a, c, "link", count && url);
	if (count && url)
		val_set_str(a, c, "url", url);
	return c;
}

/* A column heading: text, and a unit only screen readers hear ("31" + "日"),
 * so that 31 day columns fit a phone's width and a printed page. */
static void push_head(struct render *r, struct val *head, const char *text, const char *unit)
{
	struct arena *a = &r->scratch;
	struct val *h = val_map(a);
	val_set_str(a, h, "text", text);
	if (unit)
		val_set_str(a, h, "unit", unit);
	val_push(a, head, h);
}

/* The figure's description, for screen readers (the picture is hidden from
 * them): the totals, and where the numbers are that they can reach (the
 * table). max 0: no cell has reports (a day grid
 * of reports all known only to their month). */
static const char *page_desc(struct render *r, size_t total, size_t month_only, size_t max, const char *numbers)
{
	struct arena *a = &r->scratch;
	const char *only = month_only ? arena_sprintf(a, "其中%zu篇只知月份，不在日历的格子里。", month_only) : "";
	if (!max)
		return arena_sprintf(a, "共%zu篇报道。%s没有具体到日的报道，日历的格子都是空的。%s", total, only, numbers);
	return arena_sprintf(a, "共%zu篇报道。%s单格最多%zu篇。%s", total, only, max, numbers);
}

/* kind: "months" or "year", for the stylesheet (how large to draw it);
 * month_only: how many of total have no day, and so no cell; numbers: the
 * sentence saying where the numbers are (page_desc). */
static struct val *heatmap_new(struct render *r, const char *kind, const char *title, size_t total,
			       size_t month_only, struct scale sc, int cell, int width, int height, const char *numbers)
{
	size_t max = sc.hi;
	struct arena *a = &r->scratch;
	struct val *h = val_map(a);
	val_set_str(a, h, "kind", kind);
	val_set_str(a, h, "title", title);
	val_set_str(a, h, "desc", page_desc(r, total, month_only, max, numbers));
	val_set(a, h, "size", val_int(a, cell));
	val_set(a, h, "width", val_int(a, width));
	val_set(a, h, "height", val_int(a, height));
	struct val *keys = legend(r, sc);
	render_set_list(r, h, "legend", keys);
	if (!strcmp(kind, "months")) {
		/* the standalone file (heatmap-file.mustache) draws its legend in a row below the grid */
		int keys_width = (int)keys->u.list.len * KEY_STEP;
		val_set_str(a, h, "file_desc", arena_sprintf(a, "共%zu篇报道，单格最多%zu篇。各色代表的篇数见图下的图例，"
								 "每格的篇数写在它的标题里。", total, max));
		val_set(a, h, "file_width", val_int(a, width > keys_width ? width : keys_width));
		val_set(a, h, "file_height", val_int(a, height + KEY_ROW));
		val_set(a, h, "legend_y", val_int(a, height + 8));
		val_set(a, h, "legend_ty", val_int(a, height + 17));
	}
	return h;
}

struct val *render_heatmap_months(struct render *r, const struct render_heat_cell *cells, size_t n,
				  const char *title)
{
	enum { CELL = 14, STEP = 16, LEFT = 40, TOP = 16 };
	struct arena *a = &r->scratch;
	if (!n)
		return NULL;
	int y0 = cells[0].y, y1 = cells[0].y;
	size_t total = 0;
	struct scale sc = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		y0 = cells[i].y < y0 ? cells[i].y : y0;
		y1 = cells[i].y > y1 ? cells[i].y : y1;
		sc = scale_of_counts(sc, cells[i].count);
		total += cells[i].count;
	}
	size_t years = (size_t)(y1 - y0 + 1);
	const struct render_heat_cell **grid = arena_alloc(a, years * 12 * sizeof(*grid));
	for (size_t i = 0; i < n; i++)
		grid[(size_t)(cells[i].y - y0) * 12 + (size_t)cells[i].m - 1] = &cells[i];
	struct val *h = heatmap_new(r, "months", title, total, 0, sc, CELL, LEFT + 12 * STEP, TOP + (int)years * STEP,
				    "各月的篇数见图下的表格（按月的数字）。");
	struct val *out = val_list(a), *labels = val_list(a), *head = val_list(a), *rows = val_list(a);
	push_head(r, head, "年份", NULL);
	for (int m = 1; m <= 12; m++) {
		push_label(r, labels, LEFT + (m - 1) * STEP + CELL / 2, TOP - 4, arena_sprintf(a, "%d", m));
		push_head(r, head, arena_sprintf(a, "%d月", m), NULL);
	}
	push_head(r, head, "全年", NULL);
	for (size_t yi = 0; yi < years; yi++) {
		int y = y0 + (int)yi, top = TOP + (int)yi * STEP;
		push_label(r, labels, LEFT / 2, top + CELL - 3, arena_sprintf(a, "%d", y));
		struct val *row = val_map(a), *tcells = val_list(a);
		size_t sum = 0;
		for (int m = 1; m <= 12; m++) {
			const struct render_heat_cell *c = grid[yi * 12 + (size_t)m - 1];
			size_t count = c ? c->count : 0;
			const char *url = c ? c->url : NULL;
			push_cell(r, out, LEFT + (m - 1) * STEP, top, count, sc, render_month_text(r, y, m), url);
			if (c && c->year_page)	/* the title says where the link leads: no page of its own */
				val_set_str(a, out->u.list.items[out->u.list.len - 1], "title",
					    arena_sprintf(a, "%s：%zu篇报道（链接到%s全年）", render_month_text(r, y, m), count,
							  render_year_text(r, y)));
			val_push(a, tcells, table_cell(r, count, url, 0));
			sum += count;
		}
		val_set_str(a, row, "label", render_year_text(r, y));
		val_set(a, row, "total", render_count(r, sum));
		render_set_list(r, row, "cells", tcells);
		val_push(a, rows, row);
	}
	render_set_list(r, h, "labels", labels);
	render_set_list(r, h, "cells", out);
	render_set_list(r, h, "head", head);
	render_set_list(r, h, "rows", rows);
	val_set_str(a, h, "table_summary", "按月的数字");
	val_set_bool(a, h, "has_table", 1);
	return h;
}

/* Days from 1 January. */
static int day_index(int y, int m, int d)
{
	int k = d - 1;
	for (int i = 1; i < m; i++)
		k += text_days_in_month(y, i);
	return k;
}

struct val *render_heatmap_year(struct render *r, const struct render_heat_cell *cells, size_t n, int y,
				const char *title)
{
	enum { CELL = 11, STEP = 13, LEFT = 22, TOP = 16 };
	static const char *const weekdays[] = { "一", "二", "三", "四", "五", "六", "日" };
	struct arena *a = &r->scratch;
	int ndays = day_index(y, 12, 31) + 1;
	int first = text_weekday(y, 1, 1);
	int weeks = (first + ndays + 6) / 7;
	size_t total = 0, month_only[13] = { 0 }, nonly = 0;
	struct scale sc = { 0, 0 };
	const struct render_heat_cell **grid = arena_alloc(a, (size_t)ndays * sizeof(*grid));
	for (size_t i = 0; i < n; i++) {
		total += cells[i].count;
		if (!cells[i].d) {
			month_only[cells[i].m] += cells[i].count;
			nonly += cells[i].count;
			continue;
		}
		grid[day_index(y, cells[i].m, cells[i].d)] = &cells[i];
		sc = scale_of_counts(sc, cells[i].count);
	}
	struct val *h = heatmap_new(r, "year", title, total, nonly, sc, CELL, LEFT + weeks * STEP, TOP + 7 * STEP,
				    "各日的篇数见图下的表格（按日的数字）。");
	struct val *out = val_list(a), *labels = val_list(a), *rows = val_list(a), *head = val_list(a);
	for (int w = 0; w < 7; w += 2)
		push_label(r, labels, LEFT - 6, TOP + w * STEP + CELL - 2, weekdays[w]);
	struct val *row = NULL, *tcells = NULL;
	size_t sum = 0;
	for (int mm = 1; mm <= 12; mm++) {
		int dim = text_days_in_month(y, mm);
		int col0 = (first + day_index(y, mm, 1)) / 7;
		push_label(r, labels, LEFT + col0 * STEP + CELL / 2, TOP - 4, arena_sprintf(a, "%d月", mm));
		row = val_map(a);
		tcells = val_list(a);
		sum = 0;
		for (int d = 1; d <= 31; d++) {
			if (d > dim) {
				val_push(a, tcells, table_cell(r, 0, NULL, 1));
				continue;
			}
			int k = first + day_index(y, mm, d);
			const struct render_heat_cell *c = grid[k - first];
			size_t count = c ? c->count : 0;
			const char *url = c ? c->url : NULL;
			push_cell(r, out, LEFT + (k / 7) * STEP, TOP + (k % 7) * STEP, count, sc,
				  render_day_text(r, y, mm, d), url);
			val_push(a, tcells, table_cell(r, count, url, 0));
			sum += count;
		}
		val_push(a, tcells, table_cell(r, month_only[mm], NULL, 0));
		sum += month_only[mm];
		val_set_str(a, row, "label", render_month_text(r, y, mm));
		val_set(a, row, "total", render_count(r, sum));
		render_set_list(r, row, "cells", tcells);
		val_push(a, rows, row);
	}
	push_head(r, head, "月份", NULL);
	for (int d = 1; d <= 31; d++)
		push_head(r, head, arena_sprintf(a, "%d", d), "日");
	push_head(r, head, "只知月份", NULL);
	push_head(r, head, "全月", NULL);
	render_set_list(r, h, "labels", labels);
	render_set_list(r, h, "cells", out);
	render_set_list(r, h, "head", head);
	render_set_list(r, h, "rows", rows);
	val_set_str(a, h, "table_summary", "按日的数字");
	val_set_bool(a, h, "has_table", 1);
	return h;
}
