#!/bin/sh
# The command line an editor uses: `sitegen new` (the file it writes builds
# under --strict; refusals), `sitegen check` (the build's messages, nothing
# written anywhere), --help and --version, the progress line on a terminal,
# `make new`, `make install` into a DESTDIR (the installed binary finds the
# installed theme) and the man page's lint.
set -u
B=${B:-build}
BIN=$B/sitegen
CFG=tests/errors/config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the run's memo of ICU's answers (tests/run.sh), else one of our own; the
# checks that nothing is written use an empty one, $tmp/cache
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-$tmp/memo}
export SITEGEN_CACHE_DIR
say() {	# status description [file whose lines explain a failure]
	if [ "$1" = 0 ]; then
		echo "ok - cli: $2"
	else
		echo "not ok - cli: $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/#   /' "$3" | head -20
	fi
}
# make from inside `make test`: without the parent's jobserver
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "$@"
}
# Every file below $1, with its size and time: what "nothing written" compares.
snapshot() {
	find "$1" -exec stat -c '%n %s %Y' {} + 2>/dev/null | sort
}

# --help, --version and mistakes on the command line
"$BIN" --help >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q '^usage: sitegen' "$tmp/out" && grep -q 'sitegen new' "$tmp/out" &&
	grep -q 'sitegen check' "$tmp/out" && grep -q 'serve' "$tmp/out" && [ ! -s "$tmp/err" ] && echo 0 || echo 1)" \
	"--help prints the usage, with every command, on stdout and exits 0"
version=$(sed -n 's/^#define SITEGEN_VERSION "\(.*\)"$/\1/p' generator/version.h)
"$BIN" --version >"$tmp/out" 2>&1
say "$([ $? = 0 ] && [ "$(cat "$tmp/out")" = "sitegen $version" ] && echo 0 || echo 1)" \
	"--version prints 'sitegen $version' (generator/version.h) and exits 0" "$tmp/out"
"$BIN" --version extra >"$tmp/out" 2>"$tmp/err"
st1=$?
"$BIN" --help extra >>"$tmp/out" 2>>"$tmp/err"
st2=$?
say "$([ $st1 = 2 ] && [ $st2 = 2 ] && [ ! -s "$tmp/out" ] && grep -q "^sitegen: --version takes no other argument" "$tmp/err" &&
	grep -q "^sitegen: --help takes no other argument" "$tmp/err" && echo 0 || echo 1)" \
	"--version and --help with another argument are usage errors, exit status 2" "$tmp/err"
"$BIN" new --help >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q '^usage: sitegen new ' "$tmp/out" && grep -q -- '--slug SLUG' "$tmp/out" &&
	! grep -q 'sitegen check' "$tmp/out" && echo 0 || echo 1)" "new --help prints new's own usage" "$tmp/out"
"$BIN" --frobnicate >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 2 ] && grep -q "^sitegen: unknown option '--frobnicate'" "$tmp/err" && grep -q '^usage:' "$tmp/err" &&
	[ ! -s "$tmp/out" ] && echo 0 || echo 1)" "an unknown option is a usage error on stderr, exit status 2" "$tmp/err"
"$BIN" frobnicate >/dev/null 2>"$tmp/err"
say "$([ $? = 2 ] && grep -q "^sitegen: unknown command 'frobnicate'" "$tmp/err" && echo 0 || echo 1)" \
	"an unknown command is a usage error, exit status 2" "$tmp/err"
"$BIN" check --config >/dev/null 2>"$tmp/err"
say "$([ $? = 2 ] && grep -q '^sitegen: --config needs a value' "$tmp/err" && echo 0 || echo 1)" \
	"an option without its value is a usage error" "$tmp/err"

# ---- new ----
mkdir -p "$tmp/c"
cp tests/errors/good/content/ok.md "$tmp/c/"
# a first build: the memo then knows the config's place names
"$BIN" --config $CFG --content "$tmp/c" --out "$tmp/o" --quiet
"$BIN" new --config $CFG --content "$tmp/c" --district 离石区 --date 2022-11-02 '连心卡: 温暖 "孕妇" 心' \
	>"$tmp/out" 2>"$tmp/err"
