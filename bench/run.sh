#!/bin/sh
# The benchmark behind `make bench`. For each size N (BENCH_SIZES), on a
# deterministic synthetic corpus (bench/corpus.c), it measures with
# bench/measure (wait4: wall, CPU, peak RSS) the median of BENCH_RUNS runs of:
#   full    a full build into an empty output directory
#   nosearch the same with `search: false` in config.yml (no search index)
#   noop    a rebuild with nothing changed
#   edit    a rebuild after editing one article (a different one each run);
#           wedit the same with the memo and parse cache an editor's builds have
#   nedit, title, ntitle, template: a body edit without the index, a title
#           edit with and without it, a template edit (incremental rendering;
#           these with the memo of ICU's answers an editor's builds have)
#   add     a rebuild after adding one article as the newest, and (addold) one
#           dated among the older ones (both with the memo, as an editor's)
#   keep    the body edit, the title edit and the two adds again with
#           `sitegen build --keep` (generator/keep.h): built by one process kept
#           for them, each 2.1 s after the build before (an editor's pace: the
#           kept process indexes whole when its parse cache's file changed in
#           the 2 s before a build); their CPU the asker's and the kept
#           process's (from /proc), the peak RSS the kept process's, over all
#           its builds
#   serve   at BENCH_SERVE_SIZES (default 1000 and 10000), what an editor waits
#           for with `sitegen serve`: from saving a report to its new text in
#           the page open in headless Chromium (bench/serve_latency.py), saved
#           by rename and in place (BENCH_SERVE_EDITS each, default 10) and a
#           title edit (3), and a report added as the newest (3, the home page
#           open); the median, the worst in the label, the CPU of the
#           server and its builds; where each wait goes, after the table; and
#           the same body edits built by the command line (same memo), to
#           compare with
# and, where Hugo is installed, Hugo building the same corpus (bench/hugo.sh).
# Output directories go to BENCH_OUT (default: a tmpfs, /dev/shm, when there is
# one, so the figures are the generator's and not the disk's; set
# BENCH_OUT=build/bench-out to include the disk). Prints a Markdown table.
set -u
. tests/lib.sh
B=${B:-build}
SIZES=${BENCH_SIZES:-1000 10000 50000}
RUNS=${BENCH_RUNS:-3}
CORPUS=${BENCH_CORPUS:-bench/corpus}
if [ -z "${BENCH_OUT:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_OUT=/dev/shm/sitegen-bench; else BENCH_OUT=$B/bench-out; fi
fi
M="$B/measure"
# Without the memo of ICU's answers (generator/memo.h) unless told otherwise:
# every build pays ICU's ~0.3 s start, as a first build does, so the figures
# are the conservative ones and compare with earlier tables.
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-off}
export SITEGEN_CACHE_DIR
mkdir -p "$CORPUS" "$BENCH_OUT"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$log"; }

# run NAME ARGS…: one measured run; appends "wall cpu rss files" to $NAME.runs
run() {
	name=$1
	shift
	"$M" "$@" >"$log" 2>&1
	status=$(field status)
	if [ "$status" != 0 ]; then
		echo "bench: '$*' failed:" >&2
		cat "$log" >&2
		exit 1
	fi
	files=$(sed -n 's/.*(\([0-9]*\) files written.*/\1/p' "$log")
	grep -q 'nothing changed' "$log" && files=0
	echo "$(field wall) $(field cpu) $(field rss_kb) ${files:--}" >>"$BENCH_OUT/$name.runs"
}

row() {	# N key label
	f=$BENCH_OUT/$2.runs
	wall=$(cut -d' ' -f1 "$f" | median)
	cpu=$(cut -d' ' -f2 "$f" | median)
	rss=$(cut -d' ' -f3 "$f" | median | awk '{printf "%.0f", $1 / 1024}')
	files=$(cut -d' ' -f4 "$f" | median)
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$3" "$wall" "$cpu" "$rss" "$files"
	rm -f "$f"
}

