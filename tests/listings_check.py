#!/usr/bin/env python3
"""listings_check: the bounded listings of a built site, read as a reader's browser would.

usage: listings_check.py SITE-DIR LIMIT

What each report is (its date, its places, tags and people) is read from its own page. Then:
- every period page (a place's month, a tag's or person's year or month, a month or day of the date
  archive) lists exactly the reports of its owner (a place with its sub-places) and period, over its
  numbered pages, with no gaps and no repeats, at most LIMIT a page and exactly LIMIT on all but the last;
- every owner and period with reports has its page;
- every heatmap's counts (the SVG cells' titles, and its table) equal the listings' counts, every cell with
  reports links to its page and every cell has a title;
- no listing page (anything but a report) lists more than 2 × LIMIT reports;
- every period a heatmap links to is also linked outside its picture and its shut table (the tab order).
Prints `ok - listings: …` / `not ok - listings: …` lines.
"""
import os
import posixpath
import re
import sys

root, limit = sys.argv[1], int(sys.argv[2])
failures = 0


def check(name, good, details=()):
    global failures
    print(("ok - listings: " if good else "not ok - listings: ") + name)
    if not good:
        failures += 1
        for d in list(details)[:20]:
            print("#   " + str(d))


pages = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith(".html"):
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            with open(full, encoding="utf-8") as fh:
                pages[rel] = fh.read()


def resolve(page, href):
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))


def main_of(html):
    i = html.find("<main")
    return html[i:html.find("</main>")]


ITEM = re.compile(r'<li class="item[^"]*">\s*(?:<p class="item-title">)?<a href="([^"]+)"')


def items(page):
    return [resolve(page, h) for h in ITEM.findall(main_of(pages[page]))]


# What each report is, from its own page.
OWNER = re.compile(r'href="([^"]*(?:places|tags|reporters)/[^"]+/index\.html)"')
reports = {}
for p, html in pages.items():
    if p.startswith("reports/") and p.endswith("/index.html"):
        body = main_of(html)
        date = re.search(r'<time datetime="([0-9-]+)"', body).group(1)
        owners = {posixpath.dirname(resolve(p, h)) + "/" for h in OWNER.findall(html)}
        reports[p] = (date, owners)

# Every period page: owner directory, year, month, day.
PERIOD = re.compile(r"^((?:places/.+?/|tags/[^/]+/|reporters/[^/]+/|dates/))(\d{4})/(?:(\d{2})/)?(?:(\d{2})/)?index\.html$")


def listing(first):
    """The reports over every numbered page of the listing whose first page is `first`, and its problems."""
    base, problems, got = first[: -len("index.html")], [], []
    if base + "page/1/index.html" in pages:
        problems.append(f"{first}: a page/1/ beside the first page")
    n = 1
    while True:
        page = first if n == 1 else f"{base}page/{n}/index.html"
        if page not in pages:
            break
        its = items(page)
        got.append(its)
        n += 1
    sizes = [len(x) for x in got]
    if any(s > limit for s in sizes) or any(s != limit for s in sizes[:-1]):
        problems.append(f"{first}: pages of {sizes} reports (limit {limit})")
    if n - 1 > 1 and f"{base}page/{n}/index.html" in pages:
        problems.append(f"{first}: a gap in its pages")
    flat = [r for x in got for r in x]
    if len(flat) != len(set(flat)):
        problems.append(f"{first}: a report listed twice")
    return set(flat), problems


expected = {}
for rep, (date, owners) in reports.items():
    y, m = date[:4], date[5:7]
    for o in owners | {"dates/"}:
        for key in ((o, y, None, None), (o, y, m, None)):
            expected.setdefault(key, set()).add(rep)
    if len(date) == 10:
        expected.setdefault(("dates/", y, m, date[8:10]), set()).add(rep)

