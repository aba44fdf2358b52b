#!/bin/sh
# End to end: the real content/ builds under --strict; every internal link
# resolves and every page is reachable from the home page (check_site); every
# page is valid HTML5 (the Nu HTML Checker); two builds are byte-identical;
# a rebuild with nothing changed writes no file, and one after an edit
# rewrites only the pages whose bytes change.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if "$BIN" --content content --out "$tmp/a" --strict >"$tmp/log" 2>&1; then
	echo "ok - site: content/ builds under --strict: $(cat "$tmp/log")"
else
	echo "not ok - site: content/ does not build under --strict"
	sed 's/^/#   /' "$tmp/log"
	exit 1
fi
"$B/tests/check_site" "$tmp/a"

# Determinism, and the output of a rebuild.
"$BIN" --content content --out "$tmp/b" --quiet
if diff -r -x .sitegen-state "$tmp/a" "$tmp/b" >/dev/null; then
	echo "ok - site: two builds are byte-identical"
else
	echo "not ok - site: two builds differ"
fi
"$BIN" --content content --out "$tmp/a" --strict >"$tmp/log" 2>&1
if grep -q 'nothing changed' "$tmp/log" && diff -r "$tmp/a" "$tmp/b" -x '.sitegen-state' >/dev/null; then
	echo "ok - site: a rebuild with nothing changed sees so and writes no file"
else
	echo "not ok - site: a rebuild with nothing changed did work: $(cat "$tmp/log")"
fi
"$BIN" --content content --out "$tmp/a" --strict --force >"$tmp/log" 2>&1
if grep -q '(0 files written,' "$tmp/log"; then
	echo "ok - site: a forced rebuild renders everything again and rewrites no file whose bytes are the same"
else
	echo "not ok - site: a forced rebuild with nothing changed wrote files: $(cat "$tmp/log")"
fi
rm "$tmp/a/index.html"
"$BIN" --content content --out "$tmp/a" --strict >"$tmp/log" 2>&1
if grep -q '(1 files written,' "$tmp/log" && [ -f "$tmp/a/index.html" ]; then
	echo "ok - site: a page deleted from the output by hand is noticed and written again"
else
	echo "not ok - site: a page deleted by hand was not restored: $(cat "$tmp/log")"
fi

# HTML5 validity of every page, with the Nu HTML Checker (vnu.jar from npm, on Java).
VNU=tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if ! command -v java >/dev/null 2>&1; then
	echo "# installing default-jre-headless for the HTML checker" >&2
	flock /tmp/sitegen-apt.lock $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends default-jre-headless >/dev/null 2>&1
fi
if [ ! -f "$VNU" ]; then
	command -v npm >/dev/null 2>&1 ||
		flock /tmp/sitegen-apt.lock $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >/dev/null 2>&1
	(cd tests/vnu && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1)
fi
if ! command -v java >/dev/null 2>&1 || [ ! -f "$VNU" ]; then
	echo "skip - html: the Nu HTML Checker (java + npm package vnu-jar) could not be installed"
	exit 0
fi
pages=$(find "$tmp/a" -name '*.html' | wc -l)
# The JIT's first tier only, one GC thread: the checker runs once over ~120
# small pages, where the full JIT spends twice the CPU time compiling (C1
# frames are larger: the schema's deep recursion needs a bigger stack).
# No language detection: it only ever warns, and warnings are not shown.
# The classes the checker loads are kept in a CDS archive beside the jar
# (made by the first run, renamed into place whole): a third less CPU at
# start. A damaged archive crashes the JVM, so a crash removes it and the
# check runs again without one.
JSA=$VNU.jsa
vnu() {	# java options…
	java "$@" -XX:ErrorFile="$tmp/hs_err.log" -Xss16m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		-jar "$VNU" --errors-only --no-langdetect --format gnu --skip-non-html "$tmp/a" >"$tmp/vnu" 2>&1
}
if [ -f "$JSA" ]; then
	vnu -XX:SharedArchiveFile="$JSA"
	st=$?
	if [ $st -gt 1 ]; then
		rm -f "$JSA"
		vnu
		st=$?
	fi
else
	vnu -XX:ArchiveClassesAtExit="$JSA.$$"
	st=$?
	if [ $st -le 1 ] && [ -f "$JSA.$$" ]; then mv -f "$JSA.$$" "$JSA"; else rm -f "$JSA.$$"; fi
fi
if [ $st = 0 ]; then
	echo "ok - html: all $pages pages are valid HTML5 (Nu HTML Checker)"
else
	echo "not ok - html: $(grep -c . "$tmp/vnu") errors in $pages pages"
	sed "s|$tmp/a/||" "$tmp/vnu" | head -40 | sed 's/^/#   /'
fi
