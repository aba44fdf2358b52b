#!/bin/sh
# The search index built incrementally (generator/search_patch.c): after an edit of one report's text
# the rebuild rewrites its d/ file and only some shards, says so (SITEGEN_TIMING), equals a full build
# byte for byte, and the index finds the new words and no longer the old ones (read by
# tests/search_check.js the way the browser reads it, the index alone deciding); so after a tag edit
# and a report added as the newest, or removed, or added before others (which renumbers them: the lists
# mapped to the new numbers); a shard changed by hand makes the whole index again.
set -u
# Which steps: core (make test: each kind of patch once), more (make test-slow: the other fields, the
# dictionary changed by an edit, files changed by hand, a report among the newer ones, a long one, more
# shards) or all; step 1 runs in each, the others' report found by its words.
part=${1:-all}
core() { [ "$part" != more ]; }
more() { [ "$part" != core ]; }
B=${B:-build}
BIN=$B/sitegen
# The newest reports, past a multiple of 4 here (32 by default), are in the tail's own lists, tg/ and tp/,
# made whole by every build that changes one of them (generator/search_internal.h); a tail of 4 puts most steps' reports in g/ and
# p/, and one added takes the tail into them soon
export SITEGEN_SEARCH_TAIL=4
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)	# a tmpfs when there is one: ten builds of 4,000 files
trap 'rm -rf "$tmp"' EXIT
if ! command -v node >/dev/null 2>&1; then
	echo "skip - search_incremental: node is not installed (tests/search.sh installs it)"
	exit 0
fi
# The corpus: 202 reports when the steps of more run (one added among the newer ones needs the 170th
# oldest); 150 for core alone (the same sample of the oldest 128, the newest report still outside it:
# every build, diff and rm a fifth shorter)
if more; then n=202; else n=150; fi	# 2 more than a multiple of 4: two added take the tail in (5b)
"$B/corpus" $n "$tmp/c" content 800 >/dev/null || { echo "not ok - search_incremental: the corpus generator failed"; exit 1; }
status=0
build() {	# out-dir [args]
	out=$1
	shift
	SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" "$@"
}
ok() { echo "ok - search_incremental: $1"; }
bad() { echo "not ok - search_incremental: $1"; status=1; }

# rebuild NAME: an incremental build of $tmp/one with the search step's line in $tmp/log, the files it
# rewrote (the writer leaves a file whose bytes are the same untouched) in $tmp/changed, and a full build of the same input compared with it
rebuild() {
	touch "$tmp/stamp"
	sleep 0.05
	if ! SITEGEN_TIMING=1 build "$tmp/one" >"$tmp/log" 2>&1; then
		bad "$1: the incremental build fails"
		sed 's/^/#   /' "$tmp/log" | tail -5
		return
	fi
	(cd "$tmp/one" && find . -type f -newer "$tmp/stamp" ! -name .sitegen-state | sed 's|^\./||') >"$tmp/changed"
	[ "${2:-}" = alone ] && return	# a step whose whole index is a full build's anyway: not compared
	rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1	# (the reference on one thread: the same bytes, tests/incremental.sh checks, for a quarter less CPU)
	if diff -r -x .sitegen-state -x .sitegen-output "$tmp/one" "$tmp/full" >"$tmp/diff" 2>&1; then
		ok "$1: the rebuild equals a full build"
	else
		bad "$1: the rebuild differs from a full build"
		head -10 "$tmp/diff" | sed 's/^/#   /'
	fi
}
# finds QUERY URL-or-empty LABEL: the engine's results for QUERY are exactly that report (or none)
finds() {
	got=$(node tests/search_check.js --engine "$tmp/one" "$1" | sed -n 's/.*"urls":\[\(.*\)\]}$/\1/p')
	if [ -z "$2" ]; then want=; else want="\"$2\""; fi
	if [ "$got" = "$want" ]; then ok "$3"; else bad "$3: the index gives [$got] for $1"; fi
}
patched() {	# label
	if grep -q 'search: patched 1 documents' "$tmp/log" && ! grep -q 'search index was made whole' "$tmp/log"; then
		ok "$1: the index is patched ($(sed -n 's/.*search: patched 1 documents, //p' "$tmp/log"))"
	else
		bad "$1: the index was not patched: $(grep 'search: \|pages made' "$tmp/log" | head -3 | tr '\n' ' ')"
	fi
}

