/* loadgen.c — a sustained stream of GitLab Job Hook deliveries, for
 * bench/load.sh (a measurement, not a test).
 *
 *   loadgen URL SECRET FIRST_JOB NJOBS THREADS SECONDS
 *
 * THREADS threads POST Job Hook events for jobs FIRST_JOB.. (cycling
 * through NJOBS ids, each delivery a new job id until they run out) for
 * SECONDS, each over one kept-alive connection, and print: deliveries,
 * accepted (HTTP 200), other answers, events/s, and p50/p99/max time to
 * answer in milliseconds. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *url, *secret;
static long long first_job, njobs;
static double seconds;
static atomic_llong next_job, sent, accepted, other;

enum { MAX_SAMPLES = 1 << 20 };
static double samples[MAX_SAMPLES];
static atomic_long nsamples;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static void *run(void *arg)
{
	(void)arg;
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char tok[512];
	snprintf(tok, sizeof tok, "X-Gitlab-Token: %s", secret);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "X-Gitlab-Event: Job Hook");
	hdrs = curl_slist_append(hdrs, tok);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	double end = now() + seconds;
	char body[512];
	while(now() < end) {
		long long j = first_job + atomic_fetch_add(&next_job, 1) % njobs;
		snprintf(body, sizeof body,
		         "{\"object_kind\":\"build\",\"build_id\":%lld,\"project_id\":1,"
		         "\"build_status\":\"failed\",\"build_name\":\"load\"}", j);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		double t0 = now();
		CURLcode rc = curl_easy_perform(h);
		double ms = (now() - t0) * 1e3;
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		atomic_fetch_add(&sent, 1);
		if(rc == CURLE_OK && status == 200)
			atomic_fetch_add(&accepted, 1);
		else
			atomic_fetch_add(&other, 1);
		long k = atomic_fetch_add(&nsamples, 1);
		if(k < MAX_SAMPLES)
			samples[k] = ms;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if(argc != 7) {
		fprintf(stderr, "usage: loadgen URL SECRET FIRST_JOB NJOBS THREADS SECONDS\n");
		return 2;
	}
	url = argv[1];
	secret = argv[2];
	first_job = atoll(argv[3]);
	njobs = atoll(argv[4]);
	int threads = atoi(argv[5]);
	seconds = atof(argv[6]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	double t0 = now();
	for(int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, run, NULL);
	for(int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double took = now() - t0;
	long n = nsamples < MAX_SAMPLES ? nsamples : MAX_SAMPLES;
	qsort(samples, (size_t)n, sizeof *samples, cmp);
	printf("deliveries %lld  accepted %lld  other %lld  %.0f events/s  "
	       "answer p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
	       (long long)sent, (long long)accepted, (long long)other, (double)sent / took,
	       n ? samples[n / 2] : 0, n ? samples[n * 99 / 100] : 0, n ? samples[n - 1] : 0);
	free(t);
	curl_global_cleanup();
	return other ? 1 : 0;
}
