#!/usr/bin/env python3
"""The search page in a real browser: headless Chromium, driven by Selenium (Debian's chromium,
chromium-driver and python3-selenium; tests/browser.sh installs them).

    python3 tests/browser_search.py <output-dir> [<theme-output-dir>]
    python3 tests/browser_search.py --latency <output-dir> <queries-file>

Serves the built archive with a plain static server (Python's http.server) under the sub-path /archive/,
opens search/index.html?q=… , types queries into the field and the header's search box, and checks the
results (their order, subtitles, dates, kinds and snippets) against the brute force of tests/search_check.js;
the status line, the history, the page without JavaScript and at 320 and 375 px; then the same from
file://, and once in dark mode (with the contrast of marks and of the header field's placeholder). Given a
second directory (content/ built with config.yml), it then runs tests/theme_check.py's browser checks on it in
the same Chromium. Prints `ok - browser: …` / `not ok - browser: …` lines (and `theme:` ones); exits 1 when
one failed.

--latency (for the bench) types each query of the file into a freshly loaded search page served the same
way and prints the time from the last keystroke's input event to the frame that paints its first result
(the page signals it with a `sitegen-search` event), and to the one that paints its whole first page."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import search_rebuilt
import theme_check
from search_page import count_text, no_alert, page_state, set_query, type_query, wait_total

HERE = os.path.dirname(os.path.abspath(__file__))
LATENCY = len(sys.argv) > 1 and sys.argv[1] == "--latency"
ARGS = sys.argv[2:] if LATENCY else sys.argv[1:]
OUT = os.path.abspath(ARGS[0] if ARGS else "public")
THEME_OUT = None if LATENCY or len(ARGS) < 2 else os.path.abspath(ARGS[1])
HOSTILE = "<script>alert(1)</script>"
# 李艳 and liyan: only in the metadata (a reporter, her name's pinyin); 祝福祖国: a poem (not a news report);
# 纪实: in subtitles
QUERIES = ["徐刚", "网格员", "網格員", "社区", "昌宁社区", "假标记", HOSTILE, "李艳", "liyan", "祝福祖国", "纪实"]
INFERRED = "\uff08日期系推断\uff09"  # （日期系推断）
failed = 0


def say(ok, text, details=()):
    global failed
    print(("ok" if ok else "not ok") + " - browser: " + text, flush=True)
    if not ok:
        failed += 1
        for d in details:
            print("#   " + str(d))


def brute(queries):
    """The brute force's answer for each query: {total, urls (first 10), terms}."""
    res = subprocess.run(["node", os.path.join(HERE, "search_check.js"), "--brute", OUT] + queries,
                         capture_output=True, text=True, check=True)
    return {r["query"]: r for r in map(json.loads, res.stdout.splitlines())}


def serve(root):
    """`python3 -m http.server` (HTTP/1.1, keep-alive) on an ephemeral port, in its own process so that
    it does not share an interpreter with the WebDriver client; returns (process, port)."""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", root, "--protocol", "HTTP/1.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()  # Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...
    try:
        return proc, int(line.split(" port ")[1].split()[0])
    except (IndexError, ValueError):
        proc.terminate()
        raise RuntimeError("http.server did not start: " + line)


TMP = tempfile.mkdtemp(prefix="search-browser-")


def browser():
    """Headless Chromium (tests/theme_check.py starts it), 1000 px wide, its console kept for severe()."""
    d = theme_check.start_browser(tempfile.mkdtemp(prefix="profile-", dir=TMP))
    d.set_window_size(1000, 900)
    return d


def severe(d, where):
    errors = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
    say(not errors, f"{where}: no errors in the console", errors[:10])


