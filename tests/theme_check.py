#!/usr/bin/env python3
"""The theme as a reader sees it (issue 9, defects 6, 7 and 10), and the transcription points of the same
issue. Prints `ok - theme: …` / `not ok - theme: …` / `skip - theme: …` lines; exits 1 when one failed.

    python3 tests/theme_check.py palette <style.css> <404.html>
        WCAG contrast of the stylesheet's colours (its custom properties) in light, dark and print, and
        the 404 page's inline colours (and its data: icon) against them.
    python3 tests/theme_check.py content <content-dir> <seeds-dir>
        captions, subtitles, streets and date comments against the seed scans.
    python3 tests/theme_check.py browser <output-dir>
        headless Chromium (Debian's chromium, chromium-driver, python3-selenium: tests/browser.sh installs
        them): every link has a cue besides its colour, meaningful borders are 3:1, days with reports stand
        out in the calendar, in light, dark and print; no justified text at 375 px; a heatmap wider than a
        phone scrolls in its box with a 左右滑动 line, none at desktop width or in print, the twelve months' fit
        375 and 320 px without one; the 404 page styled everywhere, with a working link home from file:// and
        under /archive/, its line for a copy opened from disk shown there only, and no link of it leading to
        another 404 on the web; and the reader
        review's points (review_checks): on a page of every kind at 375 and 320 px, with its <details> open,
        nothing wider than the screen, heatmap tables' row labels on one line, no space after a 。, no two
        links touching, a search field of 16 px or more; every standalone SVG on its own background with its
        text 4.5:1 in light and dark; a place's only report saying so once; an icon on every page, so that
        nothing is asked for outside /archive/ (no /favicon.ico) and the console stays clean."""
import glob
import http.server
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

failed = 0


def emulate_width(d, width, height=800, mobile=None):
    """A real viewport of `width` px (headless Chromium makes no window under 500 px, so the device metrics are
    emulated); mobile: a phone's (default: under 600 px)."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1,
                       "mobile": width < 600 if mobile is None else mobile})


def say(ok, text, details=()):
    global failed
    print(("ok" if ok else "not ok") + " - theme: " + text, flush=True)
    if not ok:
        failed += 1
        for d in details:
            print("#   " + str(d))


# ---- WCAG contrast ----

def lum(rgb):
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (x / 255 for x in rgb[:3])]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a, b):
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hex_rgb(h):
    h = h.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def css_rgb(s):
    """A computed colour, "rgb(r, g, b)" or "rgba(r, g, b, a)", as (r, g, b, a)."""
    parts = [float(x) for x in s[s.index("(") + 1:s.index(")")].split(",")]
    return tuple(parts[:3]) + ((parts[3],) if len(parts) > 3 else (1.0,))


# ---- palette ----

def root_vars(css):
    """The custom properties of the :root rules outside any @media, inside @media (prefers-color-scheme:
    dark) and inside @media print: {"light": {...}, "dark": {...}, "print": {...}} (dark and print hold only
    what they override)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = {"light": {}, "dark": {}, "print": {}}
    depth, media, i = 0, [], 0
    for m in re.finditer(r"([^{}]*)\{|\}", css):
        if m.group(0) == "}":
            depth -= 1
            if media and media[-1][1] == depth:
                media.pop()
            continue
        sel = m.group(1).strip()
        if sel.startswith("@media"):
            media.append((sel, depth))
        elif sel == ":root":
            body = css[m.end():css.index("}", m.end())]
            where = "light"
            if media and "prefers-color-scheme" in media[-1][0] and "dark" in media[-1][0]:
                where = "dark"
            elif media and "print" in media[-1][0]:
                where = "print"
            for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", body):
                out[where][name] = value.strip()
        depth += 1
    return out


PAIRS = [  # (foreground, background, minimum, what)
    ("--fg", "--bg", 7, "text"),
    ("--muted", "--bg", 4.5, "muted text"),
    ("--muted", "--panel", 4.5, "muted text on panels (header, footer)"),
    ("--accent", "--bg", 4.5, "links"),
    ("--accent", "--panel", 4.5, "links on panels (tag pills, header)"),
    ("--border", "--bg", 3, "borders that mean something"),
    ("--border", "--panel", 3, "borders that mean something, on panels"),
    ("--bg", "--accent", 4.5, "a calendar day with reports (page colour on an --accent cell)"),
    ("--accent", "--bg", 3, "a calendar day with reports against one without"),
]


def heat_shades(mode, p):
    """Heatmap shades: an empty cell against every cell with reports at least 3:1 (WCAG 1.4.11, non-text
    contrast), each shade against the next at least 1.4:1, and --heat-4 the farthest from the empty cell:
    "more" is the stronger shade in every mode."""
    names = [f"--heat-{k}" for k in range(5)]
    if any(n not in p for n in names):
        say(False, f"heatmap shades, {mode}: --heat-0 … --heat-4 are not all defined")
        return
    rgb = [hex_rgb(p[n]) for n in names]
    empty = [ratio(rgb[0], c) for c in rgb[1:]]
    steps = [ratio(rgb[k], rgb[k + 1]) for k in range(4)]
    bad = [f"--heat-0 {p[names[0]]} against --heat-{k + 1} {p[names[k + 1]]}: {r:.2f}:1, under 3:1"
           for k, r in enumerate(empty) if r < 3]
    bad += [f"--heat-{k} against --heat-{k + 1}: {r:.2f}:1, under 1.4:1" for k, r in enumerate(steps) if r < 1.4]
    if empty != sorted(empty):
        bad.append(f"the shades do not move steadily away from the empty cell: {[round(r, 2) for r in empty]}")
    say(not bad, f"heatmap shades, {mode}: empty against level 1 {empty[0]:.2f}:1, next levels "
        + " ".join(f"{r:.2f}" for r in steps), bad)


