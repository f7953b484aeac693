/* genrules.c — deterministic synthetic rule sets for bench/.
 *
 *   genrules N SEED OUT.rules TRIGGERS [SLOW.rules]
 *
 * Writes N failsig rules s0000..s(N-1) to OUT.rules and, to TRIGGERS, one
 * line per rule that fires it ("INDEX<TAB>TEXT", planted into the logs by
 * genlog). Rule i depends only on (SEED, i), so the 200-rule set is the first
 * 200 rules of the 1000-rule set and one log serves both.
 *
 * The rules mix what real signatures look like: literal strings, digit and
 * letter classes, alternations (inside a pattern and at its top level),
 * `.*` between two phrases, bounded repetitions, a few `^` anchors and
 * case-insensitive patterns. Phrases combine words that are everywhere in
 * CI logs (error, failed, module, ...) with rarer ones (lease, shard,
 * ...), so the prefilter meets both rare and common grams. Every one of
 * these rules has a literal of at least 4 bytes, as failsigc asks.
 *
 * With SLOW.rules, five more rules slow0..slow4 that have no 4-byte literal
 * (failsigc warns -Wslow-pattern: their matchers run on every line) go
 * there, and their trigger lines (INDEX N..N+4) to TRIGGERS as well.
 * bench/run.sh measures them added to the 200-rule set, to show the slow
 * path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
	return (unsigned)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

#define PICK(a) ((a)[rn(ARRAY_LEN(a))])

static const char *const common[] = {
	"error", "failed", "cannot", "module", "package", "library", "build", "test", "file",
	"directory", "compiler", "linker", "object", "stage", "interface", "symbol", "process",
	"command", "output", "install", "dependency", "version", "configure", "found", "missing",
	"unexpected", "invalid", "while", "loading", "writing", "reading", "from", "into", "with",
	"for", "the", "not", "could", "unable to", "runner", "cache", "artifact", "network",
	"server", "request", "response", "connection", "timed out", "exit code", "status",
};
static const char *const rare[] = {
	"quota", "lease", "shard", "broker", "mirror", "tarball", "keyring", "manifest",
	"semaphore", "watchdog", "heartbeat", "bucket", "snapshot", "checksum", "certificate",
	"proxy", "tunnel", "socket", "mutex", "inode", "overlay", "cgroup", "throttled",
	"evicted", "preempted", "handshake", "deadline", "kubelet", "volume", "blob", "token",
	"credential", "rsync", "journal", "replica", "ledger", "cursor", "spool", "firmware",
	"udev", "nameserver", "resolver", "upstream", "gateway", "sidecar", "scheduler",
	"allocator", "arena", "spinlock", "futex", "epoll", "io_uring", "hugepage", "swap",
	"zram", "btrfs", "nfs", "iscsi", "raid", "nvme", "numa", "cpufreq", "thermal",
	"coredump", "backtrace", "panic", "oops", "assertion", "invariant", "deadlock",
	"livelock", "starvation", "contention", "backoff", "jitter", "latency", "bandwidth",
	"vault", "ingress", "egress", "registry", "webhook", "pipeline", "lockfile", "sandbox",
};
static const char *const seps[] = {" ", " ", " ", " ", " ", ": ", " - ", "/", " #"};
static const char *const exts[] = {"log", "lock", "conf", "json", "tmp", "sock"};
static const char *const prefixes[] = {
	"", "", "  ", "[worker-3] ", "2024-05-01T12:00:00Z ", "ci.sh: ", "==> ", "+ ", "E: ",
};
static const char *const suffixes[] = {"", "", " (retrying)", "; giving up", " at step 4", "."};

struct str {
	char s[1024];
	size_t n;
};

static void sadd(struct str *b, const char *s)
{
	size_t n = strlen(s);
	if(b->n + n >= sizeof b->s)
		n = sizeof b->s - 1 - b->n;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sprintf_add(struct str *b, const char *fmt, unsigned v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, fmt, v);
	sadd(b, tmp);
}

/* A phrase of 2-4 words, about half of them rare; the first may be
 * capitalised, a number may follow. Characters: [A-Za-z0-9 :/#_-]. */
static void phrase(struct str *p)
{
	p->n = 0;
	p->s[0] = '\0';
	unsigned words = 2 + rn(3);
	for(unsigned w = 0; w < words; w++) {
		if(w)
			sadd(p, w == words - 1 ? " " : PICK(seps));
		const char *word = rn(2) ? PICK(rare) : PICK(common);
		size_t at = p->n;
		sadd(p, word);
		if(w == 0 && rn(2) && p->s[at] >= 'a' && p->s[at] <= 'z')
			p->s[at] = (char)(p->s[at] - 32);
	}
	if(rn(3) == 0)
		sprintf_add(p, "-%u", rn(100));
}

