#!/usr/bin/env python3
"""equiv_mutate.py: the edits of tests/equiv.sh, made to a site's inputs the way an editor makes them.

usage: equiv_mutate.py SITE SEED STEP [fix]

SITE holds config.yml, content/ and theme/ (a copy: templates and the stylesheet are edited too); the build
options the edits choose (--drafts or none) are written to SITE/../options. Each run
makes one step's edits, chosen by a generator seeded with SEED and STEP, so a sequence of steps is the same
for the same seed and the same corpus; it prints one line per edit saying what it did.

A step is one edit, or sometimes 2 to 5 at once, each keeping the inputs valid (a build must succeed); or,
with probability EQUIV_INVALID (default 0.08), one edit a build must refuse (a bad date, an unknown district,
a broken template …): it then exits with status 3, having saved the files it changed in
SITE/../pending-fix.json, and `fix` puts them back and makes a valid step's edits.

Edits are textual, as an editor's are: front matter lines are rewritten one at a time (the corpus writes
every key on one line, lists in flow style: `tags: [a, b]`), bodies are Markdown, the config's keys are
lines. Names are Chinese words from fixed pools (some new ones), so that warnings about near names may come
and go but nothing becomes an error.
"""
import datetime
import json
import os
import random
import re
import shutil
import struct
import sys
import zlib

CJK = re.compile(r'[\u4e00-\u9fff]')
# characters for new text (common ones, so that pinyin slugs and search folding see ordinary input)
HANZI = '的一是在人有我他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社区'
WORDS = ['核酸检测', '网格员', '志愿者', '物资保障', '党员先锋', '防疫宣传', '入户排查', '卡口值守', '老人关爱',
         '心理疏导', '便民服务', '复工复产', '疫苗接种', '居家隔离', '静默管理', '春节', '孕妇', '访惠聚']
NEW_TAGS = ['核酸采样', '社区团购', '暖心服务', '应急演练', '夜间巡查', '青年突击队', '平安建设', '爱心送餐']
SURNAMES = '李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗'
GIVEN = '艳丹勇娟刚丽阳伟芳军敏静磊洋婷强慧杰涛明'
SERIES = ['要闻版', '社区版', '第三版', '抗疫一线']
# scans (`source:`): reports of one that give no `page:` list each other
SOURCES = ['000_0123456789abcdef', '001_fedcba9876543210']
STREETS = ['滨河街道', '城北街道', '凤山街道', '信义镇', '西城街道']
COMMUNITY_WORDS = ['和平', '新华', '东风', '建设', '光明', '友谊', '胜利', '幸福', '长青', '育才', '康宁', '南泉']


class Site:
    def __init__(self, root):
        self.root = root
        self.content = os.path.join(root, 'content')
        self.config_path = os.path.join(root, 'config.yml')
        self.theme = os.path.join(root, 'theme')
        self.regions = self.read_regions()

    def rel(self, path):
        return os.path.relpath(path, self.root)

    def read_regions(self):
        """{city: [districts]} from config.yml's `regions:` block (the corpus writes `    city: [a, b]`)."""
        regions = {}
        for line in read(self.config_path).splitlines():
            m = re.match(r'^    (\S+): \[(.*)\]$', line)
            if m:
                regions[m.group(1)] = [d.strip() for d in m.group(2).split(',') if d.strip()]
        return regions

    def articles(self):
        """Every article file (a plain .md, or a bundle's index.md), sorted, `kind: page` notes left out."""
        out = []
        for dirpath, dirnames, files in os.walk(self.content):
            dirnames.sort()
            for f in sorted(files):
                if f.endswith('.md') and not f.startswith('.'):
                    out.append(os.path.join(dirpath, f))
        return out

    def bundles(self):
        return [p for p in self.articles() if os.path.basename(p) == 'index.md']


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


