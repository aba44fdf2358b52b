/* sitegen: content/ + config.yml + theme/ → a static archive.
 *
 * The command line: which command (build, check, new; serve is serve.c's),
 * its options, and the summary line or the exit status. The work is done
 * by build.c (the pipeline) and new.c (a new article's file).
 *
 * Exit status: 0 success, 1 a failed build, check or new (the messages
 * say why), 2 a mistake on the command line (or, from xalloc, no memory). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "buf.h"
#include "keep.h"
#include "kept_loop.h"
#include "load.h"
#include "new.h"
#include "progress.h"
#include "serve.h"
#include "text.h"
#include "version.h"
#include "write.h"

static const char usage_text[] =
	"usage: sitegen [build] [OPTIONS]            build the archive into the output directory\n"
	"       sitegen check [OPTIONS]              report every problem, write nothing\n"
	"       sitegen serve [--port N] [--bind ADDR] [OPTIONS]\n"
	"                                            build, serve over HTTP, rebuild on change\n"
	"       sitegen new [--district D | --city C] [--date YYYY-MM-DD | YYYY-MM]\n"
	"                   [--slug SLUG] TITLE      start a new article's file (sitegen new --help)\n"
	"       sitegen --help | --version\n"
	"options (build, check, serve):\n"
	"  --config FILE        the config (default config.yml)\n"
	"  --content DIR        the articles (default content)\n"
	"  --out DIR            the output directory (default: the config's output_dir)\n"
	"  --theme DIR          the theme (default ./theme, else the installed one)\n"
	"  --strict             warnings are errors\n"
	"  --drafts             include articles marked draft\n"
	"  --quiet              print nothing on success\n"
	"  --jobs N             rendering threads, 1 to 64 (default: one per core)\n"
	"  --force              render everything even when no input changed\n"
	"  --keep[=MINUTES]     build: in a process kept for the next builds, which\n"
	"                       are then much quicker; it ends after MINUTES without\n"
	"                       one (default 10; --keep=0 ends it after this build)\n"
	"  --max-file-size N    refuse larger input files: bytes, or with K, M or G (default 8M)\n"
	"See sitegen(1).\n";

/* `sitegen new --help`: new's own options. */
static const char new_usage_text[] =
	"usage: sitegen new [--district D | --city C] [--date YYYY-MM-DD | YYYY-MM] [--slug SLUG]\n"
	"                   [--content DIR] [--config FILE] [--] TITLE\n"
	"writes CONTENT/<year>/<date>-<slug>.md with the front matter filled in and prints its path\n"
	"  --district D         the district or county the report is about (one of the config's)\n"
	"  --city C             or the city, when the text names no district\n"
	"  --date DATE          YYYY-MM-DD, or YYYY-MM when the day was not printed (default: today)\n"
	"  --slug SLUG          the file name's words: a-z, 0-9 and hyphens (default: the title's pinyin)\n"
	"  --content DIR        the articles (default content)\n"
	"  --config FILE        the config (default config.yml)\n"
	"See sitegen(1).\n";

/* The usage parse_opts prints: the general one, or a command's own. */
static const char *usage_of = usage_text;

static void usage(FILE *f)
{
	fputs(usage_of, f);
}

/* One option of a command: a value (--config FILE, --config=FILE) or a
 * switch (--strict). */
struct opt {
	const char *name;
	const char **value;
	int *flag;
};

static const struct opt *find_opt(const struct opt *opts, const char *name)
{
	for (; opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

/* Reads argv[first..argc) against opts; a word that is no option goes to
 * *positional when it is not NULL (one at most). --help and --version
 * answer and exit. Returns 0, or -1 after saying what is wrong. */
static int parse_opts(int argc, char **argv, int first, const struct opt *opts, const char **positional)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		int help = strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0, version = strcmp(a, "--version") == 0;
		if ((help || version) && argc != first + 1) {
			/* `--version extra` is as much a mistake as `check extra` */
			fprintf(stderr, "sitegen: %s takes no other argument\n", a);
			usage(stderr);
			return -1;
		}
		if (help) {
			usage(stdout);
			exit(0);
		}
		if (version) {
			printf("sitegen %s\n", SITEGEN_VERSION);
			exit(0);
		}
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (positional && !*positional) {
				*positional = a;
				continue;
			}
			fprintf(stderr, "sitegen: unexpected argument '%s'\n", a);
			usage(stderr);
			return -1;
		}
		if (strcmp(a, "--") == 0 && positional && !*positional && i + 2 == argc) {
			*positional = argv[++i];	/* a title that begins with '-' */
			continue;
		}
		/* --jobs=2 as well as --jobs 2: the value after '=' */
		const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
		char name[32];
		if (eq && (size_t)(eq - a) < sizeof(name)) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = '\0';
			a = name;
		}
		const struct opt *o = find_opt(opts, a);
		if (!o) {
			fprintf(stderr, "sitegen: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return -1;
		}
		if (o->flag && eq) {
			fprintf(stderr, "sitegen: %s takes no value\n", a);
			usage(stderr);
			return -1;
		}
		if (o->flag) {
			*o->flag = 1;
		} else if (eq) {
			*o->value = eq + 1;
		} else if (++i == argc) {
			fprintf(stderr, "sitegen: %s needs a value\n", a);
			return -1;
		} else {
			*o->value = argv[i];
		}
	}
	return 0;
}

