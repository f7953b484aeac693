/* fuzz_webhook.c — the Job Hook checks (runtime/webhook.c) on any bytes.
 *
 * The input is a request body as `failsig serve` receives it. Checked:
 *   - webhook_parse answers 0, 400 or 422, nothing else;
 *   - on 0 the event is usable: positive ids, a non-empty lower-case status
 *     that fits its buffer (it is queued as is);
 *   - on failure the message is one printable line (it is sent back in a
 *     JSON error body and written to the service log), also when truncated
 *     into a tiny buffer;
 *   - webhook_token_ok agrees with strcmp for the first bytes of the input
 *     as a header against a fixed secret. */
#include "webhook.h"
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

static void check_err(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);
	FUZZ_CHECK(n < cap, "error message not terminated");
	for(size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)err[i] >= 0x20 && err[i] != 0x7f,
		           "control byte 0x%02x in the error message: %s", (unsigned char)err[i], err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size ? size : 1);
	FUZZ_CHECK(body, "out of memory");
	if(size)
		memcpy(body, data, size);
	struct webhook_event ev;
	char err[256], tiny[6];
	int rc = webhook_parse(body, size, &ev, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == 400 || rc == 422, "webhook_parse returned %d", rc);
	if(rc == 0) {
		FUZZ_CHECK(ev.job_id > 0 && ev.project_id > 0, "ids not positive");
		size_t n = strnlen(ev.status, sizeof ev.status);
		FUZZ_CHECK(n > 0 && n < sizeof ev.status, "status empty or unterminated");
		FUZZ_CHECK(strspn(ev.status, "abcdefghijklmnopqrstuvwxyz_") == n, "odd status");
	} else {
		check_err(err, sizeof err);
		FUZZ_CHECK(err[0], "failure without a message");
		int rc2 = webhook_parse(body, size, &ev, tiny, sizeof tiny);
		FUZZ_CHECK(rc2 == rc, "a smaller error buffer changed the answer");
		check_err(tiny, sizeof tiny);
	}
	/* The token check, with the input (up to its first NUL) as the header. */
	char header[64];
	size_t hn = size < sizeof header - 1 ? size : sizeof header - 1;
	memcpy(header, data, hn);
	header[hn] = '\0';
	static const char secret[] = "s3cret-token";
	FUZZ_CHECK(webhook_token_ok(header, secret) == (strcmp(header, secret) == 0),
	           "token check disagrees with strcmp");
	free(body);
	return 0;
}
