/* serve_opts: what `sitegen serve` is told: its command line and, from the
 * config, base_url's path and output_dir. See serve_internal.h. */
#include "serve_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "load.h"
#include "xalloc.h"

void serve_usage(FILE *f)
{
	fputs("usage: sitegen serve [--port N] [--bind ADDR] [build options: --config, --content, --out, --theme,\n"
	      "                     --strict, --drafts, …]\n"
	      "Builds, serves the output at http://ADDR:N/ under base_url's path (--port defaults to 8080,\n"
	      "0 picks a free port; --bind to 127.0.0.1), and builds again when content, theme or config\n"
	      "change; open pages reload, or show the build's errors.\n", f);
}

/* Splits "--name=value" (value in *eq) from "--name"; name into a buffer. */
static const char *option_name(const char *a, char *name, size_t size, const char **eq)
{
	*eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
	if (!*eq || (size_t)(*eq - a) >= size)
		return a;
	memcpy(name, a, (size_t)(*eq - a));
	name[*eq - a] = '\0';
	(*eq)++;
	return name;
}

static int parse_port(const char *s, int *port)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (end == s || *end || errno || n < 0 || n > 65535) {
		fprintf(stderr, "sitegen: serve: --port: '%s' is not a port number from 0 to 65535\n", s);
		return -1;
	}
	*port = (int)n;
	return 0;
}

/* The build's options are passed on as they are, unchecked: the build says
 * what is wrong with them, as it would in `make site`. */
int serve_parse_opts(int argc, char **argv, struct serve_opts *o)
{
	const char *port = NULL;
	o->build_argv = xcalloc((size_t)argc + 4, sizeof(*o->build_argv));
	o->build_argv[o->build_argc++] = "sitegen";
	for (int i = 1; i < argc; i++) {
		char buf[32];
		const char *eq, *a = option_name(argv[i], buf, sizeof(buf), &eq);
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			serve_usage(stdout);
			exit(0);
		}
		const char **slot = strcmp(a, "--config") == 0 ? &o->config
				  : strcmp(a, "--content") == 0 ? &o->content
				  : strcmp(a, "--out") == 0 ? &o->out
				  : strcmp(a, "--theme") == 0 ? &o->theme
				  : strcmp(a, "--bind") == 0 ? &o->bind
				  : strcmp(a, "--port") == 0 ? &port : NULL;
		int own = slot == &o->bind || slot == &port;
		if (!own)
			o->build_argv[o->build_argc++] = argv[i];
		if (!slot)
			continue;
		if (!eq) {
			if (++i == argc) {
				fprintf(stderr, "sitegen: serve: %s needs a value\n", a);
				return -1;
			}
			eq = argv[i];
			if (!own)
				o->build_argv[o->build_argc++] = argv[i];
		}
		*slot = eq;
	}
	return port ? parse_port(port, &o->port) : 0;
}

/* Quietly: the build reports what is wrong with the config. */
int serve_read_config(const char *path, char **base, char **out_dir)
{
	struct arena a = ARENA_INIT;
	struct buf text = BUF_INIT, said = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &said;
	int r = -1;
	if (load_file(path, &text) == 0) {
		struct config cfg;
		char *src = arena_strndup(&a, text.data, text.len);
		if (config_parse(&a, &d, path, src, text.len, &cfg) == 0) {
			*base = serve_base_path(cfg.base_url);
			if (out_dir)
				*out_dir = xstrdup(cfg.output_dir);
			r = 0;
		}
	}
	buf_free(&text);
	buf_free(&said);
	arena_free(&a);
	return r;
}
