#!/usr/bin/env python3
"""The feeds and the sitemap, as a feed reader and a crawler see them (tests/feeds.sh).

  feeds_check.py gen DIR        writes DIR/config.yml and DIR/content/: a small archive
                                whose every name has a slug in the config, and
                                DIR/manifest.json: each report's places, tags, people, date
  feeds_check.py check OUT DIR  checks OUT, built from DIR; prints `ok - …` / `not ok - …`
  feeds_check.py split OUT DIR LIMIT   checks OUT's sitemap index (built with sitemap_limit LIMIT)
"""
import datetime
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

BASE = "https://example.org/feeds/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEED_ENTRIES = 20
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# name → slug, for every name the archive uses: the paths are known in advance
PROVINCE = ("山西省", "sx")
CITIES = {"吕梁市": ("ll", {"离石区": "ls", "石楼县": "sl"}), "太原市": ("ty", {"小店区": "xd"})}
COMMUNITIES = {"离石区": {"昌宁社区": "cn", "丽景街社区": "ljj"}, "太原市": {"康宁街社区": "knj"}}
TAGS = {"防疫": "fy", "网格员": "wgy", "志愿者": "zyz"}
REPORTERS = {"张三": "zhang", "李四": "li"}
CORRESPONDENTS = {"王五": "wang"}


