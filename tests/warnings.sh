#!/bin/sh
# Editors' mistakes that used to pass silently: a name one character from a
# better-known one of its kind, the same report twice, a city given as a
# district (and the reverse), two mistakes in one file. Each case checks the
# exact messages with their places and the exit status (0 with warnings, 1
# under --strict, leaving the previous output as it was), and that the
# near-name rule leaves real, distinct names alone.
set -u
B=${B:-build}
BIN=$B/sitegen
CFG=tests/errors/config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - warnings: $2"; else echo "not ok - warnings: $2"; fi
}
article() {	# file title date front-matter
	printf -- '---\ntitle: %s\ndate: %s\n%b---\n\n正文。\n' "$2" "$3" "$4" >"$1"
}
# run DIR [sitegen args]: builds DIR into $tmp/out; status in $st, messages in $tmp/got (paths as TMP)
run() {
	dir=$1
	shift
	"$BIN" --config $CFG --content "$dir" --out "$tmp/out" --quiet "$@" 2>"$tmp/stderr" >/dev/null
	st=$?
	sed "s|$tmp|TMP|g" "$tmp/stderr" >"$tmp/got"
}
# same NAME: compares $tmp/got with the expected text on stdin
same() {
	cat >"$tmp/want"
	if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		say 0 "$1"
	else
		say 1 "$1"
		sed 's/^/#   /' "$tmp/diff"
	fi
}

# Near names: the rarer of each pair is warned at its first use (the older
# of its two reports), naming the better-known one and its count.
c=$tmp/near
mkdir -p "$c"
for i in 1 2 3; do
	article "$c/common$i.md" "常见$i" "2022-10-0$i" \
		'district: 离石区\ncommunity: 昌宁社区\nreporters: [李艳]\ncorrespondents: [郭珺琪]\ntags: [网格员, 静默管理]\n'
done
article "$c/typo1.md" 笔误一 2022-10-05 \
	'district: 离石区\ncommunity: 昌宁社\nreporters: [王五, 李燕]\ntags: [静默管理, 网格]\n'
article "$c/typo2.md" 笔误二 2022-10-06 'district: 离石区\ncommunity: 昌宁社\ntags: [网格]\n'
article "$c/typo3.md" 笔误三 2022-10-07 'district: 离石区\ncorrespondents: [郭君琪]\n'
run "$c"
same "a tag, a community, a reporter and a correspondent one character from a better-known one: a warning each, at the rarer one's first use" <<'EOF'
TMP/near/typo1.md:7:14: warning: tag '网格' is one character from '网格员' (used by 3 reports): a typo?
    tags: [静默管理, 网格]
                     ^
TMP/near/typo3.md:5:18: warning: correspondent '郭君琪' is one character from '郭珺琪' (used by 3 reports): a typo?
    correspondents: [郭君琪]
                     ^
TMP/near/typo1.md:6:17: warning: reporter '李燕' is one character from '李艳' (used by 3 reports): a typo?
    reporters: [王五, 李燕]
                      ^
TMP/near/typo1.md:5:12: warning: community '昌宁社' is one character from '昌宁社区' (used by 3 reports): a typo?
    community: 昌宁社
               ^
EOF
say "$([ $st = 0 ] && [ -f "$tmp/out/reports/typo1/index.html" ] && echo 0 || echo 1)" \
	"warnings alone: the build succeeds (status $st) and writes the site"
cp -a "$tmp/out" "$tmp/before"
run "$c" --strict
say "$([ $st = 1 ] && grep -q '^sitegen: build failed: 4 error(s) (warnings count under --strict); the output was not changed$' "$tmp/got" &&
	diff -r "$tmp/before" "$tmp/out" >/dev/null && echo 0 || echo 1)" \
	"under --strict the same warnings fail the build (status $st) and the previous output is unchanged"

