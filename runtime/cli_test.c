/* cli_test.c — `failsig test`: run every rule's examples.
 *
 * Each example is a small log scanned with its rule alone: `example` must
 * fire the rule, `example not` must not. Output is TAP on stdout; --junit
 * also writes a JUnit XML report (GitLab shows it in merge requests). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dynbuf.h"
#include "eval.h"
#include "scanlog.h"
#include "text.h"

static const char test_help[] =
	"usage: failsig test [--junit FILE] [RULE...]\n"
	"\n"
	"Run the examples of every rule (or of the named rules). An example is a\n"
	"small log scanned with its rule alone: `example` must fire the rule and\n"
	"`example not` must not. Prints TAP; --junit FILE also writes JUnit XML.\n"
	"exit status: 0 if every example passed, 1 if one failed, 2 on error\n";

struct outcome {
	const struct fsig_rule *rule;
	const struct fsig_example *ex;  /* NULL: the rule is disabled (skipped) */
	bool ok;
	char detail[256];
};

static void xml_escaped(FILE *f, const char *s)
{
	struct dynbuf b;
	dynbuf_init(&b, 1 << 20);
	const char *t = text_printable(&b, s, strlen(s));
	for(; *t; t++) {
		switch(*t) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*t, f);
		}
	}
	dynbuf_free(&b);
}

static int write_junit(const char *path, const struct outcome *o, size_t n, size_t failed)
{
	FILE *f = fopen(path, "w");
	if(!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites>\n<testsuite name=\"failsig examples\" tests=\"%zu\" failures=\"%zu\">\n",
	        n, failed);
	for(size_t i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"");
		xml_escaped(f, o[i].rule->id);
		fprintf(f, "\" name=\"");
		if(o[i].ex) {
			fprintf(f, "%s ", o[i].ex->must_match ? "example" : "example not");
			xml_escaped(f, o[i].ex->name);
		} else {
			fprintf(f, "disabled");
		}
		fprintf(f, "\" file=\"");
		xml_escaped(f, o[i].rule->file);
		fprintf(f, "\"");
		if(!o[i].ex) {
			fprintf(f, "><skipped message=\"");
			xml_escaped(f, o[i].rule->disabled);
			fprintf(f, "\"/></testcase>\n");
		} else if(o[i].ok) {
			fprintf(f, "/>\n");
		} else {
			fprintf(f, "><failure message=\"");
			xml_escaped(f, o[i].detail);
			fprintf(f, "\"/></testcase>\n");
		}
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return fclose(f) == 0 ? 0 : -1;
}

static bool wanted(const char *id, char **names, int nnames)
{
	if(nnames == 0)
		return true;
	for(int i = 0; i < nnames; i++) {
		if(strcmp(names[i], id) == 0)
			return true;
	}
	return false;
}

/* Run one example; fills o->ok and o->detail. */
static void run_example(const struct fsig_ruleset *rs, int rule_index, struct outcome *o)
{
	const struct fsig_example *ex = o->ex;
	struct fsig_job job;
	memset(&job, 0, sizeof job);
	const char *tags[16];
	if(ex->njob) {
		job.known = true;
		job.status = "failed";
		job.tags = tags;
		for(uint32_t k = 0; k < ex->njob; k++) {
			const char *v = ex->job[k].value;
			switch(ex->job[k].field) {
			case FSIG_FIELD_JOB: job.name = v; break;
			case FSIG_FIELD_STAGE: job.stage = v; break;
			case FSIG_FIELD_PROJECT: job.project = v; break;
			case FSIG_FIELD_RUNNER: job.runner = v; break;
			case FSIG_FIELD_TAG:
				if(job.ntags < 16)
					tags[job.ntags++] = v;
				break;
			case FSIG_FIELD_FAILURE_REASON: job.failure_reason = v; break;
			case FSIG_FIELD_STATUS: job.status = v; break;
			case FSIG_FIELD__COUNT: break;
			}
		}
	}
	struct eval *e;
	scanlog_mem(rs, ex->text, ex->len, ex->njob ? &job : NULL, EVAL_ASSUME_SECTIONS, rule_index,
	            &e, NULL);
	size_t n;
	const struct eval_result *res = eval_results(e, &n);
	const struct eval_result *r = &res[rule_index];
	bool fired = r->fired && r->status_ok;
	o->ok = fired == ex->must_match;
	if(o->ok)
		o->detail[0] = '\0';
	else if(ex->must_match)
		snprintf(o->detail, sizeof o->detail, "must fire the rule, but it did not%s",
		         r->nsuppressed ? " (a hit was suppressed by an unless clause)" : "");
	else if(r->nkept)
		snprintf(o->detail, sizeof o->detail, "must not fire the rule, but it fired at line %llu",
		         (unsigned long long)r->hits[0].line);
	else
		snprintf(o->detail, sizeof o->detail, "must not fire the rule, but it fired on job data");
	eval_free(e);
}

