/* text.h — making log text safe to print: valid UTF-8 for JSON, no control
 * bytes for a terminal. Log lines may hold any byte (NUL, invalid UTF-8). */
#ifndef FSIG_TEXT_H
#define FSIG_TEXT_H

#include <stddef.h>

#include "dynbuf.h"

/* Append s[0..n) to out as valid UTF-8: each byte of an invalid sequence
 * becomes U+FFFD. Returns out->ptr (NUL-terminated). */
const char *text_utf8(struct dynbuf *out, const char *s, size_t n);
/* Like text_utf8, and control bytes (but tab) become U+FFFD too: for terminals. */
const char *text_printable(struct dynbuf *out, const char *s, size_t n);
/* Replace control bytes (and DEL) in the C string s by '?', in place: an
 * error message quoting untrusted input stays one printable line. */
void text_one_line(char *s);

#endif
