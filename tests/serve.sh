#!/bin/sh
# `sitegen serve` (make serve): the preview server on a free loopback port,
# as an editor's browser sees it. Pages, assets and the 404 page with their
# status and types; paths outside the output refused; 304 and HEAD; each kind
# of change (an edit, a new folder with a report, its removal, the theme, a
# save by rename) followed by a build and a reload event; a broken report
# shown as errors while the last good pages stay served; the pages the same
# as a plain build's apart from the script; the build process kept for the
# builds; the polling fallback; SIGTERM (tests/serve_during.sh: while a build
# runs; tests/serve_lib.sh: what both share). With SERVE_BROWSER=1 (make serve-browser), also the page script in headless
# Chromium (tests/serve_browser.py). Every wait is bounded; the servers are
# stopped by their pids.
set -u
. tests/serve_lib.sh

# The build process serve keeps, spoken to as serve does (serve.h): a byte on
# its stdin a build, each build's status a line on fd 3. Threads that cannot
# start (a stack limit no thread's stack fits under) are said by each build,
# as by each `make site`, not once a process.
(ulimit -s 33554432 2>/dev/null; printf 'bb' | SITEGEN_SERVE_WORKER=1 "$bin" --out wk --force 3>wk.status 2>wk.err >/dev/null)
# a status line each: "0 <digest> <n> <from>" (the output's, its state to
# be written, 0 when it is to be read; the n files the commit changed
# follow, each ended by a NUL; from: the digest of the output they
# changed), or "0 <digest> -" when they are not known (the first build,
# into an empty output); the second build changed none
if [ "$(tr '\0' '\n' <wk.status | cut -d' ' -f1,3 | tr '\n' ' ')" = "0 - 0 0 " ] &&
	! grep -qv '^0 [0-9a-f]\{16\} \(-\|[0-9]* [0-9a-f]\{16\}\)$' wk.status && { [ "$(grep -c 'threads could not start' wk.err)" = 2 ] ||
	! grep -q 'threads could not start' wk.err; }; then
	pass "the build process: two bytes, two builds, a status line each$(grep -q 'threads could not start' wk.err && echo ', and each says its threads could not start')"
else
	fail "the build process: statuses '$(cat wk.status | tr '\n' ' ')', $(grep -c 'threads could not start' wk.err) warnings of threads" wk.err
fi
rm -rf wk

# options: serve's own checked at once, the build's by the first build
"$bin" serve --port 70000 >opt.log 2>&1
st=$?
[ $st = 2 ] && grep -q "port: '70000' is not a port number" opt.log && pass "--port 70000: refused, status 2" ||
	fail "--port 70000: status $st" opt.log
timeout 20 "$bin" serve --port 0 --out opt --no-such-option >opt.log 2>&1
st=$?
[ $st = 2 ] && grep -q "unknown option '--no-such-option'" opt.log && pass "an unknown build option: the build's message, status 2" ||
	fail "an unknown build option: status $st" opt.log
for bad in --strcit "--district 离石区"; do
	# shellcheck disable=SC2086
	timeout 20 "$bin" serve --port 0 --out opt $bad >opt.log 2>&1
	st=$?
	if [ $st = 2 ] && grep -q "unknown option '${bad%% *}'" opt.log && grep -q '^usage: ' opt.log &&
		! grep -q 'serving\|watching' opt.log; then
		pass "serve $bad: refused with the usage, status 2, before saying it serves or watches anything"
	else
		fail "serve $bad: status $st" opt.log
	fi
done

# the first build fails (here: a warning under --strict): nothing to serve yet
mkdir nb && cp -r content nb/content
sed -i 's/^district: .*/&\nreporter: 张三/' nb/content/2022/youtamenzai.md
"$bin" serve --port 0 --out nbout --content nb/content --strict >nb.log 2>&1 &
nb=$!
pids="$pids $nb"
if wait_for grep -q 'serving http' nb.log; then
	nburl=$(sed -n 's/.*serving \(http[^ ]*\) .*/\1/p' nb.log)
	grep -q 'the build failed (.*): no build yet: fix the errors above' nb.log && ! grep -q 'last good' nb.log &&
		pass "the first build fails: the terminal says there is no build yet, not that a last good one is served" ||
		fail "the first build fails: the terminal says" nb.log
	r=$(req GET "${nburl}reports/youtamenzai/")
	if [ "${r%%|*}" = 503 ] && grep -q 'no build yet: fix the errors below' body &&
		grep -q "youtamenzai.md:6:1: error: unknown key &#39;reporter&#39;\|youtamenzai.md:6:1: error: unknown key 'reporter'" body &&
		grep -q 'src="/__sitegen/live.js"' body; then
		pass "no build yet: every page is one saying so, with the errors (--strict passed on) and the reload script (503)"
	else
		fail "no build yet: the page is $r" body
	fi
	sed -i '/^reporter: /d' nb/content/2022/youtamenzai.md
	if wait_for grep -q 'built in' nb.log && r=$(req GET "${nburl}reports/youtamenzai/") && [ "${r%%|*}" = 200 ]; then
		pass "no build yet, then fixed: the pages are served"
	else
		fail "fixed: $r" nb.log
	fi
