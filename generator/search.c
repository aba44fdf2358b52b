/* The search index (format in search.h).
 *
 * Each thread takes a contiguous range of documents, in order: it writes
 * their d/ files and appends their grams to its own table, so postings grow
 * in document order without sorting or locks. The shard files then join
 * the threads' lists gram by gram (thread t's documents all come before
 * thread t+1's) and encode them. */
#define _DEFAULT_SOURCE
#include "search.h"
#include "search_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "hash.h"
#include "search_codec.h"
#include "text.h"
#include "threads.h"
#include "write.h"
#include "xalloc.h"

#define SHARD_TARGET_BYTES 4096
#define SHARDS_MAX 16384

/* Counts the 3-character grams of one folded field (gram_count_trigram). */
static void count_field(struct gram_table *t, const struct text_folder *f, const uint32_t *cps, size_t n,
			uint32_t doc)
{
	uint32_t z = 0, a = 0, b = 0;	/* the word characters before, 0 after a separator */
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (!text_fold_is_word(f, c)) {
			z = a = b = 0;
			continue;
		}
		if (a) {
			uint32_t right = i + 1 < n && text_fold_is_word(f, cps[i + 1]) ? cps[i + 1] : 0;
			gram_count_trigram(t, gram_key(a, b, c), doc, z, right);
		}
		z = a;
		a = b;
		b = c;
	}
}

/* Feeds one folded field to the table: the documents of its grams of 1 to
 * 4 word characters; for a 4-character gram, its positions when the
 * 3-character gram it starts or ends with occurs more than once in the
 * document, and its context lists (search.h says why). Positions count
 * from *pos; a separator run counts one. */
static void index_field(struct gram_table *t, const struct text_folder *f, const uint32_t *cps, size_t n,
			uint32_t doc, uint32_t *pos, int title)
{
	uint32_t z = 0, a = 0, b = 0;	/* the word characters before, 0 after a separator */
	unsigned prev_tail = 0;	/* gram_trigram of (a, b, c) at the step before, of (z, a, b) now */
	int sep = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (!text_fold_is_word(f, c)) {
			if (!sep)
				(*pos)++;
			sep = 1;
			z = a = b = 0;
			continue;
		}
		sep = 0;
		uint32_t p = (*pos)++;
		gram_add_doc(t, gram_key(c, 0, 0), 0, doc, title);
		if (b)
			gram_add_doc(t, gram_key(b, c, 0), 0, doc, title);
		unsigned head = prev_tail, tail = 0;
		if (a) {
			uint64_t abc = gram_key(a, b, c);
			gram_add_doc(t, abc, 0, doc, title);
			prev_tail = tail = gram_trigram(t, abc, doc);
		}
		if (z) {
			uint64_t key = gram_key(z, a, b);
			gram_add_doc(t, key, c, doc, title);
			if ((head | tail) & TRIGRAM_REPEATS)
				gram_add_pos(t, key, c, doc, p - 3, title);
			if (head & TRIGRAM_LEFT_VARIES)
				gram_add_doc(t, key, c | GRAM_LEFT_VARIES, doc, 0);
			if (tail & TRIGRAM_RIGHT_VARIES)
				gram_add_doc(t, key, c | GRAM_RIGHT_VARIES, doc, 0);
		}
		z = a;
		a = b;
		b = c;
	}
	if (!sep)
		(*pos)++;
}

void search_index_doc(struct worker_state *ws, struct gram_table *t, const char *title, size_t title_len,
		      const char *text, size_t len, uint32_t doc)
{
	const struct text_folder *f = ws->x->folder;
	uint32_t pos = 0;
	size_t nt = text_fold(f, title, title_len, &ws->title_cps, &ws->title_cap);
	size_t nb = text_fold(f, text, len, &ws->cps, &ws->cps_cap);
	count_field(t, f, ws->title_cps, nt, doc);
	count_field(t, f, ws->cps, nb, doc);
	index_field(t, f, ws->title_cps, nt, doc, &pos, 1);
	pos = 0;
	index_field(t, f, ws->cps, nb, doc, &pos, 0);
	gram_doc_end(t);
}