/* The theme when --theme is not given: ./theme when there is one (a
 * checkout), else the one `make install` put beside the binary, in
 * <prefix>/share/sitegen/theme for <prefix>/bin/sitegen (found through
 * /proc/self/exe, so an installed tree may be moved, or staged with
 * DESTDIR, and still find its theme). */
static const char *default_theme(struct arena *a)
{
	struct stat st;
	if (stat("theme", &st) == 0)
		return "theme";
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "theme";
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';	/* <prefix>/bin */
	const char *installed = arena_sprintf(a, "%s/../share/sitegen/theme", exe);
	return stat(installed, &st) == 0 && S_ISDIR(st.st_mode) ? installed : "theme";
}

static int parse_build_args(int argc, char **argv, int first, struct build_options *o, struct arena *a)
{
	const char *jobs = NULL, *max_size = NULL;
	const struct opt opts[] = {
		{ "--config", &o->config, NULL }, { "--content", &o->content, NULL }, { "--out", &o->out, NULL },
		{ "--theme", &o->theme, NULL }, { "--jobs", &jobs, NULL }, { "--max-file-size", &max_size, NULL },
		{ "--strict", NULL, &o->strict }, { "--drafts", NULL, &o->drafts }, { "--quiet", NULL, &o->quiet },
		{ "--force", NULL, &o->force }, { NULL, NULL, NULL },
	};
	if (parse_opts(argc, argv, first, opts, NULL) < 0)
		return -1;
	if (!o->theme)
		o->theme = default_theme(a);
	if (jobs) {
		char *end;
		errno = 0;
		long n = strtol(jobs, &end, 10);
		if (end == jobs || *end || errno || n < 1 || n > 64) {
			fprintf(stderr, "sitegen: --jobs: '%s' is not a number of threads from 1 to 64\n", jobs);
			return -1;
		}
		o->jobs = (int)n;
	}
	size_t limit = LOAD_MAX_FILE_SIZE_DEFAULT;
	if (max_size && load_parse_size(max_size, &limit) < 0) {
		fprintf(stderr, "sitegen: --max-file-size: '%s' is not a size (bytes, or a number with K, M or G)\n",
			max_size);
		return -1;
	}
	load_set_max_file_size(limit);
	return 0;
}

/* What a finished build or check says: the summary on stdout, or why it
 * failed on stderr. Returns the exit status. */
static int report(const struct build_options *o, const struct diag *d, int r, const struct build_result *res)
{
	int failed = r < 0 || diag_failed(d);
	size_t errors = d->errors + (d->strict ? d->warnings : 0);
	const char *strict_note = d->strict && d->warnings ? " (warnings count under --strict)" : "";
	if (failed && o->check) {
		fprintf(stderr, "sitegen: check failed: %zu error(s)%s; nothing was written\n", errors, strict_note);
	} else if (failed) {
		fprintf(stderr, "sitegen: build failed: %zu error(s)%s; %s\n", errors, strict_note,
			r == -2   ? "the output may be partly updated: build again once the error is fixed"
			: r == -3 ? "the output was updated, but its state was not saved: the next build renders everything"
			: r == 0  ? "the output was updated (warnings while writing it count under --strict)"
				  : "the output was not changed");
	} else if (o->quiet) {
		/* nothing */
	} else if (o->check) {
		printf("sitegen: check: %zu articles, %zu pages, %zu link targets: no problems%s\n", res->articles,
		       res->written, res->links, d->warnings ? " (see the warnings above)" : "");
	} else if (res->nothing_changed) {
		printf("sitegen: nothing changed since the last build of %s\n", res->out);
	} else {
		printf("sitegen: %zu articles → %s (%zu files written, %zu unchanged, %zu removed)\n",
		       res->articles, res->out, res->written, res->unchanged, res->removed);
		if (res->search_made_whole)	/* the reason a rebuild took a whole build's time */
			printf("sitegen: the search index was made whole, not patched: %s\n", res->search_made_whole);
	}
	return failed ? 1 : 0;
}

