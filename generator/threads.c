#define _DEFAULT_SOURCE
#include "threads.h"

#include <stdlib.h>
#include <unistd.h>

#define THREADS_MAX 64

int threads_count(int jobs)
{
	if (jobs <= 0) {
		const char *env = getenv("SITEGEN_JOBS");
		jobs = env ? atoi(env) : 0;
	}
	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : (int)(n > THREADS_MAX ? THREADS_MAX : n);
	}
	return jobs > THREADS_MAX ? THREADS_MAX : jobs;
}