MONTHS = re.compile(r'<nav class="place-children period-months"[^>]*>(.*?)</nav>', re.S)
year_pages = {p for p in pages if PERIOD.match(p) and MONTHS.search(pages[p])}
bad, seen, counts, nperiod = [], set(), {}, 0
for p in sorted(pages):
    mt = PERIOD.match(p)
    if not mt or "/page/" in p:
        continue
    owner, y, m, d = mt.groups()
    if owner == "dates/" and not m:
        continue  # a year of the date archive: its newest reports only, checked below
    if p in year_pages:
        continue  # a year split into months: its months, checked below
    nperiod += 1
    got, problems = listing(p)
    bad += problems
    want = expected.get((owner, y, m, d), set())
    if got != want:
        bad.append(f"{p}: lists {len(got)}, expected {len(want)} (missing {sorted(want - got)[:3]}, extra {sorted(got - want)[:3]})")
    seen.add((owner, y, m, d))
    counts[p] = len(got)
check(f"{nperiod} period pages each list exactly their owner's reports of their period, "
      f"at most {limit} a page, numbered pages without gaps or repeats", not bad, bad)

# A year folder split into months has a page of its own: each month with reports, linking to its page
# with its count, adding up to the year's; and no folder of a place, tag or person (its years, months
# and days) is without its index.html (a URL trimmed by hand finds a page), page/ folders apart.
bad = []
for p in sorted(year_pages):
    owner, y = PERIOD.match(p).groups()[:2]
    links = {resolve(p, h): int(n) for h, n in
             re.findall(r'<li><a href="([^"]+)">[^<]+</a> <span class="count">(\d+) 篇</span></li>', MONTHS.search(pages[p]).group(1))}
    want = {f"{owner}{y}/{m}/index.html" for (o, yy, m, d) in expected if o == owner and yy == y and m and not d}
    if set(links) != want or any(counts.get(t) != n for t, n in links.items()):
        bad.append(f"{p}: months {sorted(links.items())[:4]}, expected {sorted(want)[:4]}")
    if sum(links.values()) != len(expected.get((owner, y, None, None), ())):
        bad.append(f"{p}: months add up to {sum(links.values())}")
dirs = {posixpath.dirname(p) for p in pages}
parents = set()
for d in dirs:
    while d:
        parents.add(d)
        d = posixpath.dirname(d)
missing = sorted(d for d in parents if re.match(r"(places|tags|reporters|dates)(/|$)", d)
                 and not re.search(r"(^|/)page$", d) and d + "/index.html" not in pages)
check(f"{len(year_pages)} year folders split into months have their page, each month linked with its count; "
      f"every folder of places/, tags/, reporters/ and dates/ but page/ has an index.html",
      year_pages and not bad and not missing, bad + [f"{d}/ has no index.html" for d in missing])

# Every place has a page for every month it has reports; a tag or person for each year (or its months).
missing = []
for (owner, y, m, d) in expected:
    if owner.startswith("places/") and m and (owner, y, m, None) not in seen:
        missing.append(f"{owner}{y}/{m}/")
    if owner.startswith(("tags/", "reporters/")) and not m:
        if (owner, y, None, None) not in seen and not any(k[0] == owner and k[1] == y for k in seen):
            missing.append(f"{owner}{y}/")
check("every place has a page for each month it has reports, every tag and person for each year", not missing, missing)

