-- hostile.sql — rows a dashboard must show escaped, and a retry that
-- passed, added by tests/dashboard.sh to the database of tests/lib/history.sh.
--
-- Job 9001 failed, no rule matched it: it heads the unmatched list with its
-- last log line. Job 9002 failed and a rule with markup in its id matched
-- it. Neither can come from GitLab as such (names and rule ids are
-- validated upstream); the dashboard must not rely on that.
INSERT INTO jobs(id, project_id, project, name, stage, status, failure_reason, runner_id,
                 runner, runner_tags, pipeline_id, ref, mr_iid, created_at, started_at,
                 finished_at, duration, web_url, trace_bytes, trace_truncated, ruleset, scanned_at)
VALUES (9001, 1, 'ghc/ghc', '<script>alert(1)</script>', 'test', 'failed', 'script_failure', 7,
        '<img src=x onerror=alert(2)>', '["<svg onload=alert(5)>"]', 1, 'main', 0,
        '2026-11-19T12:30:00.000Z', '2026-11-19T12:31:00.000Z', '2026-11-19T13:00:00.000Z', 60,
        'javascript:alert(3)', 100, 0, 'test', 1795852000),
       (9002, 1, 'ghc/ghc', 'xss-rule-job', 'test', 'failed', 'script_failure', 7,
        'ci-runner-x86-2', '["x86_64-linux"]', 1, 'main', 0,
        '2026-11-19T12:30:00.000Z', '2026-11-19T12:31:00.000Z', '2026-11-19T13:00:00.000Z', 60,
        'https://gitlab.example.org/ghc/ghc/-/jobs/9002" onmouseover="alert(6)', 100, 0, 'test',
        1795852000);
INSERT INTO log_lines(job_id, line, section, text)
VALUES (9001, 1, NULL, 'Running with gitlab-runner'),
       (9001, 2, NULL, '<script>alert(1)</script> & "quoted" xsscanary'),
       (9002, 1, NULL, 'ok'),
       (9002, 2, NULL, 'boom <script>alert(7)</script>');
-- log_fts indexes log_lines (external content): index the new rows too.
INSERT INTO log_fts(rowid, text) SELECT id, text FROM log_lines WHERE job_id IN (9001, 9002);
INSERT INTO matches(job_id, rule, ruleset, action, job_status, status_ok, first_line, hits,
                    excerpt, matched_at)
VALUES (9002, 'x"><script>alert(4)</script>', 'test', 'record', 'failed', 1, 2, 1,
        'boom <script>alert(7)</script>', 1795852000);

-- GitLab retried job 5003 as 5008, which passed.
UPDATE retries SET state = 2, new_job_id = 5008, done_at = created_at + 5 WHERE job_id = 5003;
