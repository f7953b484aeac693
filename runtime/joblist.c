/* joblist.c — a page of GitLab's job list (see joblist.h). */
#include "joblist.h"

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook.h"
#include "xalloc.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* n decimal digits at *p, after the separator sep unless it is '\0';
 * -1 if they are not there. */
static int digits(const char **p, char sep, int n)
{
	if(sep) {
		if(**p != sep)
			return -1;
		*p += 1;
	}
	int v = 0;
	for(int i = 0; i < n; i++) {
		if(!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

int iso_time_ms(const char *s, long long *ms)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y = digits(&p, '\0', 4);
	int mo = y < 0 ? -1 : digits(&p, '-', 2);
	int d = mo < 0 ? -1 : digits(&p, '-', 2);
	if(y < 0 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if(mo == 2 && d == 29 && !leap)
		return -1;
	int h = 0, mi = 0, sec = 0, frac = 0;
	long long offset = 0;  /* seconds east of UTC */
	if(*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		h = digits(&p, '\0', 2);
		mi = h < 0 ? -1 : digits(&p, ':', 2);
		if(mi >= 0 && *p == ':') {
			sec = digits(&p, ':', 2);
			if(*p == '.' || *p == ',') {
				p++;
				if(!isdigit((unsigned char)*p))
					return -1;
				for(int scale = 100; isdigit((unsigned char)*p); p++, scale /= 10)
					frac += (*p - '0') * scale;
			}
		}
		if(h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
			return -1;
		if(*p == 'Z' || *p == 'z') {
			p++;
		} else if(*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1;
			p++;
			int oh = digits(&p, '\0', 2);
			int om = oh < 0 ? -1 : digits(&p, *p == ':' ? ':' : '\0', 2);
			if(oh < 0 || oh > 23 || om < 0 || om > 59)
				return -1;
			offset = sign * (oh * 3600LL + om * 60LL);
		}
	}
	if(*p)
		return -1;
	long long t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600LL +
	              mi * 60LL + sec - offset;
	*ms = t * 1000 + frac;
	return 0;
}

/* A job's time for the range: finished_at, else created_at. */
static bool job_time(json_t *job, long long *ms)
{
	const char *t = json_string_value(json_object_get(job, "finished_at"));
	if(!t)
		t = json_string_value(json_object_get(job, "created_at"));
	return t && iso_time_ms(t, ms) == 0;
}

int joblist_parse(const char *body, size_t len, long long since_ms, long long until_ms,
                  struct joblist_page *p)
{
	memset(p, 0, sizeof *p);
	json_t *list = json_loadb(body ? body : "", body ? len : 0, 0, NULL);
	if(!json_is_array(list)) {
		json_decref(list);
		return -1;
	}
	p->listed = json_array_size(list);
	p->v = xcalloc(p->listed ? p->listed : 1, sizeof *p->v);
	size_t i;
	json_t *job;
	json_array_foreach(list, i, job) {
		json_t *id = json_object_get(job, "id");
		const char *status = json_string_value(json_object_get(job, "status"));
		long long t;
		if(!json_is_integer(id))
			continue;
		bool dated = job_time(job, &t);
		if(dated && t >= since_ms)
			p->recent = true;
		long long v = json_integer_value(id);
		if(!status || !webhook_status_finished(status) || !dated || t < since_ms ||
		   t >= until_ms || v <= 0)
			continue;
		char *text = json_dumps(job, JSON_COMPACT);
		if(!text) {
			fprintf(stderr, "failsig: out of memory\n");
			abort();
		}
		p->v[p->n].id = v;
		p->v[p->n].json = text;
		p->n++;
	}
	json_decref(list);
	return 0;
}

void joblist_free(struct joblist_page *p)
{
	for(size_t i = 0; i < p->n; i++)
		free(p->v[i].json);
	free(p->v);
	memset(p, 0, sizeof *p);
}

int joblist_next(const struct joblist_page *p, int page, const char *next_page)
{
	if(!p->listed || !p->recent || !next_page[0])
		return 0;
	long long next = 0;
	for(const char *s = next_page; *s; s++) {
		if(*s < '0' || *s > '9')
			return 0;
		next = next * 10 + (*s - '0');
		if(next > INT_MAX)
			return 0;
	}
	return next > page ? (int)next : 0;
}