else
	fail "the server with a broken first build did not start" nb.log
fi
kill -TERM $nb

# An output directory the build refuses (not one of ours: a home folder, the
# working directory) is never served, not even after the build said no.
mkdir foreign && echo TOPSECRET >foreign/secret.txt
"$bin" serve --port 0 --out foreign >foreign.log 2>&1 &
pids="$pids $!"
fserver=$!
# (the first build runs before the server says where it is)
if wait_for grep -q 'build failed' foreign.log && wait_for grep -q 'serving http' foreign.log; then
	furl=$(sed -n 's/.*serving \(http[^ ]*\) .*/\1/p' foreign.log)
	r=$(req GET "${furl}secret.txt")
	case ${r%%|*} in 404 | 503) code=ok ;; *) code= ;; esac
	[ "$code" ] && ! grep -q TOPSECRET body && grep -q 'refusing to write here' foreign.log &&
		pass "an output directory the build refuses is not served (secret.txt: ${r%%|*}, the errors page)" ||
		fail "a refused output directory: secret.txt answered $r" foreign.log body
else
	fail "a refused output directory: the build did not fail" foreign.log
fi
kill "$fserver" 2>/dev/null

start inotify
case $url in
http://127.0.0.1:[0-9]*/golden/) pass "--port 0 picks a free port on 127.0.0.1 and prints the site's address, under base_url's path: $url" ;;
*) fail "the address printed is not http://127.0.0.1:PORT/golden/: '$url'" inotify.log ;;
esac
root=${url%/golden/}

# ---- pages, assets, types, 404 ----
r=$(req GET "$url")
if [ "$r" = "200|text/html; charset=utf-8" ] && grep -q '<script src="/__sitegen/live.js" data-gen="[0-9a-f]*\.[0-9]*" data-base="/golden/" data-file="index.html"></script></body>' body; then
	pass "the home page is served as UTF-8 HTML (after the first build) with the reload script before </body>, naming its file"
else
	fail "the home page: $r" body log
fi
token=$(sed -n 's/.*data-gen="\([^"]*\)".*/\1/p' body)
r=$(req GET "$root/")
[ "${r%%|*}" = 302 ] && [ "$(header Location)" = /golden/ ] &&
	pass "/ redirects to base_url's path /golden/" || fail "/ answered $r, Location $(header Location)" head
r=$(req GET "$root/golden")
[ "${r%%|*}" = 301 ] && [ "$(header Location)" = /golden/ ] && pass "/golden redirects to /golden/" ||
	fail "/golden answered $r" head
for t in "assets/style.css|text/css; charset=utf-8" "feed.xml|application/xml; charset=utf-8" \
	"sitemap.xml|application/xml; charset=utf-8" "assets/search.js|text/javascript; charset=utf-8" \
	"reports/kouzhao/img/kouzhao.png|image/png" "reports/lianxinka/|text/html; charset=utf-8" \
	"dates/2022/index.html|text/html; charset=utf-8" "assets/module.mjs|text/javascript; charset=utf-8"; do
	path=${t%%|*}
	r=$(req GET "$url$path")
	if [ "$r" = "200|${t#*|}" ]; then pass "$path: 200, ${t#*|}"; else fail "$path: $r, not 200|${t#*|}" head; fi
