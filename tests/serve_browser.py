"""`sitegen serve` in a real browser (headless Chromium, Selenium): eight tabs open at once share one event
stream; after an edit the tabs whose page it changed reload, the others stay; after a stylesheet edit all
reload; the page script reloads an open page after an edit, shows a broken
build's errors over it, and takes them away once fixed. Run by tests/serve.sh
where Chromium is installed:

    python3 tests/serve_browser.py <site-url> <site-dir>

<site-dir> holds the content/ the server at <site-url> watches. Prints `ok - …` / `not ok - …` lines."""
import os
import re
import shutil
import sys
import tempfile
import time

import theme_check  # (beside this file: its start_browser)

URL, SITE = sys.argv[1], sys.argv[2]
WAIT = float(os.environ.get("SERVE_BROWSER_WAIT", "10"))


def report(ok, what, detail=""):
    print(("ok - " if ok else "not ok - ") + "serve: browser: " + what)
    if not ok and detail:
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


def until(driver, script):
    """Runs script until it returns something true, for at most WAIT seconds."""
    end = time.monotonic() + WAIT
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    return driver.execute_script(script)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def last_built(log):
    """The terminal's last 'built in' line, and how many open pages it said it reloads (0: none said)."""
    lines = [l for l in open(log, encoding="utf-8") if "built in" in l]
    line = lines[-1] if lines else ""
    m = re.search(r"reloading the (\d+) open page|of the (\d+) open pages|(the) open page reloads", line)
    n = 0 if not m else 1 if m.group(3) else int(m.group(1) or m.group(2))
    return len(lines), line.strip(), n


def wait_built(log, count):
    """Waits for a 'built in' line after the count-th."""
    end = time.monotonic() + WAIT
    while last_built(log)[0] <= count and time.monotonic() < end:
        time.sleep(0.05)
    return last_built(log)


