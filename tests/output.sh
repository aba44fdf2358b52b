#!/bin/sh
# The output directory is the user's: a build removes only what an earlier
# build of ours wrote; two builds at once, or a build killed midway, never
# leave it broken; a dangling symbolic link as the output is left alone.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Two corpora: most checks are about which files a build keeps, removes or refuses, the same on 8
# articles as on more (each of the ~45 builds of 80 took 0.2 s); a build stopped midway, or two at once,
# need one long enough to be caught while it writes: 80 articles ($tmp/big, bbuild).
"$B/corpus" 8 "$tmp/c" content >/dev/null && "$B/corpus" 80 "$tmp/big" content >/dev/null ||
	{ echo "not ok - output: the corpus generator failed"; exit 1; }
build() {	# out-dir [args]
	out=$1
	shift
	"$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" --quiet "$@"
}
bbuild() {	# out-dir [args]: build of the 80 articles
	out=$1
	shift
	"$BIN" --config "$tmp/big/config.yml" --content "$tmp/big/content" --out "$out" --quiet "$@"
}
restate() {	# state: its end line made right again after an edit by hand
	sed -i '$d' "$1" && printf 'end %s\n' "$(wc -c <"$1")" >>"$1"
}
same() {	# dir dir
	diff -r -x .sitegen-state -x .sitegen-output -x .git -x CNAME -x .nojekyll "$1" "$2" >"$tmp/diff" 2>&1
}
build "$tmp/ref" && bbuild "$tmp/bref" || { echo "not ok - output: the corpus does not build"; exit 1; }

# A deployed public/ is often a git checkout with CNAME and .nojekyll beside the pages.
cp -a "$tmp/ref" "$tmp/dep"
mkdir -p "$tmp/dep/.git/refs" && echo "ref: refs/heads/main" >"$tmp/dep/.git/HEAD"
echo archive.example.org >"$tmp/dep/CNAME"
: >"$tmp/dep/.nojekyll"
echo "notes" >"$tmp/dep/reports/notes.txt"
gone=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 6p)
mv "$gone" "$tmp/gone.md"
build "$tmp/dep"
slug=$(basename "$gone" .md)
if [ -f "$tmp/dep/.git/HEAD" ] && [ -f "$tmp/dep/CNAME" ] && [ -f "$tmp/dep/.nojekyll" ] &&
	[ -f "$tmp/dep/reports/notes.txt" ]; then
	echo "ok - output: a rebuild keeps files it did not write (.git/, CNAME, .nojekyll, a note among the pages)"
else
	echo "not ok - output: a rebuild removed files it did not write"
fi
if [ ! -e "$tmp/dep/reports/$slug" ]; then
	echo "ok - output: the page of a deleted article is removed"
else
	echo "not ok - output: reports/$slug lingers after its article was deleted"
fi
mv "$tmp/gone.md" "$gone"
build "$tmp/dep" --force

# Two builds into the same directory at once: both succeed, one after the other.
rm -rf "$tmp/two"
bbuild "$tmp/two" 2>"$tmp/err1" & p1=$!
bbuild "$tmp/two" --force 2>"$tmp/err2" & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && same "$tmp/bref" "$tmp/two"; then
	echo "ok - output: two builds into one new directory at once both succeed and leave a full build's output"
else
	echo "not ok - output: two builds at once: status $s1 and $s2"
	cat "$tmp/err1" "$tmp/err2" | head -5 | sed 's/^/#   /'
	head -5 "$tmp/diff" | sed 's/^/#   /'
fi
if grep -q "another build is writing" "$tmp/err1" "$tmp/err2"; then
	echo "ok - output: the second build says it waits for the first"
else
	echo "skip - output: the two builds did not overlap this time"
fi