int cli_test(const struct fsig_ruleset *rs, int argc, char **argv)
{
	const char *junit = NULL;
	char **names = calloc((size_t)argc + 1, sizeof *names);
	int nnames = 0;
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(test_help, stdout);
			free(names);
			return 0;
		}
		if((v = cli_opt("test", argv, argc, &i, "--junit", &ok)) || !ok) {
			if(!ok) {
				free(names);
				return EXIT_ERROR;
			}
			junit = v;
		} else if(argv[i][0] == '-') {
			free(names);
			return cli_usage_error("test", "unknown option '%s'", argv[i]);
		} else {
			names[nnames++] = argv[i];
		}
	}
	for(int i = 0; i < nnames; i++) {
		bool found = false;
		for(uint32_t r = 0; r < rs->nrules; r++)
			found = found || strcmp(rs->rules[r].id, names[i]) == 0;
		if(!found) {
			fprintf(stderr, "failsig test: no rule '%s' in this rule set\n", names[i]);
			free(names);
			return EXIT_ERROR;
		}
	}

	size_t total = 0;
	for(uint32_t r = 0; r < rs->nrules; r++)
		total += rs->rules[r].nexamples + 1;
	struct outcome *o = calloc(total ? total : 1, sizeof *o);
	size_t n = 0, failed = 0, skipped = 0;
	for(uint32_t r = 0; r < rs->nrules; r++) {
		const struct fsig_rule *rule = &rs->rules[r];
		if(!wanted(rule->id, names, nnames))
			continue;
		if(rule->disabled) {
			o[n].rule = rule;
			o[n].ok = true;
			n++;
			skipped++;
			continue;
		}
		for(uint32_t k = 0; k < rule->nexamples; k++) {
			o[n].rule = rule;
			o[n].ex = &rule->examples[k];
			run_example(rs, (int)r, &o[n]);
			failed += !o[n].ok;
			n++;
		}
	}
	printf("1..%zu\n", n);
	for(size_t i = 0; i < n; i++) {
		if(!o[i].ex) {
			printf("ok %zu - %s # SKIP disabled: %s\n", i + 1, o[i].rule->id, o[i].rule->disabled);
			continue;
		}
		printf("%s %zu - %s: %s %s (%s:%u)\n", o[i].ok ? "ok" : "not ok", i + 1, o[i].rule->id,
		       o[i].ex->must_match ? "example" : "example not", o[i].ex->name, o[i].rule->file,
		       o[i].ex->line);
		if(!o[i].ok)
			printf("# %s\n", o[i].detail);
	}
	printf("# %zu example%s, %zu passed, %zu failed, %zu rule%s skipped\n", n - skipped,
	       n - skipped == 1 ? "" : "s", n - skipped - failed, failed, skipped,
	       skipped == 1 ? "" : "s");
	int rc = failed ? 1 : 0;
	if(junit && write_junit(junit, o, n, failed) != 0)
		rc = EXIT_ERROR;
	free(o);
	free(names);
	return rc;
}
