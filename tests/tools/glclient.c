/* glclient.c — a command line over runtime/gitlab.c, for tests/gitlab_client.sh.
 *
 *   glclient [-t TIMEOUT_MS] [-b BODY_CAP] URL TOKEN COMMAND ARGS...
 *
 * TOKEN "-" sends none. Several commands separated by "--" run one after the
 * other on the same client (so on one reused connection). Commands:
 *   job P J                   trace P J CAP OUTFILE      retry P J
 *   list P PAGE PER_PAGE [SCOPE...]
 *   list-all P PER_PAGE [SCOPE...]   follow next_page to the end with one client
 *   notes P IID PAGE          note-create P IID TEXT     note-update P IID NOTE TEXT
 *
 * Prints what the call returned, one "name value" line each: outcome, status,
 * retry_after, next_page, err, then bytes and truncated (trace) or body.
 * list-all prints one "page N OUTCOME next=M ids=a,b,c" line per page, then
 * "ids" with every id in order and "pages". Exits 0 when the outcome of the
 * last command is OK, 1 otherwise, 2 on a usage error. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynbuf.h"
#include "gitlab.h"

enum { DEFAULT_BODY_CAP = 16 << 20, MAX_PAGES = 1000 };

static const char usage[] =
	"usage: glclient [-t TIMEOUT_MS] [-b BODY_CAP] URL TOKEN COMMAND ARGS... [-- COMMAND ARGS...]\n"
	"commands: job P J | trace P J CAP OUTFILE | retry P J | list P PAGE PER_PAGE [SCOPE...]\n"
	"          list-all P PER_PAGE [SCOPE...] | notes P IID PAGE | note-create P IID TEXT\n"
	"          note-update P IID NOTE TEXT\n";

static const char *outcome_name(enum gitlab_outcome o)
{
	static const char *const names[] = {"OK", "TRANSIENT", "NOT_FOUND", "PERMANENT"};
	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

static void print_result(const struct gitlab_result *r)
{
	printf("outcome %s\n", outcome_name(r->outcome));
	printf("status %ld\n", r->status);
	printf("retry_after %g\n", r->retry_after);
	printf("next_page %s\n", r->next_page);
	printf("err %s\n", r->err);
}

static int finish(const struct gitlab_result *r, const struct dynbuf *body)
{
	print_result(r);
	if(body)
		printf("body %s\n", body->ptr ? body->ptr : "");
	return r->outcome == GITLAB_OK ? 0 : 1;
}

static int cmd_trace(struct gitlab *g, char **a)
{
	struct gitlab_result r;
	uint64_t bytes = 0;
	bool truncated = false;
	int fd = open(a[3], O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if(fd < 0) {
		perror(a[3]);
		return 2;
	}
	gitlab_get_trace(g, atoll(a[0]), atoll(a[1]), fd, strtoull(a[2], NULL, 10), &bytes,
	                 &truncated, &r);
	close(fd);
	print_result(&r);
	printf("bytes %llu\ntruncated %d\n", (unsigned long long)bytes, truncated);
	return r.outcome == GITLAB_OK ? 0 : 1;
}

/* The ids of a JSON array of objects, comma-separated, appended to out. */
static void ids_of(const struct dynbuf *body, struct dynbuf *out, const char *sep)
{
	json_error_t je;
	json_t *arr = json_loadb(body->ptr ? body->ptr : "", body->len, 0, &je);
	for(size_t i = 0; i < json_array_size(arr); i++) {
		json_int_t id = json_integer_value(json_object_get(json_array_get(arr, i), "id"));
		dynbuf_printf(out, "%s%" JSON_INTEGER_FORMAT, out->len ? sep : "", id);
	}
	json_decref(arr);
}

/* Every page, as a caller that walks a whole job list would. */
static int cmd_list_all(struct gitlab *g, size_t cap, char **a, const char *const *scopes)
{
	struct gitlab_result r;
	struct dynbuf body, all;
	int page = 1, pages = 0;
	dynbuf_init(&body, cap);
	dynbuf_init(&all, 1 << 20);
	for(; page > 0 && pages < MAX_PAGES; pages++) {
		struct dynbuf ids;
		dynbuf_init(&ids, 1 << 20);
		if(gitlab_list_jobs(g, atoll(a[0]), scopes, page, atoi(a[1]), &body, &r) != GITLAB_OK)
			break;
		ids_of(&body, &ids, ",");
		ids_of(&body, &all, " ");
		printf("page %d %s next=%s ids=%s\n", page, outcome_name(r.outcome), r.next_page,
		       ids.ptr ? ids.ptr : "");
		dynbuf_free(&ids);
		page = r.next_page[0] ? atoi(r.next_page) : 0;
	}
	printf("ids %s\npages %d\n", all.ptr ? all.ptr : "", pages);
	print_result(&r);
	dynbuf_free(&body);
	dynbuf_free(&all);
	return r.outcome == GITLAB_OK ? 0 : 1;
}

