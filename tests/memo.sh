#!/bin/sh
# The memo of ICU's answers between builds (generator/memo.h): a build with
# it writes the same bytes as one without it, whatever state the memo is in,
# and a memo that cannot be read or written is never an error.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - memo: $2"; else echo "not ok - memo: $2"; fi
}
"$B/corpus" 8 "$tmp/c" content 800 >/dev/null || { echo "not ok - memo: the corpus generator failed"; exit 1; }
build() {	# cache-dir out-dir: an 8-article corpus
	SITEGEN_CACHE_DIR=$1 "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$2" --quiet \
		>"$tmp/log" 2>&1
}
same() {	# out-dir: the same bytes as the build without a memo
	diff -r -x .sitegen-state "$tmp/cold" "$1" >"$tmp/diff" 2>&1
}
M=$tmp/m/memo

build off "$tmp/cold"
say "$([ ! -e "$tmp/m" ] && echo 0 || echo 1)" "SITEGEN_CACHE_DIR=off keeps no memo"

build "$tmp/m" "$tmp/fill"
say "$(same "$tmp/fill" && [ -s "$M" ] && head -1 "$M" | grep -q '^sitegen-memo 1 exe=.* icu=.* unicode=' &&
	grep -q "$(printf '^s 48:离石区\tli-shi-qu$')" "$M" && grep -q '^t 6A19 6807$' "$M" && echo 0 || echo 1)" \
	"the first build writes the memo (slugs, 標→标) and the same output as without it"
build "$tmp/m" "$tmp/warm"
say "$(same "$tmp/warm" && echo 0 || echo 1)" "a build that takes its slugs and table from the memo writes the same bytes"

# A name the memo does not know is transliterated and added.
printf -- '---\ntitle: 新来的\ndate: 2022-05-01\ndistrict: %s\ntags: [從未見過的專題]\n---\n正文。\n' \
	"$(grep -rh '^district: ' "$tmp/c/content" | head -1 | sed 's/^district: *//')" >"$tmp/c/content/new-one.md"
build off "$tmp/cold"
build "$tmp/m" "$tmp/new"
say "$(same "$tmp/new" && grep -q "$(printf '^s 48:從未見過的專題\t')" "$M" && echo 0 || echo 1)" \
	"a new name is transliterated, its slug added to the memo, and the output is the same"

# Damaged: ignored, the output the same, the memo made afresh (every other
# kind of damage: tests/test_memo.c).
good=$(cat "$M")
damage() {	# description, then the damaged memo on stdin
	cat >"$M"
	rm -rf "$tmp/d"
	if build "$tmp/m" "$tmp/d" && same "$tmp/d" && [ ! -s "$tmp/log" ] &&
		head -1 "$M" | grep -q '^sitegen-memo 1 ' && ! grep -q 'WRONG\|-wrong\|^t 41 \|D800' "$M" &&
		grep -q '^t 6A19 6807$' "$M"; then
		say 0 "a memo $1 is ignored: same output, no message, a sound memo written"
	else
		say 1 "a memo $1 is ignored: same output, no message, a sound memo written"
		sed 's/^/#   /' "$tmp/log" "$tmp/diff" | head -10
	fi
}
printf '%s\n' "$good" | sed '1s/exe=[^ ]*/exe=1:2:3:4.5/; s/\tli-shi-qu$/\tli-shi-qu-wrong/' |
	damage "of another build of the generator (a valid but different slug)"
head -c 100000 /dev/urandom | damage "of random bytes"

# The cache directory cannot be written (a file where it should be): no message, same output.
: >"$tmp/file"
build "$tmp/file/sub" "$tmp/ro"
say "$(same "$tmp/ro" && [ ! -s "$tmp/log" ] && echo 0 || echo 1)" "a cache directory that cannot be made is no error"
# The default place is $XDG_CACHE_HOME/sitegen, else ~/.cache/sitegen.
env -u SITEGEN_CACHE_DIR XDG_CACHE_HOME=$tmp/xdg "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/x1" --quiet &&
	env -u SITEGEN_CACHE_DIR -u XDG_CACHE_HOME HOME=$tmp/home "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" \
		--out "$tmp/x2" --quiet
say "$([ -s "$tmp/xdg/sitegen/memo" ] && [ -s "$tmp/home/.cache/sitegen/memo" ] && echo 0 || echo 1)" \
	"without SITEGEN_CACHE_DIR the memo is kept in \$XDG_CACHE_HOME/sitegen, else ~/.cache/sitegen"