class Article:
    """An article's file: front matter lines (kept as they are unless edited) and the body."""

    def __init__(self, path):
        self.path = path
        text = read(path)
        if not text.startswith('---\n'):
            raise ValueError(path + ': no front matter')
        end = text.index('\n---\n', 3)
        self.lines = text[4:end].split('\n')
        self.body = text[end + 5:]

    def save(self):
        write(self.path, '---\n' + '\n'.join(self.lines) + '\n---\n' + self.body)

    def find(self, key):
        for i, line in enumerate(self.lines):
            if line.startswith(key + ':'):
                return i
        return -1

    def get(self, key):
        i = self.find(key)
        return None if i < 0 else self.lines[i][len(key) + 1:].strip()

    def set(self, key, value):
        i = self.find(key)
        if value is None:
            if i >= 0:
                del self.lines[i]
        elif i >= 0:
            self.lines[i] = '%s: %s' % (key, value)
        else:
            self.lines.append('%s: %s' % (key, value))

    def get_list(self, key):
        v = self.get(key)
        if not v:
            return []
        return [x.strip() for x in v.strip('[]').split(',') if x.strip()]

    def set_list(self, key, items):
        self.set(key, '[' + ', '.join(items) + ']' if items else None)

    def title(self):
        return (self.get('title') or '').strip("'\"")

    def set_title(self, t):
        self.set('title', "'" + t.replace("'", "''") + "'")


def han(rng, n):
    return ''.join(rng.choice(HANZI) for _ in range(n))


def sentence(rng):
    return han(rng, rng.randint(8, 30)) + '。'


def paragraph(rng):
    return ''.join(sentence(rng) for _ in range(rng.randint(1, 4)))


def person(rng):
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return name + rng.choice(GIVEN) if rng.random() < 0.4 else name


def png(width, height, rgb):
    """A valid PNG of one colour (RGB, 8 bits), written byte by byte."""
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    row = b'\0' + bytes(rgb) * width
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(row * height)) + chunk(b'IEND', b''))


def put_png(rng, path):
    w, h = rng.randint(1, 64), rng.randint(1, 64)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(png(w, h, (rng.randrange(256), rng.randrange(256), rng.randrange(256))))
    return '%dx%d' % (w, h)


