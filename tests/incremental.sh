#!/bin/sh
# Incremental builds on a synthetic corpus (bench/corpus.c, 80 articles):
# output is deterministic, and a rebuild after editing, adding or deleting
# articles equals a full build of the same input byte for byte, rewriting
# only the pages whose bytes change.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$B/corpus" 80 "$tmp/c" content 800 >/dev/null || { echo "not ok - incremental: the corpus generator failed"; exit 1; }
build() {	# out-dir [args]
	out=$1
	shift
	"$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" --strict "$@"
}
# The full builds the incremental ones are compared with run on one thread (--jobs 1): the same bytes as
# on every core (the first check below), for a quarter less CPU; the builds under test keep the default.
same() {	# dir dir
	diff -r -x .sitegen-state -x .sitegen-output "$1" "$2" >"$tmp/diff" 2>&1
}

build "$tmp/one" --quiet && build "$tmp/two" --quiet --jobs 1
if same "$tmp/one" "$tmp/two"; then
	echo "ok - incremental: two full builds (one per core, and one thread) are byte-identical"
else
	echo "not ok - incremental: two full builds differ"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi

# Edit one article's body: its page changes, and nothing but the pages that show it.
f=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 50p)
printf '\n一段新加的文字。\n' >>"$f"
cp -a "$tmp/one" "$tmp/before"
build "$tmp/one" >"$tmp/log"
# the files whose bytes changed: pages apart, search index files apart
diff -rq -x .sitegen-state "$tmp/before" "$tmp/one" | sed -n "s|^Files $tmp/before/\([^ ]*\) and .*|\1|p" >"$tmp/changed"
written=$(grep -vc '^search/' "$tmp/changed")
search_written=$(grep -c '^search/' "$tmp/changed")
search_docs=$(grep -c '^search/d/' "$tmp/changed")
rm -rf "$tmp/before"
# (kept as edited: the inputs are these again once the report added below is deleted)
build "$tmp/edited" --quiet --jobs 1
if same "$tmp/one" "$tmp/edited"; then
	echo "ok - incremental: after editing an article the rebuild equals a full build ($written files rewritten)"
else
	echo "not ok - incremental: after an edit the rebuild differs from a full build"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
if [ "$search_docs" -eq 1 ] && [ "$search_written" -ge 2 ] &&
	[ "$search_written" -lt "$(find "$tmp/one/search" -type f | wc -l)" ]; then
	echo "ok - incremental: a body edit rewrites its own search text and only the $((search_written - 1)) index shards its words touch"
else
	echo "not ok - incremental: a body edit rewrote $search_written search files ($search_docs document texts)"
fi
if [ -n "$written" ] && [ "$written" -ge 1 ] && [ "$written" -le 3 ]; then
	echo "ok - incremental: a body edit rewrites only the pages whose bytes change (its own page and the listings showing its summary)"
else
	echo "not ok - incremental: a body edit rewrote $written files"
fi

# Add one article; then delete one.
sed 's/^title: .*/title: 新增的报道/' "$f" >"$tmp/c/content/2021/new-report.md"
build "$tmp/one" --quiet
rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1
if same "$tmp/one" "$tmp/full" && [ -f "$tmp/one/reports/new-report/index.html" ]; then
	echo "ok - incremental: after adding an article the rebuild equals a full build"
else
	echo "not ok - incremental: after adding an article the rebuild differs from a full build"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
rm "$tmp/c/content/2021/new-report.md"
build "$tmp/one" --quiet
if same "$tmp/one" "$tmp/edited" && [ ! -e "$tmp/one/reports/new-report" ]; then
	echo "ok - incremental: after deleting it no page of it lingers, and the rebuild equals a full build"
else
	echo "not ok - incremental: after deleting an article the output differs from a full build"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi

