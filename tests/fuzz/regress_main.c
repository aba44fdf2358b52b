/* regress_main: runs a fuzz target without libFuzzer, on files.
 *
 *   build/fuzz/fuzz_article FILE...
 *
 * Calls LLVMFuzzerInitialize (when the target has one), then
 * LLVMFuzzerTestOneInput once on the bytes of each FILE, in order. Exits 0
 * when every input ran; 1 when a file cannot be read. A crash (an abort from
 * a FUZZ_CHECK, a signal, a sanitizer report when built with one) or an
 * input that runs longer than FUZZ_REGRESS_TIMEOUT seconds (default 10) or
 * needs more than FUZZ_REGRESS_MEMORY_MB of address space (default 1024:
 * no seed needs a tenth of it; the generator's xalloc then exits with 2)
 * ends the run with a non-zero status, naming the file on stderr where it
 * can (a sanitizer's report exits on its own: regress.sh then runs the
 * files one by one to find it). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REGRESS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define REGRESS_ASAN 1
#endif

#ifdef REGRESS_ASAN
/* ASan reserves terabytes of address space, so RLIMIT_AS cannot bound
 * memory: refuse huge blocks instead (an output buffer doubling past the
 * limit). Only the driver sets this; the environment's ASAN_OPTIONS win. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "max_allocation_size_mb=1024:allocator_may_return_null=1";
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static const char *current = "(none)";

static void say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

static void on_signal(int sig)
{
	say(sig == SIGALRM ? "regress: timeout on " : "regress: crash on ");
	say(current);
	say("\n");
	if (sig == SIGALRM)
		_exit(124);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void limit_memory(void)
{
#ifndef REGRESS_ASAN
	const char *m = getenv("FUZZ_REGRESS_MEMORY_MB");
	long mb = m && *m ? atol(m) : 1024;
	struct rlimit rl;
	if (mb <= 0 || getrlimit(RLIMIT_AS, &rl) < 0)
		return;
	rlim_t want = (rlim_t)mb << 20;
	if (rl.rlim_max == RLIM_INFINITY || want < rl.rlim_max) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
}

/* xalloc exits (status 2) when memory runs out: say on which input. */
static void on_exit_during_input(void)
{
	alarm(0);	/* a leak checker may take its time after this */
	if (strcmp(current, "(none)") != 0) {
		say("regress: exit on ");
		say(current);
		say("\n");
	}
}

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *more = realloc(buf, cap *= 2);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	int err = ferror(f) || !buf;
	fclose(f);
	if (err) {
		free(buf);
		return -1;
	}
	/* exactly len bytes, as libFuzzer hands them over */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	*data = exact;
	*size = len;
	return 0;
}

int main(int argc, char **argv)
{
	const char *t = getenv("FUZZ_REGRESS_TIMEOUT");
	unsigned timeout = t && *t ? (unsigned)atoi(t) : 10;
	limit_memory();
	atexit(on_exit_during_input);
	signal(SIGALRM, on_signal);
	/* where a sanitizer handles a signal, leave it: its report says more */
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++) {
		struct sigaction old;
		if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			signal(fatal[i], on_signal);
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		uint8_t *data;
		size_t size;
		if (read_file(argv[i], &data, &size) < 0) {
			fprintf(stderr, "regress: cannot read %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		current = argv[i];
		alarm(timeout);
		LLVMFuzzerTestOneInput(data, size);
		alarm(0);
		current = "(none)";
		free(data);
	}
	return status;
}
