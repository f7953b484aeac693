/* eval.c — rule logic over atom hits: turns the scanner's per-line atom
 * reports into one verdict per rule (any-of, then/within, all-of, unless,
 * sections, job filters). The semantics are documented in eval.h.
 *
 * The life of a hit: a trigger makes a CANDIDATE (line, trigger, the first
 * unless clause found so far, whether a wanted section is open). Candidates
 * wait in their rule's pending queue, sorted by line, for `hold` lines —
 * until no later line can change them: another trigger reporting the same
 * line (a `then` reports up to `within` lines late), an occurrence inside an
 * `unless … within n` window, explain context after the hit. Then they are
 * FINALIZED: counted, and kept if the capped lists have room. Whole-log
 * conditions (`unless … in log`, EVAL_ASSUME_SECTIONS) are settled in
 * eval_finish.
 *
 * Memory: a rule holds at most a window's worth of candidates and arming
 * lines (bounded by its `within` numbers, at most one per line), one line
 * number per unless clause and per all-of atom, and its kept hits (capped).
 * The line history (text of recent lines, for `then` hits reported late and
 * for explain context) is bounded the same way. Nothing grows with the
 * number of lines in the log.
 *
 * Work per line: only rules that use an atom reported on the line, rules
 * with pending or armed state, and rules with lazy atoms that must be
 * checked on every line are visited (an atom -> rules index). */
#include "eval.h"
#include "backlog.h"
#include "xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* A hit in the making: a trigger's candidate, or a `then` arming line that
 * waits for its second pattern (line2 == 0 until completed). */
struct cand {
	uint64_t line;           /* the hit line (`then`: the first line) */
	uint64_t line2;          /* `then`: the completing line; else 0 */
	uint32_t trigger;        /* index into rule->triggers */
	int unless;              /* lowest-index unless clause that suppresses it; -1 none */
	uint64_t unless_line;    /* the line that matched that clause */
	bool section_ok;         /* a wanted section was open on `line` (or the rule has none) */
	char *text;              /* copy of the hit line; NULL while not needed or when it cannot be kept */
};

/* A ring of candidates, oldest first. The pending queue also inserts in
 * line order (cq_insert); arming queues only append. */
struct cqueue {
	struct cand *v;
	size_t cap;              /* 0 or a power of two */
	size_t head;             /* index of the first element in v */
	size_t n;
};

/* One remembered line of the log. */
struct hline {
	uint64_t lineno;
	char *text;              /* at most EVAL_TEXT_MAX bytes, NUL-terminated */
	size_t alloc;            /* bytes allocated for text; slots reuse their buffer */
};

/* Text of recent lines, oldest first, for `then` hits (reported when their
 * first line is past) and explain context. Explain mode remembers every
 * line; otherwise only lines on which a `then` armed. */
struct history {
	struct hline *v;
	size_t cap;              /* 0 or a power of two */
	size_t head;
	size_t n;
	uint64_t keep;           /* lines older than the newest - keep are dropped */
	size_t maxlen;           /* bytes of a line kept */
};


/* Per trigger. */
struct tstate {
	struct cqueue armed;     /* THEN: open arming lines, oldest first */
	uint64_t *last;          /* ALL: last line of each atom since the last hit; 0 none */
	bool lazy_second;        /* THEN whose second atom is lazy: needs every line while armed */
};

/* Per rule. */
struct rstate {
	const struct fsig_rule *rule;
	bool on;                 /* evaluated: enabled, selected, job filters hold or unchecked */
	bool every_line;         /* a lazy atom must be checked on every line */
	bool active;             /* listed in eval.active: has pending or armed state */
	bool lazy_armed;         /* needs every line now: a lazy-second `then` is
	                            armed, or a candidate waits for a lazy_after */
	bool lazy_after;         /* a deferred `unless … within` looks after the hit */
	uint64_t visited;        /* the eval_line call that last visited the rule */
	uint64_t hold;           /* lines a candidate waits before it is final */
	struct tstate *trig;     /* rule->ntriggers */
	uint64_t *useen;         /* per unless: WITHIN last line seen, LOG first line seen; 0 never */
	struct cqueue pending;   /* candidates in line order, at most one per line */
	size_t hits_alloc;       /* allocated entries of result.hits */
	size_t supp_alloc;       /* allocated entries of result.suppressed */
};

struct eval {
	const struct fsig_ruleset *rs;
	unsigned opts;
	bool job_known;
	bool sections_seen;      /* some line handed to eval had an open section */
	bool sections_watch;     /* EVAL_ASSUME_SECTIONS and a rule with sections: look at
	                            every line until one has an open section */
	bool finished;
	bool retain;             /* the current line must go into the history */
	int want_all;            /* *eval_want_all_lines() */
	uint64_t call;           /* eval_line calls so far; stamps below compare to it */
	uint64_t last_line;      /* the previous line's number: they never decrease */
	struct rstate *r;        /* rs->nrules */
	/* The rules' trigger states and their uint64_t arrays (useen, last),
	 * carved from two blocks: a log's evaluator is made and freed for
	 * every log, and 1000 rules' small allocations were most of what a
	 * small log costs a running process. */
	struct tstate *trig_pool;
	uint64_t *u64_pool;
	struct eval_result *res; /* rs->nrules */
	uint32_t *use_start;     /* rs->natoms + 1 offsets into use */
	uint32_t *use;           /* rules (evaluated, with triggers) that use each atom */
	uint32_t *always;        /* rules visited on every line */
	size_t nalways;
	uint32_t *active;        /* rules with pending or armed state */
	size_t nactive;
	uint32_t *visit;         /* scratch: rules visited on the current line */
	uint64_t *stamp;         /* per atom: the call in which the scanner reported it */
	uint64_t *lazy_stamp;    /* per atom: the call in which lazy_val was computed */
	unsigned char *lazy_val;
	struct history hist;
	/* Every recent line, when some `unless … within` pattern is lazy: it is
	 * matched on the lines before a hit only when there is a hit, instead
	 * of on every line (the scanner never looks for it). The lines the
	 * scanner skips come as runs, found in the chunk only when asked for. */
	bool keep_back;
	struct backlog back;     /* when keep_back: the lines look_back reads */
};