# Heatmaps: cell counts (SVG titles and the table) against the listings they link to.
CELL = re.compile(r'(?:<a href="([^"]+)" tabindex="-1">)?<rect class="heat-(\d)"[^>]*><title>([^<]*)</title></rect>')
TD = re.compile(r'<td><a href="([^"]+)">(\d+)</a></td>')
bad, nmaps, ncells = [], 0, 0
for p, html in sorted(pages.items()):
    if 'class="heatmap heatmap-' not in html:
        continue
    nmaps += 1
    sums, table, shades = {}, {}, []
    for href, level, title in CELL.findall(html):
        ncells += 1
        mt = re.search(r"：(\d+)篇报道(?:（链接到(\d{4})年全年）)?$", title)
        n = int(mt.group(1)) if mt else 0
        if n:
            shades.append((n, int(level)))
        if not mt and not title.endswith("：没有报道"):
            bad.append(f"{p}: a cell titled {title!r}")
        # a month cell leading to its year's page (the month has none) says so in its title
        to_year = bool(href) and re.search(r"/(\d{4})/index\.html$", resolve(p, href))
        if mt and href and re.match(r"\d{4}年\d+月：", title) and bool(mt.group(2)) != bool(to_year):
            bad.append(f"{p}: the cell {title!r} leads to {resolve(p, href)}")
        if n and not href:
            bad.append(f"{p}: a cell with {n} reports links nowhere ({title})")
        if (n == 0) != (level == "0"):
            bad.append(f"{p}: {title} drawn at level {level}")
        if href:
            t = resolve(p, href)
            sums[t] = sums.get(t, 0) + n
    for href, n in TD.findall(html):
        t = resolve(p, href)
        table[t] = table.get(t, 0) + int(n)
    for t, n in sums.items():
        have = counts.get(t)
        if have is None:
            have = len(listing(t)[0]) if t in pages else None
        if have != n:
            bad.append(f"{p}: the heatmap gives {t} {n} reports, its listing has {have}")
    if 'class="heatmap-table"' in html and table != sums:
        bad.append(f"{p}: the table's counts differ from the cells'")
    # the shades span the counts there are, smallest to largest, and never go down as counts go up
    if shades and len(re.findall(r'class="heatmap heatmap-', html)) == 1:
        shades.sort()
        if shades[0][1] != 1 or any(a[1] > b[1] for a, b in zip(shades, shades[1:])) or (
                shades[-1][0] - shades[0][0] >= 3 and shades[-1][1] != 4):
            bad.append(f"{p}: counts and shades {sorted(set(shades))}")
check(f"{nmaps} heatmaps ({ncells} cells): every count equals its listing's, every cell has a title, "
      f"every cell with reports links to its page, the tables agree, the shades span the counts there are",
      nmaps > 0 and not bad, bad)

# A month of the date archive over its numbered pages: the dated reports first, newest first, then those
# known only to the month (README: they come after the dated ones), under the same headings on every page.
bad, nmonths, npointing = [], 0, 0
for p in sorted(pages):
    mt = re.fullmatch(r"dates/(\d{4})/(\d\d)/index\.html", p)
    if not mt:
        continue
    base, n, order, heads, without = p[: -len("index.html")], 1, [], set(), []
    while (page := p if n == 1 else f"{base}page/{n}/index.html") in pages:
        order += [reports[r][0] for r in items(page)]
        heads.update(re.findall(r'<h2 id="s-items">([^<（]+)', pages[page]))
        if 'id="s-month-only"' not in pages[page]:
            without.append(page)
        n += 1
    dated = [d for d in order if len(d) == 10]
    if not any(len(d) == 7 for d in order):
        continue
    nmonths += 1
    if order != dated + [d for d in order if len(d) == 7] or dated != sorted(dated, reverse=True):
        bad.append(f"{p}: in page order {order}")
    if heads - {"具体到日的报道"}:
        bad.append(f"{p}: the dated list is headed {sorted(heads)}")
    # a page without them says which page has them, and links there
    for page in without:
        link = re.search(r'只知月份，列在<a href="([^"]+)">第(\d+)页</a>', pages[page])
        target = resolve(page, link.group(1)) if link else None
        if (not link or not link.group(1).endswith("#s-month-only") or target not in pages
                or 'id="s-month-only"' not in pages[target]):
            bad.append(f"{page}: no link to the page of its month-only reports")
        else:
            npointing += 1
check(f"{nmonths} months with reports known only to the month list them after the dated ones over their "
      f"numbered pages, under one heading; {npointing} pages without them link to the page that has them",
      nmonths > 0 and not bad, bad)

