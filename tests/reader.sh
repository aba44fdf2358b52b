#!/bin/sh
# What a reader sees on the built archive (content/), for the defects a
# reading of it found (issue 9): communities filed at city level listed as
# districts, pagers that call a gap "the previous month", month-only reports
# listed twice on their month, the inferred-date note on list items, and
# half-width punctuation in the theme's Chinese labels.
set -u
B=${B:-build}
BIN=$B/sitegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - reader: $2"; else echo "not ok - reader: $2"; fi
}
"$BIN" --content content --out "$tmp/o" --quiet || { echo "not ok - reader: content/ does not build"; exit 1; }
O=$tmp/o
# section FILE HEADING: the lines of the <nav>/<section> whose <h2> is HEADING
section() {
	awk -v h="<h2>$2</h2>" 'index($0, h) { on = 1 } on { print } on && /<\/nav>|<\/section>/ { exit }' "$1"
}

# Communities filed at city level have their own heading, never among districts.
city=$O/places/shan-xi-sheng/tai-yuan-shi/index.html
say "$(section "$city" 下属区县 | grep -q '207所社区' && echo 1 || echo 0)" \
	"太原市's 下属区县 does not list 207所社区 (a community filed at city level)"
say "$(section "$city" 直属社区 | grep -q '207所社区' && echo 0 || echo 1)" \
	"太原市 lists 207所社区 under 直属社区"
say "$(section "$O/places/xin-jiang/ke-la-ma-yi-shi/index.html" 直属社区 | grep -q '金华社区' &&
	! section "$O/places/xin-jiang/ke-la-ma-yi-shi/index.html" 下属区县 | grep -q '金华社区' && echo 0 || echo 1)" \
	"克拉玛依市 lists 金华社区 under 直属社区, not among its districts"
say "$(grep -q '同级地点' "$O/places/shan-xi-sheng/tai-yuan-shi/207-suo-she-qu/index.html" && echo 1 || echo 0)" \
	"207所社区 (the only community directly under 太原市) lists no districts as its 同级地点"
say "$(awk '/place-tree/,0' "$O/index.html" | grep -q '>207所社区<' && echo 1 || echo 0)" \
	"the home page's place tree (down to districts) does not show 207所社区 as a district"
say "$(awk '/太原市直属社区/,/<\/ul>/' "$O/places/index.html" | grep -q '>207所社区<' && echo 0 || echo 1)" \
	"the places index shows 207所社区 in 太原市's group of direct communities"

# Pagers say what a gap is.
say "$(grep -q '← 上一个有报道的月份</span> <span class="pager-title">2020年2月' "$O/dates/2021/12/index.html" && echo 0 || echo 1)" \
	"2021年12月's pager leads back to 2020年2月 as 上一个有报道的月份, not 上个月"
say "$(grep -q '下个月 →</span> <span class="pager-title">2020年2月' "$O/dates/2020/01/index.html" && echo 0 || echo 1)" \
	"2020年1月's pager calls 2020年2月 下个月 (it is the next month)"
say "$(grep -q '上一个有报道的年份\|← 上一年' "$O/dates/2021/index.html" && grep -q '← 上一年</span> <span class="pager-title">2020年' "$O/dates/2021/index.html" && echo 0 || echo 1)" \
	"2021年's pager calls 2020年 上一年 (adjacent)"

# Month-only reports are listed once on their month.
n=$(grep -c 'reports/2021-12-jinyuan-lantingyuhucheng-shequ/index.html' "$O/dates/2021/12/index.html")
say "$([ "$n" = 1 ] && echo 0 || echo 1)" "a month-only report is listed once on its month's page (found $n)"

# The inferred-date note: on the report page, short; never on list items.
say "$(grep -rl '推断' "$O/index.html" "$O/dates" "$O/places" "$O/tags" 2>/dev/null | grep -q . && echo 1 || echo 0)" \
	"no list page carries the inferred-date note"
rep=$(grep -l '^date_inferred: *true\|^date: .*# *推断' content/*/*.md 2>/dev/null | head -1)
say "$(grep -q 'class="note-inline">（据报道内容推断：原版未印出完整日期）' "$O/reports/2020-01-24-wuting-shequ-xixin-shishi/index.html" &&
	! grep -q '<p class="note">日期系' "$O"/reports/*/index.html && echo 0 || echo 1)" \
	"a report with an inferred date says so beside the date, not in a banner"

