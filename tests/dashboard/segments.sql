-- segments.sql — what the overview chart must draw for ?days=30, computed
-- from the database independently of the dashboard's code: one bar segment
-- per (day, series) with a failed job matched, where the series are the
-- nine rules with most such jobs (ties by id) and "other rules", or every
-- rule when there are at most ten. Prints: segments, then legend entries.
WITH last AS (SELECT date(max(finished_at)) AS d FROM jobs),
hits AS (SELECT substr(j.finished_at, 1, 10) AS day, m.rule AS rule
         FROM matches m JOIN jobs j ON j.id = m.job_id, last
         WHERE j.status = 'failed' AND j.finished_at >= date(last.d, '-29 days')
           AND j.finished_at < date(last.d, '+1 day')),
totals AS (SELECT rule, count(*) AS n FROM hits GROUP BY rule),
ranked AS (SELECT rule, row_number() OVER (ORDER BY n DESC, rule) AS rank FROM totals),
series AS (SELECT rule, CASE WHEN (SELECT count(*) FROM totals) <= 10 OR rank <= 9
                             THEN rule ELSE '' END AS s FROM ranked)
SELECT (SELECT count(*) FROM (SELECT DISTINCT day, s FROM hits JOIN series USING (rule))),
       (SELECT count(DISTINCT s) FROM series);
