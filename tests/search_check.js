#!/usr/bin/env node
/* Recall and precision of the search index, read the way the browser reads it.
 *
 *   node tests/search_check.js [--bytes] <output-dir> <queries-file>
 *   node tests/search_check.js --brute <output-dir> <query>…     (JSON lines, for tests/browser_search.py)
 *   node tests/search_check.js --engine <output-dir> <query>…    (JSON lines: what the engine finds)
 *
 * --label NAME says which archive in each line ("ok - search NAME: …").
 *
 * Loads search/*.js from a built archive by evaluating each file with `vm` against a `sitegenSearch`
 * object, as the <script> tags do in the page, and runs every query (one a line) with the engine of
 * theme/static/search-engine.js. Each result is compared with a brute-force scan of every report's text
 * (title and d/<n>.js text, folded by a separate, simpler implementation of the rules in
 * generator/search.h), and its order with "most terms in the title first, then newest first". Every d/
 * file's "b" and "mk" must describe its text (where the body ends, one letter per line of metadata), and
 * the snippets of the first results must be one line of the body cut between words, or a labelled line
 * of metadata, never the raw list (for several terms, a fragment more for each term not shown). Then bad
 * queries, which must not throw. --bytes also prints what each
 * query downloads: index.js, the shard files it needs and the d/ files of its first 10 results. --brute
 * prints, per query, the brute force's total and first URLs, and what the page should show of those
 * reports: subtitle, inferred date, not a news report, snippet. --engine prints, per query, the engine's
 * total and the URLs of all its results, read from the index alone (tests/search_incremental.sh).
 * Prints `ok - …` / `not ok - …` lines; no npm packages. */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const zlib = require("zlib");
const S = require(path.join(__dirname, "..", "theme", "static", "search-engine.js"));

const PAGE = 10;

/* ---- Reading the index files as the browser does ---- */

/* Returns load(key) for S.Engine, over files in <out>/search/, checking that each file registers under
 * its own name. Files are evaluated once and their objects shared; `seen` collects the keys asked. A file
 * of exactly the generator's shape, `sitegenSearch.KIND([N,]OBJECT);` with OBJECT in JSON, registers by
 * JSON.parse (what evaluating it does, since JSON is a subset of JavaScript; 2,000 vm scripts cost a
 * second to compile); any other file is evaluated with `vm`, as a <script> tag would. */
const SHAPE = /^sitegenSearch\.(meta|[gpd]|tg|tp)\((?:(\d+),)?(\{.*\}|".*")\);\n?$/s;

function fileLoader(out) {
	const cache = new Map();
	let want = null, got = null;
	const record = (kind) => (k, obj) => {
		if (kind === "meta") obj = k;
		const name = kind === "meta" ? "index" : S.fileKey(kind, Number(k));
		if (name !== want) throw new Error(`${want}.js registers as ${name}`);
		if (got) throw new Error(`${want}.js registers twice`);
		got = obj;
	};
	const api = { meta: record("meta"), g: record("g"), p: record("p"), tg: record("tg"), tp: record("tp"), d: record("d") };
	const ctx = vm.createContext({ sitegenSearch: api });
	const run = (file) => {
		const src = fs.readFileSync(file, "utf8");
		const m = SHAPE.exec(src);
		let obj;
		if (m && (m[1] === "meta") === (m[2] === undefined)) {
			try {
				obj = JSON.parse(m[3]);
			} catch (e) {
				obj = undefined;
			}
		}
		if (obj === undefined) vm.runInContext(src, ctx, { filename: file });
		else if (m[1] === "meta") api.meta(obj);
		else api[m[1]](Number(m[2]), obj);
	};
	const load = (key) => {
		if (load.seen) load.seen.add(key);
		if (cache.has(key)) return cache.get(key);
		const file = path.join(out, "search", key + ".js");
		want = key;
		got = null;
		run(file);
		if (got === null) throw new Error(`${key}.js did not call sitegenSearch`);
		cache.set(key, got);
		return got;
	};
	load.seen = null;
	return load;
}

/* Raw deflate with a preset dictionary, as the engine's DecompressionStream does with stored blocks. */
function inflate(bytes, dict) {
	return Promise.resolve(new Uint8Array(zlib.inflateRawSync(bytes, dict.length ? { dictionary: dict } : {})));
}

/* ---- The brute force: an independent fold and a plain scan ---- */

