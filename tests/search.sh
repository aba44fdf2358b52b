#!/bin/sh
# Search: recall and precision. Builds content/ and a 2,000-article synthetic archive (bench/corpus.c,
# sentences taken from content/), and checks every query of tests/search-queries.txt against a
# brute-force scan of the reports' text, reading the index files the way the browser does
# (tests/search_check.js, run by Node: installed from Debian when missing).
set -u
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v node >/dev/null 2>&1; then
	echo "# search: installing the Debian package nodejs"
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo="sudo -n"; fi
	{ flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs; } \
		>"$tmp/apt.log" 2>&1
	if ! command -v node >/dev/null 2>&1; then
		echo "skip - search: node could not be installed"
		exit 0
	fi
fi

build() {	# name sitegen-arguments…
	name=$1
	shift
	if ! "$B/sitegen" "$@" --quiet >"$tmp/log" 2>&1; then
		echo "not ok - search $name: the archive does not build"
		sed 's/^/#   /' "$tmp/log"
		return 1
	fi
}

status=0
if build content/ --content content --out "$tmp/site"; then
	page=$tmp/site/search/index.html
	if sed -n '/<noscript>/,/<\/noscript>/p' "$page" | tr -d '\n' |
		grep 'JavaScript' | grep 'href="../places/index.html"' | grep -q 'href="../dates/index.html"'; then
		echo "ok - search: without JavaScript the search page says so and links to the place and date indexes"
	else
		echo "not ok - search: search/index.html has no <noscript> note linking to places/ and dates/"
		status=1
	fi
	pages=$(find "$tmp/site" -name '*.html' ! -path '*/search/*' | wc -l)
	boxes=$(grep -l '<form class="site-search" role="search" action="[^\"]*search/index.html" method="get">' \
		$(find "$tmp/site" -name '*.html' ! -path '*/search/*') | xargs grep -l 'for="site-search-q"' |
		xargs grep -l '<input id="site-search-q" type="search" name="q"' | wc -l)
	if [ "$pages" -gt 0 ] && [ "$boxes" = "$pages" ]; then
		echo "ok - search: every page but the search page has the header's search form, a labelled GET field q ($pages pages)"
	else
		echo "not ok - search: $boxes of $pages pages have the header's search form"
		status=1
	fi
	node tests/search_check.js --label content/ "$tmp/site" tests/search-queries.txt || status=1
else
	status=1
fi
if "$B/corpus" 2000 "$tmp/c2k" content 800 >"$tmp/log" 2>&1 &&
	build "2,000-article corpus" --config "$tmp/c2k/config.yml" --content "$tmp/c2k/content" --out "$tmp/c2k-out"; then
	node tests/search_check.js --label "2,000-article corpus" "$tmp/c2k-out" tests/search-queries.txt || status=1
else
	echo "not ok - search: the 2,000-article corpus could not be written"
	sed 's/^/#   /' "$tmp/log"
	status=1
fi
# Text the browser's Unicode knows better than the generator's ICU (CJK Extension I, U+2EBF0), a hard line
# break (two lines on the page: no match across it), a soft break between Latin words (a space).
mkdir -p "$tmp/edge/content/2022"
cat >"$tmp/edge/content/2022/2022-01-05-edge.md" <<'MD'
---
title: 边角文字
date: 2022-01-05
district: 离石区
---

社区书记张𮯰明走访了各家。

地址：离石区滨河路\
电话：12345

café
bar
MD
# Terms of five or more characters are decided by their 4-character grams, and by the positions of those
# whose 3-character overlap repeats in a report: reports holding every gram of a term but not the term
# (the grams apart, one in the title and one in the text, a run of one character shorter than the term),
# the term in the title only, and a term whose overlaps repeat elsewhere in the report.
edge_report() {	# NAME TITLE BODY
	printf -- '---\ntitle: %s\ndate: 2022-01-%s\ndistrict: 离石区\n---\n\n%s\n' "$2" "$1" "$3" \
		>"$tmp/edge/content/2022/2022-01-$1-chain.md"
}
edge_report 10 '甲乙丙丁戊' '正文没有它。'
edge_report 11 '分开的' '甲乙丙丁己，庚乙丙丁戊。'
edge_report 12 '甲乙丙丁' '乙丙丁戊在正文。'
edge_report 13 '连着的' '甲乙丙丁戊，还有乙丙丁和甲乙丙。'
edge_report 14 '重复' '哈哈哈哈哈。一二三四五六七八，三四五六，四五六七九。'
edge_report 15 '再重复' '哈哈哈哈哈哈哈。二三四五九。'
printf '张𮯰明\n𮯰\n滨河路\n电话\n滨河路电话\ncafébar\ncafé bar\n甲乙丙丁戊\n乙丙丁戊\n甲乙丙丁己\n哈哈哈哈哈\n哈哈哈哈哈哈\n一二三四五六七八\n四五六七八\n三四五六七九\n二三四五九\n' \
	>"$tmp/edge/q.txt"
