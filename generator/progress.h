/* progress: one line on the terminal saying what a long build is doing.
 *
 * Shown only where someone watches: when stderr is a terminal, and only
 * once the run has taken PROGRESS_DELAY seconds (a quick build prints
 * nothing extra). The line names the stage and its count, is redrawn in
 * place with '\r' about ten times a second by a thread of its own (only
 * when it changed), and is
 * erased at the end and before any message diag prints, so messages and
 * the summary line are never mixed with it. With progress_begin(0) every
 * call does nothing. */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>

#define PROGRESS_DELAY 1.0

/* Starts the clock (and, when enabled, the drawing thread). The delay is
 * PROGRESS_DELAY seconds, or $SITEGEN_PROGRESS_DELAY (for tests). */
void progress_begin(int enabled);
/* The stage now running: `what`, a format string literal with one %zu,
 * which shows count(arg) when count is not NULL, else `total`. count is
 * called from the drawing thread: it must be safe to call from any thread. */
void progress_stage(const char *what, size_t total, size_t (*count)(void *), void *arg);
/* The same for a stage whose total is known: `what` has two %zu, the count
 * so far (count(arg), or `total` when count is NULL) and `total`. */
void progress_stage_of(const char *what, size_t total, size_t (*count)(void *), void *arg);
/* Erases the line if it is shown (diag calls this before printing). */
void progress_clear(void);
/* Stops the drawing thread and erases the line. */
void progress_end(void);

#endif
