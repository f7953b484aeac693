/* check.h — lints over the whole parsed rule set. */
#ifndef FSIG_CHECK_H
#define FSIG_CHECK_H

struct compilation;

/* Lint every rule of c, reporting into c->diag. Parses every pattern into
 * its regex tree (pattern->rx) and loads example files (example->text):
 * later passes rely on both for rules without errors. */
void check_ruleset(struct compilation *c);

struct atomset;

/* Lints of the prefilter atoms_build made for c: the patterns that make
 * every scan read a second table (atomset.second_table). */
void check_prefilter(struct compilation *c, const struct atomset *atoms);

#endif
