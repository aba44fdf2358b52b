#!/bin/sh
# A report's related reports (相关报道): others of its community nearest it
# in time (as many newer as older where there are), the report itself in
# its place among them (本文, with its date), then others of its district
# sharing a tag but for those its pagers (前后报道) link to, each list
# newest first, under headings that say which is which. A report added as
# the newest changes the lists of the few reports next to it only.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/content"
report() {	# file title date community tag
	printf -- '---\ntitle: %s\ndate: %s\ndistrict: 小店区\ncommunity: %s\ntags: [%s]\nreporters: [张三]\n---\n\n%s的正文。\n' \
		"$2" "$3" "$4" "$5" "$2" >"$tmp/content/$1.md"
}
for i in 1 2 3 4 5 6 7 8 9; do
	report c$i "社区报道$i" "2022-03-0$i" 坞城社区 防疫
done
report t1 "同区同标签" 2022-02-01 北营社区 防疫
report t2 "同区别标签" 2022-02-02 北营社区 志愿
build() {
	if ! "$BIN" --config config.yml --content "$tmp/content" --out "$tmp/out" --quiet >"$tmp/log" 2>&1; then
		echo "not ok - related: the build failed"
		sed 's/^/#   /' "$tmp/log" | head -5
		exit 1
	fi
}
build
# a report's 相关报道 as text: "heading: title|title|…" for each list, the
# report itself as 本文, lists joined by " / "; empty when there is none
related() {
	page=$(grep -l "<h1[^>]*>$1<" "$tmp/out"/reports/*/index.html | head -1)
	python3 - "$page" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
if 'id="s-related"' not in html:
    print("")
    sys.exit(0)
sec = html.split('id="s-related"', 1)[1].split("</section>", 1)[0]
out = []
for head, ul in re.findall(r'<h3>([^<]*)</h3>\s*<ul class="items">(.*?)</ul>', sec, re.S):
    items = re.findall(r'<li class="item[^"]*">(?:<a href="[^"]*">([^<]*)</a>|<span aria-current="page">[^<]*</span> <span class="item-meta"><time[^>]*>[^<]*</time>（(本文)）)', ul)
    out.append(head + ": " + "|".join(a or b for a, b in items))
print(" / ".join(out))
PY
}
check() {	# title expected what
	got=$(related "$1")
	if [ "$got" = "$2" ]; then
		echo "ok - related: $3"
	else
		echo "not ok - related: $3: got '$got', want '$2'"
	fi
}
N=坞城社区时间相近的报道
check 社区报道5 "$N: 社区报道8|社区报道7|社区报道6|本文|社区报道4|社区报道3|社区报道2" \
	"a report in the middle of its community lists the three newer and three older next to it, newest first, itself in its place"
check 社区报道9 "$N: 本文|社区报道8|社区报道7|社区报道6|社区报道5|社区报道4|社区报道3" \
	"the community's newest lists the six older, itself first"
check 社区报道2 "$N: 社区报道7|社区报道6|社区报道5|社区报道4|社区报道3|本文|社区报道1" \
	"a report near the community's oldest end takes more of the newer side"
check 同区同标签 "北营社区时间相近的报道: 同区别标签|本文 / 小店区同一专题的报道: 社区报道5|社区报道4|社区报道3|社区报道2|社区报道1" \
	"its community's other report (newer: itself once, last), then the district's sharing a tag nearest it under their own heading, not the one its pagers link to"
page=$(grep -l "<h1[^>]*>社区报道5<" "$tmp/out"/reports/*/index.html | head -1)
if grep -q '<span aria-current="page">社区报道5</span> <span class="item-meta"><time datetime="2022-03-05">' "$page" &&
	! sed -n '/id="s-related"/,/<\/section>/p' "$page" | grep -q '坞城社区</span>'; then
	echo "ok - related: the report's own line has its date; its community's lines their dates alone (the heading names the community)"
else
	echo "not ok - related: the report's own line has no date, or the community's lines repeat the place"
fi

# A report added as the newest: only the pages whose lists reach it change
# (the three newest of its community), not every page of the community.
title_of() { sed -n 's/.*<h1[^>]*>\([^<]*\)<.*/\1/p' "$1" | head -1; }
for f in "$tmp"/out/reports/*/index.html; do printf '%s %s\n' "$(cksum <"$f" | tr ' ' :)" "$f"; done >"$tmp/before"
report c10 "社区报道10" 2022-03-10 坞城社区 防疫
build
changed=$(while read -r sum f; do
	[ "$(cksum <"$f" | tr ' ' :)" = "$sum" ] || title_of "$f"
done <"$tmp/before" | sort | tr '\n' ' ')
if [ "$changed" = "社区报道7 社区报道8 社区报道9 " ]; then
	echo "ok - related: a report added as the newest of a community of nine changes the pages of the three nearest it, and no other"
else
	echo "not ok - related: a report added as the newest of a community of nine changed these earlier pages: $changed(want 社区报道7 社区报道8 社区报道9)"
fi
check 社区报道9 "$N: 社区报道10|本文|社区报道8|社区报道7|社区报道6|社区报道5|社区报道4" \
	"the newest's neighbour lists the added report"
check 社区报道3 "$N: 社区报道7|社区报道6|社区报道5|社区报道4|本文|社区报道2|社区报道1" \
	"a report with two older in its community takes four of the newer side"
