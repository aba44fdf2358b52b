#!/bin/sh
# What a reader sees (issue 9): the stylesheet's contrast in light, dark and print, the 404 page's
# colours, and the transcription points checked against the seed scans. The checks are in
# tests/theme_check.py; its browser checks (link cues, borders and the calendar in a real browser, no
# justified text on a phone, the 404 page wherever it is shown) run in tests/browser.sh, which shares one
# headless Chromium between them and the search page's checks.
#
#   sh tests/theme.sh
set -u
. tests/lib.sh
B=${B:-build}
SEEDS_DIR=${SEEDS_DIR:-../shared/seeds}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

python=
for py in /usr/bin/python3 python3; do
	if command -v "$py" >/dev/null 2>&1; then
		python=$py
		break
	fi
done
if [ -z "$python" ]; then
	echo "skip - theme: no python3"
	exit 0
fi

# The archive as shipped: content/ with config.yml, whose base_url is under /archive/.
if ! "$B/sitegen" --config config.yml --content content --out "$tmp/out" --quiet >"$tmp/build.log" 2>&1; then
	echo "not ok - theme: content/ does not build"
	sed 's/^/#   /' "$tmp/build.log"
	exit 1
fi

"$python" tests/theme_check.py palette theme/static/style.css "$tmp/out/404.html" || status=1
"$python" tests/theme_check.py content content "$SEEDS_DIR" || status=1
exit "$status"
