#!/bin/sh
# The search index's texts' dictionary (generator/search_dict.c) in incremental builds past 1,024 reports,
# where it samples every other report: an edit outside the sample takes the earlier dictionary from
# index.js (checked against its digest), and an edit that cannot be patched makes it after all (patches
# that would cost more than the whole index: tests/search_limits.sh). Each build is compared with a full
# build of the same input (diff -r) and its SITEGEN_TIMING line says which way it went.
set -u
B=${B:-build}
BIN=$B/sitegen
# no tail (generator/search_internal.h): document 1,025 in the lists of g/ and p/, outside the sample
export SITEGEN_SEARCH_TAIL=1
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ok() { echo "ok - search_dict: $1"; }
bad() { echo "not ok - search_dict: $1"; status=1; }

# Past 1,024 reports the texts' dictionary samples the oldest 1,024 (generator/search_dict.c): an
# edit of a newer one, outside the sample, takes the earlier build's dictionary from index.js rather than making it;
# when the patch then cannot be made (a shard changed by hand), the whole index is built, its dictionary
# made after all; both equal a full build
"$B/corpus" 1030 "$tmp/c" content 250 >/dev/null	# bodies of ~250 characters (the text's size is not the point); past 1,024: documents 1,024 to 1,029 outside the sample
SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/big" --quiet \
	2>/dev/null	# the corpus's typo warnings
slug=$(sed -n 's|^sitegenSearch.d(1025,{"u":"reports/\([^/"]*\)/.*|\1|p' "$tmp/big/search/d/1025.js")
f1=$(find "$tmp/c/content" -name "$slug.md" | head -n 1)
big() {	# label [alone]: an incremental build of $tmp/big, then (unless alone) a full one compared with it
	SITEGEN_TIMING=1 SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" \
		--out "$tmp/big" >"$tmp/log" 2>&1
	[ "${2:-}" = alone ] && return
	rm -rf "$tmp/bigfull"
	SITEGEN_CACHE_DIR="$tmp/cache" "$BIN" --config "$tmp/c/config.yml" --content "$tmp/c/content" --out "$tmp/bigfull" --jobs 1 \
		--quiet 2>/dev/null
	if diff -r -x .sitegen-state -x .sitegen-output "$tmp/big" "$tmp/bigfull" >"$tmp/diff" 2>&1; then
		ok "$1: equals a full build"
	else
		bad "$1: differs from a full build"
		head -5 "$tmp/diff" | sed 's/^/#   /'
	fi
}
if [ -z "$f1" ]; then
	bad "1,030 reports: no file for document 1,025 ($slug)"
else
	printf '\n样本以外的一段话。\n' >>"$f1"
	big "an edit of document 1,025 of 1,030"
	grep -q "search: patched 1 documents.*dictionary the earlier build's" "$tmp/log" &&
		ok "an edit outside the dictionary's sample takes the earlier dictionary" ||
		bad "an edit outside the sample: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	printf '\n样本以外的又一段话。\n' >>"$f1"
	g=$(find "$tmp/big/search/g" -type f | head -n 1)
	printf ' ' >>"$g"
	big "the same with a shard changed by hand"
	grep -q 'search: built whole' "$tmp/log" && ! grep -q 'patched 1' "$tmp/log" &&
		ok "…and with a shard changed by hand, the whole index, its dictionary made" ||
		bad "a shard changed by hand after an edit outside the sample: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	# index.js's dictionary changed in place to another valid one of the same size, its mtime kept (the
	# size-and-mtime check cannot see it): the d/ files were deflated with the first, so the earlier
	# dictionary must not be taken; its digest ("dh") says so, and the whole index is built. Document 1's
	# body first made a few words that owe nothing to the dictionary, so that its old text reads the same
	# with either (else reading it would catch the change, and this would test nothing more)
	awk 'n < 2 { print } /^---/ { n++ } END { print ""; print "QZX 样本以外。" }' "$f1" >"$tmp/f1" && mv "$tmp/f1" "$f1"
	big "document 1,025's body replaced" alone
	if python3 - "$tmp/big/search/index.js" <<'EOF'
import os, sys, zlib
B91 = "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"
def b91_bits(s):
    bits = ""
    for i in range(0, len(s) - 1, 2):
        bits += format(B91.index(s[i]) + 91 * B91.index(s[i + 1]), "013b")
    if len(s) % 2:
        bits += format(B91.index(s[-1]), "06b")
    return bits
def to_b91(data):
    bits = "".join(format(b, "08b") for b in data)
    out = []
    while len(bits) >= 13:
        v = int(bits[:13], 2); bits = bits[13:]
        out += [B91[v % 91], B91[v // 91]]
    if len(bits) > 6:
        v = int(bits.ljust(13, "0"), 2); out += [B91[v % 91], B91[v // 91]]
    elif bits:
        out.append(B91[int(bits.ljust(6, "0"), 2)])
    return "".join(out)
path = sys.argv[1]
st = os.stat(path)
text = open(path, encoding="utf-8").read()
i = text.index(',"dz":"') + 7
j = len(text) - 5
bits = b91_bits(text[i:j])
raw = bytes(int(bits[k:k + 8], 2) for k in range(0, len(bits) - len(bits) % 8, 8))
d = zlib.decompressobj(-15)
words = bytearray(d.decompress(raw) + d.flush())
for unit in range(0, 400):
    for ch in range(0x4E00, 0x4E40):
        v = bytearray(words)
        v[2 * unit:2 * unit + 2] = ch.to_bytes(2, "little")
        if v == words:
            continue
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
        z = c.compress(bytes(v)) + c.flush()
        if len(z) == len(raw) and len(to_b91(z)) == j - i:
            open(path, "w", encoding="utf-8").write(text[:i] + to_b91(z) + text[j:])
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            sys.exit(0)
sys.exit(1)
EOF
	then
		printf '\n又一段样本以外的话。\n' >>"$f1"
		big "an edit outside the sample after index.js's dictionary was changed in place" alone	# whole, as above
		grep -q 'search: built whole' "$tmp/log" && ! grep -q "dictionary the earlier build's" "$tmp/log" &&
			ok "…the dictionary changed in place is not taken: the whole index" ||
			bad "a dictionary changed in place: $(grep 'search: ' "$tmp/log" | head -3 | tr '\n' ' ')"
	else
		echo "skip - search_incremental: could not make another dictionary of the same size (python3)"
	fi
fi
exit $status
