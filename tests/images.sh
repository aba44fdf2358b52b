#!/bin/sh
# Images in articles (page bundles, bundle.h): a folder content/<year>/<slug>/
# with index.md and its images builds, each image it shows is copied byte for
# byte beside the page with the width and height read from its header, an
# unshown one is not copied and one no longer shown is removed; captions with
# an image become figures; every bad image (missing, out of the bundle,
# beside a plain .md, cut short or corrupt) is an error at its place, exit
# status 1, the previous output untouched. Images are written by
# tests/images/make.py; the header reader's own unit test runs here too.
set -u
B=${B:-build}
BIN=$B/sitegen
CFG=tests/errors/config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - images: $2"; else echo "not ok - images: $2"; fi
}
# run DIR [sitegen args]: builds DIR into $tmp/out; status in $st, messages in $tmp/got (paths as TMP)
run() {
	dir=$1
	shift
	"$BIN" --config $CFG --content "$dir" --out "$tmp/out" --quiet --strict "$@" 2>"$tmp/stderr" >/dev/null
	st=$?
	sed "s|$tmp|TMP|g" "$tmp/stderr" >"$tmp/got"
}
# same NAME: compares $tmp/got with the expected text on stdin
same() {
	cat >"$tmp/want"
	if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		say 0 "$1"
	else
		say 1 "$1"
		sed 's/^/#   /' "$tmp/diff"
	fi
}
# has FILE TEXT NAME: FILE holds TEXT (a fixed string)
has() {
	if grep -qF -- "$2" "$1"; then say 0 "$3"; else say 1 "$3"; echo "#   no '$2' in $1"; fi
}
# listing: every file of the output with its size and modification time
listing() {
	(cd "$tmp/out" && find . -printf '%p %s %T@\n' | sort)
}

"$B/tests/test_image"

c=$tmp/content
b=$c/2022/lianxin
mkdir -p "$b/img/more"
python3 tests/images/make.py "$b/img"
mv "$b/img/other.png" "$b/img/more/other.png"
cat >"$b/index.md" <<'MD'
---
title: 图片报道
date: 2022-10-01
district: 离石区
captions:
  - 原版的文字说明
  - {image: img/more/other.png, text: 志愿者在 <社区> 门口}
---

正文第一段 ![门口的 "连心卡" <图>](img/photo.png "连心卡")。

