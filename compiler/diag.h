/* diag.h — the diagnostics sink of failsigc.
 *
 * Passes never print: they report into a struct diag (re2c's Msg, SQLite's
 * pParse->zErrMsg), and the driver renders everything at the end as GCC-style
 * text, JSON lines, or a GitLab Code Quality report. Errors inside one rule
 * after the first are the caller's business to suppress (see ast.h's
 * error_seen); the sink itself stops collecting after DIAG_MAX_ERRORS. */
#ifndef FSIG_DIAG_H
#define FSIG_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "srcfile.h"

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

enum diag_id {
#define D(id, name, sev, help) DIAG_##id,
#include "diag.def"
#undef D
	DIAG__COUNT
};

enum { DIAG_MAX_ERRORS = 20 };

enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_CODEQUALITY };

struct diag;

struct diag *diag_new(void);          /* caller frees with diag_free */
void diag_free(struct diag *d);

/* Report a diagnostic of kind id at loc. Message: lowercase, no period,
 * "expected X, got Y". rule_id (may be NULL) feeds the Code Quality
 * fingerprint so an unchanged issue keeps its identity when lines move.
 * Returns an index for diag_note, or -1 if it was dropped (silenced warning,
 * error limit). */
int diag_report(struct diag *d, enum diag_id id, struct loc loc, const char *rule_id,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Attach a note (secondary location) to diagnostic idx; ignored if idx < 0. */
void diag_note(struct diag *d, int idx, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* -W options: "no-NAME" silences warning NAME, "error" promotes every warning,
 * "error=NAME" promotes one. Returns false for an unknown name. */
bool diag_option(struct diag *d, const char *opt);

unsigned diag_errors(const struct diag *d);    /* errors counted, promoted warnings included */
unsigned diag_warnings(const struct diag *d);

/* Render every diagnostic, sorted by file id then offset, in the given format.
 * TEXT ends with a summary line ("2 errors, 1 warning generated.") when there
 * was anything to say. */
void diag_render(const struct diag *d, enum diag_format fmt, FILE *out);

/* The stable name of a diagnostic kind ("duplicate-rule"). */
const char *diag_name(enum diag_id id);

#endif
