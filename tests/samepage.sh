#!/bin/sh
# Reports of one printed page (the same `source:`, the scan they were
# transcribed from) are each other's 同版报道 whether or not the page's
# title is known: scan 003's print shows none, so its three reports give no
# `page:`. No page shows a scan's id, which means nothing to a reader. The
# citation (引用本文) gives the date without its weekday, and says so when
# the date was inferred.
#
# Then the same on a small archive built incrementally: adding, removing or
# retitling a report of an untitled page, or moving one to another scan,
# changes what its page-mates' pages list, and each incremental build
# equals a full build of the same input byte for byte (render_deps.c: the
# scan is part of a report's placing and of its page's view).
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# status description
	if [ "$1" = 0 ]; then echo "ok - samepage: $2"; else echo "not ok - samepage: $2"; fi
}
# same_page FILE: the 同版报道 list of a report page, one title a line, the
# page's own marked with a leading '*'; nothing when it has no such list
same_page() {
	awk '/<h2 id="s-series">同版报道<\/h2>/ { on = 1 } on && /<\/section>/ { exit } on' "$1" |
		sed -n 's/.*aria-current="page">\([^<]*\)<.*/*\1/p; s/.*<li class="item item-brief[^"]*"><a href="[^"]*">\([^<]*\)<.*/\1/p'
}
# cite FILE: the text of the citation
cite() {
	sed -n 's/.*<p class="cite-text">\(.*\)<\/p>.*/\1/p' "$1" | sed 's/<[^>]*>//g'
}
# expect_list FILE WANT WHAT: the 同版报道 list, joined with '|', is WANT
expect_list() {
	got=$(same_page "$1" | paste -sd '|')
	if [ "$got" = "$2" ]; then
		echo "ok - samepage: $3"
	else
		echo "not ok - samepage: $3"
		echo "#   同版报道: '$got', want '$2'"
	fi
}

# ---- the archive itself ----
if ! "$BIN" --content content --out "$tmp/o" --strict --quiet 2>"$tmp/err"; then
	echo "not ok - samepage: content/ does not build"
	sed 's/^/#   /' "$tmp/err"
	exit 1
fi
R=$tmp/o/reports
hm=$R/2022-03-05-taiyuan-207suo-shequ-huangma-hugong/index.html
jc=$R/2022-03-06-jiancaoping-gongan-jingcha-butui/index.html
wg=$R/2022-03-jiancaoping-wanggeyuan-duomianshou/index.html
# reading order: oldest first, a month-only report before the month's days
expect_list "$wg" '*变身“多面手” 织密防疫网|“黄码”哪也不能去 外地护工无处隔离|疫情面前 警察不退' \
	"scan 003's month-only report lists the two others of its page under 同版报道, itself first"
expect_list "$hm" '变身“多面手” 织密防疫网|*“黄码”哪也不能去 外地护工无处隔离|疫情面前 警察不退' \
	"scan 003's report of 3月5日 lists the two others of its page under 同版报道, itself between them"
expect_list "$jc" '变身“多面手” 织密防疫网|“黄码”哪也不能去 外地护工无处隔离|*疫情面前 警察不退' \
	"scan 003's report of 3月6日 lists the two others of its page under 同版报道, itself last"
say "$(grep -q "href=\"../../reports/2022-03-06-jiancaoping-gongan-jingcha-butui/index.html\"" "$hm" &&
	awk '/s-series/,/<\/section>/' "$hm" | grep -q 'href="../../reports/2022-03-jiancaoping-wanggeyuan-duomianshou/index.html"' &&
	echo 0 || echo 1)" "the 同版报道 entries link the reports' pages"
bad=0
for f in "$hm" "$jc" "$wg"; do
	grep -q '<p class="source">底本：原版报纸版面（版面名称未印出）</p>' "$f" || { bad=1; echo "#   no 底本 line: $f"; }
	awk '/s-series/,/<\/section>/' "$f" | grep -q '版面名称未印出' || { bad=1; echo "#   同版报道 says nothing of the page: $f"; }