def check_results(d, q, want, where, fold_marks=True):
    total = wait_total(d)
    st = page_state(d)
    ok = total == want["total"] and st["items"] == min(want["total"], 10)
    ok = ok and all(h.endswith(u) for h, u in zip(st["hrefs"], want["urls"]))
    say(ok, f"{where}: '{q}' shows {total} reports, the first {st['items']} listed in order (brute force: {want['total']})",
        [f"hrefs {st['hrefs'][:3]}", f"wanted {want['urls'][:3]}", f"status {st['status']}"])
    if want["total"] and fold_marks:
        say(any(m and any(t in m.lower() for t in want["terms"]) for m in st["marks"]) or q != want["terms"][0],
            f"{where}: a <mark> holds '{q}' ({len(st['marks'])} marks)", st["marks"][:5])
    if ok and total:
        status = count_text(total, st["items"])
        say(st["status"] == status, f"{where}: '{q}': the status says the count and how many are shown ({st['status']})",
            [f"wanted {status}"])
        shown = [{"snippet": r["snippet"], "subtitle": r["subtitle"], "inferred": r["date"].endswith(INFERRED),
                  "kind": r["kind"]} for r in st["results"]]
        wanted = [{"snippet": w["snippet"], "subtitle": w["s"], "inferred": w["inf"], "kind": "非新闻报道" if w["other"] else ""}
                  for w in want["items"]]
        bad = [f"{i}: shows {a}, wanted {b}" for i, (a, b) in enumerate(zip(shown, wanted)) if a != b]
        say(not bad, f"{where}: '{q}': each result shows its subtitle, （日期系推断）, 非新闻报道 and snippet as the engine makes them", bad[:5])
        joined = [r["meta"] for r in st["results"] if r["date"] and r["place"] and r["date"] + r["place"] in r["meta"]]
        say(not joined, f"{where}: '{q}': a separator comes between the date and the place", joined[:3])
    return st