# A build killed midway (kill -9): the next one repairs the output to a full build's.
for round in first rebuild; do
	rm -rf "$tmp/k"
	[ "$round" = rebuild ] && { bbuild "$tmp/k"; find "$tmp/big/content" -name '*.md' | sort | sed -n 7p | xargs -I{} sh -c 'printf "\n改动。\n" >>"{}"'; }
	"$BIN" --config "$tmp/big/config.yml" --content "$tmp/big/content" --out "$tmp/k" --quiet --force & pid=$!
	# kill it once it has written part of its files (new pages, or staged ones)
	for i in $(seq 400); do
		n=$(find "$tmp/k" -newer "$tmp/big/config.yml" -type f 2>/dev/null | head -300 | wc -l)
		[ "$n" -ge 300 ] && break
		kill -0 $pid 2>/dev/null || break	# done before that: nothing to kill
		sleep 0.005
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	killed=$?	# 137 when the kill came before the build's end
	bbuild "$tmp/k" 2>"$tmp/err"
	status=$?
	# the reference: the corpus as it is now (bref until the rebuild round edits it)
	kref="$tmp/bref"
	if [ "$round" = rebuild ]; then
		kref="$tmp/kref"
		bbuild "$kref"
	fi
	if [ "$killed" -ne 137 ]; then
		echo "skip - output: the $round build ended (status $killed) before it could be killed this time"
	elif [ $status -eq 0 ] && same "$kref" "$tmp/k"; then
		echo "ok - output: after a $round build killed midway, the next build equals a full build"
	else
		echo "not ok - output: after a $round build killed midway: status $status"
		head -5 "$tmp/err" "$tmp/diff" | sed 's/^/#   /'
	fi
done

# A dangling symbolic link as the output directory is an error, and the link stays.
ln -s "$tmp/nowhere" "$tmp/link"
if build "$tmp/link" 2>"$tmp/err"; then
	echo "not ok - output: a dangling link as the output directory was accepted"
elif [ -L "$tmp/link" ] && grep -q "symbolic link to something that does not exist" "$tmp/err" &&
	[ "$(grep -c "error:" "$tmp/err")" -eq 1 ]; then
	echo "ok - output: a dangling link as the output directory is one clear error, and the link stays"
else
	echo "not ok - output: a dangling link as the output directory"
	sed 's/^/#   /' "$tmp/err"
fi

# Inputs inside the output directory are refused before anything is written.
mkdir -p "$tmp/nest"
cp -a "$tmp/ref" "$tmp/nest/out"
cp -r content "$tmp/nest/out/content"
if "$BIN" --content "$tmp/nest/out/content" --out "$tmp/nest/out" --quiet 2>"$tmp/err"; then
	echo "not ok - output: content inside the output directory was accepted"
elif grep -q "the content directory is inside the output directory" "$tmp/err" &&
	diff -r content "$tmp/nest/out/content" >/dev/null && [ -f "$tmp/nest/out/index.html" ]; then
	echo "ok - output: content inside the output directory is refused, and nothing is removed"
else
	echo "not ok - output: content inside the output directory"
	sed 's/^/#   /' "$tmp/err"
fi