static void *index_range(void *arg)
{
	struct worker_state *ws = arg;
	struct search_ctx *x = ws->x;
	struct gram_table *t = &x->tables[ws->t];
	for (size_t i = ws->from; i < ws->to; i++) {
		const struct article *art = x->site->articles.items[x->site->articles.len - 1 - i];
		search_document(ws, art);
		char path[64];
		snprintf(path, sizeof(path), "search/d/%zu.js", art->order);
		if (writer_put(x->w, path, ws->file.data, ws->file.len) < 0)
			x->failed = 1;
		if (art->order < x->tail)
			search_index_doc(ws, t, art->title, strlen(art->title), ws->text.data, ws->text.len,
					 (uint32_t)art->order);
		else	/* the newest few: in the tail's lists, numbered from its start (search.h) */
			search_index_tail_doc(ws, &x->tail_tables[ws->t], art, art->order - x->tail, x->tail_hash);
	}
	gram_flush(t);
	gram_flush(&x->tail_tables[ws->t]);
	return NULL;
}

/* ---- shards ---- */

/* SEARCH_TAIL, or SITEGEN_SEARCH_TAIL (1 to 4096) for the tests: an
 * archive of a few dozen reports then has lists to patch, and its tail
 * taken into them. Anything else is said and not used (a test run with
 * a misspelt value would otherwise never reach the lists). Read once. */
static size_t tail_size(void)
{
	static atomic_size_t size;
	size_t n = atomic_load(&size);
	if (!n) {
		const char *s = getenv("SITEGEN_SEARCH_TAIL");
		size_t v = 0, i = 0;
		for (; s && s[i] >= '0' && s[i] <= '9' && v <= 4096; i++)
			v = v * 10 + (size_t)(s[i] - '0');
		n = s && i && !s[i] && v >= 1 && v <= 4096 ? v : SEARCH_TAIL;
		if (s && n == SEARCH_TAIL && v != SEARCH_TAIL)
			fprintf(stderr, "sitegen: warning: SITEGEN_SEARCH_TAIL=%s is not a whole number from 1 to 4096: "
				"%d is used\n", s, SEARCH_TAIL);
		atomic_store(&size, n);
	}
	return n;
}

size_t search_tail_start(size_t ndocs)
{
	return ndocs - ndocs % tail_size();
}

uint32_t search_fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t search_shard_of(const char *utf8, size_t base_len, int positional)
{
	return search_fnv1a(utf8, positional ? base_len : search_shard_base(utf8, base_len));
}

size_t search_shard_base(const char *utf8, size_t base_len)
{
	size_t i = 0;
	for (int n = 0; i < base_len && n < 3; n++)
		do
			i++;
		while (i < base_len && ((unsigned char)utf8[i] & 0xc0) == 0x80);
	return i;
}

/* The bytes of the code points key and prev share at the start; their
 * number in *cps. */
static size_t shared_prefix(const char *prev, size_t plen, const char *key, size_t len, size_t *cps)
{
	size_t i = 0;
	*cps = 0;
	while (i < plen && i < len) {
		unsigned char c = (unsigned char)key[i];
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (i + n > len || i + n > plen || memcmp(prev + i, key + i, n) != 0)
			break;
		i += n;
		++*cps;
	}
	return i;
}

void search_add_key(struct buf *out, const char *prev, size_t plen, const char *key, size_t len)
{
	size_t cps, i = shared_prefix(prev, plen, key, len, &cps);
	buf_addch(out, (char)('0' + cps));
	buf_add(out, key + i, len - i);
}

size_t search_shard_count(size_t bytes)
{
	size_t s = 1;
	while (s < SHARDS_MAX && s * SHARD_TARGET_BYTES < bytes)
		s *= 2;
	return s;
}

struct shard_job {
	struct search_ctx *x;
	const struct search_part *part;
	struct gram_ref **refs;		/* per shard, the grams in it */
	size_t *nrefs;
	size_t next;
	pthread_mutex_t lock;
};

