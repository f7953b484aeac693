/* atoms.c — dedupe patterns into atoms and build the gram prefilter.
 *
 * The prefilter is what makes the scanner fast (SCANNING-NOTES.md 5.2): for
 * each atom found through it, the rarest window of each required literal
 * factor is entered, as 4-byte or folded 8-byte grams, into a hashed bit
 * table; a set bit at some position of a line sends the scanner to a bucket
 * listing the exact grams and the atoms owning them, and only those atoms'
 * matchers run. Every match of an atom contains one of its factors, hence
 * one of its grams: no false negatives. */
#include "atoms.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "regex.h"

enum {
	GRAM = 4,                    /* the short grams; the long ones are GRAM8 */
	GRAM8 = 8,
	MIN_BITS_LOG2 = 15,          /* 4 KiB bit table */
	MAX_BITS_LOG2 = 21,          /* 256 KiB: past that the table leaves L2 */
	/* Each gram sets two bits of one word (fsig_gram_mask), so a stranger
	 * passes with the square of the fill: at 64 bits per gram about 1 in
	 * 1,000 probes. With one bit per gram the tables had to be 4 times as
	 * large (256 bits per gram, and 1024 for small sets, where most of the
	 * find loop's stops were hash collisions) for fewer stops; two bits
	 * per gram in the smaller tables scan as fast or faster (200 rules on
	 * big.log 6 % faster, 1000 rules 2 %, the GHC pack the same) and take
	 * a quarter of the cache. */
	BITS_PER_GRAM = 64,
	/* sparser while the table stays within 64 KiB (small sets). */
	SPARSE_BITS_PER_GRAM = 256,
	SPARSE_MAX_LOG2 = 19,
	MAX_STEP = 8,                /* longest probe stride: 8 grams per literal */
};

#include "gramfreq.h"

/* How common a byte is in CI logs, 1 (rare) to 10 (everywhere): the tie
 * breaker between grams the corpus never showed (a heuristic from reading
 * GHC and GitLab runner logs). */
static int byte_weight(unsigned char b)
{
	if(b == ' ')
		return 10;
	if(strchr("etaoinsr", b))
		return 9;
	if(b >= 'a' && b <= 'z')
		return 7;
	if(b >= '0' && b <= '9')
		return 8;
	if(strchr("./-_:=", b))
		return 7;
	if(b >= 'A' && b <= 'Z')
		return 4;
	if(b >= 0x21 && b < 0x7f)
		return 3;
	return 2;
}

/* How common the 4-byte gram at g is in the corpus: log2 of its count. */
static int gram_freq4(const unsigned char *g)
{
	uint32_t folded = 0;
	for(int k = 3; k >= 0; k--) {
		unsigned char c = g[k] >= 'A' && g[k] <= 'Z' ? (unsigned char)(g[k] + 32) : g[k];
		folded = folded << 8 | c;
	}
	return gram_freq[fsig_gram_hash(folded) >> 16];
}

static uint64_t load_gram8(const unsigned char *p)
{
	uint64_t g = 0;
	for(int k = GRAM8 - 1; k >= 0; k--)
		g = g << 8 | p[k];
	return g | FSIG_FOLD8;
}

/* How common the gram of n (GRAM or GRAM8) bytes at g is: its corpus
 * frequency dominates; byte weights (at most 40) break ties. Lower is
 * rarer. An 8-byte gram is no more common than any 4-byte gram inside it,
 * and no more common than its own (shared) bucket of gram_freq8 says. */
static int gram_score(const unsigned char *g, size_t n)
{
	int weights = 0;
	for(size_t k = 0; k < n; k++)
		weights += byte_weight(g[k]);
	if(n == GRAM)
		return gram_freq4(g) * 64 + weights;
	int freq = gram_freq8[fsig_gram8_hash(load_gram8(g)) >> 16];
	for(size_t k = 0; k + GRAM <= n; k++) {
		int f4 = gram_freq4(g + k);
		freq = f4 < freq ? f4 : freq;
	}
	return freq * 64 + weights / 2;
}

