/* measure: runs a command and reports what it cost.
 *
 * usage: measure COMMAND [ARGS…]
 * Prints, on stderr after the command's own output, one line:
 *   measure: wall=S cpu=S rss_kb=N status=N
 * wall is elapsed time, cpu the command's user + system time (both threads
 * count), rss_kb its peak resident set size, as the kernel reports them
 * through wait4(2). The command's stdout passes through. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "measure: wall=%.3f cpu=%.3f rss_kb=%ld status=%d\n", wall,
		seconds(ru.ru_utime) + seconds(ru.ru_stime), ru.ru_maxrss, code);
	return code;
}