function bruteFold(pairs) {
	const ts = new Map();
	const cps = [...pairs];
	for (let i = 0; i + 1 < cps.length; i += 2) ts.set(cps[i], cps[i + 1]);
	const memo = new Map();
	const one = (c) => {
		let f = memo.get(c);
		if (f === undefined) {
			f = [...c.normalize("NFKC").toLowerCase()].map((x) => ts.get(x) || x).join("");
			memo.set(c, f);
		}
		return f;
	};
	/* fixed[u]: 1 when the BMP code point u (not a surrogate) folds to itself, 2 when not, 0 not yet
	 * known; runs of fixed points are copied as they are (most of the text: a Map lookup a character
	 * was most of the check's time). */
	const fixed = new Uint8Array(0x10000);
	return (str) => {
		const s = String(str).normalize("NFC");
		let out = "", run = 0;
		for (let i = 0; i < s.length; i++) {
			const u = s.charCodeAt(i);
			let k = fixed[u];
			if (k === 0 && (u < 0xd800 || u > 0xdfff)) k = fixed[u] = one(s[i]) === s[i] ? 1 : 2;
			if (k === 1) continue;
			const c = String.fromCodePoint(s.codePointAt(i));
			out += s.slice(run, i) + one(c);
			i += c.length - 1;
			run = i + 1;
		}
		return run === 0 ? s : out + s.slice(run);
	};
}

function bruteTerms(query, fold) {
	return [...new Set(fold(query).split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean))];
}

/* Every document's folded title, and its folded title and text lines joined by line breaks (a term,
 * a run of word characters, never holds one: it occurs in the joined text where it occurs in a line). */
async function loadCorpus(engine, meta) {
	const fold = bruteFold(meta.ts);
	const docs = [];
	for (let n = 0; n < meta.n; n++) {
		const d = await engine.doc(n);
		docs.push({
			n,
			u: d.u,
			t: d.t,
			title: fold(d.t),
			text: [fold(d.t), ...d.text.split("\n").map(fold)].join("\n"),
			doc: d,
		});
	}
	return { fold, docs };
}

/* The expected result: documents containing every term, most terms in the title first, newest first. */
function brute(corpus, query) {
	const terms = bruteTerms(query, corpus.fold);
	if (!terms.length) return { terms, docs: [] };
	const hits = [];
	for (const d of corpus.docs) {
		if (!terms.every((t) => d.text.includes(t))) continue;
		hits.push({ n: d.n, title: terms.filter((t) => d.title.includes(t)).length });
	}
	hits.sort((a, b) => b.title - a.title || b.n - a.n);
	return { terms, docs: hits.map((h) => h.n) };
}

/* ---- Checks ---- */

function show(q) {
	const s = JSON.stringify(q).slice(1, -1);
	return "'" + (s.length > 40 ? s.slice(0, 40) + "…(" + [...q].length + " characters)" : s) + "'";
}

function describe(corpus, ns) {
	return ns.slice(0, 8).map((n) => `#     ${n} ${corpus.docs[n].u} ${corpus.docs[n].t}`);
}

/* Every shard file exists, registers under its own number, holds only grams that hash to it, and
 * decodes to the end. */
function checkShards(load, meta) {
	const problems = [];
	let grams = 0;
	/* g/ and p/ hold the documents below meta.b; the tail's tg/ and tp/ the others, numbered from it */
	for (const [kind, count, ndocs] of [["g", meta.sg, meta.b], ["p", meta.sp, meta.b], ["tg", meta.tg, meta.n - meta.b],
		["tp", meta.tp, meta.n - meta.b]]) {
		const gk = kind.endsWith("g");
		for (let k = 0; k < count; k++) {
			let shard;
			try {
				shard = load(S.fileKey(kind, k));
			} catch (e) {
				problems.push(`${kind}/${k.toString(16)}.js: ${e.message}`);
				continue;
			}
			if (typeof shard !== "string") {
				problems.push(`${kind}/${k.toString(16)}.js does not register a string`);
				continue;
			}
			try {
				shard = S.parseShard(shard, `${kind}/${k}`);
			} catch (e) {
				problems.push(`${kind}/${k.toString(16)}.js: ${e.message}`);
				continue;
			}
			if (kind.startsWith("t") && shard["!"] !== meta.th)
				problems.push(`${kind}/${k.toString(16)}.js is stamped ${shard["!"]}, not index.js's ${meta.th}`);
			for (const gram of Object.keys(shard)) {
				if (kind.startsWith("t") && gram === "!") continue;	/* the stamp */
				grams++;
				const base = gk && /^.{4}[<>]$/u.test(gram) ? gram.slice(0, -1) : gram;	/* a context list */
				const len = [...base].length;
				const want = S.fnv1a(gk ? S.shardBase(gram) : gram) % count;
				if (want !== k || (gk ? len > 4 : len !== 4))
					problems.push(`${kind}/${k.toString(16)}.js holds '${gram}' (belongs in ${kind}/${want.toString(16)})`);
				try {
					if (gk) {
						const r = new S.Reader(shard[gram]);
						const docs = r.docs(meta.n).concat(r.docs(meta.n));
						if (!r.done()) throw new Error("trailing data");
						if (docs.some((d) => d >= ndocs)) throw new Error(`a document past its part's ${ndocs}`);
					} else if (S.readPositions(shard[gram]).docs.some((d) => d >= ndocs)) {
						throw new Error(`a document past its part's ${ndocs}`);
					}
				} catch (e) {
					problems.push(`${kind}/${k.toString(16)}.js '${gram}': ${e.message}`);
				}
			}
		}
	}
	return { problems, grams };
}

