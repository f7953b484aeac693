/* display.h — one raw log line as GitLab's log viewer displays it.
 *
 * GitLab traces are terminal output. display_line() removes ANSI escape
 * sequences, applies carriage returns (the displayed line is what was written
 * after the last '\r' that is not part of "\r\n"; a '\r' right before the end
 * of the line is dropped), and removes GitLab section markers
 *   section_start:<unix time>:<name>[<flags>]\r\e[0K
 *   section_end:<unix time>:<name>\r\e[0K
 * reporting them as events (<name> is [A-Za-z0-9_.-]+; flags such as
 * [collapsed=true] are not part of it). Markers may follow ANSI sequences or
 * other markers on one physical line; a marker with its "\r\e[0K" is removed
 * wherever it stands, as GitLab does. In copies where the '\r' became '\n' a
 * marker stands alone on its line: without "\r\e[0K" a marker counts only if
 * it ends the line and nothing was displayed before it. Escapes: CSI, OSC
 * (ended by BEL or ESC \), nF (ESC ( B) and two-byte ESC x are removed; an
 * escape cut off by the end of the line is dropped. Any other byte (NUL,
 * invalid UTF-8) is kept as is. Pure functions, no allocation. */
#ifndef FSIG_DISPLAY_H
#define FSIG_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

enum display_event_kind { DISPLAY_SECTION_START, DISPLAY_SECTION_END };

struct display_event {
	enum display_event_kind kind;
	const unsigned char *name;  /* points into the raw line */
	size_t len;
};

/* True if raw[0..len) needs no work: no ESC, no '\r', does not start with
 * "section_". Then the displayed line is the raw line. Two memchr calls. */
bool display_is_plain(const unsigned char *raw, size_t len);

/* Write the displayed form of raw[0..len) (no '\n' inside) to out, which has
 * room for len bytes and must not overlap raw; out is not terminated. Section
 * markers are reported in ev[0..*nev) in order, at most maxev (extra markers
 * are removed but not reported; ev may be NULL when maxev is 0, nev may be
 * NULL). Returns the displayed length, <= len. */
size_t display_line(const unsigned char *raw, size_t len, unsigned char *out,
                    struct display_event *ev, size_t maxev, size_t *nev);

#endif
