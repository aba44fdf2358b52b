#!/bin/sh
# The parse cache (generator/parse_cache.h): a build takes an unchanged
# file's article from the cache, writes the same bytes as a build without
# it whatever state the cache is in, sees every edit, and shows every
# warning on every build.
# Which checks: core (make test), more (make test-slow: a cache directory shared by 20 content
# directories, a first build of 1,100 reports written in steps: 22 builds) or all (both).
set -u
part=${1:-all}
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac	# (run from another folder below)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A file changed within the last two seconds is never kept (parse_cache.h). Rather than wait for the files
# to age, the builds run with their clock 2.2 s ahead (tests/fault.so, FAULT_CLOCK_AHEAD_MS; the 5 waits
# took 11 s), every one of them, so that the program is the same for all (the cache's key names it and its
# libraries). Where nothing can be preloaded (a sanitizer's runtime) or fault.so is not built, they wait.
if [ -f "$B/tests/fault.so" ] && ! sanitized "$BIN"; then
	printf '#!/bin/sh\nLD_PRELOAD="%s" FAULT_CLOCK_AHEAD_MS=2200 exec "%s" "$@"\n' "${BIN%/sitegen}/tests/fault.so" "$BIN" \
		>"$tmp/sitegen" && chmod +x "$tmp/sitegen" && BIN=$tmp/sitegen
fi
age() {	# until the files changed so far may be kept by the next build
	[ "$BIN" = "$tmp/sitegen" ] || sleep 2.2
}
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - parse_cache: $2"; else echo "not ok - parse_cache: $2"; fi
}
"$B/corpus" 12 "$tmp/c" content 800 >/dev/null || { echo "not ok - parse_cache: the corpus generator failed"; exit 1; }
C=$tmp/c/content
# The inputs of the checks below that make theirs only once (20 content directories of one file, and 1,100
# reports; see there) are made here too, so that they age in the same wait.
f=$(find "$C" -name '*.md' | sort | head -1)
if [ "$part" != core ]; then
	for i in $(seq 20); do
		mkdir -p "$tmp/many/$i" && cp "$f" "$tmp/many/$i/"
	done
	fast=$(mktemp -d /dev/shm/parse_cache.XXXXXX 2>/dev/null || mktemp -d)
	trap 'rm -rf "$tmp" "$fast"' EXIT
	"$B/corpus" 1100 "$fast/big" content >/dev/null
	# (the search index is not what that check is about, and was more than half of each of its two builds)
	echo "search: false" >>"$fast/big/config.yml"
fi
age
build() {	# cache-dir out-dir: the corpus; the timing lines in $tmp/log
	SITEGEN_TIMING=1 SITEGEN_CACHE_DIR=$1 "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$2" --quiet \
		>"$tmp/log" 2>&1
}
hits() {	# the files the last build took from the cache
	sed -n 's/^sitegen: parsed [0-9]* files, \([0-9]*\) of them from the cache$/\1/p' "$tmp/log"
}
cold() {	# the reference: a build without the parse cache (a fresh cache directory). It is given the memo of
	# ICU's answers that $K has, when there is one: neutral to the output (tests/memo.sh), and without it
	# each of these builds opened ICU's transliterators again (0.25 s)
	rm -rf "$tmp/cold" "$tmp/none" && mkdir "$tmp/none" && { [ ! -f "$K/memo" ] || cp "$K/memo" "$tmp/none/"; } &&
		build "$tmp/none" "$tmp/cold"
}
same() {	# out-dir: the same bytes as the build without a cache
	diff -r -x .sitegen-state "$tmp/cold" "$1" >"$tmp/diff" 2>&1
}
K=$tmp/k
n=$(find "$C" -name '*.md' | wc -l)
if [ "$part" != more ]; then

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
age
build "$K" "$tmp/o4"
w1=$(grep -c "unknown key 'colour'" "$tmp/log")
build "$K" "$tmp/o4b"	# another output: in the same one, nothing changed and nothing is said
w2=$(grep -c "unknown key 'colour'" "$tmp/log")
say "$([ "$w1" = 1 ] && [ "$w2" = 1 ] && [ "$(hits)" = "$((n - 1))" ] && echo 0 || echo 1)" \
	"a file with a warning is not kept: the warning shows on every build ($w1, $w2)"
