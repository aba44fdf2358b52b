/* text: Chinese text done with ICU (slugs, pinyin order, dates, summaries).
 *
 * All strings are UTF-8. Functions that produce text append it to `out`
 * (they never reset it). Ill-formed UTF-8 in an input is read as U+FFFD,
 * except where a function says it rejects it. Allocation never fails (see
 * xalloc.h); the *_new functions return NULL only when ICU cannot provide
 * its data (a broken installation), and the caller reports that.
 *
 * Threads:
 *  - text_utf8_valid, text_nfc, text_summary, text_distance and the calendar
 *    functions keep no state: call them from any thread.
 *  - A struct text_collator may be shared by all threads once created:
 *    text_collate and text_sort_key only use ICU's const collator API,
 *    which ICU documents as safe for concurrent use (each thread passes its
 *    own arena to text_sort_key).
 *  - A struct text_slugger and a struct text_dates hold an ICU
 *    transliterator or date formatters and scratch space written on every
 *    call: one per thread, never shared.
 * Create these objects once and reuse them: the first text_slugger_new in a
 * process takes ~150 ms while ICU loads the Han-Latin data (~1 ms after
 * that); each object serves any number of calls. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

/* Years the date functions accept (proleptic Gregorian, no year 0). */
#define TEXT_YEAR_MIN 1
#define TEXT_YEAR_MAX 9999

/* Is s valid UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF)?
 * Returns 1, or 0 and sets *bad (if not NULL) to the byte offset of the
 * first invalid sequence (for a truncated sequence: where it starts). */
int text_utf8_valid(const char *s, size_t len, size_t *bad);

/* Appends the NFC normalisation of s (unorm2_getNFCInstance). Returns 0, or
 * -1 when s is not valid UTF-8, in which case nothing is appended. */
int text_nfc(const char *s, size_t len, struct buf *out);
/* The same, but text that is NFC already (most is) is not copied: returns 1
 * and leaves out alone. */
int text_nfc_unless_nfc(const char *s, size_t len, struct buf *out);

/* URL slugs.
 * ICU transliterates with "Han-Latin/Names; Latin-ASCII", then the result is
 * lower-cased and every run of characters outside [a-z0-9] becomes one '-',
 * with no leading or trailing '-'. Each Han character becomes its own word:
 * 离石区 → "li-shi-qu", 重庆 → "chong-qing", "2022年" → "2022-nian".
 * Pinyin ü is written "v", as in lvliang.gov.cn and pinyin input methods:
 * 吕梁 → "lv-liang", 女 → "nv" (a Latin ü in the input, as in Zürich, is
 * still "u"). An empty result (only punctuation, only emoji…) gives "x".
 * The slug is cut at a '-' to at most `max` bytes (0: no limit); a first
 * word longer than `max` is cut at `max`. Only the first 64 KiB of s are read.
 *
 * Han-Latin/Names reads the first character of every run of Han characters
 * as a surname and knows no words: 区委 → "ou-wei" (区 as the surname Ōu),
 * 单位 → "shan-wei", 重要 → "chong-yao", 银行 → "yin-xing". Titles and names
 * where this matters need a slug override in the config or front matter. */
struct text_slugger;
struct text_slugger *text_slugger_new(void);
void text_slugger_free(struct text_slugger *sl);
void text_slugify(struct text_slugger *sl, const char *s, size_t len, size_t max, struct buf *out);
/* Is s all ASCII? Then its slug needs no transliterator (the rules leave
 * ASCII as it is), and text_slugify_ascii makes it without opening one. */
int text_is_ascii(const char *s, size_t len);
/* True when the NUL-terminated s holds only white space (Unicode's, the
 * ideographic space U+3000 included), or nothing. */
int text_is_blank(const char *s);
/* The value of a hexadecimal digit (as in %XX of a URL), or -1. */
int text_hex_digit(char c);
/* The 16 hexadecimal digits at p (a digest as the build state writes it) into
 * *v: 0, or -1 when one of them is not a digit. */
int text_hex16(const char *p, uint64_t *v);
void text_slugify_ascii(const char *s, size_t len, size_t max, struct buf *out);

/* Collation in pinyin order: ICU's collator for "zh", default attributes.
 * Han sorts before Latin (ICU's zh rules reorder Han first) and ü after u
 * (路 < 吕 < 绿). A few polyphonic names take ICU's default reading: 重庆 is
 * chong (ICU knows that word), but 长治/长宁 sort as zhang.
 * text_collate returns <0, 0 or >0; canonically equivalent strings compare
 * equal, so break ties with strcmp when a total order is needed.
 * text_sort_key returns a NUL-terminated, otherwise NUL-free byte string in
 * the arena: strcmp on two keys orders them as text_collate does. Sort keys
 * are faster when sorting many names. */
