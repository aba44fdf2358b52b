#!/bin/sh
# Runs every fuzz target, built as a plain program ($B/fuzz/<target>, see fuzz.mk), on its
# seed corpus (tests/fuzz/corpus/<target>/) and on every crash ever found
# (tests/fuzz/crashes/<target>/), and prints one line a target:
#   ok - fuzz regress: fuzz_article: 49 inputs
#   not ok - fuzz regress: fuzz_tmpl: 1 of 35 inputs fail: tests/fuzz/crashes/fuzz_tmpl/…
# with what went wrong for each failing input on lines starting with #. B is the build
# directory (default build). A program that is missing or older than the library or its
# sources is built first with $CC (default cc), $CFLAGS and pkg-config, as the Makefile
# builds the tests. An input may run FUZZ_REGRESS_TIMEOUT seconds (default 10) and use
# FUZZ_REGRESS_MEMORY_MB of memory (default 1024).
set -u
B=${B:-build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
PKGS="libcmark icu-uc icu-i18n yaml-0.1 zlib"
dir=$(dirname "$0")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
TARGETS="fuzz_article fuzz_config fuzz_tmpl fuzz_markdown fuzz_fold fuzz_image"

stale() {
	[ -x "$1" ] || return 0
	for dep in "$B/libsitegen.a" "$dir/$2.c" "$dir/fuzz.h" "$dir/regress_main.c"; do
		[ "$dep" -nt "$1" ] && return 0
	done
	return 1
}

build() {
	mkdir -p "$B/fuzz"
	# shellcheck disable=SC2086
	$CC -std=c11 $CFLAGS -Igenerator $(pkg-config --cflags $PKGS) -o "$B/fuzz/$1" "$dir/$1.c" \
		"$dir/regress_main.c" "$B/libsitegen.a" $(pkg-config --libs $PKGS) -lpthread
}

for t in $TARGETS; do
	bin=$B/fuzz/$t
	if [ ! -f "$B/libsitegen.a" ]; then
		echo "not ok - fuzz regress: $t: $B/libsitegen.a is missing (make $B/libsitegen.a)"
		continue
	fi
	if stale "$bin" "$t" && ! build "$t" >"$log" 2>&1; then
		echo "not ok - fuzz regress: $t: does not build"
		sed 's/^/#   /' "$log"
		continue
	fi
	set --
	for f in "$dir/corpus/$t"/* "$dir/crashes/$t"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if "$bin" "$@" >"$log" 2>&1; then
		echo "ok - fuzz regress: $t: $# inputs"
		continue
	fi
	# Which inputs fail: each alone (a sanitizer's report does not name the file).
	bad=""
	for f in "$@"; do
		"$bin" "$f" >"$log" 2>&1 && continue
		bad="$bad $f"
		echo "# $t: $f:"
		grep -E 'fuzz check failed|ERROR|SUMMARY|regress:|runtime error|fatal:' "$log" | head -n 5 | sed 's/^/#   /'
	done
	if [ -n "$bad" ]; then
		echo "not ok - fuzz regress: $t: $(echo $bad | wc -w) of $# inputs fail:$bad"
	else
		echo "not ok - fuzz regress: $t: the run over $# inputs failed, yet each passes alone"
	fi
done
