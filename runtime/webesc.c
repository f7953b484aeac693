/* webesc.c — HTML escaping and URL encoding for the dashboard (webesc.h). */
#include "webesc.h"

#include <string.h>

#include "text.h"

void webesc_htmln(struct dynbuf *out, const char *s, size_t n)
{
	if(!s)
		return;
	/* Repair first (text_printable keeps tabs only), then escape. */
	struct dynbuf clean;
	dynbuf_init(&clean, n * 3 + 16);
	size_t start = 0;
	for(size_t i = 0; i <= n; i++) {
		/* Newlines are kept: text_printable would replace them. */
		if(i < n && s[i] != '\n')
			continue;
		text_printable(&clean, s + start, i - start);
		if(i < n)
			dynbuf_add(&clean, "\n", 1);
		start = i + 1;
	}
	const char *p = clean.ptr ? clean.ptr : "";
	const char *run = p;
	for(; *p; p++) {
		const char *ent;
		switch(*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		dynbuf_add(out, run, (size_t)(p - run));
		dynbuf_adds(out, ent);
		run = p + 1;
	}
	dynbuf_add(out, run, (size_t)(p - run));
	dynbuf_free(&clean);
}

void webesc_html(struct dynbuf *out, const char *s)
{
	if(s)
		webesc_htmln(out, s, strlen(s));
}

void webesc_url(struct dynbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for(const unsigned char *p = (const unsigned char *)s; s && *p; p++) {
		unsigned char c = *p;
		if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		   c == '-' || c == '.' || c == '_' || c == '~') {
			dynbuf_add(out, p, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			dynbuf_add(out, e, 3);
		}
	}
}