def run_http(d, base, want):
    start = time.time()
    d.get(base + "search/index.html?q=" + urllib.parse.quote("徐刚"))
    st = check_results(d, "徐刚", want["徐刚"], "http")
    say(st["value"] == "徐刚" and "找到 1 篇" in st["status"], f"http: ?q= fills the field and the status says the count ({st['status']})")
    say(d.execute_script("return document.activeElement && document.activeElement.id === 'search-q'"),
        "http: the search page puts the focus in its field")
    live = d.execute_script("""const status = document.getElementById('search-status');
        const live = [...document.querySelectorAll('[aria-live], [role=status], [role=log], [role=alert]')];
        return {label: !!document.querySelector('label[for=search-q]'), polite: status.getAttribute('aria-live'),
                others: live.filter(e => e !== status).map(e => e.id || e.tagName)}""")
    say(live["label"] and live["polite"] == "polite" and not live["others"],
        f"http: the field is labelled; only the status line is a live region (polite) ({live})")
    check_marks_look(d, "http", False)
    hint = d.find_element(By.ID, "search-hint").text
    say(all(w in hint for w in ("汉字", "简体或繁体", "字母", "数字", "拼音", "地名", "记者", "专题", "lishiqu", "空格", "标点")),
        f"http: the hint says what can be typed ({hint})")
    link = d.find_elements(By.CSS_SELECTOR, "#search-results .item-title a")
    if link:
        href = link[0].get_attribute("href")
        try:
            code = urllib.request.urlopen(href).status
        except Exception as e:  # noqa: BLE001 (the message is the report)
            code = str(e)
        say(code == 200, f"http: the first result's link resolves ({href.replace(base, '')}: {code})")

    for q in ("网格员", "網格員"):
        type_query(d, q)
        st = check_results(d, q, want[q], "http typing", fold_marks=(q == "网格员"))
        say(st["q"] == q, f"http typing: the address follows the query (?q={st['q']})")
    say(want["網格員"]["total"] == want["网格员"]["total"], "http: 網格員 finds what 网格员 finds")
    check_history(d, want)
    check_metadata_snippets(d, want)

    type_query(d, "社区")
    st = check_results(d, "社区", want["社区"], "http typing")
    if want["社区"]["total"] > 10:
        more = d.find_element(By.ID, "search-more")
        more.send_keys(Keys.ENTER)  # from the keyboard
        # the results arrive one by one, as each report's file loads
        wanted = min(want["社区"]["total"], 20)
        try:
            WebDriverWait(d, 10).until(lambda drv: page_state(drv)["items"] >= wanted)
        except TimeoutException:
            pass
        wait_total(d)
        st = page_state(d)
        focused = d.execute_script("return document.activeElement.closest('#search-results li') !== null")
        say(st["items"] == min(want["社区"]["total"], 20) and focused,
            f"http: 更多结果 adds the next results ({st['items']} of {want['社区']['total']}) and moves the focus to them")
        status = count_text(want["社区"]["total"], st["items"])
        say(st["status"] == status, f"http: after 更多结果 the status says how many are shown ({st['status']})",
            [f"wanted {status}"])
        # a reload (and Back to the page) shows as many again, not the first page only
        shown_before = st["hrefs"]
        d.refresh()
        try:
            WebDriverWait(d, 10).until(lambda drv: page_state(drv)["items"] >= len(shown_before))
        except TimeoutException:
            pass
        wait_total(d)
        st = page_state(d)
        say(st["hrefs"] == shown_before and st["status"] == status and st["q"] == "社区",
            f"http: reloaded after 更多结果, the page shows the same {len(shown_before)} results again ({st['items']})",
            [st["status"]])
        # and where the reader was in them (a reader's note, stop 35: the page came back at its top)
        d.set_window_size(800, 600)
        y = d.execute_script("""const li = document.querySelectorAll('#search-results > li');
            li[li.length - 3].scrollIntoView(); return Math.round(window.scrollY);""")
        time.sleep(0.5)  # the page keeps the place once scrolling stops
        d.refresh()
        try:
            WebDriverWait(d, 10).until(lambda drv: abs(drv.execute_script("return window.scrollY") - y) <= 2)
        except TimeoutException:
            pass
        y_after = round(d.execute_script("return window.scrollY"))
        say(y > 0 and abs(y_after - y) <= 2, f"http: reloaded, the page goes back to where it was scrolled ({y_after} of {y} px)")

    type_query(d, ",。!?  ")
    total = wait_total(d)
    st = page_state(d)
    say(total == 0 and st["items"] == 0 and st["status"], f"http: punctuation only gives a message, no search ({st['status']})")
    type_query(d, "   ")
    time.sleep(0.3)
    say("q=" not in d.current_url, f"http: a query of spaces leaves no q in the address ({d.current_url})")

    type_query(d, HOSTILE)
    total = wait_total(d)
    st = page_state(d)
    alert_ok, text = no_alert(d)
    say(total == want[HOSTILE]["total"] and st["injected"] == 0 and alert_ok,
        f"http: the query {HOSTILE} is text: {total} reports, no alert, no injected element", [text])

    type_query(d, "假标记")
    total = wait_total(d)
    st = page_state(d)
    alert_ok, text = no_alert(d)
    if want["假标记"]["total"]:
        shown = " ".join(st["titles"] + st["snippets"])
        say(total == want["假标记"]["total"] and "</script>" in shown and "<mark>" in shown and st["injected"] == 0
            and alert_ok and set(st["marks"]) == {"假标记"},
            "http: a report whose title and text hold </script>, <mark> and <script> shows them as text",
            [st["titles"], st["snippets"], st["marks"], text])
    else:
        print("skip - browser: no report holds 假标记 (the hostile article), so hostile content is not checked")

    set_query(d, "'\\uD800'")
    total = wait_total(d)
    set_query(d, "'\\uDC00社区\\uD800'")
    total2 = wait_total(d)
    set_query(d, "'社'.repeat(1000)")
    total3 = wait_total(d)
    say(total == 0 and total2 == want["社区"]["total"] and total3 == 0,
        f"http: lone surrogates and 1,000 characters are harmless ({total}, {total2}, {total3} reports)")
    st = page_state(d)
    title = d.title
    say("社" * 30 + "…" in st["status"] and "社" * 31 not in st["status"] and title.startswith("社" * 30 + "…")
        and "社" * 31 not in title, f"http: a long query is echoed to 30 characters and … ({st['status']} | {title})")
    type_query(d, "qxzqxz")
    total = wait_total(d)
    st = page_state(d)
    say(total == 0 and "汉字" in st["status"], f"http: a Latin query that finds nothing suggests typing Chinese characters ({st['status']})")

    check_slow_status(d, base)
    search_rebuilt.check_stale_index(d, base, say, brute)
    search_rebuilt.check_renumbered_texts(d, base, say, brute)
    search_rebuilt.check_scripts_missing(d, base, say)
    check_narrow(d, base)
    check_no_script(d, base)
    check_placeholder(d, base, "http")

    d.get(base + "index.html")
    box = d.find_element(By.CSS_SELECTOR, "header form[role=search] input[name=q]")
    box.send_keys("昌宁社区")
    box.send_keys(Keys.ENTER)
    total = wait_total(d)
    say("/archive/search/index.html" in d.current_url and total == want["昌宁社区"]["total"]
        and page_state(d)["value"] == "昌宁社区",
        f"http: the header's search box on the home page leads to the search page ({total} reports)")
    severe(d, "http")

    # An archive whose shard and document files are missing: a message, not a hang.
    d.get(base.replace("/archive/", "/broken/") + "search/index.html?q=" + urllib.parse.quote("网格员"))
    try:
        WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.ID, "search-results").get_attribute("data-error"))
        st = page_state(d)
        say("无法加载" in st["status"] and "search/" in st["status"],
            f"http: a missing index file is reported ({st['status']})")
    except TimeoutException:
        say(False, "http: a missing index file is not reported within 10 s", [page_state(d)["status"]])
    d.get_log("browser")  # the 404s just caused are expected
    print(f"# browser: the http checks took {time.time() - start:.1f} s")


