/* test_eval.c — unit tests of eval.c (rule logic over atom hits) and names.c.
 *
 * Rule sets are built by hand: a fixed table of atoms whose matchers look
 * for a word in the line (some lazy, one raw), and rules made of compound
 * literals. A small driver plays the scanner: it splits a log written as a
 * C string into lines, pads them like the reader does, reports the
 * non-lazy atoms of each line and hands eval the lines with atoms, or every
 * line while eval asks for them. Lines ">name" and "<name" open and close a
 * section (the ">name" line itself is inside it). Hits are compared as
 * compact strings: "3" (line 3), "3>5" (`then`, second pattern on 5),
 * "3!1@4" (suppressed by unless clause 1, which matched line 4). */
#include "eval.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- atoms ------------------------------------------------------------ */

/* Does word occur in the line (which ends at its first '\n')? */
static int has(const unsigned char *line, const char *word)
{
	size_t len = strcspn((const char *)line, "\n");
	size_t w = strlen(word);
	for(size_t i = 0; i + w <= len; i++)
		if(memcmp(line + i, word, w) == 0)
			return 1;
	return 0;
}

#define MATCHER(fn, word) \
	static int fn(const unsigned char *line) { return has(line, word); }
MATCHER(m_alpha, "alpha")
MATCHER(m_beta, "beta")
MATCHER(m_gamma, "gamma")
MATCHER(m_xray, "xray")
MATCHER(m_yank, "yank")
MATCHER(m_quux, "quux")
MATCHER(m_zulu, "zulu")
MATCHER(m_esc, "\x1b[")

enum { ALPHA, BETA, GAMMA, XRAY, YANK, QUUX, ZULU, ESC, NATOMS };

static const struct fsig_atom atoms[NATOMS] = {
	[ALPHA] = { "\"alpha\"", m_alpha, 0 },
	[BETA] = { "\"beta\"", m_beta, 0 },
	[GAMMA] = { "\"gamma\"", m_gamma, 0 },
	[XRAY] = { "\"xray\"", m_xray, 0 },
	[YANK] = { "\"yank\"", m_yank, 0 },
	[QUUX] = { "\"quux\"", m_quux, FSIG_ATOM_LAZY },
	[ZULU] = { "\"zulu\"", m_zulu, FSIG_ATOM_LAZY },
	[ESC] = { "raw \"\\e[\"", m_esc, FSIG_ATOM_RAW | FSIG_ATOM_LAZY },
};

#define MATCH(a) { .kind = FSIG_TRIG_MATCH, .atoms = (const uint32_t[]){ a }, .natoms = 1 }
#define THEN(a, b, n) { .kind = FSIG_TRIG_THEN, .atoms = (const uint32_t[]){ a, b }, .natoms = 2, .within = n }
#define ALL(n, ...) { .kind = FSIG_TRIG_ALL, .atoms = (const uint32_t[]){ __VA_ARGS__ }, \
	.natoms = sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), .within = n }
#define UNLESS(a, s, n) { .atom = a, .scope = FSIG_UNLESS_##s, .before = n, .after = n }
#define FILTER(f, neg, ...) { .field = FSIG_FIELD_##f, .negate = neg, \
	.values = (const char *const[]){ __VA_ARGS__ }, \
	.nvalues = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *) }
#define LIST(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
#define COUNT(arr) (uint32_t)(sizeof(arr) / sizeof((arr)[0]))

static struct fsig_ruleset ruleset(const struct fsig_rule *rules, uint32_t n)
{
	struct fsig_ruleset rs = { .hash = "0000000000000000", .atoms = atoms, .natoms = NATOMS,
	                           .rules = rules, .nrules = n };
	return rs;
}

/* ---- the scanner stand-in --------------------------------------------- */

struct drv {
	struct eval *e;
	const struct fsig_ruleset *rs;
	uint64_t lineno;
	const char *sec[8];      /* open sections, outermost first */
	size_t nsec;
	unsigned handed;         /* lines handed to eval */
};

/* Hand one line (raw may differ from the displayed text) as the scanner
 * would: with its non-lazy atoms, or regardless while eval wants all; a
 * plain line the scanner would skip, as a run of one line in a chunk of its
 * own (its text is freed here). */
static void drv_feed(struct drv *d, uint64_t lineno, const char *text, const char *raw)
{
	size_t len = strlen(text);
	size_t raw_len = strlen(raw);
	unsigned char *t = calloc(1, len + 1 + FSIG_PAD);
	unsigned char *r = calloc(1, raw_len + 1 + FSIG_PAD);
	memcpy(t, text, len);
	t[len] = '\n';
	memcpy(r, raw, raw_len);
	r[raw_len] = '\n';
	uint32_t hit[NATOMS];
	size_t nhit = 0;
	for(uint32_t a = 0; a < NATOMS; a++) {
		if(atoms[a].flags & FSIG_ATOM_LAZY)
			continue;
		if(atoms[a].match((atoms[a].flags & FSIG_ATOM_RAW) ? r : t))
			hit[nhit++] = a;
	}
	struct scan_line ln = { .lineno = lineno, .text = t, .len = len, .raw = r, .raw_len = raw_len,
	                        .sections = d->sec, .nsections = d->nsec };
	if(nhit > 0 || *eval_want_all_lines(d->e)) {
		eval_line(d->e, &ln, hit, nhit);
		d->handed++;
	} else if(strcmp(text, raw) == 0 && text[0] != '>' && text[0] != '<') {
		ln.in_chunk = true;
		ln.run_lines = 1;
		ln.len = ln.raw_len = len + 1;  /* a run's bytes include each '\n' */
		eval_line(d->e, &ln, NULL, 0);
		eval_line(d->e, NULL, NULL, 0);
	}
	free(t);
	free(r);
}

/* Feed a whole log ("line\nline\n…"), tracking ">name" / "<name" sections. */
static void drv_log(struct drv *d, const char *log)
{
	while(*log) {
		size_t n = strcspn(log, "\n");
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)n, log);
		d->lineno++;
		if(line[0] == '>' && d->nsec < 8)
			d->sec[d->nsec++] = strdup(line + 1);
		drv_feed(d, d->lineno, line, line);
		if(line[0] == '<' && d->nsec > 0)
			free((char *)d->sec[--d->nsec]);
		log += n;
		if(*log == '\n')
			log++;
	}
}

static void drv_start(struct drv *d, const struct fsig_ruleset *rs, const struct fsig_job *job,
                      unsigned opts, int only_rule)
{
	memset(d, 0, sizeof *d);
	d->rs = rs;
	d->e = eval_new(rs, job, opts, only_rule);
}

static void drv_end(struct drv *d)
{
	while(d->nsec > 0)
		free((char *)d->sec[--d->nsec]);
	eval_free(d->e);
}

/* Run a whole log and finish; results of rule i are then res(&d, i). */
static void run(struct drv *d, const struct fsig_ruleset *rs, const struct fsig_job *job,
                unsigned opts, int only_rule, const char *log)
{
	drv_start(d, rs, job, opts, only_rule);
	drv_log(d, log);
	eval_finish(d->e);
}

static const struct eval_result *res(const struct drv *d, size_t i)
{
	size_t n;
	const struct eval_result *r = eval_results(d->e, &n);
	return i < n ? &r[i] : NULL;
}

/* "1,3>5,7!0@8" for a list of hits. */
static const char *hits_str(const struct eval_hit *h, size_t n)
{
	static char buf[4096];
	size_t used = 0;
	buf[0] = '\0';
	for(size_t i = 0; i < n && used < sizeof buf - 64; i++) {
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%llu", i ? "," : "",
		                         (unsigned long long)h[i].line);
		if(h[i].line2)
			used += (size_t)snprintf(buf + used, sizeof buf - used, ">%llu",
			                         (unsigned long long)h[i].line2);
		if(h[i].unless >= 0)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "!%d@%llu", h[i].unless,
			                         (unsigned long long)h[i].unless_line);
	}
	return buf;
}

