/* search: the archive's full-text index, written as static files that the
 * browser reads with no server code (theme/static/search-codec.js and search-engine.js).
 *
 * Exact substring search: a query term finds every report whose folded text
 * contains it, and only those. No segmenter: the index holds characters,
 * not guessed words.
 *
 * Folding (text_fold, the same in C and in search-engine.js): the text in NFC, then
 * each code point c becomes lower(NFKC(c)) (ICU's root lower-casing, as
 * JavaScript's toLowerCase), then each resulting code point goes through
 * the Traditional → Simplified table (ICU's "Traditional-Simplified"
 * transform applied to each Han character alone; search/index.js ships the
 * table). Code points of general category L, M or N are word characters,
 * and so are those the generator's ICU does not know (newer Unicode, whose
 * additions are mostly letters; the browser's own rules see them);
 * any run of others is one separator. Query terms are the word runs of the
 * folded query; a report matches when it contains every term.
 *
 * A report's searchable text has two zones: its title, and its text: the
 * subtitle, body, captions, date as the pages show it, place names, people,
 * tags and printed page, and the pinyin slugs of its places, people and
 * tags without hyphens (so "changning" finds 昌宁社区), one field per line. Positions count folded code points
 * from 0 in each zone; a separator run counts one.
 *
 * Files (all under search/ in the output; lists in the "n45" code below):
 *   index.js     sitegenSearch.meta({"v":6,"n":DOCS,"b":B,"sg":SG,"sp":SP,"tg":TG,"tp":TP,
 *                                   "th":"<hex>",
 *                                   "ts":"<pairs: traditional, simplified, …>",
 *                                   "dh":"<hex>","dz":"<dictionary>"})
 *                B: g/ and p/ hold the documents below B; those from B on
 *                (the tail: DOCS rounded down to a multiple of 32,
 *                SEARCH_TAIL, is B) are in tg/ and tp/ alone, numbered from
 *                B, in TG and TP shards (0 when there are none). Every build
 *                makes the tail's shards whole, so a report added as the
 *                newest changes no shard of g/ or p/ but once in 32, when the
 *                tail is taken into them (a patch that only adds documents:
 *                search_patch.c). A query looks up each gram in both parts;
 *                th: the tail's stamp (search_tail_collect: 16 hex digits, all
 *                0 without a tail), also the first pair of each tail shard
 *                ("0! <th>": "!" is no gram), so that the browser knows a
 *                tail shard of another build (a cache's) from this one's;
 *                SG, SP, TG and TP are powers of two;
 *                dh: a digest of the dictionary (hash.h's hash_block,
 *                16 hex digits), which an incremental build checks before
 *                it takes the dictionary as the earlier build's;
 *                dz: the d/ texts' preset dictionary (search_dict.c: the
 *                clauses most reports share, UTF-16LE, at most 32,000
 *                bytes), raw deflate, in b91; "" when there is none
 *   sizes.txt    "sitegen-search-sizes 1\n<G> <P>\n": the size estimates SG
 *                and SP were chosen from, for the next build, which patches
 *                the index (search_patch.c); no page loads it. Out of
 *                index.js (stop 39), which every body edit then rewrote (G
 *                and P change with any text), so that the search page open
 *                in serve reloaded, and a reader's browser fetched index.js
 *                (and its dictionary) again, after every edit.
 *   g/<k>.js     sitegenSearch.g(k,"<key> <docs><title docs> <key> …")
 *                every 1-, 2-, 3- and 4-character gram whose FNV-1a hash
 *                (of its first 3 characters: a 4-character gram is in the
 *                shard of the 3-character one it starts with) % SG == k,
 *                in code point order, each key a digit, the characters it
 *                shares with the key before (0 for the first), then the
 *                rest of it (keys hold no space, lists neither); for each,
 *                the documents containing it and those whose
 *                title does (a term of up to 4 characters needs nothing else;
 *                a longer one, those of its 4-character grams, then p/);
 *                and for a 4-character gram g, "g<": the documents where
 *                the 3-character gram g starts with has more than one
 *                character before it (none counts as one), and "g>": those
 *                where the one it ends with has more than one after it
 *                (each "<docs><title docs>", the title list empty; in the
 *                shard of g). Two neighbouring grams of a term overlap by
 *                3 characters: where every occurrence of the overlap has
 *                the same character before it, every occurrence of the
 *                right gram has the left one just before it (the link
 *                points left); the same after it: every occurrence of the
 *                left gram has the right one after it (points right). When
 *                for some k every link left of gram k points left and
 *                every link from k on points right, the document contains
 *                the term wherever it has gram k: no positions needed
 *   tg/<k>.js    sitegenSearch.tg(k,"…"), tp/<k>.js sitegenSearch.tp(k,"…"):
 *                the tail's, as g/ and p/ (TG and TP shards), its documents
 *                numbered from 0 (B in the archive)
 *   p/<k>.js     sitegenSearch.p(k,"<key> <positions> <key> …")
 *                every 4-character gram whose hash (of all of it) % SP ==
 *                k, keys as in g/, with its
 *                positions in the documents where the 3-character gram it
 *                starts or ends with occurs more than once. A longer query
 *                term needs all its 4-character grams (offsets 0, 1, 2 …):
 *                two neighbours overlap by 3 characters, and where that
 *                overlap occurs once in a document the two grams occur
 *                once each, side by side. So a document holding every gram
 *                contains the term exactly when the grams that have
 *                positions there line up (at offset + a common start, in
 *                one zone); with none, it does (in the title when its
 *                first gram is). Used for the documents the context lists
 *                of g/ leave open
 *   d/<n>.js     sitegenSearch.d(n,{"u":url,"t":title,"date":…,"place":…,
 *                                   ["s":subtitle,] ["inf":1,] ["other":1,]
 *                                   "b":B,"mk":KINDS,
 *                                   "x":text | "z":b91 of raw deflate(UTF-16LE text)})
 *                document n: its root-relative URL, title, date and place as
 *                the pages show them (inf: the date was inferred; other: not
 *                a news report), and its text after the title (deflated when
 *                that is shorter, with dz's dictionary as the preset
 *                dictionary: DecompressionStream("deflate-raw") takes none,
 *                so the browser inflates stored blocks holding the
 *                dictionary, then these bytes, and drops the dictionary's
 *                length from the output; then TextDecoder("utf-16le")). The text's
 *                first B UTF-16 units are the subtitle, body and captions;
 *                after them come lines of metadata, one letter of KINDS
 *                each: d date, s street, p place, a author (of a
 *                text that is no report), r reporter, c correspondent, t tag, g printed page, and P R C T the
 *                pinyin of the places, reporters, correspondents and tags,
 *                in the same order as their names
 * Documents are numbered oldest first (article.order): an edit rewrites its
 * own d/ file and the shards whose lists change (its positions shift after
 * an insertion, so the p/ shards of its grams that have positions), and an
 * incremental build rewrites only those (search_patch.c); a report added as
 * the newest, its own d/ file and the tail's shards (when it completes 32,
 * the shards of g/ and p/ of the tail's grams: no list depends on DOCS);
 * one added before others renumbers the reports after it:
 * their d/ files and every list holding one of them change (the patch
 * renumbers them). SG and SP are
 * powers of two chosen from the index size (about 16 KB a shard).
 *
 * n45: a number is written in base 45, most significant digit first, with
 * the characters of SEARCH_DIGITS: digits 45…89 say "more follow", 0…44 end
 * the number. A bit stream: bits most significant first, 13 at a time
 * (v < 8192) in two characters of SEARCH_B91, v % 91 then v / 91, the last
 * pair padded with 0 bits. A document list starts with h = 4·count + kind:
 * kind 0: count gaps in n45 (doc − previous doc − 1, previous starting at
 * −1); 1: a bit stream of L bits, L the last document + 1, bit i set when
 * document i is in the list; 2: a bit stream of a Rice parameter k in 4
 * bits, then the count gaps, each Rice-coded; 3: a bit stream of k in 4
 * bits, gamma(m + 1), then the gaps of the m = L − count documents below L
 * not in the list, each Rice-coded. The generator writes the shortest (the
 * lowest kind on a tie). No kind depends on DOCS: a list is a function of
 * its documents alone, so a report added as the newest (numbered DOCS)
 * changes only the lists of its own grams.
 * Positions are a bit stream: gamma(documents + 1), then for each document
 * gamma(gap + 1) (gap: doc − previous doc − 1, previous starting at −1),
 * gamma(kt + 1), gamma(kb + 1), a Rice parameter k in 4 bits, then kt title
 * and kb text positions as gaps (position − previous − 1, previous starting
 * at −1 in each zone), each Rice-coded. Rice(k) of a gap: gap >> k in unary
 * (1s, then a 0), then its low k bits. gamma(x), x ≥ 1: as many 0 bits as
 * x has bits after its highest, then x in binary. FNV-1a: 32-bit, over the
 * gram's UTF-8 bytes (of a context list's gram without its '<' or '>').
 *
 * b91 (dz, "z"): bytes as text, as a bit stream of their bits but for the
 * end: the last r bits, left-aligned, in two characters when r > 6, else in
 * one (6 bits); the bytes are the whole bytes of the bits read. 16 / 13 of
 * their size, against base64's 4 / 3: all of SEARCH_B91 is printable ASCII
 * but '"' and '\\', valid in a JavaScript string as it is. */
