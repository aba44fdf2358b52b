/* fuzz_config: config.yml's text through config_parse, with messages
 * collected in a sink. The whole input is handed over (NUL bytes included,
 * as the parser's length argument allows), NUL-terminated as the loader
 * leaves it.
 *
 * Checks: whether it fails or not, every string the config holds is
 * readable; the values a config that parsed promises hold (home_latest in
 * 1…1000, clean slugs); a failure reported an error. */
#include "fuzz.h"

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "diag.h"

static void touch(const char *s)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(strlen(s) < (size_t)1 << 40);
}

static int slug_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || s[0] == '-' || s[n - 1] == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static void check_config(const struct config *cfg, int ok)
{
	touch(cfg->title);
	touch(cfg->description);
	touch(cfg->base_url);
	touch(cfg->language);
	touch(cfg->output_dir);
	FUZZ_CHECK(cfg->unsafe_html == 0 || cfg->unsafe_html == 1);
	FUZZ_CHECK(cfg->home_latest >= 1 && cfg->home_latest <= 1000);
	FUZZ_CHECK(cfg->sitemap_limit >= 1 && cfg->sitemap_limit <= 50000);
	FUZZ_CHECK(cfg->listing_limit >= 1 && cfg->listing_limit <= 1000);
	for (size_t i = 0; i < cfg->nprovinces; i++) {
		const struct config_province *p = &cfg->provinces[i];
		touch(p->name);
		for (size_t j = 0; j < p->ncities; j++) {
			const struct config_city *c = &p->cities[j];
			touch(c->name);
			FUZZ_CHECK(c->ndistricts == 0 || c->districts != NULL);
			for (size_t k = 0; k < c->ndistricts; k++)
				touch(c->districts[k]);
		}
	}
	for (size_t i = 0; i < cfg->nslugs; i++) {
		touch(cfg->slugs[i].name);
		touch(cfg->slugs[i].slug);
		FUZZ_CHECK(slug_ok(cfg->slugs[i].slug));
		FUZZ_CHECK(config_slug_override(cfg, cfg->slugs[i].name) != NULL);
	}
	(void)ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = fuzz_text(data, size);
	struct arena a = ARENA_INIT;
	struct buf sink = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &sink;
	d.strict = size && (data[0] & 1);
	struct config cfg;
	int rc = config_parse(&a, &d, "config.yml", src, size, &cfg);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc < 0)
		FUZZ_CHECK(d.errors > 0 && sink.len > 0);
	check_config(&cfg, rc == 0);
	(void)config_slug_override(&cfg, "离石区");
	buf_free(&sink);
	arena_free(&a);
	free(src);
	return 0;
}
