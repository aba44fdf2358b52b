/* write_changed: the files a commit of serve's build process wrote or
 * removed, kept for the server (write.h, write_watch_changed), which tells
 * the open pages: a page that is made of none of them (its own file, the
 * styles, scripts and images it loaded) need not reload. */
#include <string.h>
#include <sys/types.h>

#include "write.h"
#include "write_internal.h"
#include "write_watch_internal.h"

void write_watch_forget_changed(struct write_watch *ww)
{
	if (!ww)
		return;
	buf_free(&ww->changed);
	ww->nchanged = 0;
	ww->changed_known = 0;
}

void watch_note_changed(struct writer *w)
{
	struct write_watch *ww = w->watch;
	write_watch_forget_changed(ww);
	/* an output that was empty: every file is new, and no page was open
	 * on it that could stay */
	if (w->direct || w->all_ours || w->nstaged + w->nremoved > WRITE_CHANGED_MAX)
		return;
	for (size_t i = 0; i < w->nstaged; i++)
		buf_add(&ww->changed, w->staged[i], strlen(w->staged[i]) + 1);
	buf_add(&ww->changed, w->removed.data, w->removed.len);
	ww->nchanged = w->nstaged + w->nremoved;
	ww->changed_from = w->found_outputs;
	ww->changed_known = 1;
}

const char *write_watch_changed(const struct write_watch *ww, size_t *n, size_t *len, uint64_t *from)
{
	if (!ww || !ww->changed_known)
		return NULL;
	*from = ww->changed_from;
	*n = ww->nchanged;
	*len = ww->changed.len;
	return ww->changed.len ? ww->changed.data : "";
}
