#define _DEFAULT_SOURCE
#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Everything below is guarded by lock; the drawing thread sleeps on tick. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick = PTHREAD_COND_INITIALIZER;
static pthread_t drawer;
static int enabled, running, stopping;
static double started, delay = PROGRESS_DELAY;
static const char *stage;
static size_t total;
static size_t (*count_fn)(void *);
static void *count_arg;
static int of_total;	/* the stage's format has a second %zu: the total */
static size_t shown;	/* the width of the line on the terminal, 0 when none */
static char last[120];	/* the line as last drawn, while shown */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Erases the line (the caller holds the lock). */
static void erase(void)
{
	if (!shown)
		return;
	fprintf(stderr, "\r%*s\r", (int)shown, "");
	fflush(stderr);
	shown = 0;
}

/* Redraws the line when the run has taken long enough (lock held). */
static void draw(void)
{
	if (!stage || now() - started < delay)
		return;
	char line[120];
	int n = snprintf(line, sizeof(line), "sitegen: ");
	size_t done = count_fn ? count_fn(count_arg) : total;
	if (of_total)
		snprintf(line + n, sizeof(line) - (size_t)n, stage, done, total);
	else
		snprintf(line + n, sizeof(line) - (size_t)n, stage, done);
	/* the same line again: nothing to redraw */
	if (shown && strcmp(line, last) == 0)
		return;
	memcpy(last, line, sizeof(line));
	/* the width in columns: the stage names are ASCII */
	size_t width = strlen(line);
	fprintf(stderr, "\r%s%*s", line, shown > width ? (int)(shown - width) : 0, "");
	fflush(stderr);
	if (width > shown)
		shown = width;
}

static void *draw_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&tick, &lock, &until);
		if (!stopping)
			draw();
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void progress_begin(int on)
{
	const char *env = getenv("SITEGEN_PROGRESS_DELAY");
	delay = env && *env ? atof(env) : PROGRESS_DELAY;	/* (a kept process's next build may not set it) */
	started = now();
	enabled = on;
	/* no thread, no line: the run goes on without it */
	if (enabled && pthread_create(&drawer, NULL, draw_loop, NULL) == 0)
		running = 1;
}

static void set_stage(const char *what, size_t n, size_t (*count)(void *), void *arg, int with_total)
{
	if (!enabled)
		return;
	pthread_mutex_lock(&lock);
	stage = what;
	total = n;
	count_fn = count;
	count_arg = arg;
	of_total = with_total;
	draw();
	pthread_mutex_unlock(&lock);
}

void progress_stage(const char *what, size_t n, size_t (*count)(void *), void *arg)
{
	set_stage(what, n, count, arg, 0);
}

void progress_stage_of(const char *what, size_t n, size_t (*count)(void *), void *arg)
{
	set_stage(what, n, count, arg, 1);
}

void progress_clear(void)
{
	if (!enabled)
		return;
	pthread_mutex_lock(&lock);
	erase();
	pthread_mutex_unlock(&lock);
}

void progress_end(void)
{
	if (!enabled)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	count_fn = NULL;
	pthread_cond_signal(&tick);
	pthread_mutex_unlock(&lock);
	if (running)
		pthread_join(drawer, NULL);
	running = 0;
	erase();
	enabled = 0;
}