/* Runs one query on a fresh engine (so that the files it loads are its own); returns the result, the
 * documents of its first page, the keys it loaded. */
async function runQuery(load, query, options) {
	load.seen = new Set();
	const engine = new S.Engine(load, Object.assign({ inflate }, options));
	const result = await engine.search(query);
	const first = await Promise.all(result.docs.slice(0, PAGE).map((n) => engine.doc(n)));
	const keys = [...load.seen];
	load.seen = null;
	return { engine, result, first, keys };
}

/* A snippet, title or subtitle of a result holds a <mark> whose folded text contains a term. */
function checkMarks(engine, terms, docs, fold) {
	const bad = [];
	for (const d of docs) {
		const parts = [...engine.highlight(d.t.normalize("NFC"), terms), ...engine.highlight(d.s.normalize("NFC"), terms),
			...engine.excerpt(d, terms, 80)];
		const marked = parts.filter((p) => p.mark).map((p) => fold(p.text));
		if (!marked.some((m) => terms.some((t) => m.includes(t)))) bad.push(d.u);
	}
	return bad;
}

/* ---- Snippets: one line of the body, or a labelled line of metadata ---- */

const shownText = (parts) => parts.map((p) => p.text).join("");
const CUT_RUN = /[A-Za-z0-9]/;	/* a cut between two of these splits a word or a number */
const CLAUSE = "，。！？；：、“”「」『』,!?;:";

/* The report's own text as the snippet sees it (subtitle, shown apart, left out), and its metadata lines. */
function parts(d) {
	let body = d.text.slice(0, d.b);
	if (d.s && body.startsWith(d.s + "\n")) body = body.slice(d.s.length + 1);
	else if (d.s && body === d.s) body = "";
	const rest = d.text.slice(d.text[d.b] === "\n" ? d.b + 1 : d.b);
	return { body: body.normalize("NFC").split("\n"), meta: rest ? rest.normalize("NFC").split("\n") : [] };
}

/* The fragments of a snippet: its parts between those with gap: true. */
function fragments(parts) {
	const out = [[]];
	for (const p of parts) {
		if (p.gap) out.push([]);
		else out[out.length - 1].push(p);
	}
	return out;
}

/* What is wrong with a result's snippet, or "": its first fragment as fragmentProblem says; each fragment
 * after it (a query of several terms) part of one line of the body or one labelled line of the metadata,
 * marking a term that neither the title, the subtitle nor a fragment before it shows; and every term the
 * report's text holds is shown marked (up to three fragments). */
function excerptProblem(engine, d, terms, fold) {
	const all = engine.excerpt(d, terms, 80), frags = fragments(all);
	const why = fragmentProblem(engine, d, terms, fold, frags[0]);
	if (why) return why;
	const { body, meta } = parts(d);
	const seen = [d.t, d.s || ""].map((t) => fold(t.normalize("NFC")));
	const marked = (frag) => frag.filter((p) => p.mark).map((p) => fold(p.text));
	seen.push(...marked(frags[0]));
	for (const frag of frags.slice(1)) {
		const news = terms.filter((t) => !seen.some((f) => f.includes(t)) && marked(frag).some((m) => m.includes(t)));
		if (!news.length) return "has a fragment that shows no term not shown before it";
		const core = frag.filter((p) => !p.label).map((p) => p.text).join("").replace(/^…/, "").replace(/…$/, "");
		if (!body.some((l) => l.includes(core)) && !meta.some((l) => l.includes(core)) && !frag.some((p) => p.label))
			return "has a fragment that is not part of one line";
		if ([...core].length > 100) return "has a fragment too long";
		seen.push(...marked(frag));
	}
	const held = terms.filter((t) => [...body, ...meta].some((l) => fold(l).includes(t)));
	const unseen = held.filter((t) => !seen.some((f) => f.includes(t)));
	if (frags.length < 3 && unseen.length) return `does not show ${unseen.join(", ")}, which the report holds`;
	return "";
}

