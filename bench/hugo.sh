#!/bin/sh
# Hugo side of the benchmark: the same kind of site as sitegen's, built by Hugo.
#
#   bench/hugo.sh prepare CORPUS_DIR SITE_DIR   makes SITE_DIR a Hugo site for the corpus
#                                               that bench/corpus writes (not timed)
#   bench/hugo.sh build SITE_DIR OUT_DIR        runs hugo alone: the part to time
#
# prepare copies bench/hugo/ (config and layouts) and rewrites each article's front matter
# for Hugo: `date: YYYY-MM` becomes `date: YYYY-MM-01` plus `monthonly: true`; every article
# gets `months: [YYYY-MM]` and `districts: [<district, or city when there is none>]` (the
# taxonomies), and its tags with duplicates dropped (`tags: [a, a]` would list it twice).
# Touches nothing outside the two directories it is given. Exit 3: hugo is not installed.
set -eu

usage() {
	echo "usage: $0 prepare CORPUS_DIR SITE_DIR | build SITE_DIR OUT_DIR" >&2
	exit 2
}

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

[ $# -eq 3 ] || usage
here=$(cd "$(dirname "$0")" && pwd)

case $1 in
prepare)
	corpus=$(abspath "$2")
	site=$(abspath "$3")
	if [ ! -d "$corpus/content" ]; then
		echo "$0: $corpus/content: no such directory" >&2
		exit 1
	fi
	# clears only what a previous prepare wrote there
	mkdir -p "$site"
	rm -rf "$site/content" "$site/layouts" "$site/config.yaml" "$site/.hugo_cache" "$site/resources"
	mkdir "$site/content"
	cp -R "$here/hugo/." "$site/"
	# the corpus's folders, then every article rewritten into the same place
	(cd "$corpus/content" && find . -type d) | (cd "$site/content" && while IFS= read -r d; do mkdir -p "$d"; done)
	find "$corpus/content" -type f -name '*.md' -exec awk -v src="$corpus/content" -v dst="$site/content" '
		FNR == 1 {
			if (out != "") close(out)
			out = dst substr(FILENAME, length(src) + 1)
			fm = 0; month = ""; place = ""; hasdistrict = 0
		}
		fm < 2 && /^---[ \t]*$/ {
			if (fm == 1) {
				if (place != "") print "districts: [" place "]" > out
				if (month != "") print "months: [\"" month "\"]" > out
			}
			fm++
			print > out
			next
		}
		fm == 1 && /^date:/ {
			v = $0; sub(/^date:[ \t]*/, "", v); gsub(/["\047 \t\r]/, "", v)
			if (v ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/) {
				month = v
				print "date: " v "-01" > out
				print "monthonly: true" > out
				next
			}
			month = substr(v, 1, 7)
		}
		fm == 1 && /^district:/ {
			v = $0; sub(/^district:[ \t]*/, "", v); place = v; hasdistrict = 1
		}
		fm == 1 && /^city:/ && !hasdistrict {
			v = $0; sub(/^city:[ \t]*/, "", v); place = v
		}
		fm == 1 && /^tags:[ \t]*\[.*\][ \t]*$/ {
			v = $0; sub(/^tags:[ \t]*\[/, "", v); sub(/\][ \t]*$/, "", v)
			n = split(v, t, /,[ \t]*/); line = ""; split("", seen)
			for (i = 1; i <= n; i++) {
				sub(/^[ \t]+/, "", t[i]); sub(/[ \t]+$/, "", t[i])
				if (t[i] == "" || (t[i] in seen)) continue
				seen[t[i]] = 1
				line = line (line == "" ? "" : ", ") t[i]
			}
			print "tags: [" line "]" > out
			next
		}
		{ print > out }
	' {} +
	;;
build)
	site=$(abspath "$2")
	out=$(abspath "$3")
	if ! command -v hugo >/dev/null 2>&1; then
		echo "$0: hugo is not installed (apt-get install hugo)" >&2
		exit 3
	fi
	# --noBuildLock: no .hugo_build.lock; --cacheDir: Hugo's file cache stays inside SITE_DIR
	exec hugo --quiet --source "$site" --destination "$out" --noBuildLock --cacheDir "$site/.hugo_cache"
	;;
*)
	usage
	;;
esac
