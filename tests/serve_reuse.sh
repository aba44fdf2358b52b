#!/bin/sh
# serve's build process keeps the articles and index of a build that ended
# well, and a build after edits of bodies, titles and subtitles alone indexes nothing again
# (build_reuse.h). Driven as serve drives it: after each kind of change the
# output equals a plain build's of the same inputs, the build says the
# messages a plain build says, and it kept the index only where it may.
what="serve reuse"
. tests/worker_lib.sh
# a warning from the front matter (an unknown key) and one from the index
# (a name one character from another's), said again by every build
printf -- '---\ntitle: 另一篇报道\ndate: 2022-11-02\ndistrict: 离石区\ncorrespondents: [武小力]\nmood: 晴\n---\n\n正文。\n' \
	>content/2022/another.md

# whether the last build kept the index: "kept", "added" (kept, the one
# report added filed into it as the newest: index_add_newest) or "whole"
how() {
	if grep -q "and the one added (indexed as the newest), the others kept with the earlier build's index" worker.log; then
		echo added
	elif grep -q "the others kept with the earlier build's index" worker.log; then
		echo kept
	else
		echo whole
	fi
}
# step WHAT WANT: one build after a change, its output a plain build's, its
# warnings a plain build's, and the index kept (WANT kept) or made (whole;
# any: any of them)
step() {
	: >worker.log	# the process appends: the last build's messages alone
	if ! build; then
		fail "$1: the build failed" worker.log
		return
	fi
	got=$(how)
	[ "$got" = "$2" ] || [ "$2" = any ] || fail "$1: the index was $got, not $2" worker.log
	same "$1 (index $got)"
	says_as "$1" warning ref.err
}
# says_as WHAT KIND REF: the last build said the messages of KIND (warning,
# error) a plain build said into REF, in its order
says_as() {
	grep "$2:" worker.log >said.worker
	grep "$2:" "$3" >said.ref
	if [ -s said.ref ] && cmp -s said.worker said.ref; then
		pass "$1: the same $(wc -l <said.ref) ${2}s as a plain build, in its order"
	else
		fail "$1: the ${2}s differ from a plain build's" said.worker said.ref
	fi
}
body() { printf '\n第%s段。\n' "$2" >>"content/2022/$1.md"; }

# No parse cache at first: a build that parses everything again puts the
# files of 2 s and older into it, which a kept index then depends on (below).
# The files 2 s old: a file changed less than that before it was read is
# read again by the next build (parse_cache.h), and a bundle read again
# is indexed again.
sleep 2.1
start_worker out SITEGEN_CACHE_DIR=off
step "the first build" whole
body lianxinka 1
step "a body edit" kept
body lianxinka 2
step "another body edit of the same report" kept
n=$(sed -n "s/^sitegen: pages made [0-9]*, kept [0-9]* (\([0-9]*\) by their files' places)$/\1/p" worker.log)
[ "${n:-0}" -gt 50 ] && pass "the build after kept $n pages by their files' places in the earlier list" ||
	fail "the build after kept no page by its files' places" worker.log
body youtamenzai 3
body another 3
step "two reports' bodies edited at once" kept
# youtamenzai is in the texts' dictionary's sample (search_dict.c): the
# build before counted the sample, this one takes its old text off the
# counts and counts its new one
body youtamenzai 3b
step "a report of the dictionary's sample edited again" kept
grep -q "dictionary from the counts kept, 1 of the sample's" worker.log &&
	pass "its dictionary made from the counts kept, the report counted again" ||
	fail "the dictionary was not made from the counts kept" worker.log
