/* scanlog.c — reader → scanner → eval for one log. */
#include "scanlog.h"

#include <stdlib.h>

#include "reader.h"

/* FAILSIG_BUFSIZE: the reader's read size in bytes, for tests that need
 * lines to straddle buffer boundaries (0 or unset: the 256 KiB default). */
static size_t bufsize(void)
{
	const char *s = getenv("FAILSIG_BUFSIZE");
	if(!s || !*s)
		return 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	return *end == '\0' && v >= 16 && v <= READER_MAX_LINE ? (size_t)v : 0;
}

int scanlog_reader(const struct fsig_ruleset *rs, struct reader *r, const struct fsig_job *job,
                   unsigned opts, int only_rule, struct eval **out, struct scan_stats *stats)
{
	struct eval *e = eval_new(rs, job, opts, only_rule);
	struct scanner *s = scanner_new(rs);
	int rc = scanner_run(s, r, eval_line, e, eval_want_all_lines(e), stats);
	scanner_free(s);
	if(rc < 0) {
		eval_free(e);
		*out = NULL;
		return -1;
	}
	eval_finish(e);
	*out = e;
	return 0;
}

int scanlog_fd(const struct fsig_ruleset *rs, int fd, const struct fsig_job *job, unsigned opts,
               int only_rule, struct eval **out, struct scan_stats *stats)
{
	struct reader *r = reader_new_fd(fd, bufsize(), 0);
	int rc = scanlog_reader(rs, r, job, opts, only_rule, out, stats);
	reader_free(r);
	return rc;
}

int scanlog_mem(const struct fsig_ruleset *rs, const void *p, size_t len, const struct fsig_job *job,
                unsigned opts, int only_rule, struct eval **out, struct scan_stats *stats)
{
	struct reader *r = reader_new_mem(p, len, bufsize(), 0);
	int rc = scanlog_reader(rs, r, job, opts, only_rule, out, stats);
	reader_free(r);
	return rc;
}