# Incremental rendering (render_deps.c): a build makes only the pages whose
# inputs changed and keeps the others' files; the output is a full build's.
made() {	# log → "made kept"
	sed -n 's/^sitegen: pages made \([0-9]*\), kept \([0-9]*\)$/\1 \2/p' "$1"
}
rebuild() {	# [same-inputs]: an incremental build of $tmp/one; in $tmp/full a full build of its inputs, or a
	# copy of the given one, a full build of the same inputs made earlier
	earlier=${1:-}
	SITEGEN_TIMING=1 build "$tmp/one" >"$tmp/log" 2>&1
	set -- $(made "$tmp/log")
	m=${1:-x} k=${2:-x}
	rm -rf "$tmp/full"
	if [ -n "$earlier" ]; then
		cp -a "$earlier" "$tmp/full"
	else
		build "$tmp/full" --quiet --jobs 1
	fi
}
g=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 20p)
printf '\n又一段新加的文字，在正文的最后。\n' >>"$g"
rebuild
if same "$tmp/one" "$tmp/full" && [ "$m" != x ] && [ "$m" -ge 1 ] && [ "$m" -le 3 ] && [ "$k" -gt 100 ]; then
	echo "ok - incremental: a change at the end of a body makes its own page only ($m made, $k kept), and equals a full build"
else
	echo "not ok - incremental: a change at the end of a body made $m pages and kept $k (or differs from a full build)"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
# what each page was made from, as the next build reads it (render_deps.c's record, in the state): the
# same as a full build's (the body edit's build writes the article lines from the earlier record's)
record() { sed -n '/^structure [0-9a-f]* search /,$p' "$1/.sitegen-state"; }
if [ -n "$(record "$tmp/one")" ] && [ "$(record "$tmp/one" | cksum)" = "$(record "$tmp/full" | cksum)" ]; then
	echo "ok - incremental: after a body edit, the record of what each page was made from is a full build's"
else
	echo "not ok - incremental: after a body edit, the record differs from a full build's ($(record "$tmp/one" | wc -c) and $(record "$tmp/full" | wc -c) bytes)"
fi
sed -i "0,/^title: '/s/^title: '/title: '续：/" "$g"
rebuild
cp -a "$tmp/full" "$tmp/titled"	# the inputs again once the report added below is removed
if same "$tmp/one" "$tmp/full" && [ "$m" != x ] && [ "$m" -gt 3 ] && [ "$k" -gt "$m" ]; then
	echo "ok - incremental: a title edit makes the pages that show the title ($m made, $k kept), and equals a full build"
else
	echo "not ok - incremental: a title edit made $m pages and kept $k (or differs from a full build)"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
# An added report changes the structure: the pages that see it are made
# (its neighbours' and its district's and printed page's report pages, the
# period pages of its places, tags and people, every other listing), the
# others kept.
sed 's/^title: .*/title: 又一篇新增的报道/' "$g" >"$tmp/c/content/2021/added-later.md"
rebuild
# Its pages are a few of the archive's: fewer than one in ten here (a
# record that named the wrong article for each line once made one in five).
if same "$tmp/one" "$tmp/full" && [ "$k" != x ] && [ "$k" -gt 0 ] && [ "$m" -lt $(((m + k) / 10)) ] &&
	[ -f "$tmp/one/reports/added-later/index.html" ]; then
	echo "ok - incremental: an added report makes the pages that see it ($m made, $k kept), and equals a full build"
else
	echo "not ok - incremental: after adding a report $m pages were made and $k kept (or the output differs from a full build)"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
rm "$tmp/c/content/2021/added-later.md"
rebuild "$tmp/titled"
if same "$tmp/one" "$tmp/full" && [ "$k" != x ] && [ "$k" -gt 0 ] && [ ! -e "$tmp/one/reports/added-later" ]; then
	echo "ok - incremental: removing it again keeps the pages that never saw it ($k kept), and equals a full build"
else
	echo "not ok - incremental: after removing the added report $k pages were kept (or the output differs from a full build)"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
# A page someone changed in the output is not kept: it is made again.
printf 'changed by hand' >>"$tmp/one/tags/index.html"
printf '\n再加一句。\n' >>"$g"
rebuild
if same "$tmp/one" "$tmp/full" && ! grep -q 'changed by hand' "$tmp/one/tags/index.html"; then
	echo "ok - incremental: a page changed by hand in the output is made again, not kept ($m made)"
else
	echo "not ok - incremental: a page changed by hand in the output survived an incremental build"
fi
# …also when the edit keeps its size and puts its mtime back (touch -r): its ctime tells
cp -p "$tmp/one/tags/index.html" "$tmp/ref.html"
python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    b = f.read()
    i = b.index(b"<title>")
    f.seek(i + 7)
    f.write(b"X")' "$tmp/one/tags/index.html"