done
# On the loopback, only requests naming this machine are answered: a page
# elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) is refused.
if [ $http = curl ]; then
	evil=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: attacker.example' --max-time 20 "$url")
	port=${root##*:}
	local=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:$port" --max-time 20 "$url")
	[ "$evil" = 403 ] && [ "$local" = 200 ] &&
		pass "on the loopback, Host: attacker.example is refused (403), Host: localhost answered" ||
		fail "Host checks: attacker.example answered $evil, localhost $local"
fi
r=$(req GET "${url}reports/lianxinka")
[ "${r%%|*}" = 301 ] && [ "$(header Location)" = /golden/reports/lianxinka/ ] &&
	pass "a folder named without its '/' redirects to it with the '/' (its relative links need it)" ||
	fail "reports/lianxinka answered $r, Location $(header Location)" head
r=$(req GET "${url}no/such/page.html")
if [ "$r" = "404|text/html; charset=utf-8" ] && grep -q '找不到这个页面' body && grep -q '/__sitegen/live.js' body; then
	pass "a missing page gets the theme's 404.html with status 404 (and the script)"
else
	fail "a missing page: $r" body
fi
mkdir -p out/bare && r=$(req GET "${url}bare/") && rmdir out/bare
[ "${r%%|*}" = 404 ] && pass "a folder without index.html is 404, not a listing" || fail "bare folder: $r" body

# ---- nothing outside the output ----
ln -s "$tmp" out/leak
ln -s "$tmp/config.yml" out/leak.txt
for p in "../config.yml" "%2e%2e/config.yml" "%2E%2E%2Fconfig.yml" "reports/../../config.yml" \
	"..%2fconfig.yml" "leak/config.yml" "leak.txt" ".sitegen-state" "reports/%00/x" "reports//lianxinka/"; do
	r=$(req GET "$url$p")
	if [ "${r%%|*}" = 404 ] && ! grep -q 'base_url' body; then
		pass "$p is refused (404)"
	else
		fail "$p answered $r" body
	fi
done
r=$(req GET "$root/../config.yml")
[ "${r%%|*}" = 404 ] && ! grep -q base_url body && pass "/../config.yml is refused (404)" || fail "/../config.yml: $r" body
rm -f out/leak out/leak.txt

# ---- conditional requests, HEAD, methods ----
for p in assets/style.css reports/lianxinka/; do
	req GET "$url$p" >/dev/null
	etag=$(header ETag)
	r=$(req GET "$url$p" "$etag")
	if [ -n "$etag" ] && [ "${r%%|*}" = 304 ] && [ ! -s body ]; then
		pass "$p: If-None-Match with its ETag is answered 304 without a body"
	else
		fail "$p: ETag '$etag', then $r" head
	fi
done
# A 304 on the wire: its Content-Length, when sent, is the 200's (RFC 9110
# §8.6; libmicrohttpd 0.9.75 sent "Content-Length: 0" for an empty reply), no
# body follows, and the next request on the same connection is answered.
if command -v python3 >/dev/null 2>&1; then
	for p in assets/style.css reports/lianxinka/; do
		req GET "$url$p" >/dev/null
		etag=$(header ETag) len=$(wc -c <body | tr -d ' ')
		raw=$(python3 - "$url$p" "$etag" <<'EOF'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=20)
ask = "GET %s HTTP/1.1\r\nHost: %s:%d\r\nIf-None-Match: %s\r\n" % (u.path, u.hostname, u.port, sys.argv[2])
s.sendall((ask + "\r\n" + ask + "Connection: close\r\n\r\n").encode())
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
for r in data.decode("latin-1").split("HTTP/1.1 ")[1:]:
    head, _, rest = r.partition("\r\n\r\n")
    length = [l.split(":", 1)[1].strip() for l in head.split("\r\n") if l.lower().startswith("content-length:")]
    print("%s|%s|%d" % (head.split(" ", 1)[0], ",".join(length) or "none", len(rest)))
EOF
)
		ok=$(echo "$raw" | grep -c "^304|\($len\|none\)|0$")
		if [ "$ok" = 2 ] && [ "$(echo "$raw" | wc -l)" = 2 ]; then
			pass "$p: a raw 304 carries Content-Length $len (the 200's) or none, no body, and the connection goes on ($(echo $raw))"
		else
			fail "$p: a raw 304 (status|Content-Length|bytes after the headers) was '$(echo $raw)', not 304|$len|0 twice"
		fi
	done
fi
r=$(req HEAD "${url}assets/style.css")
len=$(header Content-Length)
[ "${r%%|*}" = 200 ] && [ ! -s body ] && [ "$len" = "$(wc -c <out/assets/style.css | tr -d ' ')" ] &&
	pass "HEAD: 200 with the Content-Length and no body" || fail "HEAD: $r, Content-Length $len" head
r=$(req POST "${url}index.html")
[ "${r%%|*}" = 405 ] && pass "POST is answered 405" || fail "POST: $r" head

# ---- the same pages as a plain build ----
"$bin" --out ref --quiet 2>ref.err || fail "the reference build failed" ref.err
# every file at once (one request each, in one client), the script taken out of the pages
(cd ref && find . -type f ! -name '.*') | sed 's#^\./##' >files
if [ $http = curl ]; then
	sed "s#.*#url = \"$url&\"\noutput = \"served/&\"#" files >files.curl
	curl -s --path-as-is --create-dirs -K files.curl
else
	python3 -c 'import sys, os, urllib.request
for f in open("files").read().split():
	os.makedirs(os.path.dirname("served/" + f) or ".", exist_ok=True)
	open("served/" + f, "wb").write(urllib.request.urlopen(sys.argv[1] + f).read())' "$url"
fi
find served -name '*.html' -exec sed -i 's#<script src="/__sitegen/live.js" data-gen="[^"]*" data-base="[^"]*"\( data-file="[^"]*"\)\{0,1\}></script>##' {} +
if diff -r -x ".*" served ref >diff && diff -r -x '.*' out ref >>diff; then
	pass "all $(wc -l <files) files served equal a plain build's (make site's) apart from the script, and the output directory has no script"
else
	fail "served files differ from a plain build's" diff
fi
grep -rq '__sitegen' out && fail "the script was written into the output directory"

# ---- changes: a build and a reload event each ----
if [ $http = curl ]; then
	curl -sN --max-time 600 "$root/__sitegen/events" >events &
else
	python3 -c 'import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=60)
out = open("events", "wb", buffering=0)
for line in r: out.write(line)' "$root/__sitegen/events" &
fi
pids="$pids $!"
wait_for grep -q '^retry:' events || fail "the event stream did not open" events
wait_for grep -q '"gen":"'"$token"'","base":"/golden/"}' events &&
	pass "the event stream says the state at once: the build the page was read from ($token), base_url's path" ||
	fail "the stream's first state" events
