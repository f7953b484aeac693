/* fuzz_gitlab.c — a paginated GitLab list answer on any bytes: its headers
 * (runtime/glheaders.c) and its body, a page of jobs (runtime/joblist.c),
 * as `failsig fetch` reads them.
 *
 * The input is an HTTP answer: header lines up to the first empty line
 * ("\n\n" or "\r\n\r\n"), then the body; without an empty line it is all
 * headers and the body is empty. Checked:
 *   - the next page is "" or 1 to GL_PAGE_CAP-1 digits; Retry-After is -1 or
 *     finite and >= 0; the backoff it leads to lies in [0, max];
 *   - a status line forgets what the answer before it said;
 *   - feeding each line with or without its CRLF gives the same result;
 *   - joblist_next never goes back a page nor past INT_MAX;
 *   - joblist_parse fails only on a body that is not a JSON array, and then
 *     takes nothing; it takes at most the listed entries, each with a
 *     positive id, its JSON a compact object with that id, a finished
 *     status and a time in [since, until);
 *   - iso_time_ms on the first line of the body is deterministic and, when
 *     it accepts, the text starts with a 4-digit year. */
#include "fuzz.h"
#include "gitlab.h"
#include "glheaders.h"
#include "joblist.h"
#include "webhook.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

static const long long since_ms = 1448928000000LL;  /* 2015-12-01 */
static const long long until_ms = 1456790400000LL;  /* 2016-03-01 */

/* The header part of the input, line by line; with_crlf adds "\r\n" to a
 * line that lacks it, as curl hands lines over. */
static void feed(struct gl_headers *h, const char *p, size_t n, bool with_crlf, bool *last_status)
{
	gl_headers_reset(h);
	h->status = 0;
	*last_status = false;
	while(n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		char *line = malloc(len + 3);
		FUZZ_CHECK(line, "out of memory");
		memcpy(line, p, len);
		size_t ln = len;
		if(with_crlf) {
			line[ln++] = '\r';
			line[ln++] = '\n';
		}
		gl_headers_line(h, line, ln);
		*last_status = len >= 5 && memcmp(p, "HTTP/", 5) == 0;
		free(line);
		p += nl ? len + 1 : len;
		n -= nl ? len + 1 : len;
	}
}

static void check_headers(const struct gl_headers *h, bool last_status)
{
	const char *next = gl_headers_next_page(h);
	size_t n = strlen(next);
	FUZZ_CHECK(n < GL_PAGE_CAP && strspn(next, "0123456789") == n, "odd next page '%s'", next);
	FUZZ_CHECK(h->retry_after == -1 || (isfinite(h->retry_after) && h->retry_after >= 0),
	           "odd Retry-After %g", h->retry_after);
	if(last_status)
		FUZZ_CHECK(!next[0] && h->retry_after == -1, "a status line kept the previous answer's headers");
	unsigned seed = 1;
	for(unsigned attempt = 1; attempt < 40; attempt += 13) {
		double w = gitlab_backoff(attempt, h->retry_after, 2, 600, &seed);
		FUZZ_CHECK(isfinite(w) && w >= 0 && w <= 600, "backoff %g out of [0, 600]", w);
	}
}

static void check_job(const struct joblist_job *j)
{
	FUZZ_CHECK(j->id > 0, "id %lld taken", j->id);
	FUZZ_CHECK(j->json && !strchr(j->json, '\n'), "job JSON missing or not compact");
	json_t *o = json_loads(j->json, 0, NULL);
	FUZZ_CHECK(json_is_object(o), "taken JSON is not an object: %s", j->json);
	FUZZ_CHECK(json_integer_value(json_object_get(o, "id")) == j->id, "id differs from the JSON");
	const char *status = json_string_value(json_object_get(o, "status"));
	FUZZ_CHECK(status && webhook_status_finished(status), "unfinished job taken");
	const char *t = json_string_value(json_object_get(o, "finished_at"));
	if(!t)
		t = json_string_value(json_object_get(o, "created_at"));
	long long ms;
	FUZZ_CHECK(t && iso_time_ms(t, &ms) == 0, "job without a readable time taken");
	FUZZ_CHECK(ms >= since_ms && ms < until_ms, "job out of range taken (%lld)", ms);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t hlen = size, skip = 0;
	for(size_t i = 0; i + 1 < size; i++) {
		if(in[i] == '\n' && in[i + 1] == '\n') {
			hlen = i, skip = 2;
			break;
		}
		if(i + 3 < size && memcmp(in + i, "\r\n\r\n", 4) == 0) {
			hlen = i, skip = 4;
			break;
		}
	}
	struct gl_headers a, b;
	bool last_a, last_b;
	feed(&a, in, hlen, false, &last_a);
	feed(&b, in, hlen, true, &last_b);
	check_headers(&a, last_a);
	FUZZ_CHECK(a.status == b.status && strcmp(gl_headers_next_page(&a), gl_headers_next_page(&b)) == 0 &&
	           (a.retry_after == b.retry_after ||  /* an HTTP date: a second may pass */
	            (a.retry_after >= 0 && b.retry_after >= 0 && fabs(a.retry_after - b.retry_after) <= 2)),
	           "CRLF changed the headers' meaning");

	const char *body = in + hlen + skip;
	size_t blen = size - hlen - skip;
	struct joblist_page p;
	int rc = joblist_parse(body, blen, since_ms, until_ms, &p);
	json_t *doc = json_loadb(body, blen, 0, NULL);
	FUZZ_CHECK((rc == 0) == json_is_array(doc), "joblist_parse %d on %s array", rc,
	           json_is_array(doc) ? "an" : "no");
	FUZZ_CHECK(rc == 0 || (p.n == 0 && p.listed == 0), "a failed parse took jobs");
	FUZZ_CHECK(p.n <= p.listed && p.listed == json_array_size(doc), "more taken than listed");
	for(size_t i = 0; i < p.n; i++)
		check_job(&p.v[i]);
	json_decref(doc);
	const char *next = gl_headers_next_page(&a);
	for(int page = 1; page > 0 && page < INT_MAX / 8; page = page * 7 + 1) {
		int to = joblist_next(&p, page, next);
		FUZZ_CHECK(to == 0 || to > page, "page %d → %d", page, to);
		if(to)
			FUZZ_CHECK(p.recent && p.listed > 0, "a next page after an empty or old page");
	}
	joblist_free(&p);

	/* a time on the body's first line */
	size_t tl = 0;
	while(tl < blen && tl < 64 && body[tl] != '\n' && body[tl] != '\0')
		tl++;
	char t[65];
	memcpy(t, body, tl);
	t[tl] = '\0';
	long long m1 = 0, m2 = 0;
	int r1 = iso_time_ms(t, &m1), r2 = iso_time_ms(t, &m2);
	FUZZ_CHECK(r1 == r2 && (r1 != 0 || m1 == m2), "iso_time_ms not deterministic");
	if(r1 == 0)
		FUZZ_CHECK(strspn(t, "0123456789") >= 4, "time accepted without a year: %s", t);
	return 0;
}