# keep_rows N CORPUS OUT: the --keep rows (see the top), into OUT as the rows before
keep_rows() {
	kdir=$BENCH_OUT/keep
	rm -rf "$kdir" && mkdir -m 700 "$kdir"
	kc=$2 ko=$3
	kbuild() {	# env or measure: a --keep build, its messages in $log
		SITEGEN_KEEP_DIR=$kdir SITEGEN_TIMING=1 SITEGEN_CACHE_DIR=$BENCH_OUT/memo "$1" "$B/sitegen" build --keep=5 \
			--config "$kc/config.yml" --content "$kc/content" --out "$ko" --theme "$BENCH_OUT/theme" >"$log" 2>&1
	}
	kbuild env
	kpid=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$log")
	ticks() { awk '{print $14 + $15}' "/proc/$kpid/stat" 2>/dev/null || echo 0; }
	hz=$(getconf CLK_TCK)
	krun() {	# NAME: one measured --keep build, 2.1 s after the one before
		sleep 2.1
		t0=$(ticks)
		kbuild "$M"
		t1=$(ticks)
		if [ "$(field status)" != 0 ] || ! grep -q "built by the kept process $kpid," "$log"; then
			echo "bench: a --keep build failed, or was not the kept process $kpid's:" >&2
			cat "$log" >&2
			exit 1
		fi
		files=$(sed -n 's/.*(\([0-9]*\) files written.*/\1/p' "$log")
		hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$kpid/status")
		echo "$(field wall) $(awk "BEGIN {print $(field cpu) + ($t1 - $t0) / $hz}") $hwm ${files:--}" >>"$BENCH_OUT/$1.runs"
	}
	kput() { sleep 2.1; kbuild env; }	# a file put back, built untimed
	for i in $(seq "$RUNS"); do
		f=$(find "$kc/content" -name '*.md' | sort | sed -n "$((i * 7))p")
		cp "$f" "$f.orig"
		printf '\n一段新加的文字,第%s次。\n' "$i" >>"$f"
		krun kedit
		mv "$f.orig" "$f"
		kput
	done
	row "$1" kedit "sitegen build --keep: one article's body edited"
	for i in $(seq "$RUNS"); do
		f=$(find "$kc/content" -name '*.md' | sort | sed -n "$((i * 11))p")
		cp "$f" "$f.orig"
		sed -i "0,/^title: '/s/^title: '/title: '改$i/" "$f"
		krun ktitle
		mv "$f.orig" "$f"
		kput
	done
	row "$1" ktitle "sitegen build --keep: one article's title edited"
	for i in $(seq "$RUNS"); do
		f=$(find "$kc/content" -name '*.md' | sort | head -n 1)
		sed "s/^date: .*/date: 2023-02-$(printf %02d "$i")/" "$f" >"$kc/content/2022/bench-knewest-$i.md"
		krun kadd
	done
	row "$1" kadd "sitegen build --keep: one article added as the newest"
	for i in $(seq "$RUNS"); do
		f=$(find "$kc/content" -name '*.md' | sort | head -n 1)
		cp "$f" "$kc/content/2021/bench-kadded-$i.md"
		krun kaddold
	done
	row "$1" kaddold "sitegen build --keep: one article added among older ones"
	rm -f "$kc"/content/2021/bench-kadded-*.md "$kc"/content/2022/bench-knewest-*.md
	kill "$kpid" 2>/dev/null
	rm -rf "$kdir"
}

# search_report N CORPUS OUT: what the search index costs on this archive, printed
# after the table (the size of search/ against the Markdown it indexes; the bytes
# each query of tests/search-queries.txt downloads; in headless Chromium, the time
# from the last keystroke to the first result painted).
SEARCH_SIZES=${BENCH_SEARCH_SIZES:-10000}
search_notes=$BENCH_OUT/search-notes
: >"$search_notes"
search_report() {
	case " $SEARCH_SIZES " in *" $1 "*) ;; *) return ;; esac
	md=$(find "$2/content" -name '*.md' -exec cat {} + | wc -c)
	idx=$(du -sb "$3/search" | cut -f1)
	{
		echo "search at $1 articles: search/ holds $(awk "BEGIN {printf \"%.1f\", $idx / 1048576}") MiB for" \
			"$(awk "BEGIN {printf \"%.1f\", $md / 1048576}") MiB of Markdown ($(awk "BEGIN {printf \"%.2f\", $idx / $md}")×);" \
			"$(find "$3/search" -type f | wc -l) files"
		for d in d g p; do
			echo "  search/$d: $(du -sb "$3/search/$d" | cut -f1) bytes in $(find "$3/search/$d" -type f | wc -l) files"
		done
		if command -v node >/dev/null 2>&1; then
			node tests/search_check.js --bytes "$3" tests/search-queries.txt | grep '^#'
		else
			echo "  (node is missing: no bytes per query)"
		fi
		sh tests/browser.sh --latency "$3" tests/search-queries.txt 2>&1 | grep -E '^#|^skip'
	} >>"$search_notes"
}

