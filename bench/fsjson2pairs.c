/* fsjson2pairs.c — failsig's `scan --format json` output as (line, rule)
 * pairs (bench/), for the cross-check against the other engines.
 *
 *   fsjson2pairs JSON PAIRS CAPS
 *
 * PAIRS gets "LINE<TAB>RULE" for every hit failsig kept; CAPS gets
 * "RULE<TAB>NHITS<TAB>KEPT" for every rule with more hits than it kept
 * (failsig keeps the first 100 hits of a rule), so the comparison can check
 * that rule by its count instead. Uses jansson, which failsig links anyway. */
#include <jansson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if(argc != 4) {
		fprintf(stderr, "usage: fsjson2pairs JSON PAIRS CAPS\n");
		return 2;
	}
	json_error_t err;
	json_t *root = json_load_file(argv[1], 0, &err);
	if(!root) {
		fprintf(stderr, "fsjson2pairs: %s:%d: %s\n", argv[1], err.line, err.text);
		return 2;
	}
	FILE *pairs = fopen(argv[2], "w"), *caps = fopen(argv[3], "w");
	if(!pairs || !caps) {
		perror("fsjson2pairs");
		return 2;
	}
	json_t *fired = json_object_get(root, "fired");
	size_t i;
	json_t *rule;
	json_array_foreach(fired, i, rule) {
		const char *id = json_string_value(json_object_get(rule, "id"));
		json_t *hits = json_object_get(rule, "hits");
		json_int_t nhits = json_integer_value(json_object_get(rule, "nhits"));
		size_t j;
		json_t *hit;
		json_array_foreach(hits, j, hit)
			fprintf(pairs, "%lld\t%s\n", (long long)json_integer_value(json_object_get(hit, "line")), id);
		if((size_t)nhits > json_array_size(hits))
			fprintf(caps, "%s\t%lld\t%zu\n", id, (long long)nhits, json_array_size(hits));
	}
	json_decref(root);
	if(fclose(pairs) || fclose(caps)) {
		perror("fsjson2pairs");
		return 2;
	}
	return 0;
}