touch -r "$tmp/ref.html" "$tmp/one/tags/index.html"
printf '\n再加一句，又一次。\n' >>"$g"
rebuild
if same "$tmp/one" "$tmp/full" && cmp -s "$tmp/one/tags/index.html" "$tmp/full/tags/index.html"; then
	echo "ok - incremental: a page edited in place with its size and mtime put back is made again ($m made)"
else
	echo "not ok - incremental: a page edited in place with its size and mtime put back survived an incremental build"
fi
# A date moves the report among the pages: the pages whose view of the
# structure changed are made again (report pages: its own, its old and new
# neighbours', those of its community and district; period pages: those of
# its places, tags and people; every other listing); the rest are kept.
sed -i '0,/^date: /s/^date: \([0-9]*\)-\([0-9]*\)-\([0-9]*\)/date: \1-\2-01/' "$g"
rebuild
if same "$tmp/one" "$tmp/full" && [ "$k" != x ] && [ "$k" -gt 0 ] && [ "$m" -gt 10 ]; then
	echo "ok - incremental: a date change makes the pages whose view of the structure it changes ($m made, $k kept), and equals a full build"
else
	echo "not ok - incremental: after a date change $m pages were made, $k kept (or the output differs from a full build)"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
# From here on the checks are about what a build trusts of the state, the program and the output folders,
# not about how few pages an edit reaches: on a corpus of 20 articles (~20 full builds of the 80 took 6 s).
rm -rf "$tmp/c" "$tmp/one" "$tmp/full"
"$B/corpus" 20 "$tmp/c" content 800 >/dev/null || { echo "not ok - incremental: the corpus generator failed"; exit 1; }
g=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 10p)
# A template change makes every page, but keeps the search index (it does not read the theme).
cp -r theme "$tmp/theme"
build "$tmp/one" --quiet --theme "$tmp/theme"
sed -i 's|</footer>|<p>页脚的新文字</p></footer>|' "$tmp/theme/templates/base.mustache"
SITEGEN_TIMING=1 build "$tmp/one" --theme "$tmp/theme" >"$tmp/log" 2>&1
set -- $(made "$tmp/log")
rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1 --theme "$tmp/theme"
if same "$tmp/one" "$tmp/full" && [ "${2:-x}" = 0 ] && grep -q '页脚的新文字' "$tmp/one/index.html" &&
	! grep -q '^sitegen: search: ' "$tmp/log"; then
	echo "ok - incremental: a template change makes every page again, keeps the search index, and equals a full build"
else
	echo "not ok - incremental: after a template change: $(grep '^sitegen: \(pages\|search\)' "$tmp/log" | tr '\n' ' ')"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
# A state without the record (an older sitegen's, or a damaged one): everything is made.
sed -i '1d; /^-- extra$/,$d; s/^[0-9a-f]\{16\} //' "$tmp/one/.sitegen-state"
printf '\n最后一句。\n' >>"$g"
SITEGEN_TIMING=1 build "$tmp/one" --theme "$tmp/theme" >"$tmp/log" 2>&1
set -- $(made "$tmp/log")
rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1 --theme "$tmp/theme"
if same "$tmp/one" "$tmp/full" && [ "${2:-x}" = 0 ]; then
	echo "ok - incremental: a state without its record (an older build's) makes every page, and equals a full build"
else
	echo "not ok - incremental: a state without its record kept ${2:-?} pages (or the output differs)"
fi
# Another library under the same binary (an upgraded cmark or ICU): the
# program's digest covers the libraries it runs with. A library put in with
# LD_PRELOAD (the failure injector, doing nothing) stands for one.
build "$tmp/one" --quiet --theme "$tmp/theme"
printf '\n换了库之后。\n' >>"$g"
if sanitized "$BIN"; then
	echo "skip - incremental: another library: $BIN is built with a sanitizer, which cannot run under LD_PRELOAD"
else
	SITEGEN_TIMING=1 LD_PRELOAD="$(pwd)/$B/tests/fault.so" build "$tmp/one" --theme "$tmp/theme" >"$tmp/log" 2>&1
	set -- $(made "$tmp/log")
	if [ "${2:-x}" = 0 ] && [ "${1:-0}" -gt 100 ]; then
		echo "ok - incremental: a build running with another library makes every page again ($1 made)"
	else
		echo "not ok - incremental: a build running with another library kept ${2:-?} pages"
	fi
