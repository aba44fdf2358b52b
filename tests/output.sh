#!/bin/sh
# The output directory is the user's: a build removes only what an earlier
# build of ours wrote; two builds at once, or a build killed midway, never
# leave it broken; a dangling symbolic link as the output is left alone.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$B/corpus" 600 "$tmp/c" content >/dev/null || { echo "not ok - output: the corpus generator failed"; exit 1; }
build() {	# out-dir [args]
	out=$1
	shift
	"$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$out" --quiet "$@"
}
same() {	# dir dir
	diff -r -x .sitegen-state -x .sitegen-output -x .git -x CNAME -x .nojekyll "$1" "$2" >"$tmp/diff" 2>&1
}
build "$tmp/ref" || { echo "not ok - output: the corpus does not build"; exit 1; }

# A deployed public/ is often a git checkout with CNAME and .nojekyll beside the pages.
cp -a "$tmp/ref" "$tmp/dep"
mkdir -p "$tmp/dep/.git/refs" && echo "ref: refs/heads/main" >"$tmp/dep/.git/HEAD"
echo archive.example.org >"$tmp/dep/CNAME"
: >"$tmp/dep/.nojekyll"
echo "notes" >"$tmp/dep/reports/notes.txt"
gone=$(find "$tmp/c/content" -name '*.md' | sort | sed -n 50p)
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
build "$tmp/two" 2>"$tmp/err1" & p1=$!
build "$tmp/two" --force 2>"$tmp/err2" & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && same "$tmp/ref" "$tmp/two"; then
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
	[ "$round" = rebuild ] && { build "$tmp/k"; find "$tmp/c/content" -name '*.md' | sort | sed -n 7p | xargs -I{} sh -c 'printf "\n改动。\n" >>"{}"'; }
	build "$tmp/k" --force & pid=$!
	# kill it once it has written part of its files (new pages, or staged ones)
	for i in $(seq 400); do
		n=$(find "$tmp/k" -newer "$tmp/c/config.yml" -type f 2>/dev/null | head -300 | wc -l)
		[ "$n" -ge 300 ] && break
		sleep 0.005
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	build "$tmp/k" 2>"$tmp/err"
	status=$?
	rm -rf "$tmp/kref"
	build "$tmp/kref"
	if [ $status -eq 0 ] && same "$tmp/kref" "$tmp/k"; then
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
