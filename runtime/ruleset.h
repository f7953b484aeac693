/* ruleset.h — the compiled rule set: the contract between failsigc's code
 * generator (which emits these tables as C data plus one re2c matcher per
 * atom) and the runtime (which scans logs and evaluates rules over them).
 *
 * An ATOM is one distinct pattern of the rule set (DESIGN.md 2.1). The
 * scanner reports, for each line, every atom that occurs in it; rule logic
 * (any-of, then/within, all-of, unless, sections, job filters) is evaluated
 * over those reports by eval.c. Everything here is read-only static data. */
#ifndef FSIG_RULESET_H
#define FSIG_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every line handed to a matcher ends in '\n' and is followed by at least
 * FSIG_PAD readable bytes, so the generated DFAs need no bounds checks. */
enum { FSIG_PAD = 64 };

/* A generated matcher: 1 if the atom occurs in the line starting at `line`
 * (which ends at the first '\n'), else 0. */
typedef int (*fsig_match_fn)(const unsigned char *line);

enum fsig_atom_flags {
	FSIG_ATOM_RAW = 1,   /* matched against raw bytes, not the displayed text */
	FSIG_ATOM_LAZY = 2,  /* never reported by the scanner: eval calls match itself
	                        when it needs to know (then-second, unless same line) */
	FSIG_ATOM_ICASE = 4, /* case-insensitive (informational) */
};

struct fsig_atom {
	const char *source;      /* the pattern as written: "\"No space\"" or "/a.*b/i" */
	fsig_match_fn match;
	unsigned flags;          /* enum fsig_atom_flags */
	const char *literal;     /* a "..." pattern's bytes (lower-cased if ICASE), else NULL: */
	uint32_t literal_len;    /* a gram hit is confirmed in place, without the matcher */
};

/* Prefilter: bit tables of hashed grams; a set bit may mean a candidate.
 * Candidate grams are confirmed in buckets, each entry naming the atom that
 * owns the gram; only those atoms' matchers run on the line.
 *
 * Every atom enters `step` consecutive grams of one of its required literals
 * (a window of step + GRAM - 1 bytes), so any occurrence of that window
 * covers `step` consecutive gram positions, one of which is a multiple of
 * `step`: the scanner probes only those positions. There are two tables,
 * probed at the same positions: 4-byte grams (exact bytes; a /i literal
 * enters every case variant), and 8-byte grams, folded by ORing every byte
 * with 0x20 (one entry for every case variant, and a /i literal costs no
 * more than any other). An 8-byte gram is far rarer than a 4-byte one in a
 * CI log: "ckage ru" where "ckag" is on every line that says "package". */
struct fsig_gram {
	uint64_t gram;           /* 4 bytes as loaded little-endian from the line, or 8 folded */
	uint32_t atom;           /* index into atoms */
	int32_t offset;          /* where the gram sits in the string that confirms it (the atom's
	                            literal, or factors[factor - 1]); -1: nothing to confirm */
	uint32_t factor;         /* 0: the atom's literal (a hit); k: a regex atom's required
	                            factor factors[k - 1], which must be in place before its
	                            matcher runs */
};

/* A literal every match of a regex atom contains (one of them, for an
 * alternation): checked where a gram hit puts it, so that a common gram
 * costs a memcmp, not a DFA run over the line. */
struct fsig_factor {
	const char *bytes;       /* lower-cased when icase */
	uint32_t len;
	bool icase;
};

/* One table: grams of one length. bits_log2 == 0: empty, never probed. */
struct fsig_gramtab {
	unsigned bits_log2;              /* the bit table has 1 << bits_log2 bits */
	const uint64_t *bits;
	unsigned buckets_log2;           /* 1 << buckets_log2 buckets, <= bits_log2 */
	const uint32_t *bucket_start;    /* (1 << buckets_log2) + 1 offsets into grams */
	const struct fsig_gram *grams;
};

struct scanner;

