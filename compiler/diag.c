/* diag.c — the diagnostics sink: collect, dedupe, render.
 *
 * Passes report into a struct diag and never print (STYLE 9.2 rule 5). The
 * sink copies every message, applies the -W options when a warning is
 * reported (so the counts the driver sees match what will be shown), stops
 * taking errors at DIAG_MAX_ERRORS, and renders once at the end, sorted by
 * file and offset, in one of three formats:
 *
 *   TEXT         GCC/re2c shape with source context and carets (STYLE 9.4)
 *   JSON         one object per line, always valid JSON whatever the bytes
 *   CODEQUALITY  a GitLab Code Quality array with line-independent fingerprints
 *
 * docs/diagnostics.md describes the output for users; keep it in step. */
#include "diag.h"
#include "arena.h"
#include "xalloc.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	LINE_SHOWN = 120,   /* source bytes shown before a long line is cut */
	LINE_LEAD = 40,     /* bytes kept before the caret when a line is cut */
	GUTTER_MIN = 4,     /* width of the line-number gutter, at least */
};

/* One row per diag.def entry, indexed by enum diag_id. */
static const struct kind {
	const char *name;   /* stable name: -W<name>, JSON "check" */
	enum severity sev;  /* SEV_ERROR or SEV_WARNING as declared */
} kinds[DIAG__COUNT] = {
#define D(id, name, sev, help) [DIAG_##id] = { name, sev },
#include "diag.def"
#undef D
};

/* What -Werror=NAME / -Wno-error=NAME said about one warning; DEFAULT
 * follows the global -Werror. */
enum promote { PROMOTE_DEFAULT, PROMOTE_YES, PROMOTE_NO };

struct wstate {
	bool off;               /* -Wno-NAME: dropped when reported */
	enum promote promote;   /* -Werror=NAME / -Wno-error=NAME */
};

struct note {
	struct loc loc;         /* secondary location; file may be NULL */
	const char *msg;        /* arena copy */
};

struct entry {
	enum diag_id id;        /* kind, for name and declared severity */
	bool promoted;          /* a warning shown as an error (-Werror) */
	struct loc loc;         /* primary location; file may be NULL */
	const char *msg;        /* arena copy */
	const char *rule_id;    /* arena copy or NULL; feeds the fingerprint */
	struct note *notes;     /* arena array, in report order */
	size_t nnotes;          /* notes used */
	size_t capnotes;        /* notes allocated */
};

struct diag {
	struct arena *arena;    /* messages, rule ids, notes */
	struct entry *v;        /* every kept diagnostic, in report order (xrealloc) */
	size_t n;               /* entries used */
	size_t cap;             /* entries allocated */
	struct wstate w[DIAG__COUNT]; /* -W state per kind (only warnings use it) */
	bool werror;            /* -Werror: promote every warning not excluded */
	unsigned nerrors;       /* errors kept, promoted warnings and the limit error included */
	unsigned nwarnings;     /* warnings kept and not promoted */
	bool stopped;           /* DIAG_MAX_ERRORS reached: errors are dropped */
};

struct diag *diag_new(void)
{
	struct diag *d = xcalloc(1, sizeof *d);
	d->arena = arena_new();
	return d;
}

void diag_free(struct diag *d)
{
	if(!d)
		return;
	arena_free(d->arena);
	free(d->v);
	free(d);
}

const char *diag_name(enum diag_id id)
{
	if((unsigned)id >= DIAG__COUNT)
		return "unknown";
	return kinds[id].name;
}

unsigned diag_errors(const struct diag *d)
{
	return d->nerrors;
}

unsigned diag_warnings(const struct diag *d)
{
	return d->nwarnings;
}

/* The warning kind called name, or -1 (errors cannot be configured). */
static int find_warning(const char *name)
{
	for(int i = 0; i < DIAG__COUNT; i++) {
		if(kinds[i].sev == SEV_WARNING && strcmp(kinds[i].name, name) == 0)
			return i;
	}
	return -1;
}