/* What is wrong with a snippet's first fragment, or "". */
function fragmentProblem(engine, d, terms, fold, got) {
	const shown = shownText(got);
	const has = (l) => terms.some((t) => fold(l).includes(t));
	const marksTerm = got.some((p) => p.mark && has(p.text));
	const { body, meta } = parts(d);
	if (shown.includes("\n")) return "runs lines together";
	if (body.some(has)) {
		if (got.some((p) => p.label)) return "is labelled, though the body holds a match";
		if (!marksTerm) return "marks no match";
		const core = shown.replace(/^…/, "").replace(/…$/, "");
		const line = body.find((l) => l.includes(core));
		if (!line) return "is not (part of) one line of the body";
		const at = line.indexOf(core), end = at + core.length;
		if (at > 0 && CUT_RUN.test(line[at - 1]) && CUT_RUN.test(line[at])) return "starts inside a word or a number";
		if (end < line.length && CUT_RUN.test(line[end - 1]) && CUT_RUN.test(line[end])) return "ends inside a word or a number";
		if ([...core].length > 100) return "is too long";
		const first = got.find((p) => p.mark), m = at + shown.indexOf(first.text) - (shown.startsWith("…") ? 1 : 0);
		const before = line.slice(Math.max(0, m - 30), m);
		const clause = [...before].some((c, i, a) => CLAUSE.includes(c) && !(c < "\x80" && /\d/.test(a[i - 1] || "") && /\d/.test(a[i + 1] || "")));
		if (at > 0 && !CLAUSE.includes(line[at - 1]) && !/\s/.test(line[at - 1]) && clause && !line.slice(at, m).split("").some((c) => CLAUSE.includes(c)))
			return "does not start after the punctuation before the match";
		return "";
	}
	const hit = meta.findIndex(has);
	if (hit < 0) return got.some((p) => p.label) ? "is labelled, though nothing in the metadata matches" : "";
	const label = got[0] && got[0].label ? got[0].text : "";
	const want = S.LABELS[d.mk[hit]] + "：";
	if (label !== want) return `is labelled '${label}', not '${want}' (line ${hit} of the metadata, kind '${d.mk[hit]}')`;
	if (!marksTerm) return "marks no match";
	const rest = shown.slice(label.length);
	if (label === "拼音：") return /^[a-z0-9]+(（[^（）\n]+）)?$/.test(rest) ? "" : "is not one pinyin with its name";
	const pinyin = meta.filter((l, i) => "PRCT".includes(d.mk[i]));
	if (pinyin.some((l) => rest.includes(l))) return "shows pinyin with the names: the raw list";
	return [...rest].length > 100 ? "is too long" : "";
}

/* The snippets of the first results: see excerptProblem. */
function checkExcerpts(engine, terms, docs, fold) {
	const bad = [];
	for (const d of docs) {
		const why = excerptProblem(engine, d, terms, fold);
		if (why) bad.push(`${d.u}: the snippet ${JSON.stringify(shownText(engine.excerpt(d, terms, 80)))} ${why}`);
	}
	return bad;
}

/* Every d/ file's "b" and "mk" describe its text (generator/search.h): the first b UTF-16 units are the
 * subtitle, body and captions, then a line break and one line per letter of mk, in the documented order;
 * the date line is the date the pages show, the place names hold those of "place", each kind of pinyin
 * has a line per name; "s" is the text's first line, "inf" and "other" are 1 when present. */
function checkDocFiles(load, corpus) {
	const bad = [];
	const ORDER = /^d?s?p*a*r*c*t*g?P*R*C*T*$/;
	for (const { n, doc: d } of corpus.docs) {
		const raw = load(S.fileKey("d", n)), text = d.text;
		const say = (why) => bad.push(`d/${n}.js (${d.u}): ${why}`);
		if (typeof raw.b !== "number" || raw.b < 0 || raw.b > text.length) {
			say(`b is ${raw.b}, the text has ${text.length} UTF-16 units`);
			continue;
		}
		if (raw.b > 0 && raw.b < text.length && text[raw.b] !== "\n") say(`b (${raw.b}) is not at a line break`);
		const meta = text.slice(raw.b > 0 ? raw.b + 1 : 0).split("\n").filter((l, i, a) => a.length > 1 || l);
		const mk = String(raw.mk || "");
		if (meta.length !== mk.length) say(`${meta.length} lines after b, ${mk.length} letters in mk '${mk}'`);
		if (!ORDER.test(mk)) say(`mk '${mk}' is not in the order of search.h`);
		const of = (k) => meta.filter((l, i) => mk[i] === k);
		if (of("d")[0] !== raw.date) say(`the date line '${of("d")[0]}' is not the date '${raw.date}'`);
		for (const name of String(raw.place || "").split(" ").filter(Boolean))
			if (!of("p").includes(name)) say(`the place '${name}' has no place line`);
		for (const [k, names] of [["P", "p"], ["R", "r"], ["C", "c"], ["T", "t"]])
			if (of(k).length !== of(names).length) say(`${of(names).length} '${names}' lines but ${of(k).length} '${k}' lines`);
		if (raw.s !== undefined && !(text === raw.s || text.startsWith(raw.s + "\n"))) say(`the text does not start with the subtitle`);
		for (const f of ["inf", "other"])
			if (raw[f] !== undefined && raw[f] !== 1) say(`"${f}" is ${JSON.stringify(raw[f])}`);
	}
	return bad;
}

/* The engine's pieces on known values: the n45 code, folding (against the brute force's fold) and
 * snippets (marks land on the original characters, whatever folding did to them). Returns the failures. */
/* The engine's default inflate, which the page uses (the rest of this check inflates with node's zlib): a
 * preset dictionary given to DecompressionStream as stored blocks in front of the text's raw deflate. b91 of
 * lengths that end with one character or two. */
