/* search.js: the search page, search/index.html, in the reader's browser.
 *
 * The engine (folding, evaluating a query) is assets/search-engine.js, with the index's codes in
 * assets/search-codec.js and the snippets in assets/search-snippets.js, all three loaded before this file;
 * they define the global `sitegenSearchEngine`. This file loads the index files and
 * drives the page: the field, the status line, the list of results, 更多结果, the address.
 *
 * Each index file (see generator/search.h) calls one function of the global `sitegenSearch` (meta, g, p, tg,
 * tp or d), so it loads with a <script> tag: that works on any static server and from a copied folder (file://),
 * where fetch is not allowed. Results are built as DOM text nodes, never by pasting strings into HTML. */
(function (global) {
	"use strict";

	var api = global.sitegenSearchEngine;
	/* without the engine whole (a script missing, or one older than the others: see search.mustache) the
	 * form stays hidden, and the page says why */
	if (!api || !api.LABELS || !global.document || typeof URLSearchParams !== "function") return;

	/* ---- Loading the index by <script> tag ---- */

	/* Returns load(key) for the engine. Every index file calls one function of the global sitegenSearch,
	 * which settles the promise waiting for that file. load.fresh() makes every later load bypass the
	 * browser's cache (a query string of the time): for when the files loaded so far do not fit together. */
	function scriptLoader(base) {
		var waiting = new Map(), bust = "";
		function settle(key, obj) {
			var w = waiting.get(key);
			if (w) {
				waiting.delete(key);
				w.resolve(obj);
			}
		}
		global.sitegenSearch = {
			meta: function (obj) { settle("index", obj); },
			g: function (k, obj) { settle(api.fileKey("g", k), obj); },
			p: function (k, obj) { settle(api.fileKey("p", k), obj); },
			tg: function (k, obj) { settle(api.fileKey("tg", k), obj); },
			tp: function (k, obj) { settle(api.fileKey("tp", k), obj); },
			d: function (n, obj) { settle(api.fileKey("d", n), obj); }
		};
		function load(key) {
			return new Promise(function (resolve, reject) {
				var src = base + key + ".js" + bust, el = document.createElement("script");
				waiting.set(key, { resolve: resolve, reject: reject });
				function fail(why) {
					el.remove();
					if (waiting.get(key)) {
						waiting.delete(key);
						var err = new Error(why + "：" + src);
						err.file = src;
						reject(err);
					}
				}
				el.onload = function () { fail("索引文件没有登记内容"); };
				el.onerror = function () { fail("无法加载索引文件"); };
				el.src = src;
				el.async = true;
				document.head.appendChild(el);
			});
		}
		load.fresh = function () {
			bust = "?v=" + Date.now();
		};
		return load;
	}

	/* ---- The search page ---- */

	var PAGE = 10;			/* results shown at a time */
	var ECHO = 30;			/* characters of the query repeated in a message or the tab's title */
	var SLOW = 300;			/* ms before the status says that a search is under way */

	function el(tag, className, text) {
		var e = document.createElement(tag);
		if (className) e.className = className;
		if (text !== undefined) e.textContent = text;
		return e;
	}

	/* Appends highlight parts (see the engine): marks as <mark>, a label in a span of its own. */
	function appendParts(parent, parts) {
		parts.forEach(function (p) {
			if (p.mark) parent.appendChild(el("mark", "", p.text));
			else if (p.label) parent.appendChild(el("span", "search-label", p.text));
			else parent.appendChild(document.createTextNode(p.text));
		});
	}

	/* The query as a message repeats it: trimmed, at most ECHO characters, then "…". */
	function echo(q) {
		var cps = Array.from(q.trim());
		return cps.length > ECHO ? cps.slice(0, ECHO).join("") + "…" : cps.join("");
	}

	/* "2022年10月31日 星期一" → "2022-10-31", "2022年10月" → "2022-10", for <time datetime>. */
	function isoDate(text) {
		var m = /^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?/.exec(text);
		if (!m) return "";
		var two = function (x) { return x.length < 2 ? "0" + x : x; };
		return m[1] + "-" + two(m[2]) + (m[3] ? "-" + two(m[3]) : "");
	}

	function SearchPage(box) {
		this.root = box.getAttribute("data-root") || "";
		this.form = document.getElementById("search-form");
		this.input = document.getElementById("search-q");
		this.status = document.getElementById("search-status");
		this.list = document.getElementById("search-results");
		this.more = document.getElementById("search-more");
		this.load = scriptLoader(this.root + "search/");
		this.engine = new api.Engine(this.load);
		this.baseTitle = document.title;
		this.seq = 0;			/* the latest run; older runs drop their results */
		this.slow = 0;			/* the timer that says "正在搜索…" */
		this.entry = "";		/* the query of the current history entry (what Back returns to) */
		this.result = null;
		this.shown = 0;
		this.query = "";		/* what the results are of */
		this.afresh = false;		/* the index files are loaded past the browser's cache */
	}

	SearchPage.prototype.start = function () {
		var self = this;
		this.form.hidden = false;	/* rendered hidden: without JavaScript the form is no use */
		this.input.addEventListener("input", function (e) {
			if (!e.isComposing) self.run(self.input.value, e.timeStamp, "type");
		});
		this.input.addEventListener("compositionend", function (e) {
			self.run(self.input.value, e.timeStamp, "type");
		});
		this.form.addEventListener("submit", function (e) {
			e.preventDefault();
			self.run(self.input.value, e.timeStamp, "submit");
		});
		this.more.addEventListener("click", function () {
			self.showMore();
		});
		global.addEventListener("popstate", function () {
			self.fromAddress();
		});
		/* where the reader is in the results, kept in the history entry (remember): a reload, or Back
		 * to a page the browser did not keep whole, shows the results first and then goes there, where
		 * the browser's own restoring would come before them and find a short page */
		try {
			history.scrollRestoration = "manual";
		} catch (e) {
			/* an older browser: it restores what it can */
		}
		var scrolled = 0;
		global.addEventListener("scroll", function () {
			clearTimeout(scrolled);
			scrolled = setTimeout(function () {
				if (self.result) self.remember();
			}, 200);
		}, { passive: true });
		this.fromAddress();
		var end = this.input.value.length;
		this.input.focus();	/* the page is for searching: type at once, or edit the query */
		try {
			this.input.setSelectionRange(end, end);
		} catch (e) {
			/* a field that has no caret to place */
		}
	};

	/* Searches for the address's ?q= (on load, and when Back or Forward returns to an entry). */
	SearchPage.prototype.fromAddress = function () {
		var q = new URLSearchParams(location.search).get("q") || "";
		this.input.value = q;
		this.entry = q;
		this.run(q, performance.now(), "address");
	};

	/* Keeps the address in step with the query: typing replaces the history entry's address, a submitted
	 * search adds an entry, so that Back returns to the search before it. */
	SearchPage.prototype.sync = function (q, how) {
		try {
			var u = new URL(location.href);
			if (how === "submit" && q !== this.entry) {
				/* the entry goes back to the query it was made for; the new query gets its own */
				history.replaceState(history.state, "", this.address(u, this.entry));
				history.pushState(null, "", this.address(u, q));
				this.entry = q;
			} else if (this.address(u, q) !== location.href) {
				history.replaceState(history.state, "", this.address(u, q));
			}
		} catch (e) {
			/* some browsers refuse to change a file:// address; the search still works */
		}
	};

	SearchPage.prototype.address = function (u, q) {
		if (q && q.trim()) u.searchParams.set("q", q);
		else u.searchParams.delete("q");
		return u.href;
	};

	/* Writes the status line (a live region: a screen reader announces each change, so the same text is
	 * not written again), and cancels "正在搜索…". */
	SearchPage.prototype.setStatus = function (text) {
		clearTimeout(this.slow);
		if (this.status.textContent !== text) this.status.textContent = text;
	};

	/* "找到 908 篇报道，显示前 10 篇": how many match, and how many of them the list shows. */
	SearchPage.prototype.countText = function (total, shown) {
		var text = "找到 " + total + " 篇报道";
		if (total > PAGE) text += shown < total ? "，显示前 " + shown + " 篇" : "，已全部显示";
		return text;
	};

	SearchPage.prototype.begin = function () {
		this.list.removeAttribute("data-total");
		this.list.removeAttribute("data-error");
		this.list.setAttribute("aria-busy", "true");
	};

	/* Tells the page (and tests, and the bench) that the results of the query are on the page: with
	 * done false when the first of them is, with done true, and data-total set, when all are. */
	SearchPage.prototype.signal = function (total, t0, done) {
		if (done) {
			this.list.setAttribute("aria-busy", "false");
			this.list.setAttribute("data-total", String(total));
		}
		var detail = { query: this.input.value, total: total, ms: performance.now() - t0, done: done };
		this.list.dispatchEvent(new CustomEvent("sitegen-search", { detail: detail }));
	};

	SearchPage.prototype.clear = function (message) {
		this.result = null;
		this.shown = 0;
		this.list.replaceChildren();
		this.more.hidden = true;
		this.setStatus(message);
	};

	/* Runs a query (how: "type", "submit" or "address", for the history); a newer call makes the older
	 * one's results be dropped when they arrive. A query that fails is run once more with every index file
	 * loaded again, past the browser's cache: the archive may have been rebuilt since the files the page
	 * holds were loaded (a page left open, or a cached index.js beside newer shards on a server that sends
	 * no Cache-Control), and a newer index.js read with older shards, or the reverse, does not add up (a
	 * list names a report past the end; a report's text lacks a term its lists say it holds: holds). */
	SearchPage.prototype.run = function (q, t0, how, again) {
		var self = this, seq = ++this.seq;
		this.query = q;
		if (how !== "address") this.sync(q, how);
		document.title = q.trim() ? echo(q) + " · " + this.baseTitle : this.baseTitle;
		this.begin();
		clearTimeout(this.slow);
		this.slow = setTimeout(function () {
			if (seq === self.seq) self.status.textContent = "正在搜索…";
		}, SLOW);
		this.engine.ready().then(function () {
			if (seq !== self.seq) return;
			var message = "", terms = self.engine.terms(q);
			if (!q.trim()) message = "输入字词，查找包含它们的报道。";
			else if (!terms.length) message = "请输入要查找的汉字、字母或数字：只有标点和空格无法搜索。";
			if (message) {
				self.clear(message);
				return self.signal(0, t0, true);
			}
			return self.engine.search(q, function () {
				return seq !== self.seq;
			}).then(function (result) {
				if (seq !== self.seq || !result) return;
				if (!result.total) {
					self.clear(self.nothingFound(q, result.terms));
					return self.signal(0, t0, true);
				}
				var want = how === "address" ? self.wanted(q) : 0, y = how === "address" ? self.scrolledTo(q) : 0;
				return self.showPage(result, seq, t0).then(function () {
					return self.restore(result, seq, want, t0);
				}).then(function () {
					if (y && seq === self.seq) global.scrollTo(0, y);
				});
			});
		}).catch(function (err) {
			if (seq !== self.seq) return;
			if (again) return self.fail(err);
			self.again(q, t0);
		});
	};

	/* How many results of q the history entry showed (after 更多结果), for a reload, or Back to it from a
	 * report, to show as many again; 0 when it showed the first page only, or another query's. */
	SearchPage.prototype.wanted = function (q) {
		var s = history.state;
		return s && s.q === q && typeof s.shown === "number" ? s.shown : 0;
	};

	/* Where the history entry of q was scrolled to, or 0. */
	SearchPage.prototype.scrolledTo = function (q) {
		var s = history.state;
		return s && s.q === q && typeof s.y === "number" ? s.y : 0;
	};

	/* Keeps how many results the page shows, and where it is scrolled to, in the history entry (its
	 * state, not its address: a link to the search is to its first page). */
	SearchPage.prototype.remember = function () {
		try {
			history.replaceState({ q: this.query, shown: this.shown, y: Math.round(global.scrollY) }, "", location.href);
		} catch (e) {
			/* some browsers refuse to change a file:// entry; only the reload forgets */
		}
	};

	/* Shows result's next pages until `want` results (or all) are on the page. */
	SearchPage.prototype.restore = function (result, seq, want, t0) {
		var self = this;
		if (seq !== this.seq || result !== this.result || this.shown >= Math.min(want, result.total)) return null;
		return this.showPage(result, seq, t0).then(function () {
			return self.restore(result, seq, want, t0);
		});
	};

	/* Runs q once more with every index file loaded past the browser's cache, and a new engine. */
	SearchPage.prototype.again = function (q, t0) {
		this.load.fresh();
		this.afresh = true;
		this.engine = new api.Engine(this.load);
		this.run(q, t0, "address", true);
	};

	SearchPage.prototype.nothingFound = function (q, terms) {
		var text = "没有找到包含“" + echo(q) + "”的报道。";
		if (terms.some(function (t) { return /[a-z]/.test(t); }))
			text += "拼音只能查到地名、记者和专题；要查报道里的字词，请输入汉字。";
		return text;
	};

	/* Shows result's next page, each result as soon as it and those before it are loaded: the first
	 * one replaces the previous query's results (or the status, after 更多结果). Resolves to the first
	 * new link. */
	SearchPage.prototype.showPage = function (result, seq, t0) {
		var self = this, fresh = result !== this.result, from = fresh ? 0 : this.shown;
		var first = null, chain = Promise.resolve(), engine = this.engine;
		var count = this.countText(result.total, Math.min(result.total, from + PAGE));
		result.docs.slice(from, from + PAGE).forEach(function (n, i) {
			var doc = engine.doc(n);
			chain = chain.then(function () {
				return doc;
			}).then(function (d) {
				if (seq !== self.seq) return;
				/* once loaded afresh the files fit together: a term the browser folds otherwise than
				 * the generator did must not make the page fail */
				if (!self.afresh && !engine.holds(d, result.terms)) {
					var err = new Error("索引与报道文本不一致");
					err.stale = true;
					throw err;
				}
				if (fresh && i === 0) {
					self.clear(count);
					self.result = result;
				} else if (i === 0) {
					self.setStatus(count);
				}
				var a = self.render(d);
				if (i === 0) {
					first = a;
					self.signal(result.total, t0, false);
				}
			});
		});
		return chain.then(function () {
			if (seq !== self.seq) return null;
			self.setStatus(self.countText(result.total, self.shown));
			self.more.hidden = self.shown >= result.total;
			self.signal(result.total, t0, true);
			return first;
		});
	};

	/* Appends one result as the theme's lists show a report (theme/templates/item.mustache): its title
	 * and subtitle with the matches marked, date, place and kind, and a snippet. */
	SearchPage.prototype.render = function (d) {
		var terms = this.result.terms, engine = this.engine;
		var li = el("li", "item search-result" + (d.other ? " item-other" : ""));
		var title = el("p", "item-title"), a = el("a");
		a.href = this.root + d.u;
		appendParts(a, engine.highlight(d.t.normalize("NFC"), terms));
		title.appendChild(a);
		li.appendChild(title);
		if (d.s) {
			var sub = el("p", "item-subtitle");
			appendParts(sub, engine.highlight(d.s.normalize("NFC"), terms));
			li.appendChild(sub);
		}
		var meta = el("p", "item-meta"), fields = [];
		if (d.date) {
			var date = el("span", "item-date"), time = el("time", "", d.date), iso = isoDate(d.date);
			if (iso) time.setAttribute("datetime", iso);
			date.appendChild(time);
			if (d.inf) date.appendChild(document.createTextNode("\uff08日期系推断\uff09"));	/* （日期系推断） */
			fields.push(date);
		}
		if (d.place) fields.push(el("span", "item-place", d.place));
		if (d.other) fields.push(el("span", "kind", "非新闻报道"));
		fields.forEach(function (f, i) {
			/* a pause for a screen reader between the date and the place, not shown (the gap is) */
			if (i) meta.appendChild(el("span", "visually-hidden", "\uff0c"));
			meta.appendChild(f);
		});
		li.appendChild(meta);
		var parts = engine.excerpt(d, terms, 80);
		if (parts.length) {
			var snip = el("p", "item-summary search-snippet");
			appendParts(snip, parts);
			li.appendChild(snip);
		}
		this.list.appendChild(li);
		this.shown++;
		return a;
	};

	SearchPage.prototype.showMore = function () {
		var self = this, seq = this.seq, result = this.result;
		if (!result) return;
		this.more.disabled = true;
		this.begin();
		this.showPage(result, seq, performance.now()).then(function (first) {
			if (seq === self.seq) self.remember();
			if (first) first.focus();	/* keyboard readers continue at the first new result */
		}).catch(function (err) {
			if (seq !== self.seq) return;
			if (err && err.stale) self.again(self.query, performance.now());	/* from the first page */
			else self.fail(err);
		}).then(function () {
			self.more.disabled = false;
		});
	};

	SearchPage.prototype.fail = function (err) {
		this.list.setAttribute("aria-busy", "false");
		this.list.setAttribute("data-error", String(err && err.message));
		this.setStatus("搜索出错：" + (err && err.message) + "。请稍后再试。");
	};

	var box = document.getElementById("search");
	if (box) {
		var page = new SearchPage(box);
		global.sitegenSearch.page = page;	/* for the browser test and the console */
		global.sitegenSearch.api = api;
		page.start();
	}
})(typeof window !== "undefined" ? window : this);
