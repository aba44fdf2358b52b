#!/bin/sh
# `search: false` in config.yml: the archive built without its search index,
# search page and header search box, and nothing else different; its links all
# resolve (sitegen check); switching it off removes search/ from an existing
# output; a value that is no boolean is an error at its place that leaves
# the output alone.
set -u
B=${B:-build}
# without the memo of ICU's answers, as a first build: every ICU service is
# opened (under make asan, one opened twice and leaked once)
SITEGEN_CACHE_DIR=off
export SITEGEN_CACHE_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - search_off: $1"; }
nok() {
	echo "not ok - search_off: $1"
	fails=$((fails + 1))
}

cp config.yml "$tmp/on.yml"
{ cat config.yml; echo "search: false"; } >"$tmp/off.yml"
{ cat config.yml; echo "search: sometimes"; } >"$tmp/bad.yml"
gen() {	# config out [sitegen check]
	"$B/sitegen" ${3:-build} --config "$1" --content content --quiet ${2:+--out "$2"} >"$tmp/log" 2>&1
}

if ! gen "$tmp/on.yml" "$tmp/on" || ! gen "$tmp/off.yml" "$tmp/off"; then
	echo "not ok - search_off: the archive does not build"
	sed 's/^/#   /' "$tmp/log" | head -20
	exit 1
fi

# the files: the same but for search/ (the page and the index)
(cd "$tmp/on" && find . -type f ! -name .sitegen-state | sort) >"$tmp/on.files"
(cd "$tmp/off" && find . -type f ! -name .sitegen-state | sort) >"$tmp/off.files"
if [ -f "$tmp/on/search/index.html" ] && [ ! -e "$tmp/off/search" ]; then
	ok "no search/ directory (with search on it holds $(grep -c '^\./search/' "$tmp/on.files") files)"
else
	nok "search/ is still written with search: false"
fi
grep -v '^\./search/\|^\./assets/search\.js$\|^\./assets/search-\(codec\|engine\|snippets\)\.js$' "$tmp/on.files" >"$tmp/on.rest"
if cmp -s "$tmp/on.rest" "$tmp/off.files" && [ "$(grep -c '^\./assets/search-\(codec\|engine\|snippets\)\.js$' "$tmp/on.files")" = 3 ]; then
	ok "every other file is written ($(wc -l <"$tmp/off.files")), and not the search page's four scripts"
else
	nok "the files besides search/ and the search scripts differ"
	diff "$tmp/on.rest" "$tmp/off.files" | sed 's/^/#   /' | head -10
fi

# no page shows the box or links to the search page
if grep -rl 'class="site-search"\|search/index\.html' "$tmp/off" --include='*.html' >"$tmp/refs"; then
	nok "$(wc -l <"$tmp/refs") pages still show the search box or link to search/"
	sed 's/^/#   /' "$tmp/refs" | head -5
elif grep -q 'class="site-search"' "$tmp/on/index.html" && grep -q 'search/index\.html' "$tmp/on/index.html"; then
	ok "no page has the header's search box or a link to search/ (the default home page has both)"
else
	nok "the default home page has no search box: the check above proves nothing"
fi

# the pages are otherwise the same: the home page without the box and the link is the default one
sed '/<form class="site-search"/,/<\/form>/d; /search\/index\.html/d' "$tmp/on/index.html" >"$tmp/home.want"
if cmp -s "$tmp/home.want" "$tmp/off/index.html"; then
	ok "the home page is the default one without the search box and the search link"
else
	nok "the home page differs by more than its search box and link"
	diff "$tmp/home.want" "$tmp/off/index.html" | sed 's/^/#   /' | head -10
fi

if gen "$tmp/off.yml" "" check; then
	ok "sitegen check finds every link of the archive without search"
else
	nok "sitegen check fails with search: false"
	sed 's/^/#   /' "$tmp/log" | head -10
fi

# switched off on an existing output: search/ goes
cp -R "$tmp/on" "$tmp/switch"
if gen "$tmp/off.yml" "$tmp/switch" && [ ! -e "$tmp/switch/search" ] && diff -r -x .sitegen-state "$tmp/off" "$tmp/switch" >/dev/null; then
	ok "switching search off on a built output removes search/ and matches a fresh build"
else
	nok "switching search off leaves the output different from a fresh build"
fi

# not a boolean: an error at its place, the output untouched
line=$(grep -n '^search:' "$tmp/bad.yml" | cut -d: -f1)
(cd "$tmp/off" && find . -type f -exec cksum {} + | sort) >"$tmp/before"
if gen "$tmp/bad.yml" "$tmp/off"; then
	nok "search: sometimes is accepted"
elif grep -q "^$tmp/bad.yml:$line:9: error: 'search' must be true or false" "$tmp/log" &&
	(cd "$tmp/off" && find . -type f -exec cksum {} + | sort) | cmp -s - "$tmp/before"; then
	ok "search: sometimes is an error at its line and column, the output untouched"
else
	nok "search: sometimes: not the expected error, or the output changed"
	sed 's/^/#   /' "$tmp/log" | head -5
fi
[ "$fails" -eq 0 ]