# The stream's states (one JSON line each: what open pages decide from): at
# once, then after every build.
states() { sed -n 's/^data: \({.*\)$/\1/p' "${1:-events}"; }
# reloads: how often the output the states name (gen) changed
# (one awk, not five processes a look: the waits look ten times a second)
reloads() {
	awk '/^data: \{/ { v = substr($0, 7); if (match(v, /.*"gen":"[^"]*"/)) { v = substr(v, 1, RLENGTH); sub(/.*"gen":"/, "", v); sub(/"$/, "", v) }
		if (!runs || v != last) { runs++; last = v } } END { print (runs > 0 ? runs - 1 : 0) }' "${1:-events}" 2>/dev/null || echo 0
}
# states_with KEY: how many states carry KEY (errors, warnings)
states_with() { states | grep -c "\"$1\":"; }
# the last state shows nothing: no errors, no warnings
last_state_plain() { states | tail -1 | grep -q . && ! states | tail -1 | grep -q '"errors":\|"warnings":'; }
reloads_at_least() { [ "$(reloads)" -ge "$1" ]; }
# change DESCRIPTION PAGE TEXT: after a change, a reload event (one more) and
# PAGE (a path below the site) showing TEXT, or 404 when TEXT is -.
n=0
change() {
	n=$((n + 1))
	if wait_for reloads_at_least $n; then
		if [ "$3" = - ]; then
			r=$(req GET "$url$2")
			[ "${r%%|*}" = 404 ] && pass "$1: built, reload event, $2 is gone (404)" || fail "$1: $2 still $r"
		elif req GET "$url$2" >/dev/null && grep -q "$3" body; then
			pass "$1: built, a reload event, and $2 shows it"
		else
			fail "$1: reload event, but $2 does not show '$3'" body inotify.log
		fi
	else
		fail "$1: no reload event within the wait" events inotify.log
		n=$(reloads)
	fi
}
grep 'built in' inotify.log | head -1 | grep -q 'reloading\|told' && fail "the first build, no page open: says it reloads pages" inotify.log ||
	pass "the first build, with no page open, does not say it reloads pages"
printf '\n编辑后新加的一段。\n' >>content/2022/lianxinka.md
change "an edit to a report" reports/lianxinka/ 编辑后新加的一段
grep -q 'content/2022/lianxinka.md changed' inotify.log && grep -q 'built in .*; [0-9]* files\{0,1\} changed ([0-9]* pages\{0,1\}, [1-9][0-9]* of the search index); the open page reloads if it shows one of them$' inotify.log &&
	pass "an edit: the terminal names the file, says how many files, pages and search index files changed, that the open page reloads if it shows one of them" || fail "an edit: the terminal says" inotify.log
states | tail -1 >laststate
# The state after it names the build before it and the files the edit
# changed: the report's page among them, not a page it does not show on (a
# page made of none of them, read from the build before, stays).
last=$(states | tail -1)
prev_gen=$(printf '%s' "$last" | sed -n 's/.*"prev":"\([^"]*\)".*/\1/p')
case "$last" in
*'"changed":['*'"reports/lianxinka/index.html"'*) case "$last" in
	*'"reports/youtamenzai/index.html"'*) fail "an edit's state names a page the edit does not change" events ;;
	*) [ "$prev_gen" = "$token" ] && pass "an edit's state names the build before (the page's) and the files it changed: the report's page, not another's" ||
		fail "an edit's state: prev '$prev_gen', the page's build '$token'" events ;;
	esac ;;
*) fail "an edit's state does not name the report's page among the files changed" events ;;
esac
# Open pages counted: a stream opened with ?pages=0 (the page script's, and
# the shared worker's for all the tabs) counts the pages that say they listen
# to it (SERVE_PAGES ?stream=ID&add=1, -1 when they leave); a client gone is
# not counted a second later.
if [ $http = curl ]; then
	curl -sN --max-time 60 "$root/__sitegen/events?pages=0" >events3 &
	p3=$!
	pids="$pids $p3"
	wait_for grep -q '^event: hello' events3
	id=$(sed -n '/^event: hello/{n;s/^data: //p;}' events3)
	a=$(curl -s -o /dev/null -w '%{http_code}' "$root/__sitegen/pages?stream=$id&add=1")
	b=$(curl -s -o /dev/null -w '%{http_code}' "$root/__sitegen/pages?stream=99999&add=1")
	printf '\n数页面的一段。\n' >>content/2022/lianxinka.md
	change "an edit with a second stream, one page listening to it" reports/lianxinka/ 数页面的一段
	two=$(grep 'built in' inotify.log | tail -1)
	kill $p3
	sleep 1.5
	printf '\n又数页面的一段。\n' >>content/2022/lianxinka.md
	change "an edit after that stream's client left" reports/lianxinka/ 又数页面的一段
	one=$(grep 'built in' inotify.log | tail -1)
	case "$a $b|$two|$one" in
	"204 404|"*"each of the 2 open pages reloads if it shows one of them|"*"the open page reloads if it shows one of them")
		pass "open pages: a page saying it listens to a shared stream counts (204; 404 for no such stream), and a stream's client gone counts no more" ;;
	*) fail "open pages: $a $b, then '$two', then '$one'" ;;
	esac
