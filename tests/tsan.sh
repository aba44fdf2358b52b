#!/bin/sh
# ThreadSanitizer on a multi-threaded build of a synthetic archive (render and
# search run in several threads, the writer is shared): any report fails.
# B is a build directory made with -fsanitize=thread (make tsan).
set -u
B=${B:-build-tsan}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
"$B/corpus" 400 "$tmp/c" content >/dev/null || { echo "not ok - tsan: the corpus generator failed"; echo "0 passed, 1 failed"; exit 1; }
for jobs in 4; do
	# the title edit makes some pages and keeps the others: pages then make
	# the listing items of unchanged reports on demand, from several threads;
	# a report added as the newest has the search index's shards patched on
	# the threads (search_patch_shards.c); one added among older ones has
	# every shard renumbered, and the files made handed to the writer, on them
	for round in full rebuild title newest older; do
		label="full build"
		first=$(find "$tmp/c/content" -name '*.md' | sort | head -n 1)
		[ "$round" = rebuild ] && label="rebuild after an edit"
		[ "$round" = title ] && label="rebuild after a title edit"
		[ "$round" = newest ] && label="rebuild after a report added as the newest"
		[ "$round" = older ] && label="rebuild after a report added among older ones"
		[ "$round" = older ] && sed "s/^date: .*/date: $(grep -h '^date:' $(find "$tmp/c/content" -name '*.md') |
			sort | sed -n 300p | sed 's/^date: *//')/; s/^title: '/title: '较早/" "$first" >"$tmp/c/content/2021/older.md"
		[ "$round" = newest ] && sed 's/^date: .*/date: 2023-01-01/' "$first" >"$tmp/c/content/2022/zz-newest.md"
		[ "$round" = full ] && rm -rf "$tmp/out"
		[ "$round" = rebuild ] && printf '\n一句。\n' >>"$first"
		[ "$round" = title ] && sed -i "0,/^title: '/s/^title: '/title: '新/" "$first"
		if TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
			"$B/sitegen" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/out" \
			--jobs "$jobs" --quiet >"$tmp/log" 2>&1; then
			echo "ok - tsan: a $label of 400 articles in $jobs threads reports no data race"
			pass=$((pass + 1))
		else
			echo "not ok - tsan: a $label of 400 articles in $jobs threads"
			head -40 "$tmp/log" | sed 's/^/#   /'
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