static void write_shard(struct shard_job *j, size_t s, struct buf *out, struct u32s *entries)
{
	const char *name = j->part->name;
	buf_reset(out);
	buf_addf(out, "sitegenSearch.%s(%zu,\"", name, s);
	if (j->part->stamp)	/* "!": no gram's key (a separator) */
		buf_addf(out, "0! %016llx", (unsigned long long)j->part->stamp);
	for (size_t i = 0; i < j->nrefs[s]; i++) {
		const struct gram_ref *r = &j->refs[s][i], *prev = i ? r - 1 : NULL;
		if (i || j->part->stamp)
			buf_addch(out, ' ');
		search_add_key(out, prev ? prev->utf8 : "", prev ? prev->len : 0, r->utf8, r->len);
		buf_addch(out, ' ');
		if (j->part->positional)
			gram_encode_positions(r, out, entries);
		else
			gram_encode_docs(r, out, entries);
	}
	buf_addstr(out, "\");\n");
	char path[64];
	snprintf(path, sizeof(path), "search/%s/%zx.js", name, s);
	if (writer_put(j->x->w, path, out->data, out->len) < 0)
		j->x->failed = 1;
}

static void *shard_worker(void *arg, size_t k)
{
	(void)k;
	struct shard_job *j = arg;
	struct buf out = BUF_INIT;
	struct u32s entries = { 0 };
	for (;;) {
		pthread_mutex_lock(&j->lock);
		size_t s = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (s >= j->part->nshards)
			break;
		write_shard(j, s, &out, &entries);
	}
	free(entries.v);
	buf_free(&out);
	return NULL;
}

void search_part_collect(struct gram_table *tables, size_t ntables, const char *name, struct search_part *part)
{
	*part = (struct search_part){ .name = name, .positional = name[strlen(name) - 1] == 'p' };
	part->n = gram_collect(tables, ntables, part->positional, &part->all, &part->bytes);
	part->nshards = search_shard_count(part->bytes);
}

void search_part_write(struct search_ctx *x, struct search_part *part, size_t jobs)
{
	size_t nshards = part->nshards, n = part->n;
	struct gram_ref *all = part->all;
	struct shard_job j = { .x = x, .part = part };
	j.nrefs = xcalloc(nshards, sizeof(*j.nrefs));
	j.refs = xcalloc(nshards, sizeof(*j.refs));
	size_t *fill = xcalloc(nshards, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		all[i].shard = search_shard_of(all[i].utf8, all[i].base_len, part->positional) & (uint32_t)(nshards - 1);
		j.nrefs[all[i].shard]++;
	}
	for (size_t s = 0; s < nshards; s++)
		j.refs[s] = xmalloc((j.nrefs[s] + 1) * sizeof(**j.refs));
	for (size_t i = 0; i < n; i++)
		j.refs[all[i].shard][fill[all[i].shard]++] = all[i];
	pthread_mutex_init(&j.lock, NULL);
	threads_run(jobs, shard_worker, &j, NULL);
	pthread_mutex_destroy(&j.lock);
	for (size_t s = 0; s < nshards; s++)
		free(j.refs[s]);
	free(j.refs);
	free(j.nrefs);
	free(fill);
	gram_refs_free(all, n);
	part->all = NULL;
	part->n = 0;
}

void search_index_tail_doc(struct worker_state *ws, struct gram_table *t, const struct article *a, size_t i,
			   uint64_t *doc_hash)
{
	size_t tl = strlen(a->title);
	search_index_doc(ws, t, a->title, tl, ws->text.data, ws->text.len, (uint32_t)i);
	doc_hash[i] = hash_block(hash_block(HASH_INIT, a->title, tl), ws->text.data, ws->text.len);
}

void search_tail_collect(struct gram_table *tables, size_t ntables, const uint64_t *doc_hash, size_t count,
			 size_t tail, struct search_part parts[2])
{
	uint64_t h = hash_num(hash_num(HASH_INIT, (long long)tail), (long long)count);
	for (size_t i = 0; i < count; i++)
		h = hash_num(h, (long long)doc_hash[i]);
	search_part_collect(tables, ntables, "tg", &parts[0]);
	search_part_collect(tables, ntables, "tp", &parts[1]);
	parts[0].stamp = parts[1].stamp = h ? h : 1;	/* 0 says "no tail" */
}

