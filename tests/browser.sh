#!/bin/sh
# The search page in a real browser: tests/browser_search.py drives headless Chromium with Selenium, all
# three from Debian (chromium, chromium-driver, python3-selenium). When one is missing it is installed
# with apt-get (with sudo when not root, as the Makefile does for the libraries); when that is impossible
# the test prints a `skip` line.
#
#   sh tests/browser.sh [<output-dir>]
#   sh tests/browser.sh --latency <output-dir> <queries-file>     (for the bench: see browser_search.py)
#
# Without an output directory it builds content/ and one more article, whose title, text and caption hold
# </script>, <mark> and <script>, into a temporary directory and tests that. The theme's checks in a browser
# (tests/theme_check.py: contrast and link cues in light, dark and print, the 404 page, a page of every kind
# at 375 and 320 px, the keyboard's way through the heatmaps) are tests/theme_browser.sh's, in make test-slow.
set -u
. tests/lib.sh
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python=
if ! need_chromium browser "$tmp/apt.log"; then
	exit 0
fi
if ! command -v node >/dev/null 2>&1; then
	echo "skip - browser: node (for the brute force of tests/search_check.js) is not installed"
	exit 0
fi

if [ "${1:-}" = "--latency" ]; then
	"$python" tests/browser_search.py "$@"
	exit
fi
out=${1:-}
if [ -z "$out" ]; then
	mkdir -p "$tmp/content"
	cp -R content/. "$tmp/content/"
	mkdir -p "$tmp/content/2022"
	cat >"$tmp/content/2022/2022-12-31-hostile.md" <<'EOF'
---
title: '测试标题</script><mark>假标记</mark><script>alert(1)</script>'
date: 2022-12-31
district: 离石区
captions: ['<img src=x onerror=alert(3)>图片说明']
---

正文包含 \</script\> 和 \<mark\>假标记\</mark\> 以及 \<script\>alert(2)\</script\> 这些文字。
EOF
	out=$tmp/out
	# the newest reports past a multiple of 8 (32 by default) in the tail's own lists (tg/, tp/:
	# generator/search_internal.h): 18 reports, 16 in g/ and p/, so the page uses both
	if ! SITEGEN_SEARCH_TAIL=8 "$B/sitegen" --content "$tmp/content" --out "$out" --quiet >"$tmp/build.log" 2>&1; then
		echo "not ok - browser: content/ with a hostile article does not build"
		sed 's/^/#   /' "$tmp/build.log"
		exit 1
	fi
fi
"$python" tests/browser_search.py "$out"