# a printed page's note (kind: page) is no article of the listings: its
# body is on the series' page (found by a reviewer: kept unchanged)
sed -i 's/编者按的正文/编者按的新正文/' content/2022/page.md
step "a printed page's note's body edited" kept
grep -q '编者按的新正文' out/series/*/index.html && pass "its series' page has the note's new text" ||
	fail "the series' page has the old note"
# a title or subtitle is read by the pages through each article's item,
# never by the index (build_reuse.c: front_alike, indexed_alike)
sed -i "2s/.*/title: '连心卡改过'/" content/2022/lianxinka.md
step "a title edited" kept
n=$(grep -rl '连心卡改过' out --include=index.html | wc -l)
[ "$n" -ge 3 ] && pass "the new title is on $n pages" || fail "the new title is on $n pages only"
sed -i "s/^subtitle: .*/subtitle: 副标题改过/" content/2022/youtamenzai.md
step "a subtitle edited" kept
# a subtitle's line added or taken out moves the lines after it: the index
# stands while none of its messages names the file (build_reuse.c)
sed -i '2a subtitle: 新加的副标题' content/2022/lianxinka.md
step "a subtitle added on a line of its own" kept
grep -q '新加的副标题' out/reports/*/index.html && pass "the added subtitle is on the report's page" ||
	fail "the added subtitle is not on the report's page"
sed -i '/^subtitle: 新加的副标题$/d' content/2022/lianxinka.md
step "and taken out again" kept
sed -i '2a subtitle: 另一篇的副标题' content/2022/another.md
step "a subtitle added to a report the index's warnings name (their lines move)" whole
sed -i '/^subtitle: 另一篇的副标题$/d' content/2022/another.md
step "and taken out again" whole
# the messages show a tab in a file's name as \x09: a warning names the
# file all the same (found by a hostile review: its lines were kept stale)
tab=$(printf '\t')
printf -- '---\ntitle: 名字带制表符\ndate: 2022-11-03\ndistrict: 离石区\ncorrespondents: [武小莉]\n---\n\n正文。\n' \
	>"content/2022/t${tab}ab.md"
step "a report whose file name holds a tab, named by a warning" whole
sleep 2.1
sed -i '2a subtitle: 副标题' "content/2022/t${tab}ab.md"
step "a subtitle added to it (the warning's lines move)" whole
rm "content/2022/t${tab}ab.md"
step "and removed" whole
sed -i "2s/.*/title: '连心卡改过' # 注释/" content/2022/lianxinka.md
step "a comment on the title's line" kept
# a title on a line with other fields (a flow mapping): the index's
# warnings quote that line (found by a hostile review): indexed again
printf -- '---\n{date: 2022-11-05, district: 离石区, correspondents: [武小力, 武小力], title: 旧标题}\n---\n\n正文。\n' \
	>content/2022/flow.md
step "a report in flow style added as the newest (its warning from the index)" added
sed -i 's/title: 旧标题/title: 新标题/' content/2022/flow.md
step "its title edited, on a line with fields the warnings quote" whole
rm content/2022/flow.md
step "and removed" whole
# a title the same as another report's of its date: the index warns of the
# two (index_warn_duplicates), so it is made again; and when they differ again
printf -- '---\ntitle: 又一篇报道\ndate: 2022-11-02\ndistrict: 离石区\n---\n\n又一篇的正文。\n' >content/2022/another2.md
step "a report of the same date added" whole
sed -i "2s/.*/title: 又一篇报道/" content/2022/another.md
step "a title made the same as another's of its date" whole
grep -q "same title and date as" ref.err && pass "the two are warned of" || fail "no warning of the two" ref.err
sed -i "2s/.*/title: 另一篇报道/" content/2022/another.md
step "and made another again" whole
sed -i "2s/.*/title: 另一篇报道改过/" content/2022/another.md
step "then a title edit" kept
# a whole build in the same process: the kept files' places the build
# before found serve it too (render_deps.c, keyed by the record's lines)
sed -i 's/^tags: \[静默管理, 孕妇\]/tags: [静默管理, 孕妇, 连心卡]/' content/2022/lianxinka.md
step "a tag added" whole
n=$(sed -n "s/^sitegen: pages made [0-9]*, kept [0-9]* (\([0-9]*\) by their files' places)$/\1/p" worker.log)
[ "${n:-0}" -gt 40 ] && pass "the whole build kept $n pages by their files' places" ||
	fail "the whole build kept ${n:-no} pages by their files' places" worker.log
