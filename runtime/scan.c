/* scan.c — the scan loop: lines → displayed text → prefilter → matchers.
 *
 * The hot path of failsig. For each line of each chunk: a line with no ESC,
 * no '\r' and no section marker is its own displayed text (the common case,
 * no copy; the same test as display_is_plain, amortised over the chunk);
 * other lines are rewritten by display_line into a side buffer.
 * The gram prefilter (ruleset.h) slides over the line; a set bit sends us to
 * a bucket of exact grams, whose atoms' generated matchers run at most once
 * per line. Lines with hits — or all lines, when the consumer asks — go to
 * the callback. Memory is fixed: the reader's buffer, one display buffer the
 * size of the longest line, and per-atom stamps. */
#define _GNU_SOURCE  /* memrchr */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "lineskip.h"
#include "probe.h"
#include "reader.h"
#include "xalloc.h"

enum {
	MAX_EVENTS = 16,             /* section markers reported per physical line */
	MAX_SECTION_NAME = 255,
};

struct scanner {
	const struct fsig_ruleset *rs;
	void (*probe)(struct scanner *, const unsigned char *, size_t, unsigned);  /* or NULL */
	size_t (*find)(const unsigned char *, size_t);  /* NULL: no line is skipped */
	/* The AVX-512 find loop, which counts the lines it passes (ruleset.h),
	 * or NULL; then find is NULL. */
	size_t (*find_count)(const unsigned char *, size_t, uint64_t *);
	uint64_t stop_lines;         /* with find_count: the lines before the find loop's stop */
	bool skips;                  /* lines may be skipped: no atom is tried on every line */
	/* Per short factor (ruleset.h): its next occurrence in the chunk at or
	 * after the scan's position, the chunk's end if none, NULL if not looked
	 * for in this chunk yet. */
	const unsigned char **short_next;
	const unsigned char *chunk_end;
	size_t (*lineskip)(const unsigned char *, size_t, uint64_t *);
	uint32_t *stamp;             /* per atom: the line generation it was last tried on */
	uint32_t gen;                /* current line generation (wraps: stamps reset) */
	uint32_t *hits;              /* atoms found on the current line */
	size_t nhits;
	bool tried;                  /* a matcher ran on the current line */
	bool has_raw;                /* some non-lazy atom matches raw bytes */
	unsigned char *disp;         /* displayed text of a non-plain line + '\n' + padding */
	size_t disp_cap;
	char names[SCAN_MAX_SECTIONS][MAX_SECTION_NAME + 1];  /* open sections */
	const char *sections[SCAN_MAX_SECTIONS];
	size_t depth;                /* entries used in names/sections */
	size_t overflow;             /* sections opened beyond SCAN_MAX_SECTIONS */
};

/* Whether this CPU runs the AVX-512 probe loop (probe.h), unless
 * FAILSIG_NO_AVX512 is set (to anything but "" or "0"): the tests compare
 * the two loops, and a user can rule out the vector unit. */
static bool use_avx512(void)
{
	const char *no = getenv("FAILSIG_NO_AVX512");
	if(no && *no && strcmp(no, "0") != 0)
		return false;
#ifdef FSIG_HAVE_AVX512
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx512vbmi");
#else
	return false;
#endif
}

struct scanner *scanner_new(const struct fsig_ruleset *rs)
{
	struct scanner *s = xcalloc(1, sizeof *s);
	s->rs = rs;
	bool cpu512 = use_avx512();
	bool avx512 = rs->prefilter.probe_avx512 && cpu512;
	s->probe = avx512 ? rs->prefilter.probe_avx512 : rs->prefilter.probe;
	/* Atoms tried on every line rule out skipping lines. */
	if(!rs->prefilter.nalways) {
		if(avx512 && rs->prefilter.find_avx512)
			s->find_count = rs->prefilter.find_avx512;
		else
			s->find = rs->prefilter.find;
		s->skips = s->find || s->find_count || rs->prefilter.nshorts;
	}
	s->short_next = xcalloc(rs->prefilter.nshort_factors + 1, sizeof *s->short_next);
	s->lineskip = lineskip;
#ifdef FSIG_HAVE_AVX512
	/* As on a CPU without AVX-512 when FAILSIG_NO_AVX512 says so: most of
	 * those have AVX2. */
	if(cpu512)
		s->lineskip = lineskip_avx512;
	else if(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
	        __builtin_cpu_supports("bmi"))
		s->lineskip = lineskip_avx2;
#endif
	s->stamp = xcalloc(rs->natoms ? rs->natoms : 1, sizeof *s->stamp);
	s->hits = xcalloc(rs->natoms ? rs->natoms : 1, sizeof *s->hits);
	for(uint32_t a = 0; a < rs->natoms; a++) {
		unsigned f = rs->atoms[a].flags;
		if((f & FSIG_ATOM_RAW) && !(f & FSIG_ATOM_LAZY))
			s->has_raw = true;
	}
	for(size_t i = 0; i < SCAN_MAX_SECTIONS; i++)
		s->sections[i] = s->names[i];
	return s;
}