renumbered() {	# label
	if grep -q 'search: patched 1 documents (the others renumbered)' "$tmp/log"; then
		ok "$1: the index is patched, the others renumbered ($(sed -n 's/.*search: patched 1 documents (the others renumbered), //p' "$tmp/log"))"
	else
		bad "$1: the index was not patched: $(grep 'search: \|pages made' "$tmp/log" | head -3 | tr '\n' ' ')"
	fi
}
# report FILE DATE TITLE TEXT: a report of its own
report() {
	printf -- "---\ntitle: '%s'\ndate: %s\ndistrict: 小店区\ncommunity: 坞城社区\n---\n\n%s\n" "$3" "$2" "$4" >"$1"
}
newest=$tmp/c/content/2022/zz-newest.md

build "$tmp/one" --quiet
shards=$(find "$tmp/one/search/g" "$tmp/one/search/p" -type f | wc -l)
f=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 50p)

# 1. a body edit: a sentence with words found in no other report
printf '\n这段旧文字里有犇骉猋麤靐五个字。\n' >>"$f"
rebuild "a body edit"
patched "a body edit"
docs=$(grep -c '^search/d/' "$tmp/changed")
sw=$(grep -c '^search/[gp]/' "$tmp/changed")
if [ "$docs" -eq 1 ] && [ "$sw" -ge 1 ] && [ "$sw" -lt $((shards / 4)) ]; then
	ok "a body edit rewrites its report's d/ file and $sw of the $shards shards"
else
	bad "a body edit rewrote $docs d/ files and $sw of the $shards shards: $(grep '^search/' "$tmp/changed" | head -5 | tr '\n' ' ')"
fi
u=$(node tests/search_check.js --engine "$tmp/one" 犇骉猋麤靐 | sed -n 's/.*"urls":\["\([^"]*\)"\]}$/\1/p')
if [ -n "$u" ] && [ -f "$tmp/one/$u" ] && grep -q 犇骉猋麤靐 "$tmp/one/$u"; then
	ok "the index finds the new words (5 characters: positions) in the edited report alone"
else
	bad "the index does not find the new words in the edited report alone: [$u]"
fi
finds 犇骉 "$u" "the index finds 2 of the new characters in the edited report alone"
# index.js, which the search page loads, is not rewritten: the size estimates that change with any text are
# in sizes.txt, which no page loads (found by the editor's review: the open search page reloaded after every edit)
grep -qx search/sizes.txt "$tmp/changed" && ! grep -qx search/index.js "$tmp/changed" &&
	ok "a body edit rewrites sizes.txt, not index.js" ||
	bad "a body edit: $(grep -c 'search/index.js' "$tmp/changed") index.js, $(grep -c 'search/sizes.txt' "$tmp/changed") sizes.txt rewritten"
grep -q "search: patched .*; the tail's shards the earlier build's" "$tmp/log" &&
	ok "a body edit of a report older than the tail keeps the tail's shards (not indexed again)" ||
	bad "a body edit of a report older than the tail: $(grep 'search: patched' "$tmp/log")"

if core; then	# 2, 3: the words replaced, the title
# 2. the words replaced: the old ones are no longer found, the new ones are
sed -i 's/犇骉猋麤靐/龘齉灥厵鱻/' "$f"
rebuild "a replaced word"
patched "a replaced word"
finds 犇骉猋麤靐 "" "the old words are no longer found"
finds 犇 "" "an old character is no longer found"
finds 龘齉灥厵鱻 "$u" "the new words are found in the edited report alone"

# 3. the title, the subtitle and a caption
sed -i "0,/^title: '/s/^title: '/title: '蠡蠹/" "$f"
rebuild "a title edit"
patched "a title edit"
finds 蠡蠹 "$u" "the new title's words are found"
# the title is no part of the texts the dictionary is made of (generator/search_dict.c): a title edit of
# a report in its sample (of the oldest 128, all drawn) keeps the earlier build's dictionary
dn=$(grep -l "^sitegenSearch.d([0-9]*,{\"u\":\"$u\"" "$tmp/one/search/d/"*.js | sed 's|.*/||; s|\.js$||')
if [ -n "$dn" ] && [ "$dn" -lt 128 ] && grep -q "search: patched 1 documents.*the texts' dictionary the earlier build's" "$tmp/log"; then
	ok "a title edit of a report in the dictionary's sample (d/$dn.js) keeps the dictionary"
else
	bad "a title edit of d/${dn:-?}.js: $(grep 'search: patched' "$tmp/log")"