# Builds at once share one memo: each succeeds, the memo stays sound.
rm -rf "$tmp/m"
for i in 1 2 3 4; do
	SITEGEN_CACHE_DIR=$tmp/m "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/p$i" \
		--quiet >"$tmp/plog$i" 2>&1 &
done
wait
ok=0
for i in 1 2 3 4; do
	same "$tmp/p$i" || ok=1
	[ -s "$tmp/plog$i" ] && ok=1
done
build "$tmp/m" "$tmp/after"
say "$ok" "four builds at once with an empty memo all write the same output"
say "$(same "$tmp/after" && ! ls "$tmp/m" | grep -q tmp && echo 0 || echo 1)" \
	"after them the memo is sound and no temporary file is left"

# A build that fails (an editor's mistake in one report) keeps ICU's answers all the same: the next,
# under serve each save's, need not open ICU again. Its output is untouched, as every failed build's.
mkdir -p "$tmp/bad"
cp -r "$tmp/c/content" "$tmp/bad/content"
printf -- '---\ntitle: 坏的\ndate: 2022-13-40\n---\n正文。\n' >"$tmp/bad/content/broken.md"
rm -rf "$tmp/mf"
SITEGEN_CACHE_DIR=$tmp/mf "$BIN" --config "$tmp/c/config.yml" --content "$tmp/bad/content" --out "$tmp/failed" \
	--quiet >"$tmp/log" 2>&1
st=$?
say "$([ "$st" = 1 ] && grep -q 'broken.md:3:' "$tmp/log" && [ ! -e "$tmp/failed/index.html" ] &&
	grep -q "$(printf '^s 48:离石区\tli-shi-qu$')" "$tmp/mf/memo" && echo 0 || echo 1)" \
	"a failed build (a bad date) still keeps the memo of the names it met, and writes no output"
SITEGEN_CACHE_DIR=$tmp/mf "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/afterfail" \
	--quiet >"$tmp/log" 2>&1
say "$(same "$tmp/afterfail" && [ ! -s "$tmp/log" ] && echo 0 || echo 1)" \
	"a build with the memo a failed build kept writes the same bytes"

# A build killed between writing its memo.<pid>.tmp and renaming it leaves the file; a later build removes
# such a file once it is an hour old (no live build's), and only files of that name.
# (A sanitizer's runtime must load first, so no fault library there: the file is left by hand.)
rm -rf "$tmp/mk" && mkdir -p "$tmp/mk"
if sanitized "$BIN"; then
	printf x >"$tmp/mk/memo.12345.tmp"
else
	env LD_PRELOAD="$(pwd)/$B/tests/fault.so" FAULT_KILL=1 FAULT_RENAME=0 FAULT_RENAME_TO=memo \
		SITEGEN_CACHE_DIR=$tmp/mk "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" \
		--out "$tmp/killed" --quiet >/dev/null 2>&1
fi
left=$(ls "$tmp/mk" | grep -c '^memo\.[0-9]*\.tmp$')
touch -d '2 hours ago' "$tmp/mk"/memo.*.tmp
printf x >"$tmp/mk/memo.7.tmp"	# a live build's, just written
printf x >"$tmp/mk/memo.x.tmp"	# not a name of ours
touch -d '2 hours ago' "$tmp/mk/memo.x.tmp"
build "$tmp/mk" "$tmp/afterkill"
say "$([ "$left" = 1 ] && [ -z "$(ls "$tmp/mk" | grep '^memo\.[0-9]*\.tmp$' | grep -v '^memo\.7\.tmp$')" ] &&
	[ -f "$tmp/mk/memo.7.tmp" ] && [ -f "$tmp/mk/memo.x.tmp" ] && same "$tmp/afterkill" && echo 0 || echo 1)" \
	"a memo.<pid>.tmp left by a build killed at its rename is removed by a later build once an hour old ($left left), no other file"

# A cache directory inside the content or the output is not used: no file of ours among the user's.
SITEGEN_CACHE_DIR=$tmp/c/content/cache "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/in1" \
	--quiet --strict >"$tmp/log" 2>&1 &&
	SITEGEN_CACHE_DIR=$tmp/c/content/cache "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" \
		--out "$tmp/in2" --quiet --strict >>"$tmp/log" 2>&1 &&
	SITEGEN_CACHE_DIR=$tmp/in3/cache "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/in3" \
		--quiet >>"$tmp/log" 2>&1
say "$([ ! -e "$tmp/c/content/cache" ] && [ ! -e "$tmp/in3/cache" ] && [ ! -s "$tmp/log" ] && echo 0 || echo 1)" \
	"a cache directory inside the content or the output is left unmade (builds under --strict pass)"
