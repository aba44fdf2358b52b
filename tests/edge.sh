#!/bin/sh
# Edge cases a careful user meets: an article with no body, YAML nulls, CRLF
# and a byte order mark, a FIFO among the content, tag URLs that stay put
# when newer articles arrive, a failed build into an existing empty
# directory (or a link to one), and an asset that turns from a file into a
# folder between builds.
set -u
B=${B:-build}
BIN=$B/sitegen
CFG=tests/errors/config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - edge: $2"; else echo "not ok - edge: $2"; fi
}
article() {	# file title date [extra front matter] [body]
	printf -- '---\ntitle: %s\ndate: %s\ndistrict: 离石区\n%b---\n%b' "$2" "$3" "${4:-}" "${5:-}" >"$1"
}

mkdir -p "$tmp/c"
article "$tmp/c/empty.md" 没有正文 2022-10-01
article "$tmp/c/nulls.md" 空值 2022-10-02 'community: ~\nreporters: null\n' '正文。\n'
printf '\357\273\277---\r\ntitle: 回车换行\r\ndate: 2022-10-03\r\ndistrict: 离石区\r\n---\r\n\r\n第一段。\r\n' >"$tmp/c/crlf.md"
mkfifo "$tmp/c/pipe.md"
# (without --strict: the report without a body is a warning, the only one)
"$BIN" --config $CFG --content "$tmp/c" --out "$tmp/o" --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && [ "$(grep -c 'warning:\|error:' "$tmp/err")" = 1 ] &&
	grep -q "^$tmp/c/empty.md:5:1: warning: the report has no text" "$tmp/err" && echo 0 || echo 1)" \
	"an article without a body (a warning, the only one), YAML nulls, CRLF with a byte order mark and a FIFO named .md build"
say "$([ -f "$tmp/o/reports/empty/index.html" ] && echo 0 || echo 1)" "the article without a body has its page"
say "$(grep -rq '/null/\|>~<' "$tmp/o" && echo 1 || echo 0)" "community: ~ and reporters: null mean none (no place or person named null or ~)"
say "$(grep -q '<p>第一段。</p>' "$tmp/o/reports/crlf/index.html" && ! grep -q "$(printf '\r')" "$tmp/o/reports/crlf/index.html" && echo 0 || echo 1)" \
	"a CRLF file with a byte order mark reads like any other"

# Tag URLs keep to their first holder: 市长 (older) keeps shi-chang when 市场 (newer) arrives.
mkdir -p "$tmp/t"
article "$tmp/t/a.md" 甲 2021-01-01 'tags: [市长]\n' '正文。\n'
"$BIN" --config $CFG --content "$tmp/t" --out "$tmp/ot" --quiet
article "$tmp/t/b.md" 乙 2022-01-01 'tags: [市场]\n' '正文。\n'
"$BIN" --config $CFG --content "$tmp/t" --out "$tmp/ot" --quiet 2>/dev/null	# 市场 one character from 市长: a warning (tests/warnings.sh)
say "$(grep -q '>市长<' "$tmp/ot/tags/shi-chang/index.html" && echo 0 || echo 1)" \
	"a newer article's tag with the same pinyin gets the suffix; the older tag keeps its URL"

# A tag or reporter given twice (a copy-and-paste slip) is shown once on the
# report's page, as its own page lists the report once (found by a reader).
mkdir -p "$tmp/d"
article "$tmp/d/twice.md" 两次 2022-01-01 'tags: [防疫宣传, 防疫宣传]\nreporters: [张三, 张三]\n' '正文。\n'
"$BIN" --config $CFG --content "$tmp/d" --out "$tmp/od" --quiet 2>/dev/null
page="$tmp/od/reports/twice/index.html"
say "$([ "$(grep -c '>防疫宣传</a>' "$page")" = 1 ] && [ "$(grep -c '>张三</a>' "$page")" = 1 ] && echo 0 || echo 1)" \
	"a tag and a reporter given twice are shown once on the report's page"
say "$([ "$(grep -c 'property="article:tag"' "$page")" = 1 ] && echo 0 || echo 1)" \
	"and named once in its metadata"

