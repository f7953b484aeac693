/* fuzz.h — what every fuzz target shares: the libFuzzer entry point and an
 * invariant check that stays on whatever NDEBUG says.
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput and is linked
 * either with libFuzzer (clang -fsanitize=fuzzer: `make fuzz`) or with
 * replay_main.c (any compiler, `make fuzz-replay`), always under
 * -fsanitize=address,undefined. A failed FUZZ_CHECK aborts, which both
 * drivers report as a crash with the input that caused it. */
#ifndef FSIG_FUZZ_H
#define FSIG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed condition and a printf-style explanation. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if(!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while(0)

#endif