fi
mkdir -p content/2023/new
printf -- '---\ntitle: 新文件夹里的报道\ndate: 2023-01-05\ndistrict: 离石区\n---\n\n新报道。\n' >content/2023/new/index.md
change "a new folder holding a new report" reports/new/ 新文件夹里的报道
rm -r content/2023
change "a deleted folder and its report" reports/new/ -
printf '\n/* theme-edit-marker */\n' >>theme/static/style.css
change "a change to the theme" assets/style.css theme-edit-marker
# vim's way: a probe file named 4913 made and removed, the file written beside and renamed over;
# in one process, as vim does it (three commands could be 30 ms apart on a loaded machine, and the
# server builds 30 ms after a file is written: it would build, and name, the probe)
perl -e 'my $d = "content/2022"; open(my $p, ">", "$d/4913") or die; close $p; unlink "$d/4913";
	open(my $i, "<", "$d/lianxinka.md") or die; local $/; my $s = <$i>; close $i;
	$s =~ s/编辑后新加的一段/改名保存的一段/; open(my $o, ">", "$d/4914") or die; print $o $s; close $o;
	rename "$d/4914", "$d/lianxinka.md" or die'
change "a save by rename (write beside, mv over: vim's way)" reports/lianxinka/ 改名保存的一段
# changed NAME: the last "changed" line names NAME and no temporary file was named
said_changed() {
	last=$(grep ' changed$' inotify.log | tail -1)
	if [ "$last" = "sitegen: serve: $1 changed" ] && ! grep -q '/491[34] changed\|/sed[^ /]* changed' inotify.log; then
		pass "$2: the terminal names $1, not the editor's temporary file"
	else
		fail "$2: the terminal said '$last'" inotify.log
	fi
}
said_changed content/2022/lianxinka.md "vim's save"
sed -i 's/改名保存的一段/sed改过的一段/' content/2022/lianxinka.md
change "sed -i (a temporary sedXXXXXX renamed over)" reports/lianxinka/ sed改过的一段
said_changed content/2022/lianxinka.md "sed -i"
# a report that is a link to a file outside the content: the build reads it through the link, so a
# write to it, wherever it is, is a change (its folder watched for its name); the link pointed elsewhere too
mkdir -p outside
printf -- '---\ntitle: 链接来的报道\ndate: 2022-06-01\ndistrict: 离石区\n---\n\n链接正文第一版。\n' >outside/linked.md
sed 's/第一版/另一个文件/' outside/linked.md >outside/other.md
ln -s "$PWD/outside/linked.md" content/2022/linked.md
change "a link to a report outside the content" reports/linked/ 链接正文第一版
sed -i 's/第一版/第二版/' outside/linked.md
change "the linked report written (outside the content)" reports/linked/ 链接正文第二版
ln -sfn "$PWD/outside/other.md" content/2022/linked.md
change "the link pointed to another file" reports/linked/ 链接正文另一个文件
printf '\n另一个文件又写了。\n' >>outside/other.md
change "that file written" reports/linked/ 另一个文件又写了
rm content/2022/linked.md
change "the link removed" reports/linked/ -
# a chain: the report a link to a link outside, that one pointed elsewhere; the target's folder removed
# and made again
ln -s "$PWD/outside/hop" content/2022/linked.md
ln -s "$PWD/outside/linked.md" outside/hop
change "a link to a link to a report outside" reports/linked/ 链接正文第二版
ln -sfn "$PWD/outside/other.md" outside/hop
change "the link on the way pointed elsewhere" reports/linked/ 另一个文件又写了
mkdir -p outside/sub
sed 's/另一个文件又写了/子文件夹里的/' outside/other.md >outside/sub/t.md
ln -sfn "$PWD/outside/sub/t.md" outside/hop
change "pointed into a folder" reports/linked/ 子文件夹里的
rm -r outside/sub
wait_for grep -q 'cannot read' inotify.log && pass "its folder removed: the build says it cannot read the report" ||
	fail "its folder removed: no build said so" inotify.log
n=$(reloads)
mkdir outside/sub
printf -- '---\ntitle: 链接来的报道\ndate: 2022-06-01\ndistrict: 离石区\n---\n\n文件夹又回来了。\n' >outside/sub/t.md
change "the folder made again, the file in it" reports/linked/ 文件夹又回来了
rm content/2022/linked.md
change "the first link removed" reports/linked/ -
sed -i 's/^title: 测试档案/title: 改过的档案/' config.yml
change "a change to config.yml" index.html 改过的档案

# ---- a broken report: errors on the open pages, the last good pages served ----
cp content/2022/youtamenzai.md good.md
req GET "${url}reports/youtamenzai/" >/dev/null
cp body good.html
sed -i 's/^district: .*/district: 石楼/' content/2022/youtamenzai.md
if wait_for grep -q '"errors":.*youtamenzai' events; then
	if states | grep -q '"errors":".*content/2022/youtamenzai.md:[0-9]*:[0-9]*: error: '; then
		pass "a broken report: a state with the errors, path:line:col (the overlay)"
	else
		fail "a broken report: the errors have no path:line:col" events
	fi
else
	fail "a broken report: no state with errors" events inotify.log
fi
grep -q 'youtamenzai.md:[0-9]*:[0-9]*: error' inotify.log && pass "a broken report: the errors are in the terminal too" ||
	fail "a broken report: no error in the terminal" inotify.log