struct text_collator;
struct text_collator *text_collator_new(void);
void text_collator_free(struct text_collator *c);
int text_collate(const struct text_collator *c, const char *a, const char *b);
const char *text_sort_key(const struct text_collator *c, struct arena *a, const char *s);

/* Dates for people, formatted by ICU for zh_CN (UTC, proleptic Gregorian):
 * text_format_date(2022,10,31) → "2022年10月31日 星期一",
 * text_format_date_plain(2022,10,31) → "2022年10月31日",
 * text_format_date_short(2022,10,31) → "10月31日",
 * text_format_month(2022,10) → "2022年10月", text_format_year(2022) → "2022年".
 * A date that is not valid (text_date_valid; for months and years the same
 * with day 1) appends nothing: callers check dates where they read them. */
struct text_dates;
struct text_dates *text_dates_new(void);
void text_dates_free(struct text_dates *dt);
void text_format_date(struct text_dates *dt, int y, int m, int d, struct buf *out);
void text_format_date_plain(struct text_dates *dt, int y, int m, int d, struct buf *out);
void text_format_date_short(struct text_dates *dt, int y, int m, int d, struct buf *out);
void text_format_month(struct text_dates *dt, int y, int m, struct buf *out);
void text_format_year(struct text_dates *dt, int y, struct buf *out);

/* Calendar facts, proleptic Gregorian, years TEXT_YEAR_MIN..TEXT_YEAR_MAX.
 * text_date_valid returns 1 or 0. text_weekday returns 0 (Monday) … 6
 * (Sunday), or -1 for an invalid date. text_days_in_month returns 28…31, or
 * 0 when m is not 1…12. */
int text_date_valid(int y, int m, int d);
int text_weekday(int y, int m, int d);
int text_days_in_month(int y, int m);

/* A summary of plain text for listings, of at most max_chars user-perceived
 * characters (grapheme clusters; the "…" counts as one). Whitespace runs,
 * newlines included, become one space and the ends are trimmed. U+2029
 * (PARAGRAPH SEPARATOR) ends a paragraph: no sentence runs across it, and
 * it is shown as a space. Text
 * that fits is appended whole. Otherwise the summary ends at the last
 * sentence boundary (ICU, zh) within the limit if that keeps at least half
 * of it; failing that it is cut at a grapheme boundary, with "…" appended.
 * Opening brackets and quotes are never left at the end (ICU counts the “
 * after 。 as the sentence's). It never cuts inside a UTF-8 sequence or a
 * grapheme (emoji, combining marks). max_chars == 0 appends nothing. */
void text_summary(const char *s, size_t len, size_t max_chars, struct buf *out);

/* Folding for search (see search.h): each code point of the (NFC) text
 * becomes lower(NFKC(c)) with Traditional Han characters made Simplified.
 * text_folder_new builds the tables once (~0.07 s; NULL when ICU lacks its
 * data); a folder is read-only after that and may be shared by all threads.
 * text_fold writes the folded code points of s to *out (grown as needed,
 * *cap its size) and returns how many; ill-formed UTF-8 reads as U+FFFD.
 * text_fold_is_word: is c of general category L, M or N, or unassigned in
 * this ICU (newer Unicode assigns mostly letters: see text_fold.c).
 * text_fold_ts_pairs appends every (traditional, simplified) pair of the
 * table, one after the other, as UTF-8: the browser's copy. */
struct text_folder;
struct text_folder *text_folder_new(const uint32_t *ts_pairs, size_t npairs);
/* The Traditional→Simplified table as n (c, s) pairs, malloc'd: what an
 * earlier text_folder_new made, to give the next one as ts_pairs (memo.h)
 * so that it need not ask ICU's transliterator again (pairs that are not
 * such a table are ignored). */
uint32_t *text_folder_ts_table(const struct text_folder *f, size_t *n);
void text_folder_free(struct text_folder *f);
size_t text_fold(const struct text_folder *f, const char *s, size_t len, uint32_t **out, size_t *cap);
int text_fold_is_word(const struct text_folder *f, uint32_t c);
void text_fold_ts_pairs(const struct text_folder *f, struct buf *out);

/* Levenshtein distance in code points between two NUL-terminated strings,
 * for "did you mean" suggestions: text_distance("离石区", "离石县") == 1. */
size_t text_distance(const char *a, const char *b);

/* Makes ICU allocate through xmalloc (see xalloc.h): when memory runs out
 * the program says so and exits instead of meeting ICU's rare unchecked
 * paths. Call first, before any other text function. */
void text_init(void);

/* Releases ICU's process-wide caches (u_cleanup) so leak checkers see none.
 * Call at most once, at exit, after every text object has been freed. */
void text_cleanup(void);

#endif
