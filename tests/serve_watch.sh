#!/bin/sh
# serve's build process watches the output's folders between builds
# (write_watch.c) and keeps the files nothing touched without looking at each.
# Driven here as serve drives it (a byte on stdin a build, its status on fd 3):
# after each way of changing the output behind its back, the next build's
# output equals a plain build's of the same inputs, and the watch is seen
# doing its work (SITEGEN_TIMING's count of files kept on it).
what="serve watch"
cleanup_more() { [ -n "${dir3:-}" ] && umount "$tmp/$dir3" 2>/dev/null; }
. tests/worker_lib.sh
start_worker out
# tampered WHAT: the last build looked at a file the watch saw changed, and
# its output is a plain build's
tampered() {
	if [ "$(looked)" -gt 0 ] && [ "$(on_watch)" -gt 0 ]; then
		same "$1 (the watch saw it: $(looked) looked at, $(on_watch) kept on it)"
	elif awk '/load\+parse/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$tmp/worker.log" |
		grep -q "watch stopped: \(a file system was mounted\|the user's inotify watches ran out\)"; then
		# a mount anywhere (the tests beside this one mount some; a
		# browser's sandbox may) stops the watch, and then every file is
		# looked at, as it must be: a failure of CI's once, not the watch's
		same "$1 (the watch stopped for a mount elsewhere: every file looked at, $(looked))"
	else
		fail "$1: the watch did not single it out ($(looked) looked at, $(on_watch) kept on it)" worker.log
	fi
}
# the last build's count of files kept on the watch
on_watch() { grep "taken on the output's watch" "$tmp/worker.log" | tail -1 | sed 's/.*) \([0-9]*\),.*/\1/'; }
looked() { grep "taken on the output's watch" "$tmp/worker.log" | tail -1 | sed 's/.*looked at \([0-9]*\)/\1/'; }
# the files the build before the last wrote (those the last looked at, as
# events named them)
written_before() { grep 'files written' "$tmp/worker.log" | tail -2 | head -1 | sed 's/.*(\([0-9]*\) files written.*/\1/'; }

build || { fail "the first build failed" worker.log status; exit 0; }
edit
build || fail "the second build failed" worker.log
edit
build || fail "the third build failed" worker.log
# (a mount anywhere stops the watch until a later commit: a build or two
# more, a second apart, as at the end)
tries=0
while ! { [ "$(looked)" -le "$(written_before)" ] && [ "$(on_watch)" -gt 0 ]; } && [ $tries -lt 2 ] &&
	awk '/load\+parse/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$tmp/worker.log" |
	grep -q "watch stopped: \(a file system was mounted\|the user's inotify watches ran out\)"; do
	tries=$((tries + 1))
	sleep 1
	edit
	build || fail "a build after a mount failed" worker.log
done
n=$(on_watch)
if [ "${n:-0}" -gt 0 ] && [ "$(looked)" -le "$(written_before)" ]; then
	pass "a body edit keeps $n files on the watch, looks at $(looked) (the build before wrote $(written_before))"
else
	fail "the watch kept ${n:-no} files, looked at $(looked)" worker.log
fi
same "after three builds"
# the earlier build's list of files: as the last commit left it, not read again
listed() { grep "the earlier build's files" "$tmp/worker.log" | tail -1 | sed "s/.*files //"; }
[ "$(listed)" = "as its commit left them" ] && pass "a body edit's build takes the list of files the last commit left" ||
	fail "a body edit's build: the earlier build's files $(listed)" worker.log

# A report added: its build writes files the earlier state did not list; the
# next build takes the list that commit left, the new files in it, and a new
# file changed by hand after it is still made again.
sed 's/^title: .*/title: 新加的一篇报道/; s/^date: .*/date: 2022-11-30/' content/2022/lianxinka.md >content/2022/added-one.md
build || fail "the build of an added report failed" worker.log
edit
build || fail "the build after a report was added failed" worker.log
[ "$(listed)" = "as its commit left them" ] &&
	same "after a report was added, the next build takes the list its commit left, the new files in it" ||
	fail "after a report was added: the earlier build's files $(listed)" worker.log
new_page=$(grep -l '新加的一篇报道' out/reports/*/index.html | head -1)
if [ -n "$new_page" ]; then
	sed -i 's/<title>/<TITLE>/' "$new_page"
	edit
	build && tampered "a page first written by the build before, changed in place, is made again"
else
	fail "the added report's page is not in out/reports"
fi
# and removed: its build removes its files (the list it took names them),
# and the build after that reads the state that commit wrote
rm content/2022/added-one.md
build || fail "the build after the added report was removed failed" worker.log
[ -z "$(grep -l '新加的一篇报道' out/reports/*/index.html)" ] &&
	same "the added report removed, its pages are removed" || fail "the added report's page is still there"