# Links down: a place × month page lists its sub-places with reports that month (each linking to its own
# page of that month, with its count); a month of the date archive lists its districts with reports then.
NAV = re.compile(r'<nav class="place-children" aria-label="([^"]+)">(.*?)</nav>', re.S)
LINK = re.compile(r'<li><a href="([^"]+)">[^<]+</a> <span class="count">(\d+) 篇</span></li>')
bad, nplace, ndate = [], 0, 0
for p in sorted(pages):
    mt = PERIOD.match(p)
    if not mt or "/page/" in p or mt.group(4) or not mt.group(3):
        continue
    owner, y, m, _ = mt.groups()
    if not owner.startswith(("places/", "dates/")):
        continue
    navs = [body for label, body in NAV.findall(pages[p]) if "下属地点" in label or "有报道的区县" in label]
    got = {resolve(p, h): int(n) for body in navs for h, n in LINK.findall(body)}
    for t, n in got.items():
        if counts.get(t) != n or not t.endswith(f"/{y}/{m}/index.html"):
            bad.append(f"{p}: links {t} as {n} reports, it lists {counts.get(t)}")
    if owner.startswith("places/"):
        want = {f"{o}{y}/{m}/index.html" for (o, yy, mm, d) in expected
                if yy == y and mm == m and not d and o.startswith(owner) and o != owner
                and o[len(owner):].count("/") == 1}
        if len(want) <= 40 and set(got) != want:
            bad.append(f"{p}: sub-places {sorted(got)}, expected {sorted(want)}")
        nplace += bool(got)
    else:
        ndate += bool(got)
check(f"{nplace} place × month pages link their sub-places' same month, {ndate} date months their districts'",
      nplace > 0 and ndate > 0 and not bad, bad)

# One rel=prev and one rel=next a page at most (a numbered page's neighbours, else the period's), and the
# lead's links on a place × month page apart, each kept on one line.
PREV, NEXT = 'rel="prev"', 'rel="next"'
bad = [f"{p}: {html.count(PREV)} rel=prev, {html.count(NEXT)} rel=next" for p, html in pages.items()
       if html.count(PREV) > 1 or html.count(NEXT) > 1]
for p, html in pages.items():
    if PERIOD.match(p) and p.startswith("places/") and 'class="lead-link"' in html:
        lead = re.search(r'<p class="lead">(.*?)</p>', html, re.S).group(1)
        if not re.search(r'返回[^<]+</a> ·\s*<a class="lead-link" href="[^"]+">上一级：', lead):
            bad.append(f"{p}: lead {lead.strip()!r}")
check("no page has two rel=prev or rel=next; a place × month page's lead links are set apart", not bad, bad)

# Keyboard and screen readers: the picture is out of the tab order and hidden from them (no focusable link
# inside it, no role="img" holding links); the figure is named by its title and described once; the table,
# behind a <details> everyone can open, carries the links.
bad, nfig = [], 0
for p, html in sorted(pages.items()):
    for fig in re.findall(r'<div class="heatmap heatmap-.*?</figure>(?:\s*<details class="heatmap-table-wrap">)?', html, re.S):
        nfig += 1
        svg = fig[fig.index('<svg class="heatmap-svg"'):fig.index("</svg>")]
        if 'aria-hidden="true"' not in svg[:svg.index(">")] or 'role="img"' in fig:
            bad.append(f"{p}: the heatmap's picture is not hidden from screen readers")
        if re.search(r'<a (?![^>]*tabindex="-1")', svg):
            bad.append(f"{p}: a link in the heatmap's picture is a tab stop")
        if '<figure aria-labelledby="heatmap-t" aria-describedby="heatmap-d">' not in fig:
            bad.append(f"{p}: the figure is not named by its title and described by its description")
        if '"heatmap-table"' in html and not fig.endswith('<details class="heatmap-table-wrap">'):
            bad.append(f"{p}: the table is not behind a <details>")
check(f"{nfig} heatmaps: no tab stops in the picture, the figure named once, the table behind <details>",
      nfig > 0 and not bad, bad)

# The picture is hidden from screen readers, so the description they hear sends them to the numbers they can
# reach: the table (by its summary), or a month page's calendar; never to the legend or the cells' titles.
bad, ndesc = [], 0
for p, html in sorted(pages.items()):
    for fig in re.findall(r'<div class="heatmap heatmap-.*?</details>|<div class="heatmap heatmap-.*?</figure>', html, re.S):
        ndesc += 1
        desc = re.search(r'id="heatmap-d">([^<]*)<', fig).group(1)
        summary = re.search(r"<summary>([^<]+)</summary>", fig)
        where = f"见图下的表格（{summary.group(1)}）" if summary else "见本页的日历"
        if where not in desc or "图例" in desc or "标题" in desc:
            bad.append(f"{p}: {desc}")