# The theme's own Chinese labels use full-width punctuation.
bad=$(python3 - <<'PY'
import re, glob
for p in sorted(glob.glob('theme/templates/*.mustache')):
    for n, line in enumerate(open(p, encoding='utf-8'), 1):
        if line.lstrip().startswith('{{!'):
            continue
        t = re.sub(r'\{\{[^}]*\}\}', 'X', line)
        t = re.sub(r'<[^>]*>', '', t)
        if re.search(r'[\u4e00-\u9fff]', t) and re.search(r'[(),:;!?]', t):
            print(f'{p}:{n}')
PY
)
say "$([ -z "$bad" ] && echo 0 || echo 1)" \
	"the templates' Chinese text uses full-width punctuation (（）：；，)${bad:+; half-width in: $bad}"

# Shared links and search engines (issue 9, defect 12): canonical, Open Graph,
# NewsArticle JSON-LD, and a cite block on report pages.
rep=$O/reports/2022-10-31-changning-lianxinka/index.html
say "$(grep -q '<link rel="canonical" href="https://example.org/archive/reports/2022-10-31-changning-lianxinka/">' "$rep" &&
	grep -q '<meta property="og:type" content="article">' "$rep" &&
	grep -q '<meta property="og:title" content="“连心卡”连起你我他 静默下温暖孕妇心">' "$rep" &&
	grep -q '<meta property="article:published_time" content="2022-10-31">' "$rep" &&
	grep -q '<link rel="canonical" href="https://example.org/archive/">' "$O/index.html" &&
	grep -q '<meta property="og:type" content="website">' "$O/index.html" && echo 0 || echo 1)" \
	"pages carry their canonical address from base_url and Open Graph tags (article on reports, website elsewhere)"
say "$(grep -q '<meta name="description" content="10月28日,离石区实施静默管理' "$rep" && echo 0 || echo 1)" \
	"a report's description is its summary"
ld=$(python3 - "$O" <<'PY'
import glob, json, re, sys
bad = []
for page in sorted(glob.glob(sys.argv[1] + '/reports/*/index.html')):
    html = open(page, encoding='utf-8').read()
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    h1 = re.search(r'<h1>(.*?)</h1>', html, re.S)
    try:
        d = json.loads(m.group(1))
        other = '<p class="kind">' in html  # kind: other (the poem) is an Article
        ok = d['@type'] == ('Article' if other else 'NewsArticle') and d['headline'] and d['datePublished'] and d['contentLocation']['name']
    except Exception as e:
        ok = False
    if not ok:
        bad.append(page)
print(len(bad))
PY
)
say "$([ "$ld" = 0 ] && echo 0 || echo 1)" "every report page has NewsArticle JSON-LD (Article for a text that is no report) that parses, with headline, date and place ($ld bad)"
say "$(grep -q '<p class="cite-text">李艳：《“连心卡”连起你我他 静默下温暖孕妇心》，原载版面《来自抗击疫情一线的报道》，2022年10月31日（日期系推断）。<span class="permalink">https://example.org/archive/reports/2022-10-31-changning-lianxinka/</span></p>' "$rep" && echo 0 || echo 1)" \
	"a report page has a cite block: reporters, title, printed page, date, permalink"
say "$(grep -q '<p class="source">底本：原版报纸版面《<a href="../../series/' "$rep" && echo 0 || echo 1)" \
	"the source names the printed page and links to it (not the scan's opaque id)"
# its breadcrumbs pass through the places index to its places, as a place page's do
crumbs=$(sed -n '/<nav class="breadcrumbs/,/<\/nav>/p' "$rep" | sed -n 's/.*<a href="\([^"]*\)">\([^<]*\)<\/a>.*/\2/p' | tr '\n' ' ')
say "$([ "$crumbs" = "首页 地区 山西省 吕梁市 离石区 昌宁社区 " ] && echo 0 || echo 1)" \
	"a report's breadcrumbs: 首页 › 地区 › its places ($crumbs)"

