/* cli_dashboard.c — `failsig dashboard`: the dashboard alone, read-only,
 * over a database `failsig serve` wrote (httpd.c + dashboard.c). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dashboard.h"
#include "httpd.h"
#include "svclog.h"

static const char dashboard_help[] =
	"usage: failsig dashboard [--db PATH] [--listen ADDR:PORT] [--port-file FILE]\n"
	"\n"
	"Serves the dashboard of a failsig database, read-only: matches per day and\n"
	"rule, top jobs, runners and projects, retry outcomes and decisions, failed jobs\n"
	"no rule matched, and full-text search of the stored logs. `failsig serve`\n"
	"serves the same pages beside its webhook; this command serves them alone and\n"
	"accepts no webhook (POST /hooks/gitlab answers 404).\n"
	"\n"
	"  GET /               overview (?days=N, default 30, ending on the newest job)\n"
	"  GET /rule/ID        one rule     GET /job/ID    one job\n"
	"  GET /search?q=...   search the stored log lines (FTS5 syntax)\n"
	"  GET /api/...        the same data as JSON (GET /api lists the endpoints)\n"
	"  GET /healthz        200 while the database answers\n"
	"\n"
	"options:\n"
	"  --db PATH           the database of failsig serve (default failsig.db)\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0: any free)\n"
	"  --port-file FILE    write the port listened on to FILE once ready\n"
	"\n"
	"There is no login: listen on a loopback address, or put a reverse proxy with\n"
	"authentication in front (docs/dashboard.md). SIGTERM or SIGINT stops it.\n";

int cli_dashboard(const struct fsig_ruleset *rs, int argc, char **argv)
{
	const char *cmd = "dashboard";
	const char *db = "failsig.db";
	const char *listen = "127.0.0.1:8080";
	const char *port_file = NULL;
	for(int i = 1; i < argc; i++) {
		const char *v;
		int ok;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(dashboard_help, stdout);
			return 0;
		} else if((v = cli_opt(cmd, argv, argc, &i, "--db", &ok))) {
			db = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--listen", &ok))) {
			listen = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--port-file", &ok))) {
			port_file = v;
		} else if(!ok) {
			return EXIT_ERROR;
		} else {
			return cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
		}
	}

	/* Signals are taken by sigwait below: block them before httpd starts
	 * its threads, which inherit the mask. */
	sigset_t sigs;
	cli_block_signals(&sigs, 0);

	char err[512];
	struct dashboard *d = dashboard_new(db, rs);
	struct httpd *h = NULL;
	if(dashboard_check(d, err, sizeof err) == 0) {
		struct httpd_config hc = {
			.listen = listen,
			.no_hooks = true,
			.page = dashboard_page,
			.page_cls = d,
		};
		h = httpd_start(&hc, err, sizeof err);
	}
	int rc = 0;
	if(!h) {
		fprintf(stderr, "failsig dashboard: %s\n", err);
		rc = EXIT_ERROR;
	} else {
		svc_log("dashboard of %s listening on %s (port %u)", db, listen, httpd_port(h));
		if(port_file && cli_write_port_file(cmd, port_file, httpd_port(h)) < 0)
			rc = EXIT_ERROR;
		int sig = 0;
		if(rc == 0)
			sigwait(&sigs, &sig);
	}
	httpd_stop(h);
	dashboard_free(d);
	return rc;
}