# Real, distinct names one character apart stay quiet: both used by several
# reports; a replaced character that reads differently (王丹/王勇, 东湖/西湖,
# as in content/); a person one character longer (王静/王静怡); communities
# of different districts; names of one character.
c=$tmp/distinct
mkdir -p "$c"
for i in 1 2 3; do
	article "$c/a$i.md" "甲$i" "2022-09-0$i" \
		'district: 离石区\ncommunity: 西湖社区\nreporters: [李艳, 王勇]\ncorrespondents: [王静怡]\ntags: [网格员, 疫]\n'
	article "$c/b$i.md" "乙$i" "2022-09-1$i" 'district: 离石区\nreporters: [李燕]\ntags: [网格]\n'
done
article "$c/c.md" 丙 2022-09-21 \
	'district: 离石区\ncommunity: 东湖社区\nreporters: [王丹]\ncorrespondents: [王静]\ntags: [役]\n'
article "$c/d.md" 丁 2022-09-22 'district: 石楼县\ncommunity: 西湖社\n'
run "$c" --strict
say "$([ $st = 0 ] && [ ! -s "$tmp/got" ] && echo 0 || echo 1)" \
	"distinct names one character apart (each used by 3 reports, read differently, a longer person's name, another district, one character) build under --strict without a word"
sed 's/^/#   /' "$tmp/got"

# The same report twice: a warning at the second's title (by path), naming the first;
# the same title on another day is not.
c=$tmp/twice
mkdir -p "$c"
article "$c/a.md" 连心卡连起你我他 2022-10-31 'district: 离石区\n'
article "$c/b.md" 连心卡连起你我他 2022-10-31 'district: 离石区\nreporters: [李艳]\n'
article "$c/c.md" 连心卡连起你我他 2022-11-01 'district: 离石区\n'
article "$c/d.md" 月份 2022-10 'district: 离石区\n'
article "$c/e.md" 月份 2022-10 'city: 吕梁市\n'
run "$c"
same "a second report with the title and date of another: a warning at its title naming the other, also for month-only dates" <<'EOF'
TMP/twice/e.md:2:8: warning: same title and date as TMP/twice/d.md: the same report twice?
    title: 月份
           ^
TMP/twice/b.md:2:8: warning: same title and date as TMP/twice/a.md: the same report twice?
    title: 连心卡连起你我他
           ^
EOF
say "$([ $st = 0 ] && echo 0 || echo 1)" "the same report twice is a warning, not an error (status $st)"

# A city given as a district, and a district given as a city.
c=$tmp/level
mkdir -p "$c"
article "$c/a.md" 城市 2022-10-01 'district: 吕梁市\n'
article "$c/b.md" 区县 2022-10-02 'city: 离石区\n'
run "$c"
same "district: 吕梁市 says it is a city, city: 离石区 that it is a district of 吕梁市" <<'EOF'
TMP/level/a.md:4:11: error: district '吕梁市' is a city: use 'city: 吕梁市'
    district: 吕梁市
              ^
TMP/level/b.md:4:7: error: city '离石区' is a district of 吕梁市: use 'district: 离石区'
    city: 离石区
          ^
sitegen: build failed: 2 error(s); the output was not changed
EOF
say "$([ $st = 1 ] && echo 0 || echo 1)" "a city or district at the wrong level fails the build (status $st)"

# Two mistakes in one file: a bad date (parse) and an unknown district
# (index); a missing title and a city given as a district.
c=$tmp/two
mkdir -p "$c"
article "$c/a.md" 两处错误 2022-13-01 'district: 小店县\n'
printf -- '---\ndate: 2022-10-01\ndistrict: 太原市\n---\n正文。\n' >"$c/b.md"
run "$c"
same "two mistakes in one file are both reported: a bad date and an unknown district, a missing title and a city as district" <<'EOF'
TMP/two/a.md:3:7: error: date '2022-13-01' has no such month
    date: 2022-13-01
          ^
TMP/two/b.md:1:1: error: missing required key 'title'
    ---
    ^
TMP/two/a.md:4:11: error: unknown district '小店县': not in tests/errors/config.yml's regions (nearest: 小店区, 石楼县, 离石区)
    district: 小店县
              ^
TMP/two/b.md:3:11: error: district '太原市' is a city: use 'city: 太原市'
    district: 太原市
              ^