/* A lazy `unless … within` atom: deferred to the lines around a hit. */
static bool deferred(const struct fsig_ruleset *rs, const struct fsig_unless *un)
{
	unsigned f = rs->atoms[un->atom].flags;
	return un->scope == FSIG_UNLESS_WITHIN && (f & FSIG_ATOM_LAZY) && !(f & FSIG_ATOM_RAW);
}

/* ---- candidate queues ------------------------------------------------- */

static struct cand *cq_at(const struct cqueue *q, size_t i)
{
	return &q->v[(q->head + i) & (q->cap - 1)];
}

/* Queues and kept lists start small: most rules that fire hit once or
 * twice, and with 1000 rules 8 slots each were 200 freshly faulted heap
 * pages per log (a page fault costs about 10 us on the VMs we measure on). */
enum { FIRST_CAP = 2 };

static void cq_grow(struct cqueue *q)
{
	size_t cap = q->cap ? q->cap * 2 : FIRST_CAP;
	struct cand *v = xmalloc(cap * sizeof *v);
	for(size_t i = 0; i < q->n; i++)
		v[i] = *cq_at(q, i);
	free(q->v);
	q->v = v;
	q->cap = cap;
	q->head = 0;
}

static void cq_push(struct cqueue *q, struct cand c)
{
	if(q->n == q->cap)
		cq_grow(q);
	q->n++;
	*cq_at(q, q->n - 1) = c;
}

static struct cand cq_pop(struct cqueue *q)
{
	assert(q->n > 0);
	struct cand c = *cq_at(q, 0);
	q->head = (q->head + 1) & (q->cap - 1);
	q->n--;
	return c;
}

/* Insert c in line order. A candidate for a line already queued is the same
 * hit of the rule: the lower trigger index wins (with its line2), the
 * unless and section state are the same for both since they depend on the
 * line only. Takes ownership of c.text. */
static void cq_insert(struct cqueue *q, struct cand c)
{
	size_t i = q->n;
	while(i > 0 && cq_at(q, i - 1)->line > c.line)
		i--;
	if(i > 0 && cq_at(q, i - 1)->line == c.line) {
		struct cand *old = cq_at(q, i - 1);
		if(c.trigger < old->trigger) {
			old->trigger = c.trigger;
			old->line2 = c.line2;
		}
		if(!old->text) {
			old->text = c.text;
			c.text = NULL;
		}
		free(c.text);
		return;
	}
	cq_push(q, c);
	for(size_t j = q->n - 1; j > i; j--)
		*cq_at(q, j) = *cq_at(q, j - 1);
	*cq_at(q, i) = c;
}

static void cq_clear(struct cqueue *q)
{
	for(size_t i = 0; i < q->n; i++)
		free(cq_at(q, i)->text);
	q->n = 0;
	q->head = 0;
}

static void cq_free(struct cqueue *q)
{
	cq_clear(q);
	free(q->v);
	q->v = NULL;
	q->cap = 0;
}

/* ---- line history ----------------------------------------------------- */

static struct hline *hist_at(const struct history *h, size_t i)
{
	return &h->v[(h->head + i) & (h->cap - 1)];
}

/* The slot for line lineno, after dropping lines that fell out of the
 * window; NULL for a second piece of a line with the same number (the first
 * piece stands for the line). The caller fills it and counts it (h->n++). */
static struct hline *hist_slot(struct history *h, uint64_t lineno)
{
	while(h->n > 0 && hist_at(h, 0)->lineno + h->keep < lineno) {
		h->head = (h->head + 1) & (h->cap - 1);
		h->n--;
	}
	if(h->n > 0 && hist_at(h, h->n - 1)->lineno >= lineno)
		return NULL;
	if(h->n == h->cap) {
		/* Copy every slot, in ring order, so spare slots keep their buffers. */
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct hline *v = xcalloc(cap, sizeof *v);
		for(size_t i = 0; i < h->cap; i++)
			v[i] = *hist_at(h, i);
		free(h->v);
		h->v = v;
		h->cap = cap;
		h->head = 0;
	}
	struct hline *s = hist_at(h, h->n);
	s->lineno = lineno;
	return s;
}

static void slot_reserve(struct hline *s, size_t n)
{
	if(s->alloc < n) {
		s->text = xrealloc(s->text, n);
		s->alloc = n;
	}
}

/* Remember line lineno (text[0..len), at most h->maxlen bytes of it) as a
 * C string. */
static void hist_push(struct history *h, uint64_t lineno, const unsigned char *text, size_t len)
{
	struct hline *s = hist_slot(h, lineno);
	if(!s)
		return;
	if(len > h->maxlen)
		len = h->maxlen;
	slot_reserve(s, len + 1);
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	h->n++;
}