st=$?
f=$(cat "$tmp/out")
say "$([ $st = 0 ] && [ "$f" = "$tmp/c/2022/2022-11-02-lian-xin-ka-wen-nuan-yun-fu-xin.md" ] && [ -f "$f" ] &&
	[ ! -s "$tmp/err" ] && echo 0 || echo 1)" \
	"new writes content/<year>/<date>-<pinyin of the title>.md and prints its path" "$tmp/err"
say "$(grep -q '^district: 离石区$' "$f" && grep -q '^date: 2022-11-02$' "$f" &&
	grep -q "^title: '连心卡: 温暖 \"孕妇\" 心'$" "$f" && grep -q '^# reporters:' "$f" &&
	grep -q '^# tags:' "$f" && grep -q '^# community:' "$f" && echo 0 || echo 1)" \
	"the front matter has the title (quoted where YAML needs it), date and district, and the optional keys as comments" "$f"
"$BIN" new --config $CFG --content "$tmp/c" --city 太原市 '今天的报道' >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q "/$(date +%Y)/$(date +%Y-%m-%d)-jin-tian-de-bao-dao.md\$" "$tmp/out" &&
	grep -q '^city: 太原市$' "$(cat "$tmp/out")" && echo 0 || echo 1)" \
	"new --city files the article at city level; without --date the date is today's" "$tmp/err"
# a report with no text yet: a warning at its closing fence, so --strict fails until it is written
"$BIN" check --config $CFG --content "$tmp/c" >/dev/null 2>"$tmp/err"
st1=$?
"$BIN" check --config $CFG --content "$tmp/c" --strict >/dev/null 2>>"$tmp/err"
st2=$?
fence=$(grep -n '^---$' "$f" | sed -n '2s/:.*//p')
say "$([ $st1 = 0 ] && [ $st2 = 1 ] && grep -q "^$f:$fence:1: warning: the report has no text: write it below the front matter\$" "$tmp/err" &&
	[ "$(grep -c 'has no text' "$tmp/err")" = 4 ] && echo 0 || echo 1)" \
	"a report with no text (as new writes it) is a warning at the front matter's end: --strict fails" "$tmp/err"
for n in "$f" "$(cat "$tmp/out")"; do echo '正文。' >>"$n"; done
"$BIN" --config $CFG --content "$tmp/c" --out "$tmp/o" --strict --quiet 2>"$tmp/err"
say "$([ $? = 0 ] && [ -f "$tmp/o/reports/2022-11-02-lian-xin-ka-wen-nuan-yun-fu-xin/index.html" ] && echo 0 || echo 1)" \
	"the files new wrote, once written, build under --strict, each with its report page" "$tmp/err"
snapshot "$tmp/c" >"$tmp/before"
cp "$f" "$tmp/f.copy"
"$BIN" new --config $CFG --content "$tmp/c" --district 离石区 --date 2022-11-02 '连心卡: 温暖 "孕妇" 心' \
	>"$tmp/out" 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "has this title and date already: not written" "$tmp/err" && cmp -s "$f" "$tmp/f.copy" && echo 0 || echo 1)" \
	"new refuses to overwrite an existing file" "$tmp/err"
# the build's message for the same mistake (tests/errors/unknown-district), without its place
msg=$(grep -o "error: unknown district .*" tests/errors/unknown-district/expected)
"$BIN" new --config $CFG --content "$tmp/c" --district 离石县 --date 2022-11-03 '另一篇' >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 1 ] && [ "$(cat "$tmp/err")" = "--district: $msg" ] && [ ! -s "$tmp/out" ] && echo 0 || echo 1)" \
	"an unknown district gets the build's message, with the nearest names" "$tmp/err"
"$BIN" new --config $CFG --content "$tmp/c" --city 离石区 '另一篇' >/dev/null 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "^--city: error: city '离石区' is a district of 吕梁市: use --district 离石区 (make new: DISTRICT=离石区)\$" "$tmp/err" && echo 0 || echo 1)" \
	"a district given as --city gets the build's message, naming the option to use" "$tmp/err"
"$BIN" new --config $CFG --content "$tmp/c" --district 吕梁市 '另一篇' >/dev/null 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "^--district: error: district '吕梁市' is a city: use --city 吕梁市 (make new: CITY=吕梁市)\$" "$tmp/err" && echo 0 || echo 1)" \
	"a city given as --district is told to use --city" "$tmp/err"
