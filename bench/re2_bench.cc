// re2_bench.cc — RE2::Set, one Match per line (bench/).
//
//   re2_bench PATTERNS.tsv LOG PAIRS
//
// Adds every pattern of PATTERNS.tsv (rules2pat: "RULE<TAB>FLAGS<TAB>RE";
// FLAGS "i" becomes (?i:...)) to one unanchored RE2::Set in Latin-1 mode
// (bytes, as failsig reads them), reads LOG with read() in 256 KiB blocks,
// splits lines with memchr and calls Set::Match on each line, collecting
// every matching pattern. Writes the pairs "LINE<TAB>INDEX" to PAIRS.
//
// Prints "SCAN_SECONDS COMPILE_SECONDS" on stdout. max_mem is raised to
// 1 GiB so that the DFA cache can never be what limits RE2 (on the bench
// sets the default 8 MiB gives the same pairs at the same speed); a Match
// that fails anyway (DFA out of memory) is an error, not a silent miss.
#include <re2/re2.h>
#include <re2/set.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

static double now()
{
	timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if(argc != 4) {
		fprintf(stderr, "usage: re2_bench PATTERNS.tsv LOG PAIRS\n");
		return 2;
	}
	std::vector<std::string> pats;
	{
		FILE *f = fopen(argv[1], "r");
		if(!f) {
			perror(argv[1]);
			return 2;
		}
		char *line = nullptr;
		size_t cap = 0;
		ssize_t len;
		while((len = getline(&line, &cap, f)) > 0) {
			if(line[len - 1] == '\n')
				line[--len] = '\0';
			char *t1 = strchr(line, '\t');
			char *t2 = t1 ? strchr(t1 + 1, '\t') : nullptr;
			if(!t2) {
				fprintf(stderr, "re2_bench: %s: bad line\n", argv[1]);
				return 2;
			}
			bool icase = memchr(t1 + 1, 'i', (size_t)(t2 - t1 - 1)) != nullptr;
			pats.push_back(icase ? "(?i:" + std::string(t2 + 1) + ")" : std::string(t2 + 1));
		}
		free(line);
		fclose(f);
	}

	double t0 = now();
	RE2::Options opt;
	opt.set_encoding(RE2::Options::EncodingLatin1);
	opt.set_log_errors(false);
	opt.set_max_mem(int64_t(1) << 30);
	RE2::Set set(opt, RE2::UNANCHORED);
	for(size_t i = 0; i < pats.size(); i++) {
		std::string err;
		if(set.Add(pats[i], &err) != (int)i) {
			fprintf(stderr, "re2_bench: pattern %zu (%s): %s\n", i, pats[i].c_str(), err.c_str());
			return 2;
		}
	}
	if(!set.Compile()) {
		fprintf(stderr, "re2_bench: RE2::Set::Compile failed\n");
		return 2;
	}
	double t1 = now();

	int fd = open(argv[2], O_RDONLY);
	if(fd < 0) {
		perror(argv[2]);
		return 2;
	}
	const size_t block = 1 << 18;
	std::vector<char> buf(2 * block);
	size_t have = 0;
	uint64_t lineno = 0, failed = 0;
	std::vector<int> v;
	std::vector<std::pair<uint64_t, int>> pairs;
	auto scan_line = [&](const char *p, size_t n) {
		lineno++;
		v.clear();
		RE2::Set::ErrorInfo info;
		if(set.Match(re2::StringPiece(p, n), &v, &info)) {
			for(int id : v)
				pairs.emplace_back(lineno, id);
		} else if(info.kind != RE2::Set::kNoError) {
			failed++;
		}
	};
	for(;;) {
		if(buf.size() - have < block)
			buf.resize(buf.size() * 2);
		ssize_t r = read(fd, buf.data() + have, block);
		if(r < 0) {
			perror("read");
			return 2;
		}
		if(r == 0)
			break;
		have += (size_t)r;
		const char *p = buf.data(), *end = buf.data() + have, *nl;
		while((nl = (const char *)memchr(p, '\n', (size_t)(end - p))) != nullptr) {
			scan_line(p, (size_t)(nl - p));
			p = nl + 1;
		}
		have = (size_t)(end - p);
		memmove(buf.data(), p, have);
	}
	if(have)
		scan_line(buf.data(), have);
	close(fd);
	double t2 = now();

	FILE *out = fopen(argv[3], "w");
	if(!out) {
		perror(argv[3]);
		return 2;
	}
	for(auto &pr : pairs)
		fprintf(out, "%llu\t%d\n", (unsigned long long)pr.first, pr.second);
	if(fclose(out)) {
		perror(argv[3]);
		return 2;
	}
	if(failed) {
		fprintf(stderr, "re2_bench: Set::Match failed on %llu lines (DFA out of memory?)\n",
		        (unsigned long long)failed);
		return 2;
	}
	printf("%.6f %.6f\n", t2 - t1, t1 - t0);
	return 0;
}