/* One build or check with the options parsed: its messages, its summary.
 * Returns the exit status. */
static int build_once(const struct build_options *o)
{
	struct arena a = ARENA_INIT;
	struct diag d = DIAG_INIT;
	d.strict = o->strict;
	struct build_result res;
	progress_begin(!o->quiet && isatty(STDERR_FILENO));
	int r = build_run(o, &a, &d, &res);
	progress_end();
	int status = report(o, &d, r, &res);
	arena_free(&a);
	return status;
}

/* The process `sitegen build --keep` keeps (keep.h, kept_loop.h): ICU open
 * for all its builds. */
static void keep_worker(struct keep_server *s, void *ctx)
{
	text_init();
	kept_loop_keep(s, ctx, build_once);
	text_cleanup();
}

/* Takes --keep or --keep=MINUTES out of argv[first..*argc) (keep.h).
 * Returns 0 (*minutes -1 when it is not there), or -1 after saying what is
 * wrong. */
static int take_keep_option(int *argc, char **argv, int first, int *minutes)
{
	*minutes = -1;
	for (int i = first; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--keep") != 0 && strncmp(a, "--keep=", 7) != 0)
			continue;
		if (a[6] == '=') {
			char *end;
			errno = 0;
			long n = strtol(a + 7, &end, 10);
			if (a[7] < '0' || a[7] > '9' || *end || errno || n > 24 * 60) {
				fprintf(stderr, "sitegen: --keep: '%s' is not a number of minutes from 0 to 1440\n", a + 7);
				return -1;
			}
			*minutes = (int)n;
		} else if (i + 1 < *argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
			/* its value is optional, so it cannot come after a space */
			fprintf(stderr, "sitegen: --keep takes its minutes after '=': --keep=%s\n", argv[i + 1]);
			return -1;
		} else {
			*minutes = KEEP_MINUTES_DEFAULT;
		}
		memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof(*argv));	/* with argv[argc], NULL */
		(*argc)--;
		i--;
	}
	return 0;
}

/* The options a kept process is for (keep.h), as parsed: not as spelt or
 * ordered. */
static const char *kept_options(const struct build_options *o, struct arena *a)
{
	return arena_sprintf(a, "config=%s\ncontent=%s\nout=%s\ntheme=%s\nstrict=%d\ndrafts=%d\njobs=%d\nmax=%zu",
			     o->config, o->content, o->out ? o->out : "", o->theme, o->strict, o->drafts, o->jobs,
			     load_max_file_size());
}

/* build and check */
static int run_build(int argc, char **argv, int first, int check)
{
	struct arena a = ARENA_INIT;
	struct build_options o = { .config = "config.yml", .content = "content", .check = check };
	int keep = -1;
	if (take_keep_option(&argc, argv, first, &keep) < 0 || parse_build_args(argc, argv, first, &o, &a) < 0) {
		arena_free(&a);
		return 2;
	}
	/* set by serve for the process it keeps; not passed on */
	int worker = !check && getenv(SERVE_WORKER_ENV) && fcntl(SERVE_WORKER_FD, F_GETFD) >= 0;
	unsetenv(SERVE_WORKER_ENV);
	if (keep >= 0 && (check || worker)) {
		fprintf(stderr, check ? "sitegen: --keep is for builds: a check writes nothing to keep\n"
				      : "sitegen: serve: --keep is for `sitegen build`: serve keeps its build process\n");
		arena_free(&a);
		return 2;
	}
	if (keep >= 0) {
		int status = keep_build(kept_options(&o, &a), keep, o.force, o.quiet, keep_worker, &o);
		if (status != KEEP_NONE) {
			arena_free(&a);
			return status;
		}
	}
	text_init();
	int status = worker ? kept_loop_serve(&o, build_once) : build_once(&o);
	arena_free(&a);
	text_cleanup();		/* ICU's caches: so leak checkers see only our own memory */
	return status;
}