rm content/2022/another2.md
step "the report of the same date removed" whole
# a printed page's note's title names its series: indexed again
sed -i "s/^title: .*/title: 编者按改过/" content/2022/page.md
step "a printed page's note's title edited" whole
body lianxinka 4
step "then a body edit again" kept
sed -i 's/^date_inferred: true  # 年份未印出/date_inferred: true  # 年份没有印出/' content/2022/lianxinka.md
step "a comment in the front matter changed" whole
# that build took the texts' dictionary from the earlier index (no text
# changed), counting nothing; the process counts the sample between builds,
# so the first edit of a sampled report counts that report alone
sleep 2.1
body youtamenzai 5
step "then a body edit of a sampled report" kept
grep -q "dictionary from the counts kept, 1 of the sample's" worker.log &&
	pass "its dictionary from the counts made between builds, the report counted again" ||
	fail "the dictionary was counted whole" worker.log

# a body made blank: the index warns of an empty report
cp content/2022/another.md another.keep
sed -i '/^正文。$/d; /^第.段。$/d' content/2022/another.md
step "a report's body made blank" whole
grep -q "the report has no text" ref.err && pass "a blank body is warned of" || fail "no warning of the blank body" ref.err
body another 5
step "and filled again" whole
body another 6
step "then a body edit again" kept

printf -- '---\ntitle: 新加的报道\ndate: 2022-11-03\ndistrict: 离石区\n---\n\n新的一篇。\n' >content/2022/added.md
step "a report added as the newest" added
n=$(sed -n "s/^sitegen: pages made [0-9]*, kept [0-9]* (\([0-9]*\) by their files' places)$/\1/p" worker.log)
[ "${n:-0}" -gt 0 ] && pass "with a report added, $n pages kept by their files' places, the jobs after it moved" ||
	fail "with a report added, no page kept by its files' places" worker.log
body lianxinka 7
step "then a body edit" kept
rm content/2022/added.md
step "a report removed" whole
# Reports added as the newest (index_add_newest): filed into the kept
# index when the place, tags and people are ones reports have already;
# anything else is indexed whole. Each the output and the messages of a
# plain build.
newest() {	# newest FILE DATE [FRONT MATTER LINES]
	printf -- '---\ntitle: 新的一篇%s\ndate: %s\ndistrict: 离石区\nreporters: [李艳]\ntags: [孕妇]\n%b---\n\n新的正文%s。\n' \
		"$1" "$2" "${3:-}" "$1" >"content/2022/$1.md"
}
newest n1 2022-12-01
step "a report added as the newest, on a day of its own" added
grep -q '新的一篇n1' out/index.html && pass "it is on the home page" || fail "it is not on the home page"
grep -q '新的一篇n1' out/dates/2022/12/01/index.html && pass "it has its day's page" || fail "its day has no page"
newest n2 2022-12-01
step "another of that day, its file's name after the first's" added
newest a3 2022-12-01
step "one of that day whose file's name comes first (not the newest)" whole
newest n4 2023-01 'community: 昌宁社区\n'
step "one of a new year, known to the month only, in a community reports have" added
newest n5 2023-01-02 'community: 一个新社区\n'
step "one in a community no report has" whole
newest n6 2023-01-03 'correspondents: [武小力]\n'
step "one naming a person one character from another (the index's warnings said again)" added
grep -q "one character from" worker.log && pass "the warning is said" || fail "no warning of the near name" worker.log
printf -- '---\ntitle: 新标签的\ndate: 2023-01-04\ndistrict: 离石区\ntags: [孕妇, 一个新标签]\n---\n\n正文。\n' >content/2022/n7.md
step "one with a tag no report has" whole
printf -- '---\ntitle: 市里的\ndate: 2023-01-05\ncity: 吕梁市\n---\n\n正文。\n' >content/2022/n8.md
step "one filed at the city's level" added
newest n9 2023-01-06
step "one after it in the city's district" added
newest n10 2023-01-07 'draft: true\n'
step "a draft" whole
body n9 1
step "then a body edit of the newest" kept
rm content/2022/n*.md content/2022/a3.md
step "the added reports removed" whole
printf '<!-- 改 -->\n' >>theme/templates/base.mustache
step "a template edited" whole
printf '\n' >>config.yml
step "the config edited" whole
body lianxinka 8
step "then a body edit" kept

# A file changed less than 2 s before a build read it, then written with
# the same stat data (through a map, here; in the same clock tick, on a
# coarse clock; on tmpfs a write through a map changes no time): the next
# build reads it again.
body lianxinka 8b
step "a body edit" kept
python3 -c "
import mmap
with open('content/2022/lianxinka.md', 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0)
    i = m.find('紧急'.encode())
    m[i:i + 6] = '危急'.encode()
    m.close()"
