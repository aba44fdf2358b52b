#!/bin/sh
# A report's neighbours "in its district" (前后报道): a report filed at city
# level (no district) steps through the city's reports at every level, so it
# is never called the city's oldest or newest while the city has older or
# newer ones; a district's report steps through its district only.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/content"
report() {	# file title date place-line
	printf -- '---\ntitle: %s\ndate: %s\n%s\nreporters: [张三]\n---\n\n正文。\n' "$2" "$3" "$4" >"$tmp/content/$1.md"
}
report a 城市甲 2022-03-01 'city: 太原市'
report b 小店乙 2022-03-02 'district: 小店区'
report c 城市丙 2022-03-03 'city: 太原市'
report d 迎泽丁 2022-03-04 'district: 迎泽区'
if ! "$BIN" --config config.yml --content "$tmp/content" --out "$tmp/out" --quiet >"$tmp/log" 2>&1; then
	echo "not ok - neighbours: the build failed"
	sed 's/^/#   /' "$tmp/log" | head -5
	exit 1
fi
# the city box of a report page, as text: "prev|next" (a title, or the words said for none), or its one line when alone
city_box() {
	page=$(grep -l "<h1[^>]*>$1<" "$tmp/out"/reports/*/index.html | head -1)
	python3 - "$page" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
box = html.split("的报道中</h3>", 1)[1].split("</section>", 1)[0]
alone = re.search(r'pager-alone">([^<]*)<', box)
if alone:
    print(alone.group(1))
    sys.exit(0)
def end(cls):
    li = re.search(r'<li class="%s">(.*?)</li>' % cls, box, re.S).group(1)
    t = re.search(r'pager-title">([^<]*)<', li)
    return t.group(1) if t else re.search(r'pager-none">([^<]*)<', li).group(1)
print(end("pager-prev") + "|" + end("pager-next"))
PY
}
check() {	# title expected what
	got=$(city_box "$1")
	if [ "$got" = "$2" ]; then
		echo "ok - neighbours: $3"
	else
		echo "not ok - neighbours: $3: got '$got', want '$2'"
	fi
}
check 城市甲 '这是太原市最早的一篇|小店乙' "a city-level report's next in the city is the district report after it"
check 城市丙 '小店乙|迎泽丁' "a city-level report's neighbours in the city are the reports of any district around it"
check 小店乙 '小店区仅此一篇' "a district report's box stays its district's (alone there: said once)"