# A first build killed midway, then .git/ and CNAME added: the repair keeps them.
rm -rf "$tmp/k"
"$BIN" --config "$tmp/big/config.yml" --content "$tmp/big/content" --out "$tmp/k" --quiet & pid=$!
for i in $(seq 400); do
	[ "$(find "$tmp/k" -type f 2>/dev/null | head -300 | wc -l)" -ge 300 ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.005
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
killed=$?	# 137 when the kill came before the build's end
mkdir -p "$tmp/k/.git" "$tmp/k/assets" && echo "ref: refs/heads/main" >"$tmp/k/.git/HEAD" && echo example.org >"$tmp/k/CNAME"
echo "a { }" >"$tmp/k/assets/mine.css"
# (the content is as the rebuild round above left it: kref is its full build)
bbuild "$tmp/k" 2>"$tmp/err"
status=$?
if [ "$killed" -ne 137 ]; then
	echo "skip - output: the first build ended (status $killed) before it could be killed this time"
elif [ $status -eq 0 ] && [ -f "$tmp/k/.git/HEAD" ] && [ -f "$tmp/k/CNAME" ] && rm "$tmp/k/assets/mine.css" &&
	grep -q "^sitegen: 1 file in .* is not this build's (assets/mine.css): left by a first build that was stopped" "$tmp/err" &&
	same "$tmp/kref" "$tmp/k"; then
	echo "ok - output: repairing a killed first build keeps .git/, CNAME and a file put among the pages since (and says so), and equals a full build"
else
	echo "not ok - output: repairing a killed first build removed .git/, CNAME or assets/mine.css, or differs from a full build (status $status)"
	sed 's/^/#   /' "$tmp/err"
fi

# Nothing is ever removed through a symbolic link, even one the state lists paths through.
rm -rf "$tmp/s" "$tmp/victim"
build "$tmp/s"
mkdir -p "$tmp/victim/sub" && echo x >"$tmp/victim/keep.html" && echo x >"$tmp/victim/sub/index.html"
ln -s "$tmp/victim" "$tmp/s/lnk"
sed -i '/^files$/a lnk/keep.html\nlnk/sub/index.html' "$tmp/s/.sitegen-state" && restate "$tmp/s/.sitegen-state"
build "$tmp/s" --force
if [ -f "$tmp/victim/keep.html" ] && [ -f "$tmp/victim/sub/index.html" ]; then
	echo "ok - output: files a state lists through a symbolic link that leads out are never removed"
else
	echo "not ok - output: a build removed files outside the output through a symbolic link"
fi
# reports/ replaced by a link to a copy: after an edit, the rebuild still holds every page
rm -rf "$tmp/s/lnk" "$tmp/copy"
cp -a "$tmp/s/reports" "$tmp/copy" && rm -rf "$tmp/s/reports" && ln -s "$tmp/copy" "$tmp/s/reports"
f=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 3p)
cp "$f" "$tmp/saved.md" && printf '\n补一句。\n' >>"$f"
build "$tmp/s"
n=$(find "$tmp/s/reports" -name index.html | wc -l)
want=$(find "$tmp/c/content" -name '*.md' | wc -l)
if [ ! -L "$tmp/s/reports" ] && [ "$n" -eq "$want" ] && [ -d "$tmp/copy" ]; then
	echo "ok - output: reports/ as a link to a copy is replaced by a real directory holding every page ($n), the copy left alone"
else
	echo "not ok - output: reports/ as a link: $n pages after the rebuild (of $want)"
fi
cp "$tmp/saved.md" "$f"
# the same with a new report: its page, a new path below the link, is no reason to stop either
rm -rf "$tmp/copy" && cp -a "$tmp/s/reports" "$tmp/copy" && rm -rf "$tmp/s/reports" && ln -s "$tmp/copy" "$tmp/s/reports"
before=$(find "$tmp/copy" | wc -l)
sed "0,/^title: '/s/^title: '/title: '新添/" "$f" >"$(dirname "$f")/newly-added.md"
if build "$tmp/s" 2>"$tmp/err" && [ ! -L "$tmp/s/reports" ] && [ -f "$tmp/s/reports/newly-added/index.html" ] &&
	[ "$(find "$tmp/copy" | wc -l)" -eq "$before" ]; then
	echo "ok - output: reports/ as a link with a report added: made a real directory with the new page, the copy left alone"
else
	echo "not ok - output: reports/ as a link with a report added (the copy: $before entries, now $(find "$tmp/copy" | wc -l))"
	sed 's/^/#   /' "$tmp/err"
fi
rm -f "$(dirname "$f")/newly-added.md"