"$BIN" new --config $CFG --content "$tmp/c" --district 离石区 --city 吕梁市 '另一篇' >/dev/null 2>"$tmp/err"
say "$([ $? = 1 ] && [ "$(cat "$tmp/err")" = "sitegen: new: give one of --district or --city, not both" ] && echo 0 || echo 1)" \
	"both --district and --city: give one of them, not both" "$tmp/err"
# titles that begin alike (district + community) are cut to the same name: -2, -3 …
t1=离石区滨河社区志愿者守护居民平安 t2=离石区滨河社区志愿者送菜上门
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 "$t1" >"$tmp/out1" 2>"$tmp/err"
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 "$t2" >"$tmp/out2" 2>>"$tmp/err"
st=$?
n1=$(cat "$tmp/out1") n2=$(cat "$tmp/out2")
say "$([ $st = 0 ] && [ "$n2" = "${n1%.md}-2.md" ] && grep -q "^title: $t2\$" "$n2" && grep -q "^title: $t1\$" "$n1" &&
	echo 0 || echo 1)" "a different title cut to an existing file's name gets <name>-2.md, the other file kept" "$tmp/err"
cp "$n2" "$tmp/n2.copy"
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 "$t2" >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 1 ] && [ ! -s "$tmp/out" ] && grep -q "^sitegen: new: $n2 has this title and date already: not written (a build would warn of the same report twice; another report needs a title of its own)\$" "$tmp/err" &&
	cmp -s "$n2" "$tmp/n2.copy" && [ ! -e "${n1%.md}-3.md" ] && echo 0 || echo 1)" \
	"the same title and date again is refused, naming the file" "$tmp/err"
# The same title and date in a file of another name (another folder, renamed
# by hand), or with --slug: refused as the build's "same report twice", named.
mkdir -p "$tmp/c2/misc"
mv "$n2" "$tmp/c2/misc/renamed.md"
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 "$t2" >"$tmp/out" 2>"$tmp/err"
st1=$?
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 --slug other-words "$t2" >>"$tmp/out" 2>>"$tmp/err"
st2=$?
say "$([ $st1 = 1 ] && [ $st2 = 1 ] && [ ! -s "$tmp/out" ] && [ ! -e "$n2" ] && [ ! -e "$tmp/c2/2022/2022-11-05-other-words.md" ] &&
	[ "$(grep -c "^sitegen: new: $tmp/c2/misc/renamed.md has this title and date already: not written" "$tmp/err")" = 2 ] &&
	echo 0 || echo 1)" "the same title and date in a file of another name (or with --slug) is refused, naming that file" "$tmp/err"
"$BIN" --config $CFG --content "$tmp/c2" --out "$tmp/o2" --quiet 2>/dev/null
cp "$tmp/c2/misc/renamed.md" "$tmp/c2/misc/again.md"
"$BIN" --config $CFG --content "$tmp/c2" --out "$tmp/o2" --quiet 2>"$tmp/err"
say "$(grep -q "same title and date as .*: the same report twice?" "$tmp/err" && echo 0 || echo 1)" \
	"(the build's warning that new keeps one from: the same report twice)" "$tmp/err"
rm "$tmp/c2/misc/again.md"
mv "$tmp/c2/misc/renamed.md" "$n2"
# A year folder that is a symbolic link out of content/: the build skips a
# folder there, so new refuses to write through it.
mkdir "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$tmp/c2/2019"
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2019-03-01 '外面的报道' >"$tmp/out" 2>"$tmp/err"
st1=$?
mkdir "$tmp/c2/years" && ln -s years "$tmp/c2/2018"
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2018-03-01 '里面的报道' >"$tmp/out2" 2>>"$tmp/err"
st2=$?
say "$([ $st1 = 1 ] && [ ! -s "$tmp/out" ] && [ -z "$(ls "$tmp/elsewhere")" ] &&
	grep -q "^sitegen: new: $tmp/c2/2019 leads to $tmp/elsewhere, outside $tmp/c2 (a symbolic link): a build skips a folder there, so the article would not be built; not written\$" "$tmp/err" &&
	[ $st2 = 0 ] && [ -f "$tmp/c2/years/2018-03-01-li-mian-de-bao-dao.md" ] && echo 0 || echo 1)" \
	"a year folder linked out of content/ is refused (nothing written there); one linked inside is used" "$tmp/err" "$tmp/out2"
