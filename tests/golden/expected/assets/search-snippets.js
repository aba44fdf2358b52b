/* search-snippets.js: what the archive's search shows with each result, added to the engine of
 * search-engine.js (loaded before it): a title or subtitle with its matches marked (highlight), a
 * fragment of the text around the first match cut at clause ends (snippet, excerpt), or the metadata
 * line that matched, labelled (metaLine); and whether a document holds the terms at all (holds). Pure
 * functions of a document and the terms: nothing is loaded here. In the browser it adds to the global `sitegenSearchEngine`; under Node, search-engine.js calls
 * the function this module is. */
(function (add) {
	if (typeof module === "object" && module.exports) module.exports = add;
	else if (window.sitegenSearchEngine) add(window.sitegenSearchEngine);	/* else the page says it did not load */
})(function (api) {
	"use strict";

	var Engine = api.Engine, isWord = api.isWord;

	/* Splits s[from, to) into parts { text, mark } where mark says the part is (inside) a match of one
	 * of the terms. s is NFC. Only the window and a margin as long as the longest term are folded: a
	 * folded term covers at most as many code points as it has UTF-16 units. */
	Engine.prototype.highlight = function (s, terms, from, to) {
		if (from === undefined) from = 0;
		if (to === undefined) to = s.length;
		var margin = 0;
		terms.forEach(function (t) {
			margin = Math.max(margin, 2 * t.length);
		});
		var a = Math.max(0, from - margin), b = Math.min(s.length, to + margin);
		if (isLowSurrogateAfterHigh(s, a)) a--;
		if (isLowSurrogateAfterHigh(s, b)) b++;
		var m = this.folder.foldMap(s, a, b), spans = [];
		terms.forEach(function (t) {
			for (var i = m.text.indexOf(t); i >= 0; i = m.text.indexOf(t, i + 1)) {
				var x = Math.max(m.from[i], from), y = Math.min(m.to[i + t.length - 1], to);
				if (x < y) spans.push([x, y]);
			}
		});
		spans.sort(function (p, q) { return p[0] - q[0]; });
		var parts = [], at = from;
		spans.forEach(function (sp) {
			if (sp[1] <= at) return;
			if (sp[0] > at) parts.push({ text: s.slice(at, sp[0]), mark: false });
			parts.push({ text: s.slice(Math.max(at, sp[0]), sp[1]), mark: true });
			at = sp[1];
		});
		if (at < to) parts.push({ text: s.slice(at, to), mark: false });
		return parts;
	};

	/* The first match of a term in s[from, to) (s NFC, default the whole string): { from, to } in s, or
	 * null. Lines are folded one at a time, as a term never spans a line break, until one holds a match. */
	Engine.prototype.firstMatch = function (s, terms, from, to) {
		if (from === undefined) from = 0;
		if (to === undefined) to = s.length;
		for (var a = from; a < to;) {
			var b = s.indexOf("\n", a);
			if (b < 0 || b > to) b = to;
			var m = this.folder.foldMap(s, a, b), first = null;
			terms.forEach(function (t) {
				var i = m.text.indexOf(t);
				if (i >= 0 && (!first || m.from[i] < first.from)) first = { from: m.from[i], to: m.to[i + t.length - 1] };
			});
			if (first) return first;
			a = b + 1;
		}
		return null;
	};

	/* Where a snippet may be cut. It starts just after the punctuation that ends the clause before the
	 * match when that is near (a line break counts), else a little before the match; it never starts or
	 * ends inside a number or a word written in letters. */
	var CLAUSE_END = "\uff0c\u3002\uff01\uff1f\uff1b\uff1a\u3001\u201c\u201d\u300c\u300d\u300e\u300f,!?;:";	/* ，。！？；：、“”「」『』 and ASCII */
	var IN_NUMBER = ".,:";		/* between two digits, part of the number: 1,000 2.5 10:30 */
	var LOOK_BACK = 30;		/* characters before the match searched for the start of its clause */
	var CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]$/u;
	var DIGIT_CHAR = /^\p{Nd}$/u;

	function isDigit(ch) {
		return !!ch && DIGIT_CHAR.test(ch);
	}

	/* A character of a run that must not be cut: a letter of a word written in letters, or a digit. */
	function isRunChar(ch) {
		return !!ch && isWord(ch) && !CJK.test(ch);
	}

	/* The code point starting at s[i], the one ending at s[i], and the indexes after and before them. */
	function cpAt(s, i) {
		return i >= s.length ? "" : isHighSurrogateBeforeLow(s, i) ? s.slice(i, i + 2) : s[i];
	}

	function cpBefore(s, i) {
		return i <= 0 ? "" : isLowSurrogateAfterHigh(s, i - 1) ? s.slice(i - 2, i) : s[i - 1];
	}

	function nextAt(s, i) {
		return i + (isHighSurrogateBeforeLow(s, i) ? 2 : 1);
	}

	function prevAt(s, i) {
		return i - (isLowSurrogateAfterHigh(s, i - 1) ? 2 : 1);
	}

	/* Whether cutting s between s[i - 1] and s[i] splits a word or a number. */
	function splits(s, i) {
		var a = cpBefore(s, i), b = cpAt(s, i);
		if (!a || !b) return false;
		if (isRunChar(a) && isRunChar(b)) return true;
		if (IN_NUMBER.indexOf(b) >= 0 && isDigit(a) && isDigit(cpAt(s, i + 1))) return true;
		return IN_NUMBER.indexOf(a) >= 0 && isDigit(b) && isDigit(cpBefore(s, i - 1));
	}

	/* Whether s[i] ends a clause (an ASCII comma or colon between digits does not). */
	function endsClause(s, i) {
		var c = s[i];
		if (CLAUSE_END.indexOf(c) < 0) return false;
		return !(c.charCodeAt(0) < 128 && isDigit(cpBefore(s, i)) && isDigit(cpAt(s, i + 1)));
	}

	/* The window [from, to) of about `width` characters of the line s[ls, le) shown for a match at
	 * s[m, me) (or the start of the line, when m and me are ls): the whole line when it is no longer. */
	function windowAround(s, ls, le, m, me, width) {
		var start = m, n = 0;
		for (var i = ls; i < le && n <= width; n++) i = nextAt(s, i);
		if (n <= width) return { from: ls, to: le };	/* a short line is shown whole */
		n = 0;
		while (start > ls && !endsClause(s, prevAt(s, start)) && n < LOOK_BACK) {
			start = prevAt(s, start);
			n++;
		}
		if (start > ls && !endsClause(s, prevAt(s, start))) {
			/* no clause starts near: show a quarter of the window before the match */
			for (start = m, n = 0; start > ls && n < width / 4; n++) start = prevAt(s, start);
		}
		while (start < m && (/\s/.test(s[start]) || splits(s, start))) start = nextAt(s, start);
		var end = start;
		for (n = 0; end < le && n < width; n++) end = nextAt(s, end);
		if (end < me) end = me;
		if (splits(s, end)) {
			var longer = end;
			for (n = 0; longer < le && n < 16 && splits(s, longer); n++) longer = nextAt(s, longer);
			if (!splits(s, longer)) {
				end = longer;
			} else {
				var shorter = end;
				while (shorter > me && splits(s, shorter)) shorter = prevAt(s, shorter);
				if (!splits(s, shorter)) end = shorter;
			}
		}
		while (end > me && /\s/.test(s[end - 1])) end--;
		return { from: start, to: end };
	}

	/* Highlight parts of the line s[ls, le) around the match s[m, me), "…" where it is cut. */
	Engine.prototype.linePart = function (s, terms, ls, le, m, me, width) {
		var w = windowAround(s, ls, le, m, me, width || 80), parts = this.highlight(s, terms, w.from, w.to);
		if (w.from > ls) parts.unshift({ text: "…", mark: false });
		if (w.to < le) parts.push({ text: "…", mark: false });
		return parts;
	};

	/* About `width` characters of the line of a text that holds the first match of a term, with the
	 * matches marked (highlight parts; of the terms `marked` when given); without a match, the start of
	 * its first line that is not blank. One line only: a heading is never run into the paragraph after
	 * it. [] for a blank text. */
	Engine.prototype.snippet = function (text, terms, width, marked) {
		var s = String(text).normalize("NFC"), hit = this.firstMatch(s, terms);
		var at = hit ? hit.from : s.search(/\S/);
		if (at < 0) return [];
		var ls = s.lastIndexOf("\n", at - 1) + 1, le = s.indexOf("\n", at);
		if (le < 0) le = s.length;
		if (!hit) {
			while (le > at && /\s/.test(s[le - 1])) le--;
			return this.linePart(s, marked || terms, at, le, at, at, width);
		}
		return this.linePart(s, marked || terms, ls, le, hit.from, hit.to, width);
	};

	/* The labels of the lines of metadata after a report's text (their letters in "mk", search.h), and
	 * which names each kind of pinyin line spells. */
	var LABELS = { d: "日期", s: "街道", p: "地点", a: "作者", r: "记者", c: "通讯员", t: "专题", g: "版面",
		P: "拼音", R: "拼音", C: "拼音", T: "拼音" };
	var PINYIN_OF = { P: "p", R: "r", C: "c", T: "t" };
	var COLON = "\uff1a", OPEN = "\uff08", CLOSE = "\uff09";		/* ：（） */

	/* A result's snippet (see engine.doc for d): the first match in its own text, that is the body and
	 * captions (the subtitle is shown apart); when they have none, a labelled line for the first line of
	 * metadata that holds one: "记者：李艳", "地点：山西省 吕梁市 离石区 昌宁社区", "拼音：changningshequ
	 * （昌宁社区）"; when nothing there matches either (the title does), the start of the text. Highlight
	 * parts; a label is a part of its own with label: true. With several terms, more fragments follow for
	 * the terms the first does not show, each after a part with gap: true (" … "). */
	Engine.prototype.excerpt = function (d, terms, width) {
		var own = ownText(d), parts = this.excerptOf(d, own, terms, terms, width);
		if (terms.length < 2) return parts;
		/* A query of several terms: a term the title, subtitle and snippet do not show gets a fragment of
		 * its own, so that every result shows why it matched (at most FRAGMENTS in all). */
		var self = this, seen = [d.t, d.s || ""].concat(parts.filter(function (p) { return p.mark; })
			.map(function (p) { return p.text; })).map(function (t) { return self.folder.fold(t.normalize("NFC")); });
		var shows = function (t) { return seen.some(function (f) { return f.indexOf(t) >= 0; }); };
		var fragments = 1;
		terms.forEach(function (t) {
			if (fragments >= FRAGMENTS || shows(t)) return;
			var more = self.excerptOf(d, own, [t], terms, width / 2);
			var marks = more.filter(function (p) { return p.mark; });
			if (!marks.length) return;
			marks.forEach(function (p) { seen.push(self.folder.fold(p.text)); });
			if (parts.length && parts[parts.length - 1].text === "\u2026") parts.pop();
			if (more[0].text === "\u2026") more = more.slice(1);
			parts = parts.concat([{ text: " \u2026 ", mark: false, gap: true }], more);
			fragments++;
		});
		return parts;
	};

	var FRAGMENTS = 3;

	/* Whether document d holds every term in its title or text, as the lists that named it say. When it
	 * does not, the files the page loaded do not fit together: an index read before the archive was
	 * rebuilt beside a report file read after it (a report added among older ones renumbers those after
	 * it), or a text inflated with another build's dictionary. */
	Engine.prototype.holds = function (d, terms) {
		var fold = this.folder.fold, title = fold(d.t), text = null;
		return terms.every(function (t) {
			if (title.indexOf(t) >= 0) return true;
			if (text === null) text = fold(d.text);
			return text.indexOf(t) >= 0;
		});
	};

	/* A report's own text, as the snippet sees it: its body and captions, without the subtitle (shown apart). */
	function ownText(d) {
		var own = d.text.slice(0, d.b);
		if (d.s && own.slice(0, d.s.length + 1) === d.s + "\n") own = own.slice(d.s.length + 1);
		else if (d.s && own === d.s) own = "";
		return own.normalize("NFC");
	}

	/* excerpt's one fragment: where the first of the terms `find` is, with the terms `marked` marked. */
	Engine.prototype.excerptOf = function (d, own, find, marked, width) {
		if (this.firstMatch(own, find)) return this.snippet(own, find, width, marked);
		return this.metaLine(d, find, width, marked) || this.snippet(own, find, width, marked);
	};

	/* The labelled line for the first line of d's metadata that holds a match of a term, or null; the
	 * terms `marking` (default: terms) marked. */
	Engine.prototype.metaLine = function (d, terms, width, marking) {
		var self = this, text = d.text, from = text[d.b] === "\n" ? d.b + 1 : d.b;
		if (from >= text.length) return null;
		var lines = text.slice(from).normalize("NFC").split("\n"), mk = d.mk;
		if (mk.length !== lines.length) mk = "";	/* lines this file cannot label: show the line alone */
		function holds(line) {
			var f = self.folder.fold(line);
			return terms.some(function (t) { return f.indexOf(t) >= 0; });
		}
		function ofKind(k) {
			return lines.filter(function (l, i) { return mk[i] === k; });
		}
		var shown = marking || terms;
		function marked(line) {
			return self.highlight(line, shown);
		}
		function joined(names, sep) {
			return names.reduce(function (parts, name, i) {
				return parts.concat(i ? [{ text: sep, mark: false }] : [], marked(name));
			}, []);
		}
		for (var i = 0; i < lines.length; i++) {
			if (!holds(lines[i])) continue;
			var k = mk[i] || "", parts;
			if (PINYIN_OF[k]) {
				var names = ofKind(PINYIN_OF[k]), spelt = ofKind(k), j = mk.slice(0, i).split(k).length - 1;
				parts = marked(lines[i]);
				if (names.length === spelt.length) parts.push({ text: OPEN + names[j] + CLOSE, mark: false });
			} else if (k === "p") {
				parts = joined(ofKind("p").reverse(), " ");	/* province first, as a path */
			} else if (k === "r" || k === "c" || k === "t") {
				parts = joined(ofKind(k).filter(holds), "\u3001");	/* the names that match, with 、 */
			} else {
				var line = lines[i], hit = this.firstMatch(line, terms);
				parts = this.linePart(line, shown, 0, line.length, hit.from, hit.to, width);
			}
			return LABELS[k] ? [{ text: LABELS[k] + COLON, mark: false, label: true }].concat(parts) : parts;
		}
		return null;
	};

	function isLowSurrogateAfterHigh(s, i) {
		var c = s.charCodeAt(i), b = s.charCodeAt(i - 1);
		return c >= 0xdc00 && c < 0xe000 && b >= 0xd800 && b < 0xdc00;
	}

	function isHighSurrogateBeforeLow(s, i) {
		var c = s.charCodeAt(i), n = s.charCodeAt(i + 1);
		return c >= 0xd800 && c < 0xdc00 && n >= 0xdc00 && n < 0xe000;
	}

	api.LABELS = LABELS;
	return api;
});
