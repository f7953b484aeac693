/* gen.c — emit the generated scanner: re2c matchers + rule table as C data.
 *
 * One re2c block per atom (SCANNING-NOTES.md 5.3): each is an unanchored
 * search confined to one line, small, fast to compile, and cannot shadow
 * another atom — the all-hits guarantee of DESIGN.md 2.1 holds by
 * construction. The line ends in '\n' followed by FSIG_PAD bytes, and no
 * emitted expression can cross a '\n' except a trailing `$`, so the DFAs run
 * without bounds checks (re2c:yyfill:enable = 0; the line's '\n' is declared
 * as re2c's sentinel, so re2c checks that no rule runs through it). */
#include "gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "atoms.h"
#include "dynbuf.h"
#include "regex.h"

/* A C string literal of bytes s[0..n): printable ASCII as is, everything
 * else as three-digit octal (no hex escapes: they would swallow following
 * hex digits). '?' is escaped against trigraphs. */
static void c_string(struct dynbuf *out, const char *s, size_t n)
{
	dynbuf_add(out, "\"", 1);
	for(size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if(ch == '"' || ch == '\\') {
			char e[2] = {'\\', (char)ch};
			dynbuf_add(out, e, 2);
		} else if(ch >= 0x20 && ch < 0x7f && ch != '?') {
			dynbuf_add(out, &ch, 1);
		} else {
			dynbuf_printf(out, "\\%03o", ch);
		}
		if(ch == '\n' && i + 1 < n)
			dynbuf_adds(out, "\"\n\t\"");  /* keep long examples readable */
	}
	dynbuf_add(out, "\"", 1);
}

static void c_str(struct dynbuf *out, const char *s)
{
	if(!s) {
		dynbuf_adds(out, "NULL");
		return;
	}
	c_string(out, s, strlen(s));
}

/* A C comment can't contain the closing sequence; spell atoms safely. */
static void comment_text(struct dynbuf *out, const char *s)
{
	for(; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if(ch == '*' && s[1] == '/')
			dynbuf_adds(out, "*\\/");
		else if(ch < 0x20 || ch >= 0x7f)
			dynbuf_adds(out, "?");
		else
			dynbuf_add(out, s, 1);
	}
}

static void gen_matchers(const struct atomset *atoms, struct dynbuf *out)
{
	for(size_t i = 0; i < atoms->n; i++) {
		const struct atom *at = &atoms->v[i];
		dynbuf_adds(out, "/* ");
		comment_text(out, at->source);
		dynbuf_printf(out, " */\nstatic int atom_%zu(const unsigned char *YYCURSOR)\n{\n", i);
		dynbuf_adds(out, "\tconst unsigned char *YYMARKER = YYCURSOR;\n\t(void)YYMARKER;\n");
		dynbuf_adds(out, "\t/*!re2c\n"
		                 "\t\tre2c:yyfill:enable = 0;\n"
		                 "\t\tre2c:define:YYCTYPE = \"unsigned char\";\n"
		                 "\t\tre2c:sentinel = 10;\n"
		                 "\t\tre2c:flags:empty-class = match-none;\n"
		                 "\t\tre2c:indent:top = 1;\n\t\t");
		rx_emit_re2c(at->rx, out);
		dynbuf_adds(out, " { return 1; }\n\t\t* { return 0; }\n\t*/\n}\n\n");
	}
}

static void gen_prefilter(const struct atomset *a, struct dynbuf *out)
{
	size_t words = ((size_t)1 << a->bits_log2) / 64;
	dynbuf_printf(out, "static const uint64_t prefilter_bits[%zu] = {\n", words);
	for(size_t w = 0; w < words; w++) {
		if(a->bits[w])
			dynbuf_printf(out, "\t[%zu] = 0x%016" PRIx64 "u,\n", w, a->bits[w]);
	}
	dynbuf_adds(out, "};\n\n");

	size_t nb = ((size_t)1 << a->buckets_log2) + 1;
	dynbuf_printf(out, "static const uint32_t prefilter_bucket_start[%zu] = {", nb);
	for(size_t k = 0; k < nb; k++)
		dynbuf_printf(out, "%s%" PRIu32 ",", k % 16 ? " " : "\n\t", a->bucket_start[k]);
	dynbuf_adds(out, "\n};\n\n");

	dynbuf_printf(out, "static const struct fsig_gram prefilter_grams[%zu] = {\n",
	              a->ngrams ? a->ngrams : 1);
	for(size_t g = 0; g < a->ngrams; g++)
		dynbuf_printf(out, "\t{0x%08" PRIx32 "u, %" PRIu32 "},\n", a->grams[g].gram,
		              a->grams[g].atom);
	if(!a->ngrams)
		dynbuf_adds(out, "\t{0, 0},\n");
	dynbuf_adds(out, "};\n\n");

	dynbuf_printf(out, "static const uint32_t prefilter_always[%zu] = {",
	              a->nalways ? a->nalways : 1);
	for(size_t i = 0; i < a->nalways; i++)
		dynbuf_printf(out, "%s%" PRIu32, i ? ", " : "", a->always[i]);
	dynbuf_adds(out, a->nalways ? "};\n\n" : "0};\n\n");

	dynbuf_adds(out, "static const struct fsig_atom atoms[] = {\n");
	for(size_t i = 0; i < a->n; i++) {
		dynbuf_adds(out, "\t{");
		c_str(out, a->v[i].source);
		dynbuf_printf(out, ", atom_%zu, %u},\n", i, a->v[i].flags);
	}
	if(!a->n)
		dynbuf_adds(out, "\t{NULL, NULL, 0},\n");
	dynbuf_adds(out, "};\n\n");
}