async function checkInflate() {
	const bad = [];
	if (typeof DecompressionStream !== "function") return bad;
	const B91 = "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
	const b91 = (bytes) => {	/* as generator/search_codec.c writes it */
		let out = "", acc = 0, bits = 0;
		for (const b of bytes) {
			acc = (acc << 8 | b) & 0xfffff;
			bits += 8;
			if (bits >= 13) {
				bits -= 13;
				const v = acc >> bits & 0x1fff;
				out += B91[v % 91] + B91[Math.floor(v / 91)];
			}
		}
		if (bits > 6) {
			const v = acc << (13 - bits) & 0x1fff;
			out += B91[v % 91] + B91[Math.floor(v / 91)];
		} else if (bits) {
			out += B91[acc << (6 - bits) & 0x3f];
		}
		return out;
	};
	for (let n = 0; n < 40; n++) {
		const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
		const back = S.b91Bytes(b91(bytes));
		if (Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0) bad.push(`b91 of ${n} bytes reads back as ${back}`);
	}
	const engine = new S.Engine(() => { throw new Error("no files"); });
	const text = Buffer.from("社区网格员连心卡。".repeat(50) + "昌宁社区党委书记刘文琴", "utf16le");
	for (const dictLen of [0, 3000, 32000]) {
		const dict = Buffer.from("连心卡连起你我他,社区网格员。".repeat(Math.ceil(dictLen / 28)).slice(0, dictLen / 2), "utf16le");
		const z = zlib.deflateRawSync(text, dict.length ? { dictionary: dict } : {});
		try {
			const out = await engine.inflate(S.b91Bytes(b91(z)), new Uint8Array(dict));
			if (Buffer.compare(Buffer.from(out), text) !== 0) bad.push(`inflate with a ${dict.length}-byte dictionary differs`);
		} catch (e) {
			bad.push(`inflate with a ${dict.length}-byte dictionary: ${e.message}`);
		}
	}
	/* a dictionary of more than one stored block (65,535 bytes each): the text refers to its last bytes */
	const big = Buffer.alloc(70000, 0x41);
	big.write("社区网格员连心卡", 70000 - 16, "utf16le");
	const z = zlib.deflateRawSync(text, { dictionary: big });
	try {
		const out = await engine.inflate(new Uint8Array(z), new Uint8Array(big));
		if (Buffer.compare(Buffer.from(out), text) !== 0) bad.push("inflate with a 70,000-byte dictionary differs");
	} catch (e) {
		bad.push(`inflate with a 70,000-byte dictionary: ${e.message}`);
	}
	return bad;
}

