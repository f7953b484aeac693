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

/* Report a diagnostic of kind id at loc (loc.file NULL: no location). Message:
 * lowercase, no period, "expected X, got Y"; the message and rule_id are
 * copied. rule_id (may be NULL) feeds the Code Quality fingerprint so an
 * unchanged issue keeps its identity when lines move. The -W options in force
 * now decide whether a warning is kept and whether it counts as an error.
 * Returns an index for diag_note, or -1 if it was dropped (silenced warning,
 * error limit: the first error past DIAG_MAX_ERRORS adds one counted
 * too-many-errors error, later ones are dropped silently; warnings are still
 * kept). Reporting the same kind, loc, rule_id and message again returns the
 * first one's index and is not counted twice. */
int diag_report(struct diag *d, enum diag_id id, struct loc loc, const char *rule_id,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Attach a note (secondary location; loc.file may be NULL) to diagnostic idx;
 * the message is copied. Ignored if idx < 0 or not a returned index; a note
 * equal to one idx already has (same loc and message) is not added again. */
void diag_note(struct diag *d, int idx, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* -W options, without the "-W": "no-NAME" silences warning NAME, "NAME"
 * enables it again, "error" promotes every warning, "error=NAME" promotes
 * (and enables) one, "no-error=NAME" exempts one from "error", "no-error"
 * undoes "error". Applies to diagnostics reported afterwards. Returns false
 * for an unknown name or an error's name (errors cannot be configured).
 * "no-missing-examples" silences the warning named "missing-examples" (GCC reading). */
bool diag_option(struct diag *d, const char *opt);

unsigned diag_errors(const struct diag *d);    /* errors counted, promoted warnings included */
unsigned diag_warnings(const struct diag *d);

/* Render every diagnostic to out, sorted stably by file id (no file first),
 * then begin offset, then report order; the too-many-errors error comes last.
 * TEXT: GCC-style with source line and carets, and a summary line ("2 errors,
 * 1 warning generated.") when there was any error or warning. JSON: one object
 * per line, no summary. CODEQUALITY: a GitLab Code Quality array ("[]" when
 * empty). docs/diagnostics.md describes all three. */
void diag_render(const struct diag *d, enum diag_format fmt, FILE *out);

/* The stable name of a diagnostic kind ("duplicate-rule"). */
const char *diag_name(enum diag_id id);

#endif
