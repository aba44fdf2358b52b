#!/bin/sh
# Bad input: every case must fail with exit status 1, print exactly the
# messages in tests/errors/<case>/expected (`path:line:col: error: …` and the
# offending line), and leave the previous output exactly as it was.
# With UPDATE=1 the expected files are rewritten from what the build prints.
set -u
B=${B:-build}
BIN=$B/sitegen
CFG=tests/errors/config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A good build first: the output every failing build must leave alone.
if ! "$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/out" --quiet; then
	echo "not ok - errors: the good fixture does not build"
	exit 1
fi
cp -a "$tmp/out" "$tmp/before"

check_case() {	# name content-dir [extra sitegen args]
	name=$1 content=$2
	shift 2
	"$BIN" --config $CFG --content "$content" --out "$tmp/out" --strict --quiet "$@" 2>"$tmp/stderr" >/dev/null
	status=$?
	# paths under $tmp vary from run to run; show them as TMP
	sed "s|$tmp|TMP|g" "$tmp/stderr" >"$tmp/got"
	expected=tests/errors/$name/expected
	if [ "${UPDATE:-}" = 1 ]; then
		mkdir -p "tests/errors/$name"
		cp "$tmp/got" "$expected"
	fi
	if [ "$status" -ne 1 ]; then
		echo "not ok - errors: $name: exit status $status, expected 1"
		sed 's/^/#   /' "$tmp/got"
	elif ! diff -u "$expected" "$tmp/got" >"$tmp/diff" 2>&1; then
		echo "not ok - errors: $name: messages differ from $expected"
		sed 's/^/#   /' "$tmp/diff"
	else
		echo "ok - errors: $name: $(grep -m1 -o 'error: .*' "$tmp/got")"
	fi
	if diff -r "$tmp/before" "$tmp/out" >"$tmp/diff" 2>&1; then
		echo "ok - errors: $name: the previous output is unchanged"
	else
		echo "not ok - errors: $name: the previous output changed"
		sed 's/^/#   /' "$tmp/diff"
	fi
}

for dir in tests/errors/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ "$name" = good ] && continue
	[ -d "$dir/content" ] || continue
	check_case "$name" "$dir/content"
done

# Invalid UTF-8: a Latin-1 byte in the title.
mkdir -p "$tmp/utf8"
printf -- '---\ntitle: caf\351\ndate: 2022-10-31\ndistrict: 离石区\n---\n\nbody\n' >"$tmp/utf8/a.md"
check_case invalid-utf8 "$tmp/utf8"

# An unreadable file: a link to nothing (root can read any file, so a mode of
# 000 would not do in CI).
mkdir -p "$tmp/unreadable"
cp tests/errors/good/content/ok.md "$tmp/unreadable/ok.md"
ln -s "$tmp/nowhere.md" "$tmp/unreadable/gone.md"
check_case unreadable-file "$tmp/unreadable"

# A template error: an unclosed section in a copy of the theme.
cp -r theme "$tmp/theme"
printf '{{<base}}{{$content}}\n<ul>\n{{#latest}}<li>{{title}}</li>\n</ul>\n{{/content}}{{/base}}\n' >"$tmp/theme/templates/home.mustache"
check_case template-error tests/errors/good/content --theme "$tmp/theme"

# Config errors: a key given twice, an empty output_dir.
printf 'title: T\nregions:\n  山西省:\n    吕梁市: [离石区]\nregions:\n  山西省:\n    太原市: [小店区]\n' >"$tmp/dup.yml"
if "$BIN" --config "$tmp/dup.yml" --content tests/errors/good/content --out "$tmp/out" --quiet 2>"$tmp/stderr"; then
	echo "not ok - errors: a config key given twice was accepted"
elif grep -q "dup.yml:5:1: error: duplicate key 'regions' (first given on line 2)" "$tmp/stderr" &&
	diff -r "$tmp/before" "$tmp/out" >/dev/null; then
	echo "ok - errors: a config key given twice is an error at its place, and the output is unchanged"
else
	echo "not ok - errors: a config key given twice: wrong message or damaged output"
	sed 's/^/#   /' "$tmp/stderr"
fi
printf 'title: T\noutput_dir:\nregions:\n  山西省:\n    吕梁市: [离石区]\n' >"$tmp/noout.yml"
if (cd "$tmp" && "$OLDPWD/$BIN" --config noout.yml --content "$OLDPWD/tests/errors/good/content" \
	--theme "$OLDPWD/theme" --quiet) 2>"$tmp/stderr"; then
	echo "not ok - errors: an empty output_dir was accepted"
elif grep -q "'output_dir' is empty" "$tmp/stderr" && [ ! -e /index.html ]; then
	echo "ok - errors: an empty output_dir is refused (nothing is written at the file system's root)"
else
	echo "not ok - errors: an empty output_dir: wrong message"
	sed 's/^/#   /' "$tmp/stderr"
fi

# The output directory is never somebody else's: a non-empty directory
# without the marker is refused and left alone.
mkdir -p "$tmp/precious"
echo keep >"$tmp/precious/notes.txt"
if "$BIN" --config $CFG --content tests/errors/good/content --out "$tmp/precious" --quiet 2>"$tmp/stderr"; then
	echo "not ok - errors: a foreign output directory was written to"
elif [ "$(cat "$tmp/precious/notes.txt")" = keep ] && [ "$(ls -A "$tmp/precious")" = notes.txt ] &&
	grep -q 'refusing to write here' "$tmp/stderr"; then
	echo "ok - errors: a non-empty directory that is not an earlier output is refused and left alone"
else
	echo "not ok - errors: the foreign directory was changed, or the message is missing"
	sed 's/^/#   /' "$tmp/stderr"
fi
