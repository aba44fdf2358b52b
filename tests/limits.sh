#!/bin/sh
# Hostile and oversized input (issue 11, "Found by attack" 7, 10, 11, 13, 14,
# 15 and the resource limits): every case must finish within 10 seconds,
# fail with exit status 1 and a `path:line:col: error: …` message at the
# right place (or build, at a limit's edge), keep its messages small, and
# leave the previous output exactly as it was.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
# A hang shows as status 124 after this long; a sanitizer build (ASan, TSan)
# runs several times slower, and `make test` runs four scripts at once.
TMO=10
if sanitized "$BIN"; then
	TMO=90
fi
CFG=tests/errors/config.yml
GOOD=tests/errors/good/content
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then printf 'ok - limits: %s\n' "$2"; else printf 'not ok - limits: %s\n' "$2"; fi
}
# front matter of a report in 离石区, with extra lines, then a body
article() {	# file title [extra front matter] [body]
	printf -- '---\ntitle: %s\ndate: 2022-10-01\ndistrict: 离石区\n%b---\n%b' "$2" "${3:-}" "${4:-}" >"$1"
}

# A good build first: the output every failing build must leave alone.
if ! "$BIN" --config $CFG --content $GOOD --out "$tmp/out" --quiet; then
	echo "not ok - limits: the good fixture does not build"
	exit 1
fi
cp -a "$tmp/out" "$tmp/before"

# run NAME [sitegen args…]: a build into $tmp/out (the good output), in at
# most 10 seconds; sets $status and leaves the messages in $tmp/err.
run() {
	name=$1
	shift
	rm -rf "$tmp/out"
	cp -a "$tmp/before" "$tmp/out"
	timeout $TMO "$BIN" --out "$tmp/out" --quiet "$@" 2>"$tmp/err" >/dev/null
	status=$?
	sed -i "s|$tmp/||g" "$tmp/err"
}

# fails NAME MESSAGE [sitegen args…]: the build fails (status 1, not a
# timeout), prints MESSAGE (a fixed string, with its place), and the previous
# output is unchanged.
fails() {
	name=$1 msg=$2
	shift 2
	run "$name" "$@"
	if [ "$status" -ne 1 ]; then
		say 1 "$name: exit status $status, expected 1 (124: more than 10 s)"
		head -c 2000 "$tmp/err" | sed 's/^/#   /'
	elif ! grep -qF -- "$msg" "$tmp/err"; then
		say 1 "$name: no message '$msg'"
		head -c 2000 "$tmp/err" | sed 's/^/#   /'
	else
		say 0 "$name: $msg"
	fi
	if ! diff -r "$tmp/before" "$tmp/out" >/dev/null 2>&1; then
		say 1 "$name: the previous output changed"
	fi
}
# builds NAME [sitegen args…]: the build succeeds within 10 seconds.
builds() {
	run "$@"
	if [ "$status" -ne 0 ]; then
		say 1 "$name: exit status $status, expected 0"
		head -c 2000 "$tmp/err" | sed 's/^/#   /'
	else
		say 0 "$name"
	fi
}
# content NAME: a fresh content directory holding the good article, in $c
content() {
	c=$tmp/$1
	mkdir -p "$c"
	cp $GOOD/ok.md "$c/"
}

# ---- attack 7: many unknown or duplicate keys cost time linear in their number
# and messages bounded per file
seq 1 50000 | sed 's/.*/unknown&: 1/' >"$tmp/keys.yml"
cat $CFG "$tmp/keys.yml" >"$tmp/many.yml"
builds "50,000 unknown keys in the config build in under 10 s (warnings)" --config "$tmp/many.yml" --content $GOOD
say "$([ "$(grep -c 'warning: unknown key' "$tmp/err")" = 20 ] &&
	grep -qF 'many.yml: note: 49980 more message(s) about this file not shown (0 error(s), 49980 warning(s))' "$tmp/err" &&
	echo 0 || echo 1)" "50,000 unknown keys: 20 warnings are shown, then one line counts the rest"