rm -r "$tmp/c2/2019" "$tmp/c2/2018" "$tmp/c2/years"
t3=离石区滨河社区志愿者送药上门
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 --slug song-cai "$t3" >"$tmp/out" 2>"$tmp/err"
st1=$?
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 --slug Song_Cai "$t3" >/dev/null 2>>"$tmp/err"
st2=$?
"$BIN" new --config $CFG --content "$tmp/c2" --district 离石区 --date 2022-11-05 --slug song-cai x >/dev/null 2>>"$tmp/err"
st3=$?
say "$([ $st1 = 0 ] && [ "$(cat "$tmp/out")" = "$tmp/c2/2022/2022-11-05-song-cai.md" ] && [ $st2 = 1 ] && [ $st3 = 1 ] &&
	grep -q "^sitegen: new: --slug 'Song_Cai': use lowercase a-z, 0-9 and hyphens" "$tmp/err" &&
	grep -q "2022-11-05-song-cai.md exists already: not overwritten (give another --slug)" "$tmp/err" && echo 0 || echo 1)" \
	"--slug names the file; an invalid slug or one taken is refused" "$tmp/err"
"$BIN" new --config $CFG --content "$tmp/c" --district 离石区 --date 2022-13-01 '另一篇' >/dev/null 2>"$tmp/err"
st1=$?
"$BIN" new --config $CFG --content "$tmp/c" '另一篇' >/dev/null 2>>"$tmp/err"
st2=$?
"$BIN" new --config $CFG --content "$tmp/c" --district 离石区 >/dev/null 2>>"$tmp/err"
st3=$?
snapshot "$tmp/c" >"$tmp/after"
say "$([ $st1 = 1 ] && [ $st2 = 1 ] && [ $st3 = 2 ] && grep -q "date '2022-13-01'\|2022-13-01" "$tmp/err" &&
	cmp -s "$tmp/before" "$tmp/after" && echo 0 || echo 1)" \
	"a bad date, no place, no title are refused, and no refusal wrote anything" "$tmp/err"
submake new BUILD="$B" CONFIG=$CFG CONTENT="$tmp/c" TITLE="It's 测试" DISTRICT=石楼县 DATE=2022-10-01 >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q "^title: 'It''s 测试'$" "$tmp/c/2022/2022-10-01-it-s-ce-shi.md" && echo 0 || echo 1)" \
	"make new TITLE=… DISTRICT=… DATE=… writes the file (quotes in the title kept)" "$tmp/err"
echo '正文。' >>"$tmp/c/2022/2022-10-01-it-s-ce-shi.md"

submake new BUILD="$B" CONFIG=$CFG CONTENT="$tmp/c" TITLE="送菜" DISTRICT=石楼县 DATE=2022-10-01 SLUG=song-cai >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && [ -f "$tmp/c/2022/2022-10-01-song-cai.md" ] && echo 0 || echo 1)" "make new SLUG=… names the file" "$tmp/err"
rm -f "$tmp/c/2022/2022-10-01-song-cai.md"
submake new BUILD="$B" CONFIG=$CFG CONTENT="$tmp/c" TITLE='收费$100元 $(x)' DISTRICT=石楼县 DATE=2022-10-01 SLUG=shou-fei >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q '^title: 收费\$100元 \$(x)$' "$tmp/c/2022/2022-10-01-shou-fei.md" && echo 0 || echo 1)" \
	"make new keeps a title's \$ as typed (make expands nothing in it)" "$tmp/err" "$tmp/c/2022/2022-10-01-shou-fei.md"
rm -f "$tmp/c/2022/2022-10-01-shou-fei.md"

# ---- check ----
# Nothing is written: no output directory, no cache, nothing in the working directory.
mkdir -p "$tmp/cwd"
root=$(pwd)
(cd "$tmp/cwd" && SITEGEN_CACHE_DIR="$tmp/cache" "$root/$BIN" check --config "$root/$CFG" --content "$tmp/c" \
	--theme "$root/theme" --out "$tmp/nowhere" --strict) >"$tmp/out" 2>"$tmp/err"
say "$([ $? = 0 ] && grep -q '^sitegen: check: 4 articles, [0-9]* pages, [0-9]* link targets: no problems$' "$tmp/out" &&
	[ ! -s "$tmp/err" ] && echo 0 || echo 1)" "check on good content exits 0 with a summary" "$tmp/out"