#define HITS(d, i) hits_str(res(d, i)->hits, res(d, i)->nkept)
#define SUPP(d, i) hits_str(res(d, i)->suppressed, res(d, i)->nsuppressed_kept)

/* Run a one-rule set over log and return its kept hits as a string. */
static const char *hits_of(const struct fsig_rule *rule, unsigned opts, const char *log)
{
	static char buf[4096];
	struct fsig_ruleset rs = ruleset(rule, 1);
	struct drv d;
	run(&d, &rs, NULL, opts, -1, log);
	snprintf(buf, sizeof buf, "%s", HITS(&d, 0));
	drv_end(&d);
	return buf;
}

/* The same, for the suppressed hits (explain mode). */
static const char *supp_of(const struct fsig_rule *rule, const char *log)
{
	static char buf[4096];
	struct fsig_ruleset rs = ruleset(rule, 1);
	struct drv d;
	run(&d, &rs, NULL, EVAL_EXPLAIN, -1, log);
	snprintf(buf, sizeof buf, "%s", SUPP(&d, 0));
	drv_end(&d);
	return buf;
}

/* ---- tests ------------------------------------------------------------ */

static void test_glob(void)
{
	CHECK(eval_glob("*", ""), "glob * matches empty");
	CHECK(eval_glob("*", "anything at all"), "glob * matches anything");
	CHECK(eval_glob("", ""), "glob empty matches empty");
	CHECK(!eval_glob("", "a"), "glob empty rejects non-empty");
	CHECK(eval_glob("a*b*c", "abc"), "glob a*b*c abc");
	CHECK(eval_glob("a*b*c", "aXXbYYc"), "glob a*b*c aXXbYYc");
	CHECK(eval_glob("a*b*c", "abcbc"), "glob a*b*c abcbc (backtrack)");
	CHECK(!eval_glob("a*b*c", "acb"), "glob a*b*c rejects acb");
	CHECK(!eval_glob("a*b*c", "abcx"), "glob a*b*c rejects trailing x");
	CHECK(eval_glob("??", "ab"), "glob ?? ab");
	CHECK(!eval_glob("??", "a"), "glob ?? rejects a");
	CHECK(!eval_glob("??", "abc"), "glob ?? rejects abc");
	CHECK(eval_glob("abc", "abc"), "glob literal");
	CHECK(!eval_glob("abc", "abd"), "glob literal mismatch");
	CHECK(!eval_glob("abc", "ab"), "glob literal prefix is not a match");
	CHECK(eval_glob("*-nightly", "build-nightly"), "glob suffix");
	CHECK(!eval_glob("*?", ""), "glob *? needs a byte");
	CHECK(eval_glob("**a**", "xay"), "glob repeated stars");

	/* Exponential backtracking would never finish this. */
	static char s[20001];
	memset(s, 'a', sizeof s - 1);
	CHECK(!eval_glob("*a*a*a*a*a*a*a*a*a*a*b", s), "glob pathological case is fast");
}

static void test_names(void)
{
	CHECK_STR(fsig_field_name(FSIG_FIELD_JOB), "job", "field job");
	CHECK_STR(fsig_field_name(FSIG_FIELD_STAGE), "stage", "field stage");
	CHECK_STR(fsig_field_name(FSIG_FIELD_PROJECT), "project", "field project");
	CHECK_STR(fsig_field_name(FSIG_FIELD_RUNNER), "runner", "field runner");
	CHECK_STR(fsig_field_name(FSIG_FIELD_TAG), "tag", "field tag");
	CHECK_STR(fsig_field_name(FSIG_FIELD_FAILURE_REASON), "failure_reason", "field failure_reason");
	CHECK_STR(fsig_field_name(FSIG_FIELD_STATUS), "status", "field status");
	CHECK_STR(fsig_field_name(FSIG_FIELD__COUNT), "?", "field out of range");
	CHECK_STR(fsig_action_name(FSIG_ACT_RETRY), "retry", "action retry");
	CHECK_STR(fsig_action_name(FSIG_ACT_RECORD), "record", "action record");
	CHECK_STR(fsig_action_name(FSIG_ACT_OBSERVE), "observe", "action observe");
	CHECK_STR(fsig_action_name((enum fsig_action)7), "?", "action out of range");
}

static void test_match_any(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA), MATCH(BETA) };
	struct fsig_rule rule = { .id = "any", .triggers = tr, .ntriggers = COUNT(tr) };
	CHECK_STR(hits_of(&rule, 0, "alpha\nnoise\nbeta\nalpha beta\nnoise"), "1,3,4",
	          "any-of: each line once, even with both patterns");

	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, NULL, 0, -1, "noise\nalpha\nbeta beta\n");
	const struct eval_result *r = res(&d, 0);
	CHECK(r->fired && r->nhits == 2 && r->nkept == 2, "any-of fired with 2 hits");
	CHECK(r->hits[0].trigger == 0 && r->hits[1].trigger == 1, "any-of trigger indexes");
	CHECK_STR(r->hits[0].text, "alpha", "hit text is the displayed line");
	CHECK(r->hits[0].line2 == 0 && r->hits[0].unless == -1 && r->hits[0].unless_line == 0,
	      "plain hit: no line2, not suppressed");
	CHECK(r->hits[0].ncontext == 0, "no context outside explain mode");
	CHECK(d.handed == 2, "only lines with atoms are handed out (%u)", d.handed);
	CHECK(r->status_ok && !r->filters_unchecked, "no job: status ok, no filters to check");
	drv_end(&d);

	run(&d, &rs, NULL, 0, -1, "noise\nnothing here\n");
	CHECK(!res(&d, 0)->fired && res(&d, 0)->nhits == 0, "no hit, not fired");
	drv_end(&d);
}

static void test_then(void)
{
	struct fsig_trigger tr[] = { THEN(ALPHA, BETA, 3) };
	struct fsig_rule rule = { .id = "then", .triggers = tr, .ntriggers = 1 };
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta"), "1>2", "then: next line");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn\nn\nbeta"), "1>4", "then: exactly within lines later");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn\nn\nn\nbeta"), "", "then: within + 1 lines later is too late");
	CHECK_STR(hits_of(&rule, 0, "alpha beta"), "", "then: second pattern on the same line does not count");
	CHECK_STR(hits_of(&rule, 0, "alpha beta\nbeta"), "1>2", "then: same line, then next line");
	CHECK_STR(hits_of(&rule, 0, "beta\nalpha"), "", "then: order matters");
	CHECK_STR(hits_of(&rule, 0, "alpha\nalpha\nbeta"), "1>3,2>3", "then: every open arming line completes");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta\nbeta\nbeta"), "1>2", "then: each arming line reported once");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn\nn\nalpha\nbeta"), "4>5", "then: expired arming line dropped");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta\nalpha\nn\nbeta"), "1>2,3>5", "then: re-armed after completion");
	CHECK_STR(hits_of(&rule, 0, "alpha\nalpha beta\nbeta"), "1>2,2>3",
	          "then: a line completes and arms");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn"), "", "then: never completed at end of log");

	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, NULL, 0, -1, "n\nalpha first\nn\nbeta second");
	const struct eval_result *r = res(&d, 0);
	CHECK(r->nkept == 1, "then: one hit");
	CHECK_STR(r->hits[0].text, "alpha first", "then: the hit text is the first line's");
	drv_end(&d);

	/* Many arming lines: bounded by the window, all reported. */
	run(&d, &rs, NULL, 0, -1, "alpha\nalpha\nalpha\nalpha\nalpha\nbeta");
	CHECK_STR(HITS(&d, 0), "3>6,4>6,5>6", "then: the arming lines still open (line 2 expired)");
	drv_end(&d);
}