check(f"{ndesc} heatmaps' descriptions point to their table (or the calendar), not to the hidden legend",
      ndesc > 0 and not bad, bad)

# A year's day heatmap counts the reports known only to their month too: its description's total is the
# year's, each row's 全月 the month's, and the 只知月份 column says how many have no day cell.
bad, nonly = [], 0
ROW = re.compile(r'<tr><th scope="row">(\d{4})年(\d+)月</th>(.*?)</tr>')
for p, html in sorted(pages.items()):
    mt = re.fullmatch(r"dates/(\d{4})/index\.html", p)
    if not mt:
        continue
    y = mt.group(1)
    want = len(expected.get(("dates/", y, None, None), ()))
    d = re.search(r'id="heatmap-d">共(\d+)篇报道。', html)
    if not d or int(d.group(1)) != want:
        bad.append(f"{p}: the description gives {d and d.group(1)}, the year has {want}")
    for yy, m, tds in ROW.findall(html):
        cells = re.findall(r"<td>(?:<a [^>]*>)?(\d*)(?:</a>)?</td>", tds)
        month = expected.get(("dates/", yy, f"{int(m):02d}", None), set())
        only = sum(1 for r in month if len(reports[r][0]) == 7)
        nonly += only
        if len(cells) != 33 or int(cells[-1]) != len(month) or int(cells[-2]) != only:
            bad.append(f"{p}: {yy}-{m}: 只知月份 {cells[-2:-1]}, 全月 {cells[-1:]}; the month has {len(month)}, {only} without a day")
check(f"year heatmaps: totals include the {nonly} reports known only to their month, and say how many",
      nonly > 0 and not bad, bad)

# Month headings of the newest-N lists: each links to its month's page and gives that month's whole
# count (a month cut short also says how many are listed here).
HEAD = re.compile(r'<h2 id="g[^"]+">(?:<a href="([^"]+)">)?([^<]+)(?:</a>)? <span class="count">([^<]*)</span>'
                  r'(?: <a class="group-year" href="([^"]+)">([^<]+)</a>)?</h2>')
bad, nheads, ncut, nyear = [], 0, 0, 0
for p, html in sorted(pages.items()):
    if 'class="heatmap heatmap-' not in html:
        continue
    for href, label, count, year_href, year_text in HEAD.findall(main_of(html)):
        nheads += 1
        if year_href:  # a month without a page of its own: the heading is plain, the link after it names the year
            t = resolve(p, year_href)
            if href or not re.fullmatch(rf"（本月没有单独的页面，见{label[:4]}年全年）", year_text) or not t.endswith(f"/{label[:4]}/index.html"):
                bad.append(f"{p}: heading {label} links {year_text} to {t}")
            nyear += 1
            continue
        m = re.fullmatch(r"(\d+) 篇(?:，此处列出 (\d+) 篇)?", count)  # one form, cut short or not
        if not href or not m:
            bad.append(f"{p}: heading {label} {count!r} {'unlinked' if not href else ''}")
            continue
        t = resolve(p, href)
        whole = counts.get(t)
        if whole is None:
            whole = len(listing(t)[0]) if t in pages else None
        if t.endswith(("/0/index.html",)) or not re.search(r"/\d{4}/\d\d/index\.html$", t):
            bad.append(f"{p}: heading {label} links to {t}, not its month's page")
        if m.group(2):
            ncut += 1
        if not re.search(r"/\d{4}/\d\d/index\.html$", t):
            continue  # a tag's year page: the heading counts the month only
        if whole != int(m.group(1)):
            bad.append(f"{p}: heading {label} says {m.group(1)}, {t} lists {whole}")
check(f"{nheads} month headings ({ncut} cut short) link to their month's page and give its whole count, "
      f"or ({nyear}) name the year whose page they link to",
      nheads > 0 and ncut > 0 and not bad, bad)  # (no year-linked heading when every tag's year is split)