bool diag_option(struct diag *d, const char *opt)
{
	int k;
	if(strcmp(opt, "error") == 0) {
		d->werror = true;
		return true;
	}
	if(strcmp(opt, "no-error") == 0) {
		d->werror = false;
		return true;
	}
	if(strncmp(opt, "error=", 6) == 0) {
		k = find_warning(opt + 6);
		if(k < 0)
			return false;
		/* GCC: -Werror=NAME also enables NAME. */
		d->w[k].promote = PROMOTE_YES;
		d->w[k].off = false;
		return true;
	}
	if(strncmp(opt, "no-error=", 9) == 0) {
		k = find_warning(opt + 9);
		if(k < 0)
			return false;
		d->w[k].promote = PROMOTE_NO;
		return true;
	}
	/* "no-" + a warning name silences it. Tried before the plain name so
	 * that a name which itself starts with "no-" (missing-examples) is silenced
	 * by "no-missing-examples", as GCC would read it. */
	if(strncmp(opt, "no-", 3) == 0) {
		k = find_warning(opt + 3);
		if(k >= 0) {
			d->w[k].off = true;
			return true;
		}
	}
	k = find_warning(opt);
	if(k < 0)
		return false;
	d->w[k].off = false;
	return true;
}

static char *vformat(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if(n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

static bool same_loc(struct loc x, struct loc y)
{
	return x.file == y.file && x.begin == y.begin && x.end == y.end;
}

static bool same_str(const char *x, const char *y)
{
	if(!x || !y)
		return x == y;
	return strcmp(x, y) == 0;
}

int diag_report(struct diag *d, enum diag_id id, struct loc loc, const char *rule_id,
                const char *fmt, ...)
{
	assert((unsigned)id < DIAG__COUNT);
	bool promoted = false;
	if(kinds[id].sev == SEV_WARNING) {
		const struct wstate *w = &d->w[id];
		if(w->off)
			return -1;
		promoted = w->promote == PROMOTE_YES || (w->promote == PROMOTE_DEFAULT && d->werror);
	}
	bool is_error = kinds[id].sev == SEV_ERROR || promoted;
	if(is_error && d->stopped)
		return -1;

	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d->arena, fmt, ap);
	va_end(ap);

	/* The same finding reached twice (a file seen through two includes, a
	 * lint run over a shared pattern) is shown once; later notes for it are
	 * deduplicated in diag_note. */
	for(size_t i = 0; i < d->n; i++) {
		const struct entry *e = &d->v[i];
		if(e->id == id && same_loc(e->loc, loc) && same_str(e->rule_id, rule_id) &&
		   strcmp(e->msg, msg) == 0)
			return (int)i;
	}

	if(is_error && d->nerrors == DIAG_MAX_ERRORS) {
		/* The limit error is rendered last by diag_render, and counts. */
		d->stopped = true;
		d->nerrors++;
		return -1;
	}
	if(d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->v = xrealloc(d->v, d->cap * sizeof d->v[0]);
	}
	struct entry *e = &d->v[d->n];
	memset(e, 0, sizeof *e);
	e->id = id;
	e->promoted = promoted;
	e->loc = loc;
	e->msg = msg;
	e->rule_id = rule_id ? arena_strdup(d->arena, rule_id) : NULL;
	if(is_error)
		d->nerrors++;
	else
		d->nwarnings++;
	return (int)d->n++;
}

void diag_note(struct diag *d, int idx, struct loc loc, const char *fmt, ...)
{
	if(idx < 0 || (size_t)idx >= d->n)
		return;
	struct entry *e = &d->v[idx];
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d->arena, fmt, ap);
	va_end(ap);
	for(size_t i = 0; i < e->nnotes; i++) {
		if(same_loc(e->notes[i].loc, loc) && strcmp(e->notes[i].msg, msg) == 0)
			return;
	}
	e->notes = arena_grow(d->arena, e->notes, sizeof e->notes[0], &e->capnotes, e->nnotes + 1);
	e->notes[e->nnotes].loc = loc;
	e->notes[e->nnotes].msg = msg;
	e->nnotes++;
}