static void test_then_lazy_want_all(void)
{
	struct fsig_trigger tr[] = { THEN(ALPHA, QUUX, 3) };
	struct fsig_rule rule = { .id = "lazy", .triggers = tr, .ntriggers = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;

	CHECK_STR(hits_of(&rule, 0, "alpha\nn\nquux"), "1>3", "then with lazy second pattern");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn\nn\nn\nquux"), "", "lazy second too late");

	drv_start(&d, &rs, NULL, 0, -1);
	const int *want = eval_want_all_lines(d.e);
	CHECK(*want == 0, "want_all off before arming");
	drv_log(&d, "n\nalpha");
	CHECK(*want != 0, "want_all on while a lazy then is armed");
	drv_log(&d, "n\nn\nn");
	CHECK(*want != 0, "want_all still on at the window's last line");
	drv_log(&d, "n");
	CHECK(*want == 0, "want_all off once the window has passed");
	drv_log(&d, "n\nn");
	eval_finish(d.e);
	CHECK(d.handed == 5, "lines handed: arming line, 3 window lines, expiry line (%u)", d.handed);
	CHECK(*want == 0, "want_all off after finish");
	drv_end(&d);

	drv_start(&d, &rs, NULL, 0, -1);
	want = eval_want_all_lines(d.e);
	drv_log(&d, "alpha\nquux");
	CHECK(*want == 0, "want_all off once completed");
	eval_finish(d.e);
	CHECK_STR(HITS(&d, 0), "1>2", "completed hit");
	drv_end(&d);

	/* A non-lazy second pattern needs no extra lines. */
	struct fsig_trigger tr2[] = { THEN(ALPHA, BETA, 3) };
	struct fsig_rule rule2 = { .id = "eager", .triggers = tr2, .ntriggers = 1 };
	struct fsig_ruleset rs2 = ruleset(&rule2, 1);
	drv_start(&d, &rs2, NULL, 0, -1);
	drv_log(&d, "alpha\nn\nn");
	CHECK(*eval_want_all_lines(d.e) == 0, "non-lazy then: want_all stays off");
	drv_end(&d);

	/* A lazy `match` atom must be checked everywhere. */
	struct fsig_trigger tr3[] = { MATCH(QUUX) };
	struct fsig_rule rule3 = { .id = "lazymatch", .triggers = tr3, .ntriggers = 1 };
	struct fsig_ruleset rs3 = ruleset(&rule3, 1);
	drv_start(&d, &rs3, NULL, 0, -1);
	CHECK(*eval_want_all_lines(d.e) != 0, "lazy match atom: want_all from the start");
	drv_log(&d, "n\nquux\nn");
	eval_finish(d.e);
	CHECK_STR(HITS(&d, 0), "2", "lazy match atom hit");
	drv_end(&d);
}

static void test_all(void)
{
	struct fsig_trigger tr[] = { ALL(0, ALPHA, BETA, GAMMA) };
	struct fsig_rule rule = { .id = "all", .triggers = tr, .ntriggers = 1 };
	CHECK_STR(hits_of(&rule, 0, "beta\nn\nalpha\nn\nn\ngamma"), "6", "all: hit on the completing line");
	CHECK_STR(hits_of(&rule, 0, "alpha beta gamma"), "1", "all: one line");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta"), "", "all: incomplete");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta\ngamma\ngamma"), "3", "all: no second hit without a new set");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta\ngamma\nbeta\nalpha\ngamma"), "3,6", "all: completed again");
	CHECK_STR(hits_of(&rule, 0, "alpha\nbeta\ngamma\nalpha beta gamma"), "3,4", "all: completed again on one line");

	struct fsig_trigger tw[] = { ALL(4, ALPHA, BETA, GAMMA) };
	struct fsig_rule win = { .id = "allwin", .triggers = tw, .ntriggers = 1 };
	CHECK_STR(hits_of(&win, 0, "alpha\nbeta\nn\ngamma"), "4", "all within 4: span of exactly 4 lines");
	CHECK_STR(hits_of(&win, 0, "alpha\nbeta\nn\nn\ngamma"), "", "all within 4: span of 5 lines is too wide");
	CHECK_STR(hits_of(&win, 0, "alpha\nn\nbeta\nn\ngamma\nalpha"), "6",
	          "all within: a newer occurrence renews the window");
	CHECK_STR(hits_of(&win, 0, "alpha\nn\nn\nn\nn\nbeta\ngamma\nalpha"), "8", "all within: old occurrence ignored");
}

static void test_dedup(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA), THEN(ALPHA, BETA, 2) };
	struct fsig_rule rule = { .id = "dup", .triggers = tr, .ntriggers = COUNT(tr) };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, NULL, 0, -1, "alpha\nbeta\nalpha");
	CHECK_STR(HITS(&d, 0), "1,3", "two triggers on one line: one hit");
	CHECK(res(&d, 0)->nhits == 2 && res(&d, 0)->hits[0].trigger == 0, "the lower trigger index is kept");
	drv_end(&d);

	struct fsig_trigger tr2[] = { THEN(ALPHA, BETA, 2), MATCH(ALPHA), MATCH(GAMMA) };
	struct fsig_rule rule2 = { .id = "dup2", .triggers = tr2, .ntriggers = COUNT(tr2) };
	rs = ruleset(&rule2, 1);
	run(&d, &rs, NULL, 0, -1, "alpha\ngamma\nbeta\nalpha");
	CHECK_STR(HITS(&d, 0), "1>3,2,4", "then reported late still wins over a later trigger, hits in line order");
	CHECK(res(&d, 0)->hits[0].trigger == 0 && res(&d, 0)->hits[1].trigger == 2 &&
	      res(&d, 0)->hits[2].trigger == 1, "trigger indexes 0, 2, 1");
	CHECK(res(&d, 0)->nhits == 3, "three hits counted once each");
	drv_end(&d);
}

static void test_unless_same_line(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_unless un[] = { UNLESS(XRAY, SAME_LINE, 0) };
	struct fsig_rule rule = { .id = "sl", .triggers = tr, .ntriggers = 1, .unless = un, .nunless = 1 };
	CHECK_STR(hits_of(&rule, 0, "alpha\nalpha xray\nxray\nalpha\nxray alpha"), "1,4", "same line: suppressed");
	CHECK_STR(supp_of(&rule, "alpha\nalpha xray\nxray\nalpha"), "2!0@2", "same line: explain names the clause");

	struct fsig_trigger tt[] = { THEN(ALPHA, BETA, 2) };
	struct fsig_rule then = { .id = "slthen", .triggers = tt, .ntriggers = 1, .unless = un, .nunless = 1 };
	CHECK_STR(hits_of(&then, 0, "alpha xray\nbeta"), "", "same line on then: the first line counts");
	CHECK_STR(hits_of(&then, 0, "alpha\nbeta xray"), "1>2", "same line on then: not the second line");

	/* A lazy unless atom is matched on demand; a raw one against raw bytes. */
	struct fsig_unless lz[] = { UNLESS(ZULU, SAME_LINE, 0), UNLESS(ESC, SAME_LINE, 0) };
	struct fsig_rule lazy = { .id = "sllazy", .triggers = tr, .ntriggers = 1, .unless = lz, .nunless = 2 };
	CHECK_STR(hits_of(&lazy, 0, "alpha zulu\nalpha\nzulu"), "2", "same line, lazy atom");
	struct fsig_ruleset rs = ruleset(&lazy, 1);
	struct drv d;
	drv_start(&d, &rs, NULL, EVAL_EXPLAIN, -1);
	CHECK(*eval_want_all_lines(d.e) != 0, "explain mode wants every line");
	drv_feed(&d, 1, "alpha red", "\x1b[31malpha red\x1b[0m");
	drv_feed(&d, 2, "alpha plain", "alpha plain");
	drv_feed(&d, 3, "alpha \x1b[ in text only", "alpha plain raw");
	eval_finish(d.e);
	CHECK_STR(HITS(&d, 0), "2,3", "raw lazy atom matched against raw bytes only");
	CHECK_STR(SUPP(&d, 0), "1!1@1", "raw lazy atom suppressed line 1");
	drv_end(&d);

	struct fsig_rule lazy_only = { .id = "slonly", .triggers = tr, .ntriggers = 1, .unless = lz, .nunless = 1 };
	rs = ruleset(&lazy_only, 1);
	drv_start(&d, &rs, NULL, 0, -1);
	CHECK(*eval_want_all_lines(d.e) == 0, "a lazy same-line unless needs no extra lines");
	drv_end(&d);
}