# No listing lists everything: neither reports nor printed pages (版面).
SERIES = re.compile(r'<ul class="series-list">(.*?)</ul>', re.S)
over = [f"{p}: {len(items(p))} reports" for p in pages
        if not p.startswith("reports/") and len(items(p)) > 2 * limit]
over += [f"{p}: {n} printed pages" for p in pages
         if (n := sum(body.count("<li>") for body in SERIES.findall(pages[p]))) > limit]
nseries = len([p for p in pages if re.fullmatch(r"series/[^/]+/index\.html", p)])
check(f"no page but a report's lists more than {2 * limit} reports, or more than {limit} of the {nseries} printed pages",
      nseries > limit and not over, over)

# series/ over its numbered pages lists every printed page once, newest first.
got, problems = [], []
n = 1
while (page := "series/index.html" if n == 1 else f"series/page/{n}/index.html") in pages:
    got += [resolve(page, h) for body in SERIES.findall(pages[page])
            for h in re.findall(r'<a href="([^"]+)">', body)]
    n += 1
want = {p for p in pages if re.fullmatch(r"series/[^/]+/index\.html", p)}
check(f"series/ lists each of the {len(want)} printed pages once over its {n - 1} numbered pages",
      n > 2 and len(got) == len(set(got)) and set(got) == want, [f"{len(got)} listed, {len(set(got))} distinct"])
# Every place, tag and reporter page links to each of its year pages, newest first, with counts that add up
# to the reports its year pages cover.
YEAR_NAV = re.compile(r'<nav class="year-links"[^>]*>(.*?)</nav>', re.S)
YEAR_LINK = re.compile(r'<a href="([^"]+)">(\d{4})年</a> <span class="count">(\d+) 篇</span>')
nowners, problems = 0, []
year_pages = {}  # owner folder → its year pages (found once: a scan of every page per owner took seconds)
for p in pages:
    if m := re.fullmatch(r"(.*/)\d{4}/index\.html", p):
        year_pages.setdefault(m.group(1), set()).add(p)
for page, html in pages.items():
    m = re.fullmatch(r"((?:places/(?:[^/]+/)+?)|(?:tags|reporters)/[^/]+/)index\.html", page)
    if not m or re.search(r"/\d{4}/", page) or "/page/" in page:
        continue
    owner = m.group(1)
    folders = year_pages.get(owner, set())
    if not folders:
        continue
    nowners += 1
    nav = YEAR_NAV.search(html)
    links = YEAR_LINK.findall(nav.group(1)) if nav else []
    targets = [resolve(page, h) for h, _, _ in links]
    years = [int(y) for _, y, _ in links]
    if set(targets) != folders or years != sorted(years, reverse=True) or len(set(years)) != len(years):
        problems.append(f"{page}: links {targets}, year folders {sorted(folders)}")
    # and a keyboard user jumps there from the top, before the heatmap and the newest reports
    m = re.search(r'<a [^>]*href="#year-links"[^>]*>按年、按月浏览</a>', html)
    jump = m.start() if m else -1
    if jump < 0 or jump > html.find('class="heatmap') > 0 or (nav and jump > nav.start()):
        problems.append(f"{page}: no jump to the years near the top")
check(f"{nowners} place, tag and reporter pages link to each of their year pages, newest first, with a jump "
      f"there near the top", nowners > 0 and not problems, problems)
# The place trees (home, places/) add up: each node's count is its listed places' counts plus the
# "另有 N 篇未标…" line; a month's lists of places (the date archive's districts, a place month's sub-places)
# likewise add up to the month's count.
from html.parser import HTMLParser