static bool same_pattern(const struct pattern *a, const struct pattern *b)
{
	return a->is_regex == b->is_regex && a->raw == b->raw && a->flags == b->flags &&
	       a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

static const char *spelling(struct arena *a, const struct pattern *pat)
{
	const struct srcfile *f = pat->loc.file;
	return arena_printf(a, "%s%.*s", pat->raw ? "raw " : "", (int)(pat->loc.end - pat->loc.begin),
	                    f->text + pat->loc.begin);
}

struct builder {
	struct compilation *c;
	struct atomset *set;
	size_t cap_atoms;
	bool *nonlazy;               /* per atom: some use needs the scanner to report it */
	size_t cap_nonlazy;
	struct fsig_gram *grams[2];  /* 4- and 8-byte grams, unsorted, may hold duplicates */
	size_t ngrams[2], cap_grams[2];
	size_t cap_factors;
};

static int intern(struct builder *b, struct pattern *pat)
{
	struct atomset *s = b->set;
	for(size_t i = 0; i < s->n; i++) {
		if(same_pattern(s->v[i].pat, pat)) {
			pat->atom = (int)i;
			b->nonlazy[i] = b->nonlazy[i] || !pat->lazy_use;
			return (int)i;
		}
	}
	struct arena *a = b->c->arena;
	s->v = arena_grow(a, s->v, sizeof *s->v, &b->cap_atoms, s->n + 1);
	b->nonlazy = arena_grow(a, b->nonlazy, sizeof *b->nonlazy, &b->cap_nonlazy, s->n + 1);
	struct atom *at = &s->v[s->n];
	at->pat = pat;
	at->source = spelling(a, pat);
	at->rx = pat->rx;
	at->flags = (pat->raw ? FSIG_ATOM_RAW : 0) | (pat->flags & RX_ICASE ? FSIG_ATOM_ICASE : 0);
	b->nonlazy[s->n] = !pat->lazy_use;
	if(!pat->is_regex) {
		/* Factors come lower-cased for /i; keep the literal the same way. */
		unsigned char *lit = arena_alloc(a, pat->len + 1);
		for(size_t k = 0; k < pat->len; k++) {
			unsigned char ch = (unsigned char)pat->text[k];
			lit[k] = (pat->flags & RX_ICASE) && ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + 32) : ch;
		}
		at->literal = lit;
		at->literal_len = pat->len;
	}
	pat->atom = (int)s->n;
	return (int)s->n++;
}

/* Enter a gram into table t (0: 4-byte grams, 1: 8-byte grams). */
static void add_gram(struct builder *b, int t, uint64_t gram, uint32_t atom, int32_t offset,
                     uint32_t factor)
{
	b->grams[t] = arena_grow(b->c->arena, b->grams[t], sizeof *b->grams[t], &b->cap_grams[t],
	                         b->ngrams[t] + 1);
	b->grams[t][b->ngrams[t]++] = (struct fsig_gram){ gram, atom, offset, factor };
}

/* The number (1-based) of factor f in the confirmation table, added once. */
static uint32_t factor_number(struct builder *b, const struct rx_factor *f)
{
	struct atomset *s = b->set;
	for(size_t i = 0; i < s->nfactors; i++) {
		if(s->factors[i].len == f->len && s->factors[i].icase == f->icase &&
		   memcmp(s->factors[i].bytes, f->bytes, f->len) == 0)
			return (uint32_t)i + 1;
	}
	struct arena *a = b->c->arena;
	s->factors = arena_grow(a, s->factors, sizeof *s->factors, &b->cap_factors, s->nfactors + 1);
	char *bytes = arena_alloc(a, f->len + 1);
	memcpy(bytes, f->bytes, f->len);
	s->factors[s->nfactors] = (struct fsig_factor){ bytes, (uint32_t)f->len, f->icase };
	return (uint32_t)++s->nfactors;
}