def palette(css_path, page404):
    css = open(css_path, encoding="utf-8").read()
    v = root_vars(css)
    modes = {"light": dict(v["light"]), "dark": dict(v["light"], **v["dark"]),
             "print": dict(v["light"], **v["print"])}
    for mode, p in modes.items():
        measured = []
        bad = []
        for fg, bg, need, what in PAIRS:
            if fg not in p or bg not in p:
                bad.append(f"{fg} or {bg} is not defined")
                continue
            r = ratio(hex_rgb(p[fg]), hex_rgb(p[bg]))
            measured.append(f"{fg}/{bg} {r:.1f}:1")
            if r < need:
                bad.append(f"{what}: {fg} {p[fg]} on {bg} {p[bg]} is {r:.2f}:1, under {need}:1")
        say(not bad, f"palette, {mode}: " + ", ".join(measured), bad)
        heat_shades(mode, p)
        # Colour alone would need 3:1 between links and text: links are underlined instead (the browser
        # check below sees that they are); the figure is printed for the record.
        print(f"# {mode}: links against body text {ratio(hex_rgb(p['--accent']), hex_rgb(p['--fg'])):.1f}:1, "
              f"--rule (decorative) on --bg {ratio(hex_rgb(p['--rule']), hex_rgb(p['--bg'])):.1f}:1")
    # The 404 page inlines its style: its colours must be the stylesheet's.
    html = open(page404, encoding="utf-8").read()
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    links = re.findall(r'<link rel="stylesheet"[^>]*>', html)
    say(style is not None and not links, "404.html: its style is inline, no stylesheet to fetch from base_url's path",
        links)
    if style:
        iv = root_vars(style.group(1))
        bad = [f"{mode} {k}: 404 {val}, style.css {modes[mode].get(k)}"
               for mode in ("light", "dark") for k, val in iv[mode].items()
               if k != "color-scheme" and modes[mode].get(k, "").lower() != val.lower()]
        say(iv["light"] and iv["dark"] and not bad,
            f"404.html: its {len(iv['light'])} light and {len(iv['dark'])} dark colours are style.css's", bad)
    # ... and its icon, written in as a data: URL, is the theme's assets/icon.svg.
    icon = os.path.join(os.path.dirname(css_path), "icon.svg")
    href = re.search(r'<link rel="icon"[^>]* href="data:image/svg\+xml,([^"]*)"', html)
    mine = open(icon, encoding="utf-8").read().strip().replace('"', "'") if os.path.isfile(icon) else None
    theirs = urllib.parse.unquote(href.group(1)) if href else None
    say(mine is not None and theirs == mine, "404.html: its icon is icon.svg beside style.css, as a data: URL",
        [f"404.html: {theirs}", f"icon.svg: {mine}"])


# ---- content ----

def front(path):
    """(front-matter lines, body) of an article."""
    text = open(path, encoding="utf-8").read()
    _, fm, body = text.split("---\n", 2)
    return fm.split("\n"), body


def field(fm, key):
    """(value without its comment or quotes, comment) of key in the front matter, or (None, "")."""
    for line in fm:
        if line.startswith(key + ":"):
            value = line[len(key) + 1:]
            comment = ""
            m = re.search(r"\s+#\s*(.*)$", value)
            if m:
                value, comment = value[:m.start()], m.group(1)
            value = value.strip()
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            return value, comment
    return None, ""


def yaml_list(value):
    if not value:
        return []
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [x.strip().strip("'\"") for x in value.split(",") if x.strip()]


def content(content_dir, seeds_dir):
    arts = {}
    for path in sorted(glob.glob(os.path.join(content_dir, "**", "*.md"), recursive=True)):
        fm, body = front(path)
        arts[os.path.relpath(path, content_dir)] = (fm, body)
    if not os.path.isdir(seeds_dir):
        print(f"skip - theme: no seed scans at {seeds_dir}: captions and subtitles not checked")
    else:
        for seed in sorted(glob.glob(os.path.join(seeds_dir, "*.txt"))):
            sid = os.path.basename(seed)[:-4]
            lines = open(seed, encoding="utf-8").read().split("\n")
            mine = {k: a for k, a in arts.items() if field(a[0], "source")[0] == sid}
            # A caption is printed set off by three empty lines (and not always next to its report): each
            # must be in some report's `captions`, not only in a comment.
            bad, seen = [], 0
            for i, line in enumerate(lines):
                if not line.strip() or i < 3 or any(x.strip() for x in lines[i - 3:i]):
                    continue
                seen += 1
                cap = line.strip()
                if not [k for k, (fm, _) in mine.items() if cap in (field(fm, "captions")[0] or "")]:
                    bad.append(f"{sid}:{i + 1}: '{cap}' is set off like a caption but is no report's caption")
            say(not bad, f"{sid}: the {seen} lines printed set off like photo captions are each in a report's captions",
                bad)
            # A subtitle as printed: a whole line of the scan, dash and all.
            stripped = {re.sub(r"^#+\s*", "", x).strip() for x in lines}
            bad = []
            subs = 0
            for k, (fm, _) in mine.items():
                sub = field(fm, "subtitle")[0]
                if sub:
                    subs += 1
                    if sub not in stripped:
                        printed = [x for x in stripped if x.endswith(sub) or sub.endswith(x) and x]
                        bad.append(f"{k}: subtitle '{sub}', printed {printed}")
            if subs:
                say(not bad, f"{sid}: {subs} subtitles are as printed (a printed —— kept, none added)", bad)
    # A community that reports to a 街办 named in its text is filed under that 街道.
    bad, n = [], 0
    for k, (fm, body) in arts.items():
        for office in set(re.findall(r"报送(\w{1,6}?)街办", body)):
            n += 1
            street = field(fm, "street")[0]
            if street != office + "街道":
                bad.append(f"{k}: text says 报送{office}街办, street is {street}")
    say(n and not bad, f"{n} reports whose text names the 街办 they report to give it as street", bad)
    # An inferred month that could be either of two months says which it took and why.
    bad, n = [], 0
    for k, (fm, _) in arts.items():
        date, dc = field(fm, "date")
        _, ic = field(fm, "date_inferred")
        comment = dc + ic
        if date and re.fullmatch(r"\d{4}-\d\d", date) and re.search(r"(\d+)\s*[—-]\s*(\d+)月", comment):
            n += 1
            month = int(date[5:])
            if not re.search(rf"{month}月与\d+月|\d+月与{month}月", comment) or f"取{month}月" not in comment:
                bad.append(f"{k}: date {date}, comment: {comment}")
    say(not bad, f"{n} month-only dates inferred from a span of two months say which month they took", bad)
    # A year comment that cites what another report of the page says names it (同版).
    details = ["场所码", "行程码", "每三天一次全民核酸", "静默管理", "时空伴随者", "西安疫情", "稷山"]
    bad, n = [], 0
    for k, (fm, body) in arts.items():
        if field(fm, "kind")[0] == "page":  # a printed page's note speaks for all its reports
            continue
        _, ic = field(fm, "date_inferred")
        comment = ic or field(fm, "date")[1]
        for d in details:
            if d in comment and d not in body:
                n += 1
                if "同版" not in comment:
                    bad.append(f"{k}: cites {d}, which is not in its text, without saying 同版")
    say(not bad, f"{n} details that date comments cite from other reports of the page are said to be theirs (同版)", bad)