![基线](img/base.jpg) ![渐进](./img/prog.jpeg) ![有损](img/lossy.webp)
![无损](img/lossless.webp) ![扩展](img/extended.webp) ![动图](img/anim.gif)
![标志](img/logo.svg) ![远程](https://example.org/a.png)
MD
printf -- '---\ntitle: 普通报道\ndate: 2022-10-02\ndistrict: 离石区\n---\n\n没有图片。\n' >"$c/2022/plain.md"
run "$c"
page=$tmp/out/reports/lianxin/index.html
if [ "$st" = 0 ] && [ ! -s "$tmp/got" ] && [ -f "$page" ]; then
	say 0 "a page bundle builds under --strict without a word, its URL from the folder: reports/lianxin/"
else
	say 1 "a page bundle builds under --strict without a word (status $st)"
	sed 's/^/#   /' "$tmp/got"
fi
ok=0
for f in photo.png base.jpg prog.jpeg lossy.webp lossless.webp extended.webp anim.gif logo.svg more/other.png; do
	cmp -s "$b/img/$f" "$tmp/out/reports/lianxin/img/$f" || { ok=1; echo "#   img/$f not copied as it is"; }
done
say $ok "every image the report shows is copied byte for byte beside its page (reports/lianxin/img/…)"
if [ -e "$tmp/out/reports/lianxin/img/unused.png" ]; then
	say 1 "an image of the bundle the report does not show is not copied"
else
	say 0 "an image of the bundle the report does not show is not copied"
fi
has "$page" '<img src="img/photo.png" alt="门口的 &quot;连心卡&quot; &lt;图&gt;" title="连心卡" width="3" height="2" loading="lazy" decoding="async">' \
	"PNG: width and height from IHDR, alt and title escaped, loading=lazy, decoding=async"
has "$page" '<img src="img/base.jpg" alt="基线" width="640" height="480" loading="lazy" decoding="async">' "JPEG baseline (SOF0): 640×480"
has "$page" '<img src="./img/prog.jpeg" alt="渐进" width="1024" height="768" loading="lazy" decoding="async">' "JPEG progressive (SOF2): 1024×768"
has "$page" '<img src="img/lossy.webp" alt="有损" width="400" height="300" loading="lazy"' "WebP lossy (VP8): 400×300"
has "$page" '<img src="img/lossless.webp" alt="无损" width="100" height="72" loading="lazy"' "WebP lossless (VP8L): 100×72"
has "$page" '<img src="img/extended.webp" alt="扩展" width="800" height="600" loading="lazy"' "WebP extended (VP8X): 800×600"
has "$page" '<img src="img/anim.gif" alt="动图" width="320" height="240" loading="lazy"' "GIF: 320×240 from the logical screen"
has "$page" '<img src="img/logo.svg" alt="标志" loading="lazy" decoding="async">' "SVG: no width or height"
has "$page" '<img src="https://example.org/a.png" alt="远程" loading="lazy" decoding="async">' \
	"a remote image is left as it is, without a size, loading=lazy"
has "$page" '<img src="img/more/other.png" alt="" width="7" height="9" loading="lazy" decoding="async">' \
	"a caption with an image: the image in a figure, from a subfolder, with its size (alt empty: the caption says it)"
has "$page" '<figcaption>志愿者在 &lt;社区&gt; 门口</figcaption>' "a caption with an image: its text in a figcaption"
has "$page" '<li>原版的文字说明</li>' "a plain caption is still listed as before"

# A second build of the same files changes nothing; a changed image is seen
# without --force (its stat is part of the inputs' fingerprint).
listing >"$tmp/list1"
run "$c"
listing >"$tmp/list2"
if cmp -s "$tmp/list1" "$tmp/list2"; then say 0 "an unchanged bundle rewrites nothing"; else say 1 "an unchanged bundle rewrites nothing"; fi
python3 - "$b/img/photo.png" <<'PY'
import sys
sys.path.insert(0, 'tests/images')
import make
open(sys.argv[1], 'wb').write(make.png(4, 6))
PY
run "$c"
if cmp -s "$b/img/photo.png" "$tmp/out/reports/lianxin/img/photo.png" && grep -qF 'alt="门口的 &quot;连心卡&quot; &lt;图&gt;" title="连心卡" width="4" height="6"' "$page"; then
	say 0 "an image changed in place is copied again with its new size by the next build (no --force)"
else
	say 1 "an image changed in place is copied again with its new size by the next build (no --force)"
fi

# No longer shown: removed by the next build, like a page no longer made.
sed -i 's/ !\[动图\](img\/anim.gif)//' "$b/index.md"
run "$c"
if [ "$st" = 0 ] && [ ! -e "$tmp/out/reports/lianxin/img/anim.gif" ] && [ -e "$tmp/out/reports/lianxin/img/base.jpg" ]; then
	say 0 "an image no longer shown is removed from the output by the next build, the others stay"
else
	say 1 "an image no longer shown is removed from the output by the next build (status $st)"
fi

# Bad images: each an error at its place; the output stays as it was.
cp -a "$tmp/out" "$tmp/before"
listing >"$tmp/before.list"
unchanged() {	# NAME
	listing >"$tmp/after.list"
	if [ "$st" = 1 ] && diff -r "$tmp/before" "$tmp/out" >/dev/null && cmp -s "$tmp/before.list" "$tmp/after.list"; then
		say 0 "$1: exit status 1, the previous output untouched"
	else
		say 1 "$1: exit status $st, or the previous output changed"
	fi
}
cp -a "$c" "$tmp/bad"
printf -- '---\ntitle: 缺图\ndate: 2022-10-03\ndistrict: 离石区\n---\n\n第一段。\n\n> 引文 ![缺](img/missing.png) 和\n> ![外](../lianxin/img/photo.png)\n' \
	>"$tmp/bad/2022/lianxin/index.md"
run "$tmp/bad"
same "a missing image and one that leaves its bundle: errors at their places" <<'EOF'
TMP/bad/2022/lianxin/index.md:9:6: error: image 'img/missing.png' not found: there is no file TMP/bad/2022/lianxin/img/missing.png
    > 引文 ![缺](img/missing.png) 和
           ^
TMP/bad/2022/lianxin/index.md:10:3: error: image '../lianxin/img/photo.png' leaves the page bundle ('..' above its folder): images are files in the folder of index.md
    > ![外](../lianxin/img/photo.png)
      ^
sitegen: build failed: 2 error(s); the output was not changed
EOF
unchanged "a missing image"

rm -rf "$tmp/bad"
mkdir -p "$tmp/bad/2022/broken/img"
python3 tests/images/make.py "$tmp/bad/2022/broken/img" broken
printf -- '---\ntitle: 坏图\ndate: 2022-10-03\ndistrict: 离石区\n---\n\n![a](img/cut.png) ![b](img/cut.jpg)\n![c](img/nosof.jpg) ![d](img/cut.webp)\n![e](img/cut.gif) ![f](img/text.png) ![g](img/jpeg.png) ![h](/abs.png)\n' \
	>"$tmp/bad/2022/broken/index.md"
run "$tmp/bad"
same "images cut short, corrupt, of another type or absolute: an error each, at its place" <<'EOF'
TMP/bad/2022/broken/index.md:7:1: error: image 'img/cut.png' is not a readable PNG image: truncated PNG header
    ![a](img/cut.png) ![b](img/cut.jpg)
    ^
TMP/bad/2022/broken/index.md:7:19: error: image 'img/cut.jpg' is not a readable JPEG image: truncated JPEG: no frame header (SOF)
    ![a](img/cut.png) ![b](img/cut.jpg)
                      ^
TMP/bad/2022/broken/index.md:8:1: error: image 'img/nosof.jpg' is not a readable JPEG image: corrupt JPEG: image data before any frame header (SOF)
    ![c](img/nosof.jpg) ![d](img/cut.webp)
    ^
TMP/bad/2022/broken/index.md:8:21: error: image 'img/cut.webp' is not a readable WebP image: truncated WebP header
    ![c](img/nosof.jpg) ![d](img/cut.webp)
                        ^
TMP/bad/2022/broken/index.md:9:1: error: image 'img/cut.gif' is not a readable GIF image: truncated GIF header
    ![e](img/cut.gif) ![f](img/text.png) ![g](img/jpeg.png) ![h](/abs.png)
    ^
TMP/bad/2022/broken/index.md:9:19: error: image 'img/text.png' is not a readable PNG image: not an image of a known type (PNG, JPEG, WebP, GIF, SVG, AVIF)
    ![e](img/cut.gif) ![f](img/text.png) ![g](img/jpeg.png) ![h](/abs.png)
                      ^
TMP/bad/2022/broken/index.md:9:38: error: image 'img/jpeg.png' is a JPEG file, but its name says PNG: rename it
    ![e](img/cut.gif) ![f](img/text.png) ![g](img/jpeg.png) ![h](/abs.png)
                                         ^
TMP/bad/2022/broken/index.md:9:57: error: image '/abs.png' is an absolute path: give the file relative to index.md, as in img/photo.jpg, in the page bundle's folder
    ![e](img/cut.gif) ![f](img/text.png) ![g](img/jpeg.png) ![h](/abs.png)
                                                            ^
sitegen: build failed: 8 error(s); the output was not changed
EOF
unchanged "broken images"

# A symbolic link to a file outside the bundle: its name is fine, its file is not the bundle's.
rm -rf "$tmp/bad"
mkdir -p "$tmp/bad/2022/z/img"
cp "$b/img/base.jpg" "$tmp/outside.jpg"
ln -s "$tmp/outside.jpg" "$tmp/bad/2022/z/img/link.jpg"
printf -- '---\ntitle: 链接\ndate: 2022-10-03\ndistrict: 离石区\n---\n\n![l](img/link.jpg)\n' >"$tmp/bad/2022/z/index.md"
run "$tmp/bad"
same "an image that is a symbolic link out of its bundle: an error at its place" <<'EOF'
TMP/bad/2022/z/index.md:7:1: error: image 'img/link.jpg' leads out of the page bundle (a symbolic link): copy the file into TMP/bad/2022/z
    ![l](img/link.jpg)
    ^
sitegen: build failed: 1 error(s); the output was not changed
EOF
unchanged "an image linked from outside its bundle"

rm -rf "$tmp/bad"
mkdir -p "$tmp/bad/2022"
printf -- '---\ntitle: 普通\ndate: 2022-10-03\ndistrict: 离石区\ncaptions:\n  - {image: img/a.png, text: 说明}\n---\n\n正文 ![a](img/a.png)\n' >"$tmp/bad/2022/x.md"
run "$tmp/bad"
same "a relative image in a plain .md file (body or caption): an error saying to make it a page bundle" <<'EOF'
TMP/bad/2022/x.md:9:4: error: image 'img/a.png' beside a plain .md file: only a page bundle holds images; move the article into a folder, TMP/bad/2022/x/index.md, with its images beside it
    正文 ![a](img/a.png)
         ^
TMP/bad/2022/x.md:6:13: error: image 'img/a.png' beside a plain .md file: only a page bundle holds images; move the article into a folder, TMP/bad/2022/x/index.md, with its images beside it
      - {image: img/a.png, text: 说明}
                ^
sitegen: build failed: 2 error(s); the output was not changed
EOF
unchanged "an image beside a plain .md file"

# Other files of a bundle: a second .md (a nested bundle's too) is no
# article and is named; a file neither image nor .md keeps the usual warning.
rm -rf "$tmp/bad"
mkdir -p "$tmp/bad/2022/y/sub"
printf -- '---\ntitle: 束\ndate: 2022-10-03\ndistrict: 离石区\n---\n\n正文。\n' >"$tmp/bad/2022/y/index.md"
cp "$tmp/bad/2022/y/index.md" "$tmp/bad/2022/y/notes.md"
cp "$tmp/bad/2022/y/index.md" "$tmp/bad/2022/y/sub/index.md"
echo x >"$tmp/bad/2022/y/readme.txt"
"$BIN" --config $CFG --content "$tmp/bad" --out "$tmp/out2" --quiet 2>"$tmp/stderr" >/dev/null
st=$?
sed "s|$tmp|TMP|g" "$tmp/stderr" >"$tmp/got"
same "a page bundle's other .md files are named as no articles; other files warned as before" <<'EOF'
TMP/bad/2022/y/notes.md: warning: not an article: a folder with an index.md is one article (a page bundle, TMP/bad/2022/y/index.md), and only that file is read: move this one out of the folder
TMP/bad/2022/y/readme.txt: warning: not a .md file or an image: skipped
TMP/bad/2022/y/sub/index.md: warning: not an article: a folder with an index.md is one article (a page bundle, TMP/bad/2022/y/index.md), and only that file is read: move this one out of the folder
EOF
if [ "$st" = 0 ] && [ -f "$tmp/out2/reports/y/index.html" ] && [ "$(ls "$tmp/out2/reports")" = y ]; then
	say 0 "that bundle builds as one report, reports/y/"
else
	say 1 "that bundle builds as one report, reports/y/ (status $st)"
	ls "$tmp/out2/reports" | sed 's/^/#   /'
fi

# slug: in the front matter still wins over the folder's name.
sed -i 's/^title: 束$/title: 束\nslug: given-slug/' "$tmp/bad/2022/y/index.md"
rm "$tmp/bad/2022/y/notes.md" "$tmp/bad/2022/y/readme.txt" "$tmp/bad/2022/y/sub/index.md"
run "$tmp/bad" --out "$tmp/out2"
if [ "$st" = 0 ] && [ -f "$tmp/out2/reports/given-slug/index.html" ]; then
	say 0 "slug: in a bundle's front matter wins over its folder's name"
else
	say 1 "slug: in a bundle's front matter wins over its folder's name (status $st)"
	sed 's/^/#   /' "$tmp/got"
fi

# A caption mapping with a key of its own, or without its text: errors.
printf -- '---\ntitle: 束\ndate: 2022-10-03\ndistrict: 离石区\ncaptions:\n  - {image: img/a.png}\n  - {image: img/a.png, text: t, alt: x}\n---\n\n正文。\n' \
	>"$tmp/bad/2022/y/index.md"
run "$tmp/bad" --out "$tmp/out2"
same "a caption with an image needs image and text, and no other key" <<'EOF'
TMP/bad/2022/y/index.md:6:5: error: a caption with an image needs both keys, each one value: {image: img/photo.jpg, text: 说明}
      - {image: img/a.png}
        ^
TMP/bad/2022/y/index.md:7:33: error: a caption with an image has the keys 'image' and 'text' only, not 'alt'
      - {image: img/a.png, text: t, alt: x}
                                    ^
sitegen: build failed: 2 error(s); the output was not changed
EOF

# A caption with an image written as a quoted string is a string: shown as it is, with a warning.
q=$tmp/quoted/2022/q
mkdir -p "$q"
cat >"$q/index.md" <<'MD'
---
title: 引号里的图片说明
date: 2022-10-02
district: 离石区
captions:
  - "{image: img/a.png, text: 说明}"
---
正文。
MD
"$BIN" --config $CFG --content "$tmp/quoted" --out "$tmp/qout" --quiet 2>"$tmp/qerr" >/dev/null
say "$([ $? = 0 ] && grep -q "index.md:6:5: warning: caption '{image: img/a.png, text: 说明}' is a quoted string, shown as it is" "$tmp/qerr" && echo 0 || echo 1)" \
	"a quoted \"{image: …}\" caption builds with a warning at its place saying it is shown as a string"

# Photos read well: as wide as the text, never taller than most of the screen, a figure kept whole in print.
css=theme/static/style.css
say "$(awk '/^\.figures \{/,/\}/' $css | grep -q 'font-size: 1.125rem' && awk '/^\.prose \{/,/\}/' $css | grep -q 'font-size: 1.125rem' &&
	grep -A4 '^\.figures img {' $css | grep -q 'max-height: 80vh' && grep -B1 -A3 '^\.figures figure {' $css | grep -q 'break-inside: avoid' &&
	awk '/@media print/,0' $css | grep -B3 'max-width: none' | grep -q '\.figures,' && echo 0 || echo 1)" \
	"figures share the body text's size and measure (screen and print), photos are capped at 80vh, a figure is not split across printed pages"

