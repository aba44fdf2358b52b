#!/bin/sh
# Regenerates the seed corpora of tests/fuzz/corpus/ from the archive's real inputs
# (run from the repository's root: sh tests/fuzz/seed.sh). Seeds are named after what
# they came from; hand-written ones (hand-*) are kept. Review the diff before committing:
# the corpora should stay small (a few dozen files a target, well under 1 MB in all).
set -eu
C=tests/fuzz/corpus
mkdir -p "$C/fuzz_article" "$C/fuzz_markdown" "$C/fuzz_config" "$C/fuzz_tmpl" "$C/fuzz_fold"
find "$C" -type f ! -name 'hand-*' -exec rm -f {} +

# a path as a file name: content/2022/x.md → content-2022-x.md
name() { printf '%s' "$1" | tr '/' '-'; }

find content tests/golden/content tests/errors -name '*.md' | sort | while read -r f; do
	cp "$f" "$C/fuzz_article/$(name "$f")"
	# the body: everything after the second --- line
	awk 'n >= 2 { print; next } /^---[ \t\r]*$/ { n++ }' "$f" >"$C/fuzz_markdown/$(name "$f")"
	[ -s "$C/fuzz_markdown/$(name "$f")" ] || rm -f "$C/fuzz_markdown/$(name "$f")"
done

for f in config.yml tests/golden/config.yml $(find tests/errors -name 'config*.yml' | sort); do
	cp "$f" "$C/fuzz_config/$(name "$f")"
done

for f in theme/templates/*.mustache; do
	cp "$f" "$C/fuzz_tmpl/$(basename "$f")"
done
# the base layout with a page that extends it: "t" NUL "p" (see fuzz_tmpl.c)
{ cat theme/templates/home.mustache; printf '\0'; cat theme/templates/base.mustache; } \
	>"$C/fuzz_tmpl/home+base.mustache"
{ cat theme/templates/place-tree.mustache; printf '\0'; cat theme/templates/place-node.mustache; } \
	>"$C/fuzz_tmpl/place-tree+node.mustache"

# fold: names and lines the text functions meet (titles, places, people, tags)
i=0
grep -h -E '^(title|subtitle|district|city|community|street|page|reporters|correspondents|tags):' \
	content/*/*.md | sed 's/^[a-z]*: *//' | sort -u | head -n 40 | while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" >"$C/fuzz_fold/line-$(printf '%02d' "$i")"
done
