#!/bin/sh
# Inputs that are not what they seem: loops of symbolic links in content/,
# theme/ and theme/static/, FIFOs and devices where a file is read, files in
# content/ that are not .md (a dangling link among them), hidden and backup
# files, and the file size limit (--max-file-size) at and past its edge.
# Each check runs the build under `timeout 30` (a hang shows as status 124)
# and asserts the exit status, the exact messages, and the output: equal to
# a build without the odd input, or the previous output untouched.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
# A hang shows as status 124 after this long; a sanitizer build (ASan, TSan)
# runs several times slower, and `make test` runs four scripts at once (an 8 MiB
# article took more than 10 s at load 13).
TMO=30
if sanitized "$BIN"; then
	TMO=90
fi
CFG=tests/errors/config.yml
GOOD=tests/errors/good/content
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - inputs: $2"; else echo "not ok - inputs: $2"; fi
}
run() {	# sitegen args…: status in $st, messages in $tmp/err
	timeout $TMO "$BIN" --config $CFG --quiet "$@" 2>"$tmp/err" >/dev/null
	st=$?
}
# expect STATUS MESSAGE-LINES…: the last run ended with STATUS and printed exactly these lines.
expect() {
	want=$1
	shift
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi >"$tmp/want"
	if [ "$st" = "$want" ] && diff "$tmp/want" "$tmp/err" >"$tmp/diff"; then
		return 0
	fi
	echo "#   status $st (expected $want); messages:" >&2
	sed 's/^/#   /' "$tmp/err" >&2
	return 1
}
same() {	# dir dir: the same pages and assets (the state files differ)
	diff -r -x .sitegen-state -x .sitegen-output "$1" "$2" >"$tmp/diff" 2>&1 || { sed 's/^/#   /' "$tmp/diff" | head -20 >&2; return 1; }
}
failed="sitegen: build failed: 1 error(s); the output was not changed"

# The reference: the good fixture with the default theme, and a copy kept
# as "the previous output" that failing builds must leave alone.
run --content $GOOD --out "$tmp/ref"
say "$st" "the good fixture builds"
cp -a "$tmp/ref" "$tmp/out"
cp -a "$tmp/out" "$tmp/before"
untouched() { diff -r "$tmp/before" "$tmp/out" >/dev/null; }

# 1. Loops of symbolic links: reported once, skipped, and the build ends at once.
cp -r $GOOD "$tmp/c"
mkdir "$tmp/c/2022"
ln -s . "$tmp/c/x"
ln -s .. "$tmp/c/2022/up"
run --content "$tmp/c" --out "$tmp/o1"
say "$(expect 0 "$tmp/c/2022/up: warning: leads back to $tmp/c, a directory it is in (a loop of links): skipped" \
	"$tmp/c/x: warning: leads back to $tmp/c, a directory it is in (a loop of links): skipped" && echo 0 || echo 1)" \
	"links back up the content tree (ln -s . content/x) are one warning each and the build finishes"
say "$(same "$tmp/ref" "$tmp/o1" && echo 0 || echo 1)" "the content loops are skipped: the output is that of the tree without them"
run --content "$tmp/c" --out "$tmp/out" --strict
say "$(expect 1 "$tmp/c/2022/up: error: leads back to $tmp/c, a directory it is in (a loop of links): skipped" \
	"$tmp/c/x: error: leads back to $tmp/c, a directory it is in (a loop of links): skipped" \
	"sitegen: build failed: 2 error(s) (warnings count under --strict); the output was not changed" &&
	untouched && echo 0 || echo 1)" "under --strict a content loop is an error, and the previous output is untouched"

cp -r theme "$tmp/th"
ln -s . "$tmp/th/x"
ln -s . "$tmp/th/static/loop"
mkdir "$tmp/th/static/sub"
ln -s .. "$tmp/th/static/sub/back"
run --content $GOOD --theme "$tmp/th" --out "$tmp/o2"
say "$(expect 0 "$tmp/th/static/loop: warning: leads back to $tmp/th/static, a directory it is in (a loop of links): skipped" \
	"$tmp/th/static/sub/back: warning: leads back to $tmp/th/static, a directory it is in (a loop of links): skipped" &&
	echo 0 || echo 1)" "loops in theme/static are one warning each; one elsewhere in the theme, which nothing reads, is silent"
