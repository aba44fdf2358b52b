/* threads: how many worker threads a stage uses, and running them.
 *
 * Every multi-threaded stage hands out its work from a shared counter, so
 * the work gets done by however many threads could start: threads_run never
 * fails, and a stage that must wait for a part of the work to be finished
 * waits for that amount of work (struct threads_gate), never for a number
 * of threads. */
#ifndef THREADS_H
#define THREADS_H

#include <pthread.h>
#include <stddef.h>

/* `jobs` when positive (--jobs), else SITEGEN_JOBS from the environment,
 * else one per online core; at most 64. */
int threads_count(int jobs);

/* Runs worker(arg, k) for every k < n and returns once all have returned,
 * with results[k] (when results is not NULL) what each returned. Worker 0
 * runs in the calling thread, the others in threads of their own; a worker
 * whose thread cannot start runs in the calling thread after worker 0 (with
 * a warning on stderr), so every worker runs exactly once. Returns the number
 * of threads that could not start. */
size_t threads_run(size_t n, void *(*worker)(void *arg, size_t k), void *arg, void **results);
/* A build begins (build_run): threads_run's warning is said once a build,
 * also when one process builds many times (serve's kept build process). */
void threads_new_build(void);

/* Waits until `total` pieces of work are done, whoever did them. */
struct threads_gate {
	pthread_mutex_t lock;
	pthread_cond_t open;
	size_t done, total;
};

void threads_gate_init(struct threads_gate *g, size_t total);
/* Adds `done` finished pieces (the caller's share), then waits for all. */
void threads_gate_pass(struct threads_gate *g, size_t done);
void threads_gate_destroy(struct threads_gate *g);

#endif