say "$([ ! -e "$tmp/nowhere" ] && [ ! -e "$tmp/cache" ] && [ -z "$(ls -A "$tmp/cwd")" ] && echo 0 || echo 1)" \
	"check writes nothing: no output directory, no memo in the cache, nothing in the working directory"
snapshot "$tmp/o" >"$tmp/before"
"$BIN" check --config $CFG --content "$tmp/c" --out "$tmp/o" --strict --quiet >"$tmp/out" 2>&1
st=$?
snapshot "$tmp/o" >"$tmp/after"
say "$([ $st = 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/before" "$tmp/after" && echo 0 || echo 1)" \
	"check --quiet says nothing, and an existing output is left exactly as it was"
"$BIN" check --strict --quiet --out "$tmp/nowhere" 2>"$tmp/err"
say "$([ $? = 0 ] && [ ! -e "$tmp/nowhere" ] && echo 0 || echo 1)" "check --strict passes on the archive's content/" "$tmp/err"

# Each bad-input case: the build's messages (tests/errors/<case>/expected) but
# its last line, exit status 1, nothing written.
bad=0 cases=0
check_case() {	# name content-dir [extra args]
	name=$1 content=$2
	shift 2
	cases=$((cases + 1))
	"$BIN" check --config $CFG --content "$content" --out "$tmp/nowhere" --strict \
		--quiet "$@" 2>"$tmp/stderr" >/dev/null
	status=$?
	sed "s|$tmp|TMP|g" "$tmp/stderr" >"$tmp/got"
	expected=tests/errors/$name/expected
	sed '$d' "$expected" >"$tmp/want"
	if [ $status != 1 ] || ! sed '$d' "$tmp/got" | cmp -s - "$tmp/want" ||
		! tail -n 1 "$tmp/got" | grep -q '^sitegen: check failed: [0-9]* error(s).*; nothing was written$' ||
		[ -e "$tmp/nowhere" ]; then
		echo "#   $name: status $status; got:"
		sed 's/^/#     /' "$tmp/got"
		bad=$((bad + 1))
	fi
}
for dir in tests/errors/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ "$name" = good ] || [ ! -d "$dir/content" ] || check_case "$name" "$dir/content"
done
mkdir -p "$tmp/utf8"
printf -- '---\ntitle: caf\351\ndate: 2022-10-31\ndistrict: 离石区\n---\n\nbody\n' >"$tmp/utf8/a.md"
check_case invalid-utf8 "$tmp/utf8"
cp -r theme "$tmp/theme"
printf '{{<base}}{{$content}}\n<ul>\n{{#latest}}<li>{{title}}</li>\n</ul>\n{{/content}}{{/base}}\n' >"$tmp/theme/templates/home.mustache"
check_case template-error tests/errors/good/content --theme "$tmp/theme"
say $bad "each of $cases bad-input cases of tests/errors/ gives check the build's messages, exit 1, nothing written"

# An output directory a build would refuse (not one of ours): the same message.
mkdir -p "$tmp/foreign"
echo notes >"$tmp/foreign/notes.txt"
"$BIN" check --config $CFG --content tests/errors/good/content --out "$tmp/foreign" --quiet 2>"$tmp/err"
st=$?
"$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/foreign" --quiet 2>"$tmp/err2"
say "$([ $st = 1 ] && [ "$(sed '$d' "$tmp/err")" = "$(sed '$d' "$tmp/err2")" ] && grep -q 'refusing to write here' "$tmp/err" &&
	[ "$(ls -A "$tmp/foreign")" = notes.txt ] && echo 0 || echo 1)" \
	"check refuses an output directory that is not the generator's with the build's message" "$tmp/err"

# A link between pages that leads nowhere: check names its place in the article's file.
mkdir -p "$tmp/links"
printf -- '---\ntitle: 链接\ndate: 2022-10-31\ndistrict: 离石区\n---\n\n第一段。\n\n看 [另一篇](../2022-10-30-nowhere/index.html) [首页](../../index.html) [外](https://example.org/)\n' \
	>"$tmp/links/a.md"