fi
fi
if more; then	# the subtitle and a caption
sed -i '0,/^date:/s/^date:/subtitle: 副题里有鼋鼍二字\ndate:/' "$f"
rebuild "a subtitle added"
patched "a subtitle added"
finds 鼋鼍 "$u" "the subtitle's words are found"
sed -i '0,/^date:/s/^date:/captions: [图说里有夔魑魅魍魉]\ndate:/' "$f"
rebuild "a caption added"
patched "a caption added"
finds 夔魑魅魍魉 "$u" "the caption's words are found"

fi
if more; then	# 3b
# 3b. another report's body copied in, then taken out: its clauses are in the texts' dictionary's sample
# (every report of 200: generator/search_dict.c), so the dictionary changes and every d/ file is made
# again, on two threads (search_patch.c hands the unchanged reports' files to the writer from each); the
# shards are still patched, and the result is a full build's
cp "$f" "$tmp/f.md"
awk 'n >= 2; /^---$/ { n++ }' "$(find "$tmp/c/content" -name '*.md' | sort | sed -n 51p)" >>"$f"
for step in "grown by another's body" "rid of that body again"; do
	SITEGEN_JOBS=2
	export SITEGEN_JOBS
	rebuild "a report $step"
	unset SITEGEN_JOBS
	docs=$(grep -c '^search/d/' "$tmp/changed")
	if grep -q "search: patched 1 documents, .*; the texts' dictionary changed: every d/ file made again" "$tmp/log" &&
		[ "$docs" -gt 100 ]; then
		ok "a report $step: the texts' dictionary changed, the shards patched, $docs of 200 d/ files rewritten"
	else
		bad "a report $step: $docs d/ files rewritten; $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	fi
	cp "$tmp/f.md" "$f"
done

fi
if core; then	# 4: a shard by hand
# 4. a shard changed by hand: the next build makes the whole index again, and that equals a full build
g0=$(find "$tmp/one/search/g" -type f | sort | head -1)
printf ' ' >>"$g0"
printf '\n又一段文字。\n' >>"$f"
rebuild "after a shard was changed by hand"
# whole_again WHAT [WHY]: the last build was not patched (for WHY, when given) and indexed everything, and
# said so (not only under SITEGEN_TIMING: such a rebuild takes a whole build's time)
whole_again() {
	if grep -q "search: not patched${2:+: $2}" "$tmp/log" && grep -q 'search: built whole' "$tmp/log" &&
		grep -q "^sitegen: the search index was made whole, not patched: ${2:-}" "$tmp/log"; then
		ok "$1 changed by hand makes the build index everything again, and it says so"
	else
		bad "with $1 changed by hand: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	fi
}
whole_again "a shard"
# the size estimates changed by hand (sizes.txt, which only the next build reads): the same
sed -i '2s/^[0-9]*/1/' "$tmp/one/search/sizes.txt"
printf '\n再一段文字。\n' >>"$f"
rebuild "after sizes.txt was changed by hand"
whole_again sizes.txt "no sizes.txt as the earlier build left it"
fi
if more; then	# a d/ file by hand
# a d/ file changed by hand: the same
printf ' ' >>"$tmp/one/search/d/0.js"
printf '\n再一段文字。\n' >>"$f"
rebuild "after a d/ file was changed by hand"
grep -q 'search: built whole' "$tmp/log" && ok "a d/ file changed by hand makes the build index everything again" ||
	bad "with a d/ file changed by hand: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"

fi
if core; then	# 5, 5b, 5c: a tag, the newest and the oldest added and removed
# 5. a tag: the report moves among the pages (render_deps.c's structure) but keeps its number: patched
sed -i '0,/^tags: \[/s/^tags: \[/tags: [貔貅, /' "$f"
rebuild "a tag edit"
patched "a tag edit"
finds 貔貅 "$u" "the new tag is found"

# 5b. a report added as the newest: in the tail (n reports, n − 2 a multiple of 4: the last two were), in the
# tail's own lists, so the build writes its d/ file, tg/, tp/ and index.js and no shard of g/ or p/; one
# more takes the tail into the lists: documents only added (the shards of their grams, the lists they join
# alone decoded: search_patch_shards.c), equal to a full build, each found by the index; removed again,
# the tail's reports leave the lists, their postings taken out
report "$newest" 2023-06-01 新到的一篇鳏寡孤独 最新的报道里有鼹鼠和貘两个词。
rm -rf "$tmp/oldtail" && mkdir "$tmp/oldtail" && cp -R "$tmp/one/search/tg" "$tmp/one/search/tp" "$tmp/oldtail/"
rebuild "a report added as the newest"
patched "a report added as the newest"
# the tail's shards of the build before (a cache's) beside this build's index.js: the engine says the
# index is damaged (the page then loads every file afresh) rather than miss the newest report
rm -rf "$tmp/stale" && cp -R "$tmp/one" "$tmp/stale" && rm -rf "$tmp/stale/search/tg" "$tmp/stale/search/tp" &&
	cp -R "$tmp/oldtail/tg" "$tmp/oldtail/tp" "$tmp/stale/search/"
