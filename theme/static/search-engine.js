/* search-engine.js: the engine of the archive's full-text search, run in the reader's browser with no server
 * code, and by tests/search_check.js under Node.
 *
 * The generator (generator/search.c) writes the index as small .js files under search/; the comment at the
 * top of generator/search.h describes them and is the contract this file follows. This file knows nothing
 * of a page or of how the files are loaded: folding (the same as the generator's), grams and shards, and
 * evaluating a query against them; the index's codes are search-codec.js's (loaded before it), the snippets
 * shown with each result search-snippets.js's (loaded after it, adding to the engine). In the browser it
 * defines the global `sitegenSearchEngine`, which assets/search.js (the search page, loaded last) uses;
 * under Node it is a module, with the snippets added. No framework, no build step, no request to another
 * host. */
(function (global, codec) {
	"use strict";

	if (!codec) return;	/* search-codec.js did not load: no engine, and the page says so */

	var DIGITS = codec.DIGITS, corrupt = codec.corrupt, Reader = codec.Reader, readPositions = codec.readPositions,
		b91Bytes = codec.b91Bytes, inflateStream = codec.inflateStream;

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
		this.folded = new Map();	/* document number → promise of its folded { title, text } */
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

	/* The numbers of shards are powers of two (generator/search.c): any other is a damaged index.js. */
	function powerOfTwo(x) {
		return Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
	}

	/* Loads search/index.js once; resolves to its object. */
	Engine.prototype.ready = function () {
		var self = this;
		if (!this.metaPromise) {
			this.metaPromise = this.file("index").then(function (meta) {
				if (!meta || meta.v !== 6 || !(Number.isInteger(meta.n) && meta.n >= 0) ||
				    !(Number.isInteger(meta.b) && meta.b >= 0 && meta.b <= meta.n) ||
				    !(powerOfTwo(meta.sg) && powerOfTwo(meta.sp)) || typeof meta.th !== "string" ||
				    !(meta.b < meta.n ? powerOfTwo(meta.tg) && powerOfTwo(meta.tp) : meta.tg === 0 && meta.tp === 0) ||
				    !(meta.sg > 0) || !(meta.sp > 0) || typeof meta.dz !== "string")
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

	/* What a query needs: per term its grams (see termGrams), each with its shard files: key in g/ or p/
	 * (the documents below meta.b; none when there are none), tkey in the tail's tg/ or tp/ (those from
	 * meta.b on; none when there are none). */
	Engine.prototype.plan = function (terms) {
		var meta = this.meta;
		function place(g) {
			var gh = fnv1a(shardBase(g.gram)), ph = fnv1a(g.gram);
			if (meta.b > 0) g.key = g.kind === "g" ? fileKey("g", gh % meta.sg) : fileKey("p", ph % meta.sp);
			if (meta.b < meta.n) g.tkey = g.kind === "g" ? fileKey("tg", gh % meta.tg) : fileKey("tp", ph % meta.tp);
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

	/* The decoded postings of a gram whose shards are loaded (shards: key → parsed shard), or null when
	 * the index has no such gram: the lists of g/ or p/ and the tail's after them, its documents
	 * numbered from meta.b. */
	Engine.prototype.postings = function (g, shards) {
		var ck = g.kind + ":" + g.gram, hit = this.grams.get(ck);
		if (hit !== undefined) return hit;
		var meta = this.meta;
		var head = g.key ? this.decode(g, shards.get(g.key), meta.b, 0) : null;
		var tail = g.tkey ? this.decode(g, this.tailShard(shards.get(g.tkey), g.tkey), meta.n - meta.b, meta.b) : null;
		var out = !head ? tail : !tail ? head : g.kind === "g" ?
			{ docs: head.docs.concat(tail.docs), title: head.title.concat(tail.title) } : joinPositions(head, tail);
		this.grams.set(ck, out);
		return out;
	};

	/* A tail shard (parsed), if it is of the same build as index.js: every build rewrites the tail's
	 * shards under the same names, and one of an earlier build (a cache's, beside a newer index.js) would
	 * miss the newest reports without a word. Its first key, "!", holds the tail's stamp ("th"). */
	Engine.prototype.tailShard = function (shard, key) {
		if (shard["!"] !== this.meta.th) throw corrupt(key + " is not of this index.js's build");
		return shard;
	};

	/* g's postings in one shard (parsed), its documents below ndocs, each plus base; or null. */
	Engine.prototype.decode = function (g, shard, ndocs, base) {
		var s = Object.prototype.hasOwnProperty.call(shard, g.gram) ? shard[g.gram] : null;
		if (typeof s !== "string") return null;
		function shift(d) { return d + base; }
		function shifted(docs) { return base ? docs.map(shift) : docs; }
		if (g.kind === "g") {
			var r = new Reader(s), out = { docs: shifted(r.docs(ndocs)), title: shifted(r.docs(ndocs)) };
			if (!r.done()) throw corrupt("trailing data for " + g.gram);
			return out;
		}
		var l = readPositions(s);
		if (l.docs.length && l.docs[l.docs.length - 1] >= ndocs) throw corrupt("positions of " + g.gram);
		return { docs: shifted(l.docs), at: l.at, pos: l.pos };
	};

	/* Two position lists { docs, at, pos } (codec.readPositions), the second's documents all after the
	 * first's, as one. */
	function joinPositions(a, b) {
		var n = a.docs.length, docs = new Int32Array(n + b.docs.length), at = new Int32Array(2 * docs.length + 1);
		docs.set(a.docs);
		docs.set(b.docs, n);
		at.set(a.at.subarray(0, 2 * n));
		for (var i = 0; i < b.at.length; i++) at[2 * n + i] = b.at[i] + a.pos.length;
		var pos = new Int32Array(a.pos.length + b.pos.length);
		pos.set(a.pos);
		pos.set(b.pos, a.pos.length);
		return { docs: docs, at: at, pos: pos };
	}

	/* Documents containing one term, and those whose title does: { docs: [ascending], title: Set }. For a
	 * term of more than 4 characters, the documents that hold all its 4-character grams, which may
	 * contain it (chained decides). */
	Engine.prototype.evalTerm = function (grams, shards) {
		var self = this;
		var lists = grams.map(function (g) {
			return self.postings(g, shards);
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
			var l = self.postings({ gram: g.gram + mark, kind: "g", key: g.key, tkey: g.tkey }, shards);
			return l ? l.docs : [];
		}
		var titles = grams.map(function (g) { return self.postings(g, shards).title; });
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
			return self.postings(g, shards);
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
	 * document to how many terms its title holds, keys: the files used }, or to null when stale()
	 * (optional) says, once the shards are loaded, that the result is no longer wanted.
	 * Round trips: the g/ and tg/ shards of every term; for a term of 5 or more characters, then either
	 * the d/ files of its few candidates or the p/ and tp/ shards of its 4-character grams. */
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
						return (!g.key || shards.has(g.key)) && (!g.tkey || shards.has(g.tkey)) &&
							self.postings(g, shards) === null;
					});
				});
				if (missing) return result;
				return self.loadShards(keys.slice(first.length), shards).then(function () {
					if (stale && stale()) return null;
					var sets = plan.map(function (t) { return self.evalTerm(t.grams, shards); });
					var candidates = sets.reduce(function (acc, s) { return intersect(acc, s.docs); }, sets[0].docs);
					var long = plan.filter(function (t) { return !t.short; });
					if (!long.length || !candidates.length) return self.rank(sets, result);
					if (candidates.length <= self.textLimit) {
						return self.verifyByText(plan, sets, candidates, result).then(function (sets) {
							return self.rank(sets, result);
						});
					}
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
				[g.key, g.tkey].forEach(function (key) {
					if (key && keys.indexOf(key) < 0) keys.push(key);
				});
			});
		});
		return keys;
	}

	/* Which of the documents nums (ascending; folded[k] is nums[k]'s folded { title, text }) contain the
	 * folded term: { docs, title: Set of those whose title does }. A term holds no separator, so it
	 * cannot match across fields or lines. */
	function byText(term, nums, folded) {
		var docs = [], title = new Set();
		nums.forEach(function (n, k) {
			var inTitle = folded[k].title.indexOf(term) >= 0;
			if (inTitle || folded[k].text.indexOf(term) >= 0) docs.push(n);
			if (inTitle) title.add(n);
		});
		return { docs: docs, title: title };
	}

	/* Resolves to document n's folded { title, text }, folded once. */
	Engine.prototype.foldedDoc = function (n) {
		var self = this, folded = this.folded, p = folded.get(n);
		if (!p) {
			p = this.doc(n).then(function (d) {
				return { title: self.folder.fold(d.t), text: self.folder.fold(d.text) };
			});
			folded.set(n, p);
			p.catch(function () {
				folded.delete(n);
			});
		}
		return p;
	};

	/* Decides the long terms on the candidates' own folded title and text: resolves to the sets. */
	Engine.prototype.verifyByText = function (plan, sets, candidates, result) {
		return Promise.all(candidates.map(this.foldedDoc, this)).then(function (folded) {
			candidates.forEach(function (n) { result.keys.push(fileKey("d", n)); });
			plan.forEach(function (t, i) {
				if (!t.short) sets[i] = byText(t.term, candidates, folded);
			});
			return sets;
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

	var api = {
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

	if (typeof module === "object" && module.exports) {
		module.exports = api;
		require("./search-snippets.js")(api);
	} else {
		global.sitegenSearchEngine = api;
	}
})(typeof window !== "undefined" ? window : this,
   typeof module === "object" && module.exports ? require("./search-codec.js") : window.sitegenSearchCodec);