say "$(same "$tmp/ref" "$tmp/o2" && echo 0 || echo 1)" "the theme's loops are skipped: the assets are those of the theme without them"
run --content $GOOD --theme "$tmp/th" --out "$tmp/o2"
# (a build that finds nothing changed says the last build's warnings again)
say "$(expect 0 "$tmp/th/static/loop: warning: leads back to $tmp/th/static, a directory it is in (a loop of links): skipped" \
	"$tmp/th/static/sub/back: warning: leads back to $tmp/th/static, a directory it is in (a loop of links): skipped" &&
	timeout $TMO "$BIN" --config $CFG --content $GOOD --theme "$tmp/th" --out "$tmp/o2" 2>/dev/null | grep -q 'nothing changed' &&
	echo 0 || echo 1)" \
	"a rebuild with the theme's loops finishes at once: nothing changed (the fingerprint's walk skips them)"
rm -rf "$tmp/th"

# 2. FIFOs and devices where a file is read: a located error at once, never a wait.
cp -r theme "$tmp/th"
mkfifo "$tmp/th/static/pipe.css"
run --content $GOOD --theme "$tmp/th" --out "$tmp/out"
say "$(expect 1 "$tmp/th/static/pipe.css: error: cannot read: not a regular file but a FIFO" "$failed" &&
	untouched && echo 0 || echo 1)" "a FIFO in theme/static is an error naming it, and the previous output is untouched"
rm "$tmp/th/static/pipe.css"
ln -s /dev/zero "$tmp/th/static/zero.css"
run --content $GOOD --theme "$tmp/th" --out "$tmp/out"
say "$(expect 1 "$tmp/th/static/zero.css: error: cannot read: not a regular file but a device" "$failed" &&
	untouched && echo 0 || echo 1)" "a link to /dev/zero in theme/static is an error, not an endless read"
rm "$tmp/th/static/zero.css"
mv "$tmp/th/templates/day.mustache" "$tmp/day.mustache"
mkfifo "$tmp/th/templates/day.mustache"
run --content $GOOD --theme "$tmp/th" --out "$tmp/out"
say "$(expect 1 "$tmp/th/templates/day.mustache: error: cannot read the template: not a regular file but a FIFO" "$failed" &&
	untouched && echo 0 || echo 1)" "a FIFO as a template is one error naming it (not also 'template not found')"
rm "$tmp/th/templates/day.mustache"
mv "$tmp/day.mustache" "$tmp/th/templates/day.mustache"
mkfifo "$tmp/config.yml"
timeout $TMO "$BIN" --config "$tmp/config.yml" --content $GOOD --out "$tmp/out" --quiet 2>"$tmp/err" >/dev/null
st=$?
say "$(expect 1 "$tmp/config.yml: error: cannot read the config: not a regular file but a FIFO" "$failed" &&
	untouched && echo 0 || echo 1)" "a FIFO as the config is an error at once"
rm "$tmp/config.yml"

# 3. Files in content/ that are not .md: a warning naming each, never a
# failure (but under --strict); hidden and backup files: nothing at all.
cp -r $GOOD "$tmp/n"
echo 'notes' >"$tmp/n/notes.txt"
cp $GOOD/ok.md "$tmp/n/draft.markdown"
ln -s "$tmp/nowhere.txt" "$tmp/n/gone.txt"
ln -s 'user@host.1234:1700000000' "$tmp/n/.#ok.md"	# an Emacs lock: a dangling link
cp $GOOD/ok.md "$tmp/n/ok.md~"
cp $GOOD/ok.md "$tmp/n/#ok.md#"	# Emacs' autosave
cp $GOOD/ok.md "$tmp/n/.ok.md.swp"
mkdir "$tmp/n/.git"
cp $GOOD/ok.md "$tmp/n/.git/x.md"
run --content "$tmp/n" --out "$tmp/o3"
say "$(expect 0 "$tmp/n/draft.markdown: warning: not a .md file: skipped" "$tmp/n/gone.txt: warning: not a .md file: skipped" \
	"$tmp/n/notes.txt: warning: not a .md file: skipped" && echo 0 || echo 1)" \
	"a .txt, a .markdown and a dangling x.txt link in content/ are a warning each, and the build succeeds"