fi
# A record cut short (a damaged state): everything is made, nothing kept.
build "$tmp/one" --quiet --theme "$tmp/theme"
truncate -s -2 "$tmp/one/.sitegen-state"
printf '\n截断之后。\n' >>"$g"
SITEGEN_TIMING=1 build "$tmp/one" --theme "$tmp/theme" >"$tmp/log" 2>&1
set -- $(made "$tmp/log")
rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1 --theme "$tmp/theme"
if same "$tmp/one" "$tmp/full" && [ "${2:-x}" = 0 ]; then
	echo "ok - incremental: a state whose record was cut short makes every page, and equals a full build"
else
	echo "not ok - incremental: a state whose record was cut short kept ${2:-?} pages (or the output differs)"
fi
# Folders of the output replaced by links to copies elsewhere (a report's
# own folder, and places/ whole): an incremental build keeps nothing through
# a link and writes nothing through it: the links become real folders again,
# the copies are untouched, and the output equals a full build. Checked with
# openat2 (which refuses the links on the way), and again where the kernel
# has none (fault.so: the folders are lstat'ed one by one); the build before
# the edit runs the same way, so that the rebuild is an incremental one.
links_made_real() {	# label [env for the builds…]
	label=$1
	shift
	env "$@" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/one" --strict --quiet \
		--theme "$tmp/theme"
	r=$(ls "$tmp/one/reports" | sed -n 3p)
	rm -rf "$tmp/away" "$tmp/away-before" && mkdir -p "$tmp/away"
	cp -a "$tmp/one/reports/$r" "$tmp/away/report" && rm -rf "$tmp/one/reports/$r" && ln -s "$tmp/away/report" "$tmp/one/reports/$r"
	cp -a "$tmp/one/places" "$tmp/away/places" && rm -rf "$tmp/one/places" && ln -s "$tmp/away/places" "$tmp/one/places"
	cp -a "$tmp/away" "$tmp/away-before"
	printf '\n链接之后。\n' >>"$g"
	env SITEGEN_TIMING=1 "$@" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/one" \
		--strict --theme "$tmp/theme" >"$tmp/log" 2>&1
	set -- $(made "$tmp/log")
	rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1 --theme "$tmp/theme"
	if same "$tmp/one" "$tmp/full" && [ ! -L "$tmp/one/reports/$r" ] && [ ! -L "$tmp/one/places" ] &&
		[ -d "$tmp/one/places" ] && diff -r "$tmp/away-before" "$tmp/away" >/dev/null && [ "${2:-0}" -gt 0 ]; then
		echo "ok - incremental: folders of the output replaced by links are made real again, the copies they led to untouched$label ($1 made, $2 kept)"
	else
		echo "not ok - incremental: after folders became links$label: $(grep '^sitegen: pages' "$tmp/log"), links left: $(find "$tmp/one" -type l | head -3)"
	fi
}
links_made_real ""
if sanitized "$BIN"; then
	echo "skip - incremental: links without openat2: $BIN is built with a sanitizer, which cannot run under LD_PRELOAD"
else
	links_made_real ", without openat2" LD_PRELOAD="$(pwd)/$B/tests/fault.so" FAULT_NO_OPENAT2=1
fi
# The same with no input changed: a build that finds the output current
# still looks through real folders only (it followed the link, took the
# output for current and left the link and what it led to).
build "$tmp/one" --quiet --theme "$tmp/theme"
r=$(ls "$tmp/one/reports" | sed -n 4p)
rm -rf "$tmp/away" && mkdir -p "$tmp/away" && cp -a "$tmp/one/reports/$r" "$tmp/away/report"
printf 'x' >"$tmp/away/report/planted.html"
rm -rf "$tmp/one/reports/$r" && ln -s "$tmp/away/report" "$tmp/one/reports/$r"
build "$tmp/one" --quiet --theme "$tmp/theme"
# ($tmp/full: the full build of these same inputs, made by links_made_real above)
if same "$tmp/one" "$tmp/full" && [ ! -L "$tmp/one/reports/$r" ] && [ -f "$tmp/away/report/planted.html" ]; then
	echo "ok - incremental: a report folder replaced by a link with nothing else changed is made real again"