"$BIN" check --config $CFG --content "$tmp/links" --quiet 2>"$tmp/err"
say "$([ $? = 1 ] && grep -q "^$tmp/links/a.md:9:9: error: the link '../2022-10-30-nowhere/index.html' (on reports/a/index.html) leads to no page or file of the site$" "$tmp/err" &&
	grep -q '^    看 \[另一篇\](../2022-10-30-nowhere/index.html)' "$tmp/err" &&
	[ "$(grep -c 'error:' "$tmp/err")" = 1 ] && echo 0 || echo 1)" \
	"check reports a link to no page at its line and column in the article, with the line, and only that one" "$tmp/err"
# A link to a folder works on a server but not from disk (file:// shows no index.html): a warning.
printf -- '---\ntitle: 乙\ndate: 2022-10-30\ndistrict: 离石区\n---\n\n[甲](../a/) [甲](../a/index.html)\n' >"$tmp/links/b.md"
sed -i 's|(../2022-10-30-nowhere/index.html)|(../b/index.html)|' "$tmp/links/a.md"
"$BIN" check --config $CFG --content "$tmp/links" 2>"$tmp/err" >"$tmp/out"
st1=$?
"$BIN" check --config $CFG --content "$tmp/links" --strict --quiet 2>/dev/null
st2=$?
say "$([ $st1 = 0 ] && [ $st2 = 1 ] &&
	grep -q "^$tmp/links/b.md:7:5: warning: the link '../a/' (on reports/b/index.html) leads to a folder: opened from disk (file://) it shows no page; write '../a/index.html'$" "$tmp/err" &&
	[ "$(grep -c 'warning:' "$tmp/err")" = 1 ] && echo 0 || echo 1)" \
	"a link to a folder is a warning (an error under --strict) suggesting its index.html" "$tmp/err"

# Links beyond a's href: srcset, poster, a form's action, a meta refresh's
# url, and links from the server's root, read against base_url's path
# (/archive/ here); one outside it is a warning. The home page of a theme
# copy holds them; the good ones of each kind raise nothing.
cp -r theme "$tmp/ltheme"
sed -i 's|^{{\$content}}$|&\n<img alt="" src="assets/style.css" srcset="assets/style.css 1x, assets/no-2x.png 2x,assets/no-3x.png">\n<video poster="assets/no-poster.jpg"></video><video poster="/archive/assets/style.css"></video>\n<form action="no-search/index.html"></form><form action="/archive/search/index.html"></form>\n<meta http-equiv="Refresh" content="5; URL='"'"'no-refresh.html'"'"'"><meta content="0;url=index.html" http-equiv="refresh">\n<a href="/archive/reports/no-such/index.html">x</a> <a href="/archive/dates/index.html">y</a> <a href="/elsewhere/">z</a>\n<!-- <a href="no-comment.html"> -->|' "$tmp/ltheme/templates/home.mustache"
sed 's|^base_url: .*|base_url: "https://example.org/archive/"|' $CFG >"$tmp/lconfig.yml"
"$BIN" check --config "$tmp/lconfig.yml" --content tests/errors/good/content --theme "$tmp/ltheme" 2>"$tmp/err" >"$tmp/out"
st=$?
e="^index.html: error: the link"
say "$([ $st = 1 ] && grep -q "$e 'assets/no-2x.png' leads to no page or file of the site\$" "$tmp/err" &&
	grep -q "$e 'assets/no-3x.png' leads to no page" "$tmp/err" && grep -q "$e 'assets/no-poster.jpg' leads to no page" "$tmp/err" &&
	grep -q "$e 'no-search/index.html' leads to no page" "$tmp/err" && grep -q "$e 'no-refresh.html' leads to no page" "$tmp/err" &&
	grep -q "$e '/archive/reports/no-such/index.html' leads to no page" "$tmp/err" &&
	grep -q "^index.html: warning: the link '/elsewhere/' leads outside the site (base_url's path is /archive/): not followed\$" "$tmp/err" &&
	[ "$(grep -c 'error: the link' "$tmp/err")" = 6 ] && [ "$(grep -c 'warning:' "$tmp/err")" = 1 ] && echo 0 || echo 1)" \
	"check follows srcset, poster, form action, a meta refresh's url and links from the server's root (base_url's path; outside it a warning); the good ones and a comment raise nothing" "$tmp/err"

# ---- the progress line ----
"$BIN" --config $CFG --content "$tmp/c" --out "$tmp/p1" --strict 2>"$tmp/err" >/dev/null
say "$([ $? = 0 ] && [ ! -s "$tmp/err" ] && echo 0 || echo 1)" "no progress line when stderr is not a terminal" "$tmp/err"
if command -v script >/dev/null 2>&1; then
	SITEGEN_PROGRESS_DELAY=0 script -qec "$BIN --config $CFG --content $tmp/c --out $tmp/p2 --strict" /dev/null \
		>"$tmp/tty" 2>&1
	cr=$(printf '\r')
	say "$(grep -q "${cr}sitegen: rendering: [0-9]* / [0-9]* pages" "$tmp/tty" && grep -q "${cr}sitegen: writing [0-9]* files" "$tmp/tty" &&
		grep -q "${cr} *${cr}sitegen: 4 articles → " "$tmp/tty" && echo 0 || echo 1)" \
		"on a terminal, a build past the delay shows its stages in place, erased before the summary line" "$tmp/tty"
	# the pages rendered out of the total, and the same line never drawn twice in a row
	total=$(tr "$cr" '\n' <"$tmp/tty" | sed -n 's|^sitegen: rendering: \([0-9]*\) / \([0-9]*\) pages *$|\1 \2|p' | tail -n 1)
	say "$([ -n "$total" ] && [ "${total% *}" = "${total#* }" ] && [ "${total#* }" -gt 20 ] &&
		[ -z "$(tr "$cr" '\n' <"$tmp/tty" | sed 's/ *$//' | grep -v '^$' | uniq -d)" ] && echo 0 || echo 1)" \
		"the progress line counts the pages rendered out of their total ($total), and draws no line twice" "$tmp/tty"
	script -qec "$BIN --config $CFG --content $tmp/c --out $tmp/p3 --strict" /dev/null >"$tmp/tty" 2>&1
	say "$(grep -q "${cr}sitegen: [a-z]" "$tmp/tty" && echo 1 || echo 0)" \
		"on a terminal, a build under a second shows no progress line" "$tmp/tty"