edit
build || fail "the build after the added report's removal failed" worker.log
[ "$(listed)" = "read from the state" ] && same "the build after a removal reads the state" ||
	fail "the build after a removal: the earlier build's files $(listed)" worker.log

# A page changed in place (same size), appended to, removed, made a link.
page=tags/index.html
sed -i 's/<title>/<TITLE>/' "out/$page"
edit
build && tampered "a page changed in the output in place is made again"
printf 'changed by hand' >>out/index.html
edit
build && tampered "a page appended to in the output is made again"
victim=$(find out/reports -name index.html | head -1)
rm "$victim"
edit
build && tampered "a page removed from the output is made again"
echo '<p>not ours</p>' >elsewhere.html
rm out/feed.xml && ln -s "$tmp/elsewhere.html" out/feed.xml
edit
build && tampered "a page replaced by a link is made again" && [ ! -L out/feed.xml ] ||
	fail "the link is still there"

# A folder moved away and copied back with one page changed; a folder
# replaced by a link to a changed copy.
dir=$(dirname "$(find out/places -name index.html | head -1)")
mv "$dir" moved
cp -r moved "$dir"
sed -i 's/<body/<body data-x="1"/' "$dir/index.html"
edit
build && tampered "a folder moved away and copied back, one page changed, is made again"
dir2=$(dirname "$(find out/reporters -name index.html | tail -1)")
cp -r "$dir2" copy && sed -i 's/<body/<body data-y="1"/' copy/index.html
rm -r "$dir2" && ln -s "$tmp/copy" "$dir2"
edit
build && tampered "a folder replaced by a link to a changed copy is made again" && [ ! -L "$dir2" ] ||
	fail "the folder link is still there"

# A page changed through a hard link (inotify names the change by the link's
# name, not the page's): found by the look at every file after a build, so
# made again by the second build after the change at the latest.
ln out/index.html out/assets/zz.html
sed 's/<title>/<TITLE>/' out/assets/zz.html >zz && cat zz >out/assets/zz.html	# in place, through the link
rm out/assets/zz.html
edit
build
sleep 2	# (the look between builds waits 0.5 s without a build asked for, and stops at one: time for it)
edit
build && same "a page changed through a hard link is made again by the second build after"

# A file system mounted over a watched folder sends no event: the mount
# itself stops the watch. (Root only.)
dir3=$(dirname "$(find out/reports -name index.html | tail -1)")
cp -r "$dir3" saved
if [ "$(id -u)" = 0 ] && mount -t tmpfs sitegen-test "$dir3" 2>/dev/null; then
	cp -r saved/. "$dir3/"
	sed -i 's/<body/<body data-z="1"/' "$dir3/index.html"
	edit
	# (a commit cannot move a page across file systems: the build fails, as a
	# plain build does, rather than keep the changed page)
	if build; then
		same "a file system mounted over a watched folder, a page changed in it, is made again"
	elif grep -q 'Invalid cross-device link' worker.log; then
		pass "a file system mounted over a watched folder, a page changed in it: not kept, the build says it cannot replace it"
	else
		fail "a file system mounted over a watched folder: the build failed" worker.log
	fi
	umount "$dir3"
	edit
	build && same "the file system unmounted again, the folder's own files are made again"
else
	echo "skip - serve watch: a file system mounted inside the output (needs root and mount)"
fi

# The state changed by someone else: the watch starts again from looking.
edit
build
printf '# by hand\n' >>out/.sitegen-state
edit
build || fail "the build after the state was changed failed" worker.log
same "after the state was changed by hand"
case $(listed) in
"not known"*) pass "the build after the state was changed by hand does not take the list: it reads the state, damaged" ;;
*) fail "the build after the state was changed by hand: the earlier build's files $(listed)" worker.log ;;
esac

# Another build into the same output between two of the process's (a
# `make site` while serve runs): the next build reads the state it left.
edit
build
edit
build
edit
"$bin" build --out out --theme theme --quiet 2>cli.err || fail "a plain build into serve's output failed" cli.err
edit
build || fail "the build after a plain build into its output failed" worker.log
[ "$(listed)" = "read from the state" ] && same "after a plain build into its output, the next build reads the state" ||
	fail "after a plain build into its output: the earlier build's files $(listed)" worker.log
