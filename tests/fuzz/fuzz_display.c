/* fuzz_display.c — display_line() (runtime/display.c) on arbitrary lines.
 *
 * The input is split at '\n' like the reader does; every line is copied into
 * a buffer of exactly its length and displayed into an output buffer of
 * exactly its length, so ASan catches a read or write past either. Checked
 * for every line (display.h is the contract):
 *   - the displayed length is at most the raw length;
 *   - the output holds no ESC and no '\r';
 *   - the output is a subsequence of the raw line (display only removes);
 *   - display_is_plain(raw) implies output == raw;
 *   - events: at most maxev, each name non-empty, inside the raw line, made
 *     of [A-Za-z0-9_.-];
 *   - displaying again with no room for events (ev NULL) gives the same text,
 *     and with room for more events gives a superset of the same events. */
#include "display.h"
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

enum { MAXEV = 64, FEWEV = 2 };

static bool is_name_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.' || c == '-';
}

/* Is out[0, n) a subsequence of raw[0, len)? */
static bool subsequence(const unsigned char *out, size_t n, const unsigned char *raw, size_t len)
{
	size_t j = 0;
	for(size_t i = 0; i < len && j < n; i++) {
		if(raw[i] == out[j])
			j++;
	}
	return j == n;
}

static void check_line(const unsigned char *line, size_t len)
{
	unsigned char *raw = malloc(len ? len : 1);
	unsigned char *out = malloc(len ? len : 1);
	unsigned char *out2 = malloc(len ? len : 1);
	struct display_event ev[MAXEV];
	struct display_event few[FEWEV];
	size_t nev = 0;
	size_t nfew = 0;

	FUZZ_CHECK(raw && out && out2, "out of memory");
	if(len)
		memcpy(raw, line, len);
	size_t n = display_line(raw, len, out, ev, MAXEV, &nev);
	FUZZ_CHECK(n <= len, "displayed %zu bytes of a %zu-byte line", n, len);
	FUZZ_CHECK(nev <= MAXEV, "%zu events, room for %d", nev, MAXEV);
	FUZZ_CHECK(!memchr(out, 0x1b, n), "ESC in the displayed line");
	FUZZ_CHECK(!memchr(out, '\r', n), "CR in the displayed line");
	FUZZ_CHECK(subsequence(out, n, raw, len), "output is not a subsequence of the input");
	if(display_is_plain(raw, len))
		FUZZ_CHECK(n == len && (len == 0 || memcmp(out, raw, len) == 0),
		           "a plain line was changed (%zu -> %zu bytes)", len, n);
	for(size_t i = 0; i < nev; i++) {
		FUZZ_CHECK(ev[i].kind == DISPLAY_SECTION_START || ev[i].kind == DISPLAY_SECTION_END,
		           "event %zu has kind %d", i, (int)ev[i].kind);
		FUZZ_CHECK(ev[i].len > 0, "event %zu has an empty name", i);
		FUZZ_CHECK(ev[i].name >= raw && ev[i].name + ev[i].len <= raw + len,
		           "event %zu name outside the raw line", i);
		for(size_t k = 0; k < ev[i].len; k++)
			FUZZ_CHECK(is_name_byte(ev[i].name[k]), "event %zu name byte 0x%02x", i,
			           ev[i].name[k]);
	}

	/* The events asked for do not change the text. */
	size_t n2 = display_line(raw, len, out2, NULL, 0, NULL);
	FUZZ_CHECK(n2 == n && (n == 0 || memcmp(out, out2, n) == 0),
	           "text differs without events (%zu vs %zu bytes)", n, n2);
	n2 = display_line(raw, len, out2, few, FEWEV, &nfew);
	FUZZ_CHECK(n2 == n && (n == 0 || memcmp(out, out2, n) == 0),
	           "text differs with %d events (%zu vs %zu bytes)", FEWEV, n, n2);
	FUZZ_CHECK(nfew == (nev < FEWEV ? nev : FEWEV), "%zu of %zu events reported with room for %d",
	           nfew, nev, FEWEV);
	for(size_t i = 0; i < nfew; i++)
		FUZZ_CHECK(few[i].kind == ev[i].kind && few[i].name == ev[i].name &&
		                   few[i].len == ev[i].len,
		           "event %zu differs with less room", i);
	free(raw);
	free(out);
	free(out2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	const unsigned char *end = data + size;
	for(;;) {
		const unsigned char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		check_line(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
		if(!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