# ---- browser ----

LOOK = r"""
const contrast = (a, b) => {
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (h + 0.05) / (l + 0.05);
};
const rgb = s => s.slice(s.indexOf('(') + 1, s.indexOf(')')).split(',').map(Number).concat([1]).slice(0, 4);
const bgOf = el => {          // the colour painted behind an element: the nearest opaque background
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.5) return c;
  }
  return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3).concat([1]);
};
const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const underlined = el => [el, ...el.querySelectorAll('*')].some(e => getComputedStyle(e).textDecorationLine.includes('underline'));
const text = rgb(getComputedStyle(document.body).color);
const links = [], bad = [];
for (const a of document.querySelectorAll('a[href]')) {
  // the skip link shows only when focused (a box of its own); the site's name is a link home by convention
  if (!visible(a) || a.matches('.skip-link, .site-title a')) continue;
  const c = rgb(getComputedStyle(a).color), bg = bgOf(a);
  const vsText = contrast(c, text), vsBg = contrast(c, bg), u = underlined(a);
  links.push(vsText);
  if (vsBg < 4.5 || !(u || vsText >= 3))
    bad.push(`${a.className || a.parentElement.className} '${a.textContent.trim().slice(0, 12)}': ${vsText.toFixed(2)}:1 against the text, ${vsBg.toFixed(2)}:1 on its background, ${u ? '' : 'not '}underlined`);
}
const borders = [];
for (const el of document.querySelectorAll('.pager a, .tag-list li, .calendar td:not(.blank), .site-search input')) {
  if (!visible(el)) continue;
  const cs = getComputedStyle(el), r = contrast(rgb(cs.borderTopColor), bgOf(el.parentElement));
  borders.push(r);
  if (parseFloat(cs.borderTopWidth) > 0 && r < 3) bad.push(`border of ${el.tagName}.${el.className || el.parentElement.className}: ${r.toFixed(2)}:1`);
}
let cal = null;
const day = document.querySelector('.calendar td.has-reports'), plain = document.querySelector('.calendar td:not(.blank):not(.has-reports)');
if (day && plain) {
  const dc = getComputedStyle(day), pc = getComputedStyle(plain);
  cal = {fill: contrast(bgOf(day), bgOf(plain)), dayBorder: parseFloat(dc.borderTopWidth), plainBorder: parseFloat(pc.borderTopWidth),
         frame: contrast(rgb(dc.borderTopColor), bgOf(day.parentElement)), underlined: underlined(day.querySelector('a'))};
}
return {links, borders, bad, cal, dark: matchMedia('(prefers-color-scheme: dark)').matches, print: matchMedia('print').matches,
        bg: getComputedStyle(document.body).backgroundColor};
"""


class NotFoundServer(http.server.SimpleHTTPRequestHandler):
    """A static server that answers a missing path with 404.html, as a server configured for it does; it
    keeps each request's (path, status) in `requests`."""
    page404 = b""
    requests = None

    def log_message(self, *args):
        pass

    def log_request(self, code="-", size="-"):
        self.requests.append((self.path, int(code) if str(code).isdigit() else code))

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page404)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(self.page404)