/* Index of the first remembered line numbered >= lineno (h->n if none). */
static size_t hist_lower(const struct history *h, uint64_t lineno)
{
	size_t lo = 0;
	size_t hi = h->n;
	while(lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if(hist_at(h, mid)->lineno < lineno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The remembered text of line lineno, or NULL. */
static const char *hist_find(const struct history *h, uint64_t lineno)
{
	size_t i = hist_lower(h, lineno);
	if(i < h->n && hist_at(h, i)->lineno == lineno)
		return hist_at(h, i)->text;
	return NULL;
}

static void hist_free(struct history *h)
{
	for(size_t i = 0; i < h->cap; i++)
		free(h->v[i].text);
	free(h->v);
}

/* ---- job filters ------------------------------------------------------ */

bool eval_glob(const char *glob, const char *s)
{
	/* Greedy with one backtrack point, the last '*': on a mismatch let that
	 * star swallow one more byte. A later star supersedes an earlier one, so
	 * the work is O(len(glob) * len(s)) at worst, never exponential. */
	const char *star = NULL;
	const char *resume = NULL;
	while(*s) {
		if(*glob == '*') {
			star = glob++;
			resume = s;
		} else if(*glob && (*glob == '?' || *glob == *s)) {
			glob++;
			s++;
		} else if(star) {
			glob = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while(*glob == '*')
		glob++;
	return *glob == '\0';
}

static const char *job_field(const struct fsig_job *job, enum fsig_field f)
{
	switch(f) {
	case FSIG_FIELD_JOB: return job->name;
	case FSIG_FIELD_STAGE: return job->stage;
	case FSIG_FIELD_PROJECT: return job->project;
	case FSIG_FIELD_RUNNER: return job->runner;
	case FSIG_FIELD_FAILURE_REASON: return job->failure_reason;
	case FSIG_FIELD_STATUS: return job->status;
	case FSIG_FIELD_TAG:
	case FSIG_FIELD__COUNT: break;
	}
	return NULL;
}

/* One value of a filter against one job value: globs for free-form
 * fields, exact names for GitLab's enumerations. */
static bool filter_value_matches(enum fsig_field f, const char *want, const char *have)
{
	if(f == FSIG_FIELD_FAILURE_REASON || f == FSIG_FIELD_STATUS)
		return strcmp(want, have) == 0;
	return eval_glob(want, have);
}

/* Does filter f hold for a known job? Any value matching any of the job's
 * values for the field; a NULL field has no values. Then negation. */
static bool filter_holds(const struct fsig_filter *f, const struct fsig_job *job)
{
	bool any = false;
	if(f->field == FSIG_FIELD_TAG) {
		for(size_t t = 0; job->tags && t < job->ntags && !any; t++)
			for(uint32_t v = 0; v < f->nvalues && !any; v++)
				if(job->tags[t])
					any = eval_glob(f->values[v], job->tags[t]);
	} else {
		const char *have = job_field(job, f->field);
		for(uint32_t v = 0; have && v < f->nvalues && !any; v++)
			any = filter_value_matches(f->field, f->values[v], have);
	}
	return any != f->negate;
}

/* All job filters except `status` hold (status never stops a rule). */
static bool filters_hold(const struct fsig_rule *rule, const struct fsig_job *job)
{
	for(uint32_t i = 0; i < rule->nfilters; i++)
		if(rule->filters[i].field != FSIG_FIELD_STATUS && !filter_holds(&rule->filters[i], job))
			return false;
	return true;
}

static bool has_job_filters(const struct fsig_rule *rule)
{
	for(uint32_t i = 0; i < rule->nfilters; i++)
		if(rule->filters[i].field != FSIG_FIELD_STATUS)
			return true;
	return false;
}

/* The job's status passes the rule's status filters, `status failed` when
 * it has none. An unknown status passes, as an unknown job does: job data
 * without a status (an example's `where failure_reason …`) must not turn
 * every hit into false-positive evidence. */
static bool status_ok(const struct fsig_rule *rule, const struct fsig_job *job)
{
	if(!job || !job->known || !job->status)
		return true;
	bool seen = false;
	for(uint32_t i = 0; i < rule->nfilters; i++) {
		if(rule->filters[i].field != FSIG_FIELD_STATUS)
			continue;
		seen = true;
		if(!filter_holds(&rule->filters[i], job))
			return false;
	}
	if(!seen)
		return strcmp(job->status, "failed") == 0;
	return true;
}

/* ---- per line helpers ------------------------------------------------- */

/* Does atom a occur on the current line? Reported atoms are stamped;
 * lazy ones are matched here, at most once per line. */
static bool occurs(struct eval *e, const struct scan_line *ln, uint32_t a)
{
	assert(a < e->rs->natoms);
	if(e->stamp[a] == e->call)
		return true;
	const struct fsig_atom *at = &e->rs->atoms[a];
	if(!(at->flags & FSIG_ATOM_LAZY))
		return false;
	if(e->lazy_stamp[a] != e->call) {
		const unsigned char *p = (at->flags & FSIG_ATOM_RAW) ? ln->raw : ln->text;
		e->lazy_val[a] = at->match(p) != 0;
		e->lazy_stamp[a] = e->call;
	}
	return e->lazy_val[a];
}

/* Is one of the rule's sections open on the line? (True for a rule without
 * sections.) Only the first SCAN_MAX_SECTIONS open sections have names. */
static bool in_section(const struct fsig_rule *rule, const struct scan_line *ln)
{
	if(rule->nsections == 0)
		return true;
	size_t n = ln->nsections < SCAN_MAX_SECTIONS ? ln->nsections : SCAN_MAX_SECTIONS;
	for(size_t i = 0; ln->sections && i < n; i++)
		for(uint32_t g = 0; g < rule->nsections; g++)
			if(ln->sections[i] && eval_glob(rule->sections[g], ln->sections[i]))
				return true;
	return false;
}

/* Record that unless clause u matched line `line`, unless a lower clause
 * already did: a suppressed hit names the first clause, in rule order. */
static void suppress(struct cand *c, int u, uint64_t line)
{
	if(c->unless < 0 || u < c->unless) {
		c->unless = u;
		c->unless_line = line;
	}
}

/* Could a hit of this rule still be kept? Only then is its text copied. */
static bool keepable(const struct eval *e, const struct eval_result *res)
{
	return res->nkept < EVAL_MAX_HITS ||
	       ((e->opts & EVAL_EXPLAIN) && res->nsuppressed_kept < EVAL_MAX_HITS);
}

static char *copy_text(const unsigned char *text, size_t len)
{
	return xstrndup((const char *)text, len < EVAL_TEXT_MAX ? len : EVAL_TEXT_MAX);
}

/* A deferred `unless … within` atom: does it occur on one of the `before`
 * lines preceding candidate c? They are in e->back (the current line is
 * checked by the caller through occurs()). */
static void look_back(struct eval *e, struct cand *c, int u, const struct fsig_unless *un)
{
	const struct fsig_atom *at = &e->rs->atoms[un->atom];
	uint64_t from = c->line > un->before ? c->line - un->before : 1;
	for(uint64_t n = from; n < c->line; n++) {
		const struct backlog_line *l = backlog_get(&e->back, n);
		if(l && at->match(l->text)) {
			suppress(c, u, n);
			return;
		}
	}
}

/* A candidate (or arming line) for the current line: its section, the
 * same-line unless clauses, and `unless … within` occurrences already seen
 * (at most n lines before it, or on it). Later occurrences are added as
 * they come (mark_within). */
static struct cand cand_here(struct eval *e, struct rstate *st, const struct scan_line *ln, uint32_t t)
{
	const struct fsig_rule *rule = st->rule;
	struct cand c = { .line = ln->lineno, .trigger = t, .unless = -1 };
	c.section_ok = in_section(rule, ln);
	for(uint32_t u = 0; u < rule->nunless; u++) {
		const struct fsig_unless *un = &rule->unless[u];
		if(un->scope == FSIG_UNLESS_SAME_LINE && occurs(e, ln, un->atom))
			suppress(&c, (int)u, ln->lineno);
		else if(un->scope == FSIG_UNLESS_WITHIN && st->useen[u] && st->useen[u] + un->before >= c.line)
			suppress(&c, (int)u, st->useen[u]);
		else if(deferred(e->rs, un))
			look_back(e, &c, (int)u, un);
	}
	return c;
}

/* An `unless … within` atom occurred on line `line`: suppress every queued
 * candidate (all at or before `line`) no more than n (the clause's `after`)
 * lines before it. */
static void mark_within(struct cqueue *q, int u, uint32_t n, uint64_t line)
{
	for(size_t i = 0; i < q->n; i++) {
		struct cand *c = cq_at(q, i);
		if(c->line + n >= line)
			suppress(c, u, line);
	}
}

/* ---- finalizing hits -------------------------------------------------- */

static void hit_free(struct eval_hit *h)
{
	free(h->text);
	for(size_t i = 0; i < h->ncontext; i++)
		free(h->context[i].text);
	free(h->context);
}

static void result_clear(struct eval_result *res)
{
	for(size_t i = 0; i < res->nkept; i++)
		hit_free(&res->hits[i]);
	for(size_t i = 0; i < res->nsuppressed_kept; i++)
		hit_free(&res->suppressed[i]);
	res->nhits = 0;
	res->nkept = 0;
	res->nsuppressed = 0;
	res->nsuppressed_kept = 0;
}

/* Explain mode: the remembered lines within EVAL_CONTEXT of the hit, not
 * the hit line itself. The history reaches far enough back and forward
 * because candidates wait at least EVAL_CONTEXT lines in explain mode. */
static void add_context(struct eval *e, struct eval_hit *h)
{
	uint64_t from = h->line > EVAL_CONTEXT ? h->line - EVAL_CONTEXT : 1;
	size_t i = hist_lower(&e->hist, from);
	size_t n = 0;
	for(size_t j = i; j < e->hist.n && hist_at(&e->hist, j)->lineno <= h->line + EVAL_CONTEXT; j++)
		n++;
	if(n == 0)
		return;
	h->context = xcalloc(n, sizeof *h->context);
	for(size_t j = 0; j < n; j++) {
		const struct hline *l = hist_at(&e->hist, i + j);
		if(l->lineno == h->line)
			continue;
		h->context[h->ncontext].lineno = l->lineno;
		h->context[h->ncontext].text = xstrdup(l->text);
		h->ncontext++;
	}
}

/* Append to a kept list (grown up to EVAL_MAX_HITS). Takes c.text. */
static void keep(struct eval *e, struct eval_hit **list, size_t *n, size_t *alloc, struct cand c)
{
	assert(*n < EVAL_MAX_HITS);
	if(*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : FIRST_CAP;
		if(*alloc > EVAL_MAX_HITS)
			*alloc = EVAL_MAX_HITS;
		*list = xrealloc(*list, *alloc * sizeof **list);
	}
	struct eval_hit *h = &(*list)[(*n)++];
	memset(h, 0, sizeof *h);
	h->line = c.line;
	h->line2 = c.line2;
	h->text = c.text ? c.text : xstrdup("");
	h->trigger = c.trigger;
	h->unless = c.unless;
	h->unless_line = c.unless >= 0 ? c.unless_line : 0;
	if(e->opts & EVAL_EXPLAIN)
		add_context(e, h);
}

/* No later line can change c: count it, keep it if there is room. A hit
 * outside the rule's sections is dropped — unless EVAL_ASSUME_SECTIONS and
 * no section was seen yet: then it counts provisionally, and the first
 * section seen clears the rule's results (sections_first_seen). */
static void finalize(struct eval *e, struct rstate *st, struct cand c)
{
	struct eval_result *res = &e->res[st - e->r];
	bool assume = (e->opts & EVAL_ASSUME_SECTIONS) && !e->sections_seen;
	if(!c.section_ok && !assume) {
		free(c.text);
		return;
	}
	if(c.unless >= 0) {
		res->nsuppressed++;
		if((e->opts & EVAL_EXPLAIN) && res->nsuppressed_kept < EVAL_MAX_HITS) {
			keep(e, &res->suppressed, &res->nsuppressed_kept, &st->supp_alloc, c);
			return;
		}
	} else {
		res->nhits++;
		if(res->nkept < EVAL_MAX_HITS) {
			keep(e, &res->hits, &res->nkept, &st->hits_alloc, c);
			return;
		}
	}
	free(c.text);
}

/* The first open section of the log: everything counted so far under
 * EVAL_ASSUME_SECTIONS was provisional (no hit of a rule with sections can
 * pass them before any section is open), so it is taken back. */
static void sections_first_seen(struct eval *e)
{
	e->sections_seen = true;
	if(!(e->opts & EVAL_ASSUME_SECTIONS))
		return;
	for(uint32_t i = 0; i < e->rs->nrules; i++)
		if(e->r[i].on && e->r[i].rule->nsections > 0)
			result_clear(&e->res[i]);
}

/* ---- one rule, one line ----------------------------------------------- */

static void rule_line(struct eval *e, struct rstate *st, const struct scan_line *ln)
{
	const struct fsig_rule *rule = st->rule;
	struct eval_result *res = &e->res[st - e->r];
	uint64_t now = ln->lineno;

	/* Candidates older than the hold are final: nothing from this line on
	 * can reach them. */
	while(st->pending.n > 0 && cq_at(&st->pending, 0)->line + st->hold < now)
		finalize(e, st, cq_pop(&st->pending));

	for(uint32_t t = 0; t < rule->ntriggers; t++) {
		const struct fsig_trigger *tr = &rule->triggers[t];
		struct cqueue *armed = &st->trig[t].armed;
		while(tr->kind == FSIG_TRIG_THEN && armed->n > 0 && cq_at(armed, 0)->line + tr->within < now)
			free(cq_pop(armed).text);
	}

	/* Unless clauses before triggers: candidates of this line must see
	 * this line's occurrences. */
	for(uint32_t u = 0; u < rule->nunless; u++) {
		const struct fsig_unless *un = &rule->unless[u];
		if(un->scope == FSIG_UNLESS_SAME_LINE || !occurs(e, ln, un->atom))
			continue;
		if(un->scope == FSIG_UNLESS_LOG) {
			if(!st->useen[u])
				st->useen[u] = now;
			continue;
		}
		st->useen[u] = now;
		mark_within(&st->pending, (int)u, un->after, now);
		for(uint32_t t = 0; t < rule->ntriggers; t++)
			mark_within(&st->trig[t].armed, (int)u, un->after, now);
	}

	for(uint32_t t = 0; t < rule->ntriggers; t++) {
		const struct fsig_trigger *tr = &rule->triggers[t];
		struct tstate *ts = &st->trig[t];
		switch(tr->kind) {
		case FSIG_TRIG_MATCH:
			if(occurs(e, ln, tr->atoms[0])) {
				struct cand c = cand_here(e, st, ln, t);
				if(keepable(e, res))
					c.text = copy_text(ln->text, ln->len);
				cq_insert(&st->pending, c);
			}
			break;
		case FSIG_TRIG_THEN:
			/* Complete first: the second pattern must be on a later line
			 * than the first, so this line's arming waits. Every open
			 * arming line completes now, each once. */
			if(ts->armed.n > 0 && occurs(e, ln, tr->atoms[1])) {
				bool want_text = keepable(e, res);
				while(ts->armed.n > 0) {
					struct cand c = cq_pop(&ts->armed);
					if(c.line == now) {
						/* Armed by an earlier piece of this same line. */
						cq_push(&ts->armed, c);
						break;
					}
					c.line2 = now;
					if(want_text) {
						const char *s = hist_find(&e->hist, c.line);
						c.text = xstrdup(s ? s : "");
					}
					cq_insert(&st->pending, c);
				}
			}
			if(occurs(e, ln, tr->atoms[0]) &&
			   (ts->armed.n == 0 || cq_at(&ts->armed, ts->armed.n - 1)->line < now)) {
				cq_push(&ts->armed, cand_here(e, st, ln, t));
				e->retain = true;
			}
			break;
		case FSIG_TRIG_ALL: {
			bool any = false;
			for(uint32_t i = 0; i < tr->natoms; i++) {
				if(occurs(e, ln, tr->atoms[i])) {
					ts->last[i] = now;
					any = true;
				}
			}
			if(!any)
				break;
			bool complete = true;
			for(uint32_t i = 0; i < tr->natoms && complete; i++)
				complete = ts->last[i] != 0 && (tr->within == 0 || ts->last[i] + tr->within > now);
			if(!complete)
				break;
			memset(ts->last, 0, tr->natoms * sizeof ts->last[0]);
			struct cand c = cand_here(e, st, ln, t);
			if(keepable(e, res))
				c.text = copy_text(ln->text, ln->len);
			cq_insert(&st->pending, c);
			break;
		}
		}
	}

	st->lazy_armed = false;
	bool armed = false;
	for(uint32_t t = 0; t < rule->ntriggers; t++) {
		if(st->trig[t].armed.n > 0) {
			armed = true;
			if(st->trig[t].lazy_second)
				st->lazy_armed = true;
		}
	}
	st->active = armed || st->pending.n > 0;
	/* The scanner does not look for a deferred atom: the lines after a
	 * waiting candidate must all come for it to be found on them. */
	if(st->lazy_after && st->active)
		st->lazy_armed = true;
}

/* ---- the interface ---------------------------------------------------- */

/* Does eval need every line from now on? Explain mode (context), rules
 * with lazy atoms to check on every line, an armed `then` whose second
 * atom is lazy, and — under EVAL_ASSUME_SECTIONS — not knowing yet whether
 * the log has sections: a marker line without atoms would go unseen. */
static void want_all_update(struct eval *e, bool lazy_armed)
{
	e->want_all = (e->opts & EVAL_EXPLAIN) || e->nalways > 0 || lazy_armed ||
	              (e->sections_watch && !e->sections_seen);
}

/* Which atoms make the rule worth a visit, and whether a lazy one among
 * them must be checked on every line. fn is called once per use. */
static bool rule_uses(const struct fsig_rule *rule, const struct fsig_ruleset *rs,
                      void (*fn)(void *arg, uint32_t atom), void *arg)
{
	bool every_line = false;
	for(uint32_t t = 0; t < rule->ntriggers; t++) {
		const struct fsig_trigger *tr = &rule->triggers[t];
		for(uint32_t i = 0; i < tr->natoms; i++) {
			fn(arg, tr->atoms[i]);
			/* A lazy `then` second pattern is only needed while armed. */
			bool then_second = tr->kind == FSIG_TRIG_THEN && i == 1;
			if(!then_second && (rs->atoms[tr->atoms[i]].flags & FSIG_ATOM_LAZY))
				every_line = true;
		}
	}
	for(uint32_t u = 0; u < rule->nunless; u++) {
		const struct fsig_unless *un = &rule->unless[u];
		if(un->scope == FSIG_UNLESS_SAME_LINE)
			continue;  /* checked on the hit line, which is visited anyway */
		fn(arg, un->atom);
		/* A lazy `in log` atom can only be known by looking at every line.
		 * A lazy `within` one is looked for around hits only (deferred). */
		if((rs->atoms[un->atom].flags & FSIG_ATOM_LAZY) && !deferred(rs, un))
			every_line = true;
	}
	return every_line;
}

struct use_builder {
	struct eval *e;
	uint32_t rule;
	uint32_t *seen;          /* per atom: rule + 1 that last counted it */
	bool fill;               /* second pass: write e->use, else count */
	uint32_t *fillpos;       /* per atom: next free slot */
};

static void use_add(void *arg, uint32_t atom)
{
	struct use_builder *b = arg;
	assert(atom < b->e->rs->natoms);
	if(b->seen[atom] == b->rule + 1)
		return;
	b->seen[atom] = b->rule + 1;
	if(b->fill)
		b->e->use[b->fillpos[atom]++] = b->rule;
	else
		b->e->use_start[atom + 1]++;
}

/* Build the atom -> rules index over the evaluated rules with triggers. */
static void build_index(struct eval *e)
{
	const struct fsig_ruleset *rs = e->rs;
	struct use_builder b = { .e = e };
	b.seen = xcalloc(rs->natoms + 1, sizeof *b.seen);
	e->use_start = xcalloc(rs->natoms + 1, sizeof *e->use_start);
	for(int pass = 0; pass < 2; pass++) {
		b.fill = pass == 1;
		memset(b.seen, 0, (rs->natoms + 1) * sizeof *b.seen);
		if(b.fill) {
			for(uint32_t a = 0; a < rs->natoms; a++)
				e->use_start[a + 1] += e->use_start[a];
			e->use = xmalloc((e->use_start[rs->natoms] + 1) * sizeof *e->use);
			b.fillpos = xmalloc((rs->natoms + 1) * sizeof *b.fillpos);
			memcpy(b.fillpos, e->use_start, (rs->natoms + 1) * sizeof *b.fillpos);
		}
		for(uint32_t i = 0; i < rs->nrules; i++) {
			if(!e->r[i].on || rs->rules[i].ntriggers == 0)
				continue;
			b.rule = i;
			rule_uses(&rs->rules[i], rs, use_add, &b);
		}
	}
	free(b.fillpos);
	free(b.seen);
}

static void no_use(void *arg, uint32_t atom)
{
}

struct eval *eval_new(const struct fsig_ruleset *rs, const struct fsig_job *job,
                      unsigned opts, int only_rule)
{
	struct eval *e = xcalloc(1, sizeof *e);
	e->rs = rs;
	e->opts = opts;
	e->job_known = job && job->known;
	e->r = xcalloc(rs->nrules + 1, sizeof *e->r);
	e->res = xcalloc(rs->nrules + 1, sizeof *e->res);
	e->always = xcalloc(rs->nrules + 1, sizeof *e->always);
	e->active = xcalloc(rs->nrules + 1, sizeof *e->active);
	e->visit = xcalloc(rs->nrules + 1, sizeof *e->visit);
	e->stamp = xcalloc(rs->natoms + 1, sizeof *e->stamp);
	e->lazy_stamp = xcalloc(rs->natoms + 1, sizeof *e->lazy_stamp);
	e->lazy_val = xcalloc(rs->natoms + 1, sizeof *e->lazy_val);

	size_t ntrig = 0, n64 = 0;
	for(uint32_t i = 0; i < rs->nrules; i++) {
		const struct fsig_rule *rule = &rs->rules[i];
		ntrig += rule->ntriggers;
		n64 += rule->nunless + 1;
		for(uint32_t t = 0; t < rule->ntriggers; t++)
			if(rule->triggers[t].kind == FSIG_TRIG_ALL)
				n64 += rule->triggers[t].natoms + 1;
	}
	e->trig_pool = xcalloc(ntrig + 1, sizeof *e->trig_pool);
	e->u64_pool = xcalloc(n64 + 1, sizeof *e->u64_pool);
	struct tstate *next_trig = e->trig_pool;
	uint64_t *next64 = e->u64_pool;

	uint64_t back_keep = 0;  /* the longest `unless … within` window matched on demand */
	uint64_t keep = 0;
	for(uint32_t i = 0; i < rs->nrules; i++) {
		const struct fsig_rule *rule = &rs->rules[i];
		struct rstate *st = &e->r[i];
		st->rule = rule;
		e->res[i].rule = rule;
		e->res[i].status_ok = status_ok(rule, job);
		st->on = !rule->disabled && (only_rule < 0 || (uint32_t)only_rule == i) &&
		         (!e->job_known || filters_hold(rule, job));
		if(!st->on || rule->ntriggers == 0)
			continue;
		st->trig = next_trig;
		next_trig += rule->ntriggers;
		st->useen = next64;
		next64 += rule->nunless + 1;
		for(uint32_t t = 0; t < rule->ntriggers; t++) {
			const struct fsig_trigger *tr = &rule->triggers[t];
			assert(tr->kind != FSIG_TRIG_MATCH || tr->natoms == 1);
			assert(tr->kind != FSIG_TRIG_THEN || tr->natoms == 2);
			assert(tr->kind != FSIG_TRIG_ALL || tr->natoms >= 1);
			if(tr->kind == FSIG_TRIG_ALL) {
				st->trig[t].last = next64;
				next64 += tr->natoms + 1;
			}
			if(tr->kind == FSIG_TRIG_THEN) {
				st->trig[t].lazy_second = (rs->atoms[tr->atoms[1]].flags & FSIG_ATOM_LAZY) != 0;
				if(tr->within > st->hold)
					st->hold = tr->within;
				if(tr->within + 1 > keep)
					keep = tr->within + 1;
			}
		}
		for(uint32_t u = 0; u < rule->nunless; u++)
			if(rule->unless[u].scope == FSIG_UNLESS_WITHIN && rule->unless[u].after > st->hold)
				st->hold = rule->unless[u].after;
		if((opts & EVAL_EXPLAIN) && st->hold < EVAL_CONTEXT)
			st->hold = EVAL_CONTEXT;
		/* Explain context is built when a candidate is final: the history
		 * must still hold EVAL_CONTEXT lines before a hit that waited. */
		if((opts & EVAL_EXPLAIN) && st->hold + EVAL_CONTEXT + 2 > keep)
			keep = st->hold + EVAL_CONTEXT + 2;
		if((opts & EVAL_ASSUME_SECTIONS) && rule->nsections > 0)
			e->sections_watch = true;
		st->every_line = rule_uses(rule, rs, no_use, NULL);
		if(st->every_line)
			e->always[e->nalways++] = i;
		for(uint32_t u = 0; u < rule->nunless; u++) {
			if(deferred(rs, &rule->unless[u])) {
				e->keep_back = true;
				if(rule->unless[u].after > 0)
					st->lazy_after = true;
				if(rule->unless[u].before > back_keep)
					back_keep = rule->unless[u].before;
			}
		}
	}
	e->hist.keep = keep;
	e->hist.maxlen = EVAL_TEXT_MAX;
	if(e->keep_back)
		backlog_init(&e->back, back_keep);
	build_index(e);
	want_all_update(e, false);
	return e;
}

void eval_free(struct eval *e)
{
	if(!e)
		return;
	for(uint32_t i = 0; i < e->rs->nrules; i++) {
		struct rstate *st = &e->r[i];
		result_clear(&e->res[i]);
		free(e->res[i].hits);
		free(e->res[i].suppressed);
		if(st->trig) {
			for(uint32_t t = 0; t < st->rule->ntriggers; t++)
				cq_free(&st->trig[t].armed);
		}
		cq_free(&st->pending);
	}
	hist_free(&e->hist);
	backlog_free(&e->back);
	free(e->trig_pool);
	free(e->u64_pool);
	free(e->r);
	free(e->res);
	free(e->use_start);
	free(e->use);
	free(e->always);
	free(e->active);
	free(e->visit);
	free(e->stamp);
	free(e->lazy_stamp);
	free(e->lazy_val);
	free(e);
}

/* Add rule i to the visit list unless it is on it already. */
static void visit_add(struct eval *e, size_t *n, uint32_t i)
{
	if(e->r[i].visited == e->call)
		return;
	e->r[i].visited = e->call;
	e->visit[(*n)++] = i;
}

void eval_line(void *ctx, const struct scan_line *ln, const uint32_t *atoms, size_t natoms)
{
	struct eval *e = ctx;
	if(e->finished)
		return;
	if(!ln) {
		backlog_chunk_end(&e->back);
		return;
	}
	/* Lines the scanner skipped (no atom on them, nothing wanted every
	 * line): only the back history (`unless … within`) reads them. */
	if(ln->run_lines) {
		assert(ln->lineno >= e->last_line);
		e->last_line = ln->lineno;
		if(e->keep_back)
			backlog_run(&e->back, ln->lineno, ln->run_lines, ln->text, ln->len);
		return;
	}
	/* The common line, sent only because the back history wants every
	 * line: no atom on it, no rule with state, nothing to show. What the
	 * full path below would do with it comes down to this. */
	if(natoms == 0 && e->nactive == 0 && e->nalways == 0 && !(e->opts & EVAL_EXPLAIN) &&
	   (ln->nsections == 0 || e->sections_seen)) {
		assert(ln->lineno >= e->last_line);
		e->last_line = ln->lineno;
		if(e->keep_back)
			backlog_push(&e->back, ln->lineno, ln->text, ln->len, ln->in_chunk);
		want_all_update(e, false);
		return;
	}
	assert(ln->lineno >= e->last_line);
	e->last_line = ln->lineno;
	e->call++;
	for(size_t i = 0; i < natoms; i++) {
		assert(atoms[i] < e->rs->natoms);
		e->stamp[atoms[i]] = e->call;
	}
	if(e->opts & EVAL_EXPLAIN)
		hist_push(&e->hist, ln->lineno, ln->text, ln->len);
	if(ln->nsections > 0 && !e->sections_seen)
		sections_first_seen(e);

	size_t nvisit = 0;
	for(size_t i = 0; i < e->nalways; i++)
		visit_add(e, &nvisit, e->always[i]);
	for(size_t i = 0; i < e->nactive; i++)
		visit_add(e, &nvisit, e->active[i]);
	for(size_t i = 0; i < natoms; i++)
		for(uint32_t k = e->use_start[atoms[i]]; k < e->use_start[atoms[i] + 1]; k++)
			visit_add(e, &nvisit, e->use[k]);

	e->retain = false;
	for(size_t i = 0; i < nvisit; i++)
		rule_line(e, &e->r[e->visit[i]], ln);
	if(e->retain && !(e->opts & EVAL_EXPLAIN))
		hist_push(&e->hist, ln->lineno, ln->text, ln->len);
	if(e->keep_back)
		backlog_push(&e->back, ln->lineno, ln->text, ln->len, ln->in_chunk);

	/* Every rule with state was visited, so the new active list is among
	 * the visited rules. */
	bool lazy_armed = false;
	e->nactive = 0;
	for(size_t i = 0; i < nvisit; i++) {
		struct rstate *st = &e->r[e->visit[i]];
		if(st->active)
			e->active[e->nactive++] = e->visit[i];
		if(st->lazy_armed)
			lazy_armed = true;
	}
	want_all_update(e, lazy_armed);
}

const int *eval_want_all_lines(const struct eval *e)
{
	return &e->want_all;
}

/* `unless … in log`: the first such clause (in rule order) whose atom
 * occurred suppresses every hit; suppressed hits are attributed to it when
 * it comes before the clause that suppressed them. */
static void resolve_log_unless(struct eval *e, struct rstate *st, struct eval_result *res)
{
	const struct fsig_rule *rule = st->rule;
	int lu = -1;
	for(uint32_t u = 0; u < rule->nunless && lu < 0; u++)
		if(rule->unless[u].scope == FSIG_UNLESS_LOG && st->useen[u])
			lu = (int)u;
	if(lu < 0)
		return;
	uint64_t at = st->useen[lu];
	for(size_t i = 0; i < res->nsuppressed_kept; i++) {
		if(res->suppressed[i].unless > lu) {
			res->suppressed[i].unless = lu;
			res->suppressed[i].unless_line = at;
		}
	}
	res->nsuppressed += res->nhits;
	res->nhits = 0;
	if(!(e->opts & EVAL_EXPLAIN) || res->nkept == 0) {
		for(size_t i = 0; i < res->nkept; i++)
			hit_free(&res->hits[i]);
		res->nkept = 0;
		return;
	}
	/* Merge both kept lists in line order; the first EVAL_MAX_HITS of
	 * all suppressed hits are among the first EVAL_MAX_HITS of each. */
	size_t total = res->nkept + res->nsuppressed_kept;
	size_t n = total < EVAL_MAX_HITS ? total : EVAL_MAX_HITS;
	struct eval_hit *m = xcalloc(n, sizeof *m);
	size_t a = 0;
	size_t b = 0;
	for(size_t k = 0; k < n; k++) {
		bool take_hit = b == res->nsuppressed_kept ||
		                (a < res->nkept && res->hits[a].line < res->suppressed[b].line);
		if(take_hit) {
			m[k] = res->hits[a++];
			m[k].unless = lu;
			m[k].unless_line = at;
		} else {
			m[k] = res->suppressed[b++];
		}
	}
	for(; a < res->nkept; a++)
		hit_free(&res->hits[a]);
	for(; b < res->nsuppressed_kept; b++)
		hit_free(&res->suppressed[b]);
	free(res->suppressed);
	res->suppressed = m;
	res->nsuppressed_kept = n;
	st->supp_alloc = n;
	res->nkept = 0;
}

void eval_finish(struct eval *e)
{
	if(e->finished)
		return;
	e->finished = true;
	for(uint32_t i = 0; i < e->rs->nrules; i++) {
		struct rstate *st = &e->r[i];
		struct eval_result *res = &e->res[i];
		const struct fsig_rule *rule = st->rule;
		if(!st->on)
			continue;
		while(st->pending.n > 0)
			finalize(e, st, cq_pop(&st->pending));
		for(uint32_t t = 0; st->trig && t < rule->ntriggers; t++)
			cq_clear(&st->trig[t].armed);
		if(st->useen)
			resolve_log_unless(e, st, res);
		if(rule->ntriggers == 0)
			res->fired = e->job_known;  /* on: the filters hold */
		else
			res->fired = res->nhits > 0;
		res->filters_unchecked = res->fired && !e->job_known && has_job_filters(rule);
	}
	e->nactive = 0;
	e->want_all = 0;
}

const struct eval_result *eval_results(const struct eval *e, size_t *n)
{
	*n = e->rs->nrules;
	return e->res;
}
