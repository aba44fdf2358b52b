/* search-engine.js: the engine of the archive's full-text search, run in the reader's browser with no server
 * code, and by tests/search_check.js under Node.
 *
 * The generator (generator/search.c) writes the index as small .js files under search/; the comment at the
 * top of generator/search.h describes them and is the contract this file follows. This file knows nothing
 * of a page or of how the files are loaded: folding (the same as the generator's), the n45 number code,
 * evaluating a query against the shards, and the snippets shown with each result. In the browser it defines
 * the global `sitegenSearchEngine`, which assets/search.js (the search page, loaded after it) uses; under
 * Node it is a module. No framework, no build step, no request to another host. */
(function (global) {
	"use strict";

	/* ---- Numbers: the "n45" code ---- */

	var DIGITS = "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}";
	var DIGIT = new Int8Array(128).fill(-1);
	for (var di = 0; di < DIGITS.length; di++) DIGIT[DIGITS.charCodeAt(di)] = di;

	/* b91 (generator/search.h): 13 bits in two characters of B91, the last 6 or fewer in one. */
	var B91 = "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
	var B91V = new Int8Array(128).fill(-1);
	for (var bi = 0; bi < B91.length; bi++) B91V[B91.charCodeAt(bi)] = bi;

	function corrupt(what) {
		return new Error("搜索索引已损坏(" + what + ")");
	}

	/* Reads numbers, document lists and position lists from one index string, left to right. */
	function Reader(s) {
		this.s = s;
		this.i = 0;
	}

	Reader.prototype.done = function () {
		return this.i >= this.s.length;
	};

	Reader.prototype.num = function () {
		var x = 0;
		for (;;) {
			var d = DIGIT[this.s.charCodeAt(this.i++)];
			if (!(d >= 0)) throw corrupt("bad digit at " + (this.i - 1));
			if (d < 45) return x * 45 + d;
			x = x * 45 + (d - 45);
		}
	};

	/* A document list: ascending document numbers (generator/search.h): h = 4·count + kind; kind 0: count
	 * gaps; 1: a bitmap up to the last document; 2: a 4-bit Rice parameter, then count Rice-coded gaps; 3:
	 * a 4-bit Rice parameter, gamma(m + 1) and the Rice-coded gaps of the m documents below the last one
	 * not in the list. 1 to 3 are bit streams, padded to 13 bits. */
	Reader.prototype.docs = function (ndocs) {
		var h = this.num(), count = Math.floor(h / 4), kind = h % 4, out = [], i, doc = -1;
		if (count > ndocs) throw corrupt("list count");
		if (kind === 0) {
			for (i = 0; i < count; i++) {
				doc += this.num() + 1;
				out.push(doc);
			}
		} else {
			var r = new Bits(this.s, this.i);
			if (!count) throw corrupt("list count");
			if (kind === 1) {
				for (i = 0; i < ndocs && out.length < count; i++)
					if (r.bit()) out.push(i);
			} else {
				var k = r.bits(4);
				if (kind === 2) {
					for (i = 0; i < count; i++) out.push(doc += r.rice(k) + 1);
				} else {
					var m = r.gamma() - 1, span = count + m;
					if (span > ndocs) throw corrupt("list count");
					var not = new Uint8Array(span + 1);
					for (i = 0; i < m; i++) {
						doc += r.rice(k) + 1;
						if (doc >= span - 1) throw corrupt("document number");
						not[doc] = 1;
					}
					for (i = 0; i < span; i++)
						if (!not[i]) out.push(i);
				}
			}
			if (r.acc & ((1 << r.n) - 1)) throw corrupt("list padding");
			this.i = r.i;
			if (out.length !== count) throw corrupt("list count");
		}
		if (out.length && out[out.length - 1] >= ndocs) throw corrupt("document number");
		return out;
	};

	/* ---- Bit streams (positions, lists): 13 bits in two b91 characters (generator/search.h) ---- */

	/* Reads bits from s[i…], most significant first, 13 to a pair of characters. */
	function Bits(s, i) {
		this.s = s;
		this.i = i || 0;
		this.acc = 0;
		this.n = 0;	/* bits of acc not yet read */
	}

	Bits.prototype.bit = function () {
		if (!this.n) {
			var a = B91V[this.s.charCodeAt(this.i) & 127], b = B91V[this.s.charCodeAt(this.i + 1) & 127];
			if (!(a >= 0 && b >= 0) || this.s.charCodeAt(this.i) > 127 || this.s.charCodeAt(this.i + 1) > 127 ||
			    a + 91 * b > 8191)
				throw corrupt("bad bit stream character at " + this.i);
			this.acc = a + 91 * b;
			this.n = 13;
			this.i += 2;
		}
		return (this.acc >> --this.n) & 1;
	};

	Bits.prototype.bits = function (k) {
		for (var v = 0; k > 0; k--) v = v * 2 + this.bit();
		return v;
	};

	/* Elias gamma: as many 0 bits as the number has bits after its first, then the number (>= 1). */
	Bits.prototype.gamma = function () {
		var zeros = 0;
		while (this.bit() === 0)
			if (++zeros > 31) throw corrupt("gamma code");
		return this.bits(zeros) + Math.pow(2, zeros);
	};

	/* Rice code with parameter k: the quotient in unary (1s ended by a 0), then k low bits. */
	Bits.prototype.rice = function (k) {
		var q = 0;
		while (this.bit() === 1)
			if (++q > 1 << 24) throw corrupt("rice code");
		return q * Math.pow(2, k) + this.bits(k);
	};

	/* Whether only padding (fewer than 13 0 bits) is left. */
	Bits.prototype.done = function () {
		return this.i >= this.s.length && !(this.acc & ((1 << this.n) - 1));
	};

	/* A position list, in three flat arrays (a common gram has tens of thousands of positions): docs[i]
	 * is the i-th document (ascending); its title positions are pos[at[2i] … at[2i+1]) and its text
	 * positions pos[at[2i+1] … at[2i+2]), each ascending (the two zones count from 0 each). The stream:
	 * gamma(count + 1), then per document gamma(gap + 1) (gap: document − previous − 1, previous
	 * starting at −1), gamma(kt + 1), gamma(kb + 1), a 4-bit Rice parameter k, then kt title and kb
	 * text positions as Rice(k) gaps (position − previous − 1, previous starting at −1 in each zone). */
	function readPositions(s) {
		var r = new Bits(s), count = r.gamma() - 1;
		if (count > s.length * 7) throw corrupt("position count");
		var docs = new Int32Array(count), at = new Int32Array(2 * count + 1), pos = [], doc = -1;
		for (var i = 0; i < count; i++) {
			doc += r.gamma();
			docs[i] = doc;
			var kt = r.gamma() - 1, kb = r.gamma() - 1, k = r.bits(4);
			if (kt + kb > s.length * 7) throw corrupt("position count");
			at[2 * i] = pos.length;
			for (var p = -1, j = 0; j < kt; j++) pos.push(p += r.rice(k) + 1);
			at[2 * i + 1] = pos.length;
			for (p = -1, j = 0; j < kb; j++) pos.push(p += r.rice(k) + 1);
		}
		at[2 * count] = pos.length;
		if (!r.done()) throw corrupt("trailing position data");
		return { docs: docs, at: at, pos: Int32Array.from(pos) };
	}

	/* ---- Folding: must give the same code points as text_fold in the generator ---- */

	var WORD = /^[\p{L}\p{M}\p{N}]$/u;

	function isWord(ch) {
		return WORD.test(ch);
	}

	/* Returns a folder for the Traditional → Simplified pairs of the index: fold(s) folds a string;
	 * foldMap(s, a, b) folds s[a, b) (s must already be NFC, a and b not inside a surrogate pair) and
	 * also says where each folded UTF-16 unit came from: the code point at s[from[j], to[j]). */
	function makeFolder(pairs) {
		var ts = new Map(), cps = Array.from(pairs || ""), cache = new Map();
		for (var i = 0; i + 1 < cps.length; i += 2) ts.set(cps[i], cps[i + 1]);

		function foldChar(ch) {
			var f = cache.get(ch);
			if (f === undefined) {
				f = "";
				for (var c of ch.normalize("NFKC").toLowerCase()) f += ts.get(c) || c;
				cache.set(ch, f);
			}
			return f;
		}

		function fold(s) {
			var out = "";
			for (var ch of String(s).normalize("NFC")) out += foldChar(ch);
			return out;
		}

		function foldMap(s, a, b) {
			var parts = [], from = [], to = [];
			if (a === undefined) a = 0;
			if (b === undefined) b = s.length;
			for (var at = a; at < b;) {
				var c = s.charCodeAt(at), n = 1;
				if (c >= 0xd800 && c < 0xdc00 && at + 1 < b) {
					var d = s.charCodeAt(at + 1);
					if (d >= 0xdc00 && d < 0xe000) n = 2;
				}
				var f = foldChar(n === 1 ? s[at] : s.slice(at, at + 2));
				for (var j = 0; j < f.length; j++) {
					from.push(at);
					to.push(at + n);
				}
				parts.push(f);
				at += n;
			}
			return { text: parts.join(""), from: from, to: to };
		}

		return { fold: fold, foldMap: foldMap };
	}

	/* The terms of a query: the distinct maximal runs of word characters of the folded query. */
	function queryTerms(query, fold) {
		var terms = [], run = "";
		for (var ch of fold(query) + " ") {
			if (isWord(ch)) {
				run += ch;
			} else {
				if (run && terms.indexOf(run) < 0) terms.push(run);
				run = "";
			}
		}
		return terms;
	}

	/* ---- Grams and shards ---- */

	/* FNV-1a, 32 bits, over the UTF-8 bytes of s. */
	function fnv1a(s) {
		var h = 2166136261;
		function add(b) {
			h ^= b;
			h = Math.imul(h, 16777619) >>> 0;
		}
		for (var ch of s) {
			var c = ch.codePointAt(0);
			if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
			if (c < 0x80) {
				add(c);
			} else if (c < 0x800) {
				add(0xc0 | (c >> 6));
				add(0x80 | (c & 63));
			} else if (c < 0x10000) {
				add(0xe0 | (c >> 12));
				add(0x80 | ((c >> 6) & 63));
				add(0x80 | (c & 63));
			} else {
				add(0xf0 | (c >> 18));
				add(0x80 | ((c >> 12) & 63));
				add(0x80 | ((c >> 6) & 63));
				add(0x80 | (c & 63));
			}
		}
		return h >>> 0;
	}

	/* The grams a term is looked up by. Up to 4 characters: the term itself, whose document list in
	 * g/ is exact. Longer: every 4-character gram of it ("grams", offsets 0, 1, 2 …), whose lists give
	 * every document that can contain it; "cover", the same grams' positions in p/, which say which of
	 * those do (see chained). */
	function termGrams(term) {
		var cps = Array.from(term), m = cps.length, grams = [], cover = [];
		if (m <= 4) return { short: true, grams: [{ gram: term, offset: 0, kind: "g" }] };
		for (var o = 0; o + 4 <= m; o++) {
			var gram = cps.slice(o, o + 4).join("");
			grams.push({ gram: gram, offset: o, kind: "g" });
			cover.push({ gram: gram, offset: o, kind: "p" });
		}
		return { short: false, grams: grams, cover: cover };
	}

	/* The part of a gram its g/ shard is named by: its first 3 characters (a context list's gram without
	 * its "<" or ">"), so that a 4-character gram is in the shard of the 3-character one it starts with.
	 * A p/ shard is named by the whole gram. */
	function shardBase(gram) {
		var cps = Array.from(gram);
		if (cps.length === 5 && (cps[4] === "<" || cps[4] === ">")) cps.pop();
		return cps.slice(0, 3).join("");
	}

	/* A shard's text (generator/search.h): "KEY VALUE KEY VALUE …", each KEY a digit, the characters it
	 * shares with the key before, then the rest of it. Returns an object without a prototype: gram → value. */
	function parseShard(s, key) {
		var out = Object.create(null), parts = s ? s.split(" ") : [], prev = [];
		if (parts.length % 2) throw corrupt(key);
		for (var i = 0; i < parts.length; i += 2) {
			var k = parts[i], shared = k.charCodeAt(0) - 48;
			if (!(shared >= 0 && shared <= prev.length && shared <= 4) || k.length < 2) throw corrupt(key);
			prev = prev.slice(0, shared).concat(Array.from(k.slice(1)));
			out[prev.join("")] = parts[i + 1];
		}
		return out;
	}

	/* The file a shard or document lives in, relative to search/, without ".js". */
	function fileKey(kind, n) {
		if (kind === "meta") return "index";
		return kind + "/" + (kind === "d" ? String(n) : n.toString(16));
	}

	/* ---- The engine ---- */

	var FIRST_SHARDS = 16;	/* a longer query first checks that these grams exist (see search) */

	function b91Bytes(s) {
		var out = new Uint8Array(Math.floor(s.length * 13 / 16) + 1), n = 0, acc = 0, bits = 0;
		for (var i = 0; i < s.length; i += 2) {
			var a = B91V[s.charCodeAt(i) & 127], last = i + 1 >= s.length;
			var b = last ? 0 : B91V[s.charCodeAt(i + 1) & 127];
			if (a < 0 || b < 0 || s.charCodeAt(i) > 127 || (!last && s.charCodeAt(i + 1) > 127)) throw corrupt("b91");
			if (last) {
				acc = (acc << 6 | a) & 0xfffff;
				bits += 6;
			} else {
				acc = (acc << 13 | (a + 91 * b)) & 0xfffff;
				bits += 13;
			}
			while (bits >= 8) {
				bits -= 8;
				out[n++] = acc >> bits & 0xff;
			}
		}
		return out.subarray(0, n);
	}

	/* Raw deflate of bytes, inflated with the platform's DecompressionStream, with dict (bytes) as the
	 * window before it: DecompressionStream takes no preset dictionary, so the stream inflated is stored
	 * (uncompressed) blocks holding dict, then bytes; the output less dict's length is the text. */
	function inflateStream(bytes, dict) {
		if (typeof DecompressionStream !== "function")
			return Promise.reject(new Error("这个浏览器不支持 DecompressionStream,无法显示摘要"));
		var parts = [];
		for (var at = 0; at < dict.length; at += 65535) {
			var len = Math.min(65535, dict.length - at);
			parts.push(new Uint8Array([0, len & 255, len >> 8, ~len & 255, ~len >> 8 & 255]), dict.subarray(at, at + len));
		}
		parts.push(bytes);
		var stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate-raw"));
		return new Response(stream).arrayBuffer().then(function (out) {
			return new Uint8Array(out, dict.length);
		});
	}

	/* load(key) returns a promise of the object the file search/<key>.js registers, key being "index",
	 * "g/1a", "p/3" or "d/17". options.inflate(bytes, dict) returns a promise of the bytes of raw deflate
	 * `bytes` inflated with the preset dictionary `dict` (bytes, maybe none);
	 * options.verifyByText, at most how many candidates of a long term are checked against their text
	 * (default VERIFY_BY_TEXT; the tests set 0 to check the positions); options.contexts: false leaves
	 * the context lists unused, every candidate to the positions (for the tests). */
	function Engine(load, options) {
		this.load = load;
		this.inflate = (options && options.inflate) || inflateStream;
		this.textLimit = options && options.verifyByText >= 0 ? options.verifyByText : VERIFY_BY_TEXT;
		this.useContexts = !(options && options.contexts === false);
		this.files = new Map();		/* key → promise of the file's object */
		this.grams = new Map();		/* "g:" or "p:" + gram → decoded postings */
		this.docs = new Map();		/* document number → promise of the decoded document */
		this.shards = new Map();	/* key → a loaded shard's grams (parseShard) */
		this.meta = null;
		this.folder = null;
		this.metaPromise = null;
		this.dictPromise = null;
	}

	Engine.prototype.file = function (key) {
		var files = this.files, p = files.get(key);
		if (!p) {
			p = Promise.resolve().then(this.load.bind(null, key));
			files.set(key, p);
			p.catch(function () {
				files.delete(key);	/* a failed load may be retried by the next search */
			});
		}
		return p;
	};

	/* Loads search/index.js once; resolves to its object. */
	Engine.prototype.ready = function () {
		var self = this;
		if (!this.metaPromise) {
			this.metaPromise = this.file("index").then(function (meta) {
				if (!meta || meta.v !== 5 || !(meta.n >= 0) || !(meta.sg > 0) || !(meta.sp > 0) ||
				    typeof meta.dz !== "string")
					throw corrupt("index.js");
				self.meta = meta;
				self.folder = makeFolder(meta.ts);
				return meta;
			});
			this.metaPromise.catch(function () {
				self.metaPromise = null;
			});
		}
		return this.metaPromise;
	};

	/* Resolves to the d/ texts' dictionary (bytes, UTF-16LE), from index.js. */
	Engine.prototype.dict = function () {
		var self = this;
		if (!this.dictPromise) {
			this.dictPromise = this.ready().then(function (meta) {
				return meta.dz ? self.inflate(b91Bytes(meta.dz), new Uint8Array(0)) : new Uint8Array(0);
			});
			this.dictPromise.catch(function () {
				self.dictPromise = null;
			});
		}
		return this.dictPromise;
	};

	/* The text of a "z" field: b91 of raw deflate of UTF-16LE, with the dictionary. */
	Engine.prototype.unzip = function (z) {
		var self = this;
		return this.dict().then(function (dict) {
			return self.inflate(b91Bytes(z), dict);
		}).then(function (bytes) {
			return new TextDecoder("utf-16le").decode(bytes);
		});
	};

	/* The query's terms (after ready()). */
	Engine.prototype.terms = function (query) {
		return queryTerms(query, this.folder.fold);
	};

	/* What a query needs: per term its grams (see termGrams), each with its shard file. */
	Engine.prototype.plan = function (terms) {
		var meta = this.meta;
		function place(g) {
			g.key = g.kind === "g" ? fileKey("g", fnv1a(shardBase(g.gram)) % meta.sg) : fileKey("p", fnv1a(g.gram) % meta.sp);
			return g;
		}
		return terms.map(function (term) {
			var t = termGrams(term);
			t.term = term;
			t.grams.forEach(place);
			if (t.cover) t.cover.forEach(place);
			return t;
		});
	};

	/* The decoded postings of a gram whose shard is loaded, or null when the index has no such gram. */
	Engine.prototype.postings = function (g, shard) {
		var ck = g.kind + ":" + g.gram, hit = this.grams.get(ck);
		if (hit !== undefined) return hit;
		var s = Object.prototype.hasOwnProperty.call(shard, g.gram) ? shard[g.gram] : null, out = null;
		if (typeof s === "string") {
			if (g.kind === "g") {
				var r = new Reader(s);
				out = { docs: r.docs(this.meta.n), title: r.docs(this.meta.n) };
				if (!r.done()) throw corrupt("trailing data for " + g.gram);
			} else {
				out = readPositions(s);
			}
		}
		this.grams.set(ck, out);
		return out;
	};

	/* Documents containing one term, and those whose title does: { docs: [ascending], title: Set }. For a
	 * term of more than 4 characters, the documents that hold all its 4-character grams, which may
	 * contain it (chained decides). */
	Engine.prototype.evalTerm = function (grams, shards) {
		var self = this;
		var lists = grams.map(function (g) {
			return self.postings(g, shards.get(g.key));
		});
		if (lists.some(function (l) { return l === null; })) return { docs: [], title: new Set() };
		var both = lists.slice(1).reduce(function (acc, l) { return intersect(acc, l.docs); }, lists[0].docs);
		return { docs: both, title: new Set(lists[0].title) };
	};

	/* Which candidates of a long term (among term, evalTerm's result) contain it, by the context lists of
	 * its 4-character grams: "<gram<" lists the documents where the 3-character gram it starts with has
	 * more than one character before it (or none), "<gram>" those where the one it ends with has more
	 * than one after it. Two neighbours overlap by 3 characters: when every occurrence of that overlap
	 * has the same character before it, each occurrence of the right gram has the left one just before
	 * it; when every occurrence has the same character after it, each occurrence of the left one has the
	 * right one just after it. So when, for some k, every link left of gram k points leftwards and every
	 * link from k on points rightwards, the term occurs wherever gram k does (in the title when gram k
	 * is). Returns { sets: the decided documents (docs, title), open: the others (docs, title) }. */
	Engine.prototype.byContext = function (grams, term, candidates, shards) {
		var self = this, m = grams.length;
		function list(g, mark) {
			var l = self.postings({ gram: g.gram + mark, kind: "g" }, shards.get(g.key));
			return l ? l.docs : [];
		}
		var titles = grams.map(function (g) { return self.postings(g, shards.get(g.key)).title; });
		var left = grams.map(function (g) { return list(g, "<"); });
		var right = grams.map(function (g) { return list(g, ">"); });
		var decided = { docs: [], title: new Set() }, open = { docs: [], title: term.title };
		intersect(term.docs, candidates).forEach(function (doc) {
			/* link i joins gram i and i + 1: leftward unless doc is in left[i + 1], rightward unless in right[i] */
			var lead = 0;
			while (lead < m - 1 && find(left[lead + 1], doc) < 0) lead++;
			var from = m - 1;
			while (from > 0 && find(right[from - 1], doc) < 0) from--;
			if (from > lead || !self.useContexts) {
				open.docs.push(doc);
				return;
			}
			decided.docs.push(doc);
			if (find(titles[from], doc) >= 0) decided.title.add(doc);
		});
		return { sets: decided, open: open };
	};

	/* Which of a long term's candidates (evalTerm's result) contain it, by the positions of its
	 * 4-character grams. The index holds a gram's positions in a document only where the 3-character
	 * gram it starts or ends with occurs more than once there. Two grams of the term next to each
	 * other overlap by 3 characters; when that overlap occurs once in the document, the two grams
	 * occur once each, side by side. So in a document where no gram of the term has positions, the
	 * term occurs exactly once, where its first gram does (in the title when that gram's title list
	 * says so); otherwise the term occurs at p when each gram that has positions there occurs at
	 * p + its offset, in the same zone (title or text). */
	Engine.prototype.chainTerm = function (cover, candidates, shards) {
		var self = this;
		var lists = cover.map(function (g) {
			return self.postings(g, shards.get(g.key));
		});
		var docs = [], title = new Set();
		candidates.docs.forEach(function (doc) {
			var placed = [];
			lists.forEach(function (l, k) {
				var i = l ? find(l.docs, doc) : -1;
				if (i >= 0) placed.push({ list: l, i: i, offset: cover[k].offset });
			});
			if (!placed.length) {
				docs.push(doc);
				if (candidates.title.has(doc)) title.add(doc);
			} else if (chained(placed, 0)) {
				docs.push(doc);
				title.add(doc);
			} else if (chained(placed, 1)) {
				docs.push(doc);
			}
		});
		return { docs: docs, title: title };
	};

	/* Whether, in one zone (0 title, 1 text) of a document, there is a start p such that each placed
	 * gram { list, i: the document's index in list.docs, offset } occurs at p + offset. */
	function chained(placed, zone) {
		var first = placed[0], fl = first.list, fj = 2 * first.i + zone;
		for (var a = fl.at[fj], end = fl.at[fj + 1]; a < end; a++) {
			var start = fl.pos[a] - first.offset, ok = true;
			for (var k = 1; ok && k < placed.length; k++) {
				var o = placed[k].list, j = 2 * placed[k].i + zone;
				ok = has(o.pos, o.at[j], o.at[j + 1], start + placed[k].offset);
			}
			if (ok) return true;
		}
		return false;
	}

	/* The index of x in the ascending sorted, or -1. */
	function find(sorted, x) {
		var lo = 0, hi = sorted.length;
		while (lo < hi) {
			var mid = (lo + hi) >> 1;
			if (sorted[mid] < x) lo = mid + 1;
			else hi = mid;
		}
		return lo < sorted.length && sorted[lo] === x ? lo : -1;
	}

	/* Whether sorted[lo … hi) holds x. */
	function has(sorted, lo, hi, x) {
		var end = hi;
		while (lo < hi) {
			var mid = (lo + hi) >> 1;
			if (sorted[mid] < x) lo = mid + 1;
			else hi = mid;
		}
		return lo < end && sorted[lo] === x;
	}

	Engine.prototype.loadShards = function (keys, shards) {
		var self = this;
		return Promise.all(keys.map(function (key) {
			return self.file(key).then(function (text) {
				var shard = self.shards.get(key);
				if (!shard) {
					shard = parseShard(String(text), key);
					self.shards.set(key, shard);
				}
				shards.set(key, shard);
			});
		}));
	};

	/* Sorted ascending arrays → their intersection. */
	function intersect(a, b) {
		var out = [], i = 0, j = 0;
		while (i < a.length && j < b.length) {
			if (a[i] < b[j]) i++;
			else if (a[i] > b[j]) j++;
			else { out.push(a[i]); i++; j++; }
		}
		return out;
	}

	/* A long term's candidates are checked against the documents' own text when there are at most
	 * this many (their files are wanted for the first page of results anyway), else by positions. */
	var VERIFY_BY_TEXT = 10;

	/* Runs a query. Resolves to { terms, total, docs: document numbers best first, titleTerms: Map from
	 * document to how many terms its title holds, keys: the shard files used }, or to null when stale()
	 * (optional) says, once the shards are loaded, that the result is no longer wanted.
	 * Round trips: the g/ shards of every term; for a term of 5 or more characters, then either the
	 * d/ files of its few candidates or the p/ shards of its 4-character grams. */
	Engine.prototype.search = function (query, stale) {
		var self = this;
		return this.ready().then(function () {
			var terms = self.terms(query);
			var result = { terms: terms, total: 0, docs: [], titleTerms: new Map(), keys: [] };
			if (!terms.length) return result;
			var plan = self.plan(terms), shards = new Map();
			var keys = unique(plan, function (t) { return t.grams; });
			result.keys = keys;
			/* A query of hundreds of characters would need most of the index; first check, with a
			 * bounded download, that the grams it starts with exist at all. */
			var first = keys.length > FIRST_SHARDS ? keys.slice(0, FIRST_SHARDS) : keys;
			return self.loadShards(first, shards).then(function () {
				var missing = plan.some(function (t) {
					return t.grams.some(function (g) {
						return shards.has(g.key) && self.postings(g, shards.get(g.key)) === null;
					});
				});
				if (missing) return result;
				return self.loadShards(keys.slice(first.length), shards).then(function () {
					if (stale && stale()) return null;
					var sets = plan.map(function (t) { return self.evalTerm(t.grams, shards); });
					var candidates = sets.reduce(function (acc, s) { return intersect(acc, s.docs); }, sets[0].docs);
					var long = plan.filter(function (t) { return !t.short; });
					if (!long.length || !candidates.length) return self.rank(sets, result);
					if (candidates.length <= self.textLimit) return self.verifyByText(plan, sets, candidates, result);
					/* decide what the context lists can; the rest by positions */
					var open = [];
					plan.forEach(function (t, i) {
						if (t.short) return;
						var c = self.byContext(t.grams, sets[i], candidates, shards);
						sets[i] = c.sets;
						if (c.open.docs.length) open.push({ t: t, i: i, open: c.open });
					});
					if (!open.length) return self.rank(sets, result);
					var more = unique(open.map(function (o) { return o.t; }), function (t) { return t.cover; });
					result.keys = keys.concat(more);
					return self.loadShards(more, shards).then(function () {
						if (stale && stale()) return null;
						open.forEach(function (o) {
							var found = self.chainTerm(o.t.cover, o.open, shards);
							sets[o.i] = { docs: union(sets[o.i].docs, found.docs),
								title: new Set(Array.from(sets[o.i].title).concat(Array.from(found.title))) };
						});
						return self.rank(sets, result);
					});
				});
			});
		});
	};

	/* Sorted ascending arrays → their union. */
	function union(a, b) {
		var out = [], i = 0, j = 0;
		while (i < a.length || j < b.length) {
			if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
			else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
			else { out.push(a[i]); i++; j++; }
		}
		return out;
	}

	/* The shard files of what pick(term) returns, each once. */
	function unique(plan, pick) {
		var keys = [];
		plan.forEach(function (t) {
			pick(t).forEach(function (g) {
				if (keys.indexOf(g.key) < 0) keys.push(g.key);
			});
		});
		return keys;
	}

	/* Decides the long terms on the candidates' own folded title and text (a term holds no separator,
	 * so it cannot match across fields or lines). */
	Engine.prototype.verifyByText = function (plan, sets, candidates, result) {
		var self = this;
		return Promise.all(candidates.map(function (n) { return self.doc(n); })).then(function (docs) {
			candidates.forEach(function (n) { result.keys.push(fileKey("d", n)); });
			var folded = docs.map(function (d) {
				return { title: self.folder.fold(d.t), text: self.folder.fold(d.text) };
			});
			plan.forEach(function (t, i) {
				if (t.short) return;
				var docs = [], title = new Set();
				candidates.forEach(function (n, k) {
					var inTitle = folded[k].title.indexOf(t.term) >= 0;
					if (inTitle || folded[k].text.indexOf(t.term) >= 0) docs.push(n);
					if (inTitle) title.add(n);
				});
				sets[i] = { docs: docs, title: title };
			});
			return self.rank(sets, result);
		});
	};

	/* sets: per term { docs: ascending, title: Set } → the result, best first. */
	Engine.prototype.rank = function (sets, result) {
		var n = this.meta.n;
		var hits = new Uint16Array(n), inTitle = new Uint16Array(n);
		sets.forEach(function (t) {
			t.docs.forEach(function (d) { hits[d]++; });
			t.title.forEach(function (d) { inTitle[d]++; });
		});
		for (var d = n - 1; d >= 0; d--) {
			if (hits[d] === sets.length) {
				result.docs.push(d);
				result.titleTerms.set(d, inTitle[d]);
			}
		}
		/* Newest first (documents are numbered oldest first), reports with more terms in the title
		 * ahead; Array.prototype.sort is stable. */
		result.docs.sort(function (a, b) { return inTitle[b] - inTitle[a]; });
		result.total = result.docs.length;
		return result;
	};

	/* Resolves to document n: { n, u, t (title), date, place, s (subtitle, "" when none), inf (the date was
	 * inferred), other (not a news report), text, b (where in text the subtitle, body and captions end),
	 * mk (a letter for each line of metadata after them: see generator/search.h) }. */
	Engine.prototype.doc = function (n) {
		var self = this, docs = this.docs, p = docs.get(n);
		if (!p) {
			p = this.file(fileKey("d", n)).then(function (d) {
				if (!d || typeof d.u !== "string") throw corrupt("d/" + n);
				var text = typeof d.x === "string" ? Promise.resolve(d.x) : self.unzip(String(d.z || ""));
				return text.then(function (x) {
					x = String(x);
					var b = typeof d.b === "number" && d.b >= 0 && d.b <= x.length ? d.b : x.length;
					return { n: n, u: d.u, t: String(d.t || ""), date: String(d.date || ""),
						place: String(d.place || ""), s: String(d.s || ""), inf: !!d.inf, other: !!d.other,
						text: x, b: b, mk: String(d.mk || "") };
				});
			});
			docs.set(n, p);
			p.catch(function () {
				docs.delete(n);
			});
		}
		return p;
	};

	/* ---- Snippets ---- */

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

	var api = {
		LABELS: LABELS,
		DIGITS: DIGITS,
		Reader: Reader,
		readPositions: readPositions,
		makeFolder: makeFolder,
		isWord: isWord,
		queryTerms: queryTerms,
		fnv1a: fnv1a,
		termGrams: termGrams,
		fileKey: fileKey,
		shardBase: shardBase,
		parseShard: parseShard,
		b91Bytes: b91Bytes,
		Engine: Engine
	};

	if (typeof module === "object" && module.exports) module.exports = api;
	else global.sitegenSearchEngine = api;
})(typeof window !== "undefined" ? window : this);