def gen(d):
    slugs = {PROVINCE[0]: PROVINCE[1]}
    for city, (cs, dists) in CITIES.items():
        slugs[city] = cs
        slugs.update(dists)
    for comms in COMMUNITIES.values():
        slugs.update(comms)
    for m in (TAGS, REPORTERS, CORRESPONDENTS):
        slugs.update(m)
    with open(os.path.join(d, "config.yml"), "w") as f:
        f.write("title: 订阅测试\ndescription: 测试\nbase_url: %s\n" % BASE)
        f.write("regions:\n  %s:\n" % PROVINCE[0])
        for city, (_, dists) in CITIES.items():
            f.write("    %s: [%s]\n" % (city, ", ".join(dists)))
        f.write("slugs:\n" + "".join("  %s: %s\n" % kv for kv in slugs.items()))
    places = []	# (district or None, city, community or None)
    for city, (_, dists) in CITIES.items():
        for dist in dists:
            places.append((dist, city, None))
            for comm in COMMUNITIES.get(dist, {}):
                places.append((dist, city, comm))
        for comm in COMMUNITIES.get(city, {}):
            places.append((None, city, comm))
        places.append((None, city, None))
    manifest = []
    day0 = datetime.date(2020, 1, 20)
    for i in range(90):
        # 3 reports a day now and then, so that the feeds' cut falls among equal dates
        day = day0 + datetime.timedelta(days=(i // 3 if i % 5 else i) * 11)
        dist, city, comm = places[(i * 7) % len(places)] if i % 4 else places[0]
        month_only = i % 13 == 5
        date = day.strftime("%Y-%m") if month_only else day.isoformat()
        reps = [list(REPORTERS)[i % 2]] if i % 6 else []
        corr = list(CORRESPONDENTS) if i % 3 == 0 else []
        tags = [t for k, t in enumerate(TAGS) if (i >> k) & 1]
        other = i == 17
        fm = ["title: 第%d篇 <报道> & “引号”" % i, "date: %s" % date]
        fm.append("district: %s" % dist if dist else "city: %s" % city)
        if comm:
            fm.append("community: %s" % comm)
        if other:
            fm += ["kind: other", "author: [赵六]"]
        else:
            if reps:
                fm.append("reporters: [%s]" % ", ".join(reps))
            if corr:
                fm.append("correspondents: [%s]" % ", ".join(corr))
        if tags:
            fm.append("tags: [%s]" % ", ".join(tags))
        slug = "r%03d" % i
        os.makedirs(os.path.join(d, "content", str(day.year)), exist_ok=True)
        with open(os.path.join(d, "content", str(day.year), slug + ".md"), "w") as f:
            f.write("---\n%s\n---\n\n第%d篇报道的正文,写在这里。\n" % ("\n".join(fm), i))
        cs, dists = CITIES[city]
        chain = ["places/sx/", "places/sx/%s/" % cs]
        if dist:
            chain.append(chain[-1] + dists[dist] + "/")
        if comm:
            chain.append(chain[-1] + COMMUNITIES[dist or city][comm] + "/")
        people = [] if other else [REPORTERS[r] for r in reps] + [CORRESPONDENTS[c] for c in corr]
        manifest.append({
            "url": BASE + "reports/%s/" % slug, "date": date, "places": chain,
            "tags": ["tags/%s/" % TAGS[t] for t in tags],
            "people": ["reporters/%s/" % p for p in people],
            "authors": ["赵六"] if other else reps,
        })
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, ensure_ascii=False)


failures = 0


def report(ok, name, details=()):
    global failures
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        failures += 1
        for line in list(details)[:10]:
            print("#   " + str(line))


def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def atom_problems(path, rel):
    """What makes the feed at OUT/rel invalid Atom (RFC 4287), as a list of strings."""
    bad = []
    try:
        feed = ET.parse(path).getroot()
    except ET.ParseError as e:
        return ["%s: not XML: %s" % (rel, e)], None
    if feed.tag != ATOM + "feed":
        return ["%s: the root is %s, not atom:feed" % (rel, feed.tag)], None

    def one(el, name, where):
        found = el.findall(ATOM + name)
        if len(found) != 1:
            bad.append("%s: %s has %d atom:%s" % (rel, where, len(found), name))
            return None
        return found[0]

    def dated(el, where):
        u = one(el, "updated", where)
        if u is None or not RFC3339.match(u.text or ""):
            bad.append("%s: %s's updated %r is no RFC 3339 date" % (rel, where, None if u is None else u.text))
            return None
        return when(u.text)

    for name in ("id", "title"):
        one(feed, name, "the feed")
    updated = dated(feed, "the feed")
    links = {l.get("rel", "alternate"): l.get("href") for l in feed.findall(ATOM + "link")}
    if links.get("self") != BASE + rel:
        bad.append("%s: link rel=self is %r" % (rel, links.get("self")))
    if "alternate" not in links:
        bad.append("%s: no link rel=alternate" % rel)
    feed_author = feed.find(ATOM + "author/" + ATOM + "name") is not None
    ids, entries, newest = set(), [], None
    for k, e in enumerate(feed.findall(ATOM + "entry")):
        where = "entry %d" % (k + 1)
        i = one(e, "id", where)
        one(e, "title", where)
        u = dated(e, where)
        link = [l for l in e.findall(ATOM + "link") if l.get("rel", "alternate") == "alternate"]
        if len(link) != 1 or i is None or link[0].get("href") != i.text:
            bad.append("%s: %s has no single alternate link equal to its id" % (rel, where))
        if i is not None:
            if i.text in ids:
                bad.append("%s: id %s twice" % (rel, i.text))
            ids.add(i.text)
        if not feed_author and e.find(ATOM + "author/" + ATOM + "name") is None:
            bad.append("%s: %s has no author, nor has the feed" % (rel, where))
        if u and updated and u > updated:
            bad.append("%s: %s is newer (%s) than the feed (%s)" % (rel, where, u, updated))
        if u and (newest is None or u > newest):
            newest = u
        entries.append({
            "id": None if i is None else i.text, "updated": u,
            "authors": [n.text for n in e.findall(ATOM + "author/" + ATOM + "name")],
            "categories": [c.get("term") for c in e.findall(ATOM + "category")],
        })
    if newest and updated != newest:
        bad.append("%s: the feed's updated %s is not its newest entry's %s" % (rel, updated, newest))
    return bad, entries


def html_pages(out):
    pages = set()
    for d, _, files in os.walk(out):
        for f in files:
            if f.endswith(".html"):
                rel = os.path.relpath(os.path.join(d, f), out)
                if rel not in ("404.html", "search/index.html"):
                    pages.add(BASE + (rel[:-len("index.html")] if rel.endswith("index.html") else rel))
    return pages


def sitemap_urls(out, limit=50000):
    """Every <loc> of sitemap.xml or of the sitemaps its index lists: (list of (loc, lastmod), parts)."""
    root = ET.parse(os.path.join(out, "sitemap.xml")).getroot()
    if root.tag == SM + "urlset":
        return [(u.findtext(SM + "loc"), u.findtext(SM + "lastmod")) for u in root.iter(SM + "url")], None
    parts = {}
    for s in root.iter(SM + "sitemap"):
        loc = s.findtext(SM + "loc")
        name = loc[len(BASE):]
        sub = ET.parse(os.path.join(out, name)).getroot()
        parts[name] = ([(u.findtext(SM + "loc"), u.findtext(SM + "lastmod")) for u in sub.iter(SM + "url")],
                       s.findtext(SM + "lastmod"))
    return [u for name in sorted(parts) for u in parts[name][0]], parts


def check_sitemap(out, manifest, urls):
    pages = html_pages(out)
    locs = [u for u, _ in urls]
    twice = sorted({u for u in locs if locs.count(u) > 1})
    report(not twice and set(locs) == pages,
           "feeds: the sitemap lists every page once (%d pages; not 404.html, search/)" % len(pages),
           ["twice: %s" % u for u in twice] + ["missing: %s" % u for u in sorted(pages - set(locs))] +
           ["not a page: %s" % u for u in sorted(set(locs) - pages)])
    dates = {m["url"]: m["date"] for m in manifest}
    newest = max(m["date"] for m in manifest)
    wrong = ["%s: lastmod %s, dated %s" % (u, l, dates[u]) for u, l in urls if u in dates and l != dates[u]]
    wrong += ["%s: lastmod %s is later than every report" % (u, l) for u, l in urls if l and l > newest]
    report(not wrong, "feeds: lastmod is a report's own date, and never later than the newest report (%s)"
           % newest, wrong)


def day_of(m):
    """A report's date as its feed entry gives it: a month-only one as of the first."""
    return m["date"] + ("-01" if len(m["date"]) == 7 else "")


def newest_of(manifest, key, value):
    """The reports filed under value (a place with its sub-places, a tag, a person), newest first."""
    return sorted((m for m in manifest if value in m[key]), key=day_of, reverse=True)


def check(out, d):
    manifest = json.load(open(os.path.join(d, "manifest.json")))
    feeds = sorted(os.path.relpath(os.path.join(p, f), out)
                   for p, _, fs in os.walk(out) for f in fs if f == "feed.xml")
    problems, parsed = [], {}
    for rel in feeds:
        bad, entries = atom_problems(os.path.join(out, rel), rel)
        problems += bad
        parsed[rel] = entries
    report(not problems, "feeds: all %d feeds are valid Atom (required elements, RFC 3339 dates, unique ids, "
           "no entry newer than its feed)" % len(feeds), problems)

    # which feeds there must be: the site's, and one per place, tag and person
    want = {"feed.xml"}
    for m in manifest:
        want.update(p + "feed.xml" for p in m["places"] + m["tags"] + m["people"])
    report(want == set(feeds), "feeds: a feed beside every place (each level), tag and person page",
           ["missing: " + f for f in sorted(want - set(feeds))] + ["extra: " + f for f in sorted(set(feeds) - want)])

    wrong = []
    for rel in feeds:
        if rel == "feed.xml":
            expect = sorted(manifest, key=day_of, reverse=True)
        else:
            page = rel[:-len("feed.xml")]
            key = "places" if page.startswith("places/") else "tags" if page.startswith("tags/") else "people"
            expect = newest_of(manifest, key, page)
        got = [e["id"] for e in parsed.get(rel) or []]
        n = min(len(expect), FEED_ENTRIES)
        # the newest n, up to the order of reports of the same day at the cut
        cut = day_of(expect[n - 1]) if n else None
        sure = {m["url"] for m in expect[:n] if day_of(m) != cut}
        maybe = {m["url"] for m in expect if day_of(m) == cut}
        if len(got) != n or not sure <= set(got) or not set(got) <= sure | maybe:
            wrong.append("%s: %d entries %s, expected the newest %d of %d" % (rel, len(got), got[:3], n, len(expect)))
            continue
        by_url = {m["url"]: m for m in manifest}
        order = [day_of(by_url[u]) for u in got]
        if order != sorted(order, reverse=True):
            wrong.append("%s: entries not newest first: %s" % (rel, order))
        for e in parsed[rel]:
            m = by_url[e["id"]]
            if e["updated"].isoformat() != day_of(m) + "T00:00:00+08:00":
                wrong.append("%s: %s updated %s, dated %s" % (rel, e["id"], e["updated"], m["date"]))
            if e["authors"] != m["authors"]:
                wrong.append("%s: %s authors %s, expected %s" % (rel, e["id"], e["authors"], m["authors"]))
    report(not wrong, "feeds: each feed lists exactly its page's newest %d reports (a place's with its "
           "sub-places), newest first, dated by the report, authored by its reporters" % FEED_ENTRIES, wrong)

    # Feed readers take the first feed a page links: a place's, tag's or person's page, and its period
    # pages (…/2022/10/, …/2022/, and their page/2/), link the owner's feed first, then the site's.
    bad, nperiod = [], 0
    for rel in feeds:
        if rel == "feed.xml":
            continue
        owner = os.path.dirname(rel)
        pages = [os.path.join(owner, "index.html")]
        for p, _, fs in os.walk(os.path.join(out, owner)):
            sub = os.path.relpath(p, out)
            if "index.html" in fs and re.fullmatch(re.escape(owner) + r"/\d{4}(/\d\d)?(/page/\d+)?", sub):
                pages.append(os.path.join(sub, "index.html"))
        nperiod += len(pages) - 1
        for page in pages:
            html = open(os.path.join(out, page), encoding="utf-8").read() if os.path.exists(os.path.join(out, page)) else ""
            hrefs = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
            got = [os.path.normpath(os.path.join(os.path.dirname(page), h)) for h in hrefs]
            if got != [rel, "feed.xml"]:
                bad.append("%s links %s, not %s then the site's" % (page, got, rel))
    report(not bad and nperiod > 0, "feeds: each place, tag and person page and its %d period pages link the "
           "owner's feed first, then the site's" % nperiod, bad)

    urls, parts = sitemap_urls(out)
    report(parts is None, "feeds: below sitemap_limit, sitemap.xml is one <urlset>")
    check_sitemap(out, manifest, urls)


def split(out, d, limit):
    manifest = json.load(open(os.path.join(d, "manifest.json")))
    urls, parts = sitemap_urls(out)
    if parts is None:
        report(False, "feeds: past sitemap_limit %d, sitemap.xml is an index" % limit)
        return
    names = sorted(parts)
    bad = ["%s: %d URLs" % (n, len(parts[n][0])) for n in names if not 1 <= len(parts[n][0]) <= limit]
    bad += ["%s: not a year's or the pages' sitemap" % n for n in names
            if not re.match(r"^sitemap-(\d{4}|pages)(-\d+)?\.xml$", n)]
    dates = {m["url"]: m["date"] for m in manifest}
    for n in names:
        year = re.match(r"^sitemap-(\d{4})", n)
        for u, _ in parts[n][0]:
            # a report's year, or a date or period page's (dates/2022/…, places/…/2022/10/, tags/x/2022/)
            y = dates[u][:4] if u in dates else (re.match(BASE + r"(?:dates/|.*/)(\d{4})/", u) or [None, None])[1]
            if (year.group(1) if year else None) != y:
                bad.append("%s lists %s (year %s)" % (n, u, y))
        newest = max((l for _, l in parts[n][0] if l), default=None)
        if parts[n][1] != newest:
            bad.append("%s: lastmod %s in the index, its newest page %s" % (n, parts[n][1], newest))
    on_disk = sorted(f for f in os.listdir(out) if f.startswith("sitemap-"))
    if on_disk != names:
        bad.append("sitemap files written %s, listed %s" % (on_disk, names))
    report(not bad, "feeds: past sitemap_limit %d, sitemap.xml indexes %d sitemaps (one per year, split when "
           "full, and the pages of no year), each within the limit, its lastmod its newest page's" % (limit, len(names)),
           bad)
    check_sitemap(out, manifest, urls)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        split(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    sys.exit(1 if failures else 0)
