/* tmpl_scan.c: reading a template's source, for the compiler.
 *
 * What a tag is and where it stands on its line depend only on the source and
 * the delimiters in force: nothing here makes an operation, so the whitespace
 * rules in tmpl_build.c are written in terms of these few tests. */
#include "tmpl_parse_internal.h"

#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r';
}

void tmpl_trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		++*s;
		--*n;
	}
	while (*n && is_space((*s)[*n - 1]))
		--*n;
}

size_t tmpl_find(const char *s, size_t len, size_t from, const char *needle, size_t n)
{
	while (from + n <= len) {
		const char *c = memchr(s + from, needle[0], len - n + 1 - from);
		if (!c)
			return NPOS;
		if (memcmp(c, needle, n) == 0)
			return (size_t)(c - s);
		from = (size_t)(c - s) + 1;
	}
	return NPOS;
}

int tmpl_clear_before(const struct parser *p, size_t pos, size_t *ls)
{
	size_t i = pos;
	while (i > 0 && is_blank(p->src[i - 1]))
		i--;
	if (i > 0 && p->src[i - 1] != '\n')
		return 0;
	*ls = i;
	return 1;
}

int tmpl_clear_after(const struct parser *p, size_t pos, size_t *le)
{
	size_t i = pos;
	while (i < p->len && is_blank(p->src[i]))
		i++;
	if (i == p->len)
		*le = i;
	else if (p->src[i] == '\n')
		*le = i + 1;
	else if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
		*le = i + 2;
	else
		return 0;
	return 1;
}

int tmpl_stands_alone(const struct parser *p, const struct tmpl_tag *tg, size_t *ls, size_t *le)
{
	return tmpl_clear_before(p, tg->start, ls) && tmpl_clear_after(p, tg->end, le);
}

size_t tmpl_blanks_at(const struct parser *p, size_t pos)
{
	size_t i = pos;
	while (i < p->len && is_blank(p->src[i]))
		i++;
	return i - pos;
}

/* {{{name}}} and {{=a b=}} end with this character before the delimiter. */
static char closing_char(char type)
{
	return type == '{' ? '}' : type == '=' ? '=' : 0;
}

int tmpl_scan_tag(struct parser *p, size_t o, struct tmpl_tag *tg)
{
	size_t i = o + p->olen;
	tg->start = o;
	tg->type = 0;
	if (i < p->len && p->src[i] && strchr("#^/!><$&{=", p->src[i]))
		tg->type = p->src[i++];
	char before = closing_char(tg->type);
	size_t c = tmpl_find(p->src, p->len, i, p->ctag, p->clen);
	while (c != NPOS && before && (c <= i || p->src[c - 1] != before))
		c = tmpl_find(p->src, p->len, c + 1, p->ctag, p->clen);
	if (c == NPOS) {
		tmpl_report(p, 1, o, "unclosed tag: '%.*s' without a matching '%.*s%.*s'", (int)p->olen, p->otag,
			    before != 0, &before, (int)p->clen, p->ctag);
		return 0;
	}
	tg->end = c + p->clen;
	tg->name = p->src + i;
	tg->name_len = (before ? c - 1 : c) - i;
	tmpl_trim(&tg->name, &tg->name_len);
	return 1;
}

/* The new delimiters point into the source, which outlives the parser. */
void tmpl_scan_delimiters(struct parser *p, const struct tmpl_tag *tg)
{
	const char *s = tg->name, *e = tg->name + tg->name_len;
	const char *a = s;
	while (a < e && !is_space(*a) && *a != '=')
		a++;
	const char *b = a;
	while (b < e && is_space(*b))
		b++;
	const char *c = b;
	while (c < e && !is_space(*c) && *c != '=')
		c++;
	if (a == s || b == a || b == e || c != e) {
		tmpl_report(p, 1, tg->start, "bad delimiter change: expected two delimiters, "
			    "like {{=<%% %%>=}}");
	} else {
		p->otag = s;
		p->olen = (size_t)(a - s);
		p->ctag = b;
		p->clen = (size_t)(e - b);
	}
}
