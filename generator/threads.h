/* threads: how many worker threads a stage uses. */
#ifndef THREADS_H
#define THREADS_H

/* `jobs` when positive (--jobs), else SITEGEN_JOBS from the environment,
 * else one per online core; at most 64. */
int threads_count(int jobs);

#endif