def serve(root, page404):
    handler = type("H", (NotFoundServer,), {"page404": open(page404, "rb").read(), "requests": []})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          lambda *a, **k: handler(*a, directory=root, **k))
    srv.requests = handler.requests
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def start_browser(tmp):
    """Headless Chromium with a fresh profile in tmp."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for binary in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.path.exists(binary):
            opts.binary_location = binary
            break
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--user-data-dir=" + os.path.join(tmp, "profile")):
        opts.add_argument(arg)
    driver_path = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)


def browser_checks(out, d=None):
    """The browser checks on <out>, in the driver d when given (tests/browser_search.py shares its own:
    one Chromium for all of make test's browser checks), else in a Chromium of their own."""
    tmp = tempfile.mkdtemp(prefix="theme-browser-")
    own = d is None
    if own:
        d = start_browser(tmp)
    d.set_window_size(1280, 900)
    www = os.path.join(tmp, "www")
    os.mkdir(www)
    os.symlink(os.path.abspath(out), os.path.join(www, "archive"))
    servers = []
    try:
        under = serve(www, os.path.join(out, "404.html"))              # the site under /archive/, as config.yml's base_url says
        at_root = serve(os.path.abspath(out), os.path.join(out, "404.html"))  # the same files at a server's root
        servers = [under, at_root]
        base = f"http://127.0.0.1:{under.server_address[1]}/archive/"
        report = sorted(glob.glob(os.path.join(out, "reports", "*", "index.html")))
        report = next((r for r in report if "tag-list" in open(r, encoding="utf-8").read()), report[0])
        report = os.path.relpath(report, out)
        month = next(os.path.relpath(m, out) for m in sorted(glob.glob(os.path.join(out, "dates", "*", "*", "index.html")))
                     if "has-reports" in open(m, encoding="utf-8").read())
        pages = ["index.html", report, month, "tags/index.html", "places/index.html"]
        modes = [("light", "screen", []), ("dark", "screen", [{"name": "prefers-color-scheme", "value": "dark"}]),
                 ("print", "print", [])]
        # Each page loaded once and looked at in each mode in turn: the emulated media applies to a page already
        # open, as the OS's dark mode or printing does (a load per page and mode took a second more).
        for page in pages:
            d.get(base + page)
            for mode, media, features in modes:
                d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media, "features": features})
                r = d.execute_script(LOOK)
                if mode == "dark" and not r["dark"] or mode == "print" and not r["print"]:
                    say(False, f"{mode}: {page}: the emulated media did not apply", [r])
                    continue
                lo = f"{min(r['links']):.1f}–{max(r['links']):.1f}:1" if r["links"] else "none"
                bo = f", meaningful borders ≥ {min(r['borders']):.1f}:1" if r["borders"] else ""
                say(r["links"] and not r["bad"],
                    f"{mode}: {page}: {len(r['links'])} links each underlined or ≥ 3:1 against the text and 4.5:1 "
                    f"on their background (against the text: {lo}){bo}", r["bad"][:12])
                c = r["cal"]
                if c is None:
                    continue
                if mode == "print":  # backgrounds are not printed: a frame and an underline
                    ok = c["dayBorder"] >= c["plainBorder"] + 1 and c["frame"] >= 3 and c["underlined"]
                    say(ok, f"print: {page}: a day with reports has a {c['dayBorder']:.0f}px frame "
                            f"({c['frame']:.1f}:1; other days {c['plainBorder']:.0f}px) and an underlined link", [c])
                else:
                    say(c["fill"] >= 3, f"{mode}: {page}: a day with reports is filled {c['fill']:.1f}:1 against a day "
                                        f"without (at least 3:1)", [c])
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})

        # The keyboard reaches every month a heatmap links (its picture's links are out of the tab order, its
        # table shut) on a page listing only the newest reports: Tab from the top of the page focuses a link to
        # each, shown on the page when focused. On THEME_LISTINGS_OUT (tests/browser.sh: a synthetic archive
        # with a low listing_limit; content/ lists every report of each place on its page).
        listings = os.environ.get("THEME_LISTINGS_OUT")
        cut = [p for p in sorted(glob.glob(os.path.join(listings, "places", "*", "*", "index.html")))
               if "以上是最新的" in open(p, encoding="utf-8").read()] if listings else []
        if cut:
            from selenium.webdriver.common.action_chains import ActionChains
            from selenium.webdriver.common.keys import Keys
            page = cut[0]
            d.get("file://" + urllib.parse.quote(os.path.abspath(page)))
            cells = set(d.execute_script("return [...document.querySelectorAll('.heatmap-svg a')]"
                                         ".map(a => new URL(a.getAttribute('href'), location.href).href);"))
            # The page notes each element that Tab focuses, as it is focused; the keys go 25 at a time until the
            # first one focused comes round again (a WebDriver call for each Tab and each look took 3 s).
            d.execute_script("""window.tabbed = [];
                document.addEventListener('focusin', e => { const a = e.target, r = a.getBoundingClientRect();
                    tabbed.push({href: a.href || '', key: a.outerHTML.slice(0, 200),
                                 shown: r.width > 0 && r.height > 0 && !a.closest('details:not([open])')}); }, true);""")
            focused = []
            for _ in range(40):
                ActionChains(d).send_keys(Keys.TAB * 25).perform()
                focused = d.execute_script("return tabbed;")
                if focused and any(f["key"] == focused[0]["key"] for f in focused[1:]):
                    break
            reached, first = set(), None
            for f in focused:
                if f["key"] == first:
                    break
                first = first or f["key"]
                if f["href"] and f["shown"]:
                    reached.add(f["href"])
            say(cells and cells <= reached,
                f"keyboard: {os.path.relpath(page, listings)}: Tab reaches a shown link to each of the {len(cells)} "
                f"months its heatmap links ({len(cells & reached)} reached)", sorted(cells - reached)[:5])
        else:
            print("skip - theme: keyboard: no page listing only its newest reports (THEME_LISTINGS_OUT)")

        # Defect 7: no justified (inter-character) text on a phone.
        split_js = """const bad = [];
            for (const el of document.querySelectorAll('.item-meta time, .item-place')) {
                const t = el.firstChild;
                if (!t || t.nodeType !== 3) continue;
                let top = null, prev = ' ';
                for (let i = 0; i < t.data.length; i++) {
                    const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
                    const box = r.getClientRects()[0];
                    if (!box) continue;
                    if (top !== null && t.data[i] !== ' ' && prev !== ' ' && Math.abs(box.top - top) > 2)
                        bad.push(t.data);
                    top = box.top; prev = t.data[i];
                }
            }
            return bad;"""
        lead_js = """const bad = [];
            for (const ol of document.querySelectorAll('.breadcrumbs ol, .place-path')) {
                let top = null;
                for (const li of ol.children) {
                    const t = li.getBoundingClientRect().top;
                    const before = getComputedStyle(li, '::before').content;
                    if (top !== null && t > top + 2 && before !== 'none' && before !== 'normal') bad.push(li.textContent);
                    top = t;
                }
            }
            return bad;"""
        day = sorted(glob.glob(os.path.join(out, "dates", "[0-9]*", "[0-9]*", "[0-9]*", "index.html")))[-1]
        day = os.path.relpath(day, out)
        try:
            # each page loaded once for the checks that look at it (none of them changes it), at 375 px and then
            # at 320 (a width changed under an open page lays it out as a load at that width does: see
            # review_checks)
            for page in (report, "index.html", "places/xin-jiang/index.html",
                         "places/shan-xi-sheng/tai-yuan-shi/index.html", day):
                emulate_width(d, 375, mobile=True)
                d.get(base + page)
                for width in (375, 320):
                    if width != 375:
                        emulate_width(d, width, mobile=True)
                    if page == report:
                        look = d.execute_script("""const p = document.querySelector('.prose'), cs = p && getComputedStyle(p);
                            return p && {align: cs.textAlign, justify: cs.textJustify || '', width: p.getBoundingClientRect().width,
                                         paragraphs: [...p.querySelectorAll('p')].filter(q => getComputedStyle(q).textAlign === 'justify').length};""")
                        say(look and look["align"] != "justify" and not look["paragraphs"],
                            f"{width} px: {report}: the body text is not justified ({look})")
                    # List metadata wraps between a date and a place, never inside 克拉玛依市 or 星期二.
                    if page != day:
                        split = d.execute_script(split_js)
                        say(not split, f"{width} px: {page}: no date or place name in a list is broken across lines", split[:3])
                    # A breadcrumb or place path that wraps starts its next line with a name, not a ›.
                    if page in (day, report):
                        lead = d.execute_script(lead_js)
                        say(not lead, f"{width} px: {page}: no wrapped breadcrumb line starts with a ›", lead[:3])
            # Heatmaps on a phone: drawn large enough to read and hit, scrolled inside their box, not the page.
            year = sorted(glob.glob(os.path.join(out, "dates", "[0-9]*", "index.html")))[-1]
            year = os.path.relpath(year, out)
            for page, least in ((year, 12), ("places/shan-xi-sheng/index.html", 17)):
                d.get(base + page)
                hm = d.execute_script("""const rs = [...document.querySelectorAll('.heatmap-svg rect')];
                    return {cell: Math.min(...rs.map(r => r.getBoundingClientRect().width)), page: document.documentElement.scrollWidth,
                            box: document.querySelector('.heatmap-scroll').clientWidth, inner: innerWidth};""")
                say(hm["cell"] >= least - 0.5 and hm["page"] <= hm["inner"],
                    f"320 px: {page}: heatmap cells {hm['cell']:.1f} px (at least {least}), scrolled in a "
                    f"{hm['box']} px box, the page {hm['page']} px wide", [hm])
            # A picture wider than its box says so, with no script: at 375 px the year's days scroll in their box
            # (a swipe moves it) and a line under it says to swipe; at 1280 px the picture fits and no line shows.
            # (The twelve months fit a phone: see month_heatmap_fits below.)
            swipe_js = """const box = document.querySelector('.heatmap-scroll'), hint = document.querySelector('.heatmap-swipe');
                const before = box.scrollLeft; box.scrollLeft = 120; const moved = box.scrollLeft - before; box.scrollLeft = before;
                const r = hint && hint.getBoundingClientRect(), cs = hint && getComputedStyle(hint);
                return {scroll: box.scrollWidth, box: box.clientWidth, moved: moved, inner: innerWidth,
                        shown: !!r && r.height > 0 && r.width > 0 && cs.visibility === 'visible' && r.right <= innerWidth + 0.5,
                        text: hint ? hint.textContent : null};"""
            for width in (375, 1280):
                emulate_width(d, width)
                for page in (year, "places/shan-xi-sheng/index.html", "index.html"):
                    if width < 600 and page != year:
                        continue
                    d.get(base + page)
                    sw = d.execute_script(swipe_js)
                    if width < 600:
                        say(sw["scroll"] > sw["box"] and sw["moved"] > 0 and sw["shown"] and "左右滑动" in sw["text"],
                            f"{width} px: {page}: the heatmap ({sw['scroll']} px) scrolls in its {sw['box']} px box "
                            f"and the line 左右滑动 shows under it", [sw])
                    else:
                        say(sw["scroll"] <= sw["box"] and not sw["shown"],
                            f"{width} px: {page}: the heatmap fits its {sw['box']} px box and no swipe line shows", [sw])
            month_heatmap_fits(d, base, ("index.html", "places/shan-xi-sheng/index.html", "places/xin-jiang/2020/index.html"))
            # the report whose 同版报道 lists the most others
            same_page = sorted((-open(f, encoding="utf-8").read().count("item-brief"), os.path.relpath(f, out))
                               for f in glob.glob(os.path.join(out, "reports", "*", "index.html"))
                               if "同版报道" in open(f, encoding="utf-8").read())
            same_page = [p for _, p in same_page]
            dates_whole(d, base, [os.path.relpath(y, out) for y in sorted(glob.glob(os.path.join(out, "dates", "[0-9]*", "index.html")))]
                        + same_page[:1])
            # On A4 paper (673 CSS px) the year's table fits.
            emulate_width(d, 673, height=900, mobile=False)
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
            d.get(base + year)
            t = d.execute_script("""const t = document.querySelector('.heatmap-table').getBoundingClientRect();
                return {width: t.width, height: t.height, page: document.documentElement.scrollWidth,
                        swipe: document.querySelector('.heatmap-swipe').getBoundingClientRect().height};""")
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
            say(t["height"] > 0 and t["width"] <= 673 and t["page"] <= 673 and not t["swipe"],
                f"print (A4, 673 px): {year}: the day table is shown and fits ({t['width']:.0f} px), no swipe line", [t])
        finally:
            d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

        # Defect 10: the 404 page, styled and with a way home wherever it is shown. Reader review 2: its line
        # for a copy opened from disk shows there only, set apart from the links above it, and on the web no
        # link of the page, shown or not, leads to another 404.
        style_js = """const hint = [...document.querySelectorAll('main p')].find(p => p.textContent.includes('同一文件夹')), list = document.querySelector('main .inline-list');
            return {bg: getComputedStyle(document.body).backgroundColor, h1: getComputedStyle(document.querySelector('h1')).fontSize,
            header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
            links: [...document.querySelectorAll('main a[href]')].map(a => a.href),
            hint: hint && hint.getClientRects().length > 0 ? hint.innerText : null,
            gap: hint && list && hint.getClientRects().length ? hint.getBoundingClientRect().top - list.getBoundingClientRect().bottom : null}"""

        def check_404(where, url, fetch, from_disk, home=True):
            d.get(url)
            s = d.execute_script(style_js)
            styled = css_rgb(s["bg"])[:3] == (251, 250, 247) and s["h1"] == "28px" and css_rgb(s["header"])[:3] == (242, 239, 232)
            working = [h for h in s["links"] if fetch(h)]
            say(styled and (not home or any(h.rstrip("/").endswith("index.html") for h in working)),
                f"404 {where}: styled (background {s['bg']}, h1 {s['h1']})"
                + (f" and a link home works ({working[:2]})" if home else ""), [s])
            if from_disk:
                say(s["hint"] and "同一文件夹中的首页" in s["hint"] and s["gap"] >= 8,
                    f"404 {where}: the line for a copy opened from disk shows, {s['gap']} px below the links", [s])
            else:
                say(s["hint"] is None, f"404 {where}: the line for a copy opened from disk is not shown", [s])

        def exists_http(h):
            import urllib.request
            try:
                with urllib.request.urlopen(h) as resp:
                    return resp.status == 200
            except Exception:
                return False

        def exists_file(h):
            return h.startswith("file://") and os.path.isfile(urllib.parse.unquote(h[len("file://"):]))

        check_404("from disk (file://)", "file://" + urllib.parse.quote(os.path.abspath(out)) + "/404.html", exists_file, True)
        check_404("at a missing address under /archive/", base + "no/such/page/index.html", exists_http, False)
        with_every_link = d.execute_script("return [...document.querySelectorAll('main a[href]')].map(a => a.href)")
        broken = [h for h in with_every_link if not exists_http(h)]
        say(not broken, f"404 at a missing address under /archive/: none of its {len(with_every_link)} links, shown or "
            f"not, leads to another 404", broken)
        root_base = f"http://127.0.0.1:{at_root.server_address[1]}/"
        # Served from a server's root though base_url's path is /archive/: its links are base_url's (no relative
        # link home: it would resolve against the missing address).
        check_404("at a missing address of a site served from the root", root_base + "no-such-page.html", exists_http,
                  False, home=False)

        review_checks(d, out, base, under.requests)
    finally:
        for s in servers:
            s.shutdown()
        if own:
            d.quit()
        shutil.rmtree(tmp, ignore_errors=True)


