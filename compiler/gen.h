/* gen.h — code generation: the re2c scanner and the rule table as C data. */
#ifndef FSIG_GEN_H
#define FSIG_GEN_H

#include <stdbool.h>
#include <stddef.h>

struct atomset;
struct compilation;
struct dynbuf;

/* Append to out the re2c source of the matcher for compilation c: one small
 * re2c block per atom (an unanchored search in one line), the prefilter
 * tables, the rule table and `failsig_ruleset`. `origin` names the rule
 * files in the header comment. Deterministic: same rules, same bytes.
 * Returns false if out's cap was exceeded. */
bool gen_scanner(const struct compilation *c, const struct atomset *atoms, const char *origin,
                 struct dynbuf *out);

/* The same in parts, for compiling a large rule set in parallel: the
 * matchers of atoms [lo, hi) as re2c source, and everything else as C. */
bool gen_matchers(const struct atomset *atoms, const char *origin, size_t lo, size_t hi,
                  struct dynbuf *out);
bool gen_tables(const struct compilation *c, const struct atomset *atoms, const char *origin,
                struct dynbuf *out);

/* The rule-set hash: 16 hex digits over everything that decides verdicts
 * (ids, patterns, clauses, filters, actions; not titles, tickets or examples). */
void gen_ruleset_hash(const struct compilation *c, const struct atomset *atoms, char out[17]);

#endif