# serve_rows N CORPUS OUT: the serve rows (see the top), with `sitegen serve`
# building into OUT; where the time went, into $serve_notes. Skipped, said
# after the table, without Chromium, chromedriver and Python's selenium.
SERVE_SIZES=${BENCH_SERVE_SIZES:-1000 10000}
SERVE_EDITS=${BENCH_SERVE_EDITS:-10}
serve_notes=$BENCH_OUT/serve-notes
: >"$serve_notes"
serve_rows() {
	case " $SERVE_SIZES " in *" $1 "*) ;; *) return ;; esac
	if ! need_chromium "bench: serve at $1 articles" "$BENCH_OUT/apt.log" >>"$serve_notes"; then
		echo "  (no serve rows: install chromium, chromium-driver and python3-selenium)" >>"$serve_notes"
		return
	fi
	f=$(find "$2/content" -name '*.md' | sort | sed -n 5p)
	slog=$BENCH_OUT/serve-$1.out
	"$python" bench/serve_latency.py --sitegen "$B/sitegen" --config "$2/config.yml" --content "$2/content" \
		--out "$3" --theme "$BENCH_OUT/theme" --article "$f" --edits "$SERVE_EDITS" --cache-dir "$BENCH_OUT/memo" \
		--log "$BENCH_OUT/serve-$1.log" >"$slog" 2>&1 ||
		echo "serve at $1 articles: bench/serve_latency.py failed (see below and $slog)" >>"$serve_notes"
	{
		echo "serve at $1 articles (${f#"$2"/}; each save in $slog, the server's terminal in $BENCH_OUT/serve-$1.log):"
		grep '^# serve: \|^# cli: ' "$slog" | sed 's/^# serve: /  /; s/^# cli: /  /'
	} >>"$serve_notes"
	while read -r _ kind count med worst cpu files build; do
		case $kind in
		'') continue ;;
		rename) what="one article's body edited, saved by rename" ;;
		inplace) what="one article's body edited, saved in place" ;;
		title) what="one article's title edited, saved by rename" ;;
		add) what="a report added as the newest, the home page open" ;;
		body)	# (cli: the same body edits built by the command line, with the same memo)
			printf '| %s | sitegen: the same body edits, without serve (worst %.2f s) | %s | %s | - | %s |\n' \
				"$1" "$worst" "$med" "$cpu" "$files"
			continue ;;
		esac
		printf '| %s | sitegen serve: %s: until on screen (worst %.2f s; the build %.2f s) | %s | %s | - | %s |\n' \
			"$1" "$what" "$worst" "$build" "$med" "$cpu" "$files"
	done <<EOF
$(grep '^cli ' "$slog"; grep '^serve ' "$slog")
EOF
}

state_notes=""
echo "Output directories in $BENCH_OUT; median of $RUNS runs; $(nproc) cores; $(uname -m)."
echo
echo "| articles | case | wall s | CPU s | peak RSS MiB | files written |"
echo "|---:|---|---:|---:|---:|---:|"
for n in $SIZES; do
	c=$CORPUS/$n
	if [ ! -f "$c/.complete" ]; then
		rm -rf "$c"
		"$B/corpus" "$n" "$c" content || exit 1
		touch "$c/.complete"
	fi
	out=$BENCH_OUT/site-$n
	# a copy of the theme, so that a template can be edited in place
	rm -rf "$BENCH_OUT/theme" && cp -r theme "$BENCH_OUT/theme"
	gen() { run "$1" "$B/sitegen" --config "$c/config.yml" --content "$c/content" --out "$out" --theme "$BENCH_OUT/theme"; }
	for i in $(seq "$RUNS"); do
		rm -rf "$out"
		gen full
	done
	row "$n" full "sitegen: full build"
	# the same build with `search: false` (no index, no search page or box):
	# the figure issue 8's targets count
	{ cat "$c/config.yml"; echo "search: false"; } >"$c/config-nosearch.yml"
	nogen() { run "$1" "$B/sitegen" --config "$c/config-nosearch.yml" --content "$c/content" --out "$out-nosearch" \
		--theme "$BENCH_OUT/theme"; }
	# the incremental rows (an editor's saves) with the memo an editor has:
	# the answers of ICU's slow start kept since the builds before
	warm() { SITEGEN_CACHE_DIR=$BENCH_OUT/memo "$@"; }
	for i in $(seq "$RUNS"); do
		rm -rf "$out-nosearch"
		nogen nosearch
	done
	row "$n" nosearch "sitegen: full build, search: false"
	for i in $(seq "$RUNS"); do gen noop; done
	row "$n" noop "sitegen: nothing changed"
	# body_edits CMD…: RUNS times, one article's body edited (a different one
	# each run), CMD run, the article put back (then $put_back run, if set)
	put_back=
	body_edits() {
		for i in $(seq "$RUNS"); do
			f=$(find "$c/content" -name '*.md' | sort | sed -n "$((i * 7))p")
			cp "$f" "$f.orig"
			printf '\n一段新加的文字,第%s次。\n' "$i" >>"$f"
			"$@"
			mv "$f.orig" "$f"
			$put_back
		done
	}
	body_edits gen edit
	row "$n" edit "sitegen: one article edited"
	warm "$B/sitegen" --config "$c/config-nosearch.yml" --content "$c/content" --out "$out-nosearch" \
		--theme "$BENCH_OUT/theme" --quiet	# the memo filled, untimed
	# the edit above as an editor's save is built: with the memo and parse cache
	# an editor's builds have (the default ~/.cache/sitegen), one article changed
	# each time (the one before put back and built, untimed)
	ungen() { warm "$B/sitegen" --config "$c/config.yml" --content "$c/content" --out "$out" \
		--theme "$BENCH_OUT/theme" --quiet; }
	ungen
	put_back=ungen
	body_edits warm gen wedit
	put_back=
	row "$n" wedit "sitegen: one article edited, with the memo an editor's builds have"
	# incremental rendering (issue 12): a body edit and a title edit, with the
	# index and without it (the index is built again after any edit of a report)
	body_edits warm nogen nedit
	row "$n" nedit "sitegen: one article's body edited, search: false"
	for kind in title ntitle; do
		for i in $(seq "$RUNS"); do
			f=$(find "$c/content" -name '*.md' | sort | sed -n "$((i * 11))p")
			cp "$f" "$f.orig"
			sed -i "0,/^title: '/s/^title: '/title: '改$i/" "$f"
			if [ $kind = title ]; then warm gen title; else warm nogen ntitle; fi
			mv "$f.orig" "$f"
		done
	done
	row "$n" title "sitegen: one article's title edited"
	row "$n" ntitle "sitegen: one article's title edited, search: false"
	# untimed: the restored files built, so that the template edit is the only change
	warm "$B/sitegen" --config "$c/config.yml" --content "$c/content" --out "$out" --theme "$BENCH_OUT/theme" --quiet
	for i in $(seq "$RUNS"); do
		printf '<!-- %s -->\n' "$i" >>"$BENCH_OUT/theme/templates/base.mustache"
		warm gen template
	done
	cp theme/templates/base.mustache "$BENCH_OUT/theme/templates/base.mustache"
	row "$n" template "sitegen: a template edited"
	state_notes="$state_notes