/* s as a failsig regex body: the phrase characters that need it escaped. */
static void rx(struct str *o, const struct str *s)
{
	for(size_t i = 0; i < s->n; i++) {
		char c[3] = {s->s[i], 0, 0};
		if(c[0] == '/') {
			c[0] = '\\';
			c[1] = '/';
		}
		sadd(o, c);
	}
}

static void digits(struct str *o, unsigned min, unsigned max)
{
	unsigned n = min + rn(max - min + 1);
	for(unsigned i = 0; i < n; i++)
		sprintf_add(o, "%u", rn(10));
}

static void letters(struct str *o, const char *alphabet, unsigned min, unsigned max)
{
	unsigned n = min + rn(max - min + 1), k = (unsigned)strlen(alphabet);
	for(unsigned i = 0; i < n; i++) {
		char c[2] = {alphabet[rn(k)], 0};
		sadd(o, c);
	}
}

enum kind { K_LIT, K_CLASS, K_ALT, K_TOPALT, K_DOT, K_ICASE, K_BOUND, K_WORD, K_ANCHOR, K_NKINDS };
static const char *const kind_names[] = {
	"literal", "classes", "alternation", "top-level alternation", "dot-star",
	"case-insensitive", "bounded repetition", "word class", "anchored",
};

/* Rule i: its pattern as written in a .rules file (pat) and a line that
 * matches it (inst). */
static enum kind make_rule(unsigned i, uint64_t seed, struct str *pat, struct str *inst)
{
	rng_state = seed * 0x9E3779B97F4A7C15ull ^ ((uint64_t)i * 0xD1B54A32D192ED03ull);
	rnd();
	unsigned r = rn(100);
	enum kind k = r < 30 ? K_LIT : r < 42 ? K_CLASS : r < 52 ? K_ALT : r < 58 ? K_TOPALT :
	              r < 72 ? K_DOT : r < 82 ? K_ICASE : r < 89 ? K_BOUND : r < 96 ? K_WORD : K_ANCHOR;
	struct str a, b, c;
	phrase(&a);
	phrase(&b);
	pat->n = inst->n = 0;
	pat->s[0] = inst->s[0] = '\0';
	if(k != K_ANCHOR)
		sadd(inst, PICK(prefixes));
	switch(k) {
	case K_LIT:
		sadd(pat, "\"");
		sadd(pat, a.s);
		sadd(pat, "\"");
		sadd(inst, a.s);
		break;
	case K_CLASS: {
		const char *ext = PICK(exts);
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, " \\d+ ");
		rx(pat, &b);
		sadd(pat, " [a-z_]+\\.");
		sadd(pat, ext);
		sadd(pat, "/");
		sadd(inst, a.s);
		sadd(inst, " ");
		digits(inst, 1, 5);
		sadd(inst, " ");
		sadd(inst, b.s);
		sadd(inst, " ");
		letters(inst, "abcdefghijklmnopqrstuvwxyz_", 3, 10);
		sadd(inst, ".");
		sadd(inst, ext);
		break;
	}
	case K_ALT: {
		const char *w[3] = {PICK(rare), PICK(rare), PICK(common)};
		sadd(pat, "/(");
		sadd(pat, w[0]);
		sadd(pat, "|");
		sadd(pat, w[1]);
		sadd(pat, "|");
		sadd(pat, w[2]);
		sadd(pat, ") ");
		rx(pat, &a);
		sadd(pat, "/");
		sadd(inst, w[rn(3)]);
		sadd(inst, " ");
		sadd(inst, a.s);
		break;
	}
	case K_TOPALT:
		phrase(&c);
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, "|");
		rx(pat, &b);
		sadd(pat, " \\d+|");
		rx(pat, &c);
		sadd(pat, "/");
		switch(rn(3)) {
		case 0: sadd(inst, a.s); break;
		case 1: sadd(inst, b.s); sadd(inst, " "); digits(inst, 1, 4); break;
		default: sadd(inst, c.s); break;
		}
		break;
	case K_DOT:
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, ".*");
		rx(pat, &b);
		sadd(pat, "/");
		sadd(inst, a.s);
		sadd(inst, " in ");
		letters(inst, "abcdefghijklmnopqrstuvwxyz /.", 0, 30);
		sadd(inst, " ");
		sadd(inst, b.s);
		break;
	case K_ICASE: {
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, " \\d{2,}/i");
		size_t at = inst->n;
		sadd(inst, a.s);
		for(size_t j = at; j < inst->n; j++) {
			char ch = inst->s[j];
			if(rn(3) == 0 && ch >= 'a' && ch <= 'z')
				inst->s[j] = (char)(ch - 32);
			else if(rn(3) == 0 && ch >= 'A' && ch <= 'Z')
				inst->s[j] = (char)(ch + 32);
		}
		sadd(inst, " ");
		digits(inst, 2, 6);
		break;
	}
	case K_BOUND:
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, " [0-9a-f]{8,12} ");
		rx(pat, &b);
		sadd(pat, "/");
		sadd(inst, a.s);
		sadd(inst, " ");
		letters(inst, "0123456789abcdef", 8, 12);
		sadd(inst, " ");
		sadd(inst, b.s);
		break;
	case K_WORD:
		sadd(pat, "/");
		rx(pat, &a);
		sadd(pat, " \\w+ ");
		rx(pat, &b);
		sadd(pat, "/");
		sadd(inst, a.s);
		sadd(inst, " ");
		letters(inst, "ABCxyz0123_", 1, 8);
		sadd(inst, " ");
		sadd(inst, b.s);
		break;
	case K_ANCHOR:
		sadd(pat, "/^");
		rx(pat, &a);
		sadd(pat, ": /");
		sadd(inst, a.s);
		sadd(inst, ": ");
		sadd(inst, b.s);
		break;
	case K_NKINDS:
		break;
	}
	if(k != K_ANCHOR)
		sadd(inst, PICK(suffixes));
	return k;
}