r=$(req GET "${url}reports/youtamenzai/")
[ "${r%%|*}" = 200 ] && cmp -s body good.html &&
	pass "a broken report: the last good pages stay served" || fail "a broken report: the page is now $r" inotify.log
if [ $http = curl ]; then
	curl -sN --max-time 0.5 "$root/__sitegen/events" >events2
	grep -q '"errors":' events2 && pass "a page opened while the build is broken shows the errors at once" ||
		fail "a newly opened page is not told the errors" events2
fi
cp good.md content/2022/youtamenzai.md
n_reloads=$(reloads)
wait_for last_state_plain && [ "$(reloads)" = "$n_reloads" ] &&
	pass "fixed: the overlay goes (a state without errors, of the same output: the pages are those of the last good build)" ||
	fail "fixed: no state without errors" events inotify.log

# ---- in a real browser: `make serve-browser` (SERVE_BROWSER=1; ~5 s more) ----
if [ "${SERVE_BROWSER:-}" = 1 ]; then
	if need_chromium serve apt.log; then
		"$python" "$here/tests/serve_browser.py" "$url" "$tmp" 2>browser.err || fail "the browser check failed" browser.err
	fi
fi

# ---- warnings: a good build, with the warnings on the open pages ----
count_more() { [ "$(states_with "$1")" -gt "$2" ]; }
# the terminal from here on (the browser's checks, with SERVE_BROWSER=1, said warnings of their own before)
warnings_from=$(($(wc -l <inotify.log) + 1))
terminal_since() { tail -n +"$warnings_from" inotify.log; }
n_warn=$(states_with warnings)
sed -i 's/^district: .*/&\nreporter: 张三/' content/2022/youtamenzai.md
if wait_for count_more warnings "$n_warn"; then
	if states | grep -q '"warnings":"sitegen: 1 warning; the site was built, and this page is up to date. Each warning below names' &&
		states | grep -q "content/2022/youtamenzai.md:6:1: warning: unknown key 'reporter'" &&
		grep -q 'built in .*; 1 warning (above), shown on the open pages' inotify.log; then
		pass "a build with a warning: a state with the warnings (heading and path:line:col) and the terminal says so"
	else
		fail "a build with a warning: the event or the terminal lacks it" events inotify.log
	fi
else
	fail "a build with a warning: no state with warnings" events inotify.log
fi
# A file that is no article added, then removed: the build after its removal
# finds the pages as the build before left them, and still says the warning.
n_warn=$(states_with warnings)
echo 'notes' >content/2022/notes.txt
if wait_for count_more warnings "$n_warn" && states | tail -1 | grep -q "notes.txt: warning: not a .md file" &&
	states | tail -1 | grep -q "unknown key 'reporter'"; then
	n_warn=$(states_with warnings)
	rm content/2022/notes.txt
	if wait_for count_more warnings "$n_warn" && ! states | tail -1 | grep -q "notes.txt" &&
		states | tail -1 | grep -q '"warnings":"sitegen: 1 warning; .*unknown key .reporter.'; then
		pass "a file that is no article added and removed: the warning of a report stays on the open pages"
	else
		fail "a file that is no article removed: the report's warning is gone from the open pages" events inotify.log
	fi
else
	fail "a file that is no article added: no state with both warnings" events inotify.log
fi
# …and in the terminal the report's warning was printed once, by the first of those three builds: the
# others count it, the new one printed above, the one gone counted (serve_terminal.c)
if [ "$(terminal_since | grep -c "youtamenzai.md:6:1: warning: unknown key 'reporter'")" = 1 ] &&
	terminal_since | grep -c "notes.txt: warning: not a .md file" | grep -qx 1 &&
	terminal_since | grep -q 'built in .*; 2 warnings (1 above; 1 as in the last build, not repeated here), shown on the open pages$' &&
	terminal_since | grep -q 'built in .*; 1 warning (as in the last build, not repeated here; 1 gone since the last build), shown on the open pages$'; then
	pass "the terminal prints a warning the last build said too once, counts it after, and the one gone"
else
	fail "the terminal: the report's warning printed $(terminal_since | grep -c "unknown key 'reporter'") times" inotify.log
fi
# the report saved again, its warning still there: printed again (it is the file the editor saved)
n_warn=$(states_with warnings)
printf '\n又存了一次。\n' >>content/2022/youtamenzai.md
if wait_for count_more warnings "$n_warn" &&
	wait_for eval '[ "$(terminal_since | grep -c "youtamenzai.md:6:1: warning: unknown key .reporter.")" = 2 ]'; then
	pass "a saved file's own warning is printed again, though the last build said it too"
else
	fail "the saved file's warning: printed $(terminal_since | grep -c "unknown key 'reporter'") times" inotify.log
fi
sed -i '/^reporter: /d' content/2022/youtamenzai.md
wait_for last_state_plain && pass "the warning gone: a state without warnings takes the notice away" ||
	fail "no state without warnings after the warning went" events
wait_for eval "terminal_since | grep -q 'built in .*; no warnings (1 gone since the last build)'" &&
	pass "the terminal says the warning is gone: 'no warnings (1 gone since the last build)'" ||
	fail "the terminal did not say the warning went" inotify.log