static int run_new(int argc, char **argv)
{
	struct new_options o = { .config = "config.yml", .content = "content" };
	const struct opt opts[] = {
		{ "--config", &o.config, NULL }, { "--content", &o.content, NULL }, { "--district", &o.district, NULL },
		{ "--city", &o.city, NULL }, { "--date", &o.date, NULL }, { "--slug", &o.slug, NULL },
		{ NULL, NULL, NULL },
	};
	usage_of = new_usage_text;
	if (parse_opts(argc, argv, 2, opts, &o.title) < 0)
		return 2;
	if (!o.title) {
		fprintf(stderr, "sitegen: new: give the article's title, e.g. sitegen new --district 离石区 \"标题\"\n");
		return 2;
	}
	text_init();
	struct arena a = ARENA_INIT;
	struct diag d = DIAG_INIT;
	int r = new_article(&o, &a, &d);
	arena_free(&a);
	text_cleanup();
	return r < 0 ? 1 : 0;
}

/* Transparent huge pages for malloc's memory, when asked for with
 * SITEGEN_HUGE_PAGES and the kernel gives them on request only (Debian's
 * default, "madvise"). A build touches 170 MB for one edit at 10,000
 * reports, 4 KiB at a time: on the host measured at stop 22 a page
 * fault was dear (21,000 faults and 1.15 s against 4,000 and 0.65 s with
 * huge pages). On the host measured at stop 25, the other way: half the
 * builds with huge pages spent 0.85-1.0 s more in the kernel, zeroing them
 * (clear_page_erms, a third of an added report's samples), and none
 * without (body edits at 10,000, six each alternated: 0.37-1.25 s against
 * 0.36-0.39 s): a virtual machine whose host backs fresh memory slowly
 * makes each 2 MiB page a stall. So off unless asked for. glibc takes the
 * tunable glibc.malloc.hugetlb=1 only at start: the program starts itself
 * again once with it set. Nothing is allocated before (the failure
 * injector counts allocations); under valgrind, which would not follow,
 * and wherever anything fails, the build goes on as it is. */
static void restart_with_huge_pages(char **argv)
{
	extern char **environ;
	static char tunables[4096];
	static char *env[1024];
	const char *had = getenv("GLIBC_TUNABLES"), *preload = getenv("LD_PRELOAD");
	const char *asked = getenv("SITEGEN_HUGE_PAGES");
	if (!asked || !*asked || strcmp(asked, "0") == 0 || (had && strstr(had, "glibc.malloc.hugetlb")) ||
	    (preload && strstr(preload, "vgpreload")))
		return;
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	if (!f)
		return;
	size_t n = fread(mode, 1, sizeof(mode) - 1, f);
	fclose(f);
	mode[n] = '\0';
	if (!strstr(mode, "[madvise]"))
		return;	/* always: malloc's memory has them already; never: none to be had */
	/* and the heaps grown 32 MiB at a time: one edit's 955 mprotect calls
	 * (41 ms) become 28 (a few percent of its time), unless the user chose */
	int len = snprintf(tunables, sizeof(tunables), "GLIBC_TUNABLES=%s%sglibc.malloc.hugetlb=1%s", had ? had : "",
			   had && *had ? ":" : "",
			   had && strstr(had, "glibc.malloc.top_pad") ? "" : ":glibc.malloc.top_pad=33554432");
	if (len < 0 || (size_t)len >= sizeof(tunables))
		return;
	size_t k = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "GLIBC_TUNABLES=", 15) != 0) {
			if (k + 2 >= sizeof(env) / sizeof(*env))
				return;
			env[k++] = *e;
		}
	env[k++] = tunables;
	env[k] = NULL;
	execve("/proc/self/exe", argv, env);	/* returns only when it failed */
}

int main(int argc, char **argv)
{
	const char *first = argc > 1 ? argv[1] : "";
	if (strcmp(first, "new") != 0 && strcmp(first, "--help") != 0 && strcmp(first, "--version") != 0)
		restart_with_huge_pages(argv);	/* for the builds (serve's too) */
	const char *cmd = argc > 1 ? argv[1] : "";
	if (strcmp(cmd, "build") == 0)
		return run_build(argc, argv, 2, 0);
	if (strcmp(cmd, "check") == 0)
		return run_build(argc, argv, 2, 1);
	if (strcmp(cmd, "new") == 0)
		return run_new(argc, argv);
	if (strcmp(cmd, "serve") == 0)
		return serve_main(argc - 1, argv + 1);
	if (*cmd && cmd[0] != '-') {
		fprintf(stderr, "sitegen: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	return run_build(argc, argv, 1, 0);
}
