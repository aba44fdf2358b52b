#!/bin/sh
# The Atom feeds (the site's, and one per place, tag and person) and the
# sitemap, on a small generated archive whose every report's places, tags
# and people are known (tests/feeds_check.py gen): valid XML and Atom, each
# feed exactly its page's newest reports, the pages linking their feeds, the
# sitemap listing every page once (and, past sitemap_limit, split by year
# into a sitemap index), and two builds byte for byte the same.
set -u
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python=
for py in python3 /usr/bin/python3; do
	command -v "$py" >/dev/null 2>&1 && python=$py && break
done
if [ -z "$python" ]; then
	echo "skip - feeds: python3 is missing"
	exit 0
fi
"$python" tests/feeds_check.py gen "$tmp" || { echo "not ok - feeds: cannot write the test archive"; exit 1; }

build() {	# out config extra-flags…
	out=$1 config=$2
	shift 2
	if ! "$B/sitegen" --config "$config" --content "$tmp/content" --out "$out" --strict --quiet "$@" \
		>"$tmp/log" 2>&1; then
		echo "not ok - feeds: the archive does not build ($config)"
		sed 's/^/#   /' "$tmp/log" | head -20
		exit 1
	fi
}
build "$tmp/a" "$tmp/config.yml"
build "$tmp/b" "$tmp/config.yml" --jobs 1

# xmllint, Debian's libxml2-utils: installed as the other tests install their tools
if ! command -v xmllint >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo="sudo -n"; fi
	{ flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends libxml2-utils || {
		flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends libxml2-utils; }; } >"$tmp/apt.log" 2>&1
fi
# lint DIR WHAT: xmllint on every .xml file of DIR
lint() {
	if ! command -v xmllint >/dev/null 2>&1; then
		echo "skip - feeds: xmllint (libxml2-utils) could not be installed, $2 not parsed"
		sed 's/^/#   /' "$tmp/apt.log" | tail -3
	elif find "$1" -name '*.xml' | sort >"$tmp/xml" && xargs xmllint --noout <"$tmp/xml" >"$tmp/lint" 2>&1; then
		echo "ok - feeds: xmllint parses $2 ($(wc -l <"$tmp/xml") files)"
	else
		echo "not ok - feeds: xmllint refuses some of $2"
		sed 's/^/#   /' "$tmp/lint" | head -20
	fi
}
lint "$tmp/a" "every feed and the sitemap"

"$python" tests/feeds_check.py check "$tmp/a" "$tmp"

if diff -r -x .sitegen-state "$tmp/a" "$tmp/b" >"$tmp/diff"; then
	echo "ok - feeds: two builds (2 threads, 1 thread) are byte for byte the same"
else
	echo "not ok - feeds: two builds differ"
	sed 's/^/#   /' "$tmp/diff" | head -20
fi

