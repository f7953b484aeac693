/* webesc.h — text made safe for the dashboard's HTML and SVG: escaped
 * markup characters, repaired UTF-8, percent-encoded URL parts.
 *
 * Everything the dashboard shows (rule ids, job names, runner names, log
 * lines) comes from job logs and the GitLab API, so it is untrusted: every
 * value goes through webesc_html before it reaches a page. */
#ifndef FSIG_WEBESC_H
#define FSIG_WEBESC_H

#include <stddef.h>

#include "dynbuf.h"

/* Append s as HTML/XML text, safe inside element content and inside a
 * double- or single-quoted attribute: & < > " ' become entities, invalid
 * UTF-8 and control bytes (but tab and newline) become U+FFFD. NULL
 * appends nothing. */
void webesc_html(struct dynbuf *out, const char *s);
void webesc_htmln(struct dynbuf *out, const char *s, size_t n);

/* Append s percent-encoded for a URL path segment or query value: every
 * byte but A-Z a-z 0-9 - . _ ~ becomes %XX. The result needs no further
 * HTML escaping. */
void webesc_url(struct dynbuf *out, const char *s);

#endif