# A title with </script> cannot end the JSON-LD early.
mkdir -p "$tmp/h"
printf -- '---\ntitle: "</script><script>alert(1)</script> & \\"引号\\""\ndate: 2022-10-31\ndistrict: 离石区\n---\n正文。\n' >"$tmp/h/a.md"
"$BIN" --config tests/errors/config.yml --content "$tmp/h" --out "$tmp/oh" --quiet
ok=$(python3 - "$tmp/oh" <<'PY'
import glob, json, re, sys
page = glob.glob(sys.argv[1] + '/reports/*/index.html')[0]
html = open(page, encoding='utf-8').read()
m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
d = json.loads(m.group(1))
print(0 if d['headline'] == '</script><script>alert(1)</script> & "引号"' and html.count('<script>alert') == 0 else 1)
PY
)
say "$ok" "a title holding </script> stays inside the JSON-LD as text"

# Smaller points (issue 9, defect 11).
say "$(grep -q '<h1 class="home-heading">吕梁、太原、克拉玛依社区抗击新冠肺炎疫情的新闻报道' "$O/index.html" &&
	! grep -q '<h1>社区抗疫报道档案</h1>' "$O/index.html" && echo 0 || echo 1)" \
	"the home page's heading says what the archive holds instead of repeating the site title"
say "$(grep -q '<h2 class="series-note-label">编者按</h2>' "$O/series/yi-qing-fang-kong-zai-she-qu/index.html" && echo 0 || echo 1)" \
	"a printed page's editor's note is labelled 编者按"
order=$(grep -o 'href="[^"]*series/[^/"]*/index.html">[^<]*' "$O/series/index.html" | sed 's/.*">//' | head -2 | tr '\n' '|')
say "$([ "$order" = "来自抗击疫情一线的报道|疫情防控在社区|" ] && echo 0 || echo 1)" \
	"printed pages are listed newest first, like everything else ($order)"
say "$(grep -c 'max-width: [0-9.]*em' theme/static/style.css | grep -qx 0 && grep -q 'text-spacing-trim: trim-start' theme/static/style.css && echo 0 || echo 1)" \
	"one reading measure in the stylesheet (no stray em widths), and titles opening with “ start at the margin"

# The poem's signature is its author's, not a reporter's (transcription point).
poem=$O/reports/2020-02-kelamayi-shige-zhufu-zuguo/index.html
say "$(grep -q '<dt>作者</dt>' "$poem" && grep -q '<dd>一清</dd>' "$poem" && ! grep -q '<dt>记者</dt>' "$poem" &&
	grep -q 'cite-text">一清：《祝福祖国》' "$poem" && echo 0 || echo 1)" \
	"the poem names 一清 as its 作者 (not 记者), in its meta and its citation"
say "$(grep -rq '一清' "$O/reporters" && echo 1 || echo 0)" \
	"一清 gets no reporter page and is not listed among reporters"
say "$(grep -q '"author":\[{"@type":"Person","name":"一清"}\]' "$poem" && echo 0 || echo 1)" \
	"the poem's JSON-LD names 一清 as its author"
say "$(grep -q '"@type":"Article"' "$poem" && ! grep -q 'NewsArticle' "$poem" && echo 0 || echo 1)" \
	"the poem is an Article in its JSON-LD, not a NewsArticle (the page marks it 非新闻报道)"
say "$(grep -c 'class="note-inline"' "$poem" | grep -qx 1 && grep -q '（年月据报道内容推断，日不详）' "$poem" && echo 0 || echo 1)" \
	"a month-only date that was inferred has one note saying both, not two notes side by side"

# A poem signed by two: author is a list like reporters, and builds under --strict.
mkdir -p "$tmp/two/2020"
cp content/2020/2020-02-kelamayi-shige-zhufu-zuguo.md "$tmp/two/2020/poem.md"
sed -i 's/^author: .*/author: [张三, 李四]/' "$tmp/two/2020/poem.md"
"$BIN" --content "$tmp/two" --out "$tmp/two-out" --quiet --strict 2>"$tmp/two-err"
st=$?
p2=$tmp/two-out/reports/poem/index.html
say "$([ $st = 0 ] && [ ! -s "$tmp/two-err" ] && grep -q '<dd>张三、李四</dd>' "$p2" && grep -q 'cite-text">张三、李四：' "$p2" &&
	grep -q '"author":\[{"@type":"Person","name":"张三"},{"@type":"Person","name":"李四"}\]' "$p2" && echo 0 || echo 1)" \
	"two authors as a list build under --strict and show as 张三、李四 (meta, citation, JSON-LD)"