static void test_unless_within(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_unless un[] = { UNLESS(XRAY, WITHIN, 2) };
	struct fsig_rule rule = { .id = "w", .triggers = tr, .ntriggers = 1, .unless = un, .nunless = 1 };
	/* The hit is always on line 5. */
	CHECK_STR(hits_of(&rule, 0, "n\nn\nxray\nn\nalpha\nn\nn\nn"), "", "within 2: 2 lines before");
	CHECK_STR(hits_of(&rule, 0, "n\nxray\nn\nn\nalpha\nn\nn\nn"), "5", "within 2: 3 lines before");
	CHECK_STR(hits_of(&rule, 0, "n\nn\nn\nn\nalpha\nn\nxray\nn"), "", "within 2: 2 lines after");
	CHECK_STR(hits_of(&rule, 0, "n\nn\nn\nn\nalpha\nn\nn\nxray"), "5", "within 2: 3 lines after");
	CHECK_STR(hits_of(&rule, 0, "n\nn\nn\nn\nalpha xray"), "", "within 2: same line");
	CHECK_STR(hits_of(&rule, 0, "n\nn\nn\nn\nalpha\nn"), "5", "within 2: resolved at the end of the log");
	CHECK_STR(hits_of(&rule, 0, "n\nn\nn\nn\nalpha\nn\nxray"), "", "within 2: suppressed at the log's end");
	CHECK_STR(supp_of(&rule, "n\nn\nn\nn\nalpha\nn\nxray"), "5!0@7", "within: explain shows the line");
	CHECK_STR(hits_of(&rule, 0, "alpha\nalpha\nalpha\nxray\nalpha\nalpha\nalpha\nalpha"), "1,7,8",
	          "within 2: a window around each hit");

	/* then: the window is around the first line, even when the hit is
	 * reported later; a newer occurrence must not hide an older one. */
	struct fsig_trigger tt[] = { THEN(ALPHA, BETA, 6) };
	struct fsig_unless u1[] = { UNLESS(XRAY, WITHIN, 1) };
	struct fsig_rule then = { .id = "wthen", .triggers = tt, .ntriggers = 1, .unless = u1, .nunless = 1 };
	CHECK_STR(hits_of(&then, 0, "alpha\nn\nxray\nn\nbeta"), "1>5", "within on then: outside the window");
	CHECK_STR(hits_of(&then, 0, "alpha\nxray\nn\nxray\nbeta"), "", "within on then: inside, then outside");
	CHECK_STR(hits_of(&then, 0, "xray\nn\nalpha\nn\nn\nxray\nbeta"), "3>7",
	          "within on then: before the window");
	CHECK_STR(hits_of(&then, 0, "n\nxray\nalpha\nn\nn\nxray\nbeta"), "", "within on then: 1 before");

	/* A lazy within atom is looked for on the lines around a hit only: the
	 * lines before it from the back history (skipped runs included), the
	 * lines after it handed one by one while the candidate waits. */
	struct fsig_unless lz[] = { UNLESS(ZULU, WITHIN, 2) };
	struct fsig_rule lazy = { .id = "wlazy", .triggers = tr, .ntriggers = 1, .unless = lz, .nunless = 1 };
	struct fsig_ruleset rs = ruleset(&lazy, 1);
	struct drv d;
	run(&d, &rs, NULL, 0, -1, "n\nzulu\nn\nalpha\nn\nn\nn\nn\nalpha\nn\nzulu\nn\nn\nn\nalpha");
	CHECK_STR(HITS(&d, 0), "15", "lazy within atom before and after hits");
	CHECK(res(&d, 0)->nsuppressed == 2, "two suppressed");
	CHECK(d.handed == 9, "lines handed: each hit and the 3 after it, until it is final (%u)",
	      d.handed);
	drv_end(&d);
}