/* A non-lazy atom found by short exact literals instead of grams (no
 * 4-byte literal, or one so short that it would hold the set's stride
 * under 4; compiler/atoms.c): its matcher runs only on the lines that hold
 * one of short_factors[first .. first + n). The scanner finds their next
 * occurrences in a chunk with a memchr for each literal's rarest byte, so
 * such an atom still lets it skip the lines in between. */
struct fsig_short {
	uint32_t atom;
	uint32_t first;
	uint32_t n;
};
struct fsig_short_factor {
	const char *bytes;
	uint32_t len;
	uint32_t key;            /* the offset of its rarest byte: the one memchr looks for */
};

struct fsig_prefilter {
	/* The probe loop over a line, instantiated for these tables (probe.h);
	 * NULL: no grams. kinds is the scanner's, passed through. */
	void (*probe)(struct scanner *s, const unsigned char *p, size_t len, unsigned kinds);
	/* The same loop with AVX-512, used where the CPU has it; NULL: not built. */
	void (*probe_avx512)(struct scanner *s, const unsigned char *p, size_t len, unsigned kinds);
	/* The first probed position of p[0..n) with a set bit whose gram is
	 * confirmed (scan_find_confirm4/8), or n (probe.h): the lines before it
	 * are skipped. NULL with probe. */
	size_t (*find)(const unsigned char *p, size_t n);
	/* With AVX-512 the find loop also counts the lines it passes and stops
	 * at a "section_" line, an ESC or a '\r' too (fsig_find_loop_avx512),
	 * which spares the scanner a lineskip pass and ESC/'\r' searches. */
	size_t (*find_avx512)(const unsigned char *p, size_t n, uint64_t *lines);
	unsigned step;                   /* probe every step-th position of a line (>= 1) */
	struct fsig_gramtab g4;          /* 4-byte grams */
	struct fsig_gramtab g8;          /* 8-byte grams, folded (FSIG_FOLD8) */
	const struct fsig_factor *factors;
	const uint32_t *always;          /* non-lazy atoms without a usable gram: */
	uint32_t nalways;                /* their matchers run on every line */
	const struct fsig_short *shorts; /* atoms found by a short literal instead */
	uint32_t nshorts;
	const struct fsig_short_factor *short_factors;
	uint32_t nshort_factors;
};

/* The fold of 8-byte grams: ASCII letters to lower case (other bytes move
 * too, which only adds candidates that the confirmation rejects). */
#define FSIG_FOLD8 UINT64_C(0x2020202020202020)

/* The gram hashes shared by the generator and the scanner: the top bits
 * of the product select the bit and the bucket. */
static inline uint32_t fsig_gram_hash(uint32_t gram)
{
	return gram * 0x9E3779B1u;
}
static inline uint32_t fsig_gram8_hash(uint64_t folded)
{
	return (uint32_t)((folded * UINT64_C(0x9E3779B97F4A7C15)) >> 32);
}

/* A gram sets two bits of one 64-bit word of its table (a blocked Bloom
 * filter, k = 2): the word and the first bit from the top bits_log2 bits
 * of its hash (fsig_gram_bit / 64 and % 64), the second bit from the six
 * bits below them. A probe reads one word either way, and a gram not in
 * the table passes only when both bits are set: with the 1000 synthetic
 * rules, a fifth fewer stops of the find loop than one bit per gram. */
static inline uint32_t fsig_gram_bit(uint32_t hash, unsigned bits_log2)
{
	return hash >> (32 - bits_log2);
}
static inline uint64_t fsig_gram_mask(uint32_t hash, unsigned bits_log2)
{
	return UINT64_C(1) << (fsig_gram_bit(hash, bits_log2) & 63) |
	       UINT64_C(1) << (hash >> (26 - bits_log2) & 63);
}
static inline uint32_t fsig_gram_bucket(uint32_t hash, unsigned buckets_log2)
{
	return hash >> (32 - buckets_log2);
}