# A folder of ours replaced by a link while a build runs (after its pages below it were looked at and kept):
# the build stops with an error and changes nothing, rather than moving the link aside with those pages and
# ending with exit 0 and them missing; the next build repairs. (tests/fault: the build waits at the
# stylesheet's copy, after the pages and the index, and says so with a file.)
if sanitized "$BIN"; then	# the fault library cannot be preloaded before a sanitizer's runtime
	echo "skip - output: a folder replaced by a link while the build runs: $BIN is built with a sanitizer"
else
	rm -rf "$tmp/sw" "$tmp/sw-copy" "$tmp/sw-gone" "$tmp/sw-mark"
	build "$tmp/sw"
	f=$(grep -l '^tags: \[' "$tmp/c/content"/*/*.md | sort | sed -n 2p)
	cp "$f" "$tmp/saved.md" && sed -i "0,/^title: '/s/^title: '/title: '改题/" "$f"
	FAULT_SLOW=static/style.css FAULT_SLOW_MS=2500 FAULT_SLOW_MARK="$tmp/sw-mark" LD_PRELOAD="$(pwd)/$B/tests/fault.so" \
		"$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/sw" --quiet 2>"$tmp/err" &
	pid=$!
	i=0
	while [ ! -e "$tmp/sw-mark" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	cp -a "$tmp/sw/tags" "$tmp/sw-copy" && mv "$tmp/sw/tags" "$tmp/sw-gone" && ln -s "$tmp/sw-copy" "$tmp/sw/tags"
	wait $pid
	status=$?
	if [ -e "$tmp/sw-mark" ] && [ $status = 1 ] && grep -q "tags: error: became a link while the build ran" "$tmp/err" &&
		[ -L "$tmp/sw/tags" ]; then
		echo "ok - output: a folder replaced by a link while the build runs: an error, nothing changed (not exit 0 with pages missing)"
	else
		echo "not ok - output: a folder replaced by a link while the build runs (status $status, mark: $([ -e "$tmp/sw-mark" ] && echo yes || echo no))"
		sed 's/^/#   /' "$tmp/err"
	fi
	build "$tmp/sw"
	rm -rf "$tmp/sw-ref" && build "$tmp/sw-ref"
	if [ ! -L "$tmp/sw/tags" ] && same "$tmp/sw-ref" "$tmp/sw"; then
		echo "ok - output: the next build makes the link a real folder again and equals a full build"
	else
		echo "not ok - output: after a folder became a link mid-build, the next build differs from a full build"
		head -5 "$tmp/diff" | sed 's/^/#   /'
	fi
	cp "$tmp/saved.md" "$f"
fi

# A CNAME (or any file of the user's) does not stop "nothing changed"; a leftover .staging does, once.
rm -rf "$tmp/n"
build "$tmp/n" && echo example.org >"$tmp/n/CNAME" && echo note >"$tmp/n/reports/note.txt"
if "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/n" | grep -q "nothing changed"; then
	echo "ok - output: files of the user's in the output leave an unchanged archive unchanged (nothing changed)"
else
	echo "not ok - output: a CNAME in the output makes every build render again"
fi
mkdir -p "$tmp/n/.staging/reports" && echo x >"$tmp/n/.staging/reports/x.html"
build "$tmp/n"
if [ ! -e "$tmp/n/.staging" ] && [ -f "$tmp/n/CNAME" ]; then
	echo "ok - output: a staging directory left by a killed build is removed by the next build"
else
	echo "not ok - output: a leftover .staging survived the next build"
fi

# A FIFO or a link to /dev/zero as the state file neither hangs nor exhausts the build.
rm -f "$tmp/n/.sitegen-state" && mkfifo "$tmp/n/.sitegen-state"
if timeout 60 "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/n" --quiet 2>"$tmp/err" &&
	[ -f "$tmp/n/.sitegen-state" ] && [ ! -p "$tmp/n/.sitegen-state" ]; then
	echo "ok - output: a FIFO in place of the state file is replaced, the build does not wait on it"
else
	echo "not ok - output: a FIFO as the state file (status $?)"
	sed 's/^/#   /' "$tmp/err"
fi
rm -f "$tmp/n/.sitegen-state" && ln -s /dev/zero "$tmp/n/.sitegen-state"
if timeout 60 "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/n" --quiet 2>"$tmp/err"; then
	echo "ok - output: a link to /dev/zero in place of the state file is harmless"
else
	echo "not ok - output: a link to /dev/zero as the state file"
	sed 's/^/#   /' "$tmp/err"
fi

# An output inside the content or the theme is refused, also before it exists.
mkdir -p "$tmp/in/content" && cp -r "$tmp/c/content/2020" "$tmp/in/content/"
cp -r theme "$tmp/in/theme"
for case in content theme; do
	if [ "$case" = content ]; then o="$tmp/in/content/public"; else o="$tmp/in/theme/static/out"; fi
	if "$BIN" --config "$tmp/c/config.yml" --content "$tmp/in/content" --theme "$tmp/in/theme" --out "$o" --quiet 2>"$tmp/err"; then
		echo "not ok - output: an output inside the $case was accepted"
	elif grep -q "the output directory is inside the $case" "$tmp/err" && [ ! -e "$o" ]; then
		echo "ok - output: an output directory inside the $case is refused before anything is written"
	else
		echo "not ok - output: an output inside the $case"
		sed 's/^/#   /' "$tmp/err"
	fi
done

# A file or folder of the user's where a build would put a page is an error, and is left as it was: a tag
# whose page goes where the user keeps a file of that name; a folder of theirs where a page of ours was.
# So with every kind of state: whole; a commit's that did not end (it lists the old files and the new);
# cut short, missing, or a first build's that was stopped (nothing listed: a file where a folder of ours goes,
# or a folder where a file goes, is the user's).
victim=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 5p)
cp "$victim" "$tmp/victim.md"
own_state() {	# kind: $tmp/own from ref, its state made so
	rm -rf "$tmp/own" && cp -a "$tmp/ref" "$tmp/own"
	st="$tmp/own/.sitegen-state"
	case $1 in
	commit) sed -i 's/^inputs .*/inputs 0000000000000000/; /^-- extra$/,$d' "$st" && echo end >>"$st" && restate "$st" ;;
	cut) truncate -s $(($(wc -c <"$st") / 2)) "$st" ;;
	missing) rm "$st" ;;
	stopped) printf 'sitegen-state 2\ninputs 0000000000000000\noutputs 0000000000000000\nincomplete\nend 0\n' >"$st" &&
		restate "$st" ;;
	esac
}
for kind in whole commit cut missing stopped; do
	own_state $kind
	echo "my notes" >"$tmp/own/tags/wo-de-biao-qian"
	sed -i 's/^tags: \[/tags: [我的标签, /' "$victim"
	build "$tmp/own" 2>"$tmp/err"
	status=$?
	if [ $status -ne 0 ] && grep -q "tags/wo-de-biao-qian: error: a file that this generator did not write stands where the build puts tags/wo-de-biao-qian/[^ ]*;" "$tmp/err" &&
		[ "$(cat "$tmp/own/tags/wo-de-biao-qian")" = "my notes" ]; then
		echo "ok - output: a file of the user's where a new page goes is an error naming it, and is kept ($kind state)"
	else
		echo "not ok - output: a file of the user's where a new page goes, $kind state (status $status, file: $(cat "$tmp/own/tags/wo-de-biao-qian" 2>&1))"
		sed 's/^/#   /' "$tmp/err"
	fi
	cp "$tmp/victim.md" "$victim"
	# a link of the user's there, to a file or to nothing, is the user's too (no state lists a file below it)
	for link in "to a file" dangling; do
		own_state $kind
		rm -f "$tmp/link-target" && if [ "$link" != dangling ]; then echo note >"$tmp/link-target"; fi
		ln -s "$tmp/link-target" "$tmp/own/tags/wo-de-biao-qian"
		sed -i 's/^tags: \[/tags: [我的标签, /' "$victim"
		build "$tmp/own" 2>"$tmp/err"
		status=$?
		if [ $status -ne 0 ] && grep -q "tags/wo-de-biao-qian: error: a file that this generator did not write stands where" "$tmp/err" &&
			[ -L "$tmp/own/tags/wo-de-biao-qian" ] && { [ "$link" = dangling ] || [ "$(cat "$tmp/link-target")" = note ]; }; then
			echo "ok - output: a link of the user's ($link) where a new page's folder goes is an error naming it, and is kept ($kind state)"
		else
			echo "not ok - output: a link of the user's ($link) where a new page's folder goes, $kind state (status $status)"
			sed 's/^/#   /' "$tmp/err"
		fi
		cp "$tmp/victim.md" "$victim"
	done
	# where nothing is listed, a file where a page goes is taken for an earlier page, but only a regular one
	if [ $kind != whole ] && [ $kind != commit ]; then
		own_state $kind
		rm "$tmp/own/feed.xml" && mkfifo "$tmp/own/feed.xml"
		timeout 60 "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/own" --quiet 2>"$tmp/err"
		status=$?
		if [ $status = 1 ] && grep -q "feed.xml: error: a file that this generator did not write stands where the build puts feed.xml" "$tmp/err" &&
			[ -p "$tmp/own/feed.xml" ]; then
			echo "ok - output: a FIFO where a page goes is the user's, not an earlier page: an error naming it, and kept ($kind state)"
		else
			echo "not ok - output: a FIFO where a page goes, $kind state (status $status)"
			sed 's/^/#   /' "$tmp/err"
		fi
	fi
	own_state $kind
	rm "$tmp/own/feed.xml" && mkdir "$tmp/own/feed.xml" && echo mine >"$tmp/own/feed.xml/user.txt"
	echo "一段新的正文。" >>"$victim"
	build "$tmp/own" 2>"$tmp/err"
	status=$?
	if [ $status -ne 0 ] && grep -q "feed.xml: error: a folder with files that this generator did not write (or an empty one) stands where the build puts feed.xml" "$tmp/err" &&
		[ "$(cat "$tmp/own/feed.xml/user.txt")" = mine ]; then
		echo "ok - output: a folder of the user's where a page of ours was is an error naming it, and is kept ($kind state)"
	else
		echo "not ok - output: a folder of the user's where a page of ours was, $kind state (status $status)"
		sed 's/^/#   /' "$tmp/err"
	fi
	cp "$tmp/victim.md" "$victim"