function checkUnits(engine, fold) {
	const bad = [];
	const D = S.DIGITS;
	const enc = (x) => {
		const ds = [];
		do {
			ds.unshift(x % 45);
			x = Math.floor(x / 45);
		} while (x > 0);
		return ds.map((d, i) => D[i < ds.length - 1 ? d + 45 : d]).join("");
	};
	for (const x of [0, 1, 44, 45, 89, 2024, 45 * 45 * 45 - 1, 123456789]) {
		const got = new S.Reader(enc(x)).num();
		if (got !== x) bad.push(`n45 ${x} reads as ${got}`);
	}
	/* bits → b91 pairs (13 bits in two characters), padded with 0s */
	const B91 = "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
	const b91 = (bits) => (bits + "0".repeat((13 - bits.length % 13) % 13)).match(/.{13}/g)
		.map((b) => parseInt(b, 2)).map((v) => B91[v % 91] + B91[Math.floor(v / 91)]).join("");
	const gaps = new S.Reader(enc(12) + enc(0) + enc(4) + enc(0)).docs(10).join(",");
	if (gaps !== "0,5,6") bad.push(`gap list reads as ${gaps}`);
	/* a bitmap ends with the last document, whatever the number of documents in the index */
	const bitmap = new S.Reader(enc(13) + b91("10000101")).docs(1000).join(",");
	if (bitmap !== "0,5,7") bad.push(`bitmap reads as ${bitmap}`);
	/* Rice k = 1: gaps 0, 4, 1 → 0 0 | 110 0 | 0 1 */
	const rice = new S.Reader(enc(14) + b91("0001" + "00" + "1100" + "01") + enc(2) + enc(0)).docs(12).join(",");
	if (rice !== "0,5,7") bad.push(`Rice list reads as ${rice}`);
	/* 1, 2, 4 by the documents below 4 not in it: 0, 3 → k = 0, gamma(2 + 1), gaps 0, 2: 0 | 110 */
	const r2 = new S.Reader(enc(4 * 3 + 3) + b91("0000" + "011" + "0" + "110"));
	const not = r2.docs(1000).join(",");
	if (not !== "1,2,4" || !r2.done()) bad.push(`complement list reads as ${not}`);
	/* one document (3), one title position (0), two text positions (2, 3), Rice parameter 1:
	 * gamma(2) gamma(4) gamma(2) gamma(3) 0001 rice(0) rice(1) rice(0) */
	const pos = S.readPositions(b91("010" + "00100" + "010" + "011" + "0001" + "00" + "100" + "00"));
	if ([...pos.docs].join() !== "3" || [...pos.pos.slice(0, 3)].join() !== "0,2,3" || [...pos.at].join() !== "0,1,3")
		bad.push(`positions read as ${JSON.stringify(pos)}`);
	for (const t of ["ＡＢＣ Ｘ", "㎏㍿ﬁ", "İstanbul ΣΑΣ", "網格員 乾隆 後來", "e\u0301 \u1100\u1161", "𠀀𝐀 \uD800x"])
		if (engine.folder.fold(t) !== fold(t)) bad.push(`fold ${JSON.stringify(t)}: ${engine.folder.fold(t)} ≠ ${fold(t)}`);
	const cases = [
		["前面的文字 ＡＢＣ 后面", "abc", "ＡＢＣ"],
		["单位是㎏和㎏", "kg", "㎏"],
		["來自網格員的報告", "网格员", "網格員"],
		["𠀀社区𠀀", "社区", "社区"],
	];
	for (const [text, term, want] of cases) {
		const parts = engine.snippet(text, [term], 80);
		const marks = parts.filter((p) => p.mark).map((p) => p.text);
		if (marks[0] !== want || parts.map((p) => p.text).join("") !== text)
			bad.push(`snippet of ${JSON.stringify(text)} for ${term}: ${JSON.stringify(parts)}`);
	}
	/* a line longer than the window: cut after the clause's punctuation, or after the word or number */
	const more = "很多".repeat(40);
	const cuts = [
		["第一句很长很长很长很长很长很长,这里有目标和更多文字。后面还有" + more, "目标", "…这里有<目标>和更多文字。后面还有" + more.slice(0, 65) + "…"],
		["编号 ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH 之后是目标" + more, "目标", "…之后是<目标>" + more.slice(0, 75) + "…"],
		["共计12345678901234567890123456789012345678901234567890人员目标" + more, "目标", "…人员<目标>" + more.slice(0, 76) + "…"],
		["第一句很长很长很长很长很长很长,这里有目标", "目标", "第一句很长很长很长很长很长很长,这里有<目标>"],	/* short: whole */
		["小标题\n正文里有目标,然后", "目标", "正文里有<目标>,然后"],
		["目标在开头" + "文字".repeat(36) + " covid19 之后", "目标", "<目标>在开头" + "文字".repeat(36) + " covid19…"],
		["没有匹配的第一行\n第二行", "zzz", "没有匹配的第一行"],
		["", "目标", ""],
	];
	const marked = (ps) => ps.map((p) => (p.label ? `[${p.text}]` : p.mark ? `<${p.text}>` : p.text)).join("");
	for (const [text, term, want] of cuts) {
		const got = marked(engine.snippet(text, [term], 80));
		if (got !== want) bad.push(`snippet of ${JSON.stringify(text)} for ${term}: ${got}, wanted ${want}`);
	}
	const doc = {
		s: "副标题", b: 13,
		text: "副标题\n正文里没有那些名字\n2022年10月31日 星期一\n莲花池街道\n昌宁社区\n离石区\n吕梁市\n山西省\n李艳\n武小丽\n静默管理\n连心卡\n" +
			"来自抗击疫情一线的报道\nchangningshequ\nlishiqu\nlvliangshi\nshanxisheng\nliyan\nwuxiaoli\njingmoguanli\nlianxinka",
		mk: "dspppprcttgPPPPRCTT",
	};
	const labelled = [
		["李艳", "[记者：]<李艳>"],
		["武小丽", "[通讯员：]<武小丽>"],
		["连心卡", "[专题：]<连心卡>"],
		["吕梁", "[地点：]山西省 <吕梁>市 离石区 昌宁社区"],
		["莲花池", "[街道：]<莲花池>街道"],
		["星期一", "[日期：]2022年10月31日 <星期一>"],
		["抗击疫情", "[版面：]来自<抗击疫情>一线的报道"],
		["lishi", "[拼音：]<lishi>qu（离石区）"],
		["liyan", "[拼音：]<liyan>（李艳）"],
		["changningshequ", "[拼音：]<changningshequ>（昌宁社区）"],
		["正文", "<正文>里没有那些名字"],
		["副标题", "正文里没有那些名字"],
	];
	for (const [term, want] of labelled) {
		const got = marked(engine.excerpt(doc, [term], 80));
		if (got !== want) bad.push(`snippet for ${term} found in the metadata: ${got}, wanted ${want}`);
	}
	const long = "开头" + "一二三四五六七八九十".repeat(20) + "目标" + "后文".repeat(100);
	const parts = engine.snippet(long, ["目标"], 80);
	const shown = parts.map((p) => p.text).join("");
	if (parts[0].text !== "…" || parts[parts.length - 1].text !== "…" || !shown.includes("目标") || [...shown].length > 84)
		bad.push(`snippet of a long text: ${shown}`);
	return bad;
}