void scanner_free(struct scanner *s)
{
	if(!s)
		return;
	free(s->stamp);
	free(s->hits);
	free(s->short_next);
	free(s->disp);
	free(s);
}

/* Which text a pass reads: a plain line is both its raw and displayed text. */
enum { TEXT_DISPLAYED = 1, TEXT_RAW = 2, TEXT_BOTH = 3 };

/* Try atom a on line p (once per line): record a hit if the atom reads this
 * kind of text and its matcher agrees. */
static inline void try_atom(struct scanner *s, uint32_t a, const unsigned char *p, unsigned kinds)
{
	if(s->stamp[a] == s->gen)
		return;
	const struct fsig_atom *at = &s->rs->atoms[a];
	if(!(kinds & (at->flags & FSIG_ATOM_RAW ? TEXT_RAW : TEXT_DISPLAYED)))
		return;
	s->stamp[a] = s->gen;
	s->tried = true;
	if(at->match(p))
		s->hits[s->nhits++] = a;
}

static bool same_icase(const unsigned char *text, const char *lower, size_t n)
{
	for(size_t i = 0; i < n; i++) {
		unsigned char c = text[i];
		if(c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if(c != (unsigned char)lower[i])
			return false;
	}
	return true;
}

/* Whether the len bytes of x (lower-cased when icase) start `offset` bytes
 * before p[pos], inside p[0..n). */
static inline bool in_place(const unsigned char *p, size_t n, size_t pos, size_t offset,
                            const char *x, size_t len, bool icase)
{
	if(pos < offset || pos - offset + len > n)
		return false;
	const unsigned char *start = p + pos - offset;
	return icase ? same_icase(start, x, len) : memcmp(start, x, len) == 0;
}

/* A gram of a "..." atom's literal was found at p[pos]: the literal would
 * start `offset` bytes earlier. Comparing it in place is much cheaper than
 * running the atom's DFA over the line; a miss leaves the atom open for
 * later grams of the line. */
static inline void try_literal(struct scanner *s, uint32_t a, const unsigned char *p, size_t len,
                               size_t pos, size_t offset, unsigned kinds)
{
	if(s->stamp[a] == s->gen)
		return;
	const struct fsig_atom *at = &s->rs->atoms[a];
	if(!(kinds & (at->flags & FSIG_ATOM_RAW ? TEXT_RAW : TEXT_DISPLAYED)))
		return;
	if(pos < offset || pos - offset + at->literal_len > len)
		return;
	s->tried = true;
	if(in_place(p, len, pos, offset, at->literal, at->literal_len, at->flags & FSIG_ATOM_ICASE)) {
		s->stamp[a] = s->gen;
		s->hits[s->nhits++] = a;
	}
}

/* A gram of one of regex atom a's required factors was found at p[pos]:
 * the factor would start `offset` bytes earlier. Only if it is there does
 * the atom's matcher run; a miss leaves the atom open for later grams. */
static inline void try_factor(struct scanner *s, uint32_t a, const struct fsig_factor *f,
                              const unsigned char *p, size_t len, size_t pos, size_t offset,
                              unsigned kinds)
{
	if(s->stamp[a] == s->gen)
		return;
	if(in_place(p, len, pos, offset, f->bytes, f->len, f->icase))
		try_atom(s, a, p, kinds);
}

/* The bucket of table t for grams with hash h: the entries from the one
 * returned up to *end, among which the caller looks for its gram. */
static inline const struct fsig_gram *bucket(const struct fsig_gramtab *t, uint32_t h,
                                             const struct fsig_gram **end)
{
	uint32_t k = fsig_gram_bucket(h, t->buckets_log2);
	*end = t->grams + t->bucket_start[k + 1];
	return t->grams + t->bucket_start[k];
}

/* Whether an entry of table t for gram g (hash h) at p[i] would send the
 * scanner to a matcher or a hit (scan_find_confirm4/8, probe.h): what
 * probe_bucket tries, without trying it. */
static int confirmed(const struct fsig_ruleset *rs, const struct fsig_gramtab *t,
                     const unsigned char *p, size_t n, size_t i, uint64_t g, uint32_t h)
{
	const struct fsig_gram *end;
	for(const struct fsig_gram *e = bucket(t, h, &end); e < end; e++) {
		if(e->gram != g)
			continue;
		if(e->offset < 0)
			return 1;
		const struct fsig_atom *at = &rs->atoms[e->atom];
		const struct fsig_factor *f = e->factor ? &rs->prefilter.factors[e->factor - 1] : NULL;
		size_t off = (size_t)e->offset;
		if(f ? in_place(p, n, i, off, f->bytes, f->len, f->icase)
		     : in_place(p, n, i, off, at->literal, at->literal_len, at->flags & FSIG_ATOM_ICASE))
			return 1;
	}
	return 0;
}

int scan_find_confirm4(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint32_t g)
{
	return confirmed(rs, &rs->prefilter.g4, p, n, i, g, fsig_gram_hash(g));
}

int scan_find_confirm8(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint64_t f)
{
	return confirmed(rs, &rs->prefilter.g8, p, n, i, f, fsig_gram8_hash(f));
}

/* The bit of gram g at p[i] (hash h) is set in table t: the exact grams of
 * its bucket say which atoms to try. Called from the generated probe loop
 * (probe.h), out of line so that the loop's few values stay in registers. */
static void probe_bucket(struct scanner *s, const struct fsig_gramtab *t, const unsigned char *p,
                         size_t len, size_t i, uint64_t g, uint32_t h, unsigned kinds)
{
	const struct fsig_prefilter *pf = &s->rs->prefilter;
	const struct fsig_gram *end;
	for(const struct fsig_gram *e = bucket(t, h, &end); e < end; e++) {
		if(e->gram != g)
			continue;
		if(e->offset < 0)
			try_atom(s, e->atom, p, kinds);
		else if(!e->factor)
			try_literal(s, e->atom, p, len, i, (size_t)e->offset, kinds);
		else
			try_factor(s, e->atom, &pf->factors[e->factor - 1], p, len, i, (size_t)e->offset,
			           kinds);
	}
}

void scan_probe_bucket4(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint32_t g, unsigned kinds)
{
	probe_bucket(s, &s->rs->prefilter.g4, p, len, i, g, fsig_gram_hash(g), kinds);
}

void scan_probe_bucket8(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint64_t g, unsigned kinds)
{
	probe_bucket(s, &s->rs->prefilter.g8, p, len, i, g, fsig_gram8_hash(g), kinds);
}

/* The first occurrence of x in p[0..n), or NULL: a memchr for its rarest
 * byte (chosen by the compiler) and a compare around each hit (glibc's
 * memmem took 58 % of a scan with a 2-byte factor). */
static const unsigned char *find_short(const unsigned char *p, size_t n,
                                       const struct fsig_short_factor *x)
{
	const unsigned char *b = (const unsigned char *)x->bytes;
	const size_t k = x->key;
	const unsigned char *end = p + n;
	for(const unsigned char *q = p + k; q < end;) {
		q = memchr(q, b[k], (size_t)(end - q));
		if(!q)
			return NULL;
		const unsigned char *at = q - k;
		if(at + x->len > end)
			return NULL;
		if(memcmp(at, b, x->len) == 0)
			return at;
		q++;
	}
	return NULL;
}

/* The next occurrence of short factor f at or after p in the chunk (or its
 * end), looked for again only when passed: one search per occurrence, not
 * per line. */
static const unsigned char *short_next(struct scanner *s, uint32_t f, const unsigned char *p)
{
	const unsigned char *q = s->short_next[f];
	if(q && q >= p)
		return q;
	q = find_short(p, (size_t)(s->chunk_end - p), &s->rs->prefilter.short_factors[f]);
	q = q ? q : s->chunk_end;
	s->short_next[f] = q;
	return q;
}

/* The first place at or after p where a short factor occurs, or the end. */
static const unsigned char *shorts_next(struct scanner *s, const unsigned char *p)
{
	const unsigned char *first = s->chunk_end;
	for(uint32_t f = 0; f < s->rs->prefilter.nshort_factors; f++) {
		const unsigned char *q = short_next(s, f, p);
		first = q < first ? q : first;
	}
	return first;
}

/* Slide the gram prefilter over p[0..len) and run candidate matchers of the
 * atoms that read this kind of text (TEXT_*). A plain line (TEXT_BOTH) is
 * in the chunk: a short atom is tried only if one of its factors occurs in
 * it; displayed text is elsewhere (and a factor of several bytes may form
 * only once the escapes are gone), so there every short atom is tried. */
static void prefilter(struct scanner *s, const unsigned char *p, size_t len, unsigned kinds)
{
	const struct fsig_prefilter *pf = &s->rs->prefilter;
	if(s->probe)
		s->probe(s, p, len, kinds);
	for(uint32_t k = 0; k < pf->nalways; k++)
		try_atom(s, pf->always[k], p, kinds);
	for(uint32_t k = 0; k < pf->nshorts; k++) {
		const struct fsig_short *sh = &pf->shorts[k];
		bool here = kinds != TEXT_BOTH;
		for(uint32_t f = sh->first; !here && f < sh->first + sh->n; f++)
			here = short_next(s, f, p) < p + len;
		if(here)
			try_atom(s, sh->atom, p, kinds);
	}
}

static void section_event(struct scanner *s, const struct display_event *ev)
{
	size_t n = ev->len < MAX_SECTION_NAME ? ev->len : MAX_SECTION_NAME;
	if(ev->kind == DISPLAY_SECTION_START) {
		if(s->depth == SCAN_MAX_SECTIONS) {
			s->overflow++;
			return;
		}
		memcpy(s->names[s->depth], ev->name, n);
		s->names[s->depth][n] = '\0';
		s->depth++;
		return;
	}
	if(s->overflow) {
		s->overflow--;
		return;
	}
	/* Close the innermost section of that name and everything opened
	 * inside it; an end without a start is ignored. */
	for(size_t d = s->depth; d-- > 0;) {
		if(strlen(s->names[d]) == n && memcmp(s->names[d], ev->name, n) == 0) {
			s->depth = d;
			return;
		}
	}
}

static void sort_hits(uint32_t *v, size_t n)
{
	for(size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while(j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void next_generation(struct scanner *s)
{
	if(++s->gen == 0) {
		memset(s->stamp, 0, (s->rs->natoms ? s->rs->natoms : 1) * sizeof *s->stamp);
		s->gen = 1;
	}
	s->nhits = 0;
	s->tried = false;
}

/* Displayed text of a non-plain line into s->disp (grown to fit). */
static size_t display(struct scanner *s, const unsigned char *raw, size_t len)
{
	if(len + 1 + FSIG_PAD > s->disp_cap) {
		s->disp_cap = len + 1 + FSIG_PAD;
		free(s->disp);
		s->disp = xmalloc(s->disp_cap);
	}
	struct display_event ev[MAX_EVENTS];
	size_t nev = 0;
	size_t n = display_line(raw, len, s->disp, ev, MAX_EVENTS, &nev);
	for(size_t i = 0; i < nev; i++)
		section_event(s, &ev[i]);
	s->disp[n] = '\n';
	memset(s->disp + n + 1, 0, FSIG_PAD);
	return n;
}

/* The next ESC and '\r' at or after p (or end), found again only when
 * passed (or NULL: not yet). */
static void next_special(const unsigned char *p, const unsigned char *end,
                         const unsigned char **esc, const unsigned char **cr)
{
	if(!*esc || *esc < p) {
		*esc = memchr(p, 0x1b, (size_t)(end - p));
		*esc = *esc ? *esc : end;
	}
	if(!*cr || *cr < p) {
		*cr = memchr(p, '\r', (size_t)(end - p));
		*cr = *cr ? *cr : end;
	}
}

/* Skip the lines from p (a line start) that cannot hold an atom: those
 * before the prefilter's next set bit (*stop, found again when passed),
 * before the next ESC or '\r' and before the next "section_" line, which
 * need the display pass. Counts them into *lineno and tells fn about them
 * (one run call); returns the start of the line to scan, or end. */
static const unsigned char *skip(struct scanner *s, const unsigned char *p,
                                 const unsigned char *end, const unsigned char **stop,
                                 const unsigned char **esc, const unsigned char **cr,
                                 uint64_t *lineno, scan_line_fn fn, void *ctx)
{
	if(!*stop || *stop < p) {
		if(s->find_count) {
			uint64_t lines = 0;
			*stop = p + s->find_count(p, (size_t)(end - p), &lines);
			s->stop_lines = *lineno + lines;
		} else if(s->find) {
			*stop = p + s->find(p, (size_t)(end - p));
		} else {
			*stop = end;  /* no grams: only short factors stop the skip */
		}
	}
	const unsigned char *limit = *stop;
	if(!s->find_count) {  /* which stops at them itself */
		next_special(p, end, esc, cr);
		limit = *esc < limit ? *esc : limit;
		limit = *cr < limit ? *cr : limit;
	}
	if(s->rs->prefilter.nshort_factors) {
		const unsigned char *sh = shorts_next(s, p);
		limit = sh < limit ? sh : limit;
	}
	/* Up to the start of the line holding `limit` (a short way back, but
	 * a byte loop there was 15 % of the GHC pack's instructions). */
	const unsigned char *q = limit;
	if(q < end && q > p) {
		const unsigned char *nl = memrchr(p, '\n', (size_t)(q - p));
		q = nl ? nl + 1 : p;
	}
	if(q == p)
		return p;
	uint64_t before = *lineno;
	/* The lines up to the find loop's stop are counted (and "section_" lines,
	 * ESC and '\r' looked for) when it ran, if it ran with AVX-512; q is
	 * then the start of the stop's line. A short factor before the stop, or
	 * the scalar loop's stop, ends the run elsewhere: those lines are
	 * counted here. */
	if(s->find_count && limit == *stop)
		*lineno = s->stop_lines;
	else
		q = p + s->lineskip(p, (size_t)(q - p), lineno);
	if(*lineno > before) {
		struct scan_line run = {
			.lineno = *lineno, .text = p, .len = (size_t)(q - p), .raw = p,
			.raw_len = (size_t)(q - p), .sections = s->sections, .nsections = s->depth,
			.in_chunk = true, .run_lines = *lineno - before,
		};
		fn(ctx, &run, NULL, 0);
	}
	return q;
}

int scanner_run(struct scanner *s, struct reader *r, scan_line_fn fn, void *ctx,
                const int *want_all_lines, struct scan_stats *stats)
{
	struct scan_stats st = {0, 0, 0};
	uint64_t lineno = 0;
	struct reader_chunk c;
	int rc;
	while((rc = reader_next(r, &c)) == 1) {
		const unsigned char *p = c.begin;
		bool first = true;
		/* The next ESC and '\r' at or after p, found once per chunk and again
		 * only when passed: cheaper than asking display_is_plain per line. */
		const unsigned char *esc = NULL, *cr = NULL;
		/* The first probed position with a set bit (s->find), or NULL. */
		const unsigned char *stop = NULL;
		s->chunk_end = c.end;
		for(uint32_t f = 0; f < s->rs->prefilter.nshort_factors; f++)
			s->short_next[f] = NULL;
		while(p < c.end) {
			/* Lines are skipped, up to the few that need a look (fn may
			 * change *want_all_lines at any line). */
			bool skipping = s->skips && !*want_all_lines;
			if(skipping && !(first && c.continues)) {
				p = skip(s, p, c.end, &stop, &esc, &cr, &lineno, fn, ctx);
				first = false;
				if(p == c.end)
					break;
			}
			const unsigned char *nl = memchr(p, '\n', (size_t)(c.end - p));
			size_t raw_len = (size_t)(nl - p);
			if(!(first && c.continues))
				lineno++;
			first = false;
			bool plain;
			if(skipping) {
				/* Few lines get here: look in the line itself. (The AVX-512
				 * find loop stops at ESC and '\r' without moving esc and cr
				 * on; each still points at the first one after where it was
				 * looked for, and is looked for again once passed.) */
				plain = !memchr(p, 0x1b, raw_len) && !memchr(p, '\r', raw_len);
			} else {
				next_special(p, c.end, &esc, &cr);
				plain = esc > nl && cr > nl;
			}
			plain = plain && !(raw_len >= 8 && memcmp(p, "section_", 8) == 0);

			struct scan_line ln;
			ln.lineno = lineno;
			ln.raw = p;
			ln.raw_len = raw_len;
			next_generation(s);
			ln.in_chunk = plain;
			ln.run_lines = 0;
			if(plain) {
				ln.text = p;
				ln.len = raw_len;
				prefilter(s, p, raw_len, TEXT_BOTH);
			} else {
				ln.len = display(s, p, raw_len);
				ln.text = s->disp;
				prefilter(s, ln.text, ln.len, TEXT_DISPLAYED);
				if(s->has_raw)
					prefilter(s, p, raw_len, TEXT_RAW);
			}
			if(s->tried)
				st.candidate_lines++;
			if(s->nhits || *want_all_lines) {
				ln.sections = s->sections;
				ln.nsections = s->depth;
				sort_hits(s->hits, s->nhits);
				fn(ctx, &ln, s->hits, s->nhits);
			}
			p = nl + 1;
		}
		fn(ctx, NULL, NULL, 0);  /* the chunk is about to be replaced */
	}
	st.lines = lineno;
	st.bytes = reader_bytes(r);
	if(stats)
		*stats = st;
	return rc < 0 ? -1 : 0;
}
