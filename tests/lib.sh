# Sourced by the test scripts: what several of them need alike.

# Is the generator $1 built with a sanitizer whose runtime must load first
# (ASan, TSan)? Such a build is several times slower and refuses LD_PRELOAD.
sanitized() {
	ldd "$1" 2>/dev/null | grep -q 'libasan\|libtsan'
}

# Finds Python with selenium, chromedriver and Debian's Chromium: sets
# $python and succeeds when all three are there.
find_chromium() {
	python=
	for py in /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import selenium' 2>/dev/null; then
			python=$py
			break
		fi
	done
	[ -n "$python" ] && command -v chromedriver >/dev/null 2>&1 &&
		{ command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]; }
}

# need_chromium NAME LOG: find_chromium, installing the Debian packages once
# when missing (scripts take turns on the apt lock). Fails after printing a
# skip line for NAME, with the end of LOG, when they cannot be installed.
need_chromium() {
	find_chromium && return 0
	pkgs="chromium chromium-driver python3-selenium"
	echo "# $1: installing Debian packages: $pkgs"
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo="sudo -n"; fi
	{ flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		flock /tmp/sitegen-apt.lock $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs; } \
		>"$2" 2>&1
	find_chromium && return 0
	echo "skip - $1: headless Chromium, chromium-driver and python3-selenium could not be installed"
	sed 's/^/#   /' "$2" | tail -5
	return 1
}

# worker_statuses FILE: the status lines serve's kept build process said on
# its fd 3 into FILE (serve.h): "<status>", or "0 <digest> <n>" (the output's
# digest its state is to say) followed by the n files the commit changed,
# each ended by a NUL (left out here), or "0 <digest> -" when those are not
# known. One line a build.
worker_statuses() {
	tr '\0' '\n' <"$1" | awk 'skip > 0 { skip--; next } { print; skip = $3 ~ /^[0-9]+$/ ? $3 : 0 }'
}
