#!/bin/sh
# Incremental builds on a synthetic corpus (bench/corpus.c, 80 articles):
# output is deterministic, and a rebuild after editing, adding or deleting
# articles equals a full build of the same input byte for byte, rewriting
# only the pages whose bytes change.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$B/corpus" 80 "$tmp/c" content >/dev/null || { echo "not ok - incremental: the corpus generator failed"; exit 1; }
build() {	# out-dir [args]
	out=$1
	shift
	"$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" --strict "$@"
}
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
rm -rf "$tmp/full" && build "$tmp/full" --quiet
if same "$tmp/one" "$tmp/full"; then
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
rm -rf "$tmp/full" && build "$tmp/full" --quiet
if same "$tmp/one" "$tmp/full" && [ -f "$tmp/one/reports/new-report/index.html" ]; then
	echo "ok - incremental: after adding an article the rebuild equals a full build"
else
	echo "not ok - incremental: after adding an article the rebuild differs from a full build"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
rm "$tmp/c/content/2021/new-report.md"
build "$tmp/one" --quiet
rm -rf "$tmp/full" && build "$tmp/full" --quiet
if same "$tmp/one" "$tmp/full" && [ ! -e "$tmp/one/reports/new-report" ]; then
	echo "ok - incremental: after deleting it no page of it lingers, and the rebuild equals a full build"
else
	echo "not ok - incremental: after deleting an article the output differs from a full build"
	head -20 "$tmp/diff" | sed 's/^/#   /'
fi