class Tree(HTMLParser):
    """Nodes of ul.place-tree: [count, [children counts], unlisted]."""

    def __init__(self):
        super().__init__()
        self.depth, self.stack, self.bad, self.nodes, self.inside = 0, [], [], 0, 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ul" and "place-tree" in (a.get("class") or ""):
            self.inside = 1
        elif tag == "ul" and self.inside:
            self.inside += 1
        if tag == "li" and self.inside:
            self.stack.append({"hint": a.get("class") == "hint", "count": None, "kids": [], "unlisted": 0})
            self.text = ""

    def handle_data(self, data):
        if self.stack:
            node = self.stack[-1]
            m = re.search(r"(\d+) 篇", data)
            if node["hint"]:
                mm = re.search(r"另有 (\d+) 篇未标", data)
                node["unlisted"] = int(mm.group(1)) if mm else 0
            elif m and node["count"] is None:
                node["count"] = int(m.group(1))

    def handle_endtag(self, tag):
        if tag == "ul" and self.inside:
            self.inside -= 1
        if tag == "li" and self.stack:
            node = self.stack.pop()
            if node["hint"]:
                if self.stack:
                    self.stack[-1]["unlisted"] += node["unlisted"]
                return
            if node["kids"]:
                self.nodes += 1
                got = sum(node["kids"]) + node["unlisted"]
                if got != node["count"]:
                    self.bad.append(f"{node['count']} 篇 but listed below {got}")
            if self.stack and node["count"] is not None:
                self.stack[-1]["kids"].append(node["count"])


bad, ntrees, nnodes = [], 0, 0
for page in ("index.html", "places/index.html"):
    if page in pages and 'class="place-tree"' in pages[page]:
        t = Tree()
        t.feed(pages[page])
        ntrees += 1
        nnodes += t.nodes
        bad += [f"{page}: {b}" for b in t.bad]
check(f"the place trees of {ntrees} pages add up at each of their {nnodes} nodes with places below them",
      ntrees > 0 and nnodes > 0 and not bad, bad)
bad, nlists = [], 0
for page, html in pages.items():
    if not re.fullmatch(r"(dates/\d{4}/\d{2}|places/(?:[^/]+/)+\d{4}/\d{2})/index\.html", page):
        continue
    nav = re.search(r'<nav class="place-children" aria-label="[^"]*(?:有报道的区县|下级地区的)[^"]*">(.*?)</nav>', html, re.S)
    if not nav or "_more" in nav.group(1) or "以上是报道最多的" in nav.group(1):
        continue
    head = re.search(r"共(?:有报道)? ?(\d+) 篇", main_of(html))
    if not head:
        continue
    nlists += 1
    got = sum(int(n) for n in re.findall(r'<span class="count">(\d+) 篇</span>', nav.group(1)))
    extra = re.search(r"另有 (\d+) 篇(?:未标|只标到)", nav.group(1))
    got += int(extra.group(1)) if extra else 0
    if got != int(head.group(1)):
        bad.append(f"{page}: places listed and the line under them {got}, the month {head.group(1)}")
check(f"{nlists} month pages: their places' counts and the reports in none of them add up to the month's",
      nlists > 0 and not bad, bad[:10])
# Every place, tag and reporter page shows its feed in the page, not only in <head> (browsers show no
# <head> link): a link in the body to the feed.xml beside it, which exists.
bad, nfeeds = [], 0
for page, html in pages.items():
    m = re.fullmatch(r"((?:places/(?:[^/]+/)+?)|(?:tags|reporters)/[^/]+/)index\.html", page)
    if not m or re.search(r"/\d{4}/", page) or "/page/" in page:
        continue
    nfeeds += 1
    links = {resolve(page, h) for h in re.findall(r'<a href="([^"]+)" type="application/atom\+xml">', main_of(html))}
    want = m.group(1) + "feed.xml"
    if links != {want} or not os.path.isfile(os.path.join(root, want)):
        bad.append(f"{page}: feed links in the page {sorted(links)}")
check(f"{nfeeds} place, tag and reporter pages link their feed in the page", nfeeds > 0 and not bad, bad)
# A place's sub-places' counts (both lists) and the reports filed at the place itself add up to its count.
bad, nsum = [], 0
for page, html in pages.items():
    if not re.fullmatch(r"places/(?:[^/]+/)+index\.html", page) or re.search(r"/\d{4}/|/page/", page):
        continue
    total = re.search(r"共有报道 (\d+) 篇", html)
    navs = re.findall(r'<nav class="place-children" aria-label="(?:下属|直属)[^"]*">(.*?)</nav>', html, re.S)
    if not total or not navs:
        continue
    nsum += 1
    got = sum(int(n) for nav in navs for n in re.findall(r'<span class="count">(\d+) 篇</span>', nav))
    here = re.search(r"另有 (\d+) 篇只标到", html)
    got += int(here.group(1)) if here else 0
    if got != int(total.group(1)):
        bad.append(f"{page}: sub-places and filed here {got}, the place {total.group(1)}")
