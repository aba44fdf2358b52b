#!/bin/sh
# The golden fixture: tests/golden/{config.yml,content/} must build to exactly
# tests/golden/expected/ (`make golden-update` regenerates it on purpose).
set -u
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$B/sitegen" --config tests/golden/config.yml --content tests/golden/content --out "$tmp/out" \
	--strict --quiet 2>"$tmp/stderr"; then
	echo "not ok - golden: the fixture does not build"
	sed 's/^/#   /' "$tmp/stderr"
	exit 1
fi
rm -f "$tmp/out/.sitegen-output" "$tmp/out/.sitegen-state"
if diff -r tests/golden/expected "$tmp/out" >"$tmp/diff"; then
	echo "ok - golden: the fixture site equals tests/golden/expected ($(find "$tmp/out" -type f | wc -l) files)"
else
	echo "not ok - golden: the fixture site differs from tests/golden/expected"
	head -60 "$tmp/diff" | sed 's/^/#   /'
fi

# What the golden pages must show, asserted on their own so that a careless
# `make golden-update` cannot bless a regression.
E=tests/golden/expected
expect() {	# description command…
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then echo "ok - golden: $what"; else echo "not ok - golden: $what"; fi
}
L=$E/reports/lianxinka/index.html
expect "raw HTML in a body is dropped (safe mode)" sh -c "! grep -q '<script>alert' '$L'"
expect "a draft is left out" sh -c "! grep -rq '草稿不会发布' '$E'"
expect "two files named 社区防疫.md get the pinyin slugs she-qu-fang-yi (the older) and she-qu-fang-yi-2" \
	test -f "$E/reports/she-qu-fang-yi/index.html" -a -f "$E/reports/she-qu-fang-yi-2/index.html"
expect "a report's date is shown by ICU as 2022年10月31日 星期一" grep -q '2022年10月31日 星期一' "$L"
expect "the citation gives the date without the weekday, marked when inferred (2022年10月31日（日期系推断）)" \
	grep -q 'cite-text">.*，2022年10月31日（日期系推断）。<' "$L"
expect "a printed date is cited as it is (2022年11月2日), unmarked" \
	grep -q 'cite-text">《社区为居民发放口罩》，2022年11月2日。<' "$E/reports/kouzhao/index.html"
expect "a report links its community, district, city and province" sh -c \
	"grep -q 'href=\"../../places/shan-xi-sheng/lv-liang-shi/li-shi-qu/chang-ning-she-qu/index.html\"' '$L' &&
	 grep -q 'href=\"../../places/shan-xi-sheng/index.html\"' '$L'"
expect "a city's count includes its districts' reports (吕梁市: 2)" \
	grep -qF 'lv-liang-shi/index.html">吕梁市</a> <span class="count">2 篇</span>' "$E/places/index.html"
expect "the 404 page links from base_url's path" grep -q 'href="/golden/index.html"' "$E/404.html"
expect "a printed page shows its editor's note" grep -q '编者按的正文' "$E/series/lai-zi-kang-ji-yi-qing-yi-xian-de-bao-dao/index.html"
expect "the month page has a calendar linking its days" grep -q 'href="../../../dates/2022/10/31/index.html"' "$E/dates/2022/10/index.html"
expect "the Atom feed lists the newest report with an absolute link" \
	grep -q '<id>https://example.org/golden/reports/lianxinka/</id>' "$E/feed.xml"
expect "the sitemap lists reports with their dates" \
	grep -q '<loc>https://example.org/golden/reports/lianxinka/</loc><lastmod>2022-10-31</lastmod>' "$E/sitemap.xml"
expect "a page bundle's image is copied byte for byte beside its page" \
	cmp tests/golden/content/2022/kouzhao/img/kouzhao.png "$E/reports/kouzhao/img/kouzhao.png"
expect "a page bundle's image has its width and height, and a caption with an image is a figure" sh -c \
	"grep -qF '<img src=\"img/kouzhao.png\" alt=\"网格员送口罩 &lt;图&gt;\" width=\"4\" height=\"3\" loading=\"lazy\" decoding=\"async\">' '$E/reports/kouzhao/index.html' &&
	 grep -qF '<figcaption>网格员为居民送口罩</figcaption>' '$E/reports/kouzhao/index.html'"
expect "the only report of its district says so once (离石区仅此一篇), not that it is both the first and the last" sh -c \
	"grep -qF '离石区仅此一篇' '$L' && ! grep -q '离石区最早的一篇\|离石区最新的一篇' '$L'"
expect "a place's lead separates its two links with ' · ' and has no space after its 。" \
	grep -qF '篇。<a class="lead-link" href="../../places/index.html">上一级：全部地区</a> · <a class="lead-link" href="#year-links">' \
	"$E/places/shan-xi-sheng/index.html"
expect "every page links the site's icon, relative to the page (assets/icon.svg is there)" sh -c \
	"test -f '$E/assets/icon.svg' && grep -qF '<link rel=\"icon\" type=\"image/svg+xml\" href=\"../../assets/icon.svg\">' '$L' &&
	 ! grep -rL --include='*.html' 'rel=\"icon\"' '$E' | grep -q ."
