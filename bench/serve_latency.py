"""What an editor waits for with `sitegen serve`: from saving a report's Markdown file to the new text on the
page open in the browser. For the bench (bench/run.sh):

    python3 bench/serve_latency.py --sitegen build/sitegen --config C --content D --out O --theme T \
        --article D/2020/000123.md [--edits 10] [--titles 3] [--adds 3] [--cache-dir M]

Starts `sitegen serve --port 0` on the corpus (the server builds into O; its first build is not timed),
opens the article's page in headless Chromium (tests/theme_check.py starts it), then --edits times for each
kind of save, alternating: appends a paragraph with a marker no build has seen to the article (the file as it
was, plus that paragraph) by writing a temporary file beside it and renaming it over (vim, gedit, VS Code),
or by writing the file in place (truncate and write: nano, `echo >>`). Then --titles times it puts a marker
in the title (the page's h1), and --adds times it adds a report as the newest (a copy of the article dated
a day after every report, a marker in its title), with the home page open, whose list of the latest reports
then shows it; the added files are removed at the end. Each time it measures from just before the write to the moment the reloaded
page's body holds the marker (a MutationObserver in every document the tab loads, its time from the page's
own clock, `performance.timeOrigin + performance.now()`, which is the same wall clock as this script's; the
polling of WebDriver only collects it), and to the frame after that. The server's terminal lines, stamped as
they arrive, split each wait in four: inotify and the debounce (the save to the "… changed" line, said when
the build starts), the build (the child process, to "built in"), the event's way to the page (to the
reloaded document's navigation start), and the page's load to the marker. The CPU time is the server's and
its builds' (/proc: the server's own, its reaped children's and the kept build process's), per save; the browser's is not counted.
The file is put back as it was at the end (and that build waited for, untimed).

Prints `#` lines (each save, then a summary per kind) and one line per kind for the bench:
    serve KIND N MEDIAN_S WORST_S CPU_S FILES MEDIAN_BUILD_S
(KIND: rename, inplace, title, add; FILES: the median of the builds' "files written"). Then, with the server
stopped, the same body edit --cli times (default: --edits) built by the command line with the same options
and memo, timed from the build's start (as the bench's rows are), and a line
    cli body N MEDIAN_S WORST_S CPU_S FILES
so that what the server adds is the difference. Exits 1 when a save was
not seen on the page within --timeout seconds, or the server did not start."""
import argparse
import datetime
import glob
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import theme_check  # noqa: E402  (its start_browser: headless Chromium as the tests start it)

# Run in every document the tab loads, before the page's own scripts: once the body holds the marker the
# test set in sessionStorage (which a reload keeps), note when, and when the next frame is painted (a task
# queued from requestAnimationFrame runs after that frame). The old page notes when it starts to go.
OBSERVER = r"""
(function () {
  var want = null;
  try { want = sessionStorage.getItem('lat-marker'); } catch (e) {}
  function now() { return performance.timeOrigin + performance.now(); }
  window.__lat = {origin: performance.timeOrigin, marker: want};
  addEventListener('beforeunload', function () {
    try { sessionStorage.setItem('lat-leave', String(now())); } catch (e) {}
  });
  if (!want) return;
  var mo = null;
  function check() {
    if (window.__lat.seen || !document.body || document.body.textContent.indexOf(want) < 0) return;
    window.__lat.seen = now();
    if (mo) mo.disconnect();
    requestAnimationFrame(function () {
      setTimeout(function () { window.__lat.painted = now(); }, 0);
    });
  }
  mo = new MutationObserver(check);
  mo.observe(document, {childList: true, subtree: true, characterData: true});
  document.addEventListener('DOMContentLoaded', check);
})();
"""

COLLECT = """
var l = window.__lat;
if (!l || !l.painted || l.marker !== arguments[0]) return null;
var nav = performance.getEntriesByType('navigation')[0] || {};
var leave = null;
try { leave = +sessionStorage.getItem('lat-leave'); } catch (e) {}
return {origin: l.origin, seen: l.seen, painted: l.painted, leave: leave,
        response: nav.responseEnd ? l.origin + nav.responseEnd : null, type: nav.type || ''};
"""


