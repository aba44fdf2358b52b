#!/bin/sh
# Where patching the search index (generator/search_patch.c) would cost more than building it whole, the
# build does not patch: a report grown by the bodies of 40 others touches most of 2,048 shards, and one
# grown by 75 is a large part of the archive's text (the patch is not even tried). Both need an index of
# at least 2,048 shards (PATCH_FEW_SHARDS): 1,030 reports of ~800 characters. In make test-slow (its
# builds are a second apiece): the rest of the patch's choices are tests/search_incremental.sh and
# tests/search_dict.sh.
set -u
B=${B:-build}
BIN=$B/sitegen
# no tail (generator/search_internal.h): document 1,025 in the lists of g/ and p/, outside the dictionary's sample
export SITEGEN_SEARCH_TAIL=1
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ok() { echo "ok - search_limits: $1"; }
bad() { echo "not ok - search_limits: $1"; status=1; }

"$B/corpus" 1030 "$tmp/c" content 800 >/dev/null
build() {	# the corpus into $tmp/big, the timing lines in $tmp/log
	SITEGEN_TIMING=1 SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" \
		--out "$tmp/big" >"$tmp/log" 2>&1
}
build
shards=$(sed -n 's/.*"sg":\([0-9]*\),.*/\1/p' "$tmp/big/search/index.js")
[ "${shards:-0}" -ge 2048 ] || bad "the corpus's index has ${shards:-no} g/ shards, not the 2,048 these cases need"
# document 1,025, outside the texts' dictionary's sample (tests/search_dict.sh): the dictionary stays
slug=$(sed -n 's|^sitegenSearch.d(1025,{"u":"reports/\([^/"]*\)/.*|\1|p' "$tmp/big/search/d/1025.js")
f1=$(find "$tmp/c/content" -name "$slug.md" | head -n 1)
[ -n "$f1" ] || { bad "no file for document 1,025 ($slug)"; exit 1; }
bodies() {	# the bodies of the corpus's reports of the lines sed selects ($1)
	find "$tmp/c/content" -name '*.md' | sort | sed -n "$1" | while read -r other; do
		awk 'n >= 2 { print } /^---/ { n++ }' "$other"
	done
}

# a report grown by the bodies of 40 others touches most shards: reading, decoding and holding them
# costs more than a whole build (a report of 400,000 characters took twice its time and memory)
bodies 1,40p >>"$f1"
build
grep -q 'search: not patched: the changes touch most shards' "$tmp/log" && grep -q 'search: built whole' "$tmp/log" &&
	ok "a report grown by the bodies of 40 others touches most shards: the whole index" ||
	bad "a report grown by 40 bodies: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
# …and by 35 more: its text, indexed old and new, would cost what the whole index does (a report of
# 400,000 characters took a patch twice a whole build's time and memory): not even tried
bodies 41,75p >>"$f1"
build
grep -q "search: not patched: the changed reports are a large part of the archive's text" "$tmp/log" &&
	grep -q 'search: built whole' "$tmp/log" &&
	ok "…and by 35 more, a large part of the archive's text: the whole index, no patch tried" ||
	bad "a report grown by 75 bodies: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
# the whole index built so equals a full build's
rm -rf "$tmp/full"
SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/full" \
	--quiet 2>/dev/null
if diff -r -x .sitegen-state -x .sitegen-output "$tmp/big" "$tmp/full" >"$tmp/diff" 2>&1; then
	ok "the build after them equals a full build"
else
	bad "the build after them differs from a full build"
	head -5 "$tmp/diff" | sed 's/^/#   /'
fi
exit $status
