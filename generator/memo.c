#define _DEFAULT_SOURCE
#include "memo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "arena.h"
#include "buf.h"
#include "hash.h"
#include "load.h"
#include "strmap.h"
#include "text.h"
#include "write.h"
#include "xalloc.h"

struct memo {
	struct arena a;
	struct strmap slugs;	/* key → slug */
	struct ptrvec keys;	/* in the order added, for saving */
	uint32_t *ts;		/* c, s pairs */
	size_t nts;
	int changed;
	char *dir, *path;	/* NULL: no memo is kept */
	char *header;		/* the first line a file must have */
};

/* ---- where, and for what ---- */

char *memo_cache_dir(void)
{
	const char *dir = getenv("SITEGEN_CACHE_DIR");
	if (dir)
		return *dir && strcmp(dir, "off") != 0 ? xstrdup(dir) : NULL;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct buf b = BUF_INIT;
	if (xdg && *xdg == '/')
		buf_addf(&b, "%s/sitegen", xdg);
	else if (home && *home == '/')
		buf_addf(&b, "%s/.cache/sitegen", home);
	else
		return NULL;
	return buf_detach(&b, NULL);
}

/* What the answers depend on: how this binary makes slugs (its identity on
 * disk: a rebuilt generator starts afresh) and ICU's data (its versions). */
static char *memo_header(void)
{
	struct stat st;
	if (stat("/proc/self/exe", &st) < 0)
		return NULL;
	UVersionInfo icu, uni;
	char icu_s[U_MAX_VERSION_STRING_LENGTH], uni_s[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(icu);
	u_getUnicodeVersion(uni);
	u_versionToString(icu, icu_s);
	u_versionToString(uni, uni_s);
	struct buf b = BUF_INIT;
	buf_addf(&b, "sitegen-memo 1 exe=%llu:%llu:%lld:%lld.%09ld icu=%s unicode=%s\n", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 icu_s, uni_s);
	return buf_detach(&b, NULL);
}

/* ---- reading ---- */

static int is_slug(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* "48:离石区": digits, ':', then valid UTF-8 with no tab or line break. */
static int is_key(const char *s, size_t len, size_t *max)
{
	size_t i = 0;
	*max = 0;
	while (i < len && i < 6 && s[i] >= '0' && s[i] <= '9')
		*max = *max * 10 + (size_t)(s[i++] - '0');
	if (i == 0 || i >= len || s[i] != ':')
		return 0;
	if (memchr(s, '\t', len) || memchr(s, '\r', len) || memchr(s, '\n', len))
		return 0;
	return text_utf8_valid(s, len, NULL);
}

static int read_slug_line(struct memo *m, const char *p, const char *eol)
{
	const char *tab = memchr(p, '\t', (size_t)(eol - p));
	size_t max;
	if (!tab || !is_key(p, (size_t)(tab - p), &max) || !is_slug(tab + 1, (size_t)(eol - tab - 1)))
		return -1;
	if (max && (size_t)(eol - tab - 1) > max)
		return -1;
	char *key = arena_strndup(&m->a, p, (size_t)(tab - p));
	if (strmap_get(&m->slugs, key))
		return -1;
	strmap_put(&m->a, &m->slugs, key, arena_strndup(&m->a, tab + 1, (size_t)(eol - tab - 1)));
	ptrvec_push(&m->a, &m->keys, key);
	return 0;
}

static int read_hex(const char **p, const char *eol, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(*p, &end, 16);
	if (end == *p || end > eol || errno || v > 0x10FFFF)
		return -1;
	*out = (uint32_t)v;
	*p = end;
	return 0;
}

/* "t 6A02 6807": one pair; text_folder_new checks what they mean. */
static int read_ts_line(struct memo *m, const char *p, const char *eol, size_t *cap)
{
	uint32_t c, s;
	if (read_hex(&p, eol, &c) < 0 || *p++ != ' ' || read_hex(&p, eol, &s) < 0 || p != eol)
		return -1;
	if (m->nts == *cap) {
		*cap = *cap ? 2 * *cap : 4096;
		m->ts = xrealloc(m->ts, *cap * 2 * sizeof(*m->ts));
	}
	m->ts[2 * m->nts] = c;
	m->ts[2 * m->nts + 1] = s;
	m->nts++;
	return 0;
}

static int read_lines(struct memo *m, const char *p, const char *end)
{
	size_t cap = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol || eol - p < 2 || p[1] != ' ')
			return -1;
		int r = p[0] == 's' ? read_slug_line(m, p + 2, eol)
			: p[0] == 't' ? read_ts_line(m, p + 2, eol, &cap)
				      : -1;
		if (r < 0 || m->keys.len > MEMO_MAX_SLUGS)
			return -1;
		p = eol + 1;
	}
	return 0;
}

/* The memo's lines end with "sum <hash of the lines before it>\n", so that
 * a changed byte, which could still make a well-formed line (another slug),
 * is caught. Returns the length of the lines it covers, or (size_t)-1. */
#define SUM_LINE_LEN (4 + 16 + 1)
static size_t summed_len(const char *p, size_t len)
{
	if (len < SUM_LINE_LEN)
		return (size_t)-1;
	size_t body = len - SUM_LINE_LEN;
	char want[SUM_LINE_LEN + 1];
	snprintf(want, sizeof(want), "sum %016llx\n", (unsigned long long)hash_bytes(HASH_INIT, p, body));
	return memcmp(p + body, want, SUM_LINE_LEN) == 0 ? body : (size_t)-1;
}

