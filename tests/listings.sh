#!/bin/sh
# Bounded listings, place × month pages and heatmaps, on a synthetic archive
# (bench/corpus.c) built with a low listing_limit so that every kind of page
# is split: each period page lists exactly its reports over numbered pages
# without gaps or repeats, the heatmaps' counts equal the listings', no page
# passes the size bound and every report is at most 5 clicks from the home
# page (check_site), and a bad listing_limit is an error at its place.
#
# LISTINGS_N (default 200) and LISTINGS_LIMIT (default 4) set the archive's
# size and the limit: `make listings-check` runs it on 5,000 articles.
set -u
B=${B:-build}
BIN=$B/sitegen
N=${LISTINGS_N:-200}
LIMIT=${LISTINGS_LIMIT:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$B/corpus" "$N" "$tmp/c" content >/dev/null || { echo "not ok - listings: the corpus could not be made"; exit 1; }
# bench/corpus.c writes no printed pages: give every two reports one (N/2 printed pages, listed on the home
# page and series/), and put the first LIMIT + 2 reports on one day, so that a day's page is split too.
# (one awk for all the files, each read whole and then written over: an awk and a mv per file took seconds)
find "$tmp/c/content" -name '*.md' | sort >"$tmp/list"
awk -v limit="$LIMIT" '{
	f = $0; i = NR - 1; n = 0; lnr = 0; done = 0
	page = "第" int(i / 2 + 1) "版"
	day = i <= limit + 1 ? "2022-10-10" : ""
	while ((getline line <f) > 0) {
		lnr++
		if (lnr > 1 && !done && line ~ /^---$/) { buf[++n] = "page: \"" page "\""; done = 1 }
		if (day != "" && line ~ /^date:/) { buf[++n] = "date: " day; continue }
		buf[++n] = line
	}
	close(f)
	for (j = 1; j <= n; j++)
		print buf[j] >f
	close(f)
}' "$tmp/list"
printf 'listing_limit: %s\nhome_latest: %s\n' "$LIMIT" "$LIMIT" >>"$tmp/c/config.yml"
if "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/out" --quiet >"$tmp/log" 2>&1; then
	echo "ok - listings: $N articles build with listing_limit: $LIMIT"
else
	echo "not ok - listings: the build failed"
	grep error "$tmp/log" | head -5 | sed 's/^/#   /'
	exit 1
fi

# place × month pages exist at every level, with numbered pages past the limit
ok=1
for level in 1 2 3 4; do
	n=$(find "$tmp/out/places" -mindepth $((level + 2)) -maxdepth $((level + 2)) -path '*/[0-9][0-9][0-9][0-9]/[0-9][0-9]' -type d | wc -l)
	[ "$n" -gt 0 ] || ok=0
done
paged=$(find "$tmp/out/places" -path '*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/page/2/index.html' | head -1)
if [ $ok = 1 ] && [ -n "$paged" ] && [ ! -e "${paged%/2/index.html}/1/index.html" ]; then
	echo "ok - listings: place × month pages at all four levels, split into page/2/ … past the limit"
else
	echo "not ok - listings: place × month pages missing at some level, or no page/2/"
fi

"$B/tests/check_site" --max-clicks 5 --max-bytes 204800 "$tmp/out" | sed "s/^\\(\\(not \\)\\{0,1\\}ok\\) - site: /\\1 - listings: /"
python3 tests/listings_check.py "$tmp/out" "$LIMIT"

# A bad limit is an error at its place, and the output is left alone.
for bad in 0 1001 many; do
	sed "s/^listing_limit: .*/listing_limit: $bad/" "$tmp/c/config.yml" >"$tmp/bad.yml"
	line=$(grep -n '^listing_limit:' "$tmp/bad.yml" | cut -d: -f1)
	if "$BIN" --config "$tmp/bad.yml" --content "$tmp/c/content" --out "$tmp/out" --quiet >"$tmp/log" 2>&1; then
		echo "not ok - listings: listing_limit: $bad was accepted"
	elif grep -q "^$tmp/bad.yml:$line:16: error: 'listing_limit' must be a number from 1 to 1000" "$tmp/log" &&
		[ -f "$tmp/out/index.html" ]; then
		echo "ok - listings: listing_limit: $bad is an error at its place, the output untouched"
	else
		echo "not ok - listings: listing_limit: $bad gave another message"
		sed 's/^/#   /' "$tmp/log" | head -5
	fi
done