if ! node tests/search_check.js --engine "$tmp/stale" 鼹鼠 >"$tmp/log" 2>&1 && grep -q "搜索索引已损坏(tg/.* is not of this index.js's build)" "$tmp/log"; then
	ok "the tail's shards of the build before beside this build's index.js: a damaged index, not a silent miss"
else
	bad "the tail's shards of the build before beside this build's index.js: $(head -c 300 "$tmp/log")"
fi
nd=$(find "$tmp/one/search/d" -type f | wc -l)
if grep -qx "search/d/$((nd - 1)).js" "$tmp/changed" && [ "$(grep -c '^search/d/' "$tmp/changed")" -eq 1 ] &&
	[ "$(grep -c '^search/[gp]/' "$tmp/changed")" -eq 0 ] && [ "$(grep -c '^search/tg/' "$tmp/changed")" -gt 0 ] &&
	grep -q "\"n\":$((n + 1)),\"b\":$((n - 2))," "$tmp/one/search/index.js"; then
	ok "a report added as the newest, in the tail, writes one d/ file, its own (d/$((nd - 1)).js), the tail's shards, index.js and no shard of g/ or p/"
else
	bad "a report added as the newest rewrote these d/ files: $(grep '^search/d/' "$tmp/changed" | head -5 | tr '\n' ' '), $(grep -c '^search/[gp]/' "$tmp/changed") shards; $(grep -o '"n":[0-9]*,"b":[0-9]*' "$tmp/one/search/index.js")"
fi
un=$(node tests/search_check.js --engine "$tmp/one" 鼹鼠 | sed -n 's/.*"urls":\["\([^"]*\)"\]}$/\1/p')
if [ -n "$un" ] && grep -q 鳏寡孤独 "$tmp/one/$un"; then
	ok "the added report is found by its words"
else
	bad "the added report is not found by its words: [$un]"
fi
finds 鳏寡孤独 "$un" "the added report is found by its title"
# an edit of a report in the tail: its shards made again, with the new words
printf '\n尾部报道里新添了鹦鹉螺。\n' >>"$newest"
rebuild "an edit of a report in the tail"
if grep -q "search: patched 1 documents" "$tmp/log" && ! grep -q "the tail's shards the earlier build's" "$tmp/log" &&
	[ "$(grep -c '^search/tg/' "$tmp/changed")" -gt 0 ]; then
	ok "an edit of a report in the tail: the tail's shards made again ($(grep -c '^search/tg/' "$tmp/changed") of tg/ rewritten)"
else
	bad "an edit of a report in the tail: $(grep 'search: patched' "$tmp/log"); $(grep -c '^search/tg/' "$tmp/changed") of tg/ rewritten"
fi
finds 鹦鹉螺 "$un" "the tail's report is found by its new words"
report "$tmp/c/content/2022/zz-newest2.md" 2023-06-02 又一篇 又一篇报道里有貘。
rebuild "the tail taken into the lists"
patched "the tail taken into the lists"
if grep -q 'search: patched 1 documents, .* (postings of 0 documents out, of 4 in)' "$tmp/log" &&
	[ "$(grep -c '^search/[gp]/' "$tmp/changed")" -gt 0 ] && grep -q "\"n\":$((n + 2)),\"b\":$((n + 2))," "$tmp/one/search/index.js"; then
	ok "the tail taken into the lists: the postings of its 4 reports added, $(grep -c '^search/[gp]/' "$tmp/changed") shards rewritten"
else
	bad "the tail taken into the lists: $(grep 'search: patched' "$tmp/log"); $(grep -o '"n":[0-9]*,"b":[0-9]*' "$tmp/one/search/index.js")"
fi
finds 鳏寡孤独 "$un" "the report taken into the lists is found by the index"
rm "$tmp/c/content/2022/zz-newest2.md"
rebuild "the tail's reports out of the lists"
patched "the tail's reports out of the lists"
grep -q 'search: patched 1 documents, .* (postings of 4 documents out, of 0 in)' "$tmp/log" &&
	ok "the newest removed: its postings and those of the 3 reports back in the tail out of the lists" ||
	bad "the tail's reports out of the lists: $(grep 'search: patched' "$tmp/log")"
