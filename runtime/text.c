/* text.c — UTF-8 validation and control-byte scrubbing of log text. */
#include "text.h"

#include <stdbool.h>
#include <stdint.h>

static const char replacement[] = "\xef\xbf\xbd";  /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t min;
	uint32_t cp;
	if(c < 0x80)
		return 1;
	if(c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
		cp = c & 0x1f;
	} else if(c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
		cp = c & 0x0f;
	} else if(c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if(len > n)
		return 0;
	for(size_t i = 1; i < len; i++) {
		if((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if(cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static const char *convert(struct dynbuf *out, const char *str, size_t n, bool printable)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while(i < n) {
		size_t run = i;
		/* Copy the longest stretch of acceptable bytes at once. */
		while(run < n) {
			size_t l = utf8_len(s + run, n - run);
			if(l == 0 || (printable && l == 1 && (s[run] < 0x20 || s[run] == 0x7f) && s[run] != '\t'))
				break;
			run += l;
		}
		dynbuf_add(out, s + i, run - i);
		if(run < n) {
			dynbuf_add(out, replacement, 3);
			run++;
		}
		i = run;
	}
	if(!out->ptr)
		dynbuf_add(out, "", 0);
	return out->ptr;
}

const char *text_utf8(struct dynbuf *out, const char *s, size_t n)
{
	return convert(out, s, n, false);
}

const char *text_printable(struct dynbuf *out, const char *s, size_t n)
{
	return convert(out, s, n, true);
}

void text_one_line(char *s)
{
	for(; *s; s++) {
		if((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}