done
# A file of the user's where a folder of ours stands in a whole state's list (search/ made a file), and an
# empty folder of theirs where a page goes: errors, everything as it was. A build that fails so puts back
# the state it found, whatever it said (a damaged one is said again next time).
for kind in whole cut; do
	own_state $kind
	cp "$tmp/own/.sitegen-state" "$tmp/state-before"
	rm -r "$tmp/own/search" && echo "my placeholder" >"$tmp/own/search"
	echo "一段新的正文。" >>"$victim"
	build "$tmp/own" 2>"$tmp/err"
	status=$?
	if [ $status -ne 0 ] && grep -q "own/search: error: a file that this generator did not write stands where the build puts search/" "$tmp/err" &&
		[ "$(cat "$tmp/own/search")" = "my placeholder" ] && cmp -s "$tmp/state-before" "$tmp/own/.sitegen-state"; then
		echo "ok - output: a file of the user's where a folder of ours was is an error naming it, kept, the state as it was ($kind state)"
	else
		echo "not ok - output: a file of the user's where a folder of ours was, $kind state (status $status)"
		sed 's/^/#   /' "$tmp/err"
	fi
	cp "$tmp/victim.md" "$victim"
done
own_state whole
rm "$tmp/own/404.html" && mkdir -p "$tmp/own/404.html/drafts/2024"
echo "一段新的正文。" >>"$victim"
build "$tmp/own" 2>"$tmp/err"
status=$?
if [ $status -ne 0 ] && grep -q "404.html: error: a folder with files that this generator did not write (or an empty one)" "$tmp/err" &&
	[ -d "$tmp/own/404.html/drafts/2024" ]; then
	echo "ok - output: an empty folder of the user's where a page goes is an error, and is kept"