# in the lists (a tail of 1: tests/search_incremental.sh), so that the index decides, not the texts
if SITEGEN_SEARCH_TAIL=1 build "edge cases" --config tests/golden/config.yml --content "$tmp/edge/content" --out "$tmp/edge/out" &&
	grep -q '"b":[1-9]' "$tmp/edge/out/search/index.js"; then
	node tests/search_check.js --label "edge text" "$tmp/edge/out" "$tmp/edge/q.txt" >"$tmp/edge/log" 2>&1 || status=1
	grep -E '^(ok|not ok|skip)' "$tmp/edge/log" | grep -E "张|𮯰|滨河路|电话|café|甲|乙|哈|二|三|四|not ok"
	if grep -q "'𮯰' finds 1 reports (= brute force)" "$tmp/edge/log" && grep -q "'滨河路电话' finds 0 reports" "$tmp/edge/log" &&
		grep -q "'cafébar' finds 0 reports" "$tmp/edge/log" && grep -q "'café bar' finds 1 reports" "$tmp/edge/log" &&
		grep -q "'甲乙丙丁戊' finds 2 reports (= brute force)" "$tmp/edge/log" &&
		grep -q "'哈哈哈哈哈哈' finds 1 reports (= brute force)" "$tmp/edge/log" &&
		! grep -q "^not ok" "$tmp/edge/log"; then
		echo "ok - search: a CJK Extension I character is found; no match runs across a hard line break or joins Latin words;" \
			"a term of 5 or more characters is found exactly where its 4-character grams line up"
	else
		echo "not ok - search: edge text (Extension I, hard break, soft break between Latin words, long terms)"
		status=1
	fi
else
	status=1
fi
# the same edge text in the tail (the default: fewer than 32 reports), in its own lists, tg/ and tp/
if build "edge cases, by text" --config tests/golden/config.yml --content "$tmp/edge/content" --out "$tmp/edge/tail" &&
	grep -q '"b":0,' "$tmp/edge/tail/search/index.js"; then
	if node tests/search_check.js --label "edge text in the tail" "$tmp/edge/tail" "$tmp/edge/q.txt" >"$tmp/edge/log" 2>&1; then
		echo "ok - search: the edge text's $(grep -c '^ok' "$tmp/edge/log") checks pass with every report in the tail (its own lists, tg/ and tp/)"
	else
		grep '^not ok' "$tmp/edge/log"
		status=1
	fi
else
	status=1
fi

# index.js's "b" must be a whole number from 0 to "n": anything else is a damaged index, said as such
# (null compares as 0, and "b":1.5 would ask for d/1.5.js)
for bad in null 1.5 '"1"' -1 99999; do	# "b"; then a number of shards that is no power of two
	rm -rf "$tmp/badb" && cp -R "$tmp/edge/tail" "$tmp/badb"
	sed -i "s/\"b\":0,/\"b\":$bad,/" "$tmp/badb/search/index.js"
	if node tests/search_check.js --engine "$tmp/badb" 甲乙 >"$tmp/log" 2>&1; then
		echo "not ok - search: index.js with \"b\":$bad is taken: $(head -c 200 "$tmp/log")"
		status=1
	elif grep -q '搜索索引已损坏(index.js)' "$tmp/log"; then
		echo "ok - search: index.js with \"b\":$bad is a damaged index"
	else
		echo "not ok - search: index.js with \"b\":$bad: $(head -c 200 "$tmp/log")"
		status=1
	fi
done
rm -rf "$tmp/badb" && cp -R "$tmp/edge/tail" "$tmp/badb"
tg=$(sed -n 's/.*"tg":\([0-9]*\),.*/\1/p' "$tmp/badb/search/index.js")
sed -i "s/\"tg\":$tg,/\"tg\":$((tg * 3)),/" "$tmp/badb/search/index.js"
if ! node tests/search_check.js --engine "$tmp/badb" 甲乙 >"$tmp/log" 2>&1 && grep -q '搜索索引已损坏(index.js)' "$tmp/log"; then
	echo "ok - search: index.js with \"tg\":$((tg * 3)), no power of two, is a damaged index"
else
	echo "not ok - search: index.js with \"tg\":$((tg * 3)): $(head -c 200 "$tmp/log")"
	status=1
fi

# a misspelt SITEGEN_SEARCH_TAIL is said, and the default used
SITEGEN_SEARCH_TAIL=' 8' "$B/sitegen" --config tests/golden/config.yml --content "$tmp/edge/content" --out "$tmp/edge/spelt" \
	--quiet >"$tmp/log" 2>&1
if grep -q "warning: SITEGEN_SEARCH_TAIL= 8 is not a whole number from 1 to 4096: 32 is used" "$tmp/log" &&
	grep -q '"b":0,' "$tmp/edge/spelt/search/index.js"; then
	echo "ok - search: SITEGEN_SEARCH_TAIL=' 8' is said not to be a number, and 32 used"
else
	echo "not ok - search: SITEGEN_SEARCH_TAIL=' 8': $(cat "$tmp/log" | head -3)"
	status=1
fi
exit $status
