#!/bin/sh
# serve's build process watches the content between builds
# (generator/load_watch.c): a build takes what it knew of the files nothing
# touched since, and looks at what an event named. Every way of changing the
# content (an edit in place, a save by rename, a file added, removed, moved,
# a new folder, a bundle's image, a hard link's other name outside or
# inside, a symbolic link's target, a write through a memory map, an
# editor's autosave, a hidden folder) gives the output a plain build of the
# same inputs gives; a bind mount or a link to a folder inside makes the
# process walk as before.
what="content watch"
mounted=
cleanup_more() { [ -n "$mounted" ] && umount "$tmp/$mounted" 2>/dev/null; }
. tests/worker_lib.sh

# the last build's "TAKEN LOOKED" (SITEGEN_TIMING)
counts() {
	sed -n 's/^sitegen: content entries taken on the content.s watch \([0-9]*\), looked at again \([0-9]*\)$/\1 \2/p' \
		worker.log | tail -1
}
# settle: waits until the work between builds after the last build is done
# (it says so: SITEGEN_TIMING), as it is when an editor saves seconds apart;
# not where the process does none (settle_none=1: it walks each build)
settle_none=
settle() {
	[ -n "$settle_none" ] && return
	waited=0
	while [ "$(grep -c '^sitegen: content watched' worker.log)" -lt "$builds" ] && [ $waited -lt $limit ]; do
		sleep 0.05
		waited=$((waited + 1))
	done
}
# step WHAT: a build, its output a plain build's, and the work after it
step() {
	if build; then same "$1"; else fail "$1: the build failed" worker.log; fi
	settle
}
# taken_some WHAT: the last build took entries from the watch
taken_some() {
	set -- "$1" $(counts)
	if [ "${2:-0}" -gt 0 ]; then pass "$1 (taken $2, looked at $3)"; else fail "$1: nothing taken ($2 $3)" worker.log; fi
}

# files older than 2 s are kept in the parse cache (parse_cache.h): a build
# that took a changed file for the one it knew would find it there, and say
# the old text
sleep 2.1
start_worker out
build || { fail "the first build failed" worker.log status; exit 0; }
set -- $(counts)
if [ "$1" = 0 ]; then pass "the first build looks at everything"; else fail "the first build took $1 entries" worker.log; fi

settle
edit
step "a body edit in place"
taken_some "the build after the watch was set takes the untouched entries"
set -- $(counts)
files=$(find content -type f | wc -l)
folders=$(find content -mindepth 1 -type d | wc -l)
# the edited file and the folders (their times follow their names: looked at always)
if [ "$2" -eq $((folders + 1)) ] && [ "$1" -eq $((files - 1)) ]; then
	pass "it looks at the file edited and the folders alone ($2 of $((files + folders)))"
else
	fail "it took $1 and looked at $2 of $files files and $folders folders" worker.log
fi

printf -- '---\ntitle: 换了个存法\ndate: 2022-03-01\ndistrict: 小店区\n---\n\n写到旁边，再换名。\n' >content/2022/.x.md.tmp
mv content/2022/.x.md.tmp content/2022/lianxinka.md
step "a save by rename"

# the same size, the old mtime put back: an event still names it
sed 's/换了个存法/存法换了个/' content/2022/lianxinka.md >x.tmp
touch -r content/2022/lianxinka.md x.tmp
dd if=x.tmp of=content/2022/lianxinka.md conv=notrunc 2>/dev/null
touch -r x.tmp content/2022/lianxinka.md
step "an edit of the same size with its mtime put back"

printf -- '---\ntitle: 新来的\ndate: 2022-04-01\ndistrict: 小店区\n---\n\n新的一篇。\n' >content/2022/xinlai.md
step "a report added"
mv content/2022/xinlai.md content/2021/xinlai.md
step "a report moved to another folder"
rm content/2021/xinlai.md
step "a report removed"

mkdir -p content/2023/spring
printf -- '---\ntitle: 新文件夹\ndate: 2023-04-01\ndistrict: 小店区\n---\n\n在新文件夹里。\n' >content/2023/spring/a.md
step "a report in new folders"
edit
step "a body edit after that"
taken_some "the watch started again after the new folders"

printf 'not a png any more' >>content/2022/kouzhao/img/kouzhao.png
step "a page bundle's image changed"