# An image named with a '/' after it would not lead to its copy: an error at its place.
t=$tmp/slash/2022/s
mkdir -p "$t/img"
python3 tests/images/make.py "$t/img"
printf -- '---\ntitle: 斜杠\ndate: 2022-10-03\ndistrict: 离石区\n---\n![a](img/photo.png/)\n' >"$t/index.md"
"$BIN" --config $CFG --content "$tmp/slash" --out "$tmp/sout" --quiet 2>"$tmp/serr" >/dev/null
say "$([ $? = 1 ] && grep -q "index.md:6:1: error: image 'img/photo.png/' ends in '/'" "$tmp/serr" && echo 0 || echo 1)" \
	"an image path ending in '/' is an error at its place"

# An image edited in place with its size and modification time put back is still seen (ctime).
printf -- '---\ntitle: 斜杠\ndate: 2022-10-03\ndistrict: 离石区\n---\n![a](img/photo.png)\n' >"$t/index.md"
"$BIN" --config $CFG --content "$tmp/slash" --out "$tmp/sout" --quiet
python3 - "$t/img/photo.png" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
d = bytearray(open(p, "rb").read())
d[-20] ^= 1
open(p, "wb").write(d)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
"$BIN" --config $CFG --content "$tmp/slash" --out "$tmp/sout" --quiet
say "$(cmp -s "$t/img/photo.png" "$tmp/sout/reports/s/img/photo.png" && echo 0 || echo 1)" \
	"an image changed in place with its size and mtime kept is copied again by the next build (ctime)"