fails "50,000 unknown keys under --strict" 'many.yml: note: 49980 more message(s) about this file not shown (49980 error(s), 0 warning(s))' \
	--config "$tmp/many.yml" --content $GOOD --strict
say "$(grep -qF 'sitegen: build failed: 50000 error(s)' "$tmp/err" && echo 0 || echo 1)" \
	"the hidden messages still count: 50000 errors under --strict"

content flow
keys=$(seq 1 5000 | sed 's/.*/k&: 1/' | paste -sd, - | sed 's/,/, /g')
printf -- '---\n{title: 一行, date: 2022-10-01, district: 离石区, %s}\n---\n正文。\n' "$keys" >"$c/flow.md"
fails "5,000 unknown keys on one {…} line" "flow.md:2:46: error: unknown key 'k1'" --config $CFG --content "$c" --strict
size=$(wc -c <"$tmp/err")
say "$([ "$size" -lt 12000 ] && echo 0 || echo 1)" "5,000 keys on one line: $size bytes of messages (was 365 MB): the line is quoted as an excerpt"
say "$(grep -qF '    {title: 一行, date: 2022-10-01, district: 离石区, k1: 1, k2: 1' "$tmp/err" && grep -q '…$' "$tmp/err" && echo 0 || echo 1)" \
	"a long line is quoted from its start to about 120 characters, with … where it is cut"
say "$(grep -qF -- '… k4999: 1, k5000: 1}' "$tmp/err" && echo 1 || echo 0)" "the end of the long line is not quoted for a key at its start"

content cap
article "$c/cap20.md" 二十 "$(seq 1 20 | sed 's/.*/x&: 1/')\n" '正文。\n'
run cap20 --config $CFG --content "$c"
say "$([ "$(grep -c 'warning: unknown key' "$tmp/err")" = 20 ] && ! grep -q 'note:' "$tmp/err" && echo 0 || echo 1)" \
	"20 messages about one file are all shown (the edge)"
article "$c/cap20.md" 二十一 "$(seq 1 21 | sed 's/.*/x&: 1/')\n" '正文。\n'
run cap21 --config $CFG --content "$c"
say "$([ "$(grep -c 'warning: unknown key' "$tmp/err")" = 20 ] &&
	grep -qF 'cap20.md: note: 1 more message(s) about this file not shown (0 error(s), 1 warning(s))' "$tmp/err" &&
	echo 0 || echo 1)" "the 21st message about one file is counted, not shown"

printf 'title: T\n' >"$tmp/dups.yml"
seq 1 20000 | sed 's/.*/title: T/' >>"$tmp/dups.yml"
cat $CFG | sed 1d >>"$tmp/dups.yml"
fails "20,000 duplicate keys" "dups.yml:2:1: error: duplicate key 'title' (first given on line 1)" --config "$tmp/dups.yml" --content $GOOD
say "$(grep -qF 'dups.yml: note: 19980 more message(s)' "$tmp/err" && echo 0 || echo 1)" "20,000 duplicate keys: the rest are counted in one line"

# ---- attack 10: Markdown nesting
content deep
article "$c/deep.md" 深 '' "$(printf '%0150000d' 0 | tr 0 '>')$(printf '%0150000d' 0 | sed 's/0/a*/g')\n"
fails "150,000 nested block quotes (95 s in cmark)" "deep.md:6:101: error: block quotes and lists nested more than 100 levels deep" \
	--config $CFG --content "$c"
rm "$c/deep.md"
article "$c/edge.md" 边 '' "$(printf '%0100d' 0 | tr 0 '>') 一百层\n"
builds "100 nested block quotes (the limit) build" --config $CFG --content "$c"
article "$c/edge.md" 边 '' "$(printf '%0101d' 0 | tr 0 '>') 一百零一层\n"
fails "101 nested block quotes" "edge.md:6:101: error: block quotes and lists nested more than 100 levels deep" --config $CFG --content "$c"
article "$c/edge.md" 边 '' "第一段。\n\n$(printf '%0101d' 0 | sed 's/0/- /g')项目\n"
fails "101 nested list items" "edge.md:8:201: error: block quotes and lists nested more than 100 levels deep" --config $CFG --content "$c"
article "$c/edge.md" 边 '' "$(printf '%050d' 0 | sed 's/0/> 1. /g')引用\n"
builds "100 levels of block quotes and numbered lists mixed build" --config $CFG --content "$c"