finds 鳏寡孤独 "$un" "the report back in the tail is found in its lists"
rm "$newest"
rebuild "the newest report removed"
patched "the newest report removed"
if [ ! -e "$tmp/one/search/d/$((nd - 1)).js" ] && [ "$(grep -c '^search/d/' "$tmp/changed")" -eq 0 ]; then
	ok "the newest report removed: its d/ file goes, no other is rewritten"
else
	bad "the newest report removed: d/$((nd - 1)).js $(test -e "$tmp/one/search/d/$((nd - 1)).js" && echo stays || echo went), $(grep -c '^search/d/' "$tmp/changed") d/ files rewritten"
fi
finds 鼹鼠 "" "the removed report is no longer found"
# 5c. added before the others, it renumbers them all: the index is patched, every list holding one of them
# mapped to its new numbers (search_patch_shards.c); the texts' dictionary's sample (of the oldest 128 of n + 1
# reports, all drawn: generator/search_dict.c) changes, so every d/ file is made again
report "$tmp/c/content/2020/aa-oldest.md" 2019-01-01 最早的一篇 最早的报道里有鼹鼠。
rebuild "a report added as the oldest"
renumbered "a report added as the oldest"
if grep -q "the texts' dictionary changed: every d/ file made again" "$tmp/log" && [ "$(grep -c '^search/d/' "$tmp/changed")" -gt 150 ]; then
	ok "a report added as the oldest: the dictionary's sample changed, every d/ file made again"
else
	bad "a report added as the oldest: $(grep -c '^search/d/' "$tmp/changed") d/ files rewritten; $(grep 'search: patched' "$tmp/log")"
fi
uo=$(node tests/search_check.js --engine "$tmp/one" 最早 | sed -n 's/.*"urls":\["\([^"]*\)"\]}$/\1/p')
if [ -n "$uo" ] && grep -q 最早的一篇 "$tmp/one/$uo"; then
	ok "the report added as the oldest is found"
else
	bad "the report added as the oldest is not found: [$uo]"
fi
finds 龘齉灥厵鱻 "$u" "the renumbered index still finds the edited report (positions), and it alone"
finds 貔貅 "$u" "…and its tag"
rm "$tmp/c/content/2020/aa-oldest.md"
rebuild "the oldest report removed"
renumbered "the oldest report removed"
fi
if more; then	# 5d, a long report, more shards
# 5d. one added among the newer reports (the 170th oldest's date, after the 128 the sample is drawn from):
# those after it renumbered, their d/ files the earlier ones with another number (search_patch.c), the
# dictionary the earlier build's; removed again, the same the other way
mid=$(grep -h '^date:' $(find "$tmp/c/content" -name '*.md') | sort | sed -n 170p | sed 's/^date: *//')
report "$tmp/c/content/2022/mid.md" "$mid" 夹在中间的一篇 中间的报道里有鸬鹚和鹈鹕。
d_range() {	# label: the d/ files rewritten are d/FROM.js … d/LAST.js, the last report's, FROM past the sample
	nd=$(find "$tmp/one/search/d" -type f | wc -l)
	from=$(sed -n 's|^search/d/\([0-9]*\)\.js$|\1|p' "$tmp/changed" | sort -n | head -1)
	count=$(grep -c '^search/d/' "$tmp/changed")
	if [ -n "$from" ] && [ "$from" -ge 128 ] && [ "$count" -eq $((nd - from)) ] &&
		grep -q "the texts' dictionary the earlier build's" "$tmp/log"; then
		ok "$1: the dictionary kept, the d/ files from d/$from.js on rewritten ($count of $nd)"
	else
		bad "$1: from ${from:-none}, $count d/ files rewritten of $nd; $(grep 'search: patched' "$tmp/log")"
	fi
}
rebuild "a report added among the newer ones"
renumbered "a report added among the newer ones"
d_range "a report added among the newer ones"
um=$(node tests/search_check.js --engine "$tmp/one" 鸬鹚 | sed -n 's/.*"urls":\["\([^"]*\)"\]}$/\1/p')
if [ -n "$um" ] && grep -q 夹在中间的一篇 "$tmp/one/$um" && grep -q '"t":"夹在中间的一篇"' "$tmp/one/search/d/$from.js"; then
	ok "the report added among the newer ones is found, and its d/ file is the first rewritten (d/$from.js)"