sed -i 's/^author: .*/author: 张三、李四/' "$tmp/two/2020/poem.md"
"$BIN" --content "$tmp/two" --out "$tmp/two-out" --quiet 2>"$tmp/two-err"
say "$(grep -q "warning: 'author' entry '张三、李四' holds '、': list several as \[甲, 乙\]" "$tmp/two-err" && echo 0 || echo 1)" \
	"two authors in one string warn with advice that works (a list)"

# The README's heatmap is the build's dates/heatmap.svg, and a picture that stands alone: its legend is in it,
# as its description says.
svg=$O/dates/heatmap.svg
say "$(cmp -s docs/heatmap.svg "$svg" && grep -q '<desc id="heatmap-d">[^<]*见图下的图例' "$svg" &&
	grep -q '<g class="heatmap-legend"><rect class="heat-0"[^>]*/><text[^>]*>0 篇</text>' "$svg" && echo 0 || echo 1)" \
	"docs/heatmap.svg is content/'s dates/heatmap.svg, with the legend its description points to"

# Reader review 2: a month with reports known only to the month heads the others 具体到日的报道 (every
# report of content/ has an inferred date: 日期确知 would claim what the archive does not know).
m=$O/dates/2020/02/index.html
say "$(grep -q '<h2 id="s-items">具体到日的报道</h2>' "$m" && ! grep -rq '<h2[^>]*>日期确知' "$O" && echo 0 || echo 1)" \
	"2020年2月 heads its reports dated to a day 具体到日的报道 (no heading says 日期确知)"

# Reader review 2, wording. The home page's count of months says where the reports fall, not a span
# (content/ runs from 2020年1月 to 2022年10月 in 5 months), and its list by report date is 最新报道.
n=$(ls -d "$O"/dates/[0-9]*/[0-9]*/ | wc -l)
say "$(grep -q "分布在 <strong>$n</strong> 个月份" "$O/index.html" && grep -q '<h2 id="s-latest">最新报道</h2>' "$O/index.html" &&
	! grep -q '跨越\|最新收录' "$O/index.html" && echo 0 || echo 1)" \
	"the home page says its reports are 分布在 $n 个月份 (not 跨越) and heads the newest by date 最新报道 (not 最新收录)"
say "$(grep -q '<p class="note note-truncated">原版正文至此中断，其后文字缺失。</p>' \
	"$O/reports/2020-01-26-lishi-lijingjie-kangyi-diyidao-fangxian/index.html" && echo 0 || echo 1)" \
	"a truncated report ends 原版正文至此中断，其后文字缺失。 (nothing follows it)"
# Reports filed at a place itself, under none below it, are said the same way on its page and on its months'
# pages, and both list the places below it as 下属…: never 下级地区.
km=$O/places/xin-jiang/ke-la-ma-yi-shi
say "$(grep -q '另有 1 篇只标到克拉玛依市，未标下属地点。' "$km/index.html" &&
	grep -q '另有 1 篇只标到克拉玛依市，未标下属地点。' "$km/2020/02/index.html" &&
	grep -q '<h2>下属地点的2020年2月报道</h2>' "$km/2020/02/index.html" && ! grep -rq '下级地区' "$O" && echo 0 || echo 1)" \
	"克拉玛依市's page and its 2020年2月 say 另有 1 篇只标到克拉玛依市，未标下属地点 and head the places below 下属… (no page says 下级地区)"
# An archive with no printed pages says so in plain words on series/index.html; no page links it.
mkdir -p "$tmp/noseries/2022"
cp content/2022/2022-03-05-*.md "$tmp/noseries/2022/" 2>/dev/null
"$BIN" --content "$tmp/noseries" --out "$tmp/noseries-out" --quiet 2>"$tmp/noseries-err"
st=$?
say "$([ $st = 0 ] && grep -q '本站还没有收录版面。' "$tmp/noseries-out/series/index.html" &&
	! grep -q '共 0 个' "$tmp/noseries-out/series/index.html" &&
	! grep -rq --include=*.html 'series/index.html' "$tmp/noseries-out" && echo 0 || echo 1)" \
	"without printed pages series/index.html says 本站还没有收录版面 (not 共 0 个版面), and no page (the nav neither) links it"
