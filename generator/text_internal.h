/* text_internal: what text.c and text_date.c share; not for other modules. */
#ifndef TEXT_INTERNAL_H
#define TEXT_INTERNAL_H

#include <unicode/utypes.h>

#include "buf.h"

/* Appends UTF-16 as UTF-8 (ill-formed units as U+FFFD). */
void text_buf_add_u16(struct buf *out, const UChar *u, int32_t n);

#endif
