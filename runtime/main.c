/* main.c — failsig, the generated matcher binary: dispatch to subcommands.
 *
 * The rule set is compiled in (failsig_ruleset, from the generated scanner);
 * `failsig rules` shows which. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stdout_check.h"

static const char usage_text[] =
	"usage: failsig COMMAND [options] [ARGS]\n"
	"\n"
	"Finds spurious CI failures in GitLab job logs with a compiled rule set.\n"
	"\n"
	"commands:\n"
	"  scan [--job JOB.json] [--format text|json] LOG...|-\n"
	"        which rules fire on each log, with their hit lines\n"
	"  explain [--job JOB.json] LOG|-\n"
	"        every hit with context lines, and the hits `unless` suppressed\n"
	"  test [--junit FILE] [RULE...]\n"
	"        run the examples of every rule (or the named ones); TAP on stdout\n"
	"  rules [--format text|json]\n"
	"        the compiled rule set: id, action, title, ticket, rule-set hash\n"
	"  serve [--listen ADDR:PORT] [--db PATH] [--dry-run] ...\n"
	"        the GitLab Job Hook service: scan finished jobs, record, retry\n"
	"  dashboard [--db PATH] [--listen ADDR:PORT]\n"
	"        the dashboard of a database alone, read-only (serve has it too)\n"
	"  fetch --project ID [--since DATE] [--until DATE] [--db PATH] ...\n"
	"        backfill: fetch, scan and record the past jobs of projects (no retries)\n"
	"  backtest [--db DB] [--format text|markdown|json] [RULE...]\n"
	"        rescan stored logs with this rule set: newly and no longer matched\n"
	"        jobs, hits in successful jobs\n"
	"  search QUERY [--regex] [--count-by DIM] [--context N] [--db PATH] ...\n"
	"        which stored job logs contain this text (full-text query or regex)\n"
	"  stats [RULE...] [--since DATE] [--by DIM] [--format text|json|csv]\n"
	"        per rule: jobs matched, first and last seen, retries and their outcome\n"
	"  report RULE [--format markdown|text]\n"
	"        a paste-ready issue body: patterns, how often, where, example jobs\n"
	"  unmatched [--since DATE] [--draft JOB] ...\n"
	"        failed jobs no rule explains, grouped by their last error line\n"
	"\n"
	"Logs are read as a stream in constant memory, as GitLab displays them: ANSI\n"
	"escapes removed, carriage returns applied, section markers tracked; '-' or no\n"
	"LOG reads stdin. --job takes GitLab's job JSON (GET /projects/:id/jobs/:id or a\n"
	"Job Hook body) so that job, runner, tag and failure_reason filters apply.\n"
	"\n"
	"exit status: scan/explain 0 if a rule fired, 1 if none, 2 on error;\n"
	"             test 0 if every example passed, 1 if one failed, 2 on error;\n"
	"             search 0 if a job matched, 1 if none, 2 on error\n"
	"\n"
	"environment: GITLAB_URL, GITLAB_TOKEN (serve, fetch, retries);\n"
	"             FAILSIG_WEBHOOK_SECRET (serve: the webhook's secret token);\n"
	"             FAILSIG_NO_AVX512=1 scans with the scalar probe loops even on a\n"
	"             CPU with AVX-512 (same results; docs/performance.md)\n"
	"\n"
	"Run `failsig COMMAND --help` for a command's options. Rules are written in the\n"
	"language of docs/language.md and compiled with `failsigc build`.\n";

static const struct command {
	const char *name;
	int (*run)(const struct fsig_ruleset *rs, int argc, char **argv);
} commands[] = {
	{"scan", cli_scan},
	{"explain", cli_explain},
	{"test", cli_test},
	{"rules", cli_rules},
	{"serve", cli_serve},
	{"dashboard", cli_dashboard},
	{"fetch", cli_fetch},
	{"backtest", cli_backtest},
	{"search", cli_search},
	{"stats", cli_stats},
	{"report", cli_report},
	{"unmatched", cli_unmatched},
};

/* "failsig CMD", as messages name the command. */
static bool output_written(const char *cmd)
{
	char who[64];
	snprintf(who, sizeof who, "failsig %s", cmd);
	return stdout_written(who);
}

int main(int argc, char **argv)
{
	if(argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	   strcmp(argv[1], "help") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 || !output_written("--help") ? EXIT_ERROR : 0;
	}
	for(size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if(strcmp(argv[1], commands[i].name) != 0)
			continue;
		int rc = commands[i].run(&failsig_ruleset, argc - 1, argv + 1);
		return output_written(argv[1]) ? rc : EXIT_ERROR;
	}
	fprintf(stderr, "failsig: unknown command '%s'\nTry 'failsig --help'.\n", argv[1]);
	return EXIT_ERROR;
}