static void test_unless_log(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_unless un[] = { UNLESS(XRAY, LOG, 0) };
	struct fsig_rule rule = { .id = "log", .triggers = tr, .ntriggers = 1, .unless = un, .nunless = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;

	run(&d, &rs, NULL, 0, -1, "alpha\nn\nalpha\nn\nxray\nn");
	CHECK(!res(&d, 0)->fired && res(&d, 0)->nhits == 0 && res(&d, 0)->nkept == 0, "in log: suppressed");
	CHECK(res(&d, 0)->nsuppressed == 2 && res(&d, 0)->nsuppressed_kept == 0,
	      "in log: counted, not kept outside explain");
	drv_end(&d);

	run(&d, &rs, NULL, 0, -1, "alpha\nn\nalpha\nn");
	CHECK(res(&d, 0)->fired && res(&d, 0)->nhits == 2, "in log: not present");
	drv_end(&d);

	CHECK_STR(supp_of(&rule, "xray\nalpha\nn\nalpha\nxray"), "2!0@1,4!0@1", "in log: explain, first occurrence");

	/* Clause order decides which clause a hit is attributed to. */
	struct fsig_unless a[] = { UNLESS(XRAY, LOG, 0), UNLESS(YANK, SAME_LINE, 0) };
	struct fsig_rule ra = { .id = "loga", .triggers = tr, .ntriggers = 1, .unless = a, .nunless = 2 };
	CHECK_STR(supp_of(&ra, "alpha yank\nalpha\nxray"), "1!0@3,2!0@3", "in log first: attributed to it");
	struct fsig_unless b[] = { UNLESS(YANK, SAME_LINE, 0), UNLESS(XRAY, LOG, 0) };
	struct fsig_rule rb = { .id = "logb", .triggers = tr, .ntriggers = 1, .unless = b, .nunless = 2 };
	CHECK_STR(supp_of(&rb, "alpha yank\nalpha\nxray\nalpha yank"), "1!0@1,2!1@3,4!0@4",
	          "same line first: kept, merged in line order");

	/* Lazy in-log atom: every line is looked at. */
	struct fsig_unless lz[] = { UNLESS(QUUX, LOG, 0) };
	struct fsig_rule rl = { .id = "loglazy", .triggers = tr, .ntriggers = 1, .unless = lz, .nunless = 1 };
	CHECK_STR(hits_of(&rl, 0, "alpha\nn\nquux"), "", "in log, lazy atom");
	CHECK_STR(hits_of(&rl, 0, "alpha\nn\nn"), "1", "in log, lazy atom absent");

	/* Caps hold across the merge. */
	char log[4096] = "";
	for(int i = 0; i < 150; i++)
		strcat(log, "alpha\n");
	strcat(log, "xray\n");
	run(&d, &rs, NULL, EVAL_EXPLAIN, -1, log);
	const struct eval_result *r = res(&d, 0);
	CHECK(r->nhits == 0 && r->nsuppressed == 150, "in log, many: all suppressed and counted");
	CHECK(r->nsuppressed_kept == EVAL_MAX_HITS && r->suppressed[0].line == 1 &&
	      r->suppressed[EVAL_MAX_HITS - 1].line == EVAL_MAX_HITS, "in log, many: first ones kept");
	drv_end(&d);
}

static void test_sections(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_rule rule = { .id = "sec", .triggers = tr, .ntriggers = 1, .sections = LIST("test*") };
	CHECK_STR(hits_of(&rule, 0, "alpha\n>build\nalpha\n>test-unit\nalpha\n<test-unit\nalpha\n<build\nalpha"), "5",
	          "sections: only inside a matching section, nested counts");
	CHECK_STR(hits_of(&rule, 0, ">test\n>inner\nalpha\n<inner\n<test"), "3", "sections: the outer section counts");
	CHECK_STR(hits_of(&rule, EVAL_ASSUME_SECTIONS, "alpha\nn\nalpha"), "1,3",
	          "assume sections: a log without markers is inside");
	CHECK_STR(hits_of(&rule, EVAL_ASSUME_SECTIONS, "alpha\n>build\nalpha\n<build\n>test\nalpha"), "6",
	          "assume sections: a log with markers is not");
	CHECK_STR(hits_of(&rule, 0, "alpha\nn"), "", "sections without assume: nothing");

	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, NULL, EVAL_ASSUME_SECTIONS, -1, "alpha\nalpha\n>build\n<build\nalpha");
	CHECK(!res(&d, 0)->fired && res(&d, 0)->nhits == 0 && res(&d, 0)->nkept == 0,
	      "assume sections: provisional hits taken back");
	CHECK(d.handed == 4, "assume sections: lines 1-3 wanted until a section shows, then 5 (%u)", d.handed);
	drv_end(&d);
	drv_start(&d, &rs, NULL, 0, -1);
	CHECK(*eval_want_all_lines(d.e) == 0, "sections without assume: no extra lines");
	drv_end(&d);

	struct fsig_rule multi = { .id = "sec2", .triggers = tr, .ntriggers = 1, .sections = LIST("build", "?eploy") };
	CHECK_STR(hits_of(&multi, 0, ">build\nalpha\n<build\n>deploy\nalpha\n<deploy\n>builder\nalpha"), "2,5",
	          "sections: any glob");

	/* then: the section of the first line counts. */
	struct fsig_trigger tt[] = { THEN(ALPHA, BETA, 3) };
	struct fsig_rule then = { .id = "secthen", .triggers = tt, .ntriggers = 1, .sections = LIST("test") };
	CHECK_STR(hits_of(&then, 0, ">test\nalpha\n<test\nbeta"), "2>4", "sections on then: first line inside");
	CHECK_STR(hits_of(&then, 0, "alpha\n>test\nbeta"), "", "sections on then: first line outside");

	/* A rule without sections ignores them. */
	struct fsig_rule plain = { .id = "nosec", .triggers = tr, .ntriggers = 1 };
	CHECK_STR(hits_of(&plain, EVAL_ASSUME_SECTIONS, "alpha\n>x\nalpha"), "1,3", "no section clause: everywhere");
}

static const struct fsig_job job_failed = {
	.known = true, .name = "test-linux", .stage = "test", .project = "ghc/ghc",
	.runner = "x86_64-linux-1", .failure_reason = "script_failure", .status = "failed",
	.tags = (const char *const[]){ "x86_64-linux", "docker" }, .ntags = 2,
};

/* Does a rule with one filter (and a pattern) fire for the job? */
static bool fires(const struct fsig_filter *f, uint32_t nf, const struct fsig_job *job)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_rule rule = { .id = "f", .triggers = tr, .ntriggers = 1, .filters = f, .nfilters = nf };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, job, 0, -1, "alpha");
	bool fired = res(&d, 0)->fired;
	drv_end(&d);
	return fired;
}