class Mutator:
    def __init__(self, site, rng, step):
        self.site = site
        self.rng = rng
        self.step = step
        self.serial = 0
        self.pending = None	# for an invalid edit: {relative path: original text, or None}

    def unique(self):
        self.serial += 1
        return '%d-%d' % (self.step, self.serial)

    def remember(self, path):
        """Before an invalid edit: keeps the file's text, for `fix` to put back."""
        rel = self.site.rel(path)
        if self.pending is not None and rel not in self.pending:
            self.pending[rel] = read(path) if os.path.exists(path) else None

    # choosing what to edit

    def reports(self):
        return [p for p in self.site.articles() if not os.path.basename(p).startswith('note-')]

    def article(self):
        return Article(self.rng.choice(self.reports()))

    def city_of(self, art):
        d = art.get('district')
        if d:
            for city, ds in self.site.regions.items():
                if d in ds:
                    return city
        return art.get('city')

    # the edits: each returns what it did, or None when it does not apply here

    def body_small(self):
        a, rng = self.article(), self.rng
        how = rng.choice(['replace a character', 'insert a sentence', 'append a paragraph'])
        chars = [m.start() for m in CJK.finditer(a.body)]
        if how == 'replace a character' and chars:
            i = rng.choice(chars)
            a.body = a.body[:i] + rng.choice(HANZI) + a.body[i + 1:]
        elif how == 'insert a sentence' and chars:
            i = rng.choice(chars)
            a.body = a.body[:i] + sentence(rng) + a.body[i:]
        else:
            how = 'append a paragraph'
            a.body = a.body.rstrip('\n') + '\n\n' + paragraph(rng) + '\n'
        a.save()
        return 'body (small): %s in %s' % (how, self.site.rel(a.path))

    def body_large(self):
        a, rng = self.article(), self.rng
        paras = [p for p in a.body.split('\n\n') if p.strip()]
        how = rng.choice(['rewrite half the paragraphs', 'reorder paragraphs', 'add a section', 'cut to one paragraph',
                          'take another report\'s body'])
        if how == 'rewrite half the paragraphs':
            for i in rng.sample(range(len(paras)), (len(paras) + 1) // 2):
                paras[i] = paragraph(rng)
        elif how == 'reorder paragraphs':
            rng.shuffle(paras)
        elif how == 'add a section':
            paras += ['## ' + han(rng, rng.randint(4, 9)), paragraph(rng),
                      '\n'.join('- ' + sentence(rng) for _ in range(3)), '> ' + sentence(rng), '**' + sentence(rng) + '**']
        elif how == 'cut to one paragraph':
            paras = paras[:1] or [paragraph(rng)]
        else:
            paras = [p for p in Article(rng.choice(self.reports())).body.split('\n\n') if p.strip()]
        a.body = '\n' + '\n\n'.join(paras) + '\n'
        a.save()
        return 'body (large): %s in %s' % (how, self.site.rel(a.path))

    def title(self):
        a, rng = self.article(), self.rng
        t = a.title()
        how = rng.choice(['change a character', 'append words', 'new title', 'another report\'s title'])
        chars = [m.start() for m in CJK.finditer(t)]
        if how == 'change a character' and chars:
            i = rng.choice(chars)
            t = t[:i] + rng.choice(HANZI) + t[i + 1:]
        elif how == 'append words':
            t += ' ' + han(rng, rng.randint(2, 6))
        elif how == 'another report\'s title':
            t = Article(rng.choice(self.reports())).title()
        else:
            how = 'new title'
            t = han(rng, rng.randint(5, 12)) + ' ' + han(rng, rng.randint(3, 8))
        a.set_title(t)
        a.save()
        return 'title: %s in %s (now %s)' % (how, self.site.rel(a.path), t)

    def subtitle(self):
        a, rng = self.article(), self.rng
        if a.get('subtitle') and rng.random() < 0.5:
            a.set('subtitle', None)
            how = 'removed'
        else:
            how = 'changed' if a.get('subtitle') else 'added'
            a.set('subtitle', '——' + han(rng, rng.randint(6, 14)))
        a.save()
        return 'subtitle: %s in %s' % (how, self.site.rel(a.path))

    def date(self):
        a, rng = self.article(), self.rng
        m = re.match(r'^(\d{4})-(\d{2})(?:-(\d{2}))?$', a.get('date') or '')
        if not m:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None
        how = rng.choice(['day', 'month', 'year', 'month only' if d else 'a day given', 'date_inferred'])
        if how == 'day':
            d = rng.randint(1, 28)
        elif how == 'month':
            mo = rng.randint(1, 12)
        elif how == 'year':
            y = rng.choice([2019, 2020, 2021, 2021, 2022, 2022, 2023])
        elif how == 'month only':
            d = None
        elif how == 'a day given':
            d = rng.randint(1, 28)
        else:
            a.set('date_inferred', None if a.get('date_inferred') else 'true')
        date = '%04d-%02d' % (y, mo) + ('-%02d' % d if d else '')
        a.set('date', date)
        a.save()
        return 'date: %s in %s (now %s%s)' % (how, self.site.rel(a.path), date,
                                              ', inferred' if a.get('date_inferred') else '')

    def place(self):
        a, rng, regions = self.article(), self.rng, self.site.regions
        city = self.city_of(a)
        how = rng.choice(['district in the same city', 'district in another city', 'city level', 'community',
                          'street'])
        if how == 'district in the same city' and city in regions:
            a.set('city', None)
            a.set('district', rng.choice(regions[city]))
        elif how == 'district in another city':
            a.set('city', None)
            a.set('district', rng.choice(regions[rng.choice(sorted(regions))]))
        elif how == 'city level':
            if a.get('city'):
                how = 'from city level to a district'
                a.set('city', None)
                a.set('district', rng.choice(regions[city]))
            else:
                a.set('district', None)
                a.set('city', city)
                if rng.random() < 0.5:
                    a.set('community', None)
        elif how == 'community':
            if a.get('community') and rng.random() < 0.3:
                how = 'community removed'
                a.set('community', None)
            else:
                how = 'community renamed' if a.get('community') else 'community added'
                a.set('community', rng.choice(COMMUNITY_WORDS) + rng.choice(COMMUNITY_WORDS) + '社区')
        else:
            a.set('street', None if a.get('street') else rng.choice(STREETS))
        a.save()
        return 'place: %s in %s (now %s)' % (how, self.site.rel(a.path),
                                            ' '.join(filter(None, [a.get('city'), a.get('district'), a.get('street'),
                                                                   a.get('community')])))

    def names(self, key, pool_new):
        """tags, reporters, correspondents: add, remove, rename in one report, or rename everywhere."""
        rng = self.rng
        how = rng.choice(['add', 'remove', 'rename', 'rename everywhere'])
        if how == 'rename everywhere':
            arts = [Article(p) for p in self.reports()]
            used = sorted({n for x in arts for n in x.get_list(key)})
            if not used:
                return None
            old = rng.choice(used)
            new = pool_new() if rng.random() < 0.6 else rng.choice(used)
            count = 0
            for x in arts:
                items = x.get_list(key)
                if old in items:
                    items = [new if n == old else n for n in items]
                    x.set_list(key, list(dict.fromkeys(items)))
                    x.save()
                    count += 1
            return '%s: %s renamed %s in %d reports' % (key, old, new, count)
        a = self.article()
        items = a.get_list(key)
        if how == 'add' or not items:
            how = 'add'
            items.append(pool_new())
        elif how == 'remove':
            items.pop(rng.randrange(len(items)))
        else:
            items[rng.randrange(len(items))] = pool_new()
        a.set_list(key, list(dict.fromkeys(items)))
        a.save()
        return '%s: %s in %s (now %s)' % (key, how, self.site.rel(a.path), a.get(key))

    def tags(self):
        return self.names('tags', lambda: self.rng.choice(WORDS + NEW_TAGS))

    def people(self):
        key = self.rng.choice(['reporters', 'correspondents'])
        return self.names(key, lambda: person(self.rng))

    def extra(self):
        """The other keys: slug, draft, printed page (series), scan, truncated, corrections, captions."""
        a, rng = self.article(), self.rng
        key = rng.choice(['slug', 'draft', 'page', 'source', 'truncated', 'corrections', 'captions'])
        if a.get(key) is not None:
            a.set(key, None)
            how = 'removed'
        else:
            how = 'added'
            a.set(key, {'slug': lambda: 'slug-' + self.unique(), 'draft': lambda: 'true',
                        'page': lambda: rng.choice(SERIES), 'source': lambda: rng.choice(SOURCES),
                        'truncated': lambda: 'true',
                        'corrections': lambda: '[%s→%s]' % (rng.choice(HANZI), rng.choice(HANZI)),
                        'captions': lambda: '[%s]' % han(rng, rng.randint(5, 12))}[key]())
        a.save()
        return 'extra: %s %s in %s' % (key, how, self.site.rel(a.path))

    def new_front_matter(self, date):
        rng, regions = self.rng, self.site.regions
        city = rng.choice(sorted(regions))
        lines = ["title: '%s %s'" % (han(rng, rng.randint(4, 9)), han(rng, rng.randint(3, 7))), 'date: ' + date]
        if rng.random() < 0.15:
            lines.append('city: ' + city)
        else:
            lines.append('district: ' + rng.choice(regions[city]))
        if rng.random() < 0.6:
            lines.append('community: %s%s社区' % (rng.choice(COMMUNITY_WORDS), rng.choice(COMMUNITY_WORDS)))
        lines.append('reporters: [%s]' % person(rng))
        lines.append('tags: [%s]' % ', '.join(dict.fromkeys(rng.choice(WORDS + NEW_TAGS) for _ in range(2))))
        if rng.random() < 0.2:
            lines.append('page: ' + rng.choice(SERIES))
        return lines

    def add(self):
        rng = self.rng
        # a third as the newest (after every report of the corpus): the search index is then patched
        # (search_patch.c), else the reports after it are renumbered and the index built whole
        y = 2023 if rng.random() < 0.35 else rng.choice([2020, 2021, 2022])
        mo, d = rng.randint(1, 12), rng.randint(1, 28)
        date = '%04d-%02d-%02d' % (y, mo, d)
        how = rng.choice(['plain', 'plain', 'Chinese file name', 'same name as another in another year', 'bundle',
                          'printed page note'])
        ydir = os.path.join(self.site.content, str(y))
        body = '\n' + '\n\n'.join(paragraph(rng) for _ in range(rng.randint(1, 6))) + '\n'
        lines = self.new_front_matter(date)
        if how == 'Chinese file name':
            path = os.path.join(ydir, '%s%s.md' % (han(rng, 4), self.unique()))
        elif how == 'same name as another in another year':
            other = rng.choice(self.reports())
            name = os.path.basename(other) if not other.endswith('/index.md') else \
                os.path.basename(os.path.dirname(other)) + '.md'
            ydir = os.path.join(self.site.content, str(rng.choice([2020, 2021, 2022, 2023])))
            path = os.path.join(ydir, name)
            if os.path.exists(path) or os.path.exists(path[:-3]):
                return None
        elif how == 'bundle':
            folder = os.path.join(ydir, '%s-bundle-%s' % (date, self.unique()))
            path = os.path.join(folder, 'index.md')
            size = put_png(rng, os.path.join(folder, 'img', 'photo.png'))
            body += '\n![%s](img/photo.png)\n' % han(rng, 4)
            if rng.random() < 0.5:
                put_png(rng, os.path.join(folder, 'img', 'figure.png'))
                lines.append('captions: [{image: img/figure.png, text: %s}]' % han(rng, 8))
            how += ' with a %s image' % size
        elif how == 'printed page note':
            series = rng.choice(SERIES)
            if any(Article(p).title() == series for p in self.site.articles() if '/note-' in p):
                return None
            path = os.path.join(ydir, 'note-%s.md' % self.unique())
            lines = ["title: '%s'" % series, 'date: ' + date, 'kind: page']
            body = '\n编者按：' + paragraph(rng) + '\n'
        else:
            path = os.path.join(ydir, '%s-xin-%s.md' % (date, self.unique()))
        write(path, '---\n' + '\n'.join(lines) + '\n---\n' + body)
        return 'add: %s, %s' % (how, self.site.rel(path))

    def add_newest(self):
        """A report after every other (or of the newest date), of another report's place, tags and people:
        the case serve's kept process files into its kept index (generator/index_add.c)."""
        rng = self.rng
        newest = max((m.group(1) for m in (re.search(r'^date: (\d{4}-\d{2}(?:-\d{2})?)\s*$', read(p), re.M)
                                           for p in self.site.articles()) if m), default='2022-12-28')
        y, mo, d = (int(x) for x in (newest + '-01')[:10].split('-'))
        day = datetime.date(y, mo, d) + datetime.timedelta(days=rng.choice([0, 0, 1, 2, 40]))
        date = day.isoformat()
        src = self.article()
        lines = ["title: '%s %s'" % (han(rng, rng.randint(4, 9)), han(rng, rng.randint(3, 7))), 'date: ' + date]
        for key in ('city', 'district', 'street', 'community', 'reporters', 'correspondents', 'tags'):
            if src.get(key):
                lines.append('%s: %s' % (key, src.get(key)))
        path = os.path.join(self.site.content, str(day.year), '%s-xin-%s.md' % (date, self.unique()))
        body = '\n' + '\n\n'.join(paragraph(rng) for _ in range(rng.randint(1, 4))) + '\n'
        write(path, '---\n' + '\n'.join(lines) + '\n---\n' + body)
        return 'add_newest: %s, like %s' % (self.site.rel(path), self.site.rel(src.path))

    def delete(self):
        arts = self.site.articles()
        if len(arts) < 5:
            return None
        p = self.rng.choice(arts)
        if os.path.basename(p) == 'index.md':
            shutil.rmtree(os.path.dirname(p))
            return 'delete: the bundle %s' % self.site.rel(os.path.dirname(p))
        os.remove(p)
        return 'delete: %s' % self.site.rel(p)

    def rename(self):
        rng = self.rng
        p = rng.choice(self.reports())
        ydir = os.path.join(self.site.content, str(rng.choice([2020, 2021, 2022])))
        if os.path.basename(p) == 'index.md':
            src = os.path.dirname(p)
            dst = os.path.join(ydir if rng.random() < 0.5 else os.path.dirname(src), 'renamed-' + self.unique())
        elif rng.random() < 0.3:
            src, dst = p, os.path.join(os.path.dirname(p), '%s.md' % han(rng, 3))
        else:
            src = p
            dst = os.path.join(ydir if rng.random() < 0.5 else os.path.dirname(p), 'renamed-%s.md' % self.unique())
        if os.path.exists(dst):
            return None
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.rename(src, dst)
        return 'rename: %s to %s (same content)' % (self.site.rel(src), self.site.rel(dst))

    def image(self):
        rng = self.rng
        bundles = self.site.bundles()
        if not bundles:
            return None
        a = Article(rng.choice(bundles))
        folder = os.path.dirname(a.path)
        shown = re.findall(r'\]\((img/[a-z0-9-]+\.png)\)', a.body)
        how = rng.choice(['replace an image', 'show a new image', 'stop showing an image'])
        if how == 'replace an image' and shown:
            img = rng.choice(shown)
            return 'image: %s replaced by a %s one' % (self.site.rel(os.path.join(folder, img)),
                                                     put_png(rng, os.path.join(folder, img)))
        if how == 'stop showing an image' and shown:
            img = rng.choice(shown)
            a.body = re.sub(r'!\[[^\]]*\]\(' + re.escape(img) + r'\)', '', a.body)
            a.save()
            return 'image: %s no longer shows %s' % (self.site.rel(a.path), img)
        img = 'img/p-%s.png' % self.unique()
        size = put_png(rng, os.path.join(folder, img))
        a.body = a.body.rstrip('\n') + '\n\n![%s](%s)\n' % (han(rng, 3), img)
        a.save()
        return 'image: %s shows a new %s image %s' % (self.site.rel(a.path), size, img)

    def to_bundle(self):
        """A plain report becomes a page bundle of the same name (the same URL) with an image."""
        rng = self.rng
        plain = [p for p in self.reports() if os.path.basename(p) != 'index.md']
        if not plain:
            return None
        p = rng.choice(plain)
        folder = p[:-3]
        if os.path.exists(folder):
            return None
        a = Article(p)
        os.remove(p)
        a.path = os.path.join(folder, 'index.md')
        size = put_png(rng, os.path.join(folder, 'img', 'photo.png'))
        a.body = a.body.rstrip('\n') + '\n\n![%s](img/photo.png)\n' % han(rng, 3)
        a.save()
        return 'bundle: %s became %s with a %s image' % (self.site.rel(p), self.site.rel(a.path), size)

    def template(self):
        rng = self.rng
        tdir = os.path.join(self.site.theme, 'templates')
        choices = []
        for name in sorted(os.listdir(tdir)):
            text = read(os.path.join(tdir, name))
            literal, pos = [], 0
            for m in re.finditer(r'\{\{\{.*?\}\}\}|\{\{.*?\}\}', text, re.S):
                literal += [c.start() + pos for c in CJK.finditer(text[pos:m.start()])]
                pos = m.end()
            literal += [c.start() + pos for c in CJK.finditer(text[pos:])]
            if literal:
                choices.append((name, text, literal))
        name, text, literal = rng.choice(choices)
        i = rng.choice(literal)
        add = han(rng, rng.randint(1, 3))
        write(os.path.join(tdir, name), text[:i + 1] + add + text[i + 1:])
        return 'template: %s: %s%s' % (name, text[i], add)

    def static(self):
        rng = self.rng
        css = os.path.join(self.site.theme, 'static', 'style.css')
        text = read(css)
        colours = list(re.finditer(r'#[0-9a-fA-F]{6}\b', text))
        if colours and rng.random() < 0.6:
            m = rng.choice(colours)
            new = '#%06x' % rng.randrange(1 << 24)
            write(css, text[:m.start()] + new + text[m.end():])
            return 'static: style.css: the colour %s at byte %d is now %s' % (m.group(0), m.start(), new)
        extra = os.path.join(self.site.theme, 'static', 'extra.css')
        if os.path.exists(extra) and rng.random() < 0.5:
            os.remove(extra)
            return 'static: extra.css removed'
        write(css, text + '\n.edit-%s { margin: %dpx; }\n' % (self.unique(), rng.randrange(20)))
        if rng.random() < 0.3:
            write(extra, '.extra { color: #%06x; }\n' % rng.randrange(1 << 24))
            return 'static: a rule appended to style.css, and extra.css written'
        return 'static: a rule appended to style.css'

    def set_config(self, key, value):
        text = read(self.site.config_path)
        line = re.compile('^%s:.*\n' % key, re.M)
        if value is None:
            text = line.sub('', text)
        elif line.search(text):
            text = line.sub('%s: %s\n' % (key, value), text)
        else:
            text = text.replace('\nregions:\n', '\n%s: %s\nregions:\n' % (key, value), 1)
        write(self.site.config_path, text)

    def config(self):
        rng = self.rng
        how = rng.choice(['title', 'description', 'listing_limit', 'listing_limit', 'home_latest', 'base_url',
                          'sitemap_limit', 'slugs', 'regions'])
        if how == 'title':
            value = han(rng, rng.randint(4, 10)) + '档案'
        elif how == 'description':
            value = sentence(rng)
        elif how == 'listing_limit':
            value = rng.choice(['3', '5', '8', '13', '20', '50', None])
        elif how == 'home_latest':
            value = rng.choice(['3', '7', '10', '25', None])
        elif how == 'base_url':
            value = rng.choice(['https://example.org/', 'https://example.org/archive/', 'https://news.example.com/dang-an/'])
        elif how == 'sitemap_limit':
            value = rng.choice(['300', '2000', None])
        elif how == 'slugs':
            text = read(self.site.config_path)
            text = re.sub(r'\nslugs:\n(?:  .*\n)*', '\n', text)
            names = [rng.choice(WORDS + NEW_TAGS), rng.choice(sorted(self.site.regions))]
            if rng.random() < 0.7:
                text += 'slugs:\n' + ''.join('  %s: override-%s\n' % (n, self.unique()) for n in dict.fromkeys(names))
            write(self.site.config_path, text)
            now = re.findall(r'\nslugs:\n((?:  .*\n)*)', text)
            return 'config: slugs now %s' % (', '.join(now[0].split('\n')).strip(', ') if now else 'none')
        else:
            city = rng.choice(sorted(self.site.regions))
            text = read(self.site.config_path)
            new = han(rng, 3) + '新区'
            if new in text:
                return None
            text = re.sub(r'^(    %s: \[.*)\]$' % city, r'\1, %s]' % new, text, count=1, flags=re.M)
            write(self.site.config_path, text)
            return 'config: regions: the district %s added to %s' % (new, city)
        self.set_config(how, value)
        return 'config: %s %s' % (how, 'removed' if value is None else 'now ' + value)

    def touch(self):
        """A file written again with the same bytes (an editor's save without a change): new times only."""
        rng = self.rng
        path = rng.choice([rng.choice(self.site.articles()), self.site.config_path,
                           os.path.join(self.site.theme, 'templates', 'report.mustache'),
                           os.path.join(self.site.theme, 'static', 'style.css')])
        write(path, read(path))
        return 'touch: %s saved unchanged' % self.site.rel(path)

    def options(self):
        """The build's options: --drafts on or off (both builds take them from SITE/../options)."""
        path = os.path.join(os.path.dirname(os.path.abspath(self.site.root)), 'options')
        now = '' if os.path.exists(path) and read(path).strip() else '--drafts'
        with open(path, 'w') as f:
            f.write(now + '\n')
        return 'options: --drafts %s' % ('on' if now else 'off')

    # edits a build must refuse: each keeps the files it changes in self.pending

    def invalid(self):
        rng = self.rng
        how = rng.choice(['impossible date', 'unknown district', 'no title', 'unclosed quote', 'unclosed list',
                          'listing_limit 0', 'unclosed template section', 'missing image'])
        if how == 'listing_limit 0':
            self.remember(self.site.config_path)
            self.set_config('listing_limit', '0')
            return 'invalid: config.yml listing_limit: 0'
        if how == 'unclosed template section':
            path = os.path.join(self.site.theme, 'templates', rng.choice(['report.mustache', 'base.mustache',
                                                                            'tag.mustache']))
            self.remember(path)
            write(path, read(path) + '{{#report}}\n')
            return 'invalid: %s: an unclosed {{#report}}' % self.site.rel(path)
        if how == 'missing image' and self.site.bundles():
            a = Article(rng.choice(self.site.bundles()))
            self.remember(a.path)
            a.body += '\n![无](img/missing.png)\n'
            a.save()
            return 'invalid: %s shows an image that does not exist' % self.site.rel(a.path)
        a = self.article()
        self.remember(a.path)
        if how == 'impossible date':
            a.set('date', '2022-02-30')
        elif how == 'unknown district':
            a.set('city', None)
            a.set('district', '不存在区')
        elif how == 'no title':
            a.set('title', None)
        elif how == 'unclosed quote':
            a.set('title', "'" + han(rng, 6))
        else:
            how = 'unclosed list'
            a.set('tags', '[' + han(rng, 3) + ', ' + han(rng, 2))
        a.save()
        return 'invalid: %s in %s' % (how, self.site.rel(a.path))

    KINDS = [('body_small', 10), ('body_large', 4), ('title', 6), ('subtitle', 3), ('date', 6), ('place', 6),
             ('tags', 6), ('people', 5), ('extra', 4), ('add', 5), ('add_newest', 4), ('delete', 4), ('rename', 4), ('image', 3),
             ('to_bundle', 1), ('template', 3), ('static', 2), ('config', 4), ('touch', 2), ('options', 1)]

    def normal(self):
        rng = self.rng
        n = 1 if rng.random() < 0.8 else rng.randint(2, 5)
        # EQUIV_KINDS=body_small,title,…: only those (e.g. the edits the search index is patched for)
        only = [k for k in os.environ.get('EQUIV_KINDS', '').split(',') if k]
        kinds, weights = zip(*[kw for kw in self.KINDS if not only or kw[0] in only])
        done = []
        while len(done) < n:
            desc = getattr(self, rng.choices(kinds, weights)[0])()
            if desc:
                done.append(desc)
        return done


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    root, seed, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) == 5 else 'step'
    pending = os.path.join(os.path.dirname(os.path.abspath(root)), 'pending-fix.json')
    rng = random.Random('%s/%d/%s' % (seed, step, mode))
    m = Mutator(Site(root), rng, step)
    if mode == 'step' and rng.random() < float(os.environ.get('EQUIV_INVALID', '0.08')):
        m.pending = {}
        print(m.invalid())
        with open(pending, 'w', encoding='utf-8') as f:
            json.dump(m.pending, f, ensure_ascii=False)
        sys.exit(3)
    if mode == 'fix':
        with open(pending, encoding='utf-8') as f:
            for rel, text in json.load(f).items():
                path = os.path.join(root, rel)
                if text is None:
                    os.remove(path)
                else:
                    write(path, text)
                print('fix: %s put back' % rel)
        os.remove(pending)
    elif mode != 'step':
        sys.exit(__doc__)
    for desc in m.normal():
        print(desc)


if __name__ == '__main__':
    main()