def check_history(d, want):
    """A submitted search (Enter) adds a history entry: Back returns to the search before it. The field
    holds 網格員 here, typed (so its address replaced the entry's)."""
    type_query(d, "徐刚")
    d.find_element(By.ID, "search-q").send_keys(Keys.ENTER)
    wait_total(d)
    type_query(d, "网格员")
    d.find_element(By.ID, "search-q").send_keys(Keys.ENTER)
    total = wait_total(d)
    after = page_state(d)["q"]
    d.back()
    try:
        WebDriverWait(d, 5).until(lambda drv: page_state(drv)["q"] == "徐刚")
    except TimeoutException:
        pass
    total_back = wait_total(d)
    st = page_state(d)
    say(after == "网格员" and total == want["网格员"]["total"] and st["q"] == "徐刚" and st["value"] == "徐刚"
        and total_back == want["徐刚"]["total"],
        f"http: Enter adds a history entry and Back returns to the search before it (?q={after} → ?q={st['q']}, "
        f"field {st['value']}, {total_back} reports)")
    d.forward()
    try:
        WebDriverWait(d, 5).until(lambda drv: page_state(drv)["q"] == "网格员")
    except TimeoutException:
        pass
    total = wait_total(d)
    st = page_state(d)
    say(st["value"] == "网格员" and total == want["网格员"]["total"], f"http: Forward returns to it ({st['value']}, {total} reports)")


def check_metadata_snippets(d, want):
    """A match only in the metadata shows a labelled line, the name marked: 记者：李艳, 拼音：liyan（李艳）."""
    for q, label, text in (("李艳", "记者：", "记者：李艳"), ("liyan", "拼音：", "拼音：liyan（李艳）")):
        type_query(d, q)
        st = check_results(d, q, want[q], "http metadata")
        got = [(r["label"], r["snippet"]) for r in st["results"]]
        say(want[q]["total"] > 0 and all(lab == label and snip == text for lab, snip in got),
            f"http: '{q}', found only in the metadata, shows '{text}' with its label apart", got[:3])
    for q in ("祝福祖国", "纪实"):
        type_query(d, q)
        check_results(d, q, want[q], "http")


def check_slow_status(d, base):
    """The status ends as the count even when the first result comes before "正在搜索…" is due (300 ms)
    and the last after: the report files are slowed down, the first by 50 ms, each next by 60 ms more
    (the tenth comes at 590 ms)."""
    d.get(base + "search/index.html")
    wait_total(d)
    d.execute_script("""
        const engine = sitegenSearch.page.engine, load = engine.load;
        let n = 0;
        engine.load = key => key.startsWith('d/')
            ? new Promise(r => setTimeout(r, 50 + 60 * n++)).then(() => load(key)) : load(key);""")
    type_query(d, "社区")
    total = wait_total(d)
    time.sleep(0.4)
    st = page_state(d)
    status = count_text(total or 0, st["items"])
    say(total and st["status"] == status, f"http: with slow report files the status still ends as the count ({st['status']})",
        [f"wanted {status}"])


NARROW = """
const out = [];
for (const form of document.querySelectorAll('form[role=search]')) {
  if (!form.offsetParent) continue;
  const button = form.querySelector('button'), field = form.querySelector('input');
  const r = document.createRange();
  r.selectNodeContents(button);
  const b = button.getBoundingClientRect(), f = field.getBoundingClientRect();
  out.push({form: form.id || form.className, lines: r.getClientRects().length, right: b.right,
            width: document.documentElement.clientWidth, apart: f.right <= b.left, field: f.width});
}
return out;
"""


