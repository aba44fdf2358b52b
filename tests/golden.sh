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
rm -f "$tmp/out/.sitegen-output"
if diff -r tests/golden/expected "$tmp/out" >"$tmp/diff"; then
	echo "ok - golden: the fixture site equals tests/golden/expected ($(find "$tmp/out" -type f | wc -l) files)"
else
	echo "not ok - golden: the fixture site differs from tests/golden/expected"
	head -60 "$tmp/diff" | sed 's/^/#   /'
fi
