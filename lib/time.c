/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 3339 timestamps <-> microseconds since the epoch, without the locale. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

static int
num(const char *s, size_t len, size_t *i, int digits, int *out)
{
	int v = 0, k;

	for (k = 0; k < digits; k++, (*i)++) {
		if (*i >= len || !isdigit((unsigned char)s[*i]))
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
k8a_time_parse(const char *s, size_t len, int64_t *usec)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0;
	int64_t frac = 0, t;
	size_t i = 0;
	int fd = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (num(s, len, &i, 4, &y) || i >= len || s[i++] != '-' || num(s, len, &i, 2, &mo) ||
	    i >= len || s[i++] != '-' || num(s, len, &i, 2, &d))
		return K8A_FAILED;
	{
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap))
			return K8A_FAILED;
	}
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (num(s, len, &i, 2, &h) || i >= len || s[i++] != ':' || num(s, len, &i, 2, &mi))
			return K8A_FAILED;
		if (i < len && s[i] == ':') {
			i++;
			if (num(s, len, &i, 2, &se))
				return K8A_FAILED;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				for (i++; i < len && isdigit((unsigned char)s[i]); i++, fd++)
					if (fd < 6)
						frac = frac * 10 + (s[i] - '0');
				for (; fd < 6; fd++)
					frac *= 10;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return K8A_FAILED;
		if (i < len && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i < len && (s[i] == '+' || s[i] == '-')) {
			int sign = s[i++] == '-' ? -1 : 1;
			if (num(s, len, &i, 2, &oh))
				return K8A_FAILED;
			if (i < len && s[i] == ':')
				i++;
			if (i < len && num(s, len, &i, 2, &om))
				return K8A_FAILED;
			if (oh > 23 || om > 59) /* no zone is that far from UTC */
				return K8A_FAILED;
			oh *= sign;
			om *= sign;
		}
	}
	while (i < len && s[i] == ' ')
		i++;
	if (i != len)
		return K8A_FAILED;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - oh * 3600 - om * 60;
	*usec = t * 1000000 + frac;
	return K8A_OK;
}

void
k8a_time_format(int64_t usec, char out[64])
{
	int64_t secs = usec / 1000000, us = usec % 1000000, days, sod, z, era, doe, yoe, y, doy, mp, d, m;

	if (us < 0) {
		us += 1000000;
		secs--;
	}
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (int)y, (int)m, (int)d,
		(int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (int)us);
}