sitegen: build failed: 4 error(s); the output was not changed
EOF
say "$([ $st = 1 ] && echo 0 || echo 1)" "two mistakes in one file fail the build once (status $st)"

# A report of a scan whose other reports (or page file) give a page, itself
# giving none: a `page:` forgotten (it would be listed apart from that page).
mkdir -p "$tmp/unpaged"
article "$tmp/unpaged/a.md" 甲 2020-01-01 'city: 吕梁市\npage: 一版\nsource: scan_1\n'
article "$tmp/unpaged/b.md" 乙 2020-01-02 'city: 吕梁市\nsource: scan_1\n'
article "$tmp/unpaged/c.md" 丙 2020-01-03 'city: 吕梁市\nsource: scan_2\n'
article "$tmp/unpaged/d.md" 丁 2020-01-04 'city: 吕梁市\nsource: scan_2\n'
run "$tmp/unpaged"
same "a report with its scan's source and no page, where another gives the page: a warning at its source line, once" <<'EOF'
TMP/unpaged/b.md:5:1: warning: this report gives no 'page', but other files of its source give the page '一版': add "page: 一版"? (without it the report is not listed on that page)
    source: scan_1
    ^
EOF
say "$([ $st = 0 ] && echo 0 || echo 1)" "the forgotten page is a warning, not an error (status $st)"

# A build that finds nothing changed says again the warnings the last build
# said (they are still there: `make site` twice said none the second time);
# once they are mended, no build says them. Kept in the cache directory
# (this test's own, in a subshell: the run's is left as it is).
# The config's and the listing's warnings are said by every build (each
# once: found by a reviewer said twice), and one about a file since removed
# is not said again.
(
export SITEGEN_CACHE_DIR="$tmp/cache"
mkdir -p "$tmp/again"
article "$tmp/again/a.md" 甲 2020-01-01 'city: 吕梁市\nmood: 晴\n'
article "$tmp/again/b.md" 乙 2020-01-02 'city: 吕梁市\n'
echo notes >"$tmp/again/notes.txt"
CFG=$tmp/again-config.yml
{ cat tests/errors/config.yml; echo 'bogus_key: 1'; } >"$CFG"
run "$tmp/again"
cp "$tmp/got" "$tmp/first"
run "$tmp/again"
if [ -s "$tmp/first" ] && cmp -s "$tmp/first" "$tmp/got" && [ $st = 0 ]; then
	say 0 "a build with nothing changed says the last build's warnings again"
else
	say 1 "a build with nothing changed: its messages differ from the last build's"
	sed 's/^/#   /' "$tmp/first" "$tmp/got"
fi
"$BIN" --config $CFG --content "$tmp/again" --out "$tmp/out" 2>/dev/null | grep -q 'nothing changed' &&
	say 0 "(and it is one that found nothing changed)" || say 1 "the second build did not find nothing changed"
[ "$(grep -c "unknown key 'bogus_key'" "$tmp/got")" = 1 ] && [ "$(grep -c 'notes.txt' "$tmp/got")" = 1 ] &&
	say 0 "the config's and the listing's warnings once each" || say 1 "the config's or the listing's warnings not once"
rm "$tmp/again/notes.txt"
run "$tmp/again"
! grep -q 'notes.txt' "$tmp/got" && grep -q 'mood' "$tmp/got" &&
	say 0 "a file removed since is not warned of again" || { say 1 "a file removed since: warned of again"; sed 's/^/#   /' "$tmp/got"; }
{ cat tests/errors/config.yml; } >"$CFG"
article "$tmp/again/a.md" 甲 2020-01-01 'city: 吕梁市\n'
run "$tmp/again"
run "$tmp/again"
say "$([ $st = 0 ] && [ ! -s "$tmp/got" ] && echo 0 || echo 1)" "once mended, a build with nothing changed says none"
)

# The archive itself has none of these.
run content --config config.yml --strict
say "$([ $st = 0 ] && [ ! -s "$tmp/got" ] && echo 0 || echo 1)" "content/ builds under --strict without a warning"
sed 's/^/#   /' "$tmp/got"