class Server:
    """`sitegen serve` with its terminal's lines stamped (time.time()) as they arrive."""

    def __init__(self, argv, env, log):
        self.lines = []
        self.cond = threading.Condition()
        self.log = open(log, "w", encoding="utf-8") if log else None
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                     text=True, encoding="utf-8", errors="replace", bufsize=1)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            t = time.time()
            if self.log:
                self.log.write("%.3f %s" % (t, line))
                self.log.flush()
            with self.cond:
                self.lines.append((t, line.rstrip("\n")))
                self.cond.notify_all()
        with self.cond:
            self.lines.append((time.time(), None))  # the end
            self.cond.notify_all()

    def wait_for(self, pattern, start, timeout):
        """The first (time, line, match) at or after index start matching pattern, or None."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    if line is None:
                        return None
                    m = rx.search(line)
                    if m:
                        return t, line, m
                    i += 1
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def count(self):
        with self.cond:
            return len(self.lines)

    def cpu(self):
        """Seconds of CPU of the server, its reaped builds and the build process it keeps (its
        live children: their own time)."""
        ticks = 0
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                ticks += sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:15])
        except OSError:
            pass
        kids = []
        for task in glob.glob("/proc/%d/task/*/children" % self.proc.pid):
            try:
                with open(task) as f:
                    kids += f.read().split()
            except OSError:
                pass
        for kid in kids:
            try:
                with open("/proc/%s/stat" % kid) as f:
                    ticks += sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
            except OSError:
                pass
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        """SIGTERM, as Ctrl-C would: the server says 'stopped' and exits 0."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(5)
        return self.proc.returncode


def save(path, text, how):
    """Writes text to path as an editor does: 'rename' (a temporary file beside it, renamed over it; its
    name begins with '.', as gedit's .goutputstream-XXXXXX does) or 'inplace' (truncated and written)."""
    if how == "inplace":
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return
    fd, tmp = tempfile.mkstemp(prefix=".lat-", suffix=".tmp", dir=os.path.dirname(path))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def restore(srv, article, original, timeout):
    """The original file back, and its build and reload waited for (untimed)."""
    n = srv.count()
    save(article, original, "rename")
    srv.wait_for(r"built in", n, timeout)
    time.sleep(0.5)


