/* fuzz_job.c — GitLab job JSON (runtime/job.c): job_info_parse on any bytes.
 *
 * The input is a whole document, REST job or Job Hook shaped. Checked:
 *   - the error message is NUL-terminated, non-empty on failure, one line
 *     without control bytes (STYLE 9.2 rule 13: it ends up on a terminal or
 *     in a JSON reply), and truncated safely into a small buffer too;
 *   - on success the job is `known`, has a name or a status, and the
 *     fsig_job view points at the job_info's own strings and tags;
 *   - job_info_free releases everything (LeakSanitizer), after success and
 *     after failure alike. */
#include "job.h"
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

static void check_err(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);
	FUZZ_CHECK(n < cap, "error message not terminated");
	for(size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)err[i] >= 0x20 && err[i] != 0x7f,
		           "control byte 0x%02x in the error message (one line, printable): %s",
		           (unsigned char)err[i], err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job_info j;
	char err[256];
	char tiny[8];

	/* A copy of exactly the document, so ASan sees reads past its end. */
	char *text = malloc(size ? size : 1);
	FUZZ_CHECK(text, "out of memory");
	if(size)
		memcpy(text, data, size);

	memset(err, 0x55, sizeof err);
	int rc = job_info_parse(text, size, &j, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1, "job_info_parse returned %d", rc);
	if(rc == 0) {
		FUZZ_CHECK(j.job.known, "parsed job is not known");
		FUZZ_CHECK(j.name || j.status, "parsed job has neither name nor status");
		FUZZ_CHECK(j.job.name == j.name && j.job.stage == j.stage && j.job.status == j.status &&
		                   j.job.failure_reason == j.failure_reason && j.job.runner == j.runner &&
		                   j.job.project == j.project,
		           "fsig_job view does not point at the job_info strings");
		FUZZ_CHECK(j.job.ntags == j.ntags, "tag counts differ");
		FUZZ_CHECK(j.ntags == 0 || (const void *)j.job.tags == (const void *)j.tags,
		           "tags view differs");
		for(size_t i = 0; i < j.ntags; i++)
			FUZZ_CHECK(j.tags[i], "tag %zu is NULL", i);
		size_t total = 0;
		const char *fields[] = { j.name, j.stage, j.status, j.failure_reason, j.runner,
		                         j.project, j.web_url };
		for(size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			total += fields[i] ? strlen(fields[i]) : 0;
		(void)total;
	} else {
		check_err(err, sizeof err);
		FUZZ_CHECK(err[0] != '\0', "failure without a message");
	}
	job_info_free(&j);

	/* Same document, error buffer too small for any message. */
	rc = job_info_parse(text, size, &j, tiny, sizeof tiny);
	if(rc != 0)
		check_err(tiny, sizeof tiny);
	job_info_free(&j);
	free(text);
	return 0;
}