def check_narrow(d, base):
    """At 320 and 375 px the 搜索 button stays on one line, beside a field that shrinks, on the search page
    and in the header box."""
    try:
        for width in (320, 375):
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 700, "deviceScaleFactor": 1, "mobile": False})
            for page in ("search/index.html", "index.html"):
                d.get(base + page)
                forms = d.execute_script(NARROW)
                ok = forms and all(f["lines"] == 1 and f["right"] <= f["width"] and f["apart"] and f["field"] >= 80 for f in forms)
                say(ok, f"http at {width} px: {page}: 搜索 stays on one line beside its field", forms)
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def check_no_script(d, base):
    """Without JavaScript the search page shows its note (with links), not a form that cannot search;
    the header's box on other pages stays (a plain GET form)."""
    try:
        d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        d.get(base + "search/index.html?q=" + urllib.parse.quote("徐刚"))
        form = d.find_element(By.ID, "search-form").is_displayed()
        note = [n.text for n in d.find_elements(By.CSS_SELECTOR, "#search .note") if n.is_displayed()]
        say(not form and note and "JavaScript" in note[0], f"http without JavaScript: the search page hides its form and shows its note ({note})")
        d.get(base + "index.html")
        box = d.find_element(By.CSS_SELECTOR, "header form[role=search]").is_displayed()
        say(box, "http without JavaScript: the header's search box is there on other pages")
    finally:
        d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def run_file(d, want):
    url = "file://" + urllib.parse.quote(OUT) + "/search/index.html?q=" + urllib.parse.quote("徐刚")
    d.get(url)
    check_results(d, "徐刚", want["徐刚"], "file://")
    type_query(d, "网格员")
    st = check_results(d, "网格员", want["网格员"], "file:// typing")
    say(st["q"] == "网格员", f"file://: the address follows the query (?q={st['q']})")
    severe(d, "file://")