# The month heatmap (home, place pages, a place's year) on a phone: all twelve months in view, no swipe.
MONTHS_FIT = r"""
const svg = document.querySelector('.heatmap-months .heatmap-svg');
if (!svg) return null;
const box = svg.closest('.heatmap-scroll'), hint = svg.closest('.heatmap').querySelector('.heatmap-swipe');
const r = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
const cells = [...svg.querySelectorAll('rect')].map(x => x.getBoundingClientRect().width);
return {inner: innerWidth, right: r.right, boxRight: b.right, scroll: box.scrollWidth, client: box.clientWidth,
        cell: Math.min(...cells), swipe: hint.getClientRects().length > 0 && getComputedStyle(hint).visibility === 'visible'};
"""


def phone_widths(d, base, pages):
    """Each page loaded once at a real 375 px viewport, then looked at again at 320 px (the device metrics
    emulated: see emulate_width): yields (page, width)."""
    for page in pages:
        emulate_width(d, 375, mobile=True)
        d.get(base + page)
        for width in (375, 320):
            if width != 375:
                emulate_width(d, width, mobile=True)
            yield page, width


def month_heatmap_fits(d, base, pages):
    """Reader review 2, defect 1: at a real 375 px and 320 px viewport (the device metrics emulated: headless
    Chromium makes no window under 500 px) the month heatmap's right edge is on the screen and in its box, the
    box does not scroll, no swipe line shows, and a cell is still about 20 px (at least 17)."""
    for page, width in phone_widths(d, base, pages):
        m = d.execute_script(MONTHS_FIT)
        say(m is not None and m["inner"] == width and m["right"] <= width + 0.5 and m["right"] <= m["boxRight"] + 0.5
            and m["scroll"] <= m["client"] and not m["swipe"] and m["cell"] >= 17,
            f"{width} px: {page}: the twelve months' heatmap fits the screen (right edge "
            f"{m and round(m['right'])} px of {m and m['inner']}), its box does not scroll, no swipe line, "
            f"cells {m and round(m['cell'], 1)} px", [m])


