#!/bin/sh
# A report's related reports (相关报道): others of its community nearest it
# in time (as many newer as older where there are), then others of its
# district sharing a tag, newest first. A report added as the newest
# changes the lists of the few reports next to it only.
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
# the titles a report's page lists under 相关报道, in order, joined by |
related() {
	page=$(grep -l "<h1[^>]*>$1<" "$tmp/out"/reports/*/index.html | head -1)
	python3 - "$page" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
if 'id="s-related"' not in html:
    print("")
    sys.exit(0)
sec = html.split('id="s-related"', 1)[1].split("</section>", 1)[0]
print("|".join(re.findall(r'<li class="item[^"]*"><a href="[^"]*">([^<]*)</a>', sec)))
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
check 社区报道5 '社区报道8|社区报道7|社区报道6|社区报道4|社区报道3|社区报道2' \
	"a report in the middle of its community lists the three newer and the three older next to it, newest first"
check 社区报道9 '社区报道8|社区报道7|社区报道6|社区报道5|社区报道4|社区报道3' \
	"the community's newest lists the six before it"
check 社区报道2 '社区报道7|社区报道6|社区报道5|社区报道4|社区报道3|社区报道1' \
	"a report near the community's oldest end takes more of the newer side"
check 同区同标签 '同区别标签|社区报道5|社区报道4|社区报道3|社区报道2|社区报道1' \
	"its community's other report first, then the district's reports sharing a tag nearest it (here all newer)"

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
	echo "ok - related: a report added as the newest of a community of nine changes the pages of the three whose lists reach it, and no other"
else
	echo "not ok - related: a report added as the newest of a community of nine changed these earlier pages: $changed(want 社区报道7 社区报道8 社区报道9)"
fi
check 社区报道9 '社区报道10|社区报道8|社区报道7|社区报道6|社区报道5|社区报道4' \
	"the newest's neighbour lists the added report, then the five older next to it"
check 社区报道3 '社区报道7|社区报道6|社区报道5|社区报道4|社区报道2|社区报道1' \
	"a report with two older in its community takes four of the newer side"