else
	echo "not ok - incremental: a report folder replaced by a link with nothing else changed stayed: $(ls -l "$tmp/one/reports" | grep -m1 -- '->')"
fi
# Few file descriptors (`ulimit -n 40`) and many threads: the kept files'
# folders held open stay within a quarter of the limit, the rest checked the
# slow way; one edit still makes one page, and the build succeeds.
build "$tmp/one" --quiet	# (the default theme again: every page made; in 64 threads it took three times the CPU)
printf '\n描述符很少的时候。\n' >>"$g"
(ulimit -n 40 && SITEGEN_TIMING=1 build "$tmp/one" --jobs 64 >"$tmp/log" 2>&1)
rc=$?
set -- $(made "$tmp/log")
rm -rf "$tmp/full" && build "$tmp/full" --quiet --jobs 1
if [ "$rc" = 0 ] && same "$tmp/one" "$tmp/full" && [ "${1:-x}" = 1 ] && [ ! -e "$tmp/one/.staging" ]; then
	echo "ok - incremental: with 40 file descriptors and 64 threads one edit makes one page ($2 kept), and equals a full build"
else
	echo "not ok - incremental: with 40 file descriptors: exit $rc, $(grep '^sitegen: pages made' "$tmp/log"), $(grep -m1 error "$tmp/log")"
fi

# Two builds at once, the first held up after reading its inputs (its warnings, one for each report, fill a
# pipe nobody reads) while an edit is made and a second build started: the second waits for the first (the
# output's build lock is taken before the inputs are read), so the last commit is of the inputs after the
# edit. (Before, the first took the lock only to write: held up before it, it let the second commit the edit,
# then committed the pages it had made of the inputs before the edit over them, with status 0. The hostile
# review of stop 42 found it with --keep, whose kept process was writing to a pipe nobody read.)
"$B/corpus" 400 "$tmp/r" content 800 >/dev/null
for h in $(find "$tmp/r/content" -name '*.md'); do
	sed -i '0,/^title: /s/^title: /not_a_key_of_ours: 1\nnor_this_one: 2\ntitle: /' "$h"	# two warnings each (unknown keys: 100 KB)
done
rbuild() {	# out-dir [args]
	out=$1
	shift
	"$BIN" --config "$tmp/r/config.yml" --content "$tmp/r/content" --out "$out" "$@"
}
rbuild "$tmp/race" --quiet 2>/dev/null
g=$(find "$tmp/r/content" -name '*.md' | sort | sed -n 30p)
mkfifo "$tmp/full-pipe"
exec 7<>"$tmp/full-pipe"	# open, and not read: the first build's messages stop it once 64 KiB wait
rbuild "$tmp/race" --quiet --force 2>"$tmp/full-pipe" &
first=$!
sleep 1
printf '\n暂停的时候改的。\n' >>"$g"
rbuild "$tmp/race" >"$tmp/second.log" 2>&1 &
second=$!
i=0
while ! grep -q 'another build is writing' "$tmp/second.log" && kill -0 "$second" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.02
	i=$((i + 1))
done
waited=$(grep -c 'another build is writing' "$tmp/second.log")
cat <&7 >/dev/null &	# the first goes on
drain=$!
wait "$first"
s1=$?
exec 7>&-
wait "$second"
s2=$?
kill "$drain" 2>/dev/null
rm -rf "$tmp/ref" && rbuild "$tmp/ref" --quiet --jobs 1 2>/dev/null
page=$tmp/race/reports/$(basename "$g" .md)/index.html
if [ "$s1$s2" = 00 ] && [ "$waited" = 1 ] && grep -q 暂停的时候改的 "$page" && same "$tmp/race" "$tmp/ref"; then
	echo "ok - incremental: a build held up after reading its inputs makes the next build wait for it; the output ends as the edit's"
else
	echo "not ok - incremental: a build held up after reading its inputs, another after an edit: statuses $s1 $s2, waited $waited, the edit $(grep -c 暂停的时候改的 "$page") times in its page"
	head -5 "$tmp/diff" "$tmp/second.log" | sed 's/^/#   /'
fi
