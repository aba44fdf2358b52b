#!/bin/sh
# The navigation's 版面 entry leads to the printed pages (series/index.html):
# an archive without any printed page shows no such entry. Whether there is
# one is the whole archive's property, read by every page: when the first
# printed page comes, or the last goes, an incremental build makes every
# page again (render.c's nav_global), and equals a full build of the same
# input byte for byte.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'title: 版面测试\nbase_url: /\nregions:\n  山西省:\n    吕梁市: [离石区, 石楼县]\n' >"$tmp/config.yml"
mkdir -p "$tmp/content/2021" "$tmp/content/2022"
report() {	# file date district title [tag]
	printf -- '---\ntitle: %s\ndate: %s\ndistrict: %s\ntags: [%s]\n---\n\n%s的正文。\n' \
		"$4" "$2" "$3" "${5:-社区}" "$4" >"$tmp/content/$1.md"
}
# Several months and places, so that after a change of structure some pages
# (other days, months, places, tags) keep their view and would be kept.
report 2021/a 2021-03-02 石楼县 春耕时节的石楼县 春耕
report 2021/b 2021-03-15 石楼县 石楼县的义诊 义诊
report 2021/c 2021-07-09 离石区 离石区夏季防汛 防汛
report 2021/d 2021-11-20 石楼县 冬季供暖检查 供暖
report 2022/e 2022-02-11 离石区 元宵节社区活动 节日
report 2022/f 2022-05-04 石楼县 青年志愿者 志愿
report 2022/g 2022-08-30 离石区 开学前的安全检查 安全

build() {	# out-dir [args]
	"$BIN" --config "$tmp/config.yml" --content "$tmp/content" --out "$1" --strict --quiet
}
same() {	# dir dir
	diff -r -x .sitegen-state -x .sitegen-output "$1" "$2" >"$tmp/diff" 2>&1
}
# nav_links DIR: the number of HTML pages of DIR whose main navigation links
# series/index.html, and (to $tmp/navs) the number with a navigation at all
nav_links() {
	with=0 navs=0
	for f in $(find "$1" -name '*.html' | sort); do
		nav=$(sed -n '/<nav class="site-nav"/,/<\/nav>/p' "$f")
		[ -n "$nav" ] || continue
		navs=$((navs + 1))
		case $nav in *'series/index.html"'*) with=$((with + 1)) ;; esac
	done
	echo "$navs" >"$tmp/navs"
	echo "$with"
}
check() {	# label expect(none|all)
	label=$1
	rm -rf "$tmp/full" && build "$tmp/full"
	n=$(nav_links "$tmp/one")
	navs=$(cat "$tmp/navs")
	if [ "$navs" -lt 20 ]; then
		echo "not ok - nav_series: $label: only $navs pages with a navigation"
	elif [ "$2" = none ] && [ "$n" -ne 0 ]; then
		echo "not ok - nav_series: $label: $n of $navs pages link 版面 (series/index.html) in their navigation"
	elif [ "$2" = all ] && [ "$n" -ne "$navs" ]; then
		echo "not ok - nav_series: $label: only $n of $navs pages link 版面 in their navigation"
	else
		echo "ok - nav_series: $label: $([ "$2" = none ] && echo no page || echo every page of $navs) links 版面 in its navigation"
	fi
	if same "$tmp/one" "$tmp/full"; then
		echo "ok - nav_series: $label: the output equals a full build of the same input"
	else
		echo "not ok - nav_series: $label: the output differs from a full build of the same input"
		head -20 "$tmp/diff" | sed 's/^/#   /'
	fi
}

if ! build "$tmp/one" 2>"$tmp/stderr"; then
	echo "not ok - nav_series: the corpus does not build"
	sed 's/^/#   /' "$tmp/stderr"
	exit 1
fi
check "no printed page" none
if [ -f "$tmp/one/series/index.html" ] && grep -q '本站还没有收录版面' "$tmp/one/series/index.html"; then
	echo "ok - nav_series: the printed pages' index is still made, and says there are none"
else
	echo "not ok - nav_series: series/index.html is missing, or does not say 本站还没有收录版面"
fi

# The first printed page: a new report on it, in a month and place of its own.
printf -- '---\ntitle: 第一版的报道\ndate: 2022-10-31\ndistrict: 离石区\npage: 第一版\n---\n\n印在报纸上的正文。\n' \
	>"$tmp/content/2022/h.md"
build "$tmp/one"
check "a report on a printed page added, built incrementally" all

# The last printed page gone again, from a fresh full build with it (so
# that this step does not rest on the one above).
rm -rf "$tmp/one" && build "$tmp/one"
rm "$tmp/content/2022/h.md"
build "$tmp/one"
check "the report on the only printed page removed, built incrementally" none