# ---- attack 11: long tags and names are slugified from their beginning only
content han
han=$(printf '%0375d' 0 | sed 's/0/离石区社区网格员/g')
tags=$(for i in 1 2 3 4 5 6; do printf '%s, ' "$han$i"; done)
body=$(printf '%0200000d' 0 | sed 's/0/正文/g')
article "$c/tags.md" 长标签 "tags: [${tags%, }]\n" "$body\n"
builds "an article of 1.2 MB with 6 tags of 3,000 Han characters builds in under 10 s" --config $CFG --content "$c"
{ sed '/吕梁市/d' $CFG
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	printf '    市%s:\n      - %s%s\n' "$i" "$(printf '%020000d' 0 | sed 's/0/石/g')" "$i"
  done
  printf '    吕梁市: [离石区, 石楼县]\n'; } >"$tmp/longnames.yml"
builds "a config with 20 districts named by 20,000 Han characters each builds in under 10 s" \
	--config "$tmp/longnames.yml" --content $GOOD

# ---- attack 13: control characters are refused where they are
content ctl
article "$c/ctl.md" "$(printf 'A\001B')" '' '正文。\n'
fails "U+0001 in a title" "ctl.md:2:9: error: control character U+0001 is not allowed (only tab, line feed and carriage return are)" \
	--config $CFG --content "$c"
say "$(grep -qF '    title: A␁B' "$tmp/err" && echo 0 || echo 1)" "the control character is quoted as a visible symbol"
article "$c/ctl.md" 转义 '' "正文\033[31m红色\033[0m。\n第二行。\n"
fails "ESC in a body" "ctl.md:6:3: error: control character U+001B is not allowed (only tab, line feed and carriage return are); 1 more in this file" \
	--config $CFG --content "$c"
article "$c/ctl.md" '"A\eB"' '' '正文。\n'
fails "an escaped ESC in a quoted title" "ctl.md:2:8: error: control character U+001B in a value is not allowed" --config $CFG --content "$c"
article "$c/ctl.md" 'C1' '' '正文\302\205。\n'
fails "a C1 control (U+0085) in a body" "ctl.md:6:3: error: control character U+0085 is not allowed" --config $CFG --content "$c"
article "$c/ctl.md" 制表 '' "正文\t有制表符。\r\n"
builds "tab and carriage return in a body are fine" --config $CFG --content "$c"

# ---- attack 14: NUL anywhere is a located error
printf 'title: 错误样例\nbase_url: /\0\nregions:\n  山西省:\n    吕梁市: [离石区, 石楼县]\n' >"$tmp/nul.yml"
fails "a NUL byte in config.yml" "nul.yml:2:12: error: a NUL byte: this is not a text file, or it is damaged" --config "$tmp/nul.yml" --content $GOOD
say "$(grep -qF '    base_url: /␀' "$tmp/err" && echo 0 || echo 1)" "the config's line with the NUL is quoted in full"
content nul
article "$c/nul.md" '"\0"' '' '正文。\n'
fails 'title: "\0"' 'nul.md:2:8: error: a NUL character (\0) in a value is not allowed' --config $CFG --content "$c"
printf -- '---\ntitle: 零\ndate: 2022-10-01\ndistrict: 离石区\nfoo\0bar: 1\n---\n正文。\n' >"$c/nul.md"
fails "a NUL byte in a front-matter line" "nul.md:5:4: error: a NUL byte" --config $CFG --content "$c"
say "$(grep -qF '    foo␀bar: 1' "$tmp/err" && echo 0 || echo 1)" "the line with the NUL is quoted whole"
printf -- '---\ntitle: 零\ndate: 2022-10-01\ndistrict: 离石区\n---\n正文\0。\n' >"$c/nul.md"
fails "a NUL byte in a body" "nul.md:6:3: error: a NUL byte" --config $CFG --content "$c"