check(f"{nsum} place pages: the sub-places' counts and the reports filed at the place itself add up to its count",
      nsum > 0 and not bad, bad)
# Keyboard users reach older reports without opening a <details>: every period page a heatmap links (its
# picture's cells are out of the tab order, its table is shut) is also linked outside both, in the tab order;
# a day's page through its month's page, linked so.
HEATMAP = re.compile(r'<div class="heatmap heatmap-\w+">(.*?)</details>\s*</div>|<div class="heatmap heatmap-\w+">(.*?)</figure>\s*</div>', re.S)
HIDDEN = re.compile(r'<details.*?</details>|<svg.*?</svg>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')
DAY = re.compile(r"(.*/\d{4}/\d{2}/)\d{2}/index\.html$")
bad, nmaps, nlinks = [], 0, 0
for page, html in pages.items():
    body = main_of(html)
    maps = HEATMAP.findall(body)
    if not maps:
        continue
    nmaps += 1
    shown = {resolve(page, h) for h in HREF.findall(HIDDEN.sub("", body)) if 'tabindex="-1"' not in h}
    for inner in ("".join(m) for m in maps):
        for target in {resolve(page, h) for h in re.findall(r'href="([^"]+)"', inner)}:
            nlinks += 1
            day = DAY.match(target)
            if target not in shown and not (day and day.group(1) + "index.html" in shown):
                bad.append(f"{page}: {target} only in the heatmap")
check(f"{nmaps} pages with a heatmap link each of its {nlinks} periods (a day through its month) outside the "
      f"picture and the shut table", nmaps > 0 and not bad, sorted(set(bad)))
# A month of the date archive shows one day grid, its calendar (each day with reports linking to its page
# with its count, which equals the day's listing): not a heatmap of the same days besides.
CAL_DAY = re.compile(r'<td class="has-reports"><a href="([^"]+)"><span class="cal-day">(\d+)<.*?<span class="cal-count">(\d+) 篇</span></a></td>')
bad, nmonths = [], 0
for page, html in sorted(pages.items()):
    mt = re.fullmatch(r"dates/(\d{4})/(\d{2})/index\.html", page)
    if not mt:
        continue
    nmonths += 1
    body = main_of(html)
    ncal, nmap = body.count('<table class="calendar">'), body.count('class="heatmap heatmap-')
    if ncal != 1 or nmap:
        bad.append(f"{page}: {ncal} calendars, {nmap} heatmaps")
    for href, day, n in CAL_DAY.findall(body):
        t = resolve(page, href)
        if t != f"dates/{mt.group(1)}/{mt.group(2)}/{int(day):02d}/index.html" or len(listing(t)[0]) != int(n):
            bad.append(f"{page}: day {day} says {n}, links {t} listing {len(listing(t)[0]) if t in pages else None}")
check(f"{nmonths} month pages show one day grid, their calendar, whose days' counts equal their listings",
      nmonths > 0 and not bad, bad)
# No page shows Markdown's "**" as text (the corpus's bold lead sentences, and every summary of them).
stars = [p for p, html in sorted(pages.items()) if "**" in main_of(html)]
check(f"no page of {len(pages)} shows '**' as text", not stars, stars)
# Every page has a title of its own (a tab, bookmark or search result shows no more): places of one name in
# different districts or cities are told apart by the place above them.
titles = {}
for page, html in sorted(pages.items()):
    t = re.search(r"<title>(.*?)</title>", html, re.S)
    if t:
        titles.setdefault(t.group(1), []).append(page)
same = [f"{t}: {', '.join(ps[:3])}" for t, ps in titles.items() if len(ps) > 1]
check(f"the {len(titles)} page titles are all different", titles and not same, same)
sys.exit(1 if failures else 0)