# A key holding ": warning: " is one warning; an error holding it (a date written so) is an error, printed by
# every build that has it, and a failed build's line counts the warning it did not print again (the hostile
# review's finds: the count was 3, and the error was hidden as a repeated warning)
cp content/2022/lianxinka.md lianxinka.good
lines_before=$(wc -l <inotify.log)
n_warn=$(states_with warnings)
sed -i 's/^district: .*/&\n"k: warning: x": 1/' content/2022/youtamenzai.md
wait_for count_more warnings "$n_warn" || fail "a key holding ': warning: ': no state with its warning" events
sed -i 's/^date: .*/date: "2022-09-01: warning: bad"/' content/2022/lianxinka.md
wait_for grep -q 'the build failed .*; 1 warning as in the last build, not repeated here' inotify.log
printf '\n又坏了一次。\n' >>content/2022/lianxinka.md
if wait_for eval '[ "$(grep -c "lianxinka.md:[0-9]*:[0-9]*: error: .*2022-09-01: warning: bad" inotify.log)" = 2 ]' &&
	tail -n +"$((lines_before + 1))" inotify.log | grep -q "built in .*; 1 warning (above)" &&
	[ "$(grep -c 'youtamenzai.md:[0-9]*:[0-9]*: warning: .*k: warning: x' inotify.log)" = 1 ]; then
	pass "an error holding ': warning: ' is printed by each build, a warning holding it counted as one"
else
	fail "': warning: ' in an error or a warning: $(grep -c 'error: .*warning: bad' inotify.log) errors printed" inotify.log
fi
cp lianxinka.good content/2022/lianxinka.md
sed -i '/^"k: warning: x": 1$/d' content/2022/youtamenzai.md
wait_for last_state_plain || fail "the key and the date put back: the notice stays" events

# Editors' lock, swap, backup and autosave files (load_name_ignored): no
# build, no word, as builds take no note of them either.
built_before=$(grep -c 'built in' inotify.log)
printf 'x' >content/2022/.lianxinka.md.swp
printf 'x' >content/2022/lianxinka.md~
printf 'x' >'content/2022/#lianxinka.md#'
sleep 0.6	# six times the wait after a change
rm content/2022/.lianxinka.md.swp content/2022/lianxinka.md~ 'content/2022/#lianxinka.md#'
sleep 0.6
if [ "$(grep -c 'built in' inotify.log)" = "$built_before" ] && ! grep -q 'lianxinka.md\(~\|#\|\.swp\)' inotify.log; then
	pass "an editor's swap, backup and autosave files (.x.md.swp, x.md~, #x.md#) made and removed: no build, no word"
else
	fail "an editor's swap, backup or autosave file started a build or was named" inotify.log
fi

# Many files changed at once, more names than the watch keeps (WATCH_MAX_NAMES,
# 16 KB): the terminal says some were not counted, not a number as if all.
built_before=$(grep -c 'built in\|build failed' inotify.log)
long=$(printf '%0120d' 0)
mkdir burst
i=0
burst_text=$(cat content/2022/lianxinka.md)	# (written by the shell itself: 160 cp processes cost 0.7 s of CPU)
while [ $i -lt 160 ]; do
	printf '%s\n' "$burst_text" >"burst/burst-$long-$i.md"
	i=$((i + 1))