else
	bad "the report added among the newer ones: [$um], d/$from.js: $(head -c 120 "$tmp/one/search/d/$from.js")"
fi
rm "$tmp/c/content/2022/mid.md"
rebuild "the report among the newer ones removed"
renumbered "the report among the newer ones removed"
d_range "the report among the newer ones removed"
finds 鸬鹚 "" "the removed report is no longer found"
# a report in the lists (the oldest) a large part of the archive's text (20 others' bodies), added and
# removed: the whole index both ways, the removed one's text counted before it is indexed (a patch of such
# a removal took 9 times a whole build's time)
{
	printf -- "---\ntitle: '长文'\ndate: 2019-07-01\ndistrict: 小店区\ncommunity: 坞城社区\n---\n\n"
	for other in $(find "$tmp/c/content" -name '*.md' | sort | head -20); do awk 'n >= 2; /^---$/ { n++ }' "$other"; done
} >"$newest"
for step in added removed; do
	[ $step = removed ] && rm "$newest"
	rebuild "a long report $step" alone
	if grep -q "search: not patched: the changed reports are a large part of the archive's text" "$tmp/log"; then
		ok "a long report $step: the whole index, no patch tried"
	else
		bad "a long report $step: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	fi
done

# 6. an edit that makes the index big enough for more shards: the whole index (SG, SP as a full build's)
"$B/corpus" 6 "$tmp/c6" content >/dev/null
one6() { SITEGEN_SEARCH_TAIL=1 SITEGEN_CACHE_DIR="$tmp/cache" SITEGEN_TIMING=1 "$BIN" --config "$tmp/c6/config.yml" --content "$tmp/c6/content" "$@"; }
one6 --out "$tmp/six" --quiet 2>/dev/null
sizes() { sed -n 's/.*"sg":\([0-9]*\),"sp":\([0-9]*\),.*/\1 \2/p' "$tmp/six/search/index.js"; }
f6=$(find "$tmp/c6/content" -name '*.md' | sort | head -1)
first=$(sizes)
crossed=
dict_changed=
for other in $(find "$tmp/c6/content" -name '*.md' | sort | sed 1d); do
	awk 'n >= 2; /^---$/ { n++ }' "$other" >>"$f6"
	one6 --out "$tmp/six" >"$tmp/log" 2>&1
	rm -rf "$tmp/six-full" && one6 --out "$tmp/six-full" --quiet --jobs 1 2>/dev/null
	if ! diff -r -x .sitegen-state -x .sitegen-output "$tmp/six" "$tmp/six-full" >"$tmp/diff" 2>&1; then
		bad "a report grown by another's body: the rebuild differs from a full build"
		head -5 "$tmp/diff" | sed 's/^/#   /'
		break
	fi
	if [ "$(sizes)" != "$first" ]; then
		crossed=$(sizes)
		break
	fi
	grep -q 'search: patched 1 documents' "$tmp/log" || bad "a report grown by another's body, the shards as many: not patched"
	grep -q "the texts' dictionary changed" "$tmp/log" && dict_changed=1
done
# another's body copied in shares its clauses: the texts' dictionary changes (generator/search_dict.c), every
# d/ file is made again, the shards still patched, and the result is a full build's (compared above)
[ -n "$dict_changed" ] && ok "a report grown by another's body changes the texts' dictionary: every d/ file made again, the shards patched, equal to a full build" ||
	bad "growing a report by others' bodies never changed the texts' dictionary"

if [ -n "$crossed" ] && grep -q 'search: not patched: the index.s size calls for another number of shards' "$tmp/log" &&
	grep -q 'search: built whole' "$tmp/log" &&
	grep -q '^sitegen: the search index was made whole, not patched: the index.s size calls for another number of shards$' "$tmp/log"; then
	ok "a report grown until the index needs more shards ($first → $crossed) builds the whole index, says why, and equals a full build"
else
	bad "a report grown by the other reports' bodies: shards ${crossed:-never} changed from $first: $(grep 'search: ' "$tmp/log" | head -2 | tr '\n' ' ')"
fi

fi
if core; then	# 7: --force
# 7. --force: the whole index
rebuild_force() {
	SITEGEN_TIMING=1 build "$tmp/one" --force >"$tmp/log" 2>&1
}
printf '\n末一段。\n' >>"$f"
rebuild_force
grep -q 'search: built whole' "$tmp/log" && ok "--force builds the whole index" ||
	bad "--force: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
fi
exit $status
