/* regex.h — the /.../ regex dialect: parse, analyse, translate to re2c.
 *
 * failsig parses regexes itself (DESIGN.md 2.1) so that it can validate them
 * with exact columns, explain what a DFA cannot do, find patterns that match
 * the empty string, extract the literal factors the prefilter needs, and
 * translate them to re2c. A literal "..." pattern is parsed with
 * rx_literal() into the same tree, so every later pass sees one form.
 *
 * The dialect is documented in docs/language.md ("Regex dialect"). Matching
 * is on bytes; every construct is confined to one line (no construct matches
 * '\n', '.' and negated classes exclude it). Anchors: '^' only at the start
 * and '$' only at the end of the regex or of a top-level alternative; anywhere
 * else rx_parse reports RX_ERR_UNSUPPORTED. */
#ifndef FSIG_REGEX_H
#define FSIG_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct dynbuf;

enum { RX_ICASE = 1 };      /* flag: ASCII case-insensitive */
enum { RX_MAX_REPEAT = 1000 };

enum rx_kind {
	RX_EMPTY,    /* matches the empty string */
	RX_SET,      /* one byte from set */
	RX_CAT,      /* a then b */
	RX_ALT,      /* a or b */
	RX_REPEAT,   /* a{min,max}; max == -1 means unbounded */
	RX_BOL,      /* ^: start of line */
	RX_EOL,      /* $: end of line */
};

struct rx {
	enum rx_kind kind;
	uint8_t set[32];        /* RX_SET: bit b set => byte b matches (case folded if ICASE) */
	struct rx *a, *b;       /* RX_CAT, RX_ALT: operands; RX_REPEAT: a */
	int min, max;           /* RX_REPEAT bounds */
};

enum rx_errkind {
	RX_ERR_SYNTAX,          /* the text is not a regex (maps to DIAG_BAD_REGEX) */
	RX_ERR_UNSUPPORTED,     /* valid PCRE a DFA cannot do (DIAG_REGEX_UNSUPPORTED) */
};

struct rx_error {
	enum rx_errkind kind;
	size_t offset;          /* byte offset in the pattern body where the problem starts */
	size_t length;          /* bytes the problem spans (>= 1) */
	char msg[200];          /* lowercase, no period: "unmatched ')'", "backreference \\1: ..." */
};

/* Parse the body of /body/flags (without the slashes; "\/" means '/').
 * Returns the tree in arena a, or NULL with *err filled. */
struct rx *rx_parse(struct arena *a, const char *body, size_t len, unsigned flags,
                    struct rx_error *err);
/* The tree matching exactly the bytes s[0..len) (a "..." literal). */
struct rx *rx_literal(struct arena *a, const char *s, size_t len, unsigned flags);

/* True if r can match the empty string somewhere in a line (so every line). */
bool rx_matches_empty(const struct rx *r);

/* Unanchored search: does r match somewhere in line[0..len)? The line holds no
 * '\n'. A slow, obviously correct reference (Thompson NFA simulation): used by
 * lints, `failsig search --regex` and differential tests — not the scanner. */
bool rx_search(const struct rx *r, const unsigned char *line, size_t len);

/* Required literal factors: a set F of byte strings such that every match of
 * r contains at least one member of F as a substring. Chooses, per branch of
 * a top-level alternation, the best (longest, rarest) literal run that every
 * match of the branch must contain. Factors of case-insensitive patterns are
 * returned lower-cased with icase set. Returns false (and n = 0) when some
 * branch has no required literal of at least min_len bytes. */
struct rx_factor {
	const unsigned char *bytes;  /* arena-owned */
	size_t len;
	bool icase;
};
struct rx_factors {
	struct rx_factor *v;         /* arena-owned array */
	size_t n;
};
bool rx_required_factors(struct arena *a, const struct rx *r, size_t min_len,
                         struct rx_factors *out);

/* Emit r as a re2c regular expression for an unanchored search in a line:
 * branches without a leading ^ get a [^\n]* prefix; a trailing $ becomes
 * "\n" (the line's own newline, always present in the scan buffer). Bytes are
 * emitted as [\xHH] sets or "..." strings; '.' as [^\n]. Returns false if the
 * dynbuf cap is exceeded. */
bool rx_emit_re2c(const struct rx *r, struct dynbuf *out);

/* A rough upper bound of the DFA states r may need (repetition counts and
 * nesting multiplied); the size guard refuses patterns above a limit. */
uint64_t rx_size_estimate(const struct rx *r);

/* The number of states of the DFA the scanner needs for r — an unanchored
 * search in one line, [^\n]* r, as rx_emit_re2c writes it — counted by
 * subset construction (before minimisation, so an upper bound of what re2c
 * builds). Stops early and returns cap + 1 when there are more than cap
 * states or the construction would take too long: this is the size guard
 * that keeps a careless rule from hanging the build (x.{30}y needs 2^30). */
size_t rx_dfa_states(const struct rx *r, size_t cap);

#endif