enum fsig_action {
	FSIG_ACT_RETRY,
	FSIG_ACT_RECORD,
	FSIG_ACT_OBSERVE,
};

enum fsig_trigger_kind {
	FSIG_TRIG_MATCH,   /* atoms[0] occurs on a line */
	FSIG_TRIG_THEN,    /* atoms[0] on line L, atoms[1] on a line in (L, L+within] */
	FSIG_TRIG_ALL,     /* every atom occurs; within > 0: all inside a window of `within` lines */
};

struct fsig_trigger {
	enum fsig_trigger_kind kind;
	const uint32_t *atoms;   /* MATCH: 1, THEN: 2, ALL: natoms */
	uint32_t natoms;
	uint32_t within;         /* THEN: > 0; ALL: 0 = whole log */
	uint32_t line;           /* line of the clause in the .rules file */
};

enum fsig_unless_scope {
	FSIG_UNLESS_SAME_LINE,
	FSIG_UNLESS_WITHIN,      /* atom at most `before` lines before or `after` lines after the hit */
	FSIG_UNLESS_LOG,         /* atom anywhere in the log */
};

struct fsig_unless {
	uint32_t atom;
	enum fsig_unless_scope scope;
	uint32_t before;         /* WITHIN: lines before the hit that count */
	uint32_t after;          /* WITHIN: lines after the hit that count */
	uint32_t line;           /* line of the clause in the .rules file */
};

enum fsig_field {
	FSIG_FIELD_JOB,
	FSIG_FIELD_STAGE,
	FSIG_FIELD_PROJECT,
	FSIG_FIELD_RUNNER,
	FSIG_FIELD_TAG,
	FSIG_FIELD_FAILURE_REASON,
	FSIG_FIELD_STATUS,
	FSIG_FIELD__COUNT
};

struct fsig_filter {
	enum fsig_field field;
	bool negate;             /* `job not "x-*"` */
	const char *const *values; /* globs (job, stage, project, runner, tag) or names */
	uint32_t nvalues;
	uint32_t line;
};

struct fsig_kv {
	enum fsig_field field;
	const char *value;
};

struct fsig_example {
	bool must_match;         /* `example` vs `example not` */
	const char *name;        /* "line 12" or the example file's path */
	const char *text;        /* the example log (file contents embedded) */
	size_t len;
	const struct fsig_kv *job; /* `where` job data; njob == 0: filters assumed to hold */
	uint32_t njob;
	uint32_t line;
};

struct fsig_rule {
	const char *id;
	const char *title;
	const char *category;    /* may be NULL */
	const char *owner;       /* may be NULL */
	const char *disabled;    /* the reason, or NULL when enabled */
	const char *const *tickets;
	uint32_t ntickets;
	enum fsig_action action;
	uint32_t retry_max;      /* retries per job lineage for this rule */
	uint32_t retry_after;    /* seconds to wait before retrying; 0 = at once */
	const char *file;        /* the .rules file and line of `rule` */
	uint32_t line;
	const struct fsig_trigger *triggers; uint32_t ntriggers;  /* any of them fires */
	const struct fsig_unless *unless;    uint32_t nunless;
	const struct fsig_filter *filters;   uint32_t nfilters;   /* all must hold */
	const char *const *sections;         uint32_t nsections;  /* globs; any open section */
	const struct fsig_example *examples; uint32_t nexamples;
};

struct fsig_ruleset {
	const char *hash;        /* 16 hex digits: identifies the rule set's semantics */
	const struct fsig_atom *atoms; uint32_t natoms;
	const struct fsig_rule *rules; uint32_t nrules;
	struct fsig_prefilter prefilter;
};

/* Defined by the generated code; the failsig binary scans with it. */
extern const struct fsig_ruleset failsig_ruleset;

/* Names of fields and actions as spelled in the language ("failure_reason"). */
const char *fsig_field_name(enum fsig_field f);
const char *fsig_action_name(enum fsig_action a);

#endif