# Past 200 a limit still works but pages can pass 200 KB: a warning at its place. (The config's warnings, on
# ten of the articles: sitegen check renders every page, and four checks of all of them took 2 s.)
mkdir -p "$tmp/few"
find "$tmp/c/content" -name '*.md' | sort | head -n 10 | while read -r f; do cp "$f" "$tmp/few/"; done
sed "s/^listing_limit: .*/listing_limit: 201/" "$tmp/c/config.yml" >"$tmp/big.yml"
line=$(grep -n '^listing_limit:' "$tmp/big.yml" | cut -d: -f1)
if "$BIN" check --config "$tmp/big.yml" --content "$tmp/few" >"$tmp/log" 2>&1;
	grep -q "^$tmp/big.yml:$line:16: warning: 'listing_limit' above 200 can make listing pages larger than 200 KB" "$tmp/log" &&
	sed "s/^listing_limit: .*/listing_limit: 200/" "$tmp/c/config.yml" >"$tmp/big.yml" &&
	"$BIN" check --config "$tmp/big.yml" --content "$tmp/few" >"$tmp/log" 2>&1 && ! grep -q "listing_limit" "$tmp/log"; then
	echo "ok - listings: listing_limit: 201 is a warning at its place (pages may pass 200 KB), 200 is not"
else
	echo "not ok - listings: listing_limit above 200 is not warned at its place"
	sed 's/^/#   /' "$tmp/log" | head -5
fi

# The same for home_latest: the home page past 200 KB.
sed "s/^home_latest: .*/home_latest: 201/" "$tmp/c/config.yml" >"$tmp/home.yml"
line=$(grep -n '^home_latest:' "$tmp/home.yml" | cut -d: -f1)
if "$BIN" check --config "$tmp/home.yml" --content "$tmp/few" >"$tmp/log" 2>&1;
	grep -q "^$tmp/home.yml:$line:14: warning: 'home_latest' above 200 can make the home page larger than 200 KB" "$tmp/log" &&
	sed "s/^home_latest: .*/home_latest: 200/" "$tmp/home.yml" >"$tmp/home2.yml" &&
	"$BIN" check --config "$tmp/home2.yml" --content "$tmp/few" >"$tmp/log" 2>&1 && ! grep -q "home_latest" "$tmp/log"; then
	echo "ok - listings: home_latest: 201 is a warning at its place (the home page may pass 200 KB), 200 is not"
else
	echo "not ok - listings: home_latest above 200 is not warned at its place"
	sed 's/^/#   /' "$tmp/log" | head -5
fi

# A place named like a month's or a page's folder gets another slug.
mkdir -p "$tmp/n/content"
printf 'regions:\n  山西省:\n    吕梁市: [离石区]\n' >"$tmp/n/config.yml"
for c in 2022 page; do
	printf -- '---\ntitle: 标题%s\ndate: 2022-10-31\ndistrict: 离石区\ncommunity: "%s"\n---\n\n正文。\n' "$c" "$c" >"$tmp/n/content/$c.md"
done
# (and a year whose only report is known only to its month: checked below)
printf -- '---\ntitle: 只知月份\ndate: 2021-05\ndistrict: 离石区\n---\n\n正文。\n' >"$tmp/n/content/may.md"
"$BIN" --config "$tmp/n/config.yml" --content "$tmp/n/content" --out "$tmp/n/out" --quiet >"$tmp/log" 2>&1
d=$tmp/n/out/places/shan-xi-sheng/lv-liang-shi/li-shi-qu
if [ -f "$d/2022-di/index.html" ] && [ -f "$d/page-di/index.html" ] && [ -f "$d/2022/10/index.html" ]; then
	echo "ok - listings: communities named 2022 and page get the slugs 2022-di and page-di, beside the month folder 2022/"
else
	echo "not ok - listings: communities named 2022 and page"
	sed 's/^/#   /' "$tmp/log" | head -5
	ls "$d" | sed 's/^/#   /'
fi

# A year whose reports are all known only to their month has no day cell with reports: its heatmap says so,
# and its legend has no shade for reports.
y=$tmp/n/out/dates/2021/index.html
if grep -q 'id="heatmap-d">共1篇报道。其中1篇只知月份，不在日历的格子里。没有具体到日的报道，日历的格子都是空的。' "$y" &&
	! grep -q '单格最多' "$y" && [ "$(grep -o 'class="heatmap-key"' "$y" | wc -l)" = 1 ] &&
	grep -q '</svg>0 篇</span>' "$y"; then
	echo "ok - listings: a year of month-only reports: its heatmap says no day cell has reports, its legend only 0 篇"
else
	echo "not ok - listings: a year of month-only reports"
	grep -o 'id="heatmap-d">[^<]*\|class="heatmap-legend">.*</span></span>' "$y" | sed 's/^/#   /'
fi
