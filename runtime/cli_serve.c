/* cli_serve.c — `failsig serve`: the webhook service (httpd.c + service.c). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "dashboard.h"
#include "httpd.h"
#include "metrics.h"
#include "service.h"
#include "store.h"
#include "svclog.h"

static const char serve_help[] =
	"usage: failsig serve [options]\n"
	"\n"
	"Receives GitLab Job Hook events, scans the traces of finished jobs with the\n"
	"compiled rule set, records every match in sqlite and retries failed jobs whose\n"
	"matching rules say `retry`, through the GitLab API.\n"
	"\n"
	"  POST /hooks/gitlab   the Job Hook endpoint (X-Gitlab-Token checked)\n"
	"  GET  /healthz        200 while the database answers\n"
	"  GET  /metrics        Prometheus metrics\n"
	"  GET  /, /api/...     the dashboard and its JSON API (docs/dashboard.md)\n"
	"\n"
	"environment:\n"
	"  GITLAB_URL              GitLab base URL (or --gitlab-url)\n"
	"  GITLAB_TOKEN            API token with the `api` scope (retries need Developer)\n"
	"  FAILSIG_WEBHOOK_SECRET  the webhook's secret token (required unless --no-secret)\n"
	"\n"
	"options:\n"
	"  --listen ADDR:PORT     where to listen (default 127.0.0.1:8080; port 0: any free)\n"
	"  --db PATH              sqlite database (default failsig.db)\n"
	"  --gitlab-url URL       GitLab base URL, e.g. https://gitlab.example.com\n"
	"  --workers N            worker threads (default 4)\n"
	"  --dry-run              record matches and decisions, never retry\n"
	"  --lineage-cap N        retries per job lineage, all rules together (default 3)\n"
	"  --breaker N/DURATION   stop retrying a rule that asked for N retries within\n"
	"                         DURATION (default 20/1h; 0 turns the breaker off)\n"
	"  --max-trace SIZE       bytes of a trace scanned, e.g. 100M (default 200M)\n"
	"  --max-body SIZE        largest webhook body accepted (default 1M)\n"
	"  --max-attempts N       GitLab failures before an event or retry is given up (default 12)\n"
	"  --backoff MIN/MAX      wait after a GitLab failure, doubling from MIN up to MAX,\n"
	"                         with jitter; Retry-After wins (default 2s/10m)\n"
	"  --timeout DURATION     GitLab request timeout (default 60s; traces 10 times that)\n"
	"  --spool DIR            where traces are downloaded while scanned (default $TMPDIR)\n"
	"  --mr-notes             note on the merge request which jobs were retried and why\n"
	"  --no-store-logs        do not keep traces (they feed search, backtest, reports)\n"
	"  --retention DURATION   how long stored traces are kept (default 30d; 0: forever)\n"
	"  --no-secret            accept events without X-Gitlab-Token (tests, trusted networks)\n"
	"  --port-file FILE       write the port listened on to FILE once ready\n"
	"\n"
	"SIGTERM or SIGINT: stop taking events, finish the work in progress, exit 0.\n"
	"Events are queued in the database before they are answered: nothing is lost\n"
	"when the process is killed; it resumes on the next start. docs/operations.md\n"
	"tells how to run it behind a reverse proxy and what each metric means.\n";

struct serve_args {
	const char *listen, *db, *port_file;
	const char *secret;
	bool no_secret;
	struct service_config svc;
	size_t max_body;
};

static int parse_args(int argc, char **argv, struct serve_args *a)
{
	const char *cmd = "serve";
	for(int i = 1; i < argc; i++) {
		const char *v;
		int ok;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(serve_help, stdout);
			exit(0);
		} else if(strcmp(argv[i], "--dry-run") == 0) {
			a->svc.policy.dry_run = true;
		} else if(strcmp(argv[i], "--mr-notes") == 0) {
			a->svc.mr_notes = true;
		} else if(strcmp(argv[i], "--no-store-logs") == 0) {
			a->svc.store_logs = false;
		} else if(strcmp(argv[i], "--no-secret") == 0) {
			a->no_secret = true;
		} else if((v = cli_opt(cmd, argv, argc, &i, "--listen", &ok))) {
			a->listen = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--db", &ok))) {
			a->db = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--port-file", &ok))) {
			a->port_file = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--gitlab-url", &ok))) {
			a->svc.gitlab.url = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--spool", &ok))) {
			a->svc.spool_dir = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--workers", &ok))) {
			long n = cli_count(v, 1, 64);
			if(n < 0)
				return cli_usage_error(cmd, "--workers takes 1 to 64, not '%s'", v);
			a->svc.workers = (unsigned)n;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--lineage-cap", &ok))) {
			long n = cli_count(v, 0, 1000);
			if(n < 0)
				return cli_usage_error(cmd, "--lineage-cap takes 0 to 1000, not '%s'", v);
			a->svc.policy.lineage_cap = (unsigned)n;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-attempts", &ok))) {
			long n = cli_count(v, 1, 1000);
			if(n < 0)
				return cli_usage_error(cmd, "--max-attempts takes 1 to 1000, not '%s'", v);
			a->svc.max_attempts = (unsigned)n;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--breaker", &ok))) {
			long long n, w;
			if(cli_pair(v, &n, &w, true) < 0 || (n > 0 && w == 0))
				return cli_usage_error(cmd, "--breaker takes N/DURATION (e.g. 20/1h) or 0, not '%s'", v);
			a->svc.policy.breaker_max = (unsigned)n;
			a->svc.policy.breaker_window = (unsigned)w;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--backoff", &ok))) {
			long long lo, hi;
			if(cli_pair(v, &lo, &hi, false) < 0 || lo == 0 || hi < lo)
				return cli_usage_error(cmd, "--backoff takes MIN/MAX durations (e.g. 2s/10m), not '%s'", v);
			a->svc.backoff_base = (double)lo;
			a->svc.backoff_max = (double)hi;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--timeout", &ok))) {
			long long t = cli_duration(v);
			if(t <= 0 || t > 86400)
				return cli_usage_error(cmd, "--timeout takes a duration (e.g. 60s), not '%s'", v);
			a->svc.gitlab.timeout_ms = (long)t * 1000;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--retention", &ok))) {
			if((a->svc.retention = cli_duration(v)) < 0)
				return cli_usage_error(cmd, "--retention takes a duration (e.g. 30d) or 0, not '%s'", v);
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-trace", &ok))) {
			if(!(a->svc.max_trace = cli_size(v)))
				return cli_usage_error(cmd, "--max-trace takes a size (e.g. 100M), not '%s'", v);
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-body", &ok))) {
			if(!(a->max_body = cli_size(v)))
				return cli_usage_error(cmd, "--max-body takes a size (e.g. 1M), not '%s'", v);
		} else if(!ok) {
			return EXIT_ERROR;
		} else {
			return cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
		}
	}
	return 0;
}

int cli_serve(const struct fsig_ruleset *rs, int argc, char **argv)
{
	const char *tmpdir = getenv("TMPDIR");
	struct serve_args a = {
		.listen = "127.0.0.1:8080",
		.db = "failsig.db",
		.max_body = 1 << 20,
		.svc = {
			.gitlab = { .url = getenv("GITLAB_URL"), .token = getenv("GITLAB_TOKEN") },
			.policy = { .lineage_cap = 3, .breaker_max = 20, .breaker_window = 3600 },
			.workers = 4,
			.max_trace = 200ULL << 20,
			.max_attempts = 12,
			.backoff_base = 2,
			.backoff_max = 600,
			.spool_dir = tmpdir && *tmpdir ? tmpdir : "/tmp",
			.store_logs = true,
			.retention = 30 * 86400,
		},
	};
	int rc = parse_args(argc, argv, &a);
	if(rc)
		return rc;
	a.secret = getenv("FAILSIG_WEBHOOK_SECRET");
	if(a.secret && !*a.secret)
		a.secret = NULL;
	if(!a.secret && !a.no_secret)
		return cli_usage_error("serve", "set FAILSIG_WEBHOOK_SECRET to the webhook's secret "
		                       "token (or pass --no-secret on a trusted network)");
	if(!a.svc.gitlab.url || !*a.svc.gitlab.url)
		return cli_usage_error("serve", "set GITLAB_URL or --gitlab-url to the GitLab base URL");
	if(!a.svc.gitlab.token || !*a.svc.gitlab.token)
		svc_log("warning: GITLAB_TOKEN is not set: private projects will answer 404, "
		        "retries 401");
	a.svc.db_path = a.db;

	/* Signals are taken by sigwait below, in this thread only: block them
	 * before any thread starts so that every thread inherits the mask. */
	sigset_t sigs;
	cli_block_signals(&sigs, 0);
	/* Every connection is a file descriptor: allow as many as the system
	 * lets this process have, not the shell's default of 1024. */
	struct rlimit rl;
	if(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	char err[512];
	if(gitlab_global_init(err, sizeof err) < 0) {
		fprintf(stderr, "failsig serve: %s\n", err);
		return EXIT_ERROR;
	}
	metrics_init(rs);
	struct store *web = store_open(a.db, err, sizeof err);
	struct service *svc = web ? service_start(rs, &a.svc, err, sizeof err) : NULL;
	struct httpd *h = NULL;
	struct dashboard *dash = dashboard_new(a.db, rs);
	if(svc) {
		struct httpd_config hc = {
			.listen = a.listen, .secret = a.secret, .max_body = a.max_body,
			.store = web, .queued = service_wake, .cls = svc,
			.page = dashboard_page, .page_cls = dash,
		};
		h = httpd_start(&hc, err, sizeof err);
	}
	rc = 0;
	if(!h) {
		fprintf(stderr, "failsig serve: %s\n", err);
		rc = EXIT_ERROR;
	} else {
		svc_log("listening on %s (port %u), %u workers, database %s, rule set %s (%u rules)%s",
		        a.listen, httpd_port(h), a.svc.workers, a.db, rs->hash, rs->nrules,
		        a.svc.policy.dry_run ? ", dry run" : "");
		if(a.port_file && cli_write_port_file("serve", a.port_file, httpd_port(h)) < 0)
			rc = EXIT_ERROR;
		int sig = 0;
		if(rc == 0)
			sigwait(&sigs, &sig);
		svc_log("%s: finishing the work in progress", sig == SIGINT ? "SIGINT" : "SIGTERM");
	}
	httpd_stop(h);
	dashboard_free(dash);
	service_stop(svc);
	store_close(web);
	metrics_free();
	gitlab_global_cleanup();
	if(h)
		svc_log("stopped");
	return rc;
}