/* sizes.txt (search.h): the estimates that chose SG and SP, for the next
 * build (search_patch.c), which must choose as a full build would. */
void search_sizes_text(const struct search_sizes *z, struct buf *out)
{
	buf_addf(out, "sitegen-search-sizes 1\n%zu %zu\n", z->est_g, z->est_p);
}

/* index.js. */
void search_meta_text(const struct search_ctx *x, size_t ndocs, const struct search_sizes *z, struct buf *out)
{
	struct buf pairs = BUF_INIT;
	text_fold_ts_pairs(x->folder, &pairs);
	buf_addf(out,
		 "sitegenSearch.meta({\"v\":6,\"n\":%zu,\"b\":%zu,\"sg\":%zu,\"sp\":%zu,\"tg\":%zu,\"tp\":%zu,"
		 "\"th\":\"%016llx\",\"ts\":",
		 ndocs, search_tail_start(ndocs), z->sg, z->sp, z->tg, z->tp, (unsigned long long)z->th);
	search_add_json(out, pairs.data, pairs.len);
	/* the digest of the dictionary dz holds, for search_patch.c: a dz
	 * changed in place (size and mtime kept) must not be taken as the
	 * earlier build's while the d/ files were deflated with another */
	buf_addf(out, ",\"dh\":\"%016llx\"", (unsigned long long)hash_block(HASH_INIT, x->dict.data, x->dict.len));
	buf_addstr(out, ",\"dz\":\"");
	buf_add(out, x->dz.data, x->dz.len);
	buf_addstr(out, "\"});\n");
	buf_free(&pairs);
}

void search_dict_field(struct search_ctx *x)
{
	buf_reset(&x->dz);
	if (!x->dict.len)
		return;
	struct buf z = BUF_INIT;
	z_stream zs = { 0 };
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK) {
		size_t bound = deflateBound(&zs, (uLong)x->dict.len);
		buf_grow(&z, bound);
		zs.next_in = (Bytef *)x->dict.data;
		zs.avail_in = (uInt)x->dict.len;
		zs.next_out = (Bytef *)z.data;
		zs.avail_out = (uInt)bound;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
			search_b91(&x->dz, (const unsigned char *)z.data, (size_t)zs.total_out);
		deflateEnd(&zs);
	}
	buf_free(&z);
}

void search_worker_state_free(struct worker_state *ws)
{
	text_dates_free(ws->dates);
	if (ws->z) {
		deflateEnd(ws->z);
		free(ws->z);
	}
	buf_free(&ws->date);
	buf_free(&ws->text);
	buf_free(&ws->kinds);
	buf_free(&ws->file);
	buf_free(&ws->scratch);
	buf_free(&ws->u16);
	free(ws->cps);
	free(ws->title_cps);
}

static void free_workers(struct worker_state *ws, size_t nt)
{
	for (size_t t = 0; t < nt; t++)
		search_worker_state_free(&ws[t]);
	free(ws);
}

static void *index_range_of(void *arg, size_t k)
{
	struct worker_state *ws = arg;
	return index_range(&ws[k]);
}

/* SITEGEN_TIMING=1 (main.c) also prints the CPU time used so far at each
 * step of the index (CPU rather than wall: the steps are multi-threaded). */
void search_timing(const char *step)
{
	if (!getenv("SITEGEN_TIMING"))
		return;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%*d %ld", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	fprintf(stderr, "sitegen: search: %-8s CPU %7.3f s so far, RSS %ld MiB, peak %ld MiB\n", step, cpu,
		pages * (sysconf(_SC_PAGESIZE) / 1024) / 1024, ru.ru_maxrss / 1024);
}