else
	echo "not ok - output: an empty folder of the user's where a page goes (status $status)"
	sed 's/^/#   /' "$tmp/err"
fi
cp "$tmp/victim.md" "$victim"
# and with nothing listed, a file where a file of ours goes is taken for an earlier page and replaced
own_state cut
echo "不是页面" >"$tmp/own/index.html"
if build "$tmp/own" 2>"$tmp/err" && ! grep -q "不是页面" "$tmp/own/index.html"; then
	echo "ok - output: with a state cut short, a file where a page of ours goes is taken for an earlier page and replaced"
else
	echo "not ok - output: with a state cut short, index.html was not replaced"
	sed 's/^/#   /' "$tmp/err"
fi

# A missing .sitegen-state (a checkout of the pages without it) is said, not silently taken as "nothing of ours".
cp -a "$tmp/ref" "$tmp/nostate"
rm "$tmp/nostate/.sitegen-state"
build "$tmp/nostate" 2>"$tmp/err"
status=$?
build "$tmp/nostate" 2>"$tmp/err2"
build "$tmp/fresh" 2>/dev/null
if [ $status -eq 0 ] && grep -q "nostate/.sitegen-state is missing: the files earlier builds wrote cannot be told from yours" "$tmp/err" &&
	[ ! -s "$tmp/err2" ] && same "$tmp/fresh" "$tmp/nostate"; then
	echo "ok - output: a missing state is said once, and the pages are a full build's"