static void test_filters(void)
{
	const struct fsig_job *j = &job_failed;
	struct fsig_filter f[] = {
		FILTER(JOB, false, "build-*", "test-*"),   /* 0 */
		FILTER(JOB, true, "test-*"),               /* 1 */
		FILTER(STAGE, false, "test"),              /* 2 */
		FILTER(STAGE, false, "build"),             /* 3 */
		FILTER(PROJECT, false, "ghc/*"),           /* 4 */
		FILTER(PROJECT, true, "ghc/*"),            /* 5 */
		FILTER(RUNNER, false, "*-linux-?"),        /* 6 */
		FILTER(RUNNER, false, "*-darwin-*"),       /* 7 */
		FILTER(TAG, false, "docker"),              /* 8 */
		FILTER(TAG, false, "x86_64-*"),            /* 9 */
		FILTER(TAG, false, "aarch64*", "arm"),     /* 10 */
		FILTER(TAG, true, "docker"),               /* 11 */
		FILTER(FAILURE_REASON, false, "runner_system_failure", "script_failure"), /* 12 */
		FILTER(FAILURE_REASON, false, "script_*"), /* 13: names are exact */
		FILTER(FAILURE_REASON, true, "stuck_or_timeout_failure"), /* 14 */
		FILTER(JOB, false, "*"),                   /* 15 */
		FILTER(STAGE, true, "build"),              /* 16 */
	};
	CHECK(fires(&f[0], 1, j), "job glob, any value");
	CHECK(!fires(&f[1], 1, j), "job negated");
	CHECK(fires(&f[2], 1, j), "stage");
	CHECK(!fires(&f[3], 1, j), "stage mismatch");
	CHECK(fires(&f[4], 1, j), "project glob");
	CHECK(!fires(&f[5], 1, j), "project negated");
	CHECK(fires(&f[6], 1, j), "runner glob with ?");
	CHECK(!fires(&f[7], 1, j), "runner mismatch");
	CHECK(fires(&f[8], 1, j), "tag: second tag matches");
	CHECK(fires(&f[9], 1, j), "tag glob");
	CHECK(!fires(&f[10], 1, j), "tag: no tag matches any value");
	CHECK(!fires(&f[11], 1, j), "tag negated");
	CHECK(fires(&f[12], 1, j), "failure_reason, any name");
	CHECK(!fires(&f[13], 1, j), "failure_reason is not a glob");
	CHECK(fires(&f[14], 1, j), "failure_reason negated");
	struct fsig_filter hold[] = { f[0], f[2], f[4], f[6], f[8], f[12], f[14] };
	CHECK(fires(hold, COUNT(hold), j), "several filters, all hold");
	CHECK(!fires(&f[2], 2, j), "several filters, one fails");

	/* A known job with missing fields. */
	struct fsig_job bare = { .known = true, .status = "failed" };
	CHECK(!fires(&f[15], 1, &bare), "NULL job name fails even '*'");
	CHECK(fires(&f[16], 1, &bare), "NULL stage passes a negated filter");
	CHECK(!fires(&f[8], 1, &bare), "no tags fail a tag filter");
	CHECK(fires(&f[11], 1, &bare), "no tags pass a negated tag filter");
	CHECK(!fires(&f[12], 1, &bare), "NULL failure_reason fails");

	/* Unknown job: filters unchecked. */
	struct fsig_job unknown = { .known = false, .name = "ignored" };
	CHECK(fires(&f[3], 1, NULL), "no job: failing filter not checked");
	CHECK(fires(&f[3], 1, &unknown), "job not known: failing filter not checked");

	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_rule rule = { .id = "unchk", .triggers = tr, .ntriggers = 1, .filters = &f[3], .nfilters = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	run(&d, &rs, NULL, 0, -1, "alpha");
	CHECK(res(&d, 0)->fired && res(&d, 0)->filters_unchecked && res(&d, 0)->status_ok,
	      "no job: fired, filters unchecked, status ok");
	drv_end(&d);
	run(&d, &rs, j, 0, -1, "alpha");
	CHECK(!res(&d, 0)->fired && !res(&d, 0)->filters_unchecked && res(&d, 0)->nhits == 0,
	      "filters fail: not evaluated");
	drv_end(&d);

	struct fsig_filter st[] = { FILTER(STATUS, false, "success") };
	struct fsig_rule srule = { .id = "st", .triggers = tr, .ntriggers = 1, .filters = st, .nfilters = 1 };
	rs = ruleset(&srule, 1);
	run(&d, &rs, NULL, 0, -1, "alpha");
	CHECK(res(&d, 0)->fired && !res(&d, 0)->filters_unchecked, "no job: a status filter alone is not unchecked");
	drv_end(&d);
}

static void test_status(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_rule plain = { .id = "plain", .triggers = tr, .ntriggers = 1 };
	struct fsig_filter sf[] = { FILTER(STATUS, false, "failed", "canceled") };
	struct fsig_rule canc = { .id = "canc", .triggers = tr, .ntriggers = 1, .filters = sf, .nfilters = 1 };
	struct fsig_filter nf[] = { FILTER(STATUS, true, "success") };
	struct fsig_rule notok = { .id = "notok", .triggers = tr, .ntriggers = 1, .filters = nf, .nfilters = 1 };
	struct fsig_rule rules[] = { plain, canc, notok };
	struct fsig_ruleset rs = ruleset(rules, 3);
	struct fsig_job success = job_failed;
	success.status = "success";
	struct fsig_job canceled = job_failed;
	canceled.status = "canceled";
	struct fsig_job nostatus = job_failed;
	nostatus.status = NULL;
	struct drv d;

	run(&d, &rs, &job_failed, 0, -1, "alpha");
	CHECK(res(&d, 0)->status_ok && res(&d, 1)->status_ok && res(&d, 2)->status_ok, "failed job: status ok");
	drv_end(&d);

	run(&d, &rs, &success, 0, -1, "alpha");
	CHECK(res(&d, 0)->fired && !res(&d, 0)->status_ok, "success job: fired, status not ok (default failed)");
	CHECK(res(&d, 1)->fired && !res(&d, 1)->status_ok, "success job: status filter fails");
	CHECK(res(&d, 2)->fired && !res(&d, 2)->status_ok, "success job: negated status filter fails");
	drv_end(&d);

	run(&d, &rs, &canceled, 0, -1, "alpha");
	CHECK(!res(&d, 0)->status_ok && res(&d, 1)->status_ok && res(&d, 2)->status_ok, "canceled job");
	drv_end(&d);

	run(&d, &rs, &nostatus, 0, -1, "alpha");
	CHECK(res(&d, 0)->status_ok && res(&d, 1)->status_ok && res(&d, 2)->status_ok,
	      "known job without status: status unknown, ok");
	drv_end(&d);

	run(&d, &rs, NULL, 0, -1, "alpha");
	CHECK(res(&d, 0)->status_ok && res(&d, 1)->status_ok && res(&d, 2)->status_ok, "unknown job: status ok");
	drv_end(&d);
}

static void test_filter_only(void)
{
	struct fsig_filter f[] = { FILTER(FAILURE_REASON, false, "runner_system_failure") };
	struct fsig_rule rule = { .id = "fo", .filters = f, .nfilters = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct fsig_job rsf = job_failed;
	rsf.failure_reason = "runner_system_failure";
	struct drv d;

	run(&d, &rs, &rsf, 0, -1, "anything");
	CHECK(res(&d, 0)->fired && res(&d, 0)->nhits == 0 && res(&d, 0)->status_ok,
	      "filter-only rule fires on job data, nhits 0");
	CHECK(!res(&d, 0)->filters_unchecked, "filter-only: checked");
	drv_end(&d);

	run(&d, &rs, &job_failed, 0, -1, "anything");
	CHECK(!res(&d, 0)->fired, "filter-only rule: filters fail");
	drv_end(&d);

	run(&d, &rs, NULL, 0, -1, "anything");
	CHECK(!res(&d, 0)->fired && !res(&d, 0)->filters_unchecked, "filter-only rule without job data does not fire");
	drv_end(&d);

	/* An example's `where failure_reason "…"`: job data without a status. */
	struct fsig_job where = { .known = true, .failure_reason = "runner_system_failure" };
	run(&d, &rs, &where, 0, -1, "");
	CHECK(res(&d, 0)->fired && res(&d, 0)->status_ok, "filter-only rule on partial job data (no status)");
	drv_end(&d);

	struct fsig_job rsf_ok = rsf;
	rsf_ok.status = "success";
	run(&d, &rs, &rsf_ok, 0, -1, "");
	CHECK(res(&d, 0)->fired && !res(&d, 0)->status_ok, "filter-only rule in a successful job: status not ok");
	drv_end(&d);
}

static void test_disabled_only_rule(void)
{
	struct fsig_trigger ta[] = { MATCH(ALPHA) };
	struct fsig_trigger tb[] = { MATCH(BETA) };
	struct fsig_rule rules[] = {
		{ .id = "a", .triggers = ta, .ntriggers = 1 },
		{ .id = "b", .triggers = tb, .ntriggers = 1 },
		{ .id = "off", .triggers = ta, .ntriggers = 1, .disabled = "flaky" },
		{ .id = "offonly", .disabled = "flaky" },
	};
	struct fsig_ruleset rs = ruleset(rules, COUNT(rules));
	struct fsig_job rsf = job_failed;
	struct drv d;

	run(&d, &rs, &rsf, 0, -1, "alpha\nbeta");
	size_t n;
	const struct eval_result *r = eval_results(d.e, &n);
	CHECK(n == 4, "one result per rule");
	CHECK(r[0].rule == &rules[0] && r[3].rule == &rules[3], "results in rule order");
	CHECK(r[0].fired && r[1].fired, "enabled rules fire");
	CHECK(!r[2].fired && r[2].nhits == 0 && r[2].nkept == 0, "disabled rule never fires");
	CHECK(!r[3].fired, "disabled filter-only rule never fires");
	drv_end(&d);

	run(&d, &rs, NULL, 0, 1, "alpha\nbeta");
	CHECK(!res(&d, 0)->fired && res(&d, 0)->nhits == 0, "only_rule: other rule skipped");
	CHECK(res(&d, 1)->fired && res(&d, 1)->nhits == 1, "only_rule: selected rule evaluated");
	drv_end(&d);

	run(&d, &rs, NULL, 0, 2, "alpha\nbeta");
	CHECK(!res(&d, 0)->fired && !res(&d, 1)->fired && !res(&d, 2)->fired, "only_rule on a disabled rule");
	CHECK(*eval_want_all_lines(d.e) == 0, "nothing to evaluate, no extra lines wanted");
	drv_end(&d);
}

static void test_caps(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_unless un[] = { UNLESS(XRAY, SAME_LINE, 0) };
	struct fsig_rule rule = { .id = "cap", .triggers = tr, .ntriggers = 1, .unless = un, .nunless = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;

	drv_start(&d, &rs, NULL, EVAL_EXPLAIN, -1);
	for(int i = 0; i < 250; i++)
		drv_log(&d, "alpha\nalpha xray");
	eval_finish(d.e);
	const struct eval_result *r = res(&d, 0);
	CHECK(r->nhits == 250 && r->nkept == EVAL_MAX_HITS, "hits counted exactly, kept capped");
	CHECK(r->nsuppressed == 250 && r->nsuppressed_kept == EVAL_MAX_HITS, "suppressed counted, kept capped");
	CHECK(r->hits[EVAL_MAX_HITS - 1].line == 2 * EVAL_MAX_HITS - 1, "the first hits are kept");
	CHECK(r->suppressed[EVAL_MAX_HITS - 1].line == 2 * EVAL_MAX_HITS, "the first suppressed hits are kept");
	drv_end(&d);

	drv_start(&d, &rs, NULL, 0, -1);
	for(int i = 0; i < 250; i++)
		drv_log(&d, "alpha\nalpha xray");
	eval_finish(d.e);
	r = res(&d, 0);
	CHECK(r->nhits == 250 && r->nkept == EVAL_MAX_HITS, "non-explain: hits capped");
	CHECK(r->nsuppressed == 250 && r->nsuppressed_kept == 0, "non-explain: suppressed counted, not kept");
	drv_end(&d);

	/* A long line is cut in the copy. */
	struct fsig_ruleset rs1 = ruleset(&rule, 1);
	drv_start(&d, &rs1, NULL, EVAL_EXPLAIN, -1);
	char *lng = malloc(3 * EVAL_TEXT_MAX);
	memset(lng, 'z', 3 * EVAL_TEXT_MAX - 1);
	lng[3 * EVAL_TEXT_MAX - 1] = '\0';
	memcpy(lng, "alpha", 5);
	drv_feed(&d, 1, lng, lng);
	drv_feed(&d, 2, lng + 5, lng + 5);
	drv_feed(&d, 3, lng, lng);
	eval_finish(d.e);
	r = res(&d, 0);
	CHECK(r->nkept == 2 && strlen(r->hits[0].text) == EVAL_TEXT_MAX, "hit text capped at EVAL_TEXT_MAX");
	CHECK(r->hits[0].ncontext == 2 && strlen(r->hits[0].context[0].text) == EVAL_TEXT_MAX,
	      "context text capped");
	free(lng);
	drv_end(&d);
}

static void test_explain_context(void)
{
	struct fsig_trigger tr[] = { MATCH(ALPHA) };
	struct fsig_unless un[] = { UNLESS(XRAY, SAME_LINE, 0) };
	struct fsig_rule rule = { .id = "ctx", .triggers = tr, .ntriggers = 1, .unless = un, .nunless = 1 };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;

	run(&d, &rs, NULL, EVAL_EXPLAIN, -1, "l1\nl2\nl3\nl4\nalpha 5\nl6\nl7\nl8\nl9\nalpha xray 10\nl11");
	const struct eval_result *r = res(&d, 0);
	CHECK(r->nkept == 1 && r->nsuppressed_kept == 1, "one hit, one suppressed");
	const struct eval_hit *h = &r->hits[0];
	CHECK(h->ncontext == 6, "context: 3 before and 3 after (%zu)", h->ncontext);
	if(h->ncontext == 6) {
		CHECK(h->context[0].lineno == 2 && h->context[2].lineno == 4 && h->context[3].lineno == 6 &&
		      h->context[5].lineno == 8, "context line numbers, hit line excluded");
		CHECK_STR(h->context[0].text, "l2", "context text before");
		CHECK_STR(h->context[5].text, "l8", "context text after");
	}
	const struct eval_hit *s = &r->suppressed[0];
	CHECK(s->line == 10 && s->unless == 0 && s->unless_line == 10, "suppressed hit with its clause");
	CHECK(s->ncontext == 4 && s->context[0].lineno == 7 && s->context[3].lineno == 11,
	      "context clipped at the log's end");
	CHECK_STR(s->text, "alpha xray 10", "suppressed hit text");
	drv_end(&d);

	run(&d, &rs, NULL, EVAL_EXPLAIN, -1, "alpha\nl2");
	CHECK(res(&d, 0)->hits[0].ncontext == 1 && res(&d, 0)->hits[0].context[0].lineno == 2,
	      "context clipped at the log's start");
	drv_end(&d);

	/* then: context around the first line, although reported later. */
	struct fsig_trigger tt[] = { THEN(ALPHA, BETA, 8) };
	struct fsig_rule then = { .id = "ctxthen", .triggers = tt, .ntriggers = 1 };
	rs = ruleset(&then, 1);
	run(&d, &rs, NULL, EVAL_EXPLAIN, -1, "l1\nl2\nalpha 3\nl4\nl5\nl6\nl7\nl8\nl9\nbeta 10\nl11");
	r = res(&d, 0);
	CHECK(r->nkept == 1 && r->hits[0].line == 3 && r->hits[0].line2 == 10, "then hit in explain mode");
	CHECK_STR(r->hits[0].text, "alpha 3", "then hit text");
	CHECK(r->hits[0].ncontext == 5 && r->hits[0].context[0].lineno == 1 && r->hits[0].context[4].lineno == 6,
	      "then context around the first line");
	drv_end(&d);
}

static void test_pieces(void)
{
	/* Pieces of one long line share its number: one line for the rules. */
	struct fsig_trigger tr[] = { MATCH(ALPHA), THEN(BETA, GAMMA, 2) };
	struct fsig_rule rule = { .id = "pieces", .triggers = tr, .ntriggers = COUNT(tr) };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	drv_start(&d, &rs, NULL, 0, -1);
	drv_feed(&d, 1, "alpha beta", "alpha beta");
	drv_feed(&d, 1, "alpha gamma", "alpha gamma");
	drv_feed(&d, 2, "gamma", "gamma");
	eval_finish(d.e);
	CHECK_STR(HITS(&d, 0), "1", "pieces: one hit for the line");
	CHECK(res(&d, 0)->nhits == 1, "pieces: counted once");
	drv_end(&d);
}

static void test_many_lines(void)
{
	/* A long log through every mechanism, in explain mode: runs clean under
	 * the sanitizers and counts stay exact. */
	struct fsig_trigger tr[] = { THEN(ALPHA, QUUX, 5), ALL(10, BETA, GAMMA) };
	struct fsig_unless un[] = { UNLESS(XRAY, WITHIN, 3), UNLESS(ZULU, LOG, 0) };
	struct fsig_rule rule = { .id = "big", .triggers = tr, .ntriggers = 2, .unless = un, .nunless = 2,
	                          .sections = LIST("s*") };
	struct fsig_ruleset rs = ruleset(&rule, 1);
	struct drv d;
	drv_start(&d, &rs, NULL, EVAL_EXPLAIN | EVAL_ASSUME_SECTIONS, -1);
	char line[64];
	for(int i = 1; i <= 20000; i++) {
		const char *t = "noise";
		if(i % 10 == 1)
			t = "alpha";
		else if(i % 10 == 3)
			t = "quux";
		else if(i % 100 == 50)
			t = "xray";
		else if(i % 10 == 7)
			t = "beta gamma";
		snprintf(line, sizeof line, "%s %d", t, i);
		drv_feed(&d, (uint64_t)i, line, line);
	}
	eval_finish(d.e);
	const struct eval_result *r = res(&d, 0);
	/* 2000 then hits (x1>x3) and 2000 all hits (x7); those within 3 of a
	 * line 50 mod 100 are suppressed: 47 (all) and 51 (then). */
	CHECK(r->nhits + r->nsuppressed == 4000, "big: every hit accounted (%llu + %llu)",
	      (unsigned long long)r->nhits, (unsigned long long)r->nsuppressed);
	CHECK(r->nsuppressed == 400, "big: suppressed by the within clause (%llu)", (unsigned long long)r->nsuppressed);
	CHECK(r->nkept == EVAL_MAX_HITS && r->nsuppressed_kept == EVAL_MAX_HITS, "big: kept capped");
	CHECK(r->hits[0].line == 1 && r->hits[0].line2 == 3 && r->hits[0].ncontext == 3, "big: first hit");
	drv_end(&d);
}


/* ---- differential test against a naive whole-log evaluator ------------ */

enum { REF_LINES = 60 };

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* Naive semantics over the whole log held in memory: occ[l][a] says whether
 * atom a occurs on line l (1-based). Fills "line>line2!unless" strings. */
static void ref_eval(const struct fsig_rule *rule, bool occ[][NATOMS], int nlines,
                     char *hits, char *supp, size_t cap, uint64_t *nh, uint64_t *ns)
{
	int trig[REF_LINES + 2];
	uint64_t line2[REF_LINES + 2];
	for(int l = 1; l <= nlines; l++)
		trig[l] = -1;
	for(uint32_t t = rule->ntriggers; t-- > 0;) {
		const struct fsig_trigger *tr = &rule->triggers[t];
		uint64_t last[8] = { 0 };
		for(int l = 1; l <= nlines; l++) {
			bool hit = false;
			uint64_t l2 = 0;
			if(tr->kind == FSIG_TRIG_MATCH) {
				hit = occ[l][tr->atoms[0]];
			} else if(tr->kind == FSIG_TRIG_THEN) {
				for(int k = l + 1; occ[l][tr->atoms[0]] && k <= nlines && k <= l + (int)tr->within && !hit; k++)
					if(occ[k][tr->atoms[1]]) {
						hit = true;
						l2 = (uint64_t)k;
					}
			} else {
				bool any = false;
				for(uint32_t i = 0; i < tr->natoms; i++)
					if(occ[l][tr->atoms[i]]) {
						last[i] = (uint64_t)l;
						any = true;
					}
				bool all = any;
				for(uint32_t i = 0; i < tr->natoms; i++)
					all = all && last[i] && (tr->within == 0 || last[i] + tr->within > (uint64_t)l);
				if(all) {
					hit = true;
					memset(last, 0, sizeof last);
				}
			}
			if(hit) {
				/* Triggers run from last to first: the lowest index wins. */
				trig[l] = (int)t;
				line2[l] = l2;
			}
		}
	}
	*nh = 0;
	*ns = 0;
	hits[0] = '\0';
	supp[0] = '\0';
	for(int l = 1; l <= nlines; l++) {
		if(trig[l] < 0)
			continue;
		int by = -1;
		for(uint32_t u = 0; u < rule->nunless && by < 0; u++) {
			const struct fsig_unless *un = &rule->unless[u];
			int from = un->scope == FSIG_UNLESS_LOG ? 1 : un->scope == FSIG_UNLESS_WITHIN ? l - (int)un->before : l;
			int to = un->scope == FSIG_UNLESS_LOG ? nlines : un->scope == FSIG_UNLESS_WITHIN ? l + (int)un->after : l;
			for(int k = from < 1 ? 1 : from; k <= to && k <= nlines; k++)
				if(occ[k][un->atom])
					by = (int)u;
		}
		char *out = by < 0 ? hits : supp;
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s%d>%llu!%d", used ? "," : "", l, (unsigned long long)line2[l], by);
		if(by < 0)
			(*nh)++;
		else
			(*ns)++;
	}
}

/* The same rendering of eval's kept hits. */
static void eval_str(const struct eval_hit *h, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	for(size_t i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s%llu>%llu!%d", used ? "," : "", (unsigned long long)h[i].line,
		         (unsigned long long)h[i].line2, h[i].unless);
	}
}

static void test_random(void)
{
	static const char *const words[] = { "alpha", "beta", "gamma", "xray", "yank", "quux", "zulu" };
	int bad = 0;
	int rounds = 3000;
	for(int round = 0; round < rounds; round++) {
		struct fsig_trigger tr[3];
		uint32_t tatoms[3][3];
		uint32_t ntr = 1 + rng(3);
		for(uint32_t t = 0; t < ntr; t++) {
			uint32_t kind = rng(3);
			tr[t] = (struct fsig_trigger){ .atoms = tatoms[t] };
			/* First patterns and all-of atoms are reported; a `then`
			 * second pattern may be lazy. */
			for(int i = 0; i < 3; i++)
				tatoms[t][i] = rng(5);
			if(kind == 0) {
				tr[t].kind = FSIG_TRIG_MATCH;
				tr[t].natoms = 1;
			} else if(kind == 1) {
				tr[t].kind = FSIG_TRIG_THEN;
				tr[t].natoms = 2;
				tr[t].within = 1 + rng(6);
				tatoms[t][1] = rng(NATOMS - 1);
			} else {
				tr[t].kind = FSIG_TRIG_ALL;
				tr[t].natoms = 1 + rng(3);
				tr[t].within = rng(2) ? 0 : 1 + rng(8);
			}
		}
		struct fsig_unless un[3];
		uint32_t nun = rng(4);
		for(uint32_t u = 0; u < nun; u++) {
			un[u] = (struct fsig_unless){ .atom = rng(NATOMS - 1), .scope = (enum fsig_unless_scope)rng(3),
			                              .before = rng(6), .after = rng(6) };
			if(un[u].before == 0 && un[u].after == 0)
				un[u].after = 1;  /* the language has no `within 0` */
		}
		struct fsig_rule rule = { .id = "rnd", .triggers = tr, .ntriggers = ntr, .unless = un, .nunless = nun };
		struct fsig_ruleset rs = ruleset(&rule, 1);

		bool occ[REF_LINES + 2][NATOMS];
		memset(occ, 0, sizeof occ);
		int nlines = 1 + (int)rng(REF_LINES);
		char text[REF_LINES + 2][64];
		for(int l = 1; l <= nlines; l++) {
			text[l][0] = '\0';
			for(uint32_t a = 0; a < NATOMS - 1; a++) {
				if(rng(7) == 0) {
					occ[l][a] = true;
					strcat(text[l], words[a]);
					strcat(text[l], " ");
				}
			}
		}
		static char want_h[8192], want_s[8192], got_h[8192], got_s[8192];
		uint64_t nh, ns;
		ref_eval(&rule, occ, nlines, want_h, want_s, sizeof want_h, &nh, &ns);
		for(unsigned opts = 0; opts <= EVAL_EXPLAIN; opts += EVAL_EXPLAIN) {
			struct drv d;
			drv_start(&d, &rs, NULL, opts, -1);
			for(int l = 1; l <= nlines; l++)
				drv_feed(&d, (uint64_t)l, text[l], text[l]);
			eval_finish(d.e);
			const struct eval_result *r = res(&d, 0);
			eval_str(r->hits, r->nkept, got_h, sizeof got_h);
			eval_str(r->suppressed, r->nsuppressed_kept, got_s, sizeof got_s);
			bool ok = r->nhits == nh && r->nsuppressed == ns && strcmp(got_h, want_h) == 0 &&
			          (!opts || strcmp(got_s, want_s) == 0) && r->fired == (nh > 0);
			if(!ok && bad++ < 3) {
				printf("# round %d opts %u: hits got %s want %s; suppressed got %s want %s\n", round, opts,
				       got_h, want_h, got_s, want_s);
			}
			drv_end(&d);
		}
	}
	CHECK(bad == 0, "random rules and logs agree with the naive evaluator (%d of %d differ)", bad, 2 * rounds);
}

int main(void)
{
	test_glob();
	test_names();
	test_match_any();
	test_then();
	test_then_lazy_want_all();
	test_all();
	test_dedup();
	test_unless_same_line();
	test_unless_within();
	test_unless_log();
	test_sections();
	test_filters();
	test_status();
	test_filter_only();
	test_disabled_only_rule();
	test_caps();
	test_explain_context();
	test_pieces();
	test_many_lines();
	test_random();
	return unit_done();
}