def many_tabs():
    """Eight tabs of the preview in one browser: a browser opens at most six HTTP/1.1 connections to a
    server, so with an event stream held by each tab the seventh never loaded. The tabs share one stream
    (the shared worker): all eight load, the terminal counts eight pages; after an edit the tabs of the
    edited report reload, those of a page it did not change stay; after a stylesheet edit all reload.
    Then a tab without SharedWorker opens its own stream, and reloads too."""
    profile = tempfile.mkdtemp(prefix="serve-tabs-")
    article = os.path.join(SITE, "content/2022/lianxinka.md")
    log = os.path.join(SITE, "inotify.log")
    good = open(article, encoding="utf-8").read()
    style = os.path.join(SITE, "theme/static/style.css")
    style_good = open(style, encoding="utf-8").read()
    pages = ["reports/lianxinka/", "", "reports/youtamenzai/", "dates/2022/index.html"]
    driver = theme_check.start_browser(profile)
    try:
        # the open pages other than this browser's (the test's own streams), from an edit's reload line
        n = last_built(log)[0]
        write(article, good + "\n八个标签之前的一段。\n")
        others = wait_built(log, n)[2]
        # (generous: a loaded machine is slow to start a renderer; a tab left no connection never loads)
        driver.set_page_load_timeout(3 * WAIT)
        loaded = []
        for i in range(8):
            if i:
                driver.switch_to.new_window("tab")
            try:
                driver.get(URL + pages[i % len(pages)])
                ok = driver.execute_script("window.sitegenTab = arguments[0]; return document.readyState === 'complete' "
                                           "&& !!document.querySelector('script[data-gen]')", i)
            except Exception as e:  # the page did not load within the wait
                ok = False
                print("#   tab %d: %s" % (i + 1, str(e).splitlines()[0]))
            loaded.append(bool(ok))
        tabs = driver.window_handles
        report(all(loaded) and len(tabs) == 8, "8 tabs of the preview open in one browser: all load "
               "(a stream each would leave the 7th none of the 6 connections)", loaded)
        time.sleep(0.5)  # (the tabs have said they listen)
        n = last_built(log)[0]
        write(article, good + "\n八个标签都看到的一段。\n")
        count, line, said = wait_built(log, n)
        # the report's own tabs reload and show the edit; another report's, whose page the edit does not
        # change, stay as they are (the other tabs' pages reload if the edit changed them)
        reloaded = []
        for i, tab in enumerate(tabs):
            driver.switch_to.window(tab)
            if pages[i % len(pages)] == "reports/lianxinka/":
                reloaded.append(bool(until(driver, "return window.sitegenTab === undefined && document.readyState "
                                                   "=== 'complete' && document.body.textContent.includes('八个标签都看到的一段')")))
        time.sleep(0.5)
        stayed = []
        for i, tab in enumerate(tabs):
            driver.switch_to.window(tab)
            if pages[i % len(pages)] == "reports/youtamenzai/":
                stayed.append(driver.execute_script("return window.sitegenTab") == i)
        report(len(reloaded) == 2 and all(reloaded) and len(stayed) == 2 and all(stayed),
               "after an edit, the edited report's 2 tabs reload by themselves and show it; another report's 2 tabs, "
               "their page unchanged, stay as they were", {"reloaded": reloaded, "stayed": stayed})
        report(said == others + 8, "the terminal counts the 8 tabs as open pages (%d besides them)" % others, line)

        # the stylesheet edited: every tab loaded it, so every tab reloads
        for i, tab in enumerate(tabs):
            driver.switch_to.window(tab)
            driver.execute_script("window.sitegenTab = arguments[0]", i)
        n = last_built(log)[0]
        write(style, style_good + "\n/* 八个标签的样式 */\n")
        wait_built(log, n)
        restyled = []
        for i, tab in enumerate(tabs):
            driver.switch_to.window(tab)
            restyled.append(bool(until(driver, "return window.sitegenTab === undefined && "
                                               "document.readyState === 'complete'")))
        report(all(restyled), "after an edit to the stylesheet, all 8 tabs reload by themselves", restyled)
        write(style, style_good)
        driver.switch_to.window(tabs[0])

        # no SharedWorker (as in browsers without one): the page opens its own stream
        driver.switch_to.new_window("tab")
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.SharedWorker;"})
        driver.get(URL + "reports/lianxinka/")
        driver.execute_script("window.sitegenTab = 'own'")
        time.sleep(0.5)
        write(article, good + "\n没有共享线程也看到的一段。\n")
        alone = until(driver, "return window.sitegenTab === undefined && typeof SharedWorker === 'undefined' && "
                              "document.body.textContent.includes('没有共享线程也看到的一段')")
        report(bool(alone), "a page where there is no SharedWorker opens its own stream, and reloads after an edit")
    finally:
        write(article, good)
        write(style, style_good)
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    many_tabs()
    profile = tempfile.mkdtemp(prefix="serve-browser-")
    article = os.path.join(SITE, "content/2022/youtamenzai.md")
    good = open(article, encoding="utf-8").read()
    driver = theme_check.start_browser(profile)
    try:
        driver.get(URL + "reports/youtamenzai/")
        driver.execute_script("window.sitegenTestMarker = 1")
        # the event stream is open once the script has run; give it a moment to connect
        time.sleep(0.3)
        edited = good + "\n浏览器里看到的一段。\n"
        write(article, edited)
        reloaded = until(driver, "return window.sitegenTestMarker === undefined && "
                                 "document.body.textContent.includes('浏览器里看到的一段')")
        report(bool(reloaded), "an open page reloads by itself after an edit and shows it")

        driver.execute_script("window.sitegenTestMarker = 2")
        # the editor's focus is on a link when the build breaks: a YAML error after Chinese text
        driver.execute_script("document.querySelector('main a').focus()")
        write(article, edited.replace("subtitle: 石楼县益智社区多措并举筑牢疫情防线", "subtitle: 石楼县益智社区: 多措并举"))
        text = until(driver, "var e = document.getElementById('sitegen-errors'); return e && e.innerText")
        report(bool(text) and "content/2022/youtamenzai.md:3:" in text and "error: YAML" in text,
               "a broken build's errors are shown over the open page, with path:line:col", text)
        # the column is marked on its source line: the second ':' (after 石楼县益智社区), where the
        # terminal's caret (two cells per Chinese character) points
        mark = driver.execute_script("""
            var m = document.querySelector('#sitegen-errors mark'), line = m && m.parentNode;
            if (!m) return null;
            var a = m.getBoundingClientRect(), b = line.getBoundingClientRect();
            return {mark: m.textContent, line: line.textContent, inside: a.top >= b.top && a.bottom <= b.bottom,
                    carets: /\\^/.test(document.getElementById('sitegen-errors').innerText)}""")
        report(bool(mark) and mark["mark"] == ":" and mark["line"].strip() == "subtitle: 石楼县益智社区: 多措并举"
               and mark["inside"] and not mark["carets"],
               "the error's column is the character marked on its source line (after Chinese text), no ^ line", mark)
        a11y = driver.execute_script("""
            var e = document.getElementById('sitegen-errors'), close = e.querySelector('button');
            var head = e.querySelector('p'), bg = getComputedStyle(e).backgroundColor;
            return {focused: e.contains(document.activeElement), role: e.getAttribute('role'),
                    modal: e.hasAttribute('aria-modal'), label: close.getAttribute('aria-label'),
                    headLang: head.lang, msgLang: e.querySelector('pre div').lang, bg: bg,
                    pageLang: document.documentElement.lang}""")
        report(a11y["focused"] and a11y["role"] == "alert" and not a11y["modal"] and a11y["label"] == "关闭"
               and a11y["headLang"] == "en" and a11y["msgLang"] == "en" and a11y["bg"].startswith("rgb("),
               "the overlay: focused when it appears, role=alert without aria-modal, the close button named 关闭, "
               "its English marked lang=en on the zh-CN page, an opaque background", a11y)
        driver.set_window_size(500, 800)
        narrow = driver.execute_script("""
            var e = document.getElementById('sitegen-errors');
            return {over: e.scrollWidth - e.clientWidth, width: e.clientWidth,
                    ws: getComputedStyle(e.querySelector('pre')).whiteSpace}""")
        report(narrow["over"] <= 0 and narrow["ws"] == "pre-wrap",
               "a 500 px wide window: the messages wrap (pre-wrap), nothing wider than the overlay", narrow)
        driver.set_window_size(1280, 900)
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        esc = until(driver, "return !document.getElementById('sitegen-errors') && "
                            "document.activeElement === document.querySelector('main a')")
        report(bool(esc), "Escape closes the overlay and gives the focus back to where it was")

        write(article, edited)  # as the last good build had it: no page changes, nothing more to show
        time.sleep(0.5)
        write(article, edited.replace("district: 石楼县", "district: 石楼"))
        until(driver, "return document.getElementById('sitegen-errors')")
        write(article, edited)
        gone = until(driver, "return !document.getElementById('sitegen-errors') && window.sitegenTestMarker === 2")
        report(bool(gone), "the errors go away with the next good build (the page, unchanged, is not reloaded)")

        # a warning: a notice along the bottom, not the error overlay, and the focus stays
        driver.execute_script("document.querySelector('main a').focus()")
        write(article, edited.replace("district: 石楼县", "district: 石楼县\nreporter: 张三"))
        notice = until(driver, """var e = document.getElementById('sitegen-warnings');
            return e && {text: e.innerText, role: e.getAttribute('role'), bottom: e.getBoundingClientRect().bottom,
                         height: innerHeight, focus: document.activeElement === document.querySelector('main a'),
                         errors: !!document.getElementById('sitegen-errors'),
                         label: e.querySelector('button').getAttribute('aria-label')}""")
        report(bool(notice) and "1 warning" in notice["text"] and "unknown key 'reporter'" in notice["text"]
               and notice["role"] == "status" and not notice["errors"] and notice["focus"]
               and notice["label"] == "关闭" and abs(notice["bottom"] - notice["height"]) < 2,
               "a build with a warning: a notice at the bottom (role=status, '1 warning' and the message), "
               "not the error overlay, and the focus stays on the page", notice)
        # scrolled to the end, the page's footer shows above the notice (found by a reader: the notice
        # hid the search page's 更多结果 button, the page had no room below it)
        below = driver.execute_script("""window.scrollTo(0, document.documentElement.scrollHeight);
            var f = document.querySelector('footer'), n = document.getElementById('sitegen-warnings');
            return f && n && {footer: f.getBoundingClientRect().bottom, notice: n.getBoundingClientRect().top}""")
        report(bool(below) and below["footer"] <= below["notice"] + 1,
               "scrolled to the end, the page's footer shows above the warnings' notice", below)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.execute_script("document.querySelector('#sitegen-warnings button').click()")
        closed = until(driver, "return !document.getElementById('sitegen-warnings')")
        driver.refresh()
        time.sleep(1.0)
        again = driver.execute_script("return !!document.getElementById('sitegen-warnings')")
        report(bool(closed) and not again, "the notice closes with its button, and stays closed across a reload "
               "while the warnings are the same")
        # other warnings, then the closed ones again: their notice, then none (not the other's left on)
        write(article, edited.replace("district: 石楼县", "district: 石楼县\nreporter: 张三\ntitel: 错键"))
        other = until(driver, "var e = document.getElementById('sitegen-warnings'); return e && e.innerText")
        # more than one warning: one line along the bottom saying how many, the messages a click away
        # (found by a reader: five warnings covered 40% of a phone's screen on every page)
        folded = driver.execute_script("""var e = document.getElementById('sitegen-warnings'), d = e && e.querySelector('details');
            return e && {open: d ? d.open : null, height: e.getBoundingClientRect().height, screen: innerHeight,
                         text: e.innerText}""")
        driver.execute_script("var s = document.querySelector('#sitegen-warnings summary'); if (s) s.click()")
        unfolded = driver.execute_script("var e = document.getElementById('sitegen-warnings'); return e && e.innerText")
        report(bool(folded) and folded["open"] is False and folded["height"] < 60 and "2 warnings" in folded["text"]
               and "titel" not in folded["text"] and bool(unfolded) and "unknown key 'titel'" in unfolded,
               "two warnings: a notice of one line (their count), the messages shown by a click on it",
               {"folded": folded, "unfolded": unfolded})
        write(article, edited.replace("district: 石楼县", "district: 石楼县\nreporter: 张三"))
        gone = until(driver, "return !document.getElementById('sitegen-warnings')")
        report(bool(other) and "2 warnings" in other and bool(gone),
               "other warnings show a notice; the closed ones back take it away", other)
        write(article, edited)

        # base_url's path changes: the open page says where the site is now, with a link to this page there
        config = os.path.join(SITE, "config.yml")
        conf = open(config, encoding="utf-8").read()
        write(config, conf.replace("https://example.org/golden/", "https://example.org/elsewhere/"))
        moved = until(driver, """var e = document.getElementById('sitegen-moved'), a = e && e.querySelector('a');
            return a && {text: e.innerText, href: a.getAttribute('href')}""")
        report(bool(moved) and moved["href"] == "/elsewhere/reports/youtamenzai/" and "/elsewhere/" in moved["text"],
               "base_url's path changed: the open page says the site moved, with a link to it there", moved)
        driver.execute_script("window.sitegenTestMarker = 3")
        write(config, conf)
        back = until(driver, "return window.sitegenTestMarker === undefined && !document.getElementById('sitegen-moved')")
        report(bool(back), "base_url's path back as it was: the page reloads")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


main()
