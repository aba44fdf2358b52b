#define _DEFAULT_SOURCE
#include "threads.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

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

struct start {
	void *(*worker)(void *, size_t);
	void *arg, *result;
	size_t k;
	pthread_t thread;
	int started;
};

static void *trampoline(void *p)
{
	struct start *s = p;
	s->result = s->worker(s->arg, s->k);
	return NULL;
}

static atomic_int warned;	/* this build said threads could not start */

void threads_new_build(void)
{
	atomic_store(&warned, 0);
}

size_t threads_run(size_t n, void *(*worker)(void *arg, size_t k), void *arg, void **results)
{
	if (n == 0)
		return 0;
	struct start *s = xcalloc(n, sizeof(*s));
	size_t failed = 0;
	int err = 0;
	for (size_t k = 0; k < n; k++) {
		s[k] = (struct start){ .worker = worker, .arg = arg, .k = k };
		if (k == 0)
			continue;
		int e = pthread_create(&s[k].thread, NULL, trampoline, &s[k]);
		s[k].started = e == 0;
		if (e) {
			failed++;
			err = e;
		}
	}
	/* once per build: the same cause fails every stage's threads */
	if (failed && !atomic_exchange(&warned, 1))
		fprintf(stderr, "sitegen: warning: %zu of %zu threads could not start (%s): the build runs on fewer\n",
			failed, n, strerror(err));
	trampoline(&s[0]);
	for (size_t k = 1; k < n; k++)
		if (!s[k].started)
			trampoline(&s[k]);
	for (size_t k = 1; k < n; k++)
		if (s[k].started)
			pthread_join(s[k].thread, NULL);
	for (size_t k = 0; results && k < n; k++)
		results[k] = s[k].result;
	free(s);
	return failed;
}

void threads_gate_init(struct threads_gate *g, size_t total)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->open, NULL);
	g->done = 0;
	g->total = total;
}

void threads_gate_pass(struct threads_gate *g, size_t done)
{
	pthread_mutex_lock(&g->lock);
	g->done += done;
	if (g->done >= g->total)
		pthread_cond_broadcast(&g->open);
	while (g->done < g->total)
		pthread_cond_wait(&g->open, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

void threads_gate_destroy(struct threads_gate *g)
{
	pthread_cond_destroy(&g->open);
	pthread_mutex_destroy(&g->lock);
}
