#!/usr/bin/env python3
"""Real Chinese text for the search index's size, beside the bench's synthetic corpus (README, Search).

    python3 bench/manpages_corpus.py OUT_CONTENT_DIR

writes one report a manual page of Debian's `manpages-zh` (/usr/share/man/zh_CN, installed with
`apt-get install manpages-zh`; nothing else is fetched): its roff reduced to paragraphs and headings, the
NAME line as the title, a date a day apart from 2020-01-01, district 离石区 (in the shipped config.yml).
Then `sitegen --content OUT_CONTENT_DIR --out OUT` and compare `du -sb OUT/search` with the Markdown.
bench/corpus.c's articles come from a few hundred sentences, so their runs of characters repeat far more
than real reports' do; this text does not. Crude: roff macros it does not know are dropped."""
import datetime
import gzip
import os
import re
import sys

SRC = "/usr/share/man/zh_CN"
ESC = re.compile(r'\\f[BIRPC]|\\f\(..|\\\(..|\\[-&e|^~0]|\\s[-+]?\d|\\\*\(..|\\\*.|\\"')
BREAKS = ("SH", "SS", "PP", "P", "LP", "TP", "IP", "sp", "br", "HP", "RS", "RE", "TH", "nf", "fi", "in", "ti")
FONTS = ("B", "I", "BR", "IR", "RB", "BI", "IB", "RI")


def paragraphs(roff):
    """The page's text as Markdown paragraphs and headings, and its NAME line."""
    paras, cur, name, in_name = [], [], None, False
    for line in roff.split("\n"):
        if line.startswith('.\\"') or line.startswith("'\\\""):
            continue
        if line.startswith("."):
            m = re.match(r"\.(\w+)\s*(.*)", line)
            if not m:
                continue
            mac, arg = m.groups()
            if mac in BREAKS:
                if cur:
                    paras.append(" ".join(cur))
                    cur = []
                if mac in ("SH", "SS") and arg:
                    heading = ESC.sub("", arg).strip('"')
                    paras.append("## " + heading)
                    in_name = heading.upper() in ("NAME", "名称", "名字", "NAME 名称") or "名" in heading
                continue
            if mac not in FONTS:
                continue
            line = arg.replace('"', "")
        line = ESC.sub("", line).strip()
        if not line:
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        if in_name and name is None:
            name = line
        cur.append(line)
    if cur:
        paras.append(" ".join(cur))
    return [p.replace("\\", "") for p in paras if p.strip()], name


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench/manpages_corpus.py OUT_CONTENT_DIR")
    out = os.path.join(sys.argv[1], "2021")
    os.makedirs(out, exist_ok=True)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(SRC) for f in fs if f.endswith(".gz"))
    if not files:
        sys.exit(f"no manual pages in {SRC}: apt-get install manpages-zh")
    n, day0 = 0, datetime.date(2020, 1, 1)
    for f in files:
        try:
            roff = gzip.open(f).read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if ".so " in roff[:20]:
            continue	# a link to another page
        paras, name = paragraphs(roff)
        body = "\n\n".join(paras)
        if len(body) < 200:
            continue
        title = (name or os.path.basename(f)).replace("'", "''")[:80]
        body = re.sub(r"^([-*+>#|]|\d+\.)", r"\\\1", body, flags=re.M).replace("<", "&lt;")
        body = re.sub(r"^\\##", "##", body, flags=re.M)
        date = day0 + datetime.timedelta(days=n)
        with open(os.path.join(out, f"m{n:04d}.md"), "w") as w:
            w.write(f"---\ntitle: '{title}'\ndate: {date.isoformat()}\ndistrict: 离石区\n---\n\n{body}\n")
        n += 1
    print(f"{n} reports in {sys.argv[1]}")


if __name__ == "__main__":
    main()