# Every date of a list on one line with its weekday (2021年12月28日 星期二 never split at its space).
DATES_WHOLE = r"""
const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
                      return new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top))).size; };
const times = [...document.querySelectorAll('.item-meta time')].filter(t => t.getClientRects().length);
return {inner: innerWidth, page: document.documentElement.scrollWidth, count: times.length,
        brief: document.querySelectorAll('.item-brief .item-meta time').length,
        split: times.filter(t => lines(t) > 1).map(t => t.textContent).slice(0, 5)};
"""


def dates_whole(d, base, pages):
    """Reader review 2, defect 5: at a real 375 and 320 px viewport every date in a list (.item-meta time, the
    compact .item-brief ones of a year page and of 同版报道 among them) stays on one line with its weekday, and
    the page is no wider than the screen."""
    for page, width in phone_widths(d, base, pages):
        r = d.execute_script(DATES_WHOLE)
        say(r["inner"] == width and r["page"] <= width and r["brief"] and not r["split"],
            f"{width} px: {page}: each of its {r['count']} list dates ({r['brief']} compact) is on one line with "
            f"its weekday, the page {r['page']} px wide", [r])


# ---- the reader review: what a phone, a dark scheme and the browser's own requests show ----

def page_types(out):
    """[(kind, path relative to out)]: the first page (in path order) of each kind the build writes, and
    every year of the date archive (each has a day table)."""
    kinds = [("home", "index.html"), ("report", "reports/*/index.html"), ("places", "places/index.html"),
             ("province", "places/*/index.html"), ("city", "places/*/[!0-9]*/index.html"),
             ("district", "places/*/[!0-9]*/[!0-9]*/index.html"),
             ("community", "places/*/[!0-9]*/[!0-9]*/[!0-9]*/index.html"),
             ("place × year", "places/*/[0-9]*/index.html"), ("place × month", "places/*/[0-9]*/[0-9]*/index.html"),
             ("dates", "dates/index.html"), ("month", "dates/[0-9]*/[0-9]*/index.html"),
             ("day", "dates/[0-9]*/[0-9]*/[0-9]*/index.html"), ("tags", "tags/index.html"),
             ("tag", "tags/*/index.html"), ("tag × year", "tags/*/[0-9]*/index.html"),
             ("reporters", "reporters/index.html"), ("reporter", "reporters/*/index.html"),
             ("reporter × year", "reporters/*/[0-9]*/index.html"), ("printed pages", "series/index.html"),
             ("printed page", "series/*/index.html"), ("search", "search/index.html"), ("404", "404.html")]
    pages = []
    for kind, pattern in kinds:
        found = sorted(glob.glob(os.path.join(out, pattern)))
        if not found:
            say(False, f"reader review: no {kind} page ({pattern}) in {out}")
            continue
        pages.append((kind, os.path.relpath(found[0], out)))
    pages += [("year", os.path.relpath(y, out)) for y in sorted(glob.glob(os.path.join(out, "dates", "[0-9]*", "index.html")))]
    return pages