else
	echo "skip - cli: the progress line: script(1) is not installed"
fi

# ---- make install ----
submake install BUILD="$B" DESTDIR="$tmp/stage" PREFIX=/usr >"$tmp/out" 2>&1
st=$?
p=$tmp/stage/usr
say "$([ $st = 0 ] && [ -x "$p/bin/sitegen" ] && [ -f "$p/share/sitegen/theme/templates/base.mustache" ] &&
	[ -f "$p/share/sitegen/theme/static/style.css" ] && [ -f "$p/share/man/man1/sitegen.1" ] && echo 0 || echo 1)" \
	"make install DESTDIR=… PREFIX=/usr installs bin/sitegen, share/sitegen/theme and share/man/man1/sitegen.1" "$tmp/out"
mkdir -p "$tmp/elsewhere"
# (without a memo: another binary's would replace the run's)
(cd "$tmp/elsewhere" && SITEGEN_CACHE_DIR=off "$p/bin/sitegen" --config "$root/$CFG" --content "$tmp/c" --out "$tmp/io" --strict --quiet) 2>"$tmp/err"
say "$([ $? = 0 ] && cmp -s "$tmp/io/assets/style.css" theme/static/style.css && [ -f "$tmp/io/index.html" ] && echo 0 || echo 1)" \
	"the installed binary, run away from any ./theme, builds with the installed theme" "$tmp/err"
submake uninstall BUILD="$B" DESTDIR="$tmp/stage" PREFIX=/usr >"$tmp/out" 2>&1
say "$([ ! -e "$p/bin/sitegen" ] && [ ! -e "$p/share/sitegen" ] && [ ! -e "$p/share/man/man1/sitegen.1" ] && echo 0 || echo 1)" \
	"make uninstall removes them" "$tmp/out"
submake -n -B BUILD="$tmp/nb" CC=my-cc CPPFLAGS=-DMY_CPPFLAG CFLAGS=-DMY_CFLAG LDFLAGS=-LMY_LDFLAG "$tmp/nb/sitegen" >"$tmp/out" 2>&1
say "$(grep 'main\.c' "$tmp/out" | grep '^my-cc ' | grep -- '-DMY_CPPFLAG' | grep -q -- '-DMY_CFLAG' &&
	grep 'sitegen ' "$tmp/out" | grep '^my-cc ' | grep -q -- '-LMY_LDFLAG' && echo 0 || echo 1)" \
	"the Makefile compiles with CC, CPPFLAGS and CFLAGS and links with LDFLAGS" "$tmp/out"