sed -i '/^colour: blue$/d' "$g"
age
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
age
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

fi
if [ "$part" != core ]; then
# Many content directories share a cache directory: it keeps the last 16.
for i in $(seq 20); do
	SITEGEN_CACHE_DIR=$tmp/shared "$BIN" --config "$tmp/c/config.yml" --content "$tmp/many/$i" --out "$tmp/mo$i" \
		--quiet 2>/dev/null
done
say "$([ "$(ls "$tmp/shared" | grep -c '^parse-.*\.bin$')" -le 16 ] && echo 0 || echo 1)" \
	"a cache directory shared by 20 content directories keeps at most 16 caches"

fi

if [ "$part" != more ]; then
# The records of a report's earlier versions, nobody's once it is edited again, are dropped when they are most
# of the file (more than 4 MB past twice what this build used: parse_cache_save.c): a report of ~0.6 MB edited
# 12 times, the file made anew at least once, never past that bound, the output a full build's
mkdir -p "$tmp/big1/content/2022"
bigf=$tmp/big1/content/2022/big.md
{ printf -- "---\ntitle: '很长的一篇'\ndate: 2022-05-01\ndistrict: 离石区\n---\n\n"; yes '这是一段很长的正文，一再重复。' | head -n 16000; } >"$bigf"
bigbuild() {	# out-dir [cache-dir]
	SITEGEN_CACHE_DIR=${2:-$tmp/kbig} "$BIN" --config "$tmp/c/config.yml" --content "$tmp/big1/content" --out "$1" --quiet 2>/dev/null
}
age
bigbuild "$tmp/b0"
shrank=0 past=0 prev=0
for i in $(seq 12); do
	printf '\n第%d次改动。\n' "$i" >>"$bigf"
	age
	bigbuild "$tmp/b0"
	sz=$(wc -c <"$(ls "$tmp"/kbig/parse-*.bin)")
	[ "$sz" -lt "$prev" ] && shrank=$((shrank + 1))
	[ "$sz" -gt $((2 * $(wc -c <"$bigf") * 2 + 4 * 1048576 + 1048576)) ] && past=$((past + 1))
	prev=$sz
done
rm -rf "$tmp/b1" "$tmp/knone" && mkdir "$tmp/knone" && bigbuild "$tmp/b1" "$tmp/knone"
say "$([ "$shrank" -ge 1 ] && [ "$shrank" -le 3 ] && [ "$past" = 0 ] && diff -r -x .sitegen-state "$tmp/b0" "$tmp/b1" >/dev/null && echo 0 || echo 1)" \
	"a large report edited 12 times: its earlier records dropped (the file made anew $shrank times, not each time, never past the bound), the output a full build's"

# A record forged with valid digests but a value parsing refuses (month 13):
# not used, and the output is a full build's.
cold
build "$K" "$tmp/f0"
python3 - "$(ls "$K"/parse-*.bin)" <<'PY'
import struct, sys
M = (1 << 64) - 1
def fnv(h, d):
    for c in d: h = ((h ^ c) * 1099511628211) & M
    return h
def blk(h, d):
    n = len(d) // 8 * 8
    for i in range(0, n, 8):
        h = ((h ^ struct.unpack_from('<Q', d, i)[0]) * 0x9E3779B97F4A7C15) & M
        h ^= h >> 29
    return fnv(h, d[n:])
m = bytearray(open(sys.argv[1], 'rb').read()); off = 24
while off + 24 <= len(m):
    magic, _, ln = struct.unpack_from('<IIQ', m, off)
    if magic == 0x444e4553: off += 24; continue
    pl = struct.unpack_from('<I', m, off + 32)[0]
    tl = struct.unpack_from('<Q', m, off + 36 + pl)[0]
    at = 36 + pl + 8
    struct.pack_into('<I', m, off + at + tl + 1 + 8 + 8, 13)   # after the digest, kind and year: the month
    r = bytes(m[off:off + ln])
    struct.pack_into('<Q', m, off + 24, blk(blk(fnv(1469598103934665603, r[8:24]), r[32:at]), r[at + tl:]))
    off += ln
