#!/bin/sh
# serve's build process removes its commit's staging folder (the files the
# commit replaced) after it has said the build is done (write_watch.c,
# write_watch_defer_cleanup), so anyone watching the status knows when. The
# folder swapped for a link to a folder outside the output at that moment
# must cost that folder nothing: the removal goes through the folders'
# descriptors, never their paths (write.c, remove_entries_at). Found by a
# hostile review: with paths, ~10,000 files of a copy of the output placed
# outside went, five times in five. A report is added each round (a few
# hundred shards, so the removal takes long enough to be caught), and a
# watcher swaps the folder as soon as the status line comes.
what="serve staging"
. tests/worker_lib.sh
python=$(command -v python3) || { echo "ok - $what: # SKIP no python3"; exit 0; }
rm -rf content config.yml
"$here/$B/corpus" 300 corpus "$here/content" >/dev/null 2>&1 || { fail "the corpus could not be made"; exit 0; }
mv corpus/content corpus/config.yml .
start_worker out SITEGEN_CACHE_DIR=off
build || { fail "the first build failed" worker.log; exit 0; }
cp -r out victim && rm -rf victim/.[!.]*	# the output's files, outside it
before=$(find victim | wc -l)
first=$(ls content/*/*.md | head -1)
for round in 1 2 3 4 5; do
	sed "s/^date: .*/date: 2023-03-0$round/; s/^title: '/title: '第$round篇新的/" "$first" >"content/$(ls content | tail -1)/new-$round.md"
	# the watcher: the moment the status has one more line, the folder goes
	# aside and a link to the copy outside takes its place; then both back
	"$python" - "$tmp" "$builds" <<'EOF' &
import os, sys, time
tmp, builds = sys.argv[1], int(sys.argv[2])
status, staging = os.path.join(tmp, "status"), os.path.join(tmp, "out", ".staging")
end = time.time() + 20
while time.time() < end:
    with open(status) as f:
        if len(f.read().splitlines()) > builds:
            break
try:
    os.rename(staging, staging + "-aside")
    os.symlink(os.path.join(tmp, "victim"), staging)
except OSError:
    pass  # gone already: too late this round
time.sleep(1)
for p in (staging,):
    if os.path.islink(p):
        os.unlink(p)
if os.path.isdir(staging + "-aside"):
    os.system("rm -rf '%s'" % (staging + "-aside"))
EOF
	watcher=$!
	build || fail "round $round: the build failed" worker.log
	wait "$watcher"
done
after=$(find victim | wc -l)
[ "$after" = "$before" ] && pass "the staging folder swapped for a link after the status line, five times: nothing outside the output removed ($after entries)" ||
	fail "the staging folder swapped for a link: the folder outside lost $((before - after)) of its $before entries"
build || fail "the build after failed" worker.log
end_worker || fail "the build process did not end well" worker.log
"$bin" build --out ref --theme "$tmp/theme" --quiet 2>/dev/null
diff -r -x '.*' out ref >/dev/null && pass "the output after it is a plain build's" || fail "the output differs from a plain build's"
