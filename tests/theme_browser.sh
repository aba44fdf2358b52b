#!/bin/sh
# The theme's checks in a real browser (tests/theme_check.py's browser checks, in headless Chromium with
# Selenium, installed as tests/browser.sh does): in light, dark and print every link underlined or 3:1
# against the text, borders that mean something 3:1, calendar days with reports standing out, no justified
# text at 375 px, a page of every kind at 375 and 320 px, the 404 page styled with a working link home from
# disk, under /archive/ and at a server's root, the standalone SVGs, the site's icon; and the keyboard's way
# through the heatmaps' months. On the archive as shipped (content/ with config.yml, whose base_url is under
# /archive/) and a synthetic one with listing_limit: 3. A sweep of every page kind: in make test-slow.
set -u
. tests/lib.sh
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python=
if ! need_chromium theme-browser "$tmp/apt.log"; then
	exit 0
fi
if ! "$B/sitegen" --config config.yml --content content --out "$tmp/theme-out" --quiet >"$tmp/build.log" 2>&1; then
	echo "not ok - theme-browser: content/ with config.yml does not build"
	sed 's/^/#   /' "$tmp/build.log"
	exit 1
fi
# A synthetic archive with a low listing_limit, whose place pages list only their newest reports: the
# keyboard's way to the older ones (theme_check.py, THEME_LISTINGS_OUT).
if "$B/corpus" 150 "$tmp/lc" content >/dev/null && printf 'listing_limit: 3\n' >>"$tmp/lc/config.yml" &&
	"$B/sitegen" --config "$tmp/lc/config.yml" --content "$tmp/lc/content" --out "$tmp/list-out" --quiet >"$tmp/build.log" 2>&1; then
	THEME_LISTINGS_OUT=$tmp/list-out
	export THEME_LISTINGS_OUT
else
	echo "not ok - theme-browser: a synthetic archive with listing_limit: 3 does not build"
	sed 's/^/#   /' "$tmp/build.log"
fi
"$python" tests/theme_check.py browser "$tmp/theme-out"