say "$(same "$tmp/ref" "$tmp/o3" && echo 0 || echo 1)" \
	"hidden files, .git/, an Emacs lock (.#x.md), a swap file, a backup (x.md~) and an Emacs autosave (#x.md#) are ignored: the output is the fixture's"
# A folder named like an autosave (#tag#) is a folder: its report is built
# as it was beside it.
cp -r $GOOD "$tmp/h"
mkdir "$tmp/h/#tag#" && mv "$tmp/h/ok.md" "$tmp/h/#tag#/ok.md"
run --content "$tmp/h" --out "$tmp/o-h"
say "$(expect 0 && same "$tmp/ref" "$tmp/o-h" && echo 0 || echo 1)" \
	"a folder named #tag# is no autosave file: the report in it is built, the output the fixture's"
run --content "$tmp/n" --out "$tmp/out" --strict
say "$(expect 1 "$tmp/n/draft.markdown: error: not a .md file: skipped" "$tmp/n/gone.txt: error: not a .md file: skipped" \
	"$tmp/n/notes.txt: error: not a .md file: skipped" \
	"sitegen: build failed: 3 error(s) (warnings count under --strict); the output was not changed" &&
	untouched && echo 0 || echo 1)" "under --strict they are errors, and the previous output is untouched"

# 4. The file size limit, at and one byte past its edge.
article() {	# file size: an article of exactly size bytes (a short body, then blank lines: quick to build)
	{ printf -- '---\ntitle: 大\ndate: 2022-10-31\ndistrict: 离石区\n---\n\n正文。\n'
	  yes '' | head -c "$2"; } | head -c "$2" >"$1"
}
mkdir "$tmp/s"
article "$tmp/s/big.md" 100000
run --content "$tmp/s" --out "$tmp/o4" --max-file-size 100000
say "$(expect 0 && [ -f "$tmp/o4/reports/big/index.html" ] && echo 0 || echo 1)" \
	"--max-file-size 100000: an article of exactly 100000 bytes builds"
article "$tmp/s/big.md" 100001
run --content "$tmp/s" --out "$tmp/out" --max-file-size 100000
say "$(expect 1 "$tmp/s/big.md: error: cannot read: 100001 bytes, larger than the limit of 100000 (--max-file-size)" \
	"$failed" && untouched && echo 0 || echo 1)" "an article one byte past the limit is an error naming both sizes"
run --content "$tmp/s" --out "$tmp/o5" --max-file-size 200000
run --content "$tmp/s" --out "$tmp/o5" --max-file-size 99999
say "$(expect 1 "$tmp/s/big.md: error: cannot read: 100001 bytes, larger than the limit of 99999 (--max-file-size)" "$failed" &&
	echo 0 || echo 1)" "a lower limit on an unchanged archive is not 'nothing changed': the article is refused"

article "$tmp/s/big.md" $((8 * 1024 * 1024))
run --content "$tmp/s" --out "$tmp/o6"
say "$(expect 0 && [ -f "$tmp/o6/reports/big/index.html" ] && echo 0 || echo 1)" \
	"by default (8 MiB) an article of exactly 8388608 bytes builds"
article "$tmp/s/big.md" $((8 * 1024 * 1024 + 1))
run --content "$tmp/s" --out "$tmp/out"
say "$(expect 1 "$tmp/s/big.md: error: cannot read: 8388609 bytes, larger than the limit of 8388608 (--max-file-size)" \
	"$failed" && untouched && echo 0 || echo 1)" "by default an article one byte past 8 MiB is an error"