const BAD_QUERIES = [
	"",
	"   ",
	",。!?、;:“”‘’《》【】……——",
	"!@#$%^&*()_+-={}[]|\\:;\"'<>,.?/~`",
	"<script>alert(1)</script>",
	"</script>",
	"<mark>",
	".*+?^${}()|[]\\",
	"(a|b)*c[0-9]+",
	"\uD800",
	"\uDC00社区\uD800",
	"\u0000\u0001\u001f",
	"𠀀𪚥",
	"ﬁ ﬀ ＡＢＣ",
	"İ",
	"社".repeat(1000),
	"a".repeat(1000),
	"constructor __proto__ hasOwnProperty",
];

async function main() {
	const args = process.argv.slice(2);
	let bytes = false, bruteOnly = false, engineOnly = false, label = "";
	while (args.length && args[0].startsWith("--")) {
		const opt = args.shift();
		if (opt === "--bytes") bytes = true;
		else if (opt === "--brute") bruteOnly = true;
		else if (opt === "--engine") engineOnly = true;
		else if (opt === "--label") label = " " + args.shift();
		else args.length = 0;
	}
	if (args.length < 2 && !((bruteOnly || engineOnly) && args.length >= 1)) {
		console.error("usage: node tests/search_check.js [--bytes] [--label NAME] <output-dir> <queries-file>\n" +
			"       node tests/search_check.js --brute|--engine <output-dir> <query>…");
		process.exit(2);
	}
	const out = args[0];
	const load = fileLoader(out);
	if (engineOnly) {
		for (const q of args.slice(1)) {
			const run = await runQuery(load, q, { verifyByText: 0 });
			const docs = await Promise.all(run.result.docs.map((n) => run.engine.doc(n)));
			console.log(JSON.stringify({ query: q, total: run.result.total, urls: docs.map((d) => d.u) }));
		}
		return;
	}
	const engine = new S.Engine(load, { inflate });
	let meta, corpus;
	try {
		meta = await engine.ready();
		corpus = await loadCorpus(engine, meta);
	} catch (e) {
		console.log(`not ok - search${label}: the index in ${out}/search cannot be read: ${e.message}`);
		process.exit(1);
	}

	if (bruteOnly) {
		for (const q of args.slice(1)) {
			const b = brute(corpus, q);
			const first = b.docs.slice(0, PAGE).map((n) => corpus.docs[n]);
			console.log(JSON.stringify({ query: q, terms: b.terms, total: b.docs.length, urls: first.map((d) => d.u),
				items: first.map(({ doc }) => ({ s: doc.s, inf: doc.inf, other: doc.other,
					snippet: shownText(engine.excerpt(doc, b.terms, 80)) })) }));
		}
		return;
	}

	let failed = 0;
	const say = (ok, line, details) => {
		console.log(`${ok ? "ok" : "not ok"} - search${label}: ${line}`);
		if (!ok) {
			failed++;
			for (const d of details || []) console.log(d);
		}
	};

	const units = checkUnits(engine, corpus.fold);
	say(!units.length, "the engine reads n45 numbers, document and position lists, folds as the brute force does " +
		"and marks snippets on the original characters", units.map((u) => "#   " + u));

	const inflates = await checkInflate();
	say(!inflates.length, "the browser's own inflate (stored blocks holding the dictionary, then the text's raw " +
		"deflate, through DecompressionStream) and b91 give back what was deflated", inflates.map((u) => "#   " + u));

	const files = checkDocFiles(load, corpus);
	say(!files.length, `every d/ file's "b" and "mk" describe its text: where the body ends, a letter for each line ` +
		`of metadata (${meta.n} reports)`, files.slice(0, 20).map((p) => "#   " + p));

	const shards = checkShards(load, meta);
	say(!shards.problems.length,
		`index.js and all ${meta.sg} g/, ${meta.sp} p/, ${meta.tg} tg/ and ${meta.tp} tp/ shard files load, register under their own number ` +
		`and hold only grams that hash to them (${shards.grams} grams, ${meta.n} reports)`,
		shards.problems.slice(0, 20).map((p) => "#   " + p));

	const queries = fs.readFileSync(args[1], "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
	const table = [];
	let ordered = 0, misordered = 0, marked = 0;
	const unmarked = [], badExcerpts = [];
	let excerpts = 0, byPositions = 0;
	const positionsDiffer = [];
	for (const q of queries) {
		let run;
		try {
			run = await runQuery(load, q);
		} catch (e) {
			say(false, `${show(q)} throws: ${e.stack}`);
			continue;
		}
		const got = run.result.docs;
		const want = brute(corpus, q);
		const gotSet = new Set(got), wantSet = new Set(want.docs);
		const missing = want.docs.filter((n) => !gotSet.has(n));
		const extra = got.filter((n) => !wantSet.has(n));
		if (JSON.stringify(run.result.terms) !== JSON.stringify(want.terms)) {
			say(false, `${show(q)}: terms ${JSON.stringify(run.result.terms)}, brute force ${JSON.stringify(want.terms)}`);
		}
		say(!missing.length && !extra.length,
			`${show(q)} finds ${got.length} reports (${missing.length || extra.length ? "brute force: " + want.docs.length : "= brute force"})`,
			[
				...(missing.length ? [`#   missing ${missing.length}:`, ...describe(corpus, missing)] : []),
				...(extra.length ? [`#   extra ${extra.length}:`, ...describe(corpus, extra)] : []),
			]);
		if (!missing.length && !extra.length) {
			if (JSON.stringify(got) === JSON.stringify(want.docs)) {
				ordered++;
			} else {
				misordered++;
				say(false, `${show(q)}: results are not ranked title matches first, then newest first`,
					[`#   got    ${got.slice(0, 20).join(" ")}`, `#   wanted ${want.docs.slice(0, 20).join(" ")}`]);
			}
		}
		if (want.terms.some((t) => [...t].length > 4)) {
			/* the same query with every long term decided by the index, as with more than a few candidates:
			 * by context lists and positions, and by positions alone */
			byPositions++;
			for (const options of [{ verifyByText: 0 }, { verifyByText: 0, contexts: false }]) {
				const strict = await runQuery(load, q, options);
				if (JSON.stringify(strict.result.docs) !== JSON.stringify(want.docs))
					positionsDiffer.push(`#   ${show(q)} ${JSON.stringify(options)}: ${strict.result.docs.length} reports, ` +
						`brute force ${want.docs.length}`);
			}
		}
		for (const why of checkExcerpts(run.engine, run.result.terms, run.first, corpus.fold)) badExcerpts.push(`#   ${show(q)}: ${why}`);
		excerpts += run.first.length;
		const bad = checkMarks(run.engine, run.result.terms, run.first, corpus.fold);
		marked += run.first.length - bad.length;
		for (const u of bad) unmarked.push(`#   ${show(q)}: ${u}`);
		if (bytes) {
			const size = (key) => fs.statSync(path.join(out, "search", key + ".js")).size;
			const index = run.keys.filter((k) => !k.startsWith("d/")).reduce((s, k) => s + size(k), 0);
			const docs = run.keys.filter((k) => k.startsWith("d/")).reduce((s, k) => s + size(k), 0);
			table.push({ q, terms: run.result.terms.length, files: run.keys.length, total: got.length, index, docs });
		}
	}
	say(positionsDiffer.length === 0, `the ${byPositions} queries with a term of 5 or more characters give the same ` +
		`results when every candidate is decided by the index (context lists and positions, or positions alone), ` +
		`never by its text`, positionsDiffer.slice(0, 20));
	say(misordered === 0, `results of ${ordered} queries are ranked: more terms in the title first, then newest first`);
	say(badExcerpts.length === 0, `the snippets of the first ${PAGE} results are one line of the body around the first ` +
		`match, cut between words, or a labelled line of metadata, and, for a query of several terms, show each term ` +
		`the report holds (a fragment more for each the first does not show, up to three) (${excerpts} snippets)`,
		badExcerpts.slice(0, 20));
	say(unmarked.length === 0, `the title or snippet of each of the first ${PAGE} results marks a match (${marked} results)`, unmarked.slice(0, 20));

	for (const q of BAD_QUERIES) {
		try {
			const run = await runQuery(load, q);
			const want = brute(corpus, q);
			for (const d of run.first) run.engine.excerpt(d, run.result.terms, 80);
			const same = JSON.stringify(run.result.docs) === JSON.stringify(want.docs);
			say(same, `bad input ${show(q)} is harmless: ${run.result.terms.length ? run.result.total + " reports" : "no terms, no search"}` +
				(same ? "" : ` (brute force: ${want.docs.length})`));
		} catch (e) {
			say(false, `bad input ${show(q)} throws: ${e.stack}`);
		}
	}

	if (bytes) printBytes(table, fs.statSync(path.join(out, "search", "index.js")).size);
	process.exit(failed ? 1 : 0);
}

function printBytes(table, metaSize) {
	const kb = (b) => (b / 1024).toFixed(1);
	console.log("# bytes a query downloads: index.js, its g/ and p/ shards, the d/ files of its first 10 results");
	console.log("# " + ["query", "terms", "files", "results", "index KB", "docs KB", "total KB"].join("\t"));
	const totals = [];
	for (const r of table) {
		const total = r.index + r.docs;
		totals.push(total);
		console.log("# " + [show(r.q), r.terms, r.files, r.total, kb(r.index), kb(r.docs), kb(total)].join("\t"));
	}
	totals.sort((a, b) => a - b);
	const median = totals.length % 2
		? totals[(totals.length - 1) / 2]
		: (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2;
	console.log(`# ${totals.length} queries: median ${kb(median)} KB, max ${kb(totals[totals.length - 1])} KB ` +
		`(index.js ${kb(metaSize)} KB in each)`);
}

main().catch((e) => {
	console.log(`not ok - search: ${e.stack}`);
	process.exit(1);
});
