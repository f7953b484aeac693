/* atoms.h — the atoms of a rule set and the prefilter that finds them.
 *
 * An atom is one distinct pattern (DESIGN.md 2.1). atoms_build dedupes the
 * patterns of every rule into atoms, decides how each is found — through the
 * gram prefilter (the atom's rarest window of a required literal), on every line (no
 * usable gram), or lazily on demand (then-second, unless same line) — and
 * builds the prefilter tables that gen.c emits as C data. */
#ifndef FSIG_ATOMS_H
#define FSIG_ATOMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regex.h"
#include "ruleset.h"

struct compilation;
struct pattern;
struct rx;

struct atom {
	const struct pattern *pat;   /* the first pattern with this spelling */
	const char *source;          /* spelling for humans: "\"No space\"", "raw /x/i" */
	const struct rx *rx;
	unsigned flags;              /* FSIG_ATOM_* */
	uint32_t ngrams;             /* grams entered in the prefilter for it */
	const unsigned char *literal; /* a "..." pattern's bytes (lower-cased for /i), or NULL */
	size_t literal_len;
};

/* One table of the prefilter, in the shape of struct fsig_gramtab. */
struct gramtab {
	unsigned bits_log2;          /* 0: no grams */
	uint64_t *bits;              /* (1 << bits_log2) / 64 words */
	unsigned buckets_log2;
	uint32_t *bucket_start;      /* (1 << buckets_log2) + 1 */
	struct fsig_gram *grams;     /* sorted by bucket, then gram, then atom */
	size_t ngrams;
};

struct atomset {
	struct atom *v;              /* arena-owned */
	size_t n;
	/* the prefilter, in the shape of struct fsig_prefilter */
	unsigned step;
	struct gramtab t4, t8;       /* 4-byte and folded 8-byte grams */
	struct fsig_factor *factors; /* confirmation strings of regex atoms' grams */
	size_t nfactors;
	uint32_t *always;            /* atoms checked on every line */
	size_t nalways;
	struct fsig_short *shorts;   /* atoms checked on lines holding a short literal */
	size_t nshorts;
	struct fsig_short_factor *short_factors;
	size_t nshort_factors;
	/* Atoms whose literals alone make the scanner read the 4-byte table
	 * as well as the 8-byte one: the few with no literal of step + 7
	 * bytes, where the rest of the set would take the 8-byte table alone
	 * (the second-table warning names them). */
	uint32_t *second_table;
	size_t nsecond_table;
};

/* Collect the atoms of every rule of c (patterns must have been parsed by
 * check_ruleset) and build the prefilter. Sets pattern->atom. Deterministic:
 * atoms are numbered in order of first appearance. */
void atoms_build(struct compilation *c, struct atomset *out);

/* Whether an atom without a 4-byte factor can be found by its shorter
 * factors f (rx_required_factors with min_len 1): exact bytes, rare enough
 * for a memchr. Shared with the slow-pattern check. */
bool atoms_short_factors_usable(const struct rx_factors *f);

#endif