static const char *trigger_kind(enum fsig_trigger_kind k)
{
	switch(k) {
	case FSIG_TRIG_MATCH: return "FSIG_TRIG_MATCH";
	case FSIG_TRIG_THEN: return "FSIG_TRIG_THEN";
	case FSIG_TRIG_ALL: return "FSIG_TRIG_ALL";
	}
	return "?";
}

static const char *unless_scope(enum fsig_unless_scope s)
{
	switch(s) {
	case FSIG_UNLESS_SAME_LINE: return "FSIG_UNLESS_SAME_LINE";
	case FSIG_UNLESS_WITHIN: return "FSIG_UNLESS_WITHIN";
	case FSIG_UNLESS_LOG: return "FSIG_UNLESS_LOG";
	}
	return "?";
}

static const char *field_enum(enum fsig_field f)
{
	static const char *const names[] = {
		"FSIG_FIELD_JOB", "FSIG_FIELD_STAGE", "FSIG_FIELD_PROJECT", "FSIG_FIELD_RUNNER",
		"FSIG_FIELD_TAG", "FSIG_FIELD_FAILURE_REASON", "FSIG_FIELD_STATUS",
	};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static const char *action_enum(enum fsig_action a)
{
	switch(a) {
	case FSIG_ACT_RETRY: return "FSIG_ACT_RETRY";
	case FSIG_ACT_RECORD: return "FSIG_ACT_RECORD";
	case FSIG_ACT_OBSERVE: return "FSIG_ACT_OBSERVE";
	}
	return "?";
}

static uint32_t line_of(struct loc l)
{
	uint32_t line = 0, col = 0;
	if(l.file)
		srcfile_linecol(l.file, l.begin, &line, &col);
	return line;
}

static void gen_values(struct dynbuf *out, const char *name, const struct value *v, size_t n)
{
	dynbuf_printf(out, "static const char *const %s[%zu] = {", name, n ? n : 1);
	for(size_t i = 0; i < n; i++) {
		dynbuf_adds(out, i ? ", " : "");
		c_str(out, v[i].text);
	}
	dynbuf_adds(out, n ? "};\n" : "NULL};\n");
}

/* The data of rule number i, as static arrays named r<i>_*. */
static void gen_rule_data(const struct rule *r, size_t i, struct dynbuf *out)
{
	for(size_t t = 0; t < r->ntriggers; t++) {
		const struct trigger *tr = &r->triggers[t];
		dynbuf_printf(out, "static const uint32_t r%zu_t%zu_atoms[] = {", i, t);
		for(size_t k = 0; k < tr->npats; k++)
			dynbuf_printf(out, "%s%d", k ? ", " : "", tr->pats[k]->atom);
		dynbuf_adds(out, "};\n");
	}
	dynbuf_printf(out, "static const struct fsig_trigger r%zu_triggers[%zu] = {\n", i,
	              r->ntriggers ? r->ntriggers : 1);
	for(size_t t = 0; t < r->ntriggers; t++) {
		const struct trigger *tr = &r->triggers[t];
		dynbuf_printf(out, "\t{%s, r%zu_t%zu_atoms, %zu, %" PRIu32 ", %" PRIu32 "},\n",
		              trigger_kind(tr->kind), i, t, tr->npats, tr->within, line_of(tr->loc));
	}
	dynbuf_adds(out, r->ntriggers ? "};\n" : "\t{FSIG_TRIG_MATCH, NULL, 0, 0, 0}\n};\n");

	dynbuf_printf(out, "static const struct fsig_unless r%zu_unless[%zu] = {\n", i,
	              r->nunless ? r->nunless : 1);
	for(size_t u = 0; u < r->nunless; u++) {
		const struct unless_clause *uc = &r->unless[u];
		uint32_t before = uc->scope == FSIG_UNLESS_WITHIN && uc->direction <= 0 ? uc->within : 0;
		uint32_t after = uc->scope == FSIG_UNLESS_WITHIN && uc->direction >= 0 ? uc->within : 0;
		dynbuf_printf(out, "\t{%d, %s, %" PRIu32 ", %" PRIu32 ", %" PRIu32 "},\n", uc->pat->atom,
		              unless_scope(uc->scope), before, after, line_of(uc->loc));
	}
	dynbuf_adds(out, r->nunless ? "};\n" : "\t{0, FSIG_UNLESS_LOG, 0, 0, 0}\n};\n");

	for(size_t f = 0; f < r->nfilters; f++) {
		char name[64];
		snprintf(name, sizeof name, "r%zu_f%zu_values", i, f);
		gen_values(out, name, r->filters[f].values, r->filters[f].nvalues);
	}
	dynbuf_printf(out, "static const struct fsig_filter r%zu_filters[%zu] = {\n", i,
	              r->nfilters ? r->nfilters : 1);
	for(size_t f = 0; f < r->nfilters; f++) {
		const struct filter *fl = &r->filters[f];
		dynbuf_printf(out, "\t{%s, %s, r%zu_f%zu_values, %zu, %" PRIu32 "},\n",
		              field_enum(fl->field), fl->negate ? "true" : "false", i, f, fl->nvalues,
		              line_of(fl->loc));
	}
	dynbuf_adds(out, r->nfilters ? "};\n" : "\t{FSIG_FIELD_JOB, false, NULL, 0, 0}\n};\n");

	char name[64];
	snprintf(name, sizeof name, "r%zu_sections", i);
	gen_values(out, name, r->sections, r->nsections);
	snprintf(name, sizeof name, "r%zu_tickets", i);
	gen_values(out, name, r->tickets, r->ntickets);

	for(size_t e = 0; e < r->nexamples; e++) {
		const struct example *ex = &r->examples[e];
		dynbuf_printf(out, "static const struct fsig_kv r%zu_e%zu_job[%zu] = {", i, e,
		              ex->nwhere ? ex->nwhere : 1);
		for(size_t k = 0; k < ex->nwhere; k++) {
			dynbuf_printf(out, "%s{%s, ", k ? ", " : "", field_enum(ex->where[k].field));
			c_str(out, ex->where[k].value.text);
			dynbuf_adds(out, "}");
		}
		dynbuf_adds(out, ex->nwhere ? "};\n" : "{FSIG_FIELD_JOB, NULL}};\n");
	}
	dynbuf_printf(out, "static const struct fsig_example r%zu_examples[%zu] = {\n", i,
	              r->nexamples ? r->nexamples : 1);
	for(size_t e = 0; e < r->nexamples; e++) {
		const struct example *ex = &r->examples[e];
		char label[64];
		snprintf(label, sizeof label, "line %" PRIu32, line_of(ex->loc));
		dynbuf_printf(out, "\t{%s, ", ex->must_match ? "true" : "false");
		c_str(out, ex->is_file ? ex->value.text : label);
		dynbuf_adds(out, ",\n\t");
		c_string(out, ex->text ? ex->text : "", ex->text ? ex->len : 0);
		dynbuf_printf(out, ",\n\t%zu, r%zu_e%zu_job, %zu, %" PRIu32 "},\n",
		              ex->text ? ex->len : 0, i, e, ex->nwhere, line_of(ex->loc));
	}
	dynbuf_adds(out, r->nexamples ? "};\n\n"
	                              : "\t{false, NULL, NULL, 0, NULL, 0, 0}\n};\n\n");
}

static void gen_rules(const struct compilation *c, struct dynbuf *out)
{
	for(size_t i = 0; i < c->nrules; i++)
		gen_rule_data(c->rules[i], i, out);
	dynbuf_printf(out, "static const struct fsig_rule rules[%zu] = {\n",
	              c->nrules ? c->nrules : 1);
	for(size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = c->rules[i];
		dynbuf_adds(out, "\t{\n\t\t.id = ");
		c_str(out, r->id);
		dynbuf_adds(out, ",\n\t\t.title = ");
		c_str(out, r->title ? r->title : r->id);
		dynbuf_adds(out, ",\n\t\t.category = ");
		c_str(out, r->category);
		dynbuf_adds(out, ",\n\t\t.owner = ");
		c_str(out, r->owner);
		dynbuf_adds(out, ",\n\t\t.disabled = ");
		c_str(out, r->disabled);
		dynbuf_printf(out, ",\n\t\t.tickets = r%zu_tickets, .ntickets = %zu,\n", i, r->ntickets);
		dynbuf_printf(out, "\t\t.action = %s, .retry_max = %" PRIu32 ", .retry_after = %" PRIu32
		                   ",\n\t\t.file = ",
		              action_enum(r->action), r->retry_max, r->retry_after);
		c_str(out, r->id_loc.file->path);
		dynbuf_printf(out, ", .line = %" PRIu32 ",\n", line_of(r->id_loc));
		dynbuf_printf(out,
		              "\t\t.triggers = r%zu_triggers, .ntriggers = %zu,\n"
		              "\t\t.unless = r%zu_unless, .nunless = %zu,\n"
		              "\t\t.filters = r%zu_filters, .nfilters = %zu,\n"
		              "\t\t.sections = r%zu_sections, .nsections = %zu,\n"
		              "\t\t.examples = r%zu_examples, .nexamples = %zu,\n\t},\n",
		              i, r->ntriggers, i, r->nunless, i, r->nfilters, i, r->nsections, i,
		              r->nexamples);
	}
	if(!c->nrules)
		dynbuf_adds(out, "\t{.id = NULL}\n");
	dynbuf_adds(out, "};\n\n");
}

/* FNV-1a, 64 bits: small, stable, good enough to tell rule sets apart. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for(size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t fnv_u32(uint64_t h, uint32_t v)
{
	return fnv(h, &v, sizeof v);
}

void gen_ruleset_hash(const struct compilation *c, const struct atomset *atoms, char out[17])
{
	uint64_t h = 0xcbf29ce484222325u;
	for(size_t i = 0; i < atoms->n; i++)
		h = fnv_str(h, atoms->v[i].source);
	for(size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = c->rules[i];
		h = fnv_str(h, r->id);
		h = fnv_str(h, r->disabled);
		h = fnv_u32(h, r->action);
		h = fnv_u32(h, r->retry_max);
		h = fnv_u32(h, r->retry_after);
		for(size_t t = 0; t < r->ntriggers; t++) {
			h = fnv_u32(h, r->triggers[t].kind);
			h = fnv_u32(h, r->triggers[t].within);
			for(size_t k = 0; k < r->triggers[t].npats; k++)
				h = fnv_u32(h, (uint32_t)r->triggers[t].pats[k]->atom);
		}
		for(size_t u = 0; u < r->nunless; u++) {
			h = fnv_u32(h, (uint32_t)r->unless[u].pat->atom);
			h = fnv_u32(h, r->unless[u].scope);
			h = fnv_u32(h, r->unless[u].within);
			h = fnv_u32(h, (uint32_t)(r->unless[u].direction + 1));
		}
		for(size_t f = 0; f < r->nfilters; f++) {
			h = fnv_u32(h, r->filters[f].field);
			h = fnv_u32(h, r->filters[f].negate);
			for(size_t k = 0; k < r->filters[f].nvalues; k++)
				h = fnv_str(h, r->filters[f].values[k].text);
		}
		for(size_t s = 0; s < r->nsections; s++)
			h = fnv_str(h, r->sections[s].text);
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

bool gen_scanner(const struct compilation *c, const struct atomset *atoms, const char *origin,
                 struct dynbuf *out)
{
	char hash[17];
	gen_ruleset_hash(c, atoms, hash);
	dynbuf_adds(out, "/* Generated by failsigc from ");
	comment_text(out, origin);
	dynbuf_adds(out, ". Do not edit. */\n"
	                 "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
	                 "#include \"ruleset.h\"\n\n");
	gen_matchers(atoms, out);
	gen_prefilter(atoms, out);
	gen_rules(c, out);
	dynbuf_printf(out,
	              "const struct fsig_ruleset failsig_ruleset = {\n"
	              "\t.hash = \"%s\",\n"
	              "\t.atoms = atoms, .natoms = %zu,\n"
	              "\t.rules = rules, .nrules = %zu,\n"
	              "\t.prefilter = {\n"
	              "\t\t.step = %u,\n"
	              "\t\t.bits_log2 = %u, .bits = prefilter_bits,\n"
	              "\t\t.buckets_log2 = %u, .bucket_start = prefilter_bucket_start,\n"
	              "\t\t.grams = prefilter_grams,\n"
	              "\t\t.always = prefilter_always, .nalways = %zu,\n"
	              "\t},\n};\n",
	              hash, atoms->n, c->nrules, atoms->step, atoms->bits_log2, atoms->buckets_log2,
	              atoms->nalways);
	return out->len < out->cap;
}