rm -rf "$tmp/s"

pad() {	# file size prefix suffix: appends prefix, x…x, suffix to make file size bytes long
	n=$(($2 - $(wc -c <"$1") - ${#3} - ${#4}))
	{ printf '%s' "$3"; head -c "$n" /dev/zero | tr '\0' x; printf '%s' "$4"; } >>"$1"
}
cp -r theme "$tmp/th2"
pad "$tmp/th2/templates/home.mustache" 100000 '{{!' '}}'
run --content $GOOD --theme "$tmp/th2" --out "$tmp/o7" --max-file-size 100000
say "$(expect 0 && same "$tmp/ref" "$tmp/o7" && echo 0 || echo 1)" "a template of exactly the limit is read"
printf ' ' >>"$tmp/th2/templates/home.mustache"
run --content $GOOD --theme "$tmp/th2" --out "$tmp/out" --max-file-size 100000
say "$(expect 1 "$tmp/th2/templates/home.mustache: error: cannot read the template: 100001 bytes, larger than the limit of 100000 (--max-file-size)" \
	"$failed" && untouched && echo 0 || echo 1)" "a template one byte past the limit is an error naming it"
cp $CFG "$tmp/big.yml"
pad "$tmp/big.yml" 100000 '#' ''
timeout $TMO "$BIN" --config "$tmp/big.yml" --content $GOOD --out "$tmp/o8" --quiet --max-file-size 100000 2>"$tmp/err" >/dev/null
st=$?
say "$(expect 0 && same "$tmp/ref" "$tmp/o8" && echo 0 || echo 1)" "a config of exactly the limit is read"
printf 'x' >>"$tmp/big.yml"
timeout $TMO "$BIN" --config "$tmp/big.yml" --content $GOOD --out "$tmp/out" --quiet --max-file-size 100000 2>"$tmp/err" >/dev/null
st=$?
say "$(expect 1 "$tmp/big.yml: error: cannot read the config: 100001 bytes, larger than the limit of 100000 (--max-file-size)" \
	"$failed" && untouched && echo 0 || echo 1)" "a config one byte past the limit is an error naming it"
run --content $GOOD --out "$tmp/out" --max-file-size 8X
say "$(expect 2 "sitegen: --max-file-size: '8X' is not a size (bytes, or a number with K, M or G)" && untouched &&
	echo 0 || echo 1)" "--max-file-size with a value that is not a size is refused"

# A link to a folder outside content/ is not followed (ln -s / would read the machine).
mkdir -p "$tmp/out1/c/sub"
cp tests/errors/good/content/ok.md "$tmp/out1/c/"
ln -s / "$tmp/out1/c/root"
ln -s sub "$tmp/out1/c/inner"
timeout $TMO "$BIN" --config $CFG --content "$tmp/out1/c" --out "$tmp/out1/o" --quiet 2>"$tmp/err" >/dev/null
st=$?
say "$([ $st = 0 ] && grep -q "c/root: warning: a link to /, outside $tmp/out1/c: skipped" "$tmp/err" &&
	! grep -q 'inner' "$tmp/err" && echo 0 || echo 1)" \
	"a link to a folder outside content/ is skipped with a warning; one inside it is followed quietly"

# A folder of 2,000 files that are not articles: ten are named, the rest counted.
mkdir -p "$tmp/many/c/img"
cp tests/errors/good/content/ok.md "$tmp/many/c/"
(cd "$tmp/many/c/img" && seq 1 2000 | sed 's/$/.jpg/' | xargs touch)
timeout $TMO "$BIN" --config $CFG --content "$tmp/many/c" --out "$tmp/many/o" --quiet 2>"$tmp/err" >/dev/null
st=$?
say "$([ $st = 0 ] && [ "$(grep -c 'not a .md file: skipped' "$tmp/err")" = 10 ] &&
	grep -q "many/c: warning: 1990 more files that are not .md: skipped" "$tmp/err" && echo 0 || echo 1)" \
	"2,000 files that are not .md: the first ten are named, the rest counted in one line"