# What a reader of a phone sees on a page with every <details> opened: the page's width (against the
# device's, given: a mobile viewport widens itself to the content, so innerWidth says nothing), the
# elements reaching past it outside a box that scrolls, row labels of the heatmap tables that wrap, "。"
# followed by a space, two inline links with nothing but white space between them, the search fields'
# text size.
PHONE = r"""
const W = arguments[0];
document.querySelectorAll('details').forEach(x => { x.open = true; });
const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX;
                       if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > W + 0.5 && !scrolls(e))
  .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''} right ${Math.round(e.getBoundingClientRect().right)}`);
const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
                      return new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top))).size; };
const rows = [...document.querySelectorAll('.heatmap-table tbody th')].map(th => [th.textContent, lines(th)]);
const text = document.body.innerText, stops = [];
for (const m of text.matchAll(/。[ \u00a0\u3000]/g)) stops.push(text.slice(Math.max(0, m.index - 12), m.index + 10));
const inline = e => getComputedStyle(e).display.startsWith('inline');
const joined = [];
for (const a of document.querySelectorAll('main a')) {
  let n = a.nextSibling, between = '';
  while (n && n.nodeType !== 1) { between += n.nodeType === 3 ? n.data : ''; n = n.nextSibling; }
  if (n && n.tagName === 'A' && !between.trim() && inline(a) && inline(n) && a.getClientRects().length && n.getClientRects().length)
    joined.push(`${a.textContent.trim()}|${between}|${n.textContent.trim()}`);
}
const fields = [...document.querySelectorAll('input[type=search]')].filter(e => e.getClientRects().length)
  .map(e => [e.id || e.name, parseFloat(getComputedStyle(e).fontSize)]);
const lead = document.querySelector('main .lead');
return {width: document.documentElement.scrollWidth, wide, rows, stops, joined, fields, lead: lead ? lead.innerText : ''};
"""

# The addresses of a page's icons were it opened from disk (its file:// address: arguments[0]), or null when
# the page has a <base> or a script other than JSON-LD, either of which could make them other than its links
# say.
ICONS_FROM_DISK = r"""
if (document.querySelector('base') || [...document.scripts].some(s => s.type !== 'application/ld+json')) return null;
return [...document.querySelectorAll('link[rel~=icon]')].map(l => new URL(l.getAttribute('href'), arguments[0]).href);
"""


def file_url(out, page):
    return "file://" + urllib.parse.quote(os.path.join(os.path.abspath(out), page))


# A standalone SVG as a reader opening it sees it: the first shape it paints covers its viewBox with an opaque
# fill (its own background), and each text's fill against that.
SVG_LOOK = r"""
const svg = document.documentElement, vb = svg.viewBox.baseVal;
const shape = [...svg.children].find(e => ['rect', 'path', 'circle', 'polygon'].includes(e.tagName));
if (!shape) return {bg: null};
const bb = shape.getBBox(), cs = getComputedStyle(shape);
const covers = bb.x <= vb.x && bb.y <= vb.y && bb.x + bb.width >= vb.x + vb.width && bb.y + bb.height >= vb.y + vb.height;
return {bg: cs.fill, covers, opaque: +cs.fillOpacity === 1 && +cs.opacity === 1,
        texts: [...svg.querySelectorAll('text')].map(t => [t.textContent, getComputedStyle(t).fill])};
"""


