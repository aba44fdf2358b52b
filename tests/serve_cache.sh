#!/bin/sh
# serve's build process keeps the parse cache mapped from one build to the
# next (parse_cache.c, parse_cache_open's `earlier`): its map, index and
# checked records serve again only while the cache's file is the one mapped,
# unchanged. Each way of changing the file behind the process's back (bytes
# changed in place, an append by another build, the file replaced, removed)
# makes the next build read it afresh, and every build's output equals a
# plain build's of the same inputs. After the process's own append, the
# next build maps the file anew but takes the records it had checked.
what="serve cache"
. tests/worker_lib.sh
SITEGEN_CACHE_DIR=$tmp/cache	# the worker's own: the tests tamper with it
export SITEGEN_CACHE_DIR
# A body or title edit is built from the articles and index the process
# kept (build_reuse.h), which reads nothing from the cache: each edit here
# changes the report's street too (which the index reads), so that every
# build parses the content.
edit() {
	edits=$((edits + 1))
	printf '\n第%d次编辑。\n' "$edits" >>content/2022/lianxinka.md
	sed -i "s/^street: .*/street: 莲花池街道${edits}/" content/2022/lianxinka.md
}

# the last build's line on the cache: "HITS kept" when the map was the
# build before's, "HITS new" when it was read afresh
cache_use() {
	grep '^sitegen: parsed [0-9]* files' worker.log | tail -1 |
		sed 's/.*, \([0-9]*\) of them from the cache/\1/; s/ (mapped by the last build)$/ kept/
		     s/ (mapped anew, [0-9]* records as checked through the last build.s map)$/ carried/; s/^[0-9]*$/& new/'
}
# uses WANT WHAT: the last build's cache use was WANT, and its output a plain build's
uses() {
	got=$(cache_use)
	if [ "$got" = "$1" ]; then same "$2 (cache: $got)"; else fail "$2: the cache's use was '$got', not '$1'" worker.log; fi
}
cache_file() { ls cache/parse-*.bin; }

# Only files older than two seconds are kept (parse_cache.h: racy saves).
sleep 2.1
start_worker out
build || { fail "the first build failed" worker.log status; exit 0; }
sleep 2.1	# the cache the first build wrote, 2 s old
edit
build || fail "the second build failed" worker.log
# the files the cache holds once it has all but the one edited: those
# with images are parsed every time (parse_cache.h)
n=$(cache_use | cut -d' ' -f1)
uses "$n new" "the build after the one that wrote the cache reads it afresh"
edit
build || fail "the third build failed" worker.log
uses "$n kept" "the next build takes the cache as the last left it"
edit
build || fail "the fourth build failed" worker.log
uses "$n kept" "and the next"

# The file's ctime made new (its bytes the same): read afresh, and that map,
# of a file changed within the last 2 s, not kept for the build after (a
# write in the same clock tick could leave the same times).
cf=$(cache_file)
chmod 600 "$cf"
edit
build || fail "the build after the cache's chmod failed" worker.log
uses "$n new" "the cache's times changed (chmod): read afresh"
edit
build || fail "the build after that failed" worker.log
uses "$n new" "and its map, of a file changed within 2 s, not kept for the next build"

# A report's title changed in the cache's file in place, same size (its
# last record: the one used): the file's times change, the map is read
# afresh and the record's digest refuses it (the report is parsed and put
# in the cache again).
at=$(grep -boa '祝福祖国' "$cf" | tail -1 | cut -d: -f1)
printf '祝贺祖国' | dd of="$cf" bs=1 seek="$at" conv=notrunc 2>/dev/null
edit
build || fail "the build after the cache was changed in place failed" worker.log
uses "$((n - 1)) new" "a report's text changed in the cache in place is parsed from its file again"

# Another build appends to the file (a report new to the cache), or
# replaces it (compacted), or it is removed.
sleep 2.1	# the record put again by the build before is 2 s old
edit
build || fail "a build failed" worker.log
edit
build || fail "a build failed" worker.log
uses "$n kept" "the cache again taken as the last build left it"

# The process's own append (a report changed more than 2 s before a build
# is put in the cache then): the build 2 s after it maps the file anew and
# takes the records it had checked as checked (parse_cache_open); the build
# after that keeps the map. One within 2 s of the append reads it afresh.
other=$(ls content/2022/*.md | grep -v lianxinka | head -1)
retitle() { sed -i "0,/^title: /s/^title: .*/title: '另一篇第$1次'/" "$other"; }
retitle 1
sleep 2.1
edit
build || fail "a build failed" worker.log
uses "$((n - 1)) kept" "a report changed 2 s before the build is parsed and put in the cache"
sleep 2.1
edit
build || fail "a build failed" worker.log
uses "$n carried" "the build 2 s after the process's own append takes its checked records over"
edit
build || fail "a build failed" worker.log
uses "$n kept" "and the build after it keeps that map"
retitle 2
sleep 2.1
edit
build || fail "a build failed" worker.log
edit
build || fail "a build failed" worker.log
uses "$n new" "the build within 2 s of the process's own append reads the file afresh"
retitle 3
sleep 2.1
edit
build || fail "a build failed" worker.log
sleep 2.1	# the process's own append 2 s old, then a record it had checked changed in place
at=$(grep -boa '祝福祖国' "$(cache_file)" | tail -1 | cut -d: -f1)
printf '祝贺祖国' | dd of="$(cache_file)" bs=1 seek="$at" conv=notrunc 2>/dev/null
edit
build || fail "a build failed" worker.log
uses "$((n - 1)) new" "a record changed in place after the process's own append is not taken as checked"
printf -- '---\ntitle: 新的报道\ndate: 2022-03-01\ndistrict: 离石区\n---\n\n新的一篇。\n' >content/2022/new-one.md
sleep 2.1
"$bin" build --out other --theme theme --quiet 2>other.err || fail "a build beside failed" other.err
edit
build || fail "the build after another's append failed" worker.log
uses "$((n + 1)) new" "the cache appended to by another build is read afresh, the new report in it"
cp "$cf" copy && mv copy "$cf"
edit
build || fail "the build after the cache was replaced failed" worker.log
uses "$((n + 1)) new" "the cache replaced by another file is read afresh"
rm -f "$cf"
edit
build || fail "the build after the cache was removed failed" worker.log
uses "0 new" "the cache removed, every file is parsed"
edit
build || fail "a build failed" worker.log
uses "$((n + 1)) new" "the next build reads the cache the last wrote again"
end_worker || fail "the build process did not end well" worker.log