body youtamenzai 8c
step "a file written through a map just after a build read it is read again" kept
grep -q '危急' out/reports/lianxinka/index.html && pass "its new text is on its page" ||
	fail "its page has the old text"

# an error in a changed body: the build fails as a plain build does, and
# the build after it makes the index again
cp content/2022/lianxinka.md lianxinka.keep
printf '\n![图](missing.png)\n' >>content/2022/lianxinka.md
: >worker.log
if build; then
	fail "a body naming a missing image: the build passed" worker.log
else
	"$bin" build --out ref2 --theme theme --quiet 2>ref2.err
	says_as "a body naming a missing image fails" error ref2.err
fi
cp lianxinka.keep content/2022/lianxinka.md
body lianxinka 9
step "after a failed build" whole
body lianxinka 10
step "then a body edit" kept

# A process whose first build read its files within 2 s of their change
# (too new for the parse cache, and read again by each build until one
# reads them 2 s old): more than 64 such files are read by whole builds,
# the one after 2 s puts them into the cache, and the builds after that
# keep the index again.
end_worker || fail "the build process did not end well" worker.log
mkdir content/2023
for i in $(seq 70); do
	printf -- '---\ntitle: 第%s篇\ndate: 2023-01-%02d\ndistrict: 离石区\n---\n\n第%s篇的正文。\n' "$i" $((i % 28 + 1)) "$i" \
		>content/2023/r$i.md
done
written=$(date +%s%N)
start_worker out SITEGEN_CACHE_DIR="$tmp/cache0"
step "a new process's first build, 70 files too new for the cache" whole
body lianxinka 15
step "a body edit within 2 s of their change" whole
# …which holds only when the two builds were done within 2 s of the files'
# writing: on a machine busy enough to take longer (a parallel CI job), the
# second already read them 2 s old and put them into the cache
took=$((($(date +%s%N) - written) / 1000000))
sleep 2.1
body lianxinka 16
if [ "$took" -lt 1900 ]; then
	step "a body edit 2 s after" whole
	n=$(grep '^sitegen: parsed [0-9]* files' worker.log | sed 's/.*, \([0-9]*\) of them from the cache.*/\1/')
	[ "${n:-99}" -lt 70 ] || fail "that build took $n files from the cache: it was to read the 70" worker.log
else
	echo "skip - serve reuse: the first two builds took $took ms of the 2 s the files were too new: whether the next reads them again is not checked"
	step "a body edit 2 s after" any
fi
# its put changed the cache's file under the map the site's other articles'
# texts are in: the builds after it index again until one maps the file 2 s
# after that change (parse_cache.h)
body lianxinka 17
step "the next body edit" any
sleep 2.1
body lianxinka 18
step "a body edit 2 s after" any
body lianxinka 19
step "then a body edit" kept
sed -i 's/^tags: \[.*\]/tags: [静默管理]/' content/2022/lianxinka.md
step "a tag edit" whole
n=$(grep '^sitegen: parsed [0-9]* files' worker.log | sed 's/.*, \([0-9]*\) of them from the cache.*/\1/')
[ "${n:-0}" -ge 70 ] && pass "a tag edit after them takes $n files from the cache" ||
	fail "a tag edit took ${n:-no} files from the cache" worker.log
# The parse cache's file changed under the map the kept articles' texts are
# in: the next build parses everything again. A process started on a cache
# a plain build wrote, every file in it, 2 s old (parse_cache.h).
end_worker || fail "the build process did not end well" worker.log
cache=$tmp/cache
sleep 2.1
SITEGEN_CACHE_DIR=$cache "$bin" build --out other --theme theme --quiet 2>other.err || fail "a plain build failed" other.err
sleep 2.1
start_worker out SITEGEN_CACHE_DIR="$cache"
step "a new process's first build, from the cache" whole
body youtamenzai 11
step "then a body edit" kept
grep -q "[1-9][0-9]* of their texts the cache's" worker.log &&
	pass "the articles it kept have their texts in the cache's map" || fail "no text kept from the cache's map" worker.log