the build state at $n articles: $(wc -c <"$out/.sitegen-state") bytes ($(wc -c <"$out-nosearch/.sitegen-state") with search: false)"
	rm -rf "$out-nosearch"
	# an editor's new report is the newest as a rule: numbered after the others, it leaves
	# their search postings as they were and the index is patched (search_patch.c); one
	# dated among the older reports renumbers those after it, and the index is built whole
	for i in $(seq "$RUNS"); do
		f=$(find "$c/content" -name '*.md' | sort | head -n 1)
		sed "s/^date: .*/date: 2023-01-$(printf %02d "$i")/" "$f" >"$c/content/2022/bench-newest-$i.md"
		warm gen add
	done
	row "$n" add "sitegen: one article added as the newest"
	for i in $(seq "$RUNS"); do
		f=$(find "$c/content" -name '*.md' | sort | head -n 1)
		cp "$f" "$c/content/2021/bench-added-$i.md"
		warm gen addold
	done
	rm -f "$c"/content/2021/bench-added-*.md "$c"/content/2022/bench-newest-*.md
	row "$n" addold "sitegen: one article added among older ones"
	keep_rows "$n" "$c" "$out"
	search_report "$n" "$c" "$out"
	serve_rows "$n" "$c" "$out"
	if [ -f bench/hugo.sh ]; then
		if command -v hugo >/dev/null 2>&1; then
			sh bench/hugo.sh prepare "$c" "$BENCH_OUT/hugo-site-$n" >/dev/null 2>&1 || continue
			for i in $(seq "$RUNS"); do
				rm -rf "$BENCH_OUT/hugo-$n"
				"$M" sh bench/hugo.sh build "$BENCH_OUT/hugo-site-$n" "$BENCH_OUT/hugo-$n" >"$log" 2>&1
				echo "$(field wall) $(field cpu) $(field rss_kb) $(find "$BENCH_OUT/hugo-$n" -type f | wc -l)" \
					>>"$BENCH_OUT/hugo.runs"
			done
			row "$n" hugo "Hugo $(hugo version | sed -n 's/^hugo v\([0-9.]*\).*/\1/p'): full build"
			rm -rf "$BENCH_OUT/hugo-site-$n" "$BENCH_OUT/hugo-$n"
		fi
	fi
	rm -rf "$out"
done
[ -n "$state_notes" ] && echo "$state_notes"
if [ -s "$search_notes" ]; then
	echo
	cat "$search_notes"
fi
rm -f "$search_notes"
if [ -s "$serve_notes" ]; then
	echo
	cat "$serve_notes"
fi
rm -f "$serve_notes"
