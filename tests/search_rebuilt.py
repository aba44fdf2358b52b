"""The search page when the files it loads do not fit together: the archive rebuilt under a page left open
(an older index.js beside newer shards; shards read before a report was added among older ones beside report
files read after it), or one of its scripts missing. Called by tests/browser_search.py with its say(ok, text,
details) and brute(queries)."""
import time
import urllib.parse

from selenium.webdriver.common.by import By

from search_page import page_state, type_query, wait_total


def check_stale_index(d, base, say, brute):
    """The page holds an index.js older than the shards it loads next (left open while the archive was
    rebuilt with more reports, or a cached index.js on a server that sends no Cache-Control): the engine is
    told there is one report, and one in the lists, so the lists of '网格员' name reports past the end. The
    query fails, is run once more with every index file loaded past the browser's cache (?v=), and shows
    what the brute force finds, with no error."""
    d.get(base + "search/index.html?q=" + urllib.parse.quote("社区"))
    wait_total(d)
    d.execute_script("sitegenSearch.page.engine.meta.n = 1; sitegenSearch.page.engine.meta.b = 1;")
    type_query(d, "网格员")
    total = wait_total(d)
    st = page_state(d)
    fresh = d.execute_script("""return performance.getEntriesByType('resource')
        .filter(e => /\\/search\\/(index|g\\/[0-9a-f]+)\\.js\\?v=[0-9]+$/.test(e.name)).length;""")
    want = brute(["网格员"])["网格员"]["total"]
    say(total == want and fresh >= 2 and "出错" not in st["status"],
        f"http: an index.js older than the shards: the query is run again with the files loaded afresh "
        f"({fresh} of them) and finds {total} (brute force: {want}; status {st['status']})")


def check_renumbered_texts(d, base, say, brute):
    """The page holds shards read before the archive was rebuilt with a report added among older ones,
    which renumbered those after it, and loads report files after it: report n's file is then the one that
    was n - 1's (here every d/ file the page asks for is its neighbour's). The first result's text lacks the
    term, so the query is run again with every file loaded afresh, and shows what the brute force finds,
    the right reports first, with no error; the same when 更多结果 meets such a file."""
    want = brute(["网格员"])["网格员"]
    for how in ("query", "more"):
        d.get(base + "search/index.html?q=" + urllib.parse.quote("网格员" if how == "more" else "社区"))
        wait_total(d)
        d.execute_script("""
            const engine = sitegenSearch.page.engine, load = engine.load;
            engine.load = key => load(key.replace(/^d\/([0-9]+)$/, (m, n) => 'd/' + (Number(n) + 1)));""")
        if how == "more":
            d.find_element(By.ID, "search-more").click()
            time.sleep(0.5)
        else:
            type_query(d, "网格员")
        total = wait_total(d)
        st = page_state(d)
        shown = d.execute_script("""return [...document.querySelectorAll('#search-results .item-title a')]
            .map(a => a.getAttribute('href'));""")
        right = len(shown) == len(want["urls"]) and all(h.endswith(u) for h, u in zip(shown, want["urls"]))
        fresh = d.execute_script("""return performance.getEntriesByType('resource')
            .filter(e => /\\/search\\/d\\/[0-9]+\\.js\\?v=[0-9]+$/.test(e.name)).length;""")
        say(total == want["total"] and right and fresh >= 1 and "出错" not in st["status"],
            f"http: report files renumbered since the shards were read ({how}): the query is run again with the "
            f"files loaded afresh ({fresh} report files) and finds {total} (brute force: {want['total']}), "
            f"{'the same' if right else 'not the same'} {len(shown)} reports shown as the brute force's first "
            f"(status {st['status']})", [] if right else [f"shown {shown}", f"brute force {want['urls']}"])


def check_scripts_missing(d, base, say):
    """One of the page's scripts does not load (missing from an upload, blocked, or a cached older engine
    that does not fit the newer page's): a note says the search did not load and links the place and date
    indexes, rather than leaving a heading alone."""
    d.execute_cdp_cmd("Network.enable", {})
    try:
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*search-codec.js"]})
        d.get(base + "search/index.html?q=" + urllib.parse.quote("社区"))
        note = d.find_element(By.ID, "search-broken")
        links = [a.get_attribute("href") for a in note.find_elements(By.TAG_NAME, "a")]
        say(note.is_displayed() and "没有完整载入" in note.text and len(links) == 2 and
            links[0].endswith("/places/index.html") and links[1].endswith("/dates/index.html") and
            not d.find_element(By.ID, "search-form").is_displayed(),
            f"http: with search-codec.js not loading, a note says so and links the indexes ({note.text})")
    finally:
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        d.execute_cdp_cmd("Network.disable", {})