open(sys.argv[1], 'wb').write(m)
PY
build "$K" "$tmp/f1"
st=$?
say "$([ $st = 0 ] && [ "$(hits)" = 0 ] && same "$tmp/f1" && echo 0 || echo 1)" \
	"records forged with valid digests but a month 13 are not used: no crash, the output is a full build's"

# A FIFO where the cache file goes: the build does not wait for it.
bin=$(ls "$K"/parse-*.bin)
rm -f "$bin" && mkfifo "$bin"
timeout 30 env SITEGEN_CACHE_DIR="$K" "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$tmp/fifo" --quiet 2>/dev/null
st=$?
say "$([ $st = 0 ] && same "$tmp/fifo" && [ -p "$bin" ] && echo 0 || echo 1)" "a FIFO in the cache file's place is left alone and the build does not hang"
rm -f "$bin"

# Links in the cache directory are not followed when its files are made.
build "$K" "$tmp/l0"
lock=$(ls "$K"/parse-*.lock)
victim=$(find "$C" -name '*.md' | sort | sed -n 3p)
cp "$victim" "$tmp/victim.md"
rm -f "$lock" && ln -s "$victim" "$lock"
touch "$f" && age
build "$K" "$tmp/l1"
say "$(cmp -s "$victim" "$tmp/victim.md" && same "$tmp/l1" && echo 0 || echo 1)" \
	"a link planted at the cache's lock file leads nowhere: the file it points to is untouched"
rm -f "$lock"

# A cache file others may write is not trusted; --force reads nothing from the cache.
build "$K" "$tmp/g0"
chmod g+w "$(ls "$K"/parse-*.bin)"
build "$K" "$tmp/g1"
gw=$(hits)
chmod g-w "$(ls "$K"/parse-*.bin)"
build "$K" "$tmp/g2"
SITEGEN_TIMING=1 SITEGEN_CACHE_DIR=$K "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$tmp/g3" --quiet --force \
	>"$tmp/log" 2>&1
say "$([ "$gw" = 0 ] && [ "$(hits)" = 0 ] && same "$tmp/g3" && echo 0 || echo 1)" \
	"a cache file others may write is not used ($gw from it), and --force reads nothing from the cache"

# A cache directory named through a folder that does not exist yet and ..
# back into the content: no cache file in the content.
(cd "$tmp/c" && SITEGEN_CACHE_DIR=nothere/../content/.cache "$BIN" --config config.yml --content content \
	--out "$tmp/dd" --quiet 2>/dev/null)
say "$([ -z "$(find "$C" -name 'parse-*')" ] && echo 0 || echo 1)" \
	"a cache directory written as missing/../content/.cache gets no cache file in the content"

fi
if [ "$part" != core ]; then
# A first build of more than the 8 MB a build holds before it writes (1,100
# reports, ~9 MB): written in steps; the next build takes everything. On
# /dev/shm where there is one: 2,500 files on this disk take 15 s to create.
# (The reports were made at the start.)
SITEGEN_CACHE_DIR=$fast/kb "$BIN" --config "$fast/big/config.yml" --content "$fast/big/content" --out "$fast/b1" --quiet 2>/dev/null
SITEGEN_TIMING=1 SITEGEN_CACHE_DIR=$fast/kb "$BIN" --config "$fast/big/config.yml" --content "$fast/big/content" \
	--out "$fast/b2" --quiet >"$tmp/log" 2>&1
bh=$(hits)
say "$([ "$bh" = 1100 ] && [ "$(wc -c <"$(ls "$fast"/kb/parse-*.bin)")" -gt 8388608 ] &&
	diff -r -x .sitegen-state "$fast/b1" "$fast/b2" >/dev/null && echo 0 || echo 1)" \
	"a first build of 1,100 reports writes its cache in steps; the next takes all $bh from it, with the same bytes"
fi