chmod 600 "$(ls "$cache"/parse-*.bin)"
body youtamenzai 12
step "the parse cache's file changed (its times)" whole
end_worker || fail "the build process did not end well" worker.log

# A commit whose files are the earlier build's leaves its state to be written
# after the build said it was done (write.h: write_watch_write_state): the
# state the process writes then is the one a command-line build takes as
# current, and a process killed before writing it leaves an output the next
# build makes right.
sleep 2.1
sed -i "2s/.*/title: '有他们在'/" content/2022/youtamenzai.md
start_worker out SITEGEN_CACHE_DIR="$cache"
step "a new process's first build" whole
body youtamenzai 13
step "a body edit" kept
end_worker || fail "the build process did not end well" worker.log
# the commit's staging folder (the files it replaced) goes after the status
[ ! -e out/.staging ] && pass "no staging folder left by the process's builds" ||
	fail "the process left its staging folder" worker.log
grep -q "state written after it said it was done" worker.log &&
	pass "its state was written after it said the build was done" || fail "no state written after the build" worker.log
SITEGEN_CACHE_DIR=$cache "$bin" build --out out --theme "$tmp/theme" >cli.out 2>&1
grep -q "nothing changed" cli.out && pass "a command-line build after it finds nothing changed (the state it wrote)" ||
	fail "a command-line build after it did not take its state as current" cli.out
if ! sanitized "$bin" && [ -f "$here/$B/tests/fault.so" ]; then
	sed -i "2s/.*/title: '有他们在啊'/" content/2022/youtamenzai.md
	# the first build's state is the first rename to it; the second's kills
	start_worker out SITEGEN_CACHE_DIR="$cache" LD_PRELOAD="$here/$B/tests/fault.so" FAULT_RENAME_TO=.sitegen-state \
		FAULT_RENAME=1 FAULT_KILL=1
	build || fail "the first build (its state written) failed" worker.log
	body youtamenzai 14
	build && pass "a body edit's build said it was done before its state was written" ||
		fail "the body edit's build did not say it was done" worker.log
	waited=0
	while kill -0 "$worker" 2>/dev/null && [ $waited -lt $limit ]; do sleep 0.1; waited=$((waited + 1)); done
	if kill -0 "$worker" 2>/dev/null; then
		fail "the process was not killed at its state's rename" worker.log
	else
		wait "$worker" 2>/dev/null
		worker=
		exec 4>&-
		grep -q '第14段' out/reports/*/index.html && pass "killed at its state's rename, its pages are in place" ||
			fail "the edit's pages are not in place"
		[ -d out/.staging ] && pass "killed before its staging folder was removed (after the state): it is left" ||
			fail "no staging folder left by the process killed at its state"
		SITEGEN_CACHE_DIR=$cache "$bin" build --out out --theme "$tmp/theme" --quiet 2>cli.err ||
			fail "the build after the kill failed" cli.err
		same "the build after a process killed before its state: a plain build's output"
		[ ! -e out/.staging ] && pass "and the next build removes it" || fail "the next build left the staging folder"
	fi
	# a state that cannot be written (found by a reviewer): the earlier
	# one stays, whose record says the earlier inputs; a body put back as
	# it was must not keep the page the failed build wrote, which the
	# watch saw nobody touch
	cp content/2022/youtamenzai.md youtamenzai.before
	start_worker out SITEGEN_CACHE_DIR="$cache" LD_PRELOAD="$here/$B/tests/fault.so" FAULT_RENAME_TO=.sitegen-state \
		FAULT_RENAME=1 FAULT_ONCE=1
	build || fail "the first build (its state written) failed" worker.log
	sleep 2.1
	body youtamenzai 16
	step "a body edit whose state cannot be written" any
	# said after its status (serve shows it with the next build's messages)
	grep -q "the last build's state could not be written (.*): this build looks at every file" worker.log &&
		pass "the process says the state could not be written" || fail "no word of the state not written" worker.log
	cp youtamenzai.before content/2022/youtamenzai.md
	step "then the body put back as it was" any
	grep -q "the output's watch stopped: the last build's state could not be written" worker.log &&
		pass "and looks at the output's files, its watch stopped" || fail "the watch went on trusting the files" worker.log
	end_worker || fail "the build process did not end well" worker.log
fi