edit
build
[ "$(listed)" = "as its commit left them" ] && same "the build after that takes its own commit's list again" ||
	fail "two builds after a plain build: the earlier build's files $(listed)" worker.log

# More events than the kernel's queue holds: the watch starts again, and a
# page changed among them is made again.
max=$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384)
edit
build
# (two files closed in turn: the kernel merges an event only with the one before it)
(cd out && : >xa && : >xb && i=0 && while [ $i -lt $((max / 2 + 100)) ]; do : >>xa; : >>xb; i=$((i + 1)); done && rm xa xb)
sed -i 's/<title>/<TITLE>/' "out/$page"
edit
build || fail "the build after an overflow failed" worker.log
[ "$(looked)" -gt 0 ] && pass "after the queue overflowed, the next build looks at the files ($(looked))" ||
	fail "after an overflow the next build looked at $(looked) files" worker.log
same "a page changed among more events than the queue holds is made again"
edit
build
edit
build
n=$(on_watch)
[ "${n:-0}" -gt 0 ] && pass "the watch is back two builds after the overflow ($n files kept on it)" ||
	fail "the watch did not come back after the overflow" worker.log

# The status names the output the commit's files changed (its digest as the
# earlier state said it): after another build into the same output between
# two of the kept process's (make site beside serve), that other build's,
# not the output the last status named, so serve tells the open pages no
# list (found by a review: a page the other build changed stayed stale)
edit
build
before=$(statuses | tail -1)
edit
SITEGEN_CACHE_DIR=$tmp/other-cache "$bin" build --out out --theme theme --quiet 2>other.err || fail "the other build failed" other.err
other=$(sed -n 's/^outputs \([0-9a-f]*\)$/\1/p' out/.sitegen-state | head -1)
edit
build
after=$(statuses | tail -1)
if [ -n "$other" ] &&
	[ "$(echo "$after" | cut -d' ' -f4)" = "$other" ] && [ "$other" != "$(echo "$before" | cut -d' ' -f2)" ]; then
	pass "after another build into the same output, the status names that build's output as the one its files changed"
else
	fail "after another build into the same output: statuses '$before', '$after', the other build's output $other" worker.log
fi
same "after another build into the same output between two"

end_worker && pass "the build process ends at the end of its input, status 0" ||
	fail "the build process did not end well at the end of its input" worker.log

# The output named through a link to its folder: watched all the same.
mv out real-out && ln -s real-out out-link
start_worker out-link
edit
build
edit
build
edit
build || fail "a build into a linked output failed" worker.log
n=$(on_watch)
[ "${n:-0}" -gt 0 ] && pass "an output named through a link is watched ($n files kept on the watch)" ||
	fail "an output named through a link is not watched" worker.log
rm -rf ref && "$bin" build --out ref --theme theme --quiet 2>ref.err
diff -r -x '.*' real-out ref >diff 2>&1 && pass "the linked output equals a plain build's" ||
	fail "the linked output differs from a plain build's" diff
end_worker || fail "the second build process did not end well" worker.log

# Fewer watches than folders: those holding most files are watched, the
# others' files looked at by each build.
start_worker out-link SITEGEN_WATCH_FOLDERS=5
edit
build
edit
build
folders=$(grep "taken on the output's watch" worker.log | tail -1 | sed 's/.*(\([0-9]*\) folders).*/\1/')
if [ "${folders:-0}" -ge 1 ] && [ "$folders" -le 5 ] && [ "$(on_watch)" -gt 0 ] && [ "$(looked)" -gt 0 ]; then
	pass "5 watches for 103 folders: $folders watched, $(on_watch) files kept on them, $(looked) looked at"
else
	fail "5 watches: $folders folders watched, $(on_watch) kept on them, $(looked) looked at" worker.log
fi
sed -i 's/<title>/<TITLE>/' real-out/index.html "$(find real-out/reports -name index.html | head -1)"
edit
build
rm -rf ref && "$bin" build --out ref --theme theme --quiet 2>ref.err
diff -r -x '.*' real-out ref >diff 2>&1 && pass "5 watches: a page in a watched folder and one in another changed by hand, both made again" ||
	fail "5 watches: the output differs from a plain build's" diff
end_worker || fail "the third build process did not end well" worker.log