/* No literal of 4 bytes: failsigc runs these on every line. */
static const char *const slow[][2] = {
	{"/[A-Z]{2}[0-9]{3}:[a-z]{2}!/", "fault code QX123:ab! raised by the firmware"},
	{"/(qu|zx)[0-9]{3}(jk|vw)/", "sequence zx417vw out of order"},
	{"/[A-Z][a-z]{2}![0-9]{2}\\?/", "unexpected token Abc!42? in stream"},
	{"/\\d+ms!!/", "watchdog fired after 5000ms!! restarting"},
	{"/#[0-9]{4}[A-Z]{3}#/", "ticket #1234ABC# escalated"},
};

int main(int argc, char **argv)
{
	if(argc < 5 || argc > 6) {
		fprintf(stderr, "usage: genrules N SEED OUT.rules TRIGGERS [SLOW.rules]\n");
		return 2;
	}
	unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
	uint64_t seed = strtoull(argv[2], NULL, 10);
	unsigned nslow = argc == 6 ? (unsigned)ARRAY_LEN(slow) : 0;
	FILE *rf = fopen(argv[3], "w"), *tf = fopen(argv[4], "w");
	FILE *sf = nslow ? fopen(argv[5], "w") : NULL;
	if(!rf || !tf || (nslow && !sf)) {
		perror("genrules");
		return 2;
	}
	unsigned count[K_NKINDS] = {0};
	fprintf(rf, "# Generated by bench/genrules %u %llu. Do not edit.\n", n, (unsigned long long)seed);
	if(sf)
		fprintf(sf, "# Generated by bench/genrules: rules without a 4-byte literal. Do not edit.\n");
	for(unsigned i = 0; i < n; i++) {
		struct str pat, inst;
		enum kind k = make_rule(i, seed, &pat, &inst);
		count[k]++;
		fprintf(rf, "\nrule s%04u \"synthetic %u (%s)\" {\n", i, i, kind_names[k]);
		fprintf(rf, "    ticket  \"https://bench.invalid/synthetic/%u\"\n", i);
		fprintf(rf, "    match   %s\n", pat.s);
		fprintf(rf, "    example \"%s\"\n}\n", inst.s);
		fprintf(tf, "%u\t%s\n", i, inst.s);
	}
	for(unsigned i = 0; i < nslow; i++) {
		fprintf(sf, "\nrule slow%u \"synthetic without a 4-byte literal\" {\n", i);
		fprintf(sf, "    ticket  \"https://bench.invalid/synthetic/slow%u\"\n", i);
		fprintf(sf, "    match   %s\n", slow[i][0]);
		fprintf(sf, "    example \"%s\"\n}\n", slow[i][1]);
		fprintf(tf, "%u\t%s\n", n + i, slow[i][1]);
	}
	if(fclose(rf) || fclose(tf) || (sf && fclose(sf))) {
		perror("genrules");
		return 2;
	}
	fprintf(stderr, "genrules: %u rules:", n);
	for(int k = 0; k < K_NKINDS; k++)
		fprintf(stderr, " %s %u,", kind_names[k], count[k]);
	fprintf(stderr, " + %u without a 4-byte literal\n", nslow);
	return 0;
}