/* ---- ordering ---------------------------------------------------------- */

static int file_key(const struct srcfile *f)
{
	return f ? f->id : -1;  /* diagnostics without a file come first */
}

/* (file id, begin offset, report order): the entries all live in d->v, so
 * their addresses are the report order and qsort becomes stable. */
static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = *(const struct entry *const *)pa;
	const struct entry *b = *(const struct entry *const *)pb;
	int fa = file_key(a->loc.file);
	int fb = file_key(b->loc.file);
	if(fa != fb)
		return fa < fb ? -1 : 1;
	uint32_t ba = a->loc.file ? a->loc.begin : 0;
	uint32_t bb = b->loc.file ? b->loc.begin : 0;
	if(ba != bb)
		return ba < bb ? -1 : 1;
	if(a != b)
		return a < b ? -1 : 1;
	return 0;
}

/* The entries in rendering order; caller frees the array. */
static const struct entry **sorted(const struct diag *d)
{
	const struct entry **v = xmalloc((d->n ? d->n : 1) * sizeof v[0]);
	for(size_t i = 0; i < d->n; i++)
		v[i] = &d->v[i];
	if(d->n > 1)
		qsort(v, d->n, sizeof v[0], cmp_entry);
	return v;
}

/* The message of the limit error, into buf; returns buf. Wording per STYLE
 * 9.2 rule 8: the limit is stated as a number. */
static const char *limit_message(char buf[static 80])
{
	snprintf(buf, 80, "too many errors (limit %d), further errors not shown",
	         (int)DIAG_MAX_ERRORS);
	return buf;
}