static void forget(struct memo *m)
{
	arena_free(&m->a);
	memset(&m->slugs, 0, sizeof(m->slugs));
	memset(&m->keys, 0, sizeof(m->keys));
	free(m->ts);
	m->ts = NULL;
	m->nts = 0;
}

struct memo *memo_load(void)
{
	struct memo *m = xcalloc(1, sizeof(*m));
	char *dir = memo_cache_dir();
	m->header = dir ? memo_header() : NULL;
	if (!m->header) {
		free(dir);
		return m;
	}
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/memo", dir);
	m->dir = dir;
	m->path = buf_detach(&b, NULL);
	struct buf text = BUF_INIT;
	size_t hlen = strlen(m->header), blen;
	if (load_file(m->path, &text) == 0 && text.len >= hlen && memcmp(text.data, m->header, hlen) == 0 &&
	    ((blen = summed_len(text.data + hlen, text.len - hlen)) == (size_t)-1 ||
	     read_lines(m, text.data + hlen, text.data + hlen + blen) < 0))
		forget(m);	/* all or nothing: a damaged file is made afresh */
	buf_free(&text);
	return m;
}

/* ---- answers ---- */

size_t memo_count(const struct memo *m)
{
	return m ? m->keys.len : 0;
}

const char *memo_slug(const struct memo *m, const char *key)
{
	if (!m)
		return NULL;
	return strmap_get(&m->slugs, key);
}

void memo_add_slug(struct memo *m, const char *key, const char *slug)
{
	size_t max, klen = strlen(key), slen = strlen(slug);
	if (!m || !m->path || !is_key(key, klen, &max) || !is_slug(slug, slen) || strmap_get(&m->slugs, key))
		return;
	if (m->keys.len >= MEMO_MAX_SLUGS)
		forget(m);	/* full: keep what the builds of now need */
	char *k = arena_strndup(&m->a, key, klen);
	strmap_put(&m->a, &m->slugs, k, arena_strndup(&m->a, slug, slen));
	ptrvec_push(&m->a, &m->keys, k);
	m->changed = 1;
}

const uint32_t *memo_ts(const struct memo *m, size_t *n)
{
	*n = m->nts;
	return m->nts ? m->ts : NULL;
}

void memo_set_ts(struct memo *m, const uint32_t *pairs, size_t n)
{
	if (!m->path)
		return;
	free(m->ts);
	m->ts = xmalloc((n ? n : 1) * 2 * sizeof(*m->ts));
	memcpy(m->ts, pairs, n * 2 * sizeof(*m->ts));
	m->nts = n;
	m->changed = 1;
}

/* ---- writing ---- */

/* A build killed between writing its memo.<pid>.tmp and renaming it (a
 * second Ctrl-C under serve) leaves the file: one an hour old is no live
 * build's (a build writes and renames its own within milliseconds), and
 * goes. Only names of that form, only files. */
static void sweep_stale_tmp(const struct memo *m)
{
	DIR *dir = opendir(m->dir);
	if (!dir)
		return;
	const char *base = strrchr(m->path, '/');
	base = base ? base + 1 : m->path;
	size_t blen = strlen(base);
	time_t old = time(NULL) - 3600;
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *n = e->d_name;
		if (strlen(n) <= blen + 5 || strncmp(n, base, blen) != 0 || n[blen] != '.')
			continue;
		const char *pid = n + blen + 1;	/* memo.<digits>.tmp */
		size_t digits = strspn(pid, "0123456789");
		struct stat st;
		if (digits && strcmp(pid + digits, ".tmp") == 0 && fstatat(dirfd(dir), n, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < old)
			unlinkat(dirfd(dir), n, 0);
	}
	closedir(dir);
}

void memo_save(struct memo *m)
{
	if (!m->path)
		return;
	sweep_stale_tmp(m);
	if (!m->changed)
		return;
	struct buf b = BUF_INIT;
	buf_addstr(&b, m->header);
	for (size_t i = 0; i < m->nts; i++)
		buf_addf(&b, "t %X %X\n", (unsigned)m->ts[2 * i], (unsigned)m->ts[2 * i + 1]);
	for (size_t i = 0; i < m->keys.len; i++)
		buf_addf(&b, "s %s\t%s\n", (const char *)m->keys.items[i], (const char *)strmap_get(&m->slugs, m->keys.items[i]));
	size_t hlen = strlen(m->header);
	buf_addf(&b, "sum %016llx\n", (unsigned long long)hash_bytes(HASH_INIT, b.data + hlen, b.len - hlen));
	struct buf tmp = BUF_INIT;	/* memo.<pid>.tmp: each build its own */
	buf_addf(&tmp, "%s.%ld.tmp", m->path, (long)getpid());
	if (write_whole_file(tmp.data, b.data, b.len, NULL) < 0 || rename(tmp.data, m->path) < 0)
		unlink(tmp.data);
	buf_free(&tmp);
	buf_free(&b);
	m->changed = 0;
}

const char *memo_dir_of(const struct memo *m)
{
	return m ? m->dir : NULL;
}

void memo_off(struct memo *m)
{
	forget(m);
	free(m->path);
	m->path = NULL;
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	forget(m);
	free(m->dir);
	free(m->path);
	free(m->header);
	free(m);
}
