/* display.c — one raw log line as GitLab's log viewer displays it.
 *
 * The rules follow GitLab's trace renderer (Ansi2json) where they matter for
 * matching, and a terminal where GitLab is vague:
 *
 *  - escape sequences are removed: CSI "ESC [ params intermediates final",
 *    OSC "ESC ] ... (BEL | ESC \)", nF "ESC intermediates final" (tput sgr0
 *    writes "ESC ( B") and two-byte "ESC x". A CSI broken by a byte that
 *    cannot occur in one ends before that byte; ESC before a control or
 *    non-ASCII byte is dropped alone. An escape cut off by the end of the line
 *    is dropped whole, as GitLab does.
 *  - a '\r' right before the end of the line is dropped (CRLF); any other
 *    '\r' empties the displayed line, as GitLab does (a terminal would
 *    overwrite instead, but the viewer clears).
 *  - a section marker with its "\r ESC [0K" terminator is removed wherever it
 *    stands, as GitLab does; its '\r' belongs to the marker. A marker whose
 *    '\r' became '\n' (mail and web copies) is recognised only when it runs
 *    to the end of the line and nothing has been displayed before it on the
 *    line, so that text merely quoting a marker stays.
 *
 * Every line the reader hands out passes display_is_plain() first; only the
 * few that fail it (ANSI colour, '\r', markers) come here. */
#include "display.h"

#include <string.h>

enum { ESC = 0x1b, BEL = 0x07 };

/* Bytes that may start something other than displayed text; a table keeps
 * the copy loop at one test per byte. */
static const bool stops[256] = { [ESC] = true, ['\r'] = true, ['s'] = true };

static const char start_tag[] = "section_start:";
static const char end_tag[] = "section_end:";
static const char marker_tail[] = "\r\x1b[0K";

bool display_is_plain(const unsigned char *raw, size_t len)
{
	if(len == 0)
		return true;
	if(len >= 8 && memcmp(raw, "section_", 8) == 0)
		return false;
	/* ESC first: colour is far more common than '\r' in CI logs. */
	if(memchr(raw, ESC, len))
		return false;
	return !memchr(raw, '\r', len);
}

/* The index just past the escape sequence whose ESC is p[i]. */
static size_t skip_escape(const unsigned char *p, size_t len, size_t i)
{
	unsigned char c;

	i++;
	if(i == len)
		return len;
	c = p[i];
	if(c == '[') {
		for(i++; i < len; i++) {
			c = p[i];
			if(c >= 0x40 && c <= 0x7e)
				return i + 1;       /* final byte */
			if(c < 0x20 || c > 0x3f)
				return i;           /* not a parameter or intermediate */
		}
		return len;
	}
	if(c == ']') {
		for(i++; i < len; i++) {
			if(p[i] == BEL)
				return i + 1;
			if(p[i] == ESC) {
				if(i + 1 < len && p[i + 1] == '\\')
					return i + 2;
				return i;           /* a new escape ends the string */
			}
		}
		return len;
	}
	if(c >= 0x20 && c <= 0x2f) {
		for(i++; i < len; i++) {
			c = p[i];
			if(c >= 0x30 && c <= 0x7e)
				return i + 1;       /* final byte */
			if(c < 0x20 || c > 0x2f)
				return i;           /* not an intermediate */
		}
		return len;
	}
	if(c >= 0x30 && c <= 0x7e)
		return i + 1;
	return i;
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* \w of GitLab's section regex. */
static inline bool is_word(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_name(unsigned char c)
{
	return is_word(c) || c == '.' || c == '-';
}

/* Length of "[k=v,k=v]" at p[0, n) (keys \w+, values [-\w]+), or 0. */
static size_t skip_flags(const unsigned char *p, size_t n)
{
	size_t k = 1;

	for(;;) {
		size_t from = k;

		while(k < n && is_word(p[k]))
			k++;
		if(k == from || k == n || p[k] != '=')
			return 0;
		k++;
		from = k;
		while(k < n && (is_word(p[k]) || p[k] == '-'))
			k++;
		if(k == from || k == n)
			return 0;
		if(p[k] == ']')
			return k + 1;
		if(p[k] != ',')
			return 0;
		k++;
	}
}

/* If p[0, n) starts with a section marker, fill *e and return the marker's
 * length; else return 0. at_start: nothing has been displayed yet on this
 * line, so a marker running to the end of the line counts without its
 * "\r ESC [0K" (optionally with the '\r'). */
static size_t parse_marker(const unsigned char *p, size_t n, bool at_start,
                           struct display_event *e)
{
	size_t k;
	size_t from;

	if(n >= sizeof start_tag - 1 && memcmp(p, start_tag, sizeof start_tag - 1) == 0) {
		e->kind = DISPLAY_SECTION_START;
		k = sizeof start_tag - 1;
	} else if(n >= sizeof end_tag - 1 && memcmp(p, end_tag, sizeof end_tag - 1) == 0) {
		e->kind = DISPLAY_SECTION_END;
		k = sizeof end_tag - 1;
	} else {
		return 0;
	}
	from = k;
	while(k < n && is_digit(p[k]))
		k++;
	if(k == from || k == n || p[k] != ':')
		return 0;
	k++;
	from = k;
	while(k < n && is_name(p[k]))
		k++;
	if(k == from)
		return 0;
	e->name = p + from;
	e->len = k - from;
	if(k < n && p[k] == '[') {
		size_t f = skip_flags(p + k, n - k);

		if(!f)
			return 0;
		k += f;
	}
	if(n - k >= sizeof marker_tail - 1 && memcmp(p + k, marker_tail, sizeof marker_tail - 1) == 0)
		return k + sizeof marker_tail - 1;
	if(!at_start)
		return 0;
	if(k == n)
		return n;
	if(k + 1 == n && p[k] == '\r')
		return n;
	return 0;
}

size_t display_line(const unsigned char *raw, size_t len, unsigned char *out,
                    struct display_event *ev, size_t maxev, size_t *nev)
{
	size_t i = 0;
	size_t o = 0;
	size_t n = 0;

	while(i < len) {
		unsigned char c = raw[i];

		if(c == ESC) {
			i = skip_escape(raw, len, i);
		} else if(c == '\r') {
			/* Before the end it is CRLF and vanishes; elsewhere the
			 * viewer starts the line over. */
			if(i + 1 < len)
				o = 0;
			i++;
		} else if(c == 's') {
			struct display_event e;
			size_t m = parse_marker(raw + i, len - i, o == 0, &e);

			if(m) {
				if(n < maxev)
					ev[n++] = e;
				i += m;
			} else {
				out[o++] = c;
				i++;
			}
		} else {
			/* Copy the run of ordinary bytes up to the next one that
			 * may start something. */
			do {
				out[o++] = raw[i++];
			} while(i < len && !stops[raw[i]]);
		}
	}
	if(nev)
		*nev = n;
	return o;
}