# A build that fails at render time (a theme asset with a space in its name)
# into an existing empty directory, and into a link to one: both stay as they were.
cp -r theme "$tmp/badtheme"
echo 'x' >"$tmp/badtheme/static/my style.css"
mkdir "$tmp/empty" "$tmp/target"
chmod 2750 "$tmp/empty"
ln -s "$tmp/target" "$tmp/link"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/badtheme" --out "$tmp/empty" --quiet 2>"$tmp/err"
st=$?
say "$([ $st = 1 ] && grep -q 'a file name the output does not allow' "$tmp/err" && echo 0 || echo 1)" \
	"an asset name the output cannot hold is an error that says so"
say "$([ -z "$(ls -A "$tmp/empty")" ] && [ "$(stat -c %a "$tmp/empty")" = 2750 ] && echo 0 || echo 1)" \
	"a failed build into an existing empty directory leaves it empty, with its mode"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/badtheme" --out "$tmp/link" --quiet 2>/dev/null
say "$([ -L "$tmp/link" ] && [ -z "$(ls -A "$tmp/target")" ] && echo 0 || echo 1)" \
	"a failed build into a link to an empty directory leaves the link and the directory as they were"

# An asset that was a file becomes a folder.
cp -r theme "$tmp/th"
echo 'a { }' >"$tmp/th/static/extra"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/th" --out "$tmp/oa" --quiet
rm "$tmp/th/static/extra"
mkdir "$tmp/th/static/extra"
echo 'b { }' >"$tmp/th/static/extra/more.css"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/th" --out "$tmp/oa" --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && [ -f "$tmp/oa/assets/extra/more.css" ] && echo 0 || echo 1)" \
	"an asset that turns from a file into a folder between builds is committed whole"

# A symlink someone left in the output where a page goes is replaced, not written through.
mkdir -p "$tmp/outside"
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/os" --quiet
rm "$tmp/os/index.html"
ln -s "$tmp/outside/stolen.html" "$tmp/os/index.html"
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/os" --quiet
say "$([ ! -e "$tmp/outside/stolen.html" ] && [ -f "$tmp/os/index.html" ] && [ ! -L "$tmp/os/index.html" ] && echo 0 || echo 1)" \
	"a symlink in the output where a page goes is replaced by the page, and nothing is written where it pointed"

# Many reports sharing one printed page: each report page lists at most 12
# of the others (nearest in reading order) and links to the page for all.
mkdir -p "$tmp/sp"
for i in $(seq 10 29); do
	article "$tmp/sp/r$i.md" "同版报道$i" "2022-10-$i" 'page: 同一版面\n' '正文。\n'
done
"$BIN" --config $CFG --content "$tmp/sp" --out "$tmp/osp" --quiet
page="$tmp/osp/reports/r20/index.html"
n=$(sed -n '/id="s-series"/,/<\/section>/p' "$page" | grep -c 'class="item item-brief"')
self=$(sed -n '/id="s-series"/,/<\/section>/p' "$page" | grep -c 'item-self"><span aria-current="page">同版报道20</span>')
say "$([ "$n" = 12 ] && [ "$self" = 1 ] && grep -q '本版全部 19 篇其他报道' "$page" && echo 0 || echo 1)" \
	"a report whose printed page has 19 others lists 12 of them around itself (marked 本文) and links to the page for all 19 (listed: $n)"