# make site, serve and check: --out only when OUT= is given, else the config's output_dir
submake -n site BUILD="$B" >"$tmp/out" 2>&1
submake -n serve BUILD="$B" >>"$tmp/out" 2>&1
submake -n check BUILD="$B" >>"$tmp/out" 2>&1
say "$([ "$(grep -c "^$B/sitegen .*--config config.yml --content content  *--theme theme" "$tmp/out")" = 3 ] &&
	! grep -q -- '--out' "$tmp/out" && grep -q "^$B/sitegen check " "$tmp/out" &&
	grep -q "^$B/sitegen serve --port 8080 " "$tmp/out" && grep -q '^output_dir: public$' config.yml && echo 0 || echo 1)" \
	"make site, serve and check pass no --out without OUT= (the config's output_dir: public)" "$tmp/out"
submake -n site serve check BUILD="$B" OUT="$tmp/my out" >"$tmp/out" 2>&1
say "$([ "$(grep -c -- "--out '$tmp/my out'" "$tmp/out")" = 3 ] && echo 0 || echo 1)" \
	"make site, serve and check OUT=DIR pass --out DIR" "$tmp/out"

# ---- the man page ----
for s in NAME SYNOPSIS COMMANDS OPTIONS FILES 'FRONT MATTER' CONFIG 'EXIT STATUS' EXAMPLES; do
	grep -q "^\.SH $s\$" generator/sitegen.1 || echo "no section $s" >>"$tmp/sections"
done
say "$([ ! -s "$tmp/sections" ] && grep -qF '\-\-port' generator/sitegen.1 && echo 0 || echo 1)" \
	"the man page has every section" "$tmp/sections"
# the man page names every option of both usages, every config key of the README's table and every
# variable the generator reads (but HOME); its SYNOPSIS takes new's dates as its OPTIONS do
: >"$tmp/missing"
for o in $({ "$BIN" --help; "$BIN" new --help; } | grep -o -- '--[a-z-]*' | sort -u); do
	grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" generator/sitegen.1 || echo "option $o" >>"$tmp/missing"
done
for k in $(awk '/^\| key \| default/{f=1;next} f&&!/^\|/{f=0} f' README.md | grep -o '^| `[a-z_]*`' | tr -d '|` '); do
	grep -q "^\.B $k\( \|\$\|\\\\f\)\|fB$k\$" generator/sitegen.1 || echo "config key $k" >>"$tmp/missing"
done
for v in $(grep -oh 'getenv("[A-Z_]*")' generator/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u | grep -v '^HOME$'); do
	grep -q "$v" generator/sitegen.1 || echo "variable $v" >>"$tmp/missing"
done
sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' generator/sitegen.1 | grep -q 'YYYY-MM-DD " | " YYYY-MM' ||
	echo "SYNOPSIS: --date YYYY-MM-DD | YYYY-MM" >>"$tmp/missing"
grep -q 'http://127.0.0.1:8000/:' generator/sitegen.1 && echo "the serve example's address is not under base_url's path" >>"$tmp/missing"
say "$([ ! -s "$tmp/missing" ] && echo 0 || echo 1)" \
	"the man page names every option, config key and environment variable, and new's --date as it is" "$tmp/missing"
if command -v man >/dev/null 2>&1; then
	man --warnings -l generator/sitegen.1 >"$tmp/out" 2>"$tmp/err"
	say "$([ $? = 0 ] && [ ! -s "$tmp/err" ] && grep -q 'sitegen' "$tmp/out" && echo 0 || echo 1)" \
		"the man page renders without warnings (man --warnings)" "$tmp/err"
elif command -v groff >/dev/null 2>&1; then
	groff -ww -man -z generator/sitegen.1 2>"$tmp/err"
	say "$([ $? = 0 ] && [ ! -s "$tmp/err" ] && echo 0 || echo 1)" "the man page renders without warnings (groff -ww)" "$tmp/err"
else
	echo "skip - cli: man page lint: neither man nor groff is installed"
fi
