#!/bin/sh
# The parse cache (generator/parse_cache.h): a build takes an unchanged
# file's article from the cache, writes the same bytes as a build without
# it whatever state the cache is in, sees every edit, and shows every
# warning on every build.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - parse_cache: $2"; else echo "not ok - parse_cache: $2"; fi
}
"$B/corpus" 12 "$tmp/c" content >/dev/null || { echo "not ok - parse_cache: the corpus generator failed"; exit 1; }
C=$tmp/c/content
# a file changed within the last two seconds is never kept (parse_cache.h)
sleep 2.2
build() {	# cache-dir out-dir: the corpus; the timing lines in $tmp/log
	SITEGEN_TIMING=1 SITEGEN_CACHE_DIR=$1 "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$2" --quiet \
		>"$tmp/log" 2>&1
}
hits() {	# the files the last build took from the cache
	sed -n 's/^sitegen: parsed [0-9]* files, \([0-9]*\) of them from the cache$/\1/p' "$tmp/log"
}
cold() {	# the reference: a build without any cache
	rm -rf "$tmp/cold" && build off "$tmp/cold"
}
same() {	# out-dir: the same bytes as the build without a cache
	diff -r -x .sitegen-state "$tmp/cold" "$1" >"$tmp/diff" 2>&1
}
K=$tmp/k
n=$(find "$C" -name '*.md' | wc -l)

cold
build "$K" "$tmp/o1"
h1=$(hits)
build "$K" "$tmp/o2"
h2=$(hits)
say "$([ "$h1" = 0 ] && [ "$h2" = "$n" ] && ls "$K"/parse-*.bin >/dev/null 2>&1 && same "$tmp/o1" && same "$tmp/o2" &&
	echo 0 || echo 1)" "the second build takes all $n articles from the cache ($h1, then $h2) and writes the same bytes"

# An edit of the same size with the old modification time restored (what
# make would miss): the inode's change time still tells.
f=$(find "$C" -name '*.md' | sort | head -1)
cp -p "$f" "$tmp/ref.md"
sed "s/^title: '徐/title: '改/" "$tmp/ref.md" >"$tmp/new.md"
cat "$tmp/new.md" >"$f"	# in place: the same inode
touch -r "$tmp/ref.md" "$f"
cold
build "$K" "$tmp/o3"
say "$([ "$(wc -c <"$f")" = "$(wc -c <"$tmp/ref.md")" ] && ! cmp -s "$f" "$tmp/ref.md" && [ "$(hits)" = "$((n - 1))" ] &&
	same "$tmp/o3" && grep -rq '改刚' "$tmp/o3/reports" && echo 0 || echo 1)" \
	"an edit with the size and modification time unchanged is seen: the new title is on the pages"

# A file with a warning is parsed again every time, and says so every time.
g=$(find "$C" -name '*.md' | sort | sed -n 2p)
sed -i '2i colour: blue' "$g"
sleep 2.2
build "$K" "$tmp/o4"
w1=$(grep -c "unknown key 'colour'" "$tmp/log")
build "$K" "$tmp/o4b"	# another output: in the same one, nothing changed and nothing is said
w2=$(grep -c "unknown key 'colour'" "$tmp/log")
say "$([ "$w1" = 1 ] && [ "$w2" = 1 ] && [ "$(hits)" = "$((n - 1))" ] && echo 0 || echo 1)" \
	"a file with a warning is not kept: the warning shows on every build ($w1, $w2)"
sed -i '/^colour: blue$/d' "$g"
sleep 2.2
cold
build "$K" "$tmp/o5"

# Damage of every kind: the output is still the same bytes.
bin=$(ls "$K"/parse-*.bin)
cp "$bin" "$tmp/good.bin"
size=$(wc -c <"$bin")
ok=0
for damage in truncate-half truncate-tail flip-middle flip-head garbage zero; do
	cp "$tmp/good.bin" "$bin"
	case $damage in
	truncate-half) truncate -s $((size / 2)) "$bin" ;;
	truncate-tail) truncate -s $((size - 5)) "$bin" ;;
	flip-middle) printf '\377\377\377\377\377\377\377\377' | dd of="$bin" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null ;;
	flip-head) printf 'X' | dd of="$bin" bs=1 seek=3 conv=notrunc 2>/dev/null ;;
	garbage) head -c 100000 /dev/urandom >"$bin" ;;
	zero) : >"$bin" ;;
	esac
	rm -rf "$tmp/d" && build "$K" "$tmp/d" && same "$tmp/d" || { ok=1; echo "# after $damage: $(head -3 "$tmp/diff")"; }
	build "$K" "$tmp/d2" && same "$tmp/d2" || ok=1
done
say "$ok" "a damaged cache (cut in half or at the tail, bytes overwritten, garbage, empty) changes no byte of the output"
build "$K" "$tmp/o6"
say "$([ "$(hits)" = "$n" ] && echo 0 || echo 1)" "after the damage the cache is whole again: every article from it"

# Two builds at once with one cache.
rm -rf "$K"
build "$K" "$tmp/warm" # a cache to share
touch "$C"/*/*.md 2>/dev/null
sleep 2.2
(SITEGEN_CACHE_DIR=$K "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$tmp/p1" --quiet 2>/dev/null) &
(SITEGEN_CACHE_DIR=$K "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$tmp/p2" --quiet 2>/dev/null) &
wait
build "$K" "$tmp/p3"
say "$(same "$tmp/p1" && same "$tmp/p2" && same "$tmp/p3" && [ "$(hits)" = "$n" ] && echo 0 || echo 1)" \
	"two builds at once share the cache: both outputs and the next build's are right, and it takes all from the cache"

# The cache is never kept among the user's files.
rm -rf "$tmp/in"
SITEGEN_CACHE_DIR=$tmp/in/.cache "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$tmp/in" --quiet 2>/dev/null
say "$([ -z "$(find "$tmp/in" -name 'parse-*')" ] && echo 0 || echo 1)" \
	"a cache directory inside the output gets no cache file"

# Many content directories share a cache directory: it keeps the last 16.
for i in $(seq 20); do
	mkdir -p "$tmp/many/$i" && cp "$f" "$tmp/many/$i/"
done
sleep 2.2
for i in $(seq 20); do
	SITEGEN_CACHE_DIR=$tmp/shared "$BIN" --config "$tmp/c/config.yml" --content "$tmp/many/$i" --out "$tmp/mo$i" \
		--quiet 2>/dev/null
done
say "$([ "$(ls "$tmp/shared" | grep -c '^parse-.*\.bin$')" -le 16 ] && echo 0 || echo 1)" \
	"a cache directory shared by 20 content directories keeps at most 16 caches"