series=$(ls -d "$tmp"/osp/series/*/ | head -1)
say "$([ "$(grep -c 'class="item' "${series}index.html")" -ge 20 ] && echo 0 || echo 1)" \
	"the printed page itself lists all 20"

# The output replaced by a symbolic link to an identical copy, then --force:
# the copy ends up a full build's output (reports/ and all).
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/lo" --quiet
cp -a "$tmp/lo" "$tmp/lcopy"
rm -rf "$tmp/lo"
ln -s "$tmp/lcopy" "$tmp/lo"
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/lo" --quiet --force
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/lref" --quiet
say "$(diff -r -x .sitegen-state "$tmp/lref" "$tmp/lcopy" >/dev/null && [ -d "$tmp/lcopy/reports" ] && echo 0 || echo 1)" \
	"an output that is a link to an identical copy, rebuilt with --force, holds the full output"

# --jobs takes a number of threads, nothing else.
bad=""
for j in abc 0 -1 65 3x ''; do
	"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/oj" --quiet --jobs "$j" 2>"$tmp/err"
	st=$?
	[ $st = 2 ] && grep -q "^sitegen: --jobs: '$j' is not a number of threads from 1 to 64" "$tmp/err" || bad="$bad '$j'"
done
say "$([ -z "$bad" ] && [ ! -e "$tmp/oj" ] && echo 0 || echo 1)" \
	"--jobs abc, 0, -1, 65, 3x or nothing is refused with a message (exit 2), nothing built${bad:+; accepted:$bad}"

# One error in a partial that six templates use is one error, reported once.
cp -r theme "$tmp/pt"
echo '{{#oops}}' >>"$tmp/pt/templates/item-brief.mustache"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/pt" --out "$tmp/opt" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && [ "$(grep -c 'error' "$tmp/err")" = 2 ] && grep -q 'build failed: 1 error(s)' "$tmp/err" && echo 0 || echo 1)" \
	"an error in a partial several templates include is reported and counted once"

# A theme is complete or broken: a partial that does not exist, or a tag
# that runs on into the next one ({{title} …), fails the build at its place.
cp -r theme "$tmp/mp"
sed -i 's/{{>item-brief}}/{{>item-breif}}/' "$tmp/mp/templates/report.mustache"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/mp" --out "$tmp/omp" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "report.mustache:[0-9]*:[0-9]*: error: partial 'item-breif' not found" "$tmp/err" && [ ! -e "$tmp/omp" ] && echo 0 || echo 1)" \
	"a partial the theme does not have is an error at the tag, and nothing is built"
cp -r theme "$tmp/rt"
sed -i 's/{{title}}/{{title}/' "$tmp/rt/templates/item-brief.mustache"
"$BIN" --config $CFG --content tests/errors/good/content --theme "$tmp/rt" --out "$tmp/ort" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "item-brief.mustache:2:[0-9]*: error: a tag name holds '{{': a closing '}}' is missing before it" "$tmp/err" && echo 0 || echo 1)" \
	"{{title} missing a brace is an error at the tag, not a page with the rest of the line swallowed"

# Mistakes a Chinese input method makes in front matter get messages that
# name them, at their place: a full-width colon after a key, a tab indent.
mkdir -p "$tmp/ime"
printf -- '---\ntitle：测试\ndate: 2022-10-31\ndistrict: 离石区\ncommunity：昌宁社区\n---\n正文。\n' >"$tmp/ime/a.md"
printf -- '---\ntitle: 人物：刘密\ndate: 2022-10-30\ndistrict: 离石区\ncaptions:\n  - |\n    语录：不管做什么事\n---\n正文。\n' >"$tmp/ime/b.md"
"$BIN" --config $CFG --content "$tmp/ime" --out "$tmp/oime" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "a.md:2:6: error: a full-width colon '：' after 'title': keys take an ASCII colon and a space" "$tmp/err" &&
	grep -q "a.md:5:10: error: a full-width colon '：' after 'community'" "$tmp/err" && ! grep -q 'b.md' "$tmp/err" && echo 0 || echo 1)" \
	"a full-width colon after a key is named at its line and column, each time; one inside a value or a block is fine"
printf -- '---\ntitle: 块\ndate: 2022-10-31\ndistrict: 离石区\ntags:\n\t- 网格员\n---\n正文。\n' >"$tmp/ime/a.md"
"$BIN" --config $CFG --content "$tmp/ime" --out "$tmp/oime" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "a.md:6:1: error: a tab in the indentation: YAML indents with spaces only" "$tmp/err" && echo 0 || echo 1)" \
	"a tab in the front matter's indentation is called a tab, at its place"

# A colon inside a value is no missing space after a key's colon: a time,
# a URL, a caption's text build without a word, and read as typed.
mkdir -p "$tmp/colon"
printf -- '---\ntitle: "时间：10:30"\nsubtitle: 上午10:30在卡口集合\ndate: 2022-10-24\ndistrict: 离石区\nsource: http://example.org/scan/1\ncaptions:\n  - |\n    注:夜间值守\n---\n正文。\n' >"$tmp/colon/a.md"
"$BIN" --config $CFG --content "$tmp/colon" --out "$tmp/ocolon" --strict --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && [ ! -s "$tmp/err" ] && grep -q '时间：10:30' "$tmp/ocolon/reports/a/index.html" &&
	grep -q '上午10:30在卡口集合' "$tmp/ocolon/reports/a/index.html" && echo 0 || echo 1)" \
	"colons inside values (a time, a URL, a caption) build without a message, the values as typed"

# Options take their value after a space or after '='.
"$BIN" --config=$CFG --content=tests/errors/good/content --out="$tmp/oeq" --jobs=2 --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && [ -f "$tmp/oeq/index.html" ] && echo 0 || echo 1)" "--out=DIR and --jobs=2 work like --out DIR and --jobs 2"
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/oeq2" --strict=yes --quiet 2>"$tmp/err"
say "$([ $? = 2 ] && grep -q "^sitegen: --strict takes no value" "$tmp/err" && echo 0 || echo 1)" "--strict=yes is refused: a switch takes no value"

# Names typed with Chinese separators (李艳、王五) would each get a page under
# the joined name: a warning at the entry.
mkdir -p "$tmp/nm"
printf -- '---\ntitle: 名\ndate: 2022-10-31\ndistrict: 离石区\nreporters: 李艳、王五\ntags: [静默管理，孕妇, 网格员]\n---\n正文。\n' >"$tmp/nm/a.md"
"$BIN" --config $CFG --content "$tmp/nm" --out "$tmp/onm" --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q "a.md:5:12: warning: 'reporters' entry '李艳、王五' holds '、'" "$tmp/err" &&
	grep -q "a.md:6:8: warning: 'tags' entry '静默管理，孕妇' holds '，'" "$tmp/err" && echo 0 || echo 1)" \
	"a reporter or tag typed with 、 or ， is a warning at the entry"

# Noncharacters (U+FFFE, U+FFFF) are refused like control characters: XML
# (the feed) cannot hold them; a file name's control bytes are shown escaped.
mkdir -p "$tmp/nc"
printf -- '---\ntitle: ok\ndate: 2022-10-01\ndistrict: 离石区\n---\n正文 \357\277\277 正文\n' >"$tmp/nc/a.md"
printf -- '---\ntitle: "\\uFFFE"\ndate: 2022-10-02\ndistrict: 离石区\n---\n正文\n' >"$tmp/nc/b.md"
printf -- '---\ntitle: x\ndate: 2022-10-03\n---\nb\n' >"$tmp/nc/$(printf 'evil\033[31mRED')".md
"$BIN" --config $CFG --content "$tmp/nc" --out "$tmp/onc" --quiet 2>"$tmp/err"
st=$?
say "$([ $st = 1 ] && grep -q 'a.md:6:4: error: noncharacter U+FFFF is not allowed' "$tmp/err" &&
	grep -q 'b.md:2:8: error: noncharacter U+FFFE in a value is not allowed' "$tmp/err" && echo 0 || echo 1)" \
	"U+FFFF in a body and U+FFFE through a YAML escape are errors at their place"
say "$(! grep -q "$(printf '\033')" "$tmp/err" && grep -q 'evil\\x1B\[31mRED.md:1:1: error' "$tmp/err" && echo 0 || echo 1)" \
	"an escape sequence in a file name is shown escaped, never sent to the terminal"

# A line's leading blanks are bounded (400 columns): at the edge it builds,
# one past it is an error at the blank (lists nested by indentation, with
# markers on every line, would otherwise multiply).
mkdir -p "$tmp/ind"
python3 - "$tmp/ind" <<'PY'
import sys
for name, cols in (("a", 400), ("b", 401)):
    open(f"{sys.argv[1]}/{name}.md", "w").write(
        f"---\ntitle: {name}\ndate: 2022-10-0{1 if name == 'a' else 2}\ndistrict: 离石区\n---\n" + " " * cols + "x\n")
PY
"$BIN" --config $CFG --content "$tmp/ind" --out "$tmp/oind" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q 'b.md:6:401: error: a line indented more than 400 columns' "$tmp/err" && ! grep -q 'a.md' "$tmp/err" && echo 0 || echo 1)" \
	"a line indented 400 columns builds; 401 is an error at its place"
