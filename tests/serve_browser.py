"""`sitegen serve` in a real browser (headless Chromium, Selenium): the page script reloads an open page
after an edit, shows a broken build's errors over it, and takes them away once fixed. Run by tests/serve.sh
where Chromium is installed:

    python3 tests/serve_browser.py <site-url> <site-dir>

<site-dir> holds the content/ the server at <site-url> watches. Prints `ok - …` / `not ok - …` lines."""
import os
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


def main():
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
        with open(article, "w", encoding="utf-8") as f:
            f.write(edited)
        reloaded = until(driver, "return window.sitegenTestMarker === undefined && "
                                 "document.body.textContent.includes('浏览器里看到的一段')")
        report(bool(reloaded), "an open page reloads by itself after an edit and shows it")

        driver.execute_script("window.sitegenTestMarker = 2")
        with open(article, "w", encoding="utf-8") as f:
            f.write(edited.replace("district: 石楼县", "district: 石楼"))
        text = until(driver, "var e = document.getElementById('sitegen-errors'); return e && e.innerText")
        report(bool(text) and "content/2022/youtamenzai.md:" in text and "error: unknown district" in text,
               "a broken build's errors are shown over the open page, with path:line:col", text)

        with open(article, "w", encoding="utf-8") as f:
            f.write(edited)  # as the last good build had it: no page changes, the errors just go
        gone = until(driver, "return !document.getElementById('sitegen-errors') && window.sitegenTestMarker === 2")
        report(bool(gone), "the errors go away with the next good build (the page, unchanged, is not reloaded)")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


main()