# ---- attack 15: a province given twice
printf 'title: T\nregions:\n  山西省:\n    吕梁市: [离石区]\n  山西省:\n    太原市: [小店区]\n' >"$tmp/prov.yml"
fails "a province given twice" "prov.yml:5:3: error: duplicate key '山西省' (first given on line 3)" --config "$tmp/prov.yml" --content $GOOD
printf 'title: T\nregions:\n  山西省:\n    吕梁市: [离石区]\n    吕梁市: [石楼县]\n' >"$tmp/city.yml"
fails "a city given twice" "city.yml:5:5: error: duplicate key '吕梁市' (first given on line 4)" --config "$tmp/city.yml" --content $GOOD

# ---- resource limits: front matter size, YAML depth, aliases
content fm
pad() {	# bytes: comment lines making the front matter that long
	n=$1
	while [ "$n" -gt 1000 ]; do printf '#%0998d\n' 0; n=$((n - 1000)); done
	[ "$n" -gt 1 ] && printf '#%0*d\n' $((n - 2)) 0
	[ "$n" = 1 ] && printf '\n'
}
base=$(printf 'title: 大\ndate: 2022-10-01\ndistrict: 离石区\n' | wc -c)
{ printf -- '---\ntitle: 大\ndate: 2022-10-01\ndistrict: 离石区\n'; pad $((65536 - base)); printf -- '---\n正文。\n'; } >"$c/fm.md"
builds "front matter of exactly 64 KiB builds" --config $CFG --content "$c"
{ printf -- '---\ntitle: 大\ndate: 2022-10-01\ndistrict: 离石区\n'; pad $((65537 - base)); printf -- '---\n正文。\n'; } >"$c/fm.md"
fails "front matter of 64 KiB and one byte" "fm.md:70:1: error: front matter longer than 64 KiB: is its closing '---' line missing?" \
	--config $CFG --content "$c"
{ printf -- '---\ntitle: 无尽\n'; seq 1 200000 | sed 's/.*/k&: v/'; } >"$c/fm.md"
fails "a front matter that never closes, 2 MB long" "fm.md:7406:1: error: front matter longer than 64 KiB" --config $CFG --content "$c"

content depth
nest() { printf '%0*d' "$1" 0 | tr 0 '['; printf '%0*d' "$1" 0 | tr 0 ']'; }
article "$c/depth.md" 深 "extra: $(nest 63)\n" '正文。\n'
builds "YAML nested 64 levels deep (the limit) builds" --config $CFG --content "$c"
article "$c/depth.md" 深 "extra: $(nest 64)\n" '正文。\n'
fails "YAML nested 65 levels deep" "depth.md:5:71: error: YAML: nested more than 64 levels deep" --config $CFG --content "$c"
article "$c/depth.md" 深 "extra: $(nest 30000)\n" '正文。\n'
fails "YAML nested 30,000 levels deep" "depth.md:5:71: error: YAML: nested more than 64 levels deep" --config $CFG --content "$c"
content alias
article "$c/alias.md" '&t 标题' 'subtitle: *t\n' '正文。\n'
fails "a YAML alias" "alias.md:5:11: error: YAML: aliases (*name) are not supported here" --config $CFG --content "$c"
{ printf 'title: T\na: &a [x, x, x, x, x, x, x, x, x]\n'
  for i in b c d e f g h i j; do printf '%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n' $i $i a a a a a a a a a; done
  sed 1d $CFG; } >"$tmp/bomb.yml"
fails "a billion-laughs alias bomb in the config" "bomb.yml:3:8: error: YAML: aliases (*name) are not supported here" \
	--config "$tmp/bomb.yml" --content $GOOD