def contrast(a, b):
    """The WCAG contrast ratio of two computed colours, "rgb(r, g, b)"."""
    def lum(rgb):
        parts = [int(float(x)) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def check_marks_look(d, where, against_page):
    """Marks: text on them ≥ 4.5:1, not told by colour alone (bold and underlined), and in dark mode
    ≥ 3:1 against the page. Call on a search page showing results."""
    look = d.execute_script("""const m = document.querySelector('#search-results mark'), cs = m && getComputedStyle(m);
        return m && {bg: cs.backgroundColor, fg: cs.color, weight: cs.fontWeight, line: cs.textDecorationLine,
                     page: getComputedStyle(document.body).backgroundColor}""")
    if not look:
        say(False, f"{where}: no <mark> to look at")
        return
    text, page = contrast(look["fg"], look["bg"]), contrast(look["bg"], look["page"])
    ok = text >= 4.5 and int(look["weight"]) >= 700 and "underline" in look["line"] and (page >= 3 or not against_page)
    say(ok, f"{where}: marks are bold and underlined, text on them {text:.1f}:1, against the page {page:.1f}:1", [look])


def check_placeholder(d, base, where):
    """The header's search field has no visible label: its placeholder must be ≥ 4.5:1 on the field."""
    d.get(base + "index.html")
    look = d.execute_script("""const f = document.getElementById('site-search-q');
        return {ph: getComputedStyle(f, '::placeholder').color, bg: getComputedStyle(f).backgroundColor,
                text: f.placeholder}""")
    ratio = contrast(look["ph"], look["bg"])
    say(look["text"] and ratio >= 4.5, f"{where}: the header field's placeholder '{look['text']}' is {ratio:.1f}:1 on the field", [look])


def run_dark(d, base, want):
    """The search page with the reader's system in dark mode (emulated, as a dark system sets it)."""
    d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                      {"media": "", "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        check_dark(d, base, want)
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def check_dark(d, base, want):
    d.get(base + "search/index.html?q=" + urllib.parse.quote("网格员"))
    total = wait_total(d)
    look = d.execute_script("""return {
        dark: matchMedia('(prefers-color-scheme: dark)').matches,
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
        mark: document.querySelector('mark') && getComputedStyle(document.querySelector('mark')).backgroundColor,
        field: getComputedStyle(document.getElementById('search-q')).backgroundColor}""")

    def lum(rgb):
        parts = [int(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        return sum(parts) / 3
    ok = look["dark"] and total == want["网格员"]["total"] and lum(look["bg"]) < 60 and lum(look["fg"]) > 180
    ok = ok and look["mark"] and lum(look["field"]) < 60
    say(ok, f"dark mode: the search page renders dark ({look})")
    check_marks_look(d, "dark mode", True)
    check_placeholder(d, base, "dark mode")
    shot = os.environ.get("SEARCH_SCREENSHOT")
    if shot:
        d.save_screenshot(shot)
    severe(d, "dark mode")


LATENCY_PROBE = """
window.__searchTimes = [];
const field = document.getElementById('search-q');
let last = 0;
field.addEventListener('input', e => { last = e.timeStamp; });
document.getElementById('search-results').addEventListener('sitegen-search', e => {
  const {query, done, total} = e.detail, at = last;
  requestAnimationFrame(() => setTimeout(() =>
    window.__searchTimes.push({query, done, total, ms: performance.now() - at})));
});
"""


WAIT_DONE = """
const done = arguments[arguments.length - 1], q = arguments[0];
const check = () => {
  const times = window.__searchTimes.filter(t => t.query === q);
  if (times.length && times[times.length - 1].done) done(times); else setTimeout(check, 50);
};
check();
"""


def measure_latency(base, queries):
    """Milliseconds from the last keystroke of each query to the frame that paints its first result
    (or its "nothing found"), and to the one that paints all of its first page."""
    d = browser()
    firsts, alls = [], []
    try:
        for q in queries:
            d.get(base + "search/index.html")
            wait_total(d)
            d.execute_script(LATENCY_PROBE)
            d.find_element(By.ID, "search-q").send_keys(q)
            times = d.execute_async_script(WAIT_DONE, q)
            first, whole = times[0]["ms"], times[-1]["ms"]
            firsts.append(first)
            alls.append(whole)
            print(f"#   {first:7.1f} ms {whole:7.1f} ms {times[-1]['total']:>6} reports  {q}", flush=True)
    finally:
        d.quit()

    def stats(xs):
        xs = sorted(xs)
        n = len(xs)
        return (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2), xs[-1]
    (m1, x1), (m2, x2) = stats(firsts), stats(alls)
    print(f"# latency over {len(firsts)} queries, last keystroke to first result painted: median {m1:.1f} ms, "
          f"max {x1:.1f} ms; to the first page painted: median {m2:.1f} ms, max {x2:.1f} ms")
    return m1, x1


def archive_dirs():
    """The directory the server serves: the archive at /archive/, and at /broken/ the same without
    search/g, p and d."""
    www = os.path.join(TMP, "www")
    os.mkdir(www)
    os.symlink(OUT, os.path.join(www, "archive"))
    broken = os.path.join(www, "broken")
    os.makedirs(os.path.join(broken, "search"))
    for name in os.listdir(OUT):
        if name != "search":
            os.symlink(os.path.join(OUT, name), os.path.join(broken, name))
    for name in ("index.html", "index.js"):
        os.symlink(os.path.join(OUT, "search", name), os.path.join(broken, "search", name))
    return www


def main():
    if not os.path.isfile(os.path.join(OUT, "search", "index.html")):
        say(False, f"{OUT}/search/index.html does not exist")
        return 1
    server = None
    try:
        server, port = serve(archive_dirs())
        base = f"http://127.0.0.1:{port}/archive/"
        if LATENCY:
            with open(ARGS[1], encoding="utf-8") as f:
                measure_latency(base, [line.strip() for line in f if line.strip() and not line.startswith("#")])
            return 0
        want = brute(QUERIES)
        # One Chromium for every check: starting one costs seconds.
        d = browser()
        try:
            runs = [lambda: run_http(d, base, want), lambda: run_file(d, want), lambda: run_dark(d, base, want)]
            if THEME_OUT:
                runs.append(lambda: theme_check.browser_checks(THEME_OUT, d))
            for run in runs:
                try:
                    run()
                except WebDriverException as e:
                    say(False, f"the browser failed: {e.msg}")
        finally:
            d.quit()
        return 1 if failed or theme_check.failed else 0
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
