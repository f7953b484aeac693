# fixtures.sh — sourced by test scripts: GitLab job documents and Job Hook
# events from the templates in tests/fixtures/service/.
#
#   job_json ID STATUS [NAME [REASON [REF [RUNNER [TAGS [FINISHED [PROJECT]]]]]]]
#   event_json ID STATUS [NAME [REASON [REF]]]
#
# TAGS is the inside of a JSON array ('"x86_64-linux","docker"'); FINISHED an
# ISO time; PROJECT a path_with_namespace. Both print to stdout.
# The sourcing script sets $top to the project's top directory.
fixtures_dir=$top/tests/fixtures/service

job_json() {
	sed -e "s/@JOB@/$1/g" -e "s/@STATUS@/$2/g" -e "s/@NAME@/${3:-test-x86_64}/g" \
		-e "s/@REASON@/${4:-script_failure}/g" -e "s|@REF@|${5:-main}|g" \
		-e "s/@RUNNER@/${6:-ci-runner-x86-7}/g" -e "s/@TAGS@/${7:-\"x86_64-linux\",\"docker\"}/g" \
		-e "s/@FINISHED@/${8:-2026-11-20T17:30:53.227Z}/g" -e "s|@PROJECT@|${9:-example/project}|g" \
		"$fixtures_dir/job.json.in"
}

event_json() {
	sed -e "s/@JOB@/$1/g" -e "s/@STATUS@/$2/g" -e "s/@NAME@/${3:-test-x86_64}/g" \
		-e "s/@REASON@/${4:-script_failure}/g" -e "s|@REF@|${5:-main}|g" \
		"$fixtures_dir/event.json.in"
}
