/* fakegitlab.c — a fake GitLab REST API for the tests of runtime/gitlab.c
 * and of whatever talks to GitLab through it.
 *
 *   fakegitlab --dir DIR [--token TOKEN] [--port-file FILE] [--log FILE]
 *
 * Listens on 127.0.0.1 on an ephemeral port (written to --port-file once
 * listening, through a rename so a reader never sees half a number), one
 * thread per connection, until SIGTERM or SIGINT; then exits 0.
 *
 * What it serves is read from DIR at request time, so a test can add jobs
 * while it runs:
 *   DIR/jobs/ID.json    a REST job (GET .../jobs/ID, listed by GET .../jobs)
 *   DIR/traces/ID.log   its trace, any bytes (GET .../jobs/ID/trace)
 *   DIR/next_id         the id the next retried job gets (900001 at first)
 * Merge request notes live in memory.
 *
 * Routes (answers shaped like GitLab's, tests/fixtures/gitlab/ has examples):
 *   GET  /api/v4/projects/:p/jobs[?page&per_page&scope[]]  paginated, id descending
 *   GET  /api/v4/projects/:p/jobs/:id                      the job file
 *   GET  /api/v4/projects/:p/jobs/:id/trace                the trace file, streamed
 *   POST /api/v4/projects/:p/jobs/:id/retry                201, a new pending job
 *   GET|POST /api/v4/projects/:p/merge_requests/:iid/notes
 *   GET|PUT  /api/v4/projects/:p/merge_requests/:iid/notes/:id
 * With --token, a request under /api/ without that exact PRIVATE-TOKEN gets
 * 401. The control API under /_fake/ needs no token and is not recorded:
 *   POST   /_fake/faults    queue a fault: {"path": prefix, "method", "status",
 *                           "retry_after", "delay_ms", "drop", "count",
 *                           "body", "truncate"}; "body" answers that text
 *                           (status 200 unless given), "truncate": N sends
 *                           the normal answer's headers (its full
 *                           Content-Length) and closes the connection after
 *                           N bytes of its body
 *   DELETE /_fake/faults    forget every fault
 *   GET    /_fake/requests  every request so far: [{"method", "path", "query",
 *                           "token_ok", "status", "at", "client_port"}]
 *   DELETE /_fake/requests  forget them
 *   PUT    /_fake/config    {"link_only": true}: paginate with Link only, as
 *                           GitLab's keyset pagination does (no X-*-Page)
 * Every recorded request is also appended to --log as one JSON line.
 *
 * A "drop" on a connection the client reuses looks like a stale keep-alive
 * connection: libcurl then sends a GET again by itself, so the client sees
 * the next answer; give the fault "count": 2 to make it visible anyway. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "xalloc.h"

enum {
	CONTROL_BODY_CAP = 64 << 10,  /* a fault description is a few dozen bytes */
	API_BODY_CAP = 1 << 20,       /* GitLab caps a note at 1,000,000 characters */
	JOB_FILE_CAP = 16 << 20,      /* same as JOB_MAX_JSON */
	FIRST_JOB_ID = 900001,
	DEFAULT_PER_PAGE = 20,        /* GitLab's defaults and maximum */
	MAX_PER_PAGE = 100,
	MAX_DELAY_MS = 60000,
	MAX_EXTRA_HEADERS = 12,
	MAX_SEGMENTS = 6,
};

struct fault {
	char *path;            /* prefix of the request path; NULL: any */
	char *method;          /* NULL: any */
	int status;            /* 0: answer normally (after the delay) */
	char *retry_after;     /* Retry-After value or NULL */
	long delay_ms;
	bool drop;             /* close the connection without an answer */
	char *body;            /* answer this text instead, or NULL */
	long long truncate;    /* >= 0: cut the answer's body after this many bytes */
	long count;            /* requests it still applies to */
	struct fault *next;
};

struct note {
	long long id;
	char *project;
	long long iid;
	char *body;
	char created_at[32];
	char updated_at[32];
	struct note *next;
};

/* Everything requests share; lock guards every field below it. */
static struct {
	const char *dir;
	const char *token;      /* NULL: no check */
	const char *default_trace; /* --default-trace: served for jobs without a trace file */
	FILE *log;
	atomic_bool stopping;   /* delays end early so the daemon can stop */
	pthread_mutex_t lock;
	struct fault *faults;   /* in the order they were queued */
	json_t *requests;       /* array of request records */
	struct note *notes;     /* newest first */
	long long next_note;
	bool link_only;
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER, .next_note = 1};

/* The body of one request, collected across MHD's upload calls. */
struct req {
	struct dynbuf body;
	bool too_big;
};

struct header {
	char *name;
	char *value;
};

/* What to answer; filled by a handler, sent by send_answer. */
struct answer {
	unsigned status;
	char *data;             /* malloc'd, or NULL */
	size_t len;
	int fd;                 /* >= 0: stream this file of fdsize bytes instead */
	uint64_t fdsize;
	const char *ctype;
	struct header extra[MAX_EXTRA_HEADERS];
	int nextra;
	long long truncate;     /* >= 0: close the connection after this many body bytes */
};

/* The body of an answer cut short by a "truncate" fault: MHD announces the
 * full length, then the reader stops (a trace cut off mid-stream). */
struct cut_body {
	int fd;                 /* >= 0: read from this file; else from data */
	char *data;
	uint64_t limit;
};

/* ---- small helpers ---- */

