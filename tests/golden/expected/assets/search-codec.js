/* search-codec.js: the codes of the archive's search index (generator/search.h is the contract), read in the
 * reader's browser and by tests/search_check.js under Node: the n45 numbers, b91 bytes, the bit streams of
 * the document and position lists, and the raw deflate of the report texts. Nothing here knows of grams,
 * queries or pages: search-engine.js (loaded after it) does. In the browser it defines the global
 * `sitegenSearchCodec`; under Node it is a module. */
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

	/* ---- Bytes ---- */

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

	var api = {
		DIGITS: DIGITS,
		corrupt: corrupt,
		Reader: Reader,
		Bits: Bits,
		readPositions: readPositions,
		b91Bytes: b91Bytes,
		inflateStream: inflateStream
	};

	if (typeof module === "object" && module.exports) module.exports = api;
	else global.sitegenSearchCodec = api;
})(typeof window !== "undefined" ? window : this);