# A build asked for while the watches are being set after the first build
# (two bytes at once: the second is waiting when that work begins): the work
# stops, the build looks at the files not looked at yet, and the output is a
# plain build's; the build after it has the watch whole.
"$here/$B/corpus" 200 c200 "$here/content" 400 >/dev/null 2>&1 || fail "the corpus generator failed"
cd c200 || exit 1
start_worker out
parsed=$(grep -c 'load+parse' "$tmp/worker.log")
printf xx >&4
# a report edited once the first build has read them (so the second has
# something to do)
waited=0
while [ "$(grep -c 'load+parse' "$tmp/worker.log")" -le "$parsed" ] && [ $waited -lt $limit ]; do
	sleep 0.05
	waited=$((waited + 1))
done
printf '\n编辑。\n' >>"$(find content -name '*.md' | head -1)"
waited=0
while [ "$(wc -l <"$tmp/status")" -lt 2 ] && [ $waited -lt $limit ]; do sleep 0.1; waited=$((waited + 1)); done
builds=2
[ "$(statuses | cut -d' ' -f1 | sed -n 1,2p | tr -d '\n')" = 00 ] || fail "the two builds of 200 reports failed" ../worker.log
n=$(on_watch)
l=$(looked)
grep "taken on the output's watch" ../worker.log | tail -1 >../cut.txt
rm -rf ref && "$bin" build --out ref --theme "$tmp/theme" --quiet 2>ref.err
if [ "$l" -gt 0 ] && diff -r -x '.*' out ref >../diff 2>&1; then
	pass "a build asked for while the watches were set: $n files kept on them, $l looked at, the output a plain build's"
else
	fail "a build asked for while the watches were set ($n kept on them, $l looked at)" ../cut.txt ../diff
fi
printf '\n再次编辑。\n' >>"$(find content -name '*.md' | head -1)"
build
# (a file system mounted or unmounted anywhere, or the user's watches run
# out, stops the watch until a later commit: the tests beside this one mount
# some and watch much; then up to two builds more, a second apart, for the
# watch to be set again)
last_build() { awk '/load\+parse/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' ../worker.log; }
tries=0
while ! { [ "$(looked)" -le "$(written_before)" ] && [ "$(on_watch)" -gt 0 ]; } && [ $tries -lt 2 ] &&
	last_build | grep -q "watch stopped: \(a file system was mounted\|the user's inotify watches ran out\)"; do
	tries=$((tries + 1))
	sleep 1
	printf '\n再次编辑%d。\n' $tries >>"$(find content -name '*.md' | head -1)"
	build
done
[ "$(looked)" -le "$(written_before)" ] && [ "$(on_watch)" -gt 0 ] &&
	pass "the next build has the watch whole ($(on_watch) kept on it; builds more: $tries)" ||
	fail "the next build: $(on_watch) kept on the watch, $(looked) looked at" ../worker.log
end_worker || fail "the fourth build process did not end well" ../worker.log

# A commit that fails midway after its build took the last commit's list:
# the state it puts back (made anew from that list) is whole, and the next
# build, reading it, makes the output a plain build's. (Not under a
# sanitizer, which cannot run under LD_PRELOAD.)
cd "$tmp" || exit 1
if sanitized "$bin"; then
	echo "skip - $what: a failed commit after a taken list (a sanitizer's build cannot run under LD_PRELOAD)"
	exit 0
fi
rm -rf out
: >worker.log
# the edited report's page: its second rename into place after the process's first build fails
start_worker out LD_PRELOAD="$here/$B/tests/fault.so" FAULT_RENAME_TO=reports/ FAULT_RENAME=1 FAULT_ONCE=1
build || fail "a failed commit: the first build failed" worker.log
edit
build || fail "a failed commit: the second build failed" worker.log
edit
if build; then
	fail "a failed commit: the third build did not fail" worker.log
elif [ "$(listed)" = "as its commit left them" ] && grep -q 'cannot move into place' worker.log; then
	edit
	build || fail "a failed commit: the build after it failed" worker.log
	kept=$(grep 'pages made' worker.log | tail -1 | sed 's/.*kept \([0-9]*\).*/\1/')
	if [ "$(listed)" = "read from the state" ] && [ "${kept:-0}" -gt 0 ]; then
		same "a commit failed after its build took the last commit's list: the state put back lists the files ($kept pages kept by the next build), whose output is a plain build's"
	else
		fail "the build after a failed commit: the earlier build's files $(listed), ${kept:-no} pages kept" worker.log
	fi
else
	fail "a failed commit: not the failure meant (a taken list, a move that failed)" worker.log
fi
end_worker || fail "the fifth build process did not end well" worker.log
exit 0
