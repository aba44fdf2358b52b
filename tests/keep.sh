#!/bin/sh
# `sitegen build --keep` (generator/keep.h): the builds handed to one build process kept for the next ones.
# What a user sees: the first build says a process is kept; each build's summary on the asker's stdout and
# its messages (errors with their place) on its stderr, its exit status; the output a full build's after
# each; a command substitution that returns (the kept process holds none of the asker's pipes); the output
# unlocked once the command returns. And what can go wrong: other options or environment (a process of
# their own), the process killed between builds or during one (the build made here), two builds at once,
# the idle time, its folder removed, the program replaced, a socket folder others may write in, bad values.
set -u
B=${B:-build}
BIN=$(cd "$(dirname "$B/sitegen")" && pwd)/sitegen
ROOT=$(pwd)
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-$tmp/memo}
export SITEGEN_CACHE_DIR
export SITEGEN_KEEP_DIR="$tmp/keep"
unset SITEGEN_TIMING SITEGEN_KEEP_IDLE_MS
status=0
ok() { echo "ok - keep: $1"; }
bad() { echo "not ok - keep: $1"; status=1; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/#   /' "$2" | head -12; }

if ! "$B/corpus" 40 "$tmp/site" content >/dev/null || ! cp -r theme "$tmp/site/theme"; then
	echo "not ok - keep: the corpus generator failed"
	exit 1
fi
cd "$tmp/site" || exit 1
# kb [args]: a build with --keep, its status in $st, stdout in $tmp/out, stderr in $tmp/err; the kept
# process's pid (from SITEGEN_TIMING's line) in $pid
kb() {
	SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	pid=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\), its build [0-9]*$/\1/p' "$tmp/err" | tail -1)
	[ -n "$pid" ] && case " $pids " in *" $pid "*) ;; *) pids="$pids $pid" ;; esac
}
nth() { sed -n 's/^sitegen: --keep: built by the kept process [0-9]*, its build \([0-9]*\)$/\1/p' "$tmp/err" | tail -1; }
# same LABEL: out equals a full build of the same inputs, made in its own process
same() {
	rm -rf "$tmp/full"
	"$BIN" build --out "$tmp/full" --quiet >/dev/null 2>&1
	if diff -r -x .sitegen-state out "$tmp/full" >"$tmp/diff" 2>&1; then
		ok "$1: the output equals a full build's"
	else
		bad "$1: the output differs from a full build's" "$tmp/diff"
	fi
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# every file of the output but its state and a killed build's staging folder, with size, time and inode
pages() { find out -mindepth 1 \( -path out/.sitegen-state -o -path out/.staging \) -prune -o -printf '%p %s %T@ %i\n' | sort; }
# gone PID SECONDS: the process has ended within that time
gone() {
	i=0
	while alive "$1" && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	! alive "$1"
}
f=$(find content -name '*.md' | sort | sed -n 7p)
# hold_commit_lock: the output's commit lock (byte-range locks on its marker, generator/write_lock.c) held
# by another process ($locker) until $tmp/locked is removed: a build waits at its commit meanwhile
hold_commit_lock() {
	python3 -c '
import fcntl, os, sys, time
fd = os.open("out/.sitegen-output", os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 2, 0)
open(sys.argv[1], "w").close()
while os.path.exists(sys.argv[1]):
	time.sleep(0.02)
' "$tmp/locked" &
	locker=$!
	i=0
	while [ ! -f "$tmp/locked" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# 1. the first build starts the process and is made by it
kb
first=$pid
if [ $st = 0 ] && alive "$first" && [ "$(nth)" = 1 ] &&
	grep -q '^sitegen: --keep: a build process is kept for the next builds (it ends after 10 minutes without one; --keep=0 ends it)$' "$tmp/err" &&
	grep -q '^sitegen: 40 articles → out ([0-9]* files written, 0 unchanged, 0 removed)$' "$tmp/out"; then
	ok "the first build starts a kept process, says so on stderr, and its summary is on stdout"
else
	bad "the first build: status $st, pid '$first', build $(nth)" "$tmp/err"
fi
same "the first build"

# 2. an edit at once: the same process, its second build; the new words on the page
printf '\n一段新加的文字犇骉。\n' >>"$f"
kb
if [ $st = 0 ] && [ "$pid" = "$first" ] && [ "$(nth)" = 2 ] &&
	grep -q '^sitegen: 40 articles → out ([1-9][0-9]* files written' "$tmp/out" && grep -rq 犇骉 out/reports; then
	ok "a body edit is built by the same process (its build 2) and shows on the report's page"
else
	bad "a body edit: status $st, pid '$pid' (first '$first'), build $(nth)" "$tmp/out"
fi
same "a body edit"

# 3. --quiet prints nothing; --force is each build's own (the same process), as are the messages
kb --quiet --force
[ $st = 0 ] && [ "$pid" = "$first" ] && [ ! -s "$tmp/out" ] && ok "--quiet and --force: the same process, nothing on stdout" ||
	bad "--quiet --force: status $st, pid '$pid', stdout: $(head -c 200 "$tmp/out")"

# 4. an error: status 1, the message with its place on the asker's stderr, the output as it was
find out -path out/.sitegen-state -prune -o -printf '%p %s %T@ %i\n' | sort >"$tmp/before"
cp "$f" "$tmp/saved.md"
sed -i '0,/^title: /s/^title: /title: [/' "$f"
kb
find out -path out/.sitegen-state -prune -o -printf '%p %s %T@ %i\n' | sort >"$tmp/after"
if [ $st = 1 ] && [ "$pid" = "$first" ] && grep -q "^content/.*\.md:[0-9]*:[0-9]*: error: " "$tmp/err" &&
	grep -q '^sitegen: build failed: ' "$tmp/err" && cmp -s "$tmp/before" "$tmp/after"; then
	ok "a broken front matter: status 1, the error with its place on stderr, the output untouched"
else
	bad "a broken front matter: status $st, pid '$pid'" "$tmp/err"
fi
cp "$tmp/saved.md" "$f"
kb
[ $st = 0 ] && [ "$pid" = "$first" ] && ok "fixed: the next build ends well in the same process" || bad "fixed: status $st" "$tmp/err"
same "after the error fixed"

# 5. a command substitution returns (the process keeps none of the asker's pipes open); the output is
# unlocked as soon as the command returns: a build in its own process finds it current at once
printf '\n又一段。\n' >>"$f"
t0=$(date +%s)
said=$(timeout 20 "$BIN" build --keep --out out 2>&1)
st=$?
t1=$(date +%s)
[ $st = 0 ] && [ $((t1 - t0)) -lt 10 ] && echo "$said" | grep -q '^sitegen: 40 articles → out' &&
	ok "\$(sitegen build --keep) returns with the summary ($((t1 - t0)) s)" ||
	bad "\$(sitegen build --keep): status $st after $((t1 - t0)) s: $said"
timeout 20 "$BIN" build --out out >"$tmp/plain" 2>&1
st=$?
[ $st = 0 ] && grep -q '^sitegen: nothing changed since the last build of out$' "$tmp/plain" &&
	ok "a build in its own process right after finds the output current (its state written, unlocked)" ||
	bad "a plain build after: status $st" "$tmp/plain"

# 6. other options, or another environment a build reads: a process of its own
kb --drafts
drafts=$pid
[ $st = 0 ] && [ -n "$drafts" ] && [ "$drafts" != "$first" ] && [ "$(nth)" = 1 ] &&
	ok "--drafts is built by a process of its own" || bad "--drafts: status $st, pid '$drafts' (first '$first')" "$tmp/err"
same "--drafts, then without"	# (its reference is without --drafts: the corpus has no drafts)
SITEGEN_SEARCH_TAIL=4 kb
[ $st = 0 ] && [ "$pid" != "$first" ] && [ "$pid" != "$drafts" ] &&
	ok "another SITEGEN_ setting is built by a process of its own" || bad "SITEGEN_SEARCH_TAIL=4: pid '$pid'" "$tmp/err"
kill -9 "$drafts" "$pid" 2>/dev/null

# 7. the process killed between builds: the next build starts another
kill -9 "$first"
gone "$first" 5
printf '\n杀掉以后。\n' >>"$f"
kb
second=$pid
[ $st = 0 ] && [ -n "$second" ] && [ "$second" != "$first" ] && [ "$(nth)" = 1 ] &&
	ok "killed between builds (its socket left behind): the next build starts another" ||
	bad "after kill -9: status $st, pid '$second'" "$tmp/err"
same "after the kept process was killed"

# 8. killed during a build: the build is made here (the kept build made to wait at its commit).
printf '\n建造中被杀。\n' >>"$f"
hold_commit_lock
: >"$tmp/err"	# (emptied before: the wait below must not read the last build's lines)
SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >"$tmp/out" 2>"$tmp/err" &
client=$!
i=0
while ! grep -q '^sitegen: render' "$tmp/err" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >"$tmp/out2" 2>"$tmp/err2" &
client2=$!
i=0
while ! grep -q 'busy' "$tmp/err2" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "^sitegen: --keep: the kept build process ($second) is busy with another build: building here$" "$tmp/err2" &&
	ok "a build asked while another is under way for over 2 s says so and builds in its own process" ||
	bad "a second build meanwhile" "$tmp/err2"
kill -9 "$second"
gone "$second" 5
rm -f "$tmp/locked"
wait "$client"
st=$?
wait "$client2"
st2=$?
wait "$locker"
p=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$tmp/err2")
pids="$pids $p"
# (it waits for the kept build's lock, then for the first asker's build: one of the two finds nothing changed)
[ $st2 = 0 ] && [ -z "$p" ] && grep -q '^sitegen: 40 articles → out\|^sitegen: nothing changed since' "$tmp/out2" &&
	ok "the build that did not wait ends well, made in its own process" ||
	bad "the build that did not wait: status $st2, pid '$p'" "$tmp/err2"
[ $st = 0 ] && grep -q '^sitegen: --keep: the kept build process ended during the build; building here$' "$tmp/err" &&
	grep -q '^sitegen: 40 articles → out\|^sitegen: nothing changed since' "$tmp/out" &&
	ok "killed during a build (waiting at its commit): the asker says so and builds in its own process" ||
	bad "killed during a build: status $st" "$tmp/err"
same "a kept process killed during its build"

# 8b. the asker interrupted (Ctrl-C, or killed) during its build: the kept process ends with it, as a build in the
# asker's own process would, and the output stays as the build before left it
waiter=$p
kb
waiter2=$pid
printf '\n被打断的编辑。\n' >>"$f"
pages >"$tmp/before"
hold_commit_lock
: >"$tmp/err"
SITEGEN_TIMING=1 "$BIN" build --keep --out out >"$tmp/out" 2>"$tmp/err" &
client=$!
i=0
while ! grep -q '^sitegen: render' "$tmp/err" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM "$client"	# (what Ctrl-C does to it; a script's background job ignores SIGINT)
if gone "$waiter2" 5; then
	ok "the asker interrupted during its build: the kept process ends too"
else
	bad "the asker interrupted during its build: the kept process $waiter2 goes on" "$tmp/err"
fi
rm -f "$tmp/locked"	# (before the waits: whatever went wrong, nothing waits on the lock for ever)
wait "$client" 2>/dev/null
wait "$locker"
pages >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok "the interrupted build left every page as it was (its staging folder is the next build's to clear, as a killed build's)" ||
	bad "the interrupted build changed the output: $(diff "$tmp/before" "$tmp/after" | head -5)"
[ "$waiter" != "$waiter2" ] && kill -9 "$waiter" 2>/dev/null

# 9. two builds at once, and three at once when none is kept: one process starts, all end well
for n in 1 2 3; do
	SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >"$tmp/out$n" 2>"$tmp/err$n" &
	eval "c$n=\$!"
done
wait "$c1"; s1=$?; wait "$c2"; s2=$?; wait "$c3"; s3=$?
p=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$tmp/err1" "$tmp/err2" "$tmp/err3" | sort -u)
pids="$pids $p"
starts=$(cat "$tmp/err1" "$tmp/err2" "$tmp/err3" | grep -c 'a build process is kept for the next builds')
[ "$s1$s2$s3" = 000 ] && [ "$(echo "$p" | wc -w)" = 1 ] && [ "$starts" = 1 ] &&
	ok "three builds at once with no process kept: one process started ($starts said so), all three made by it" ||
	bad "three at once: statuses $s1$s2$s3, processes '$p', $starts started" "$tmp/err2"
printf '\n同时两个。\n' >>"$f"
SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >"$tmp/out1" 2>"$tmp/err1" &
c1=$!
SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >"$tmp/out2" 2>"$tmp/err2" &
c2=$!
wait "$c1"; s1=$?; wait "$c2"; s2=$?
[ "$s1$s2" = 00 ] && ok "two builds at once: both end well" || bad "two builds at once: $s1 $s2" "$tmp/err2"
same "two builds at once"
third=$p

# 9b. a stopped kept process: the asker says it is busy after 2 s and builds in its own process, and a $(…)
# around it returns then (its stdout and stderr are passed only once the kept process starts on its build: the
# stopped process's queue holds none of them); continued, the process drops the request of the asker gone
kill -STOP "$p"
printf '\n停住的进程。\n' >>"$f"
t0=$(date +%s)
said=$(timeout 30 "$BIN" build --keep --out out 2>&1)
st=$?
t1=$(date +%s)
kill -CONT "$p"
echo "$said" | grep -q "busy with another build: building here" && [ $st = 0 ] && [ $((t1 - t0)) -lt 10 ] &&
	ok "a stopped kept process: the asker builds in its own process and \$(…) returns ($((t1 - t0)) s)" ||
	bad "a stopped kept process: status $st after $((t1 - t0)) s: $said"
same "a stopped kept process"
kb --force
[ $st = 0 ] && [ "$pid" = "$p" ] && grep -q '^sitegen: 40 articles → out (0 files written' "$tmp/out" &&
	ok "continued, it builds the next; with --force and nothing changed it says what it wrote, as a build in its own process" ||
	bad "after SIGCONT: status $st, pid '$pid' (was '$p')" "$tmp/out"

# 10. the idle time: the process ends, its socket and lock file removed
SITEGEN_KEEP_IDLE_MS=1500 kb
idle=$pid
sock=$(ls -t "$SITEGEN_KEEP_DIR"/*.s | head -1)
if [ $st = 0 ] && alive "$idle" && gone "$idle" 6 && [ ! -e "$sock" ] && [ ! -e "${sock%.s}.lock" ]; then
	ok "a process with nothing to build for its idle time ends, its socket and lock file removed"
else
	bad "the idle time: status $st, pid '$idle' alive: $(alive "$idle" && echo yes || echo no)"
fi

# 11. its folder removed: the process ends
cp -r "$tmp/site" "$tmp/site2"
(cd "$tmp/site2" && rm -rf out && SITEGEN_TIMING=1 timeout 60 "$BIN" build --keep --out out >/dev/null 2>"$tmp/err2")
p2=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$tmp/err2")
pids="$pids $p2"
rm -rf "$tmp/site2"
alive "$p2" && gone "$p2" 5 && ok "a process whose folder is removed ends" || bad "its folder removed: pid '$p2'" "$tmp/err2"

# 12. the program replaced (sitegen rebuilt): the old process ends, the new program has its own
mkdir -p "$tmp/bin"
cp "$BIN" "$tmp/bin/sitegen"
SITEGEN_TIMING=1 timeout 60 "$tmp/bin/sitegen" build --keep --out out >/dev/null 2>"$tmp/err"
p3=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$tmp/err")
pids="$pids $p3"
cp "$BIN" "$tmp/bin/sitegen.new" && mv "$tmp/bin/sitegen.new" "$tmp/bin/sitegen"
alive "$p3" && gone "$p3" 5 && ok "a process whose program was replaced ends" || bad "the program replaced: pid '$p3'" "$tmp/err"

# 13. a socket folder others may write in: refused, the build made here
mkdir -p "$tmp/open"
chmod 0777 "$tmp/open"
SITEGEN_KEEP_DIR=$tmp/open timeout 60 "$BIN" build --keep --out out >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 0 ] && grep -q "^sitegen: --keep: $tmp/open is not a folder of this user's alone (chmod 700 it, or set SITEGEN_KEEP_DIR): building here$" "$tmp/err" &&
	[ -z "$(ls "$tmp/open")" ] && grep -q '^sitegen: 40 articles → out' "$tmp/out" &&
	ok "a socket folder others may write in is refused, and the build made here" || bad "an open socket folder: status $st" "$tmp/err"

# 13b. each build's umask: the kept process writes the files with the asker's, not the first one's
(umask 077 && kb)
pu=$(sed -n 's/^sitegen: --keep: built by the kept process \([0-9]*\),.*/\1/p' "$tmp/err")
pids="$pids $pu"
printf '\n权限。\n' >>"$f"
(umask 022 && SITEGEN_TIMING=1 "$BIN" build --keep --out out >"$tmp/out" 2>"$tmp/err")
page=out/reports/$(basename "$f" .md)/index.html
[ -n "$pu" ] && [ "$(grep -c "built by the kept process $pu," "$tmp/err")" = 1 ] && [ "$(stat -c %a "$page")" = 644 ] &&
	ok "a page written by the kept process has the mode of the asker's umask (644 under 022, the first build's 077)" ||
	bad "umask: $page is $(stat -c %a "$page" 2>&1), pid '$pu'" "$tmp/err"

# 13c. another folder put in the working folder's place (the same name): built there, by a new process
cd "$tmp" && mv site site.old && cp -r site.old site && cd site || exit 1
printf '\n换了文件夹。\n' >>"$f"
kb
[ $st = 0 ] && [ -n "$pid" ] && [ "$pid" != "$pu" ] && grep -q 换了文件夹 "$page" && ! grep -q 换了文件夹 "$tmp/site.old/$page" &&
	ok "a folder put in the working folder's place is built there, by a process of its own" ||
	bad "the folder swapped: status $st, pid '$pid' (was '$pu')" "$tmp/err"
gone "$pu" 5 && ok "the process of the folder replaced ends" || bad "the process of the folder replaced goes on"
same "the folder swapped"
rm -rf "$tmp/site.old"
third=$pid

# 14. mistakes on the command line
for v in -1 1441 ten; do
	"$BIN" build --keep=$v --out out >/dev/null 2>"$tmp/err"
	st=$?
	[ $st = 2 ] && grep -q "^sitegen: --keep: '$v' is not a number of minutes from 0 to 1440$" "$tmp/err" &&
		ok "--keep=$v is refused (status 2)" || bad "--keep=$v: status $st" "$tmp/err"
done
"$BIN" build --keep 5 --out out >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "^sitegen: --keep takes its minutes after '=': --keep=5$" "$tmp/err" &&
	ok "--keep 5 is refused with the spelling that works" || bad "--keep 5" "$tmp/err"
"$BIN" check --keep >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q '^sitegen: --keep is for builds' "$tmp/err" && ok "check --keep is refused" || bad "check --keep" "$tmp/err"
"$BIN" serve --port 0 --keep --out "$tmp/served" >"$tmp/out" 2>"$tmp/err" &
server=$!
i=0
while ! grep -q 'refused its options' "$tmp/out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
grep -q '^sitegen: serve: --keep is for `sitegen build`: serve keeps its build process$' "$tmp/err" &&
	grep -q 'the build refused its options' "$tmp/out" && ok "serve --keep is refused (its build says why)" ||
	bad "serve --keep: $(cat "$tmp/out" "$tmp/err" | head -5)"

# 15. what does not make a process of its own: the options' order, the variables that only make a build
# say more (SITEGEN_TIMING); nothing changed is said as by a build in its own process; --keep=0 ends it
kb --drafts
p=$pid n=$(nth)
"$BIN" build --out out --drafts --keep >"$tmp/out" 2>"$tmp/err"	# no SITEGEN_TIMING, another order
st1=$?
kb --out out --drafts
[ $st1 = 0 ] && [ "$pid" = "$p" ] && [ "$(nth)" = $((n + 2)) ] &&
	ok "the options in another order, with or without SITEGEN_TIMING: the same process" ||
	bad "another order or SITEGEN_TIMING: pid '$pid' (was '$p'), build $(nth) (was $n)" "$tmp/err"
grep -qx 'sitegen: nothing changed since the last build of out' "$tmp/out" &&
	ok "nothing changed: said as by a build in its own process" || bad "nothing changed" "$tmp/out"
kb --drafts --keep=0
[ $st = 0 ] && [ "$pid" = "$p" ] && gone "$p" 5 && ok "--keep=0: the build made by the kept process, which then ends" ||
	bad "--keep=0: status $st, pid '$pid' (was '$p')" "$tmp/err"
before=$(ls "$SITEGEN_KEEP_DIR" | wc -l)
kb --drafts --keep=0
[ $st = 0 ] && [ -z "$pid" ] && [ "$(ls "$SITEGEN_KEEP_DIR" | wc -l)" = "$before" ] &&
	ok "--keep=0 with no process kept: built here, none started" || bad "--keep=0 with none: pid '$pid'" "$tmp/err"

kill -9 "$third" 2>/dev/null
cd "$ROOT" || exit 1
exit $status
