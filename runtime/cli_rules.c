/* cli_rules.c — `failsig rules`: the compiled rule set. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char rules_help[] =
	"usage: failsig rules [--format text|json]\n"
	"\n"
	"List the rule set compiled into this binary: id, action, title, ticket,\n"
	"and the rule-set hash recorded with every match.\n";

static void action_text(const struct fsig_rule *r, char *buf, size_t n)
{
	if(r->disabled) {
		snprintf(buf, n, "disabled");
	} else if(r->action != FSIG_ACT_RETRY) {
		snprintf(buf, n, "%s", fsig_action_name(r->action));
	} else if(r->retry_after) {
		snprintf(buf, n, "retry max %u after %us", r->retry_max, r->retry_after);
	} else {
		snprintf(buf, n, "retry max %u", r->retry_max);
	}
}

int cli_rules(const struct fsig_ruleset *rs, int argc, char **argv)
{
	bool json = false;
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(rules_help, stdout);
			return 0;
		}
		if((v = cli_opt("rules", argv, argc, &i, "--format", &ok)) || !ok) {
			if(!ok)
				return EXIT_ERROR;
			if(strcmp(v, "json") == 0)
				json = true;
			else if(strcmp(v, "text") != 0)
				return cli_usage_error("rules", "unknown format '%s': use text or json", v);
		} else {
			return cli_usage_error("rules", "unexpected argument '%s'", argv[i]);
		}
	}
	if(json) {
		json_t *arr = json_array();
		for(uint32_t i = 0; i < rs->nrules; i++) {
			const struct fsig_rule *r = &rs->rules[i];
			json_t *tickets = json_array();
			for(uint32_t t = 0; t < r->ntickets; t++)
				json_array_append_new(tickets, json_string(r->tickets[t]));
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(r->id));
			json_object_set_new(o, "title", json_string(r->title));
			json_object_set_new(o, "action", json_string(fsig_action_name(r->action)));
			json_object_set_new(o, "retry_max", json_integer(r->retry_max));
			json_object_set_new(o, "retry_after", json_integer(r->retry_after));
			json_object_set_new(o, "ticket", r->ntickets ? json_string(r->tickets[0]) : json_null());
			json_object_set_new(o, "tickets", tickets);
			json_object_set_new(o, "category", r->category ? json_string(r->category) : json_null());
			json_object_set_new(o, "owner", r->owner ? json_string(r->owner) : json_null());
			json_object_set_new(o, "disabled", r->disabled ? json_string(r->disabled) : json_null());
			json_object_set_new(o, "file", json_string(r->file));
			json_object_set_new(o, "line", json_integer(r->line));
			json_array_append_new(arr, o);
		}
		json_t *root = json_object();
		json_object_set_new(root, "ruleset", json_string(rs->hash));
		json_object_set_new(root, "rules", arr);
		char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(root);
		return 0;
	}
	printf("%-28s %-24s %s\n", "ID", "ACTION", "TITLE / TICKET");
	for(uint32_t i = 0; i < rs->nrules; i++) {
		const struct fsig_rule *r = &rs->rules[i];
		char action[64];
		action_text(r, action, sizeof action);
		printf("%-28s %-24s %s\n", r->id, action, r->title);
		for(uint32_t t = 0; t < r->ntickets; t++)
			printf("%-28s %-24s %s\n", "", "", r->tickets[t]);
	}
	printf("rule set %s: %u rules, %u atoms\n", rs->hash, rs->nrules, rs->natoms);
	return 0;
}