int search_build(const struct site *site, const struct text_folder *folder, struct writer *w, struct diag *d,
		 int jobs, const struct search_changes *ch, const char **made_whole)
{
	*made_whole = NULL;
	size_t ndocs = site->articles.len;
	size_t nt = (size_t)threads_count(jobs);
	if (nt > ndocs / 16 + 1)
		nt = ndocs / 16 + 1;	/* a thread for a handful of documents costs more than it saves */
	struct search_ctx x = { .site = site, .folder = folder, .w = w, .d = d, .nthreads = nt, .dict = BUF_INIT,
				.dz = BUF_INIT, .tail = search_tail_start(ndocs) };
	struct worker_state *ws = xcalloc(nt, sizeof(*ws));
	for (size_t t = 0; t < nt; t++) {
		ws[t] = (struct worker_state){ .x = &x, .t = t, .from = ndocs * t / nt, .to = ndocs * (t + 1) / nt };
		ws[t].z = xcalloc(1, sizeof(*ws[t].z));
		if (deflateInit2(ws[t].z, SEARCH_ZLEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(ws[t].z);
			ws[t].z = NULL;
			diag_error(d, "search", 0, 0, NULL, 0, "cannot set up zlib's compressor: out of memory");
			free_workers(ws, t + 1);
			return -1;
		}
		if (!(ws[t].dates = text_dates_new())) {
			diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's date formats for the search index");
			free_workers(ws, t + 1);
			return -1;
		}
	}
	search_timing("start");
	x.dict_earlier = ch && ch->known && !search_dict_sampled(&x, &ws[0], ch);
	if (!x.dict_earlier) {
		search_dict_build(&ws[0], &x.dict, ch ? ch->dict_memo : NULL);
		search_dict_field(&x);
	}
	search_timing("dict");
	if (ch && ch->known && search_patch(&x, ws, nt, ch) == 0) {
		free_workers(ws, nt);
		search_timing("patched");
		buf_free(&x.dict);
		buf_free(&x.dz);
		return x.failed ? -1 : 0;
	}
	*made_whole = x.not_patched;
	if (x.dict_earlier) {	/* the patch could not: made after all */
		x.dict_earlier = 0;
		buf_reset(&x.dict);
		buf_reset(&x.dz);
		search_dict_build(&ws[0], &x.dict, ch ? ch->dict_memo : NULL);
		search_dict_field(&x);
	}
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: search: built whole, %zu documents\n", ndocs);
	x.tables = xcalloc(nt, sizeof(*x.tables));
	x.tail_tables = xcalloc(nt, sizeof(*x.tail_tables));
	x.tail_hash = xcalloc(ndocs - x.tail + 1, sizeof(*x.tail_hash));
	for (size_t t = 0; t < nt; t++) {
		gram_table_init(&x.tables[t]);
		gram_table_init(&x.tail_tables[t]);
	}
	threads_run(nt, index_range_of, ws, NULL);
	search_timing("texts+postings");
	free_workers(ws, nt);
	size_t sjobs = (size_t)threads_count(jobs);
	struct search_sizes z = { 0 };
	struct search_part part;
	search_part_collect(x.tables, nt, "g", &part);
	z.sg = part.nshards;
	z.est_g = part.bytes;
	search_part_write(&x, &part, sjobs);
	search_timing("g/");
	search_part_collect(x.tables, nt, "p", &part);
	z.sp = part.nshards;
	z.est_p = part.bytes;
	search_part_write(&x, &part, sjobs);
	search_timing("p/");
	if (x.tail < ndocs) {
		struct search_part tail[2];
		search_tail_collect(x.tail_tables, nt, x.tail_hash, ndocs - x.tail, x.tail, tail);
		z.tg = tail[0].nshards;
		z.tp = tail[1].nshards;
		z.th = tail[0].stamp;
		search_part_write(&x, &tail[0], sjobs);
		search_part_write(&x, &tail[1], sjobs);
	}
	struct buf meta = BUF_INIT;
	search_meta_text(&x, ndocs, &z, &meta);
	if (writer_put(w, "search/index.js", meta.data, meta.len) < 0)
		x.failed = 1;
	buf_reset(&meta);
	search_sizes_text(&z, &meta);
	if (writer_put(w, SEARCH_SIZES_FILE, meta.data, meta.len) < 0)
		x.failed = 1;
	buf_free(&meta);
	for (size_t t = 0; t < nt; t++) {
		gram_table_free(&x.tables[t]);
		gram_table_free(&x.tail_tables[t]);
	}
	free(x.tables);
	free(x.tail_tables);
	free(x.tail_hash);
	buf_free(&x.dict);
	buf_free(&x.dz);
	return x.failed ? -1 : 0;
}