# (inotify reports neither a link made nor a write through a name in a folder
# not watched)
ln content/2021/poem.md poem-link.md
sleep 2.1	# kept in the parse cache, as it is now
step "a report given a second name outside the content"
# (the link made no event here: the look between builds saw it)
printf '\n另一个名字写的。\n' >>poem-link.md
sleep 2.1
step "the report written through its other name"
printf '\n又写了一次。\n' >>poem-link.md
step "and again (a file of several names looked at every build)"

rm poem-link.md	# the target of the link below has one name: no other rule looks at it
mv content/2021/poem.md poem-real.md
ln -s "$tmp/poem-real.md" content/2021/poem.md
sleep 2.1
step "a report made a symbolic link"
printf '\n链接的目标改了。\n' >>poem-real.md
step "the link's target written"

: >'content/2022/#lianxinka.md#'
: >content/2022/.lianxinka.md.swp
step "an editor's autosave and swap file"
rm -f 'content/2022/#lianxinka.md#' content/2022/.lianxinka.md.swp
mkdir content/2022/.vscode
edit
step "a hidden folder made, and an edit"
taken_some "a folder no walk reads (hidden) leaves the watch going"

# a second name made inside the content and written through before the next
# build: the event names only the new name; the first is looked at as well
ln content/2022/社区防疫.md content/2021/twin.md
printf '\n双胞胎写的。\n' >>content/2021/twin.md
step "a second name made inside the content and written through at once"
rm content/2021/twin.md
sleep 2.1	# kept in the parse cache as it is now
step "the second name removed"
# made, written through and removed before the next build: no event names
# the first name, nor can the gone one tell which file it was
ln content/2022/社区防疫.md content/2021/.twin.md
printf '\n藏起来的双胞胎写的。\n' >>content/2021/.twin.md
rm content/2021/.twin.md
step "a second name made, written through and removed at once"

# a write through a memory map sends no event (the close of the file it was
# mapped from did, before: taken by a build): seen by the look at every file
# between builds, so by the build after the next at the latest
/usr/bin/env python3 - content/2022/youtamenzai.md mapped written <<'EOF' 2>mmap.err &
import mmap, os, sys, time
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 0)
f.close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.02)
i = m.rfind("。".encode())
m[i:i + 3] = "！".encode()
m.flush()
open(sys.argv[3], "w").close()
time.sleep(5)
EOF
mapper=$!
step "a file mapped to be written"
: >mapped
n=0
while [ ! -e written ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
[ -e written ] || fail "python3 could not write through a map" mmap.err
build || fail "the build after the write through a map failed" worker.log
step "a write through a memory map, by the build after the next"
kill $mapper 2>/dev/null

mkdir elsewhere
ln -s "$tmp/elsewhere" content/2022/elsewhere
step "a link to a folder outside (skipped, with a warning)"
rm content/2022/elsewhere

# a file mounted over a report (a bind mount) is written through its other
# path without an event here: the process walks as before from then on
# (so last but one: the link to a folder below does the same)
if [ "$(id -u)" = 0 ]; then
	cp content/2022/youtamenzai.md bind-source.md
	sleep 2.1	# in the parse cache once seen
	if mount --bind bind-source.md content/2022/youtamenzai.md 2>/dev/null; then
		mounted=content/2022/youtamenzai.md
		settle_none=1
		step "a file mounted over a report"
		printf '\n绑定挂载写的。\n' >>bind-source.md
		step "the mounted file written through its other path"
		umount content/2022/youtamenzai.md && mounted=
		step "and unmounted"
	else
		echo "skip - $what: mount --bind is not allowed here"
	fi
else
	echo "skip - $what: a bind mount needs root"
fi

# a link to a folder inside: followed, as a plain walk does; a watch
# follows a folder, not a link, so from then on every build looks again
mkdir content/.hidden
printf -- '---\ntitle: 链接进来的\ndate: 2022-05-01\ndistrict: 小店区\n---\n\n从链接来。\n' >content/.hidden/a.md
ln -s "$tmp/content/.hidden" content/2022/linked
settle_none=1
step "a link to a folder inside"
printf '\n改了。\n' >>content/.hidden/a.md
step "a report in the linked folder written"
set -- $(counts)
if [ "${1:-x}" = 0 ]; then pass "with a link to a folder every build looks at everything"; else fail "a link to a folder, and $1 entries taken" worker.log; fi

end_worker || fail "the build process did not end well" worker.log