/* ---- TEXT -------------------------------------------------------------- */

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static bool is_ctrl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* A message on one line whatever it holds: control bytes become C escapes. */
static void put_text_msg(FILE *out, const char *s)
{
	for(const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if(*p == '\n')
			fputs("\\n", out);
		else if(*p == '\r')
			fputs("\\r", out);
		else if(*p == '\t')
			fputs("\\t", out);
		else if(is_ctrl(*p))
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

/* Offsets clamped into the file; end >= begin. */
static void clamp_range(struct loc loc, uint32_t *begin, uint32_t *end)
{
	uint32_t len = (uint32_t)loc.file->len;
	*begin = loc.begin < len ? loc.begin : len;
	*end = loc.end < len ? loc.end : len;
	if(*end < *begin)
		*end = *begin;
}

/* "path:line:col: " or, without a file, "failsigc: ". */
static void put_where(FILE *out, struct loc loc)
{
	if(!loc.file) {
		fputs("failsigc: ", out);
		return;
	}
	uint32_t begin, end, line, col;
	clamp_range(loc, &begin, &end);
	srcfile_linecol(loc.file, begin, &line, &col);
	fprintf(out, "%s:%u:%u: ", loc.file->path, line, col);
}

/* The source line and the caret line under it:
 *    14 |     match /out of
 *       |           ^~~~~~~
 * The range is clipped to its first line. A line longer than LINE_SHOWN bytes
 * is shown as a LINE_SHOWN-byte window around the caret, with "..." on each
 * side that was cut. In the caret line a tab stays a tab so it lines up with
 * the source, and UTF-8 continuation bytes take no column. */
static void put_context(FILE *out, struct loc loc)
{
	const struct srcfile *f = loc.file;
	uint32_t begin, end, line, col;
	clamp_range(loc, &begin, &end);
	srcfile_linecol(f, begin, &line, &col);
	size_t len;
	const unsigned char *s = (const unsigned char *)srcfile_line(f, line, &len);

	size_t c0 = col - 1;            /* caret, as an index into s */
	if(c0 > len)                    /* on the '\r' of a CRLF */
		c0 = len;
	size_t c1 = c0 + (end - begin); /* end of the underline, exclusive */
	if(c1 > len)
		c1 = len;
	if(c1 < c0)
		c1 = c0;

	size_t ws = 0;                  /* shown window [ws, we) of s */
	size_t we = len;
	if(len > LINE_SHOWN) {
		if(c1 > LINE_SHOWN || c0 >= LINE_SHOWN)
			ws = c0 > LINE_LEAD ? c0 - LINE_LEAD : 0;
		we = ws + LINE_SHOWN;
		if(we > len) {
			we = len;
			ws = len - LINE_SHOWN;
		}
		/* Do not cut a UTF-8 character in half at either edge. */
		while(ws > 0 && ws < c0 && is_cont(s[ws]))
			ws++;
		while(we < len && we > c0 + 1 && is_cont(s[we]))
			we--;
	}
	if(c1 > we)
		c1 = we;

	unsigned digits = 1;
	for(uint32_t n = line; n >= 10; n /= 10)
		digits++;
	int width = digits < GUTTER_MIN ? GUTTER_MIN : (int)digits;

	fprintf(out, " %*u | ", width, line);
	if(ws > 0)
		fputs("...", out);
	for(size_t i = ws; i < we; i++)
		fputc(is_ctrl(s[i]) ? '?' : s[i], out);
	if(we < len)
		fputs("...", out);
	fputc('\n', out);

	fprintf(out, " %*s | ", width, "");
	if(ws > 0)
		fputs("   ", out);
	for(size_t i = ws; i < c0; i++) {
		if(s[i] == '\t')
			fputc('\t', out);
		else if(!is_cont(s[i]))
			fputc(' ', out);
	}
	fputc('^', out);
	for(size_t i = c0 + 1; i < c1; i++) {
		if(s[i] == '\t')
			fputc('\t', out);
		else if(!is_cont(s[i]))
			fputc('~', out);
	}
	fputc('\n', out);
}

static void render_text(const struct diag *d, FILE *out)
{
	const struct entry **v = sorted(d);
	for(size_t i = 0; i < d->n; i++) {
		const struct entry *e = v[i];
		const char *name = kinds[e->id].name;
		put_where(out, e->loc);
		if(kinds[e->id].sev == SEV_ERROR || e->promoted)
			fputs("error: ", out);
		else
			fputs("warning: ", out);
		put_text_msg(out, e->msg);
		if(e->promoted)
			fprintf(out, " [-Werror=%s]", name);
		else if(kinds[e->id].sev == SEV_WARNING)
			fprintf(out, " [-W%s]", name);
		fputc('\n', out);
		if(e->loc.file)
			put_context(out, e->loc);
		for(size_t j = 0; j < e->nnotes; j++) {
			const struct note *n = &e->notes[j];
			put_where(out, n->loc);
			fputs("note: ", out);
			put_text_msg(out, n->msg);
			fputc('\n', out);
			if(n->loc.file)
				put_context(out, n->loc);
		}
	}
	free(v);
	if(d->stopped) {
		char buf[80];
		fprintf(out, "failsigc: error: %s\n", limit_message(buf));
	}

	unsigned ne = d->nerrors;
	unsigned nw = d->nwarnings;
	if(ne && nw)
		fprintf(out, "%u error%s, %u warning%s generated.\n", ne, ne == 1 ? "" : "s", nw,
		        nw == 1 ? "" : "s");
	else if(ne)
		fprintf(out, "%u error%s generated.\n", ne, ne == 1 ? "" : "s");
	else if(nw)
		fprintf(out, "%u warning%s generated.\n", nw, nw == 1 ? "" : "s");
}

/* ---- JSON -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 if s does not start one
 * (overlongs, surrogates and code points above U+10FFFF are invalid). s is
 * NUL-terminated, so reading on stops at the NUL, never a continuation byte. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t need;
	if(c < 0x80)
		return 1;
	if(c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if(c == 0xE0) {
		need = 2;
		lo = 0xA0;
	} else if(c == 0xED) {
		need = 2;
		hi = 0x9F;
	} else if(c >= 0xE1 && c <= 0xEF) {
		need = 2;
	} else if(c == 0xF0) {
		need = 3;
		lo = 0x90;
	} else if(c == 0xF4) {
		need = 3;
		hi = 0x8F;
	} else if(c >= 0xF1 && c <= 0xF3) {
		need = 3;
	} else {
		return 0;
	}
	if(s[1] < lo || s[1] > hi)
		return 0;
	for(size_t i = 2; i <= need; i++) {
		if(!is_cont(s[i]))
			return 0;
	}
	return need + 1;
}

/* s as a JSON string (null for NULL). Control bytes become \u00XX (\n, \t…
 * get their short forms) and each byte of invalid UTF-8 becomes U+FFFD, so
 * the output is valid JSON whatever the rule file held. */
static void put_json_str(FILE *out, const char *str)
{
	if(!str) {
		fputs("null", out);
		return;
	}
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', out);
	while(*s) {
		unsigned char c = *s;
		size_t n = utf8_seq(s);
		if(c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if(c == '\n') {
			fputs("\\n", out);
		} else if(c == '\r') {
			fputs("\\r", out);
		} else if(c == '\t') {
			fputs("\\t", out);
		} else if(c == '\b') {
			fputs("\\b", out);
		} else if(c == '\f') {
			fputs("\\f", out);
		} else if(c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else if(n == 0) {
			fputs("\xEF\xBF\xBD", out);  /* U+FFFD */
			n = 1;
		} else {
			fwrite(s, 1, n, out);
		}
		s += n ? n : 1;
	}
	fputc('"', out);
}

/* "file":…,"line":…,"column":… (and the end if with_end); null without a file. */
static void put_json_loc(FILE *out, struct loc loc, bool with_end)
{
	if(!loc.file) {
		fputs("\"file\":null,\"line\":null,\"column\":null", out);
		if(with_end)
			fputs(",\"end_line\":null,\"end_column\":null", out);
		return;
	}
	uint32_t begin, end, line, col;
	clamp_range(loc, &begin, &end);
	srcfile_linecol(loc.file, begin, &line, &col);
	fputs("\"file\":", out);
	put_json_str(out, loc.file->path);
	fprintf(out, ",\"line\":%u,\"column\":%u", line, col);
	if(with_end) {
		srcfile_linecol(loc.file, end, &line, &col);
		fprintf(out, ",\"end_line\":%u,\"end_column\":%u", line, col);
	}
}

static void put_json_entry(FILE *out, struct loc loc, const char *sev, const char *check,
                           const char *msg, const struct note *notes, size_t nnotes)
{
	fputc('{', out);
	put_json_loc(out, loc, true);
	fprintf(out, ",\"severity\":\"%s\",\"check\":", sev);
	put_json_str(out, check);
	fputs(",\"message\":", out);
	put_json_str(out, msg);
	fputs(",\"notes\":[", out);
	for(size_t j = 0; j < nnotes; j++) {
		if(j)
			fputc(',', out);
		fputc('{', out);
		put_json_loc(out, notes[j].loc, false);
		fputs(",\"message\":", out);
		put_json_str(out, notes[j].msg);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void render_json(const struct diag *d, FILE *out)
{
	const struct entry **v = sorted(d);
	for(size_t i = 0; i < d->n; i++) {
		const struct entry *e = v[i];
		bool err = kinds[e->id].sev == SEV_ERROR || e->promoted;
		put_json_entry(out, e->loc, err ? "error" : "warning", kinds[e->id].name, e->msg,
		               e->notes, e->nnotes);
	}
	free(v);
	if(d->stopped) {
		char buf[80];
		struct loc none = { 0 };
		put_json_entry(out, none, "error", kinds[DIAG_TOO_MANY_ERRORS].name,
		               limit_message(buf), NULL, 0);
	}
}

/* ---- CODEQUALITY ------------------------------------------------------- */

/* Two 64-bit FNV hashes side by side (FNV-1a and FNV-1 from the same
 * offset basis) give 32 hex digits, the shape GitLab's own reports use. */
struct fp {
	uint64_t a;  /* FNV-1a */
	uint64_t b;  /* FNV-1 */
};

#define FNV_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

/* Feed a field and a NUL separator, so ("ab","c") and ("a","bc") differ. */
static void fp_add(struct fp *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for(;; p++) {
		h->a ^= *p;
		h->a *= FNV_PRIME;
		h->b *= FNV_PRIME;
		h->b ^= *p;
		if(!*p)
			break;
	}
}

/* The identity of an issue: check name, path, rule id and message — never
 * the line, so an issue keeps its fingerprint when lines above it move. */
static struct fp fp_base(const struct entry *e)
{
	struct fp h = { FNV_BASIS, FNV_BASIS };
	fp_add(&h, kinds[e->id].name);
	fp_add(&h, e->loc.file ? e->loc.file->path : "");
	fp_add(&h, e->rule_id);
	fp_add(&h, e->msg);
	return h;
}

static void render_codequality(const struct diag *d, FILE *out)
{
	size_t n = d->n + (d->stopped ? 1 : 0);
	if(!n) {
		fputs("[]\n", out);
		return;
	}
	const struct entry **v = sorted(d);
	struct fp *base = xmalloc(n * sizeof base[0]);
	char buf[80];
	fputs("[\n", out);
	for(size_t i = 0; i < n; i++) {
		const struct entry *e = i < d->n ? v[i] : NULL;
		const char *check = e ? kinds[e->id].name : kinds[DIAG_TOO_MANY_ERRORS].name;
		const char *path = e && e->loc.file ? e->loc.file->path : "";
		const char *msg = e ? e->msg : limit_message(buf);
		bool err = !e || kinds[e->id].sev == SEV_ERROR || e->promoted;
		uint32_t line = 1;
		if(e && e->loc.file) {
			uint32_t begin, end, col;
			clamp_range(e->loc, &begin, &end);
			srcfile_linecol(e->loc.file, begin, &line, &col);
		}

		if(e) {
			base[i] = fp_base(e);
		} else {
			base[i] = (struct fp){ FNV_BASIS, FNV_BASIS };
			fp_add(&base[i], check);
			fp_add(&base[i], "");
			fp_add(&base[i], NULL);
			fp_add(&base[i], msg);
		}
		/* GitLab treats equal fingerprints as one issue: the k-th repeat of
		 * the same issue (same rule, same message, other line) hashes k in
		 * as well. Counting in sorted order keeps that stable too. */
		unsigned k = 0;
		for(size_t j = 0; j < i; j++) {
			if(base[j].a == base[i].a && base[j].b == base[i].b)
				k++;
		}
		struct fp h = base[i];
		if(k) {
			char num[16];
			snprintf(num, sizeof num, "%u", k);
			fp_add(&h, num);
		}

		fputs("  {\"description\":", out);
		put_json_str(out, msg);
		fputs(",\"check_name\":", out);
		put_json_str(out, check);
		fprintf(out, ",\"fingerprint\":\"%016llx%016llx\"", (unsigned long long)h.a,
		        (unsigned long long)h.b);
		fprintf(out, ",\"severity\":\"%s\"", err ? "major" : "minor");
		fputs(",\"location\":{\"path\":", out);
		put_json_str(out, path);
		fprintf(out, ",\"lines\":{\"begin\":%u}}}%s\n", line, i + 1 < n ? "," : "");
	}
	fputs("]\n", out);
	free(base);
	free(v);
}

void diag_render(const struct diag *d, enum diag_format fmt, FILE *out)
{
	switch(fmt) {
	case DIAG_TEXT:
		render_text(d, out);
		break;
	case DIAG_JSON:
		render_json(d, out);
		break;
	case DIAG_CODEQUALITY:
		render_codequality(d, out);
		break;
	}
}
