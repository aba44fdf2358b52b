/* fmt: see fmt.h. */
#define _DEFAULT_SOURCE
#include "fmt.h"

#include <stdio.h>
#include <string.h>

struct out {
	char *dst;
	size_t room, n;		/* n: the length of the whole text, also past room */
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->n + 1 < o->room) {
		size_t fit = o->room - 1 - o->n;
		memcpy(o->dst + o->n, s, len < fit ? len : fit);
	}
	o->n += len;
}

static void put_repeat(struct out *o, char c, size_t k)
{
	while (k--)
		put(o, &c, 1);
}

/* A number in base 10 or 16 (lowercase), padded to width with '0' after
 * the sign or with spaces before it, as printf does. */
static void put_number(struct out *o, unsigned long long u, int neg, unsigned base, size_t width, int zero)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	do
		*--p = "0123456789abcdef"[u % base];
	while (u /= base);
	size_t len = (size_t)(e - p) + (neg ? 1 : 0);
	size_t pad = width > len ? width - len : 0;
	if (!zero)
		put_repeat(o, ' ', pad);
	if (neg)
		put(o, "-", 1);
	if (zero)
		put_repeat(o, '0', pad);
	put(o, p, (size_t)(e - p));
}

enum { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* One conversion after its '%' at *f (moved past it). Returns 0, or -1 for
 * what is left to vsnprintf. */
static int convert(struct out *o, const char **f, va_list *ap)
{
	const char *p = *f;
	int zero = 0, has_prec = 0, prec = 0, len = LEN_INT;
	size_t width = 0;
	while (*p == '0') {
		zero = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9')
		width = width * 10 + (size_t)(*p++ - '0');
	if (*p == '.') {
		has_prec = 1;
		p++;
		if (*p == '*') {
			prec = va_arg(*ap, int);
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				prec = prec * 10 + (*p++ - '0');
		}
	}
	if (*p == 'z') {
		len = LEN_SIZE;
		p++;
	} else if (p[0] == 'l' && p[1] == 'l') {
		len = LEN_LLONG;
		p += 2;
	} else if (*p == 'l') {
		len = LEN_LONG;
		p++;
	}
	char c = *p++;
	*f = p;
	int plain = !zero && !width && !has_prec && len == LEN_INT;
	switch (c) {
	case '%':
		if (!plain)
			return -1;
		put(o, "%", 1);
		return 0;
	case 'c': {
		if (!plain)
			return -1;
		char ch = (char)va_arg(*ap, int);
		put(o, &ch, 1);
		return 0;
	}
	case 's': {
		if (zero || width || len != LEN_INT)
			return -1;
		const char *s = va_arg(*ap, const char *);
		if (!s)
			return -1;	/* "(null)", or part of it: glibc's business */
		put(o, s, has_prec && prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
		return 0;
	}
	case 'd':
	case 'i': {
		if (has_prec || len == LEN_SIZE)
			return -1;
		long long v = len == LEN_LLONG ? va_arg(*ap, long long)
			      : len == LEN_LONG ? va_arg(*ap, long) : va_arg(*ap, int);
		unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
		put_number(o, u, v < 0, 10, width, zero);
		return 0;
	}
	case 'u':
	case 'x': {
		if (has_prec)
			return -1;
		unsigned long long u = len == LEN_LLONG ? va_arg(*ap, unsigned long long)
				       : len == LEN_LONG ? va_arg(*ap, unsigned long)
				       : len == LEN_SIZE ? va_arg(*ap, size_t) : va_arg(*ap, unsigned);
		put_number(o, u, 0, c == 'x' ? 16 : 10, width, zero);
		return 0;
	}
	default:
		return -1;
	}
}

/* The text between conversions goes in runs; a conversion it cannot do
 * gives up on the whole format. */
static int format(struct out *o, const char *fmt, va_list *ap)
{
	for (const char *f = fmt; *f;) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			put(o, f, strlen(f));
			break;
		}
		put(o, f, (size_t)(pct - f));
		f = pct + 1;
		if (convert(o, &f, ap) < 0)
			return -1;
	}
	return 0;
}

int fmt_vsnprintf(char *dst, size_t room, const char *fmt, va_list ap)
{
	struct out o = { dst, room, 0 };
	va_list cp;
	va_copy(cp, ap);
	int r = format(&o, fmt, &cp);
	va_end(cp);
	if (r < 0 || o.n > 0x7fffffff)
		return vsnprintf(dst, room, fmt, ap);
	if (room)
		dst[o.n < room ? o.n : room - 1] = '\0';
	return (int)o.n;
}