done
mv burst/* content/2022/	# one process, a few ms: one burst, whatever the load
if wait_for grep -q 'files changed in .*content/2022, among more not listed$' inotify.log; then
	pass "160 files changed at once (19 KB of names): the terminal says more changed than it lists"
else
	fail "160 files changed at once: the terminal does not say more changed than it lists" inotify.log
fi
wait_for log_more 'built in\|build failed' "$built_before"	# that burst's build over
built_before=$(grep -c 'built in' inotify.log)
rm -r content/2022/burst-*.md burst
wait_for log_more 'built in' "$built_before" || fail "the 160 files removed: no build" inotify.log

# The content folder moved away and back (or made after the server started):
# seen in its parent, watched again, built.
failed_before=$(grep -c 'build failed' inotify.log)
mv content ../content-away
if wait_for log_more 'build failed' "$failed_before"; then
	built_before=$(grep -c 'built in' inotify.log)
	mv ../content-away content
	wait_for log_more 'built in' "$built_before" &&
		printf '\n回来以后的一段。\n' >>content/2022/lianxinka.md &&
		wait_for grep -q '回来以后的一段' out/reports/lianxinka/index.html &&
		pass "content/ moved away and back: built again, and an edit in it is seen" ||
		fail "content/ moved away and back: not watched again" inotify.log
else
	mv ../content-away content
	fail "content/ moved away: no failed build" inotify.log
fi

# ---- base_url changed while serving ----
sed -i 's#^base_url: .*#base_url: "https://example.org/moved/"#' config.yml
if wait_for grep -q '"base":"/moved/"' events; then
	grep -q "base_url's path is now /moved/: the site is at $root/moved/" inotify.log &&
		pass "base_url's path changed: the terminal prints the new address, open pages hear where to (the state's base)" ||
		fail "base_url changed: the event or the terminal" events inotify.log
	r=$(req GET "$root/moved/")
	[ "${r%%|*}" = 200 ] && pass "base_url's path changed: the site is served at /moved/" || fail "/moved/: $r"
else
	fail "base_url changed: no state with the new base" events inotify.log
fi

# A base_url whose path is percent-encoded (a space, Chinese): served there,
# printed and redirected to encoded, as a browser asks for it.
sed -i 's#^base_url: .*#base_url: "https://example.org/my%20%E6%A1%A3%E6%A1%88/"#' config.yml
if wait_for grep -q "base_url's path is now /my%20%E6%A1%A3%E6%A1%88/" inotify.log; then
	r=$(req GET "$root/my%20%E6%A1%A3%E6%A1%88/")
	r2=$(req GET "$root/")
	[ "${r%%|*}" = 200 ] && [ "${r2%%|*}" = 302 ] && [ "$(header Location)" = "/my%20%E6%A1%A3%E6%A1%88/" ] &&
		grep -q "the site is at $root/my%20%E6%A1%A3%E6%A1%88/" inotify.log &&
		pass "a percent-encoded base_url path (/my%20%E6%A1%A3%E6%A1%88/) is served, printed and redirected to as it is written" ||
		fail "an encoded base_url path: $r, / answered $r2 to $(header Location)" inotify.log
else
	fail "an encoded base_url path: the terminal does not say it moved" inotify.log
fi

# ---- the build process kept (serve_build.c) ----
# The builds run in one child process kept for them: the same after an edit.
# After every build above in it, the output is still a plain build's. Killed
# between builds, the next edit starts another and is built; the server's
# stop ends it.
kept() { pgrep -P "$server" | tr '\n' ' ' | sed 's/ $//'; }
url="$root/my%20%E6%A1%A3%E6%A1%88/"	# (base_url's path since the last section)
n=$(reloads)	# (the sections since the last change's count)
k1=$(kept)
printf '\n同一个进程建成的一段。\n' >>content/2022/lianxinka.md
change "an edit, built by the process kept" reports/lianxinka/ 同一个进程建成的一段
k2=$(kept)
[ -n "$k1" ] && [ "$k1" = "$k2" ] && [ "${k1#* }" = "$k1" ] &&
	pass "the builds run in one process kept for them (pid $k1 before and after an edit)" ||
	fail "the build processes: '$k1' before an edit, '$k2' after" inotify.log
"$bin" --out ref2 --quiet 2>ref2.err || fail "the second reference build failed" ref2.err
if diff -r -x '.*' out ref2 >diff2; then
	pass "after $(grep -c 'built in' inotify.log) builds in that process, the output equals a plain build's"
else
	fail "after the builds in one process, the output differs from a plain build's" diff2
fi
[ -n "$k1" ] && kill -9 "$k1" && wait_for sh -c "! kill -0 $k1 || grep -q zombie /proc/$k1/status"
printf '\n进程被杀以后的一段。\n' >>content/2022/lianxinka.md
change "an edit after the build process was killed between builds" reports/lianxinka/ 进程被杀以后的一段
k3=$(kept)
[ -n "$k3" ] && [ "$k3" != "$k1" ] && pass "the build process killed between builds: the next edit starts another ($k3)" ||
	fail "the build process after a kill: '$k3'" inotify.log
# ---- stopping ----
# its build process stopped (SIGSTOP) between builds: the server's stop still ends both
[ -n "$k3" ] && kill -STOP "$k3"
stop inotify "$server"
[ -n "$k3" ] && ! kill -0 "$k3" 2>/dev/null && pass "the server's stop ends its build process" ||
	fail "the build process $k3 outlived the server"
# ---- polling, where inotify cannot be had ----
# The system out of inotify watches after the first (tests/fault/fault.c makes
# inotify_add_watch fail as the kernel does), or, where that library cannot be
# preloaded (a sanitized build), SITEGEN_WATCH=poll. The same output: the
# first build has nothing to do.
if ! sanitized "$bin" && [ -f "$here/$B/tests/fault.so" ]; then
	start poll LD_PRELOAD="$here/$B/tests/fault.so" FAULT_INOTIFY=1
	grep -q 'out of inotify watches.*250 ms instead' poll.log && grep -q '(polling)' poll.log &&
		pass "out of inotify watches: the server says so and polls instead" || fail "no fallback said" poll.log
else
	start poll SITEGEN_WATCH=poll
	grep -q '(polling)' poll.log && pass "SITEGEN_WATCH=poll: the server says it polls" || fail "polling not said" poll.log
fi
req GET "$url" >/dev/null
wait_for grep -q 'built in' poll.log
printf '\n轮询看到的一段。\n' >>content/2022/lianxinka.md
if wait_for grep -q '轮询看到的一段' out/reports/lianxinka/index.html; then
	pass "polling: an edit is seen and built"
else
	fail "polling: the edit was not built" poll.log
fi
mkdir content/2024
printf -- '---\ntitle: 轮询看到的新报道\ndate: 2024-01-05\ndistrict: 离石区\n---\n\n新报道。\n' >content/2024/polled.md
if wait_for test -f out/reports/polled/index.html; then
	pass "polling: a new folder with a report is seen and built"
else
	fail "polling: the new report was not built" poll.log
fi

stop poll "$server"

exit 0
