"""The search page as tests/browser_search.py drives it in headless Chromium (Selenium): waiting for a
search to end, reading what the page shows, typing into its field. Functions of the WebDriver alone."""
import time

from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


WAIT_TOTAL = """
const done = arguments[arguments.length - 1], until = Date.now() + arguments[0];
const check = () => {
  const el = document.getElementById('search-results'), status = document.getElementById('search-status');
  if (el && el.getAttribute('data-error')) return done({error: el.getAttribute('data-error')});
  if (el && el.getAttribute('data-total') !== null && !status.textContent.includes('正在搜索'))
    return done({total: +el.getAttribute('data-total')});
  if (Date.now() > until) return done({});
  setTimeout(check, 10);
};
check();
"""


def wait_total(d, timeout=10):
    """Waits for #search-results[data-total] (or data-error) and a status that is no longer "正在搜索…";
    returns the total, None on error. The page itself watches (one WebDriver call, not a poll of
    several a few times a second); when the page is being replaced meanwhile, it asks again."""
    end = time.time() + timeout
    while True:
        left = end - time.time()
        try:
            d.set_script_timeout(max(left, 0) + 5)
            state = d.execute_async_script(WAIT_TOTAL, int(max(left, 0) * 1000))
            break
        except WebDriverException:
            if time.time() >= end:
                return None
            time.sleep(0.05)
    if "error" in state:
        print("#   data-error: " + state["error"])
        return None
    return state.get("total")


def page_state(d):
    return d.execute_script("""
        const list = document.getElementById('search-results');
        return {
          total: list.getAttribute('data-total'),
          items: list.querySelectorAll(':scope > li').length,
          hrefs: [...list.querySelectorAll('.item-title a')].map(a => a.getAttribute('href')),
          titles: [...list.querySelectorAll('.item-title a')].map(a => a.textContent),
          marks: [...list.querySelectorAll('mark')].map(m => m.textContent),
          snippets: [...list.querySelectorAll('.search-snippet')].map(p => p.textContent),
          results: [...list.querySelectorAll(':scope > li')].map(li => ({
            snippet: (li.querySelector('.search-snippet') || {}).textContent || '',
            label: (li.querySelector('.search-snippet .search-label') || {}).textContent || '',
            subtitle: (li.querySelector('.item-subtitle') || {}).textContent || '',
            date: (li.querySelector('.item-date') || {}).textContent || '',
            place: (li.querySelector('.item-place') || {}).textContent || '',
            kind: (li.querySelector('.item-meta .kind') || {}).textContent || '',
            meta: li.querySelector('.item-meta').textContent,
          })),
          status: document.getElementById('search-status').textContent,
          injected: document.querySelectorAll('#search script, #search img, #search iframe, mark mark, a mark a').length,
          value: document.getElementById('search-q').value,
          q: new URLSearchParams(location.search).get('q'),
        };""")


def no_alert(d):
    try:
        text = d.switch_to.alert.text
        d.switch_to.alert.dismiss()
        return False, text
    except NoAlertPresentException:
        return True, ""


def type_query(d, q):
    field = d.find_element(By.ID, "search-q")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(q)


def set_query(d, js):
    """Sets the field's value to a JavaScript expression's and fires input, for what a keyboard (and
    WebDriver's JSON) cannot carry: lone surrogates."""
    d.execute_script("""const f = document.getElementById('search-q'); f.value = %s;
        f.dispatchEvent(new InputEvent('input', {bubbles: true}));""" % js)


def count_text(total, shown):
    """The status once a search has shown its results: 找到 N 篇报道[，显示前 M 篇 | ，已全部显示]."""
    if total <= 10:
        return f"找到 {total} 篇报道"
    return f"找到 {total} 篇报道" + (f"，显示前 {shown} 篇" if shown < total else "，已全部显示")
