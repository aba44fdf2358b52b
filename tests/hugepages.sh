#!/bin/sh
# Asked for with SITEGEN_HUGE_PAGES, a build starts itself again once with
# glibc's huge-page tunable set, where the kernel gives transparent huge
# pages on request (main.c): seen with strace as the second execve; not
# unasked (the default: huge pages stalled builds on this machine's host),
# and not where the user chose otherwise.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
case "$mode" in
*"[madvise]"*) ;;
*) echo "skip - hugepages: the kernel's transparent huge pages are '${mode:-absent}', not on request"; exit 0 ;;
esac
command -v strace >/dev/null || { echo "skip - hugepages: no strace"; exit 0; }
execs() {	# env…: the execve calls a build of content/ makes, with their environment's tunables
	rm -rf "$tmp/out"
	# (LeakSanitizer cannot run under ptrace: off for an -fsanitize=address build)
	env ASAN_OPTIONS=detect_leaks=0 "$@" strace -f --seccomp-bpf -qq -v -s 4096 -e trace=execve -o "$tmp/trace" "$BIN" \
		--out "$tmp/out" --quiet 2>"$tmp/err"
	st=$?
	n=$(grep -c 'execve(' "$tmp/trace")
}
execs
if [ "$st" = 0 ] && [ "$n" = 1 ] && [ -f "$tmp/out/index.html" ]; then
	echo "ok - hugepages: unasked, a build starts once and builds"
else
	echo "not ok - hugepages: unasked, a build made $n execve calls (status $st)"
fi
execs SITEGEN_HUGE_PAGES=0
if [ "$st" = 0 ] && [ "$n" = 1 ]; then
	echo "ok - hugepages: SITEGEN_HUGE_PAGES=0 is not asking: the build starts once"
else
	echo "not ok - hugepages: with SITEGEN_HUGE_PAGES=0, $n execve calls (status $st)"
fi
execs SITEGEN_HUGE_PAGES=1
if [ "$st" = 0 ] && [ "$n" = 2 ] && grep -q 'execve("/proc/self/exe".*"GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432"' "$tmp/trace" &&
	[ -f "$tmp/out/index.html" ]; then
	echo "ok - hugepages: with SITEGEN_HUGE_PAGES, a build starts itself again once, with glibc.malloc.hugetlb=1 and a 32 MiB top_pad, and builds"
else
	echo "not ok - hugepages: a build made $n execve calls (status $st)"
	sed 's/^/#   /' "$tmp/trace" | cut -c1-300 | head -5
fi
execs SITEGEN_HUGE_PAGES=1 GLIBC_TUNABLES=glibc.malloc.check=0
if [ "$st" = 0 ] && [ "$n" = 2 ] &&
	grep -q '"GLIBC_TUNABLES=glibc.malloc.check=0:glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432"' "$tmp/trace"; then
	echo "ok - hugepages: the user's other tunables are kept beside it"
else
	echo "not ok - hugepages: with another tunable set, $n execve calls (status $st)"
fi
execs SITEGEN_HUGE_PAGES=1 GLIBC_TUNABLES=glibc.malloc.top_pad=0
if [ "$st" = 0 ] && [ "$n" = 2 ] && grep -q '"GLIBC_TUNABLES=glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1"' "$tmp/trace"; then
	echo "ok - hugepages: a top_pad the user set is theirs"
else
	echo "not ok - hugepages: the user's top_pad was overridden ($n execve calls)"
fi
execs SITEGEN_HUGE_PAGES=1 GLIBC_TUNABLES=glibc.malloc.hugetlb=0
if [ "$st" = 0 ] && [ "$n" = 1 ]; then
	echo "ok - hugepages: a hugetlb tunable the user set, and the build starts once even when asked"
else
	echo "not ok - hugepages: the user's hugetlb tunable was overridden ($n execve calls)"
fi
n=$(SITEGEN_HUGE_PAGES=1 ASAN_OPTIONS=detect_leaks=0 strace -f --seccomp-bpf -qq -e trace=execve -o "$tmp/trace" "$BIN" --version >/dev/null 2>&1
	grep -c 'execve(' "$tmp/trace")
if [ "$n" = 1 ]; then
	echo "ok - hugepages: --version starts once"
else
	echo "not ok - hugepages: --version made $n execve calls"
fi