def newest_date(content):
    """The latest `date:` of the reports under content (a month-only date as its first day)."""
    best = None
    for root, _, files in os.walk(content):
        for f in files:
            if not f.endswith(".md"):
                continue
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                m = re.search(r"^date:\s*'?(\d{4})-(\d{2})(?:-(\d{2}))?", fh.read(4096), re.M)
            if m:
                d = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
                best = d if best is None or d > best else best
    return best or datetime.date(2020, 1, 1)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2) if n else float("nan")


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--sitegen", "--config", "--content", "--out", "--theme", "--article"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--edits", type=int, default=10, help="saves of each kind (rename, in place)")
    ap.add_argument("--titles", type=int, default=3, help="title edits")
    ap.add_argument("--adds", type=int, default=3, help="reports added as the newest, the home page open")
    ap.add_argument("--cli", type=int, default=None, help="then the body edit this many times by the command "
                    "line, without the server (default: --edits)")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds between a save seen and the next save")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--start-timeout", type=float, default=900, help="for the server's first build")
    ap.add_argument("--cache-dir", help="SITEGEN_CACHE_DIR for the server's builds")
    ap.add_argument("--log", help="where to keep the server's terminal")
    a = ap.parse_args()
    if a.cli is None:
        a.cli = a.edits

    env = dict(os.environ)
    if a.cache_dir:
        env["SITEGEN_CACHE_DIR"] = a.cache_dir
    article = os.path.abspath(a.article)
    original = open(article, encoding="utf-8").read()
    m = re.search(r"^slug:\s*['\"]?([a-z0-9-]+)", original, re.M)
    if m:
        slug = m.group(1)
    elif os.path.basename(article) == "index.md":  # a page bundle: the folder's name
        slug = os.path.basename(os.path.dirname(article))
    else:
        slug = os.path.basename(article)[:-len(".md")]

    body = original.rstrip("\n") + "\n\n编辑者新加的一段,标记@MARK@。\n"
    srv = Server([a.sitegen, "serve", "--port", "0", "--config", a.config, "--content", a.content, "--out", a.out,
                  "--theme", a.theme], env, a.log)
    driver = None
    failed = 0
    results = {}
    added, made = [], []  # the reports added, and the folders made for them
    try:
        hit = srv.wait_for(r"serving (http\S+)", 0, a.start_timeout)
        if not hit:
            print("# serve: the server did not start:", file=sys.stderr)
            for _, line in srv.lines[-20:]:
                print("#   %s" % line, file=sys.stderr)
            return 1
        url = hit[2].group(1)
        page = url + "reports/" + slug + "/"
        tmp = tempfile.mkdtemp(prefix="serve-latency-")
        driver = theme_check.start_browser(tmp)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
        driver.set_page_load_timeout(a.timeout)
        driver.get(page)
        title = re.search(r"^title:\s*'?(.*?)'?\s*$", original, re.M).group(1)
        if not driver.execute_script("return !!document.querySelector('script[data-gen]') && "
                                     "document.body.textContent.includes(arguments[0])", title):
            print("# serve: %s is not the page of %s (or has no live-reload script)" % (page, article),
                  file=sys.stderr)
            return 1
        # the two clocks, this script's time.time() and the page's performance clock: the closest of 5 samples
        samples = []
        for _ in range(5):
            t1 = time.time()
            pt = driver.execute_script("return performance.timeOrigin + performance.now()") / 1000
            t2 = time.time()
            samples.append((t2 - t1, pt - (t1 + t2) / 2))
        rtt, skew = min(samples)
        print("# serve: %s; the page's clock minus ours: %+.1f ms (±%.1f)" % (page, skew * 1000, rtt / 2 * 1000),
              flush=True)
        time.sleep(0.5)  # the page has said it listens

        def one(kind, i, text, how, path=article):
            """One save: the marker's way to the screen, split by the server's lines."""
            marker = "LAT%s%d%x" % (kind[0].upper(), i, int(time.time() * 1000) % 0xFFFFF)
            text = text.replace("@MARK@", marker)
            driver.execute_script("sessionStorage.setItem('lat-marker', arguments[0]); "
                                  "sessionStorage.removeItem('lat-leave');", marker)
            n = srv.count()
            cpu0 = srv.cpu()
            t0 = time.time()
            save(path, text, how)
            end = time.monotonic() + a.timeout
            got = None
            while time.monotonic() < end:
                try:
                    got = driver.execute_script(COLLECT, marker)
                except Exception:  # the page is between documents
                    got = None
                if got:
                    break
                time.sleep(0.01)
            if not got:
                print("# serve: %s %d: the marker %s did not show within %.0f s" % (kind, i, marker, a.timeout),
                      file=sys.stderr)
                return None
            built = srv.wait_for(r"built in ([0-9.]+) s", n, a.timeout)
            started = srv.wait_for(r"^sitegen: serve: (?!built in).*(changed|removed)", n, 0)
            written = srv.wait_for(r"\((\d+) files written", n, 0)
            builds = sum(1 for _, line in srv.lines[n:] if line and "built in" in line)
            time.sleep(a.settle)  # settled: the reloaded page has said it listens, the browser is idle again
            r = {
                "total": got["seen"] / 1000 - t0,
                "painted": got["painted"] / 1000 - t0,
                "debounce": started[0] - t0 if started else float("nan"),
                "build": (built[0] - started[0]) if built and started else float("nan"),
                "event": (got["origin"] / 1000 - built[0]) if built else float("nan"),
                "load": got["seen"] / 1000 - got["origin"] / 1000,
                "fetch": (got["response"] - got["origin"]) / 1000 if got["response"] else float("nan"),
                "files": int(written[2].group(1)) if written else -1,
                "cpu": srv.cpu() - cpu0,
                "builds": builds,
            }
            print("#   %-7s %2d: %4.0f ms to the marker in the page (%4.0f painted): %3.0f save to build start, "
                  "%4.0f build, %3.0f build end to reload, %3.0f reload to marker (%3.0f the page's HTML); %d files written%s"
                  % (kind, i, r["total"] * 1000, r["painted"] * 1000, r["debounce"] * 1000, r["build"] * 1000,
                     r["event"] * 1000, r["load"] * 1000, r["fetch"] * 1000, r["files"],
                     "" if builds == 1 else "; %d builds" % builds), flush=True)
            return r

        for i in range(a.edits):
            for how in ("rename", "inplace"):
                r = one(how, i + 1, body, how)
                if r is None:
                    failed += 1
                else:
                    results.setdefault(how, []).append(r)
        if a.titles:
            restore(srv, article, original, a.timeout)
            titled = re.sub(r"^(title:\s*'?)", lambda mm: mm.group(1) + "改@MARK@", original, count=1, flags=re.M)
            for i in range(a.titles):
                r = one("title", i + 1, titled, "rename")
                if r is None:
                    failed += 1
                else:
                    results.setdefault("title", []).append(r)
        if a.adds:
            restore(srv, article, original, a.timeout)
            driver.get(url)  # the home page: its latest reports
            time.sleep(0.5)
            newest = max(newest_date(a.content), datetime.date(1900, 1, 1))
            for i in range(a.adds):
                day = newest + datetime.timedelta(days=i + 1)
                path = os.path.join(a.content, str(day.year), "bench-added-%d.md" % (i + 1))
                if not os.path.isdir(os.path.dirname(path)):
                    os.makedirs(os.path.dirname(path))
                    made.append(os.path.dirname(path))
                added.append(path)
                text = re.sub(r"^date:.*$", "date: " + day.isoformat(), original, count=1, flags=re.M)
                text = re.sub(r"^slug:.*\n", "", text, flags=re.M)
                text = re.sub(r"^(title:\s*'?)", lambda mm: mm.group(1) + "新@MARK@", text, count=1, flags=re.M)
                r = one("add", i + 1, text, "rename", path)
                if r is None:
                    failed += 1
                else:
                    results.setdefault("add", []).append(r)
    finally:
        if added:
            n = srv.count()
            for path in added:
                if os.path.exists(path):
                    os.remove(path)
            srv.wait_for(r"built in", n, a.timeout)
        for d in made:
            os.rmdir(d)
        if open(article, encoding="utf-8").read() != original:
            restore(srv, article, original, a.timeout)
        if driver:
            driver.quit()
        status = srv.stop()
        if status != 0:
            print("# serve: the server ended with status %s" % status, file=sys.stderr)
            failed += 1

    names = {"rename": "saved by rename", "inplace": "saved in place", "title": "title edited (by rename)",
             "add": "a report added as the newest (the home page open)"}
    for kind in ("rename", "inplace", "title", "add"):
        rs = results.get(kind)
        if not rs:
            continue
        med = {k: median([r[k] for r in rs]) for k in rs[0]}
        worst = max(r["total"] for r in rs)
        print("# serve: %s, %d saves: the marker in the page after median %.0f ms, worst %.0f ms (painted: "
              "median %.0f ms); the parts' medians: %.0f ms save to build start (inotify, debounce), %.0f ms the build, "
              "%.0f ms build end to reload (event, worker, page), %.0f ms reload to marker (%.0f ms the page's HTML); "
              "CPU %.2f s a save"
              % (names[kind], len(rs), med["total"] * 1000, worst * 1000, med["painted"] * 1000,
                 med["debounce"] * 1000, med["build"] * 1000, med["event"] * 1000, med["load"] * 1000,
                 med["fetch"] * 1000, med["cpu"]))
        print("serve %s %d %.3f %.3f %.2f %d %.3f" % (kind, len(rs), med["total"], worst, med["cpu"], med["files"],
                                                      med["build"]), flush=True)
    if a.cli and not failed:
        rs = cli_edits(a, env, article, original, body)
        med = {k: median([r[k] for r in rs]) for k in rs[0]}
        print("# cli: the same body edit saved %d times, built by the command line (no server, no browser): "
              "median %.0f ms, worst %.0f ms, CPU %.2f s" % (len(rs), med["wall"] * 1000,
                                                          max(r["wall"] for r in rs) * 1000, med["cpu"]))
        print("cli body %d %.3f %.3f %.2f %d" % (len(rs), med["wall"], max(r["wall"] for r in rs), med["cpu"],
                                                 med["files"]), flush=True)
    return 1 if failed else 0


def cli_edits(a, env, article, original, body):
    """The body edit of the serve runs, each saved and then built by `sitegen` with the server's options and
    memo, timed from the build's start to its end (wall, and CPU from getrusage): what serve adds is the
    difference. The file is put back and built at the end."""
    argv = [a.sitegen, "--config", a.config, "--content", a.content, "--out", a.out, "--theme", a.theme]
    rs = []
    for i in range(a.cli):
        save(article, body.replace("@MARK@", "LATC%d%x" % (i + 1, int(time.time() * 1000) % 0xFFFFF)), "rename")
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run(argv, env=env, capture_output=True, text=True)
        wall = time.monotonic() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        m = re.search(r"\((\d+) files written", p.stdout)
        rs.append({"wall": wall, "cpu": ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime,
                   "files": int(m.group(1)) if m else -1})
        print("#   cli     %2d: %4.0f ms build, %d files written" % (i + 1, wall * 1000, rs[-1]["files"]), flush=True)
    save(article, original, "rename")
    subprocess.run(argv, env=env, capture_output=True)
    return rs


if __name__ == "__main__":
    sys.exit(main())
