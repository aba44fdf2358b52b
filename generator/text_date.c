/* text_date: calendar facts and dates for people (see text.h), split from
 * text.c to keep each file to one job. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

#include "text.h"
#include "text_internal.h"
#include "xalloc.h"

/* ---- calendar ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int text_days_in_month(int y, int m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int text_date_valid(int y, int m, int d)
{
	return y >= TEXT_YEAR_MIN && y <= TEXT_YEAR_MAX && d >= 1 && d <= text_days_in_month(y, m);
}

/* Days since 1970-01-01 (H. Hinnant's days_from_civil): years are shifted
 * to start in March so the leap day falls at the end. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int text_weekday(int y, int m, int d)
{
	if (!text_date_valid(y, m, d))
		return -1;
	/* 1970-01-01 was a Thursday (3). */
	return (int)((days_from_civil(y, m, d) % 7 + 7 + 3) % 7);
}

/* ---- dates for people ---- */

enum { FMT_DATE, FMT_PLAIN, FMT_SHORT, FMT_MONTH, FMT_YEAR, FMT_COUNT };

/* ICU patterns: only ASCII letters are fields, 年月日 are literal. */
static const char *const date_patterns[FMT_COUNT] = {
	[FMT_DATE] = "y年M月d日 EEEE",
	[FMT_PLAIN] = "y年M月d日",
	[FMT_SHORT] = "M月d日",
	[FMT_MONTH] = "y年M月",
	[FMT_YEAR] = "y年",
};

struct text_dates {
	UDateFormat *fmt[FMT_COUNT];
};

void text_dates_free(struct text_dates *dt)
{
	if (!dt)
		return;
	for (int i = 0; i < FMT_COUNT; i++)
		if (dt->fmt[i])
			udat_close(dt->fmt[i]);
	free(dt);
}

struct text_dates *text_dates_new(void)
{
	static const UChar utc[] = { 'U', 'T', 'C', 0 };
	struct text_dates *dt = xcalloc(1, sizeof(*dt));
	UErrorCode e = U_ZERO_ERROR;
	/* ICU's Gregorian calendar switches to Julian before 1582; the earliest
	 * possible change date makes it proleptic, like text_weekday. */
	UCalendar *cal = ucal_open(utc, -1, "zh_CN", UCAL_GREGORIAN, &e);
	ucal_setGregorianChange(cal, -1.84303902528e17, &e);
	for (int i = 0; i < FMT_COUNT && U_SUCCESS(e); i++) {
		UChar pat[32];
		u_strFromUTF8(pat, 32, NULL, date_patterns[i], -1, &e);
		dt->fmt[i] = udat_open(UDAT_PATTERN, UDAT_PATTERN, "zh_CN", utc, -1, pat, -1, &e);
		if (U_SUCCESS(e))
			udat_setCalendar(dt->fmt[i], cal);	/* copies it */
	}
	if (cal)
		ucal_close(cal);
	if (U_FAILURE(e)) {
		text_dates_free(dt);
		return NULL;
	}
	return dt;
}

static void format_date(struct text_dates *dt, int which, int y, int m, int d, struct buf *out)
{
	if (!text_date_valid(y, m, d))
		return;
	UChar u[64];
	UErrorCode e = U_ZERO_ERROR;
	UDate when = (double)days_from_civil(y, m, d) * 86400000.0;	/* midnight UTC */
	int32_t n = udat_format(dt->fmt[which], when, u, 64, NULL, &e);
	if (U_SUCCESS(e) && n <= 64)
		text_buf_add_u16(out, u, n);
}

void text_format_date(struct text_dates *dt, int y, int m, int d, struct buf *out)
{
	format_date(dt, FMT_DATE, y, m, d, out);
}

void text_format_date_plain(struct text_dates *dt, int y, int m, int d, struct buf *out)
{
	format_date(dt, FMT_PLAIN, y, m, d, out);
}

void text_format_date_short(struct text_dates *dt, int y, int m, int d, struct buf *out)
{
	format_date(dt, FMT_SHORT, y, m, d, out);
}

void text_format_month(struct text_dates *dt, int y, int m, struct buf *out)
{
	format_date(dt, FMT_MONTH, y, m, 1, out);
}

void text_format_year(struct text_dates *dt, int y, struct buf *out)
{
	format_date(dt, FMT_YEAR, y, 1, 1, out);
}

