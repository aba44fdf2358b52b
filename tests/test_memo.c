/* The memo's reader (generator/memo.h) on every kind of damage: a memo file
 * that is not wholly sound is ignored, never half used. tests/memo.sh checks
 * the same through whole builds (same output with and without a memo). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hash.h"
#include "memo.h"
#include "text.h"

static char dir[] = "/tmp/test_memo.XXXXXX";
static char path[64], header[512];

/* header, body and the line "sum <hash of body>" a memo ends with */
static void write_memo(const char *body)
{
	FILE *f = fopen(path, "w");
	fputs(header, f);
	fputs(body, f);
	fprintf(f, "sum %016llx\n", (unsigned long long)hash_bytes(HASH_INIT, body, strlen(body)));
	fclose(f);
}

/* Loads a memo of header + body: does it hold its slugs (1) or nothing (0)? */
static void check_body(const char *what, const char *body, int sound)
{
	write_memo(body);
	struct memo *m = memo_load();
	size_t n;
	int holds = memo_count(m) > 0 || memo_ts(m, &n);
	check_int(what, holds, sound);
	memo_free(m);
}

/* The first line a memo must have, as this program writes it. */
static void learn_header(void)
{
	struct memo *m = memo_load();
	memo_add_slug(m, "48:离石区", "li-shi-qu");
	memo_save(m);
	memo_free(m);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(header, sizeof(header), f))
		header[0] = '\0';
	if (f)
		fclose(f);
}

static void round_trip(void)
{
	struct memo *m = memo_load();
	check_str("a saved slug is read back", memo_slug(m, "48:离石区"), "li-shi-qu");
	check_int("one slug", (long long)memo_count(m), 1);
	uint32_t pairs[] = { 0x6A19, 0x6807, 0x81FA, 0x53F0 };
	memo_set_ts(m, pairs, 2);
	memo_add_slug(m, "80:吕梁", "lv-liang");
	memo_add_slug(m, "48:tab\there", "x");	/* not kept: a tab */
	memo_add_slug(m, "48:甲", "Jia");	/* not kept: not a slug */
	memo_add_slug(m, "nokey", "x");		/* not kept: no max */
	memo_save(m);
	memo_free(m);
	m = memo_load();
	size_t n;
	const uint32_t *ts = memo_ts(m, &n);
	check_int("the table's pairs are read back", (long long)n, 2);
	check_int("… in order", ts && ts[0] == 0x6A19 && ts[3] == 0x53F0, 1);
	check_int("a key with a tab, a slug in capitals, a key with no limit: none kept", (long long)memo_count(m), 2);
	check_str("the second slug", memo_slug(m, "80:吕梁"), "lv-liang");
	check_int("an unknown key", memo_slug(m, "48:吕梁") == NULL, 1);
	memo_free(m);
}

static void damage(void)
{
	check_body("a sound memo is used", "s 48:离石区\tli-shi-qu\nt 6A19 6807\n", 1);
	check_body("a last line with no line break: ignored", "s 48:离石区\tli-shi-qu\ns 48:吕梁\tlv-li", 0);
	check_body("a slug in capitals: ignored", "s 48:离石区\tli-shi-qu\ns 48:吕梁\tLV\n", 0);
	check_body("a key named twice: ignored", "s 48:离石区\tli-shi-qu\ns 48:离石区\tli-shi-qu-2\n", 0);
	check_body("a slug longer than its limit: ignored", "s 4:离石区\tli-shi-qu\n", 0);
	check_body("a key with no limit: ignored", "s 离石区\tli-shi-qu\n", 0);
	check_body("an empty slug: ignored", "s 48:离石区\t\n", 0);
	check_body("invalid UTF-8 in a key: ignored", "s 48:\377\376\tli-shi-qu\n", 0);
	check_body("a line of an unknown kind: ignored", "s 48:离石区\tli-shi-qu\nx 1 2\n", 0);
	check_body("a pair that is not hex: ignored", "t 6A19 zz\n", 0);
	check_body("a pair past U+10FFFF: ignored", "t 6A19 110000\n", 0);
	check_body("a pair with trailing text: ignored", "t 6A19 6807 x\n", 0);
	check_body("a carriage return: ignored", "s 48:离石区\tli-shi-qu\r\n", 0);
	check_body("an empty memo knows nothing", "", 0);
	/* well-formed, but not what was saved: another slug, a missing sum */
	write_memo("s 48:离石区\tli-shi-qu\n");
	FILE *f0 = fopen(path, "r+");
	fseek(f0, (long)strlen(header) + (long)strlen("s 48:离石区\tli-"), SEEK_SET);
	fputc('x', f0);	/* li-xhi-qu: still a slug */
	fclose(f0);
	struct memo *m0 = memo_load();
	check_int("one byte changed, the lines still well-formed: ignored (the sum)", (long long)memo_count(m0), 0);
	memo_free(m0);
	f0 = fopen(path, "w");
	fputs(header, f0);
	fputs("s 48:离石区\tli-shi-qu\n", f0);
	fclose(f0);
	m0 = memo_load();
	check_int("no sum line: ignored", (long long)memo_count(m0), 0);
	memo_free(m0);
	/* pairs that are well-formed but no table (outside the Han blocks) are
	 * text_folder_new's to refuse: it builds its own from ICU */
	uint32_t bad[] = { 0x41, 0x42 };
	struct text_folder *f = text_folder_new(bad, 1);
	size_t n;
	uint32_t *pairs = f ? text_folder_ts_table(f, &n) : NULL;
	check_int("a folder given pairs outside the Han blocks makes ICU's table instead", pairs && n > 1000, 1);
	free(pairs);
	text_folder_free(f);
}

static void other_header(void)
{
	char saved[sizeof(header)];
	memcpy(saved, header, sizeof(saved));
	char *exe = strstr(header, "exe=");
	if (exe)
		exe[4] = exe[4] == '9' ? '8' : '9';	/* another binary */
	check_body("a memo of another build of the generator: ignored", "s 48:离石区\tli-shi-qu\n", 0);
	memcpy(header, saved, sizeof(header));
	FILE *f = fopen(path, "w");
	for (int i = 0; i < 3000; i++)
		fputc((i * 7919) % 251, f);
	fclose(f);
	struct memo *m = memo_load();
	check_int("a memo of random bytes knows nothing", (long long)memo_count(m), 0);
	memo_free(m);
}

int main(void)
{
	check_module = "memo";
	text_init();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("SITEGEN_CACHE_DIR", dir, 1);
	snprintf(path, sizeof(path), "%s/memo", dir);
	learn_header();
	check_int("the header names the binary, ICU and Unicode",
		  strncmp(header, "sitegen-memo 1 exe=", 19) == 0 && strstr(header, " icu=") && strstr(header, " unicode="), 1);
	round_trip();
	damage();
	other_header();
	setenv("SITEGEN_CACHE_DIR", "off", 1);
	struct memo *m = memo_load();
	memo_add_slug(m, "48:甲", "jia");
	check_int("SITEGEN_CACHE_DIR=off: nothing kept", (long long)memo_count(m), 0);
	memo_free(m);
	unlink(path);
	rmdir(dir);
	text_cleanup();
	return check_done("test_memo");
}