static bool nargs_ok(const char *cmd, int have)
{
	static const struct {
		const char *name;
		int min;
	} table[] = {
		{"job", 2}, {"trace", 4}, {"retry", 2}, {"list", 3}, {"list-all", 2},
		{"notes", 3}, {"note-create", 3}, {"note-update", 4},
	};
	for(size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if(strcmp(cmd, table[i].name) == 0)
			return have >= table[i].min;
	}
	return false;
}

static int run(struct gitlab *g, size_t cap, const char *cmd, char **a, int n)
{
	struct gitlab_result r;
	struct dynbuf body;
	int rc;
	dynbuf_init(&body, cap);
	if(strcmp(cmd, "trace") == 0)
		return cmd_trace(g, a);
	if(strcmp(cmd, "list-all") == 0)
		return cmd_list_all(g, cap, a, (const char *const *)(n > 2 ? a + 2 : NULL));
	if(strcmp(cmd, "job") == 0)
		gitlab_get_job(g, atoll(a[0]), atoll(a[1]), &body, &r);
	else if(strcmp(cmd, "retry") == 0)
		gitlab_retry_job(g, atoll(a[0]), atoll(a[1]), &body, &r);
	else if(strcmp(cmd, "list") == 0)
		gitlab_list_jobs(g, atoll(a[0]), (const char *const *)(n > 3 ? a + 3 : NULL), atoi(a[1]),
		                 atoi(a[2]), &body, &r);
	else if(strcmp(cmd, "notes") == 0)
		gitlab_list_mr_notes(g, atoll(a[0]), atoll(a[1]), atoi(a[2]), &body, &r);
	else if(strcmp(cmd, "note-create") == 0)
		gitlab_create_mr_note(g, atoll(a[0]), atoll(a[1]), a[2], &body, &r);
	else
		gitlab_update_mr_note(g, atoll(a[0]), atoll(a[1]), atoll(a[2]), a[3], &body, &r);
	rc = finish(&r, &body);
	dynbuf_free(&body);
	return rc;
}

/* The length of the command at a[0..n): up to "--" or the end. */
static int command_len(char **a, int n)
{
	int k = 0;
	while(k < n && strcmp(a[k], "--") != 0)
		k++;
	return k;
}

static bool commands_ok(char **a, int n)
{
	for(int k; n > 0; a += k + 1, n -= k + 1) {
		k = command_len(a, n);
		if(k == 0 || !nargs_ok(a[0], k - 1))
			return false;
	}
	return true;
}

/* Each command in turn; the status of the last one. The arguments of a
 * command end with a NULL where its "--" was (scope lists need one). */
static int run_all(struct gitlab *g, size_t cap, char **a, int n)
{
	int rc = 2;
	for(int k; n > 0; a += k + 1, n -= k + 1) {
		k = command_len(a, n);
		if(k < n)
			a[k] = NULL;
		rc = run(g, cap, a[0], a + 1, k - 1);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct gitlab_options o = {0};
	size_t cap = DEFAULT_BODY_CAP;
	int i = 1;
	for(; i + 1 < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
		if(strcmp(argv[i], "-t") == 0) {
			o.timeout_ms = atol(argv[i + 1]);
		} else if(strcmp(argv[i], "-b") == 0) {
			cap = (size_t)strtoull(argv[i + 1], NULL, 10);
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if(argc - i < 3 || !commands_ok(argv + i + 2, argc - i - 2)) {
		fputs(usage, stderr);
		return 2;
	}
	o.url = argv[i];
	o.token = strcmp(argv[i + 1], "-") == 0 ? NULL : argv[i + 1];
	o.connect_timeout_ms = o.timeout_ms;
	o.user_agent = "failsig-glclient";
	char why[256];
	if(gitlab_global_init(why, sizeof why) != 0) {
		fprintf(stderr, "glclient: %s\n", why);
		return 2;
	}
	struct gitlab *g = gitlab_new(&o);
	int rc = g ? run_all(g, cap, argv + i + 2, argc - i - 2) : 2;
	gitlab_free(g);
	gitlab_global_cleanup();
	return rc;
}