#ifndef SEARCH_H
#define SEARCH_H

#include "diag.h"
#include "site.h"

struct writer;
struct text_folder;

/* b91's characters: '#' to '~' without '\\' */
#define SEARCH_B91 "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"
#define SEARCH_DIGITS "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}"

/* What the build knows of the index the earlier build left in the output:
 * when known, it was made of old_ndocs documents, with the same
 * configuration and program, and old_of[n] is, for document n of this
 * build (article.order n), its number in the earlier build when it is the
 * same article there (the same file, text and placing), else -1 (added or
 * edited); increasing where it is not -1 (documents keep their date order).
 * The earlier documents no old_of names were edited or removed. */
struct search_changes {
	int known;
	size_t old_ndocs;
	const long *old_of;
	/* The counts the texts' dictionary was made from, kept with a site
	 * from one build to the next (serve's build process: build_reuse.h),
	 * or NULL: a build of the same site whose sampled reports changed in
	 * their texts only counts those again (search_dict.c). */
	struct search_dict_memo *dict_memo;
};

/* A new, empty memo; freed (with all it holds) by search_dict_memo_free. */
struct search_dict_memo *search_dict_memo_new(void);
void search_dict_memo_free(struct search_dict_memo *m);
/* Counts site's sample into a memo that has no counts yet (serve's build
 * process, between builds: the first build of the site that edits a
 * sampled report then counts that one alone, not the whole sample: 0.1 s at
 * 50,000 reports). Stops, the memo left empty, as soon as stop(ctx) says
 * a build is wanted. A build checks the counts against its site before
 * taking them (the same reports, their texts' digests). Returns 1 when it
 * counted, else 0. */
/* Whether the memo holds counts. */
int search_dict_memo_made(const struct search_dict_memo *m);
int search_dict_precount(const struct site *site, struct search_dict_memo *memo, int (*stop)(void *), void *ctx);

/* Builds the index of site's articles in `jobs` threads (0: one per core)
 * and hands its files to w: with ch known and few changes, by patching the
 * earlier build's (search_patch.c; the same files as a full build's),
 * else whole; *made_whole then says why a patch was not made (ch known),
 * else NULL. Returns 0, or -1 after a diag error. */
int search_build(const struct site *site, const struct text_folder *folder, struct writer *w, struct diag *d,
		 int jobs, const struct search_changes *ch, const char **made_whole);

#endif