else
	echo "not ok - output: a missing state (status $status)"
	sed 's/^/#   /' "$tmp/err" "$tmp/err2" "$tmp/diff"
fi

# A state damaged (cut short by a copy that stopped, its end line moved up, empty, or
# its end line not as the program writes it) is said and not trusted: every page is
# made, the user's file among the pages stays, and the next build is quiet again.
rm -rf "$tmp/cutref" && build "$tmp/cutref"
for how in cut moved empty signed; do
	rm -rf "$tmp/cut"
	cp -a "$tmp/cutref" "$tmp/cut"
	echo "mine" >"$tmp/cut/reports/mine.txt"
	n=$(wc -c <"$tmp/cut/.sitegen-state")
	if [ $how = cut ]; then
		truncate -s $((n / 2)) "$tmp/cut/.sitegen-state"
	elif [ $how = empty ]; then
		: >"$tmp/cut/.sitegen-state"
	elif [ $how = signed ]; then	# "end +N": not as the program writes it
		sed -i '$s/^end /end +/' "$tmp/cut/.sitegen-state"
	else
		head -c $((n / 2)) "$tmp/cut/.sitegen-state" >"$tmp/half" && tail -1 "$tmp/cut/.sitegen-state" >>"$tmp/half"
		mv "$tmp/half" "$tmp/cut/.sitegen-state"
	fi
	build "$tmp/cut" 2>"$tmp/err"
	status=$?
	build "$tmp/cut" 2>"$tmp/err2"
	if [ $status -eq 0 ] && grep -q "cut/.sitegen-state is damaged (cut short or changed)" "$tmp/err" &&
		[ ! -s "$tmp/err2" ] && [ "$(cat "$tmp/cut/reports/mine.txt")" = mine ] && rm "$tmp/cut/reports/mine.txt" &&
		same "$tmp/cutref" "$tmp/cut"; then
		echo "ok - output: a state damaged ($how) is said once and not trusted; the user's file stays, the pages are a full build's"
	else
		echo "not ok - output: a state damaged ($how) (status $status)"
		sed 's/^/#   /' "$tmp/err" "$tmp/err2" "$tmp/diff"
	fi
done