# A sitemap too full for one file, made so with a tiny limit.
cp "$tmp/config.yml" "$tmp/split.yml"
echo "sitemap_limit: 25" >>"$tmp/split.yml"
build "$tmp/a" "$tmp/split.yml"
lint "$tmp/a" "the sitemap index and its sitemaps"
"$python" tests/feeds_check.py split "$tmp/a" "$tmp" 25
# A report added to the newest year: the other years' sitemaps are not made
# again (SITEGEN_TIMING counts the sitemap's jobs made: sitemap.xml, the
# newest year's, and the pages of no year's when a lastmod there changed),
# and the output is a full build's.
newest_year=$(ls "$tmp/content" | grep -E '^[0-9]{4}$' | sort | tail -1)
src=$(ls "$tmp/content/$newest_year"/*.md | head -1)
sed "s/^title: .*/title: 新加的一篇报道/" "$src" >"$tmp/content/$newest_year/added-sitemap.md"
SITEGEN_TIMING=1 build "$tmp/a" "$tmp/split.yml"
made=$(sed -n 's/.* sitemap \([0-9]*\/[0-9]*\) .*/\1/p' "$tmp/log")
rm -rf "$tmp/full" && build "$tmp/full" "$tmp/split.yml" --jobs 1
if [ "${made%/*}" -ge 2 ] && [ "${made%/*}" -le 3 ] && [ "${made#*/}" -gt 4 ] && diff -r -x .sitegen-state "$tmp/a" "$tmp/full" >"$tmp/diff"; then
	echo "ok - feeds: a report added to $newest_year makes $made of the sitemap's jobs again (the other years' kept), the output a full build's"
else
	echo "not ok - feeds: a report added to $newest_year: the sitemap's jobs made ${made:-?} (2 or 3 meant), or the output not a full build's"
	sed 's/^/#   /' "$tmp/diff" | head -10
fi
rm -f "$tmp/content/$newest_year/added-sitemap.md"
# and back: the parts are removed when the URLs fit again
build "$tmp/a" "$tmp/config.yml"
if ls "$tmp/a"/sitemap-*.xml >/dev/null 2>&1; then
	echo "not ok - feeds: the sitemap's parts stay after the URLs fit in sitemap.xml again"
else
	echo "ok - feeds: the sitemap's parts are removed once the URLs fit in sitemap.xml again"
fi

printf 'sitemap_limit: 0\n' >>"$tmp/split.yml"
sed -i '/^sitemap_limit: 25$/d' "$tmp/split.yml"
if "$B/sitegen" --config "$tmp/split.yml" --content "$tmp/content" --out "$tmp/c" --quiet >"$tmp/log" 2>&1 ||
	! grep -q "error: 'sitemap_limit' must be a number from 1 to 50000" "$tmp/log"; then
	echo "not ok - feeds: sitemap_limit: 0 is not refused with its message"
	sed 's/^/#   /' "$tmp/log" | head -5
else
	echo "ok - feeds: sitemap_limit: 0 is an error at its place"
fi

# A person who is both reporter and correspondent of one report, and named twice among its reporters: one
# report on their page and in the people index (as the heatmap counts), one <author> in the feed, and a
# warning at the second name.
mkdir -p "$tmp/p/content"
printf 'title: 测试\nregions:\n  山西省:\n    吕梁市: [离石区]\n' >"$tmp/p/config.yml"
printf -- '---\ntitle: 标题一\ndate: 2022-10-31\ndistrict: 离石区\nreporters: [张三, 张三]\ncorrespondents: [张三]\n---\n\n正文。\n' \
	>"$tmp/p/content/a.md"
"$B/sitegen" --config "$tmp/p/config.yml" --content "$tmp/p/content" --out "$tmp/p/out" --quiet >"$tmp/log" 2>&1
P=$tmp/p/out/reporters/zhang-san
if grep -q '共 1 篇' "$P/index.html" && ! grep -q '共 2 篇' "$P/index.html" &&
	grep -q '张三</a> <span class="count">1 篇' "$tmp/p/out/reporters/index.html" &&
	[ "$(grep -c '<author><name>张三</name>' "$P/feed.xml")" = 1 ] &&
	[ "$(grep -c '<contributor><name>张三</name>' "$P/feed.xml")" = 1 ] &&
	grep -q "^$tmp/p/content/a.md:5:17: warning: '张三' is given twice in reporters" "$tmp/log"; then
	echo "ok - feeds: a person both reporter and correspondent of one report (and named twice) counts it once, is one <author>, and the repeat is warned at its place"
else
	echo "not ok - feeds: a person named twice in one report"
	grep -o '共 [0-9]* 篇\|<author>.*</author>' "$P/index.html" "$P/feed.xml" | sed 's/^/#   /'
	sed 's/^/#   /' "$tmp/log" | head -5
fi

# A feed's id is its tag's (place's, person's) own, not its slug's: when an older report tagged c takes
# tags/c/ from C++, C++'s feed (now at tags/c-2/) keeps its id and c's feed gets another.
mkdir -p "$tmp/s/content"
printf 'title: 测试\nbase_url: https://example.org/archive/\nregions:\n  山西省:\n    吕梁市: [离石区]\n' >"$tmp/s/config.yml"
printf -- '---\ntitle: 标题一\ndate: 2022-10-30\ndistrict: 离石区\ntags: [C++]\n---\n\n正文。\n' >"$tmp/s/content/a.md"
feed_id() { sed -n 's|^  <id>\(.*\)</id>$|\1|p' "$1"; }
"$B/sitegen" --config "$tmp/s/config.yml" --content "$tmp/s/content" --out "$tmp/s/out" --quiet >"$tmp/log" 2>&1
before=$(feed_id "$tmp/s/out/tags/c/feed.xml")
printf -- '---\ntitle: 标题二\ndate: 2022-10-01\ndistrict: 离石区\ntags: [c]\n---\n\n正文。\n' >"$tmp/s/content/b.md"
"$B/sitegen" --config "$tmp/s/config.yml" --content "$tmp/s/content" --out "$tmp/s/out" --quiet >>"$tmp/log" 2>&1
if [ "$before" = "https://example.org/archive/feeds/tag/C%2B%2B" ] && grep -q '<title>C++ · 测试</title>' "$tmp/s/out/tags/c-2/feed.xml" &&
	[ "$(feed_id "$tmp/s/out/tags/c-2/feed.xml")" = "$before" ] &&
	[ "$(feed_id "$tmp/s/out/tags/c/feed.xml")" = "https://example.org/archive/feeds/tag/c" ] &&
	[ "$(feed_id "$tmp/s/out/places/shan-xi-sheng/lv-liang-shi/li-shi-qu/feed.xml")" = \
		"https://example.org/archive/feeds/place/%E5%B1%B1%E8%A5%BF%E7%9C%81/%E5%90%95%E6%A2%81%E5%B8%82/%E7%A6%BB%E7%9F%B3%E5%8C%BA" ]; then
	echo "ok - feeds: a tag's feed keeps its id (its name's) when another tag takes its slug; a place's is its names'"
else
	echo "not ok - feeds: a feed's id follows its slug"
	echo "#   before: $before"
	grep -H '^  <id>\|^  <title>' "$tmp/s/out"/tags/*/feed.xml | sed 's/^/#   /'
	sed 's/^/#   /' "$tmp/log" | head -5
fi