done
say $bad "scan 003's reports say their 底本 is a printed page whose name was not printed"
say "$(grep -q '<p class="source">底本：原版报纸版面《<a href="../../series/[^"]*">来自抗击疫情一线的报道</a>》</p>' \
	"$R/2022-10-31-changning-lianxinka/index.html" && echo 0 || echo 1)" \
	"a report of a titled page still names and links the page as its 底本"
# every scan id that content/ gives, in no file of the output
grep -h '^source:' -r content | sed 's/^source: *//; s/ .*//' | sort -u >"$tmp/ids"
if [ "$(wc -l <"$tmp/ids")" -lt 5 ]; then
	echo "not ok - samepage: content/ gives fewer than 5 scan ids: $(paste -sd ' ' "$tmp/ids")"
elif grep -rlF -f "$tmp/ids" --exclude=.sitegen-state "$tmp/o" >"$tmp/hits"; then
	echo "not ok - samepage: $(wc -l <"$tmp/hits") files of the output show a scan's id"
	sed "s|$tmp/o/|#   |" "$tmp/hits" | head -5
else
	echo "ok - samepage: no file of the output shows any of the $(wc -l <"$tmp/ids") scan ids content/ gives"
fi
bad=0 n=0
for f in "$R"/*/index.html; do
	c=$(cite "$f")
	n=$((n + 1))
	case $c in
	*星期*) bad=1; echo "#   a weekday: $c" ;;
	*'（日期系推断）。'*) ;;
	*) bad=1; echo "#   not said to be inferred: $c" ;;
	esac
done
say $bad "the citations of all $n report pages (every date inferred) give no weekday and say 日期系推断"
say "$(cite "$hm" | grep -qF '韩睿：《“黄码”哪也不能去 外地护工无处隔离》，2022年3月5日（日期系推断）。https://' &&
	cite "$wg" | grep -qF '》，2022年3月（日期系推断）。' && echo 0 || echo 1)" \
	"a citation reads 2022年3月5日（日期系推断）, a month-only one 2022年3月（日期系推断）"

# ---- incremental builds of a small archive ----
S=$tmp/s
mkdir -p "$S/content"
printf 'title: 同版测试\nbase_url: /\nregions:\n  山西省:\n    吕梁市: [离石区, 石楼县, 柳林县]\n    太原市: [小店区, 迎泽区]\n' \
	>"$S/config.yml"
report() {	# file date district title tag [more front matter lines]
	printf -- '---\ntitle: %s\ndate: %s\ndistrict: %s\ntags: [%s]\n%s---\n\n%s的正文。\n' \
		"$4" "$2" "$3" "$5" "${6:+$6
}" "$4" >"$S/content/$1.md"
}
# The reports of scan S and T stand apart in date and district, so that
# none is another's neighbour or related report: their pages change only
# through what they list under 同版报道.
report a 2021-01-05 离石区 甲报道 甲 'source: s1'
report f1 2021-02-10 离石区 离石二月 其一
report f2 2021-04-10 石楼县 石楼四月 其二
report b 2021-06-05 石楼县 乙报道 乙 'date_inferred: true
source: s1'
report f3 2021-07-10 石楼县 石楼七月 其三
report f4 2021-09-01 小店区 小店九月 其四
report c 2021-10-05 小店区 丙报道 丙 'source: t2'
report f5 2021-11-01 小店区 小店十一月 其五
report f6 2022-01-01 迎泽区 迎泽一月 其六
report f7 2022-08-01 迎泽区 迎泽八月 其七
report f8 2022-12-01 柳林县 柳林十二月 其八
build() {	# out-dir
	"$BIN" --config "$S/config.yml" --content "$S/content" --out "$1" --strict --quiet 2>"$tmp/err" || {
		echo "not ok - samepage: the small archive does not build into $1"
		sed 's/^/#   /' "$tmp/err"
		exit 1
	}
}
# equal LABEL: the incremental output equals a full build of the same input
equal() {
	rm -rf "$tmp/full"
	build "$tmp/full"
	if diff -r -x .sitegen-state -x .sitegen-output "$tmp/one" "$tmp/full" >"$tmp/diff" 2>&1; then
		echo "ok - samepage: $1, built incrementally: equals a full build"
	else
		echo "not ok - samepage: $1, built incrementally: differs from a full build"
		head -20 "$tmp/diff" | sed 's/^/#   /'
	fi
}
O=$tmp/one/reports
build "$tmp/one"
expect_list "$O/a/index.html" '*甲报道|乙报道' "two reports of one scan without a page list each other"
expect_list "$O/c/index.html" '' "the only report of its scan has no 同版报道"
say "$(cite "$O/a/index.html" | grep -qF '《甲报道》，2021年1月5日。' &&
	cite "$O/b/index.html" | grep -qF '《乙报道》，2021年6月5日（日期系推断）。' && echo 0 || echo 1)" \
	"a printed date is cited as 2021年1月5日, an inferred one as 2021年6月5日（日期系推断）"

report e 2022-05-05 迎泽区 戊报道 戊 'source: s1'
build "$tmp/one"
expect_list "$O/a/index.html" '*甲报道|乙报道|戊报道' "a report added to a scan is listed by the scan's others"
equal "a report added to a scan"

report b 2021-06-05 石楼县 乙报道改 乙 'date_inferred: true
source: s1'
build "$tmp/one"
expect_list "$O/a/index.html" '*甲报道|乙报道改|戊报道' "a report of a scan retitled is listed by its new title"
equal "a report of a scan retitled"

report e 2022-05-05 迎泽区 戊报道 戊 'source: t2'
build "$tmp/one"
expect_list "$O/a/index.html" '*甲报道|乙报道改' "a report moved to another scan leaves its old scan's lists"
expect_list "$O/c/index.html" '*丙报道|戊报道' "a report moved to another scan joins its new scan's lists"
equal "a report moved to another scan (its source changed)"

rm "$S/content/b.md"
build "$tmp/one"
expect_list "$O/a/index.html" '' "a report whose scan-mate was removed has no 同版报道"
equal "a report of a scan removed"
