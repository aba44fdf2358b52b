#!/bin/sh
# The texts' dictionary's sample drawn by URL (generator/search_dict.c) past 2,048 reports, where one in
# two of the oldest 2,048 is drawn: a report added among the oldest, neither it nor the report it pushes out
# of them drawn, leaves the dictionary as it was (the others renumbered, their d/ files the earlier ones
# with another number); one that is drawn makes the sample again; an edit of a report not drawn keeps the
# dictionary (its URL read from its earlier d/ file), of one drawn makes the sample again, of its title
# alone keeps it (the text read from its earlier d/ file is the same); a d/ file edited
# in place with its mtime put back is not copied by the renumbering (its ctime tells). Every build is
# compared with a full build of the same input (diff -r). In make test-slow: 2,101 reports (its 2,048th
# oldest not drawn).
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ok() { echo "ok - search_sample: $1"; }
bad() { echo "not ok - search_sample: $1"; status=1; }
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - search_sample: python3 is not installed"
	exit 0
fi

"$B/corpus" 2101 "$tmp/c" content 250 >/dev/null
build() {	# out [args]
	out=$1
	shift
	SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" "$@"
}
build "$tmp/one" --quiet 2>/dev/null	# the corpus's typo warnings
# drawn URL...: each URL drawn with 2,101 reports (step 2), as search_dict.c's drawn(): FNV-1a (hash.h)
drawn() {
	python3 -c '
import sys
for u in sys.argv[1:]:
    h = 1469598103934665603
    for b in u.encode():
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    print(1 if (h >> 40) % 2 == 0 else 0)' "$@"
}
url_of() { sed -n 's|^sitegenSearch.d([0-9]*,{"u":"\([^"]*\)".*|\1|p' "$tmp/one/search/d/$1.js"; }
# step NAME WANT: an incremental build, equal to a full build, its dictionary the earlier build's (WANT
# kept) or its sample made again (remade: the dictionary may still come out the same), or the index built
# whole (whole)
step() {
	if ! SITEGEN_TIMING=1 build "$tmp/one" >"$tmp/log" 2>&1; then
		bad "$1: the build fails"
		return
	fi
	rm -rf "$tmp/full" && build "$tmp/full" --quiet 2>/dev/null
	if diff -r -x .sitegen-state -x .sitegen-output "$tmp/one" "$tmp/full" >"$tmp/diff" 2>&1; then
		ok "$1: equals a full build"
	else
		bad "$1: differs from a full build"
		head -5 "$tmp/diff" | sed 's/^/#   /'
	fi
	line=$(grep 'search: patched' "$tmp/log")
	case "$2:$line" in
	kept:*"texts' dictionary the earlier build's"*) ok "$1: patched, the dictionary kept" ;;
	whole:) grep -q 'search: built whole' "$tmp/log" && ok "$1: the index built whole" ||
		bad "$1: $(grep 'search: ' "$tmp/log" | head -2 | tr '\n' ' ')" ;;
	remade:*"texts' dictionary the earlier build's"*) bad "$1: the earlier dictionary taken: $line" ;;
	remade:*"search: patched"*) ok "$1: patched, the dictionary's sample made again" ;;
	*) bad "$1: wanted the dictionary $2: ${line:-$(grep 'search: ' "$tmp/log" | head -2 | tr '\n' ' ')}" ;;
	esac
}
# a report file named NAME (its URL reports/NAME/index.html) dated DATE
report() {
	printf -- "---\ntitle: '%s'\ndate: %s\ndistrict: 小店区\ncommunity: 坞城社区\n---\n\n%s里有鸬鹚和鹈鹕。\n" "$1" "$2" "$1" \
		>"$tmp/c/content/2020/$1.md"
}
pushed=$(url_of 2047)	# the 2,048th oldest: an add among the oldest pushes it out of them
if [ "$(drawn "$pushed")" != 0 ]; then
	bad "the corpus's 2,048th oldest report ($pushed) is drawn: pick another corpus size"
	exit 1
fi
# two names, one drawn and one not
undrawn=
for i in 1 2 3 4 5 6 7 8; do
	[ "$(drawn "reports/sample-$i/index.html")" = 0 ] && undrawn=sample-$i && break
done
isdrawn=
for i in 1 2 3 4 5 6 7 8; do
	[ "$(drawn "reports/sample-$i/index.html")" = 1 ] && isdrawn=sample-$i && break
done
oldest=$(grep -h '^date:' $(find "$tmp/c/content" -name '*.md') | sort | sed -n 10p | sed 's/^date: *//')

report "$undrawn" "$oldest"
step "a report not drawn added among the oldest" kept
grep -q 'search: patched 1 documents (the others renumbered)' "$tmp/log" &&
	ok "…the others renumbered" ||
	bad "a report not drawn added among the oldest: not renumbered: $(grep 'search: ' "$tmp/log" | head -2 | tr '\n' ' ')"
rm "$tmp/c/content/2020/$undrawn.md"
step "the report not drawn removed again" kept
report "$isdrawn" "$oldest"
step "a report drawn added among the oldest" remade
rm "$tmp/c/content/2020/$isdrawn.md"
step "the report drawn removed again" remade

# a d/ file the renumbering would copy, edited in place with its size and mtime put back (touch -r): its
# ctime tells (write.c's digest), so the patch does not take it: the index is built whole, equal to a full build
last=$(($(find "$tmp/one/search/d" -type f | wc -l) - 1))
cp -p "$tmp/one/search/d/$last.js" "$tmp/ref.js"
python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    b = f.read()
    i = b.index(b"\"b\":") + 4
    f.seek(i)
    f.write(b"9" if b[i:i + 1] != b"9" else b"8")' "$tmp/one/search/d/$last.js"
touch -r "$tmp/ref.js" "$tmp/one/search/d/$last.js"
report "$undrawn" "$oldest"
step "a report added among the oldest after a d/ file was edited in place, its mtime put back" whole

# edits among the oldest: of a report not drawn, then of one drawn
edit_no=100
edit_yes=100
for k in 100 101 102 103 104 105 106 107; do
	[ "$(drawn "$(url_of $k)")" = 0 ] && edit_no=$k && break
done
for k in 100 101 102 103 104 105 106 107; do
	[ "$(drawn "$(url_of $k)")" = 1 ] && edit_yes=$k && break
done
f=$(find "$tmp/c/content" -name "$(url_of "$edit_no" | sed 's|^reports/\([^/]*\)/.*|\1|').md")
printf '\n一段新加的文字。\n' >>"$f"
step "an edit of a report not drawn (d/$edit_no.js)" kept
f=$(find "$tmp/c/content" -name "$(url_of "$edit_yes" | sed 's|^reports/\([^/]*\)/.*|\1|').md")
printf '\n一段新加的文字。\n' >>"$f"
step "an edit of a report drawn (d/$edit_yes.js)" remade
# its title alone: no part of the texts the sample counts
sed -i "0,/^title: '/s/^title: '/title: '新标题/" "$f"
step "a title edit of a report drawn (d/$edit_yes.js)" kept
exit $status