static void now_iso(char *dst, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	char sec[24];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(dst, cap, "%s.%03ldZ", sec, ts.tv_nsec / 1000000);
}

static bool is_id(const char *s)
{
	size_t n = strlen(s);
	if(n == 0 || n > 18)
		return false;
	for(; *s; s++) {
		if(*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* The whole file, NUL-terminated, or NULL with errno set (EFBIG over cap). */
static char *read_file(const char *path, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if(!f)
		return NULL;
	struct dynbuf b;
	char chunk[65536];
	bool ok = true;
	dynbuf_init(&b, cap);
	for(;;) {
		size_t n = fread(chunk, 1, sizeof chunk, f);
		if(n == 0)
			break;
		ok = dynbuf_add(&b, chunk, n);
		if(!ok)
			break;
	}
	int err = ok ? (ferror(f) ? EIO : 0) : EFBIG;
	fclose(f);
	if(err) {
		dynbuf_free(&b);
		errno = err;
		return NULL;
	}
	return dynbuf_take(&b, len);
}

/* Write data to path through path.tmp + rename: readers see all or nothing. */
static int write_file(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if(!f)
		return -1;
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if(!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void sleep_ms(long ms)
{
	/* in slices, so that SIGTERM does not wait for a long delay */
	while(ms > 0 && !atomic_load(&fake.stopping)) {
		long step = ms < 20 ? ms : 20;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* ---- answers ---- */

static void add_header(struct answer *a, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_header(struct answer *a, const char *name, const char *fmt, ...)
{
	if(a->nextra == MAX_EXTRA_HEADERS)
		abort();  /* a programming error: raise MAX_EXTRA_HEADERS */
	struct dynbuf b;
	va_list ap;
	char small[1024];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	dynbuf_init(&b, (size_t)1 << 20);
	if(n >= 0 && (size_t)n < sizeof small) {
		dynbuf_add(&b, small, (size_t)n);
	} else if(n >= 0) {
		char *big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		dynbuf_add(&b, big, (size_t)n);
		free(big);
	}
	a->extra[a->nextra].name = xstrdup(name);
	a->extra[a->nextra].value = dynbuf_take(&b, NULL);
	a->nextra++;
}

/* Answer with a JSON value (consumed). */
static void answer_json(struct answer *a, unsigned status, json_t *v)
{
	a->status = status;
	a->ctype = "application/json";
	a->data = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if(!a->data)
		abort();
	a->len = strlen(a->data);
	json_decref(v);
}

/* GitLab's error shapes: {"message": "404 Not found"} from the API,
 * {"error": "..."} for bad parameters. */
static void answer_message(struct answer *a, unsigned status, const char *msg)
{
	answer_json(a, status, json_pack("{s:s}", "message", msg));
}

static void answer_error(struct answer *a, unsigned status, const char *msg)
{
	answer_json(a, status, json_pack("{s:s}", "error", msg));
}

static void answer_not_found(struct answer *a)
{
	answer_message(a, 404, "404 Not found");
}

static ssize_t read_cut(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut_body *c = cls;
	if(pos >= c->limit)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if(max > c->limit - pos)
		max = (size_t)(c->limit - pos);
	if(c->fd < 0) {
		memcpy(buf, c->data + pos, max);
		return (ssize_t)max;
	}
	ssize_t n = pread(c->fd, buf, max, (off_t)pos);
	return n > 0 ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void free_cut(void *cls)
{
	struct cut_body *c = cls;
	if(c->fd >= 0)
		close(c->fd);
	free(c->data);
	free(c);
}

static struct MHD_Response *cut_response(struct answer *a)
{
	struct cut_body *c = xcalloc(1, sizeof *c);
	uint64_t size = a->fd >= 0 ? a->fdsize : a->len;
	c->fd = a->fd;
	c->data = a->data;
	c->limit = (uint64_t)a->truncate < size ? (uint64_t)a->truncate : size;
	struct MHD_Response *resp = MHD_create_response_from_callback(size, 64 << 10, read_cut, c,
	                                                              free_cut);
	if(!resp)
		free_cut(c);
	a->fd = -1;  /* owned by the response (or freed) now */
	a->data = NULL;
	return resp;
}

static enum MHD_Result send_answer(struct MHD_Connection *conn, struct answer *a)
{
	struct MHD_Response *resp;
	if(a->truncate >= 0 && (a->fd >= 0 || a->data))
		resp = cut_response(a);
	else if(a->fd >= 0)
		resp = MHD_create_response_from_fd64(a->fdsize, a->fd);
	else if(a->data)
		resp = MHD_create_response_from_buffer(a->len, a->data, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_NO;
	if(resp) {
		if(a->ctype)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->ctype);
		for(int i = 0; i < a->nextra; i++)
			MHD_add_response_header(resp, a->extra[i].name, a->extra[i].value);
		ret = MHD_queue_response(conn, a->status, resp);
		MHD_destroy_response(resp);
	} else if(a->fd >= 0) {
		close(a->fd);
	} else {
		free(a->data);
	}
	for(int i = 0; i < a->nextra; i++) {
		free(a->extra[i].name);
		free(a->extra[i].value);
	}
	return ret;
}

/* ---- the request record ---- */

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	struct dynbuf *q = cls;
	dynbuf_printf(q, "%s%s%s%s", q->len ? "&" : "", key, value ? "=" : "", value ? value : "");
	return MHD_YES;
}

/* The query string as decoded arguments joined again ("page=2&scope[]=failed"). */
static char *query_of(struct MHD_Connection *conn)
{
	struct dynbuf q;
	dynbuf_init(&q, 64 << 10);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	return dynbuf_take(&q, NULL);
}

static int client_port(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if(!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
		return 0;
	return ntohs(((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_port);
}

static void record(struct MHD_Connection *conn, const char *method, const char *url,
                   bool token_ok, unsigned status)
{
	char at[40];
	char *query = query_of(conn);
	now_iso(at, sizeof at);
	json_t *r = json_pack("{s:s,s:s,s:s,s:b,s:i,s:s,s:i}", "method", method, "path", url,
	                      "query", query, "token_ok", token_ok, "status", (int)status, "at", at,
	                      "client_port", client_port(conn));
	free(query);
	if(!r)
		return;  /* a path that is not UTF-8: not worth recording */
	pthread_mutex_lock(&fake.lock);
	if(fake.log) {
		char *line = json_dumps(r, JSON_COMPACT);
		if(line) {
			fprintf(fake.log, "%s\n", line);
			fflush(fake.log);
			free(line);
		}
	}
	json_array_append_new(fake.requests, r);
	pthread_mutex_unlock(&fake.lock);
}

/* ---- faults ---- */

static void fault_free(struct fault *f)
{
	free(f->path);
	free(f->method);
	free(f->retry_after);
	free(f->body);
	free(f);
}

static int clear_faults(void)
{
	int n = 0;
	while(fake.faults) {
		struct fault *f = fake.faults;
		fake.faults = f->next;
		fault_free(f);
		n++;
	}
	return n;
}

/* The first queued fault that matches, used once: a copy in *out (free its
 * strings with fault_free's fields), or false. */
static bool take_fault(const char *url, const char *method, struct fault *out)
{
	bool found = false;
	pthread_mutex_lock(&fake.lock);
	for(struct fault **pp = &fake.faults; *pp; pp = &(*pp)->next) {
		struct fault *f = *pp;
		if(f->path && strncmp(url, f->path, strlen(f->path)) != 0)
			continue;
		if(f->method && strcasecmp(method, f->method) != 0)
			continue;
		*out = *f;
		out->path = NULL;
		out->method = NULL;
		out->retry_after = f->retry_after ? xstrdup(f->retry_after) : NULL;
		out->body = f->body ? xstrdup(f->body) : NULL;
		out->next = NULL;
		found = true;
		if(--f->count <= 0) {
			*pp = f->next;
			fault_free(f);
		}
		break;
	}
	pthread_mutex_unlock(&fake.lock);
	return found;
}

/* A fault from its JSON description; NULL with why in err. */
static struct fault *fault_parse(json_t *o, const char **err)
{
	json_t *path = json_object_get(o, "path"), *method = json_object_get(o, "method");
	json_t *status = json_object_get(o, "status"), *ra = json_object_get(o, "retry_after");
	json_t *delay = json_object_get(o, "delay_ms"), *drop = json_object_get(o, "drop");
	json_t *count = json_object_get(o, "count");
	json_t *body = json_object_get(o, "body"), *truncate = json_object_get(o, "truncate");
	*err = NULL;
	if(!json_is_object(o))
		*err = "expected a JSON object";
	else if((path && !json_is_string(path)) || (method && !json_is_string(method)))
		*err = "path and method must be strings";
	else if(status && (!json_is_integer(status) || json_integer_value(status) < 100 ||
	                   json_integer_value(status) > 599))
		*err = "status must be an integer from 100 to 599";
	else if(ra && !json_is_string(ra) && !json_is_integer(ra))
		*err = "retry_after must be a string or an integer";
	else if(delay && (!json_is_integer(delay) || json_integer_value(delay) < 0 ||
	                  json_integer_value(delay) > MAX_DELAY_MS))
		*err = "delay_ms must be an integer from 0 to 60000";
	else if(drop && !json_is_boolean(drop))
		*err = "drop must be a boolean";
	else if(count && (!json_is_integer(count) || json_integer_value(count) < 1))
		*err = "count must be a positive integer";
	else if(body && !json_is_string(body))
		*err = "body must be a string";
	else if(truncate && (!json_is_integer(truncate) || json_integer_value(truncate) < 0))
		*err = "truncate must be a non-negative integer";
	if(*err)
		return NULL;
	struct fault *f = xcalloc(1, sizeof *f);
	f->path = path ? xstrdup(json_string_value(path)) : NULL;
	f->method = method ? xstrdup(json_string_value(method)) : NULL;
	f->delay_ms = delay ? (long)json_integer_value(delay) : 0;
	f->drop = json_is_true(drop);
	f->count = count ? (long)json_integer_value(count) : 1;
	f->body = body ? xstrdup(json_string_value(body)) : NULL;
	f->truncate = truncate ? (long long)json_integer_value(truncate) : -1;
	/* a fault that says nothing else is a server error */
	f->status = status ? (int)json_integer_value(status)
	          : f->body ? 200 : (f->drop || f->delay_ms || f->truncate >= 0 ? 0 : 500);
	if(json_is_string(ra)) {
		f->retry_after = xstrdup(json_string_value(ra));
	} else if(ra) {
		char n[32];
		snprintf(n, sizeof n, "%" JSON_INTEGER_FORMAT, json_integer_value(ra));
		f->retry_after = xstrdup(n);
	}
	if(f->retry_after && strpbrk(f->retry_after, "\r\n")) {
		fault_free(f);
		*err = "retry_after must be one line";
		return NULL;
	}
	return f;
}

/* ---- the control API ---- */

static void control_faults(const char *method, struct req *q, struct answer *a)
{
	if(strcmp(method, "DELETE") == 0) {
		pthread_mutex_lock(&fake.lock);
		int n = clear_faults();
		pthread_mutex_unlock(&fake.lock);
		answer_json(a, 200, json_pack("{s:i}", "cleared", n));
		return;
	}
	if(strcmp(method, "POST") != 0) {
		answer_error(a, 405, "use POST or DELETE");
		return;
	}
	json_error_t je;
	json_t *o = json_loadb(q->body.ptr ? q->body.ptr : "", q->body.len, 0, &je);
	const char *err = "invalid JSON";
	struct fault *f = o ? fault_parse(o, &err) : NULL;
	json_decref(o);
	if(!f) {
		answer_error(a, 400, err);
		return;
	}
	int n = 1;
	pthread_mutex_lock(&fake.lock);
	struct fault **pp = &fake.faults;
	for(; *pp; pp = &(*pp)->next)
		n++;
	*pp = f;
	pthread_mutex_unlock(&fake.lock);
	answer_json(a, 201, json_pack("{s:i}", "queued", n));
}

static void control_requests(const char *method, struct answer *a)
{
	pthread_mutex_lock(&fake.lock);
	if(strcmp(method, "GET") == 0) {
		answer_json(a, 200, json_deep_copy(fake.requests));
	} else if(strcmp(method, "DELETE") == 0) {
		size_t n = json_array_size(fake.requests);
		json_array_clear(fake.requests);
		answer_json(a, 200, json_pack("{s:i}", "cleared", (int)n));
	} else {
		answer_error(a, 405, "use GET or DELETE");
	}
	pthread_mutex_unlock(&fake.lock);
}

static void control_config(const char *method, struct req *q, struct answer *a)
{
	if(strcmp(method, "PUT") != 0) {
		answer_error(a, 405, "use PUT");
		return;
	}
	json_error_t je;
	json_t *o = json_loadb(q->body.ptr ? q->body.ptr : "", q->body.len, 0, &je);
	json_t *lo = json_object_get(o, "link_only");
	if(!json_is_boolean(lo)) {
		json_decref(o);
		answer_error(a, 400, "expected {\"link_only\": true|false}");
		return;
	}
	pthread_mutex_lock(&fake.lock);
	fake.link_only = json_is_true(lo);
	pthread_mutex_unlock(&fake.lock);
	json_decref(o);
	answer_json(a, 200, json_pack("{s:b}", "link_only", json_is_true(lo)));
}

static void control(const char *url, const char *method, struct req *q, struct answer *a)
{
	if(q->too_big)
		answer_error(a, 413, "control requests are limited to 65536 bytes");
	else if(strcmp(url, "/_fake/faults") == 0)
		control_faults(method, q, a);
	else if(strcmp(url, "/_fake/requests") == 0)
		control_requests(method, a);
	else if(strcmp(url, "/_fake/config") == 0)
		control_config(method, q, a);
	else
		answer_error(a, 404, "no such control endpoint");
}

/* ---- pagination ---- */

static int int_arg(struct MHD_Connection *conn, const char *name, int dflt, int lo, int hi)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
	if(!v || !is_id(v))
		return dflt;
	long long n = atoll(v);
	return n < lo ? lo : n > hi ? hi : (int)n;
}

/* Query arguments other than page and per_page, encoded again for Link. */
struct link_args {
	struct dynbuf q;
};

static void add_encoded(struct dynbuf *b, const char *s)
{
	for(; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		   strchr("-._~", c))
			dynbuf_add(b, s, 1);
		else
			dynbuf_printf(b, "%%%02X", c);
	}
}

static enum MHD_Result add_link_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	struct dynbuf *b = cls;
	if(strcmp(key, "page") == 0 || strcmp(key, "per_page") == 0)
		return MHD_YES;
	dynbuf_adds(b, "&");
	add_encoded(b, key);
	dynbuf_adds(b, "=");
	add_encoded(b, value ? value : "");
	return MHD_YES;
}

/* Answer one page of items (a JSON array, consumed; already in order) with
 * GitLab's pagination headers. */
static void answer_page(struct MHD_Connection *conn, const char *url, json_t *items,
                        struct answer *a)
{
	int per_page = int_arg(conn, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
	int page = int_arg(conn, "page", 1, 1, 1 << 30);
	int total = (int)json_array_size(items);
	int pages = total ? (total + per_page - 1) / per_page : 1;
	json_t *out = json_array();
	for(long i = (long)(page - 1) * per_page; i < (long)page * per_page && i < total; i++)
		json_array_append(out, json_array_get(items, (size_t)i));
	json_decref(items);

	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	struct dynbuf rest, link;
	dynbuf_init(&rest, 64 << 10);
	dynbuf_init(&link, 256 << 10);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_link_arg, &rest);
	const char *args = rest.ptr ? rest.ptr : "";
	struct {
		const char *rel;
		int page;
		bool present;
	} rels[] = {
		{"prev", page - 1, page > 1},
		{"next", page + 1, page < pages},
		{"first", 1, true},
		{"last", pages, true},
	};
	for(size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
		if(!rels[i].present)
			continue;
		dynbuf_printf(&link, "%s<http://%s%s?page=%d&per_page=%d%s>; rel=\"%s\"",
		              link.len ? ", " : "", host ? host : "127.0.0.1", url, rels[i].page,
		              per_page, args, rels[i].rel);
	}
	pthread_mutex_lock(&fake.lock);
	bool link_only = fake.link_only;
	pthread_mutex_unlock(&fake.lock);
	add_header(a, "Link", "%s", link.ptr ? link.ptr : "");
	if(!link_only) {
		add_header(a, "X-Page", "%d", page);
		add_header(a, "X-Per-Page", "%d", per_page);
		char next[16] = "", prev[16] = "";  /* empty on the last (first) page */
		if(page < pages)
			snprintf(next, sizeof next, "%d", page + 1);
		if(page > 1)
			snprintf(prev, sizeof prev, "%d", page - 1);
		add_header(a, "X-Next-Page", "%s", next);
		add_header(a, "X-Prev-Page", "%s", prev);
		add_header(a, "X-Total", "%d", total);
		add_header(a, "X-Total-Pages", "%d", pages);
	}
	dynbuf_free(&rest);
	dynbuf_free(&link);
	answer_json(a, 200, out);
}

/* ---- jobs ---- */

static void job_path(char *dst, size_t cap, const char *id)
{
	snprintf(dst, cap, "%s/jobs/%s.json", fake.dir, id);
}

static void get_job(const char *id, struct answer *a)
{
	char path[4096];
	size_t len;
	job_path(path, sizeof path, id);
	char *data = read_file(path, JOB_FILE_CAP, &len);
	if(!data && errno == ENOENT) {
		answer_not_found(a);
		return;
	}
	if(!data) {
		answer_message(a, 500, "500 Internal Server Error");
		return;
	}
	a->status = 200;
	a->ctype = "application/json";
	a->data = data;
	a->len = len;
}

static void get_trace(const char *id, struct answer *a)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/traces/%s.log", fake.dir, id);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if(fd < 0 && fake.default_trace)
		fd = open(fake.default_trace, O_RDONLY | O_CLOEXEC);
	if(fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if(fd >= 0)
			close(fd);
		answer_not_found(a);
		return;
	}
	a->status = 200;
	a->ctype = "text/plain; charset=utf-8";
	if(st.st_size == 0) {
		close(fd);  /* MHD wants a non-empty file */
		return;
	}
	a->fd = fd;  /* streamed by MHD, which closes it */
	a->fdsize = (uint64_t)st.st_size;
}

static bool job_exists(long long id)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/jobs/%lld.json", fake.dir, id);
	return access(path, F_OK) == 0;
}

/* The id for a retried job, from DIR/next_id so that a restarted fake does
 * not hand out an id twice; never one that has a file. Called locked. */
static long long new_job_id(void)
{
	char path[4096];
	char buf[32];
	size_t len;
	snprintf(path, sizeof path, "%s/next_id", fake.dir);
	char *s = read_file(path, 64, &len);
	long long id = s ? atoll(s) : 0;
	free(s);
	if(id < FIRST_JOB_ID)
		id = FIRST_JOB_ID;
	while(job_exists(id))
		id++;
	int n = snprintf(buf, sizeof buf, "%lld\n", id + 1);
	write_file(path, buf, (size_t)n);
	return id;
}

/* The job a retry creates: a copy with a new id, pending, not started. */
static void make_retried(json_t *job, long long old_id, long long id)
{
	char now[40];
	now_iso(now, sizeof now);
	json_object_set_new(job, "id", json_integer(id));
	json_object_set_new(job, "status", json_string("pending"));
	json_object_set_new(job, "created_at", json_string(now));
	json_object_set_new(job, "started_at", json_null());
	json_object_set_new(job, "finished_at", json_null());
	json_object_set_new(job, "duration", json_null());
	json_object_del(job, "failure_reason");
	const char *web = json_string_value(json_object_get(job, "web_url"));
	char tail[40];
	snprintf(tail, sizeof tail, "/%lld", old_id);
	size_t wl = web ? strlen(web) : 0, tl = strlen(tail);
	if(wl > tl && strcmp(web + wl - tl, tail) == 0) {
		char *nw = xmalloc(wl + 32);
		snprintf(nw, wl + 32, "%.*s/%lld", (int)(wl - tl), web, id);
		json_object_set_new(job, "web_url", json_string(nw));
		free(nw);
	}
}

static void retry_job(const char *id, struct answer *a)
{
	char path[4096];
	size_t len;
	job_path(path, sizeof path, id);
	pthread_mutex_lock(&fake.lock);
	char *data = read_file(path, JOB_FILE_CAP, &len);
	int err = errno;
	json_error_t je;
	json_t *job = data ? json_loadb(data, len, 0, &je) : NULL;
	free(data);
	if(!json_is_object(job)) {
		pthread_mutex_unlock(&fake.lock);
		json_decref(job);
		if(!data && err == ENOENT)
			answer_not_found(a);
		else
			answer_message(a, 500, "500 Internal Server Error");
		return;
	}
	long long nid = new_job_id();
	make_retried(job, atoll(id), nid);
	char *text = json_dumps(job, JSON_COMPACT | JSON_REAL_PRECISION(15));
	char npath[4096];
	snprintf(npath, sizeof npath, "%s/jobs/%lld.json", fake.dir, nid);
	int rc = text ? write_file(npath, text, strlen(text)) : -1;
	pthread_mutex_unlock(&fake.lock);
	free(text);
	if(rc != 0) {
		json_decref(job);
		answer_message(a, 500, "500 Internal Server Error");
		return;
	}
	answer_json(a, 201, job);
}

static int by_id_desc(const void *x, const void *y)
{
	json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "id"));
	json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "id"));
	return a < b ? 1 : a > b ? -1 : 0;
}

struct scopes {
	const char *v[16];
	int n;
};

static enum MHD_Result add_scope(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct scopes *s = cls;
	if(strcmp(key, "scope[]") == 0 && value && s->n < 16)
		s->v[s->n++] = value;
	if(strcmp(key, "scope") == 0 && value && s->n < 16)
		s->v[s->n++] = value;
	return MHD_YES;
}

static bool in_scope(json_t *job, const struct scopes *s)
{
	const char *st = json_string_value(json_object_get(job, "status"));
	if(s->n == 0)
		return true;
	for(int i = 0; st && i < s->n; i++) {
		if(strcmp(st, s->v[i]) == 0)
			return true;
	}
	return false;
}

static void list_jobs(struct MHD_Connection *conn, const char *url, struct answer *a)
{
	char dir[4096];
	struct scopes sc = {.n = 0};
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_scope, &sc);
	snprintf(dir, sizeof dir, "%s/jobs", fake.dir);
	DIR *d = opendir(dir);
	size_t n = 0, cap = 16;
	json_t **jobs = xmalloc(cap * sizeof *jobs);
	for(struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
		char path[4096 + 256];
		json_error_t je;
		const char *dot = strrchr(e->d_name, '.');
		if(!dot || strcmp(dot, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		json_t *job = json_load_file(path, 0, &je);
		if(!json_is_integer(json_object_get(job, "id")) || !in_scope(job, &sc)) {
			json_decref(job);
			continue;
		}
		if(n == cap) {
			cap *= 2;
			jobs = xrealloc(jobs, cap * sizeof *jobs);
		}
		jobs[n++] = job;
	}
	if(d)
		closedir(d);
	qsort(jobs, n, sizeof *jobs, by_id_desc);
	json_t *all = json_array();
	for(size_t i = 0; i < n; i++)
		json_array_append_new(all, jobs[i]);
	free(jobs);
	answer_page(conn, url, all, a);
}

/* ---- merge request notes ---- */

static json_t *note_json(const struct note *n)
{
	return json_pack("{s:I,s:n,s:s,s:n,s:{s:i,s:s,s:s,s:s},s:s,s:s,s:b,s:I,s:s,s:I,"
	                 "s:b,s:b,s:b}",
	                 "id", (json_int_t)n->id, "type", "body", n->body, "attachment", "author",
	                 "id", 4242, "username", "failsig-bot", "name", "failsig bot", "state",
	                 "active", "created_at", n->created_at, "updated_at", n->updated_at,
	                 "system", 0, "noteable_id", (json_int_t)n->iid, "noteable_type",
	                 "MergeRequest", "noteable_iid", (json_int_t)n->iid, "resolvable", 0,
	                 "confidential", 0, "internal", 0);
}

static int hexval(char c)
{
	if(c >= '0' && c <= '9')
		return c - '0';
	if(c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if(c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of field name in an application/x-www-form-urlencoded body. */
static char *form_field(const char *body, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *end = body + len;
	for(const char *p = body; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if((size_t)(stop - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
			char *out = xmalloc((size_t)(stop - p) + 1);
			size_t o = 0;
			for(const char *s = p + nl + 1; s < stop; s++) {
				if(*s == '+') {
					out[o++] = ' ';
				} else if(*s == '%' && stop - s > 2 && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
					out[o++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
					s += 2;
				} else {
					out[o++] = *s;
				}
			}
			out[o] = '\0';
			return out;
		}
		p = stop + 1;
	}
	return NULL;
}

/* The note text of a POST or PUT: JSON {"body": ...}, a form or ?body=;
 * NULL when missing, empty or not UTF-8. */
static char *note_text(struct MHD_Connection *conn, struct req *q)
{
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *body = q->body.ptr ? q->body.ptr : "";
	char *text = NULL;
	if(ct && strncasecmp(ct, "application/json", 16) == 0) {
		json_error_t je;
		json_t *o = json_loadb(body, q->body.len, 0, &je);
		const char *s = json_string_value(json_object_get(o, "body"));
		text = s ? xstrdup(s) : NULL;
		json_decref(o);
	} else if(ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		text = form_field(body, q->body.len, "body");
	}
	const char *arg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "body");
	if(!text && arg)
		text = xstrdup(arg);
	json_t *utf8 = text ? json_string(text) : NULL;  /* answers are JSON: UTF-8 only */
	json_decref(utf8);
	if(text && (!*text || !utf8)) {
		free(text);
		text = NULL;
	}
	return text;
}

static void list_notes(struct MHD_Connection *conn, const char *url, const char *project,
                       long long iid, struct answer *a)
{
	json_t *all = json_array();
	pthread_mutex_lock(&fake.lock);
	for(struct note *n = fake.notes; n; n = n->next) {
		if(n->iid == iid && strcmp(n->project, project) == 0)
			json_array_append_new(all, note_json(n));
	}
	pthread_mutex_unlock(&fake.lock);
	answer_page(conn, url, all, a);
}

static void create_note(struct MHD_Connection *conn, struct req *q, const char *project,
                        long long iid, struct answer *a)
{
	char *text = note_text(conn, q);
	if(!text) {
		answer_error(a, 400, "body is missing");
		return;
	}
	struct note *n = xcalloc(1, sizeof *n);
	n->project = xstrdup(project);
	n->iid = iid;
	n->body = text;
	now_iso(n->created_at, sizeof n->created_at);
	memcpy(n->updated_at, n->created_at, sizeof n->updated_at);
	pthread_mutex_lock(&fake.lock);
	n->id = fake.next_note++;
	n->next = fake.notes;
	fake.notes = n;
	json_t *j = note_json(n);
	pthread_mutex_unlock(&fake.lock);
	answer_json(a, 201, j);
}

/* GET (text NULL) or PUT one note. */
static void one_note(struct MHD_Connection *conn, struct req *q, const char *project,
                     long long iid, long long id, bool update, struct answer *a)
{
	char *text = update ? note_text(conn, q) : NULL;
	if(update && !text) {
		answer_error(a, 400, "body is missing");
		return;
	}
	json_t *j = NULL;
	pthread_mutex_lock(&fake.lock);
	for(struct note *n = fake.notes; n; n = n->next) {
		if(n->id != id || n->iid != iid || strcmp(n->project, project) != 0)
			continue;
		if(update) {
			free(n->body);
			n->body = text;
			text = NULL;
			now_iso(n->updated_at, sizeof n->updated_at);
		}
		j = note_json(n);
		break;
	}
	pthread_mutex_unlock(&fake.lock);
	free(text);
	if(j)
		answer_json(a, 200, j);
	else
		answer_not_found(a);
}

/* ---- routing ---- */

static bool method_is(const char *method, const char *want, struct answer *a)
{
	if(strcmp(method, want) == 0)
		return true;
	answer_message(a, 405, "405 Method Not Allowed");
	return false;
}

/* seg = {project, "jobs", [id, [trace|retry]]} */
static void route_jobs(struct MHD_Connection *conn, const char *url, const char *method,
                       char **seg, int nseg, struct answer *a)
{
	if(nseg == 2) {
		if(method_is(method, "GET", a))
			list_jobs(conn, url, a);
	} else if(!is_id(seg[2])) {
		answer_not_found(a);
	} else if(nseg == 3) {
		if(method_is(method, "GET", a))
			get_job(seg[2], a);
	} else if(nseg == 4 && strcmp(seg[3], "trace") == 0) {
		if(method_is(method, "GET", a))
			get_trace(seg[2], a);
	} else if(nseg == 4 && strcmp(seg[3], "retry") == 0) {
		if(method_is(method, "POST", a))
			retry_job(seg[2], a);
	} else {
		answer_error(a, 404, "404 Not Found");
	}
}

/* seg = {project, "merge_requests", iid, "notes", [id]} */
static void route_notes(struct MHD_Connection *conn, const char *url, const char *method,
                        struct req *q, char **seg, int nseg, struct answer *a)
{
	if(nseg < 4 || nseg > 5 || strcmp(seg[3], "notes") != 0) {
		answer_error(a, 404, "404 Not Found");
	} else if(!is_id(seg[2]) || (nseg == 5 && !is_id(seg[4]))) {
		answer_not_found(a);
	} else if(nseg == 4 && strcmp(method, "GET") == 0) {
		list_notes(conn, url, seg[0], atoll(seg[2]), a);
	} else if(nseg == 4) {
		if(method_is(method, "POST", a))
			create_note(conn, q, seg[0], atoll(seg[2]), a);
	} else if(strcmp(method, "GET") == 0 || strcmp(method, "PUT") == 0) {
		one_note(conn, q, seg[0], atoll(seg[2]), atoll(seg[4]), method[0] == 'P', a);
	} else {
		answer_message(a, 405, "405 Method Not Allowed");
	}
}

static void route_api(struct MHD_Connection *conn, const char *url, const char *method,
                      struct req *q, struct answer *a)
{
	static const char prefix[] = "/api/v4/projects/";
	char *seg[MAX_SEGMENTS + 1];
	int nseg = 0;
	if(strncmp(url, prefix, sizeof prefix - 1) != 0) {
		answer_error(a, 404, "404 Not Found");
		return;
	}
	char *copy = xstrdup(url + sizeof prefix - 1);
	char *save = NULL;
	for(char *s = strtok_r(copy, "/", &save); s && nseg <= MAX_SEGMENTS;
	    s = strtok_r(NULL, "/", &save))
		seg[nseg++] = s;
	if(nseg < 2 || nseg > MAX_SEGMENTS)
		answer_error(a, 404, "404 Not Found");
	else if(strcmp(seg[1], "jobs") == 0)
		route_jobs(conn, url, method, seg, nseg, a);
	else if(strcmp(seg[1], "merge_requests") == 0)
		route_notes(conn, url, method, q, seg, nseg, a);
	else
		answer_error(a, 404, "404 Not Found");
	free(copy);
}

static bool token_ok(struct MHD_Connection *conn)
{
	if(!fake.token)
		return true;
	const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "PRIVATE-TOKEN");
	return t && strcmp(t, fake.token) == 0;
}

/* The answer when no fault intervened. */
static void route(struct MHD_Connection *conn, const char *url, const char *method,
                  struct req *q, bool tok, struct answer *a)
{
	if(q->too_big)
		answer_message(a, 413, "413 Request Entity Too Large");
	else if(strncmp(url, "/api/", 5) == 0 && !tok)
		answer_message(a, 401, "401 Unauthorized");
	else
		route_api(conn, url, method, q, a);
}

/* A queued fault applies: wait, then drop the connection (MHD_NO) or answer
 * its status; status 0 lets the request through after the wait. */
static bool apply_fault(struct fault *f, struct answer *a, bool *drop)
{
	sleep_ms(f->delay_ms);
	*drop = f->drop;
	a->truncate = f->truncate;
	if(!f->drop && f->body) {
		a->status = (unsigned)f->status;
		a->ctype = "application/json";
		a->len = strlen(f->body);
		a->data = f->body;  /* the answer owns it now */
		f->body = NULL;
	} else if(!f->drop && f->status) {
		char msg[96];
		const char *reason = MHD_get_reason_phrase_for((unsigned)f->status);
		snprintf(msg, sizeof msg, "%d %s", f->status, reason ? reason : "");
		answer_message(a, (unsigned)f->status, msg);
		if(f->retry_after)
			add_header(a, "Retry-After", "%s", f->retry_after);
	}
	free(f->retry_after);
	free(f->body);
	return f->drop || f->status;
}

static enum MHD_Result handle(struct MHD_Connection *conn, const char *url, const char *method,
                              struct req *q)
{
	struct answer a;
	memset(&a, 0, sizeof a);
	a.fd = -1;
	a.truncate = -1;
	if(strncmp(url, "/_fake/", 7) == 0) {
		control(url, method, q, &a);
		return send_answer(conn, &a);
	}
	bool tok = token_ok(conn);
	bool drop = false;
	struct fault f;
	bool answered = take_fault(url, method, &f) && apply_fault(&f, &a, &drop);
	if(drop) {
		record(conn, method, url, tok, 0);
		return MHD_NO;  /* MHD closes the connection without answering */
	}
	if(!answered)
		route(conn, url, method, q, tok, &a);
	record(conn, method, url, tok, a.status);
	return send_answer(conn, &a);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct req *q = *con_cls;
	if(!q) {
		q = xcalloc(1, sizeof *q);
		dynbuf_init(&q->body, strncmp(url, "/_fake/", 7) == 0 ? CONTROL_BODY_CAP : API_BODY_CAP);
		*con_cls = q;
		return MHD_YES;
	}
	if(*upload_size) {
		if(!q->too_big && !dynbuf_add(&q->body, upload, *upload_size))
			q->too_big = true;  /* keep reading, answer 413 at the end */
		*upload_size = 0;
		return MHD_YES;
	}
	return handle(conn, url, method, q);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;
	if(!q)
		return;
	dynbuf_free(&q->body);
	free(q);
	*con_cls = NULL;
}

/* ---- main ---- */

static const char usage[] =
	"usage: fakegitlab --dir DIR [--token TOKEN] [--port N] [--port-file FILE] [--log FILE]\n"
	"       [--default-trace FILE]   (the trace of jobs without one: load tests)\n";

struct opts {
	const char *dir, *token, *port_file, *log;
	const char *default_trace;
	const char *port;      /* NULL: any free port; a fixed one lets a test restart
	                          "GitLab" where the service expects it */
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	for(int i = 1; i < argc; i++) {
		const char **dst = NULL;
		if(strcmp(argv[i], "--dir") == 0)
			dst = &o->dir;
		else if(strcmp(argv[i], "--token") == 0)
			dst = &o->token;
		else if(strcmp(argv[i], "--port-file") == 0)
			dst = &o->port_file;
		else if(strcmp(argv[i], "--log") == 0)
			dst = &o->log;
		else if(strcmp(argv[i], "--port") == 0)
			dst = &o->port;
		else if(strcmp(argv[i], "--default-trace") == 0)
			dst = &o->default_trace;
		if(!dst || i + 1 == argc)
			return -1;
		*dst = argv[++i];
	}
	return o->dir ? 0 : -1;
}

static int write_port(const char *file, unsigned port)
{
	char buf[16];
	int n = snprintf(buf, sizeof buf, "%u\n", port);
	return write_file(file, buf, (size_t)n);
}

static void make_dirs(const char *dir)
{
	char path[4096];
	mkdir(dir, 0777);
	snprintf(path, sizeof path, "%s/jobs", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof path, "%s/traces", dir);
	mkdir(path, 0777);
}

static void free_state(void)
{
	clear_faults();
	json_decref(fake.requests);
	while(fake.notes) {
		struct note *n = fake.notes;
		fake.notes = n->next;
		free(n->project);
		free(n->body);
		free(n);
	}
	if(fake.log)
		fclose(fake.log);
}

int main(int argc, char **argv)
{
	struct opts o;
	if(parse_args(argc, argv, &o) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	fake.dir = o.dir;
	fake.token = o.token;
	fake.default_trace = o.default_trace;
	fake.requests = json_array();
	make_dirs(o.dir);
	if(o.log)
		fake.log = fopen(o.log, "a");
	if(o.log && !fake.log) {
		fprintf(stderr, "fakegitlab: cannot open %s: %s\n", o.log, strerror(errno));
		free_state();
		return 2;
	}

	/* Block the stop signals before MHD starts its threads (they inherit
	 * the mask) so that only sigwait below sees them. */
	sigset_t stop;
	int sig;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)(o.port ? atoi(o.port) : 0));
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)120, MHD_OPTION_END);
	const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
	if(!info || (o.port_file && write_port(o.port_file, info->port) != 0)) {
		fprintf(stderr, "fakegitlab: cannot listen on 127.0.0.1 or write the port file\n");
		if(d)
			MHD_stop_daemon(d);
		free_state();
		return 2;
	}
	sigwait(&stop, &sig);
	atomic_store(&fake.stopping, true);
	MHD_stop_daemon(d);
	free_state();
	return 0;
}