def review_checks(d, out, base, requests):
    """The defects of the reader review: at 375 px (and 320 px) no page of any kind is wider than the screen
    with its <details> open, the heatmap tables' row labels keep to one line, no "。" is followed by a space,
    no two links touch, the search fields' text is 16 px or more (iOS Safari zooms under that); every
    standalone SVG paints its own background, its text 4.5:1 on it in light and dark; a place's only report
    says so once; every page names an icon that exists, so that the browser asks for nothing outside
    /archive/ (no /favicon.ico at the host's root) and the console has no error."""
    pages = page_types(out)
    d.get_log("browser")  # what earlier checks left in the console
    from_disk = {}  # page → its icons' addresses were it opened from disk, or None: open it from disk below
    try:
        # Each page loaded once, at 375 px, then looked at again at 320: the pages have no script that lays them
        # out (the search page's only runs a search), so the width changed under an open page lays it out as a
        # load at that width does (a load per page and width took 2.5 s more).
        for kind, page in pages:
            emulate_width(d, 375, mobile=True)
            d.get(base + page)
            from_disk[page] = d.execute_script(ICONS_FROM_DISK, file_url(out, page))
            for width in (375, 320):
                if width != 375:
                    emulate_width(d, width, mobile=True)
                r = d.execute_script(PHONE, width)
                console = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
                say(r["width"] <= width and not r["wide"],
                    f"{width} px: {kind} {page}: with its details open the page is {r['width']} px wide, "
                    f"nothing reaches past the screen but inside a scrolling box", r["wide"])
                if r["rows"]:
                    bad = [f"{t}: {n} lines" for t, n in r["rows"] if n != 1]
                    say(not bad, f"{width} px: {kind} {page}: the {len(r['rows'])} row labels of its heatmap "
                        f"table are each on one line ({r['rows'][0][0]} …)", bad[:5])
                if width != 375:
                    continue
                say(not r["stops"], f"375 px: {kind} {page}: no space after a 。 in its text", r["stops"][:5])
                say(not r["joined"], f"375 px: {kind} {page}: no two links side by side with only white space "
                    f"between them" + (f" (lead: {r['lead'].strip()[:60]})" if r["lead"] else ""), r["joined"][:5])
                small = [f"{f}: {s} px" for f, s in r["fields"] if s < 16]
                say(r["fields"] and not small,
                    f"375 px: {kind} {page}: its search field's text is at least 16 px "
                    f"({', '.join(f'{s:g} px' for _, s in r['fields'])})", small)
                say(not console, f"{kind} {page}: no error in the console (an icon that is not there is one)",
                    console[:5])
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # Each page's icons from disk: its links' addresses read against its file:// address, as the browser reads
    # them there; a page with a <base> or a script (which could change them) is opened from disk to see (a
    # file:// load of each of the 25 took 2.5 s).
    bad = []
    for _, page in pages:
        hrefs = from_disk[page]
        if hrefs is None:
            d.get(file_url(out, page))
            hrefs = d.execute_script("return [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href);")
        for h in hrefs or ["(none)"]:
            if not (h.startswith("data:image/svg+xml,") or
                    h.startswith("file://") and os.path.isfile(urllib.parse.unquote(h[len("file://"):]))):
                bad.append(f"{page}: {h}")
    say(not bad, f"from disk (file://): each of the {len(pages)} pages links an icon that is there", bad[:5])

    # The browser asks for the icon each page names (under /archive/), never for /favicon.ico at the root: in
    # all the requests this server had (the browser keeps an icon it has, so it is asked for once); before
    # the standalone SVGs below, documents with no icon of their own.
    time.sleep(1)  # icons are fetched after the load event
    seen = list(requests)
    outside = sorted({p for p, _ in seen if not p.startswith("/archive/")})
    icons = sorted({(p, c) for p, c in seen if p.startswith("/archive/assets/icon")})
    say(not outside and icons and all(c == 200 for _, c in icons),
        f"the pages under /archive/ ({len(seen)} requests) asked for nothing outside it (no /favicon.ico); "
        f"their icon {icons[:1]} was found", outside[:5] + icons[:3])

    # Standalone SVGs (dates/heatmap.svg, the icon): their own background, and their text readable on it.
    svgs = sorted(os.path.relpath(f, out) for f in glob.glob(os.path.join(out, "**", "*.svg"), recursive=True)
                  if not os.path.relpath(f, out).startswith("reports" + os.sep))
    try:
        for svg in svgs:  # each loaded once and looked at in both schemes (see the modes in browser_checks)
            d.get(base + svg)
            for mode, features in (("light", [{"name": "prefers-color-scheme", "value": "light"}]),
                                   ("dark", [{"name": "prefers-color-scheme", "value": "dark"}])):
                d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen", "features": features})
                r = d.execute_script(SVG_LOOK)
                if not r["bg"] or not r["covers"] or not r["opaque"] or r["bg"] == "none":
                    say(False, f"{mode}: {svg} paints no background of its own over its whole viewBox", [r])
                    continue
                bg = css_rgb(r["bg"])
                worst = min((ratio(css_rgb(f), bg), t) for t, f in r["texts"]) if r["texts"] else None
                say(worst is None or worst[0] >= 4.5,
                    f"{mode}: {svg} has its own background ({r['bg']})" +
                    (f"; its {len(r['texts'])} labels at least {worst[0]:.1f}:1 on it ('{worst[1]}')" if worst else ""),
                    [r["texts"][:3]])
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})

    # A report alone in its district (or city) says so once; one with neighbours there keeps its links.
    heads = {}
    for f in glob.glob(os.path.join(out, "reports", "*", "index.html")):
        m = re.search(r'class="pager-heading">([^<]+)的报道中<', open(f, encoding="utf-8").read())
        if m:
            heads.setdefault(m.group(1), []).append(os.path.relpath(f, out))
    alone = sorted(v[0] for v in heads.values() if len(v) == 1)
    crowd = sorted(v[0] for v in heads.values() if len(v) > 1)
    for page in alone[:1] + crowd[:1]:
        d.get(base + page)
        r = d.execute_script("""const s = document.querySelector('.report-sequence'), hs = s.querySelectorAll('.pager-heading');
            const h = hs[hs.length - 1], box = [];
            for (let n = h.nextElementSibling; n && !n.matches('.pager-heading'); n = n.nextElementSibling) box.push(n.innerText);
            return {name: h.textContent.replace(/的报道中$/, ''), text: box.join(' ').trim(), links: s.querySelectorAll('.pager')[1] ?
                    s.querySelectorAll('.pager')[1].querySelectorAll('a').length : 0};""")
        if page in alone:
            say(r["text"] == f"{r['name']}仅此一篇",
                f"{page}: the only report of {r['name']}: its box says '{r['text']}', once".replace("\n", " / "), [r])
        else:
            say(r["links"] > 0 and "仅此一篇" not in r["text"],
                f"{page}: a report of {r['name']} with others there links them ('{r['text'][:40]}…')".replace("\n", " / "), [r])
    if not alone:
        say(False, "no report is alone in its district or city: the case is not checked")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "palette":
        palette(sys.argv[2], sys.argv[3])
    elif cmd == "content":
        content(sys.argv[2], sys.argv[3])
    elif cmd == "browser":
        browser_checks(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