static uint32_t load_gram(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add_gram_variants(struct builder *b, const unsigned char *g, bool icase,
                              uint32_t atom, int32_t offset, uint32_t factor)
{
	if(!icase) {
		add_gram(b, 0, load_gram(g), atom, offset, factor);
		return;
	}
	/* Every case variant of the gram's letters (at most 16). */
	for(unsigned mask = 0; mask < 1u << GRAM; mask++) {
		unsigned char v[GRAM];
		bool valid = true;
		for(size_t k = 0; k < GRAM; k++) {
			bool letter = (g[k] >= 'a' && g[k] <= 'z');
			if(mask & (1u << k)) {
				if(!letter) {
					valid = false;  /* this variant equals one without the bit */
					break;
				}
				v[k] = (unsigned char)(g[k] - 'a' + 'A');
			} else {
				v[k] = g[k];
			}
		}
		if(valid)
			add_gram(b, 0, load_gram(v), atom, offset, factor);
	}
}

/* How the prefilter finds a factor: by its rarest window of step + n - 1
 * bytes, entered as `step` grams of n bytes. */
struct window {
	size_t n;                    /* GRAM or GRAM8 */
	size_t offset;               /* of the window in the factor */
	int score;                   /* as common as its most common gram: each of them sends the
	                                scanner to the atom */
};

/* The rarest window of f for grams of n bytes; false if f is too short. */
static bool best_window(const struct rx_factor *f, unsigned step, size_t n, struct window *w)
{
	size_t window = step + n - 1;
	if(f->len < window)
		return false;
	w->n = n;
	w->offset = 0;
	w->score = 1 << 30;
	for(size_t i = 0; i + window <= f->len; i++) {
		int sc = 0;
		for(size_t k = 0; k < step; k++) {
			int gs = gram_score(f->bytes + i + k, n);
			sc = gs > sc ? gs : sc;
		}
		if(sc < w->score) {
			w->score = sc;
			w->offset = i;
		}
	}
	return true;
}

/* Which tables a stride uses: only the 4-byte one, only the 8-byte one, or
 * both (each factor then takes the rarer of its two windows). */
enum tables { TAB4 = 1, TAB8 = 2, TAB48 = 3 };

/* The window of f for a stride and tables; false if none fits. */
static bool choose_window(const struct rx_factor *f, unsigned step, enum tables tabs,
                          struct window *w)
{
	struct window w4, w8;
	bool ok4 = (tabs & TAB4) && best_window(f, step, GRAM, &w4);
	bool ok8 = (tabs & TAB8) && best_window(f, step, GRAM8, &w8);
	if(ok8 && (!ok4 || w8.score < w4.score))
		*w = w8;
	else if(ok4)
		*w = w4;
	return ok4 || ok8;
}

/* Enter the `step` consecutive grams of factor f's window w for atom (see
 * struct fsig_prefilter). */
static void add_factor(struct builder *b, const struct rx_factor *f, unsigned step,
                       const struct window *w, uint32_t atom)
{
	/* The factor of a "..." pattern is the whole literal: a gram hit can be
	 * confirmed in place (runtime/scan.c). */
	const struct atom *at = &b->set->v[atom];
	bool whole = at->literal && f->len == at->literal_len;
	if(w->n == GRAM8) {
		/* A folded gram says little about case: always confirm. */
		uint32_t factor = whole ? 0 : factor_number(b, f);
		for(size_t k = 0; k < step; k++)
			add_gram(b, 1, load_gram8(f->bytes + w->offset + k), atom,
			         (int32_t)(w->offset + k), factor);
		return;
	}
	/* A regex atom's factor longer than the gram window is confirmed in
	 * place before the atom's matcher runs: the window's grams may be
	 * common where the whole factor is not. */
	uint32_t factor = !whole && f->len > step + GRAM - 1 ? factor_number(b, f) : 0;
	for(size_t k = 0; k < step; k++)
		add_gram_variants(b, f->bytes + w->offset + k, f->icase, atom,
		                  whole || factor ? (int32_t)(w->offset + k) : -1, factor);
}

/* The longest stride the factors of atoms[0..n) allow (MAX_STEP at most):
 * every factor's 4-byte window of stride + 3 bytes must fit in it. */
static unsigned stride_limit(const struct rx_factors *factors, size_t n)
{
	unsigned limit = MAX_STEP;
	for(size_t i = 0; i < n; i++)
		for(size_t k = 0; k < factors[i].n; k++)
			if(factors[i].v[k].len - (GRAM - 1) < limit)
				limit = (unsigned)(factors[i].v[k].len - (GRAM - 1));
	return limit;
}

/* The probe stride and tables that make the scan cheapest: a longer stride
 * probes fewer positions, but its longer windows may leave only common
 * grams, and each line a common gram selects costs a matcher run; probing
 * two tables costs more per position than one. Cost per byte of log,
 * roughly: the probe cost / step, plus, per factor, the share of lines its
 * window occurs in (2^freq over the corpus' lines) times MATCH_COST. */
static unsigned choose_step(const struct rx_factors *factors, size_t n, unsigned max_step,
                            enum tables *tabs)
{
	enum { MATCH_COST = 3, CORPUS_LINES = 4096 };
	static const double probe_cost[4] = { 0, [TAB4] = 10, [TAB8] = 10, [TAB48] = 15 };
	unsigned best = 1;
	double best_cost = 1e300;
	*tabs = TAB4;
	for(unsigned step = 1; step <= max_step; step++) {
		for(enum tables t = TAB4; t <= TAB48; t++) {
			double cost = probe_cost[t] / step;
			bool fits = true;
			for(size_t i = 0; i < n && fits; i++) {
				for(size_t k = 0; k < factors[i].n && fits; k++) {
					struct window w;
					fits = choose_window(&factors[i].v[k], step, t, &w);
					double share = fits ? (double)(1u << (w.score / 64)) / CORPUS_LINES : 0;
					cost += MATCH_COST * (share < 1 ? share : 1);
				}
			}
			if(fits && cost < best_cost) {
				best_cost = cost;
				best = step;
				*tabs = t;
			}
		}
	}
	return best;
}

/* The hash of a gram of table t (0: 4-byte, 1: 8-byte), as the scanner
 * computes it. */
static uint32_t gram_hash(int t, uint64_t gram)
{
	return t ? fsig_gram8_hash(gram) : fsig_gram_hash((uint32_t)gram);
}

struct sort_key {
	int table;
	unsigned buckets_log2;
};

static int cmp_gram(const struct fsig_gram *a, const struct fsig_gram *b, const struct sort_key *key)
{
	uint32_t ba = fsig_gram_bucket(gram_hash(key->table, a->gram), key->buckets_log2);
	uint32_t bb = fsig_gram_bucket(gram_hash(key->table, b->gram), key->buckets_log2);
	if(ba != bb)
		return ba < bb ? -1 : 1;
	if(a->gram != b->gram)
		return a->gram < b->gram ? -1 : 1;
	if(a->atom != b->atom)
		return a->atom < b->atom ? -1 : 1;
	if(a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if(a->factor != b->factor)
		return a->factor < b->factor ? -1 : 1;
	return 0;
}

/* qsort_r is a GNU extension; an insertion-free merge sort keeps this
 * portable and deterministic. */
static void sort_grams(struct fsig_gram *v, size_t n, const struct sort_key *key,
                       struct fsig_gram *tmp)
{
	if(n < 2)
		return;
	size_t h = n / 2;
	sort_grams(v, h, key, tmp);
	sort_grams(v + h, n - h, key, tmp);
	size_t i = 0, j = h, k = 0;
	while(i < h && j < n) {
		if(cmp_gram(&v[j], &v[i], key) < 0)
			tmp[k++] = v[j++];
		else
			tmp[k++] = v[i++];
	}
	while(i < h)
		tmp[k++] = v[i++];
	while(j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* Table t of the prefilter from the builder's grams: deduplicated, sorted
 * into buckets, with the bit table. No grams: an empty table (bits_log2 0),
 * which the scanner never probes. */
static void build_table(struct builder *b, int t, struct gramtab *out)
{
	struct arena *a = b->c->arena;
	size_t n = b->ngrams[t];
	struct fsig_gram *grams = b->grams[t];
	memset(out, 0, sizeof *out);
	if(!n)
		return;
	unsigned bits = MIN_BITS_LOG2;
	while(bits < MAX_BITS_LOG2 && ((size_t)1 << bits) < n * BITS_PER_GRAM)
		bits++;
	while(bits < SPARSE_MAX_LOG2 && ((size_t)1 << bits) < n * SPARSE_BITS_PER_GRAM)
		bits++;
	unsigned buckets = 4;
	while(buckets < bits && ((size_t)1 << buckets) < n * 2)
		buckets++;
	out->bits_log2 = bits;
	out->buckets_log2 = buckets;
	out->bits = arena_alloc(a, ((size_t)1 << bits) / 8);
	out->bucket_start = arena_alloc(a, (((size_t)1 << buckets) + 1) * sizeof *out->bucket_start);

	struct sort_key key = { t, buckets };
	struct fsig_gram *tmp = arena_alloc(a, (n + 1) * sizeof *tmp);
	sort_grams(grams, n, &key, tmp);
	out->grams = arena_alloc(a, (n + 1) * sizeof *out->grams);
	for(size_t i = 0; i < n; i++) {
		if(i > 0 && cmp_gram(&grams[i], &grams[i - 1], &key) == 0)
			continue;
		out->grams[out->ngrams++] = grams[i];
	}
	for(size_t i = 0; i < out->ngrams; i++) {
		uint32_t h = gram_hash(t, out->grams[i].gram);
		out->bits[fsig_gram_bit(h, bits) / 64] |= fsig_gram_mask(h, bits);
		b->set->v[out->grams[i].atom].ngrams++;
	}
	/* bucket_start[k] = first gram of bucket k; grams are sorted by bucket. */
	size_t g = 0;
	for(size_t k = 0; k <= ((size_t)1 << buckets); k++) {
		while(g < out->ngrams &&
		      fsig_gram_bucket(gram_hash(t, out->grams[g].gram), buckets) < k)
			g++;
		out->bucket_start[k] = (uint32_t)g;
	}
}

/* Whether an atom's factors are worth a memchr (runtime/scan.c): exact
 * bytes (no case variants), and not bytes on every line of a log (a single
 * byte of weight 4 or less: capitals, rare punctuation, control bytes; two
 * bytes unless both are among the commonest, weight 16 or more together;
 * three bytes; longer ones holding a byte of weight 4 or less, which the
 * scanner looks for). */
bool atoms_short_factors_usable(const struct rx_factors *f)
{
	if(f->n == 0)
		return false;
	for(size_t k = 0; k < f->n; k++) {
		const struct rx_factor *x = &f->v[k];
		if(x->icase || x->len == 0)
			return false;
		int w = 0, rarest = 10;
		for(size_t b = 0; b < x->len; b++) {
			int bw = byte_weight(x->bytes[b]);
			w += bw;
			rarest = bw < rarest ? bw : rarest;
		}
		if((x->len == 1 && w > 4) || (x->len == 2 && w > 16) || (x->len > 3 && rarest > 4))
			return false;
	}
	return true;
}

/* Whether an atom's 4-byte factors would hold the whole set's stride under
 * 4 (a factor of 4 to 6 bytes): then, if atoms_short_factors_usable, the atom is
 * found by a rare byte of its factors instead (a scan probes every
 * position at stride 1, and the 200 rules took twice the time with one
 * such factor among them). */
static bool forces_short_step(const struct rx_factors *f)
{
	for(size_t k = 0; k < f->n; k++)
		if(f->v[k].len < GRAM + 3)
			return true;
	return false;
}

/* Atom i is found through its short factors f (atoms_short_factors_usable). */
static void add_short(struct builder *b, uint32_t atom, const struct rx_factors *f,
                      size_t *cap_shorts, size_t *cap_factors)
{
	struct atomset *s = b->set;
	struct arena *a = b->c->arena;
	s->shorts = arena_grow(a, s->shorts, sizeof *s->shorts, cap_shorts, s->nshorts + 1);
	s->shorts[s->nshorts++] =
	    (struct fsig_short){ atom, (uint32_t)s->nshort_factors, (uint32_t)f->n };
	for(size_t k = 0; k < f->n; k++) {
		s->short_factors = arena_grow(a, s->short_factors, sizeof *s->short_factors,
		                              cap_factors, s->nshort_factors + 1);
		const struct rx_factor *x = &f->v[k];
		char *bytes = arena_alloc(a, x->len + 1);
		memcpy(bytes, x->bytes, x->len);
		uint32_t key = 0;
		for(uint32_t j = 1; j < x->len; j++)
			key = byte_weight(x->bytes[j]) < byte_weight(x->bytes[key]) ? j : key;
		s->short_factors[s->nshort_factors++] =
		    (struct fsig_short_factor){ bytes, (uint32_t)x->len, key };
	}
}

/* The atoms whose factors are too short for an 8-byte window at stride
 * step (step + 7 bytes): if they are few and the set without them would
 * take the 8-byte table alone, list them in out->second_table. Each of them
 * makes every scan read the 4-byte table too: at the 1000 synthetic rules'
 * stride 5 the find loop took 29 ms on big.log with both tables, 16.9
 * with the 8-byte one alone (docs/performance.md). */
static void find_second_table(struct builder *b, struct rx_factors *factors,
                              struct atomset *out, unsigned step)
{
	struct arena *a = b->c->arena;
	size_t *saved = arena_alloc(a, (out->n + 1) * sizeof *saved);
	uint32_t *list = arena_alloc(a, (out->n + 1) * sizeof *list);
	size_t n = 0, with_factors = 0;
	for(size_t i = 0; i < out->n; i++) {
		saved[i] = factors[i].n;
		with_factors += factors[i].n > 0;
		bool short_one = false;
		for(size_t k = 0; k < factors[i].n; k++)
			short_one = short_one || factors[i].v[k].len < step + GRAM8 - 1;
		if(short_one) {
			list[n++] = (uint32_t)i;
			factors[i].n = 0;
		}
	}
	/* Worth a warning only where the short ones are the exception. */
	if(n > 0 && n * 20 <= with_factors) {
		enum tables tabs;
		choose_step(factors, out->n, stride_limit(factors, out->n), &tabs);
		if(tabs == TAB8) {
			out->second_table = list;
			out->nsecond_table = n;
		}
	}
	for(size_t i = 0; i < out->n; i++)
		factors[i].n = saved[i];
}

void atoms_build(struct compilation *c, struct atomset *out)
{
	memset(out, 0, sizeof *out);
	struct builder b;
	memset(&b, 0, sizeof b);
	b.c = c;
	b.set = out;
	for(size_t i = 0; i < c->nrules; i++) {
		struct rule *r = c->rules[i];
		for(size_t t = 0; t < r->ntriggers; t++) {
			for(size_t k = 0; k < r->triggers[t].npats; k++)
				intern(&b, r->triggers[t].pats[k]);
		}
		for(size_t u = 0; u < r->nunless; u++)
			intern(&b, r->unless[u].pat);
	}

	size_t cap_always = 0, cap_shorts = 0, cap_short_factors = 0;
	struct rx_factors *factors = arena_alloc(c->arena, (out->n + 1) * sizeof *factors);
	for(size_t i = 0; i < out->n; i++) {
		struct atom *at = &out->v[i];
		if(!b.nonlazy[i]) {
			at->flags |= FSIG_ATOM_LAZY;
			continue;
		}
		if(at->rx && rx_required_factors(c->arena, at->rx, GRAM, &factors[i]) &&
		   forces_short_step(&factors[i]) && atoms_short_factors_usable(&factors[i])) {
			/* One 4-byte factor would make the whole set probe every
			 * position ("ms!!": stride 1); a rare byte finds it cheaper. */
			add_short(&b, (uint32_t)i, &factors[i], &cap_shorts, &cap_short_factors);
			factors[i].n = 0;
		} else if(at->rx && factors[i].n) {
			/* found through grams of these factors */
		} else if(at->rx && rx_required_factors(c->arena, at->rx, 1, &factors[i]) &&
		          atoms_short_factors_usable(&factors[i])) {
			add_short(&b, (uint32_t)i, &factors[i], &cap_shorts, &cap_short_factors);
			factors[i].n = 0;
		} else {
			factors[i].n = 0;
			out->always = arena_grow(c->arena, out->always, sizeof *out->always, &cap_always,
			                         out->nalways + 1);
			out->always[out->nalways++] = (uint32_t)i;
		}
	}
	/* The probe stride: at most what the shortest literal of any atom
	 * allows, and no longer than pays off (choose_step). */
	enum tables tabs;
	unsigned step = choose_step(factors, out->n, stride_limit(factors, out->n), &tabs);
	out->step = step;
	if(tabs == TAB48)
		find_second_table(&b, factors, out, step);
	for(size_t i = 0; i < out->n; i++) {
		for(size_t k = 0; k < factors[i].n; k++) {
			struct window w;
			choose_window(&factors[i].v[k], step, tabs, &w);
			add_factor(&b, &factors[i].v[k], step, &w, (uint32_t)i);
		}
	}
	build_table(&b, 0, &out->t4);
	build_table(&b, 1, &out->t8);
}
