# tests/fuzz/fuzz.mk — fuzz targets; included from the top Makefile.
#
#   make fuzz [FUZZ_SECONDS=60]  build every libFuzzer target (clang) into
#                                $(BUILD)/fuzz/ and run each for FUZZ_SECONDS
#                                with its seed corpus, regressions and dictionary,
#                                then FUZZ_DIFF_CASES differential cases (diffscan)
#   make fuzz-replay             replay every seed and regression input through
#                                every target without libFuzzer ($(CC), ASan+UBSan),
#                                printing TAP lines; part of `make check`
#   make fuzz-build-check        what fuzz_parse cannot do in-process: every rule
#                                file of the parse corpora that `failsigc check`
#                                accepts must also pass `failsigc build` (re2c, cc)
#
# Each target is one file, tests/fuzz/fuzz_NAME.c, compiled together with the
# sources it exercises (not the gcc-built libraries: libFuzzer needs clang's
# coverage instrumentation in the code under test). docs/reliability.md
# describes what each target checks and the figures measured.

FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang
FUZZ_TIMEOUT  ?= 20
FUZZ_RSS_MB   ?= 2048
FUZZ_DIR      := $(BUILD)/fuzz
FUZZ_NAMES    := parse regex display reader job webhook gitlab
# make fuzz also runs this many differential cases (tests/diffscan.sh: random
# rule sets and logs, the generated scanner against the reference matcher)
# from a new seed, against $(BUILD)'s compiler and runtime.
FUZZ_DIFF_CASES ?= 500

FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer
FUZZ_CFLAGS   := -std=c11 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-unused-function \
                 $(FUZZ_SANFLAGS)

# What each target compiles besides its own file. fuzz_regex #includes
# compiler/regex.c to compare its two matchers; fuzz_parse runs the whole
# front end and code generation, and fails every file access while compiling
# (the --wrap functions are in fuzz_parse.c). FUZZ_DEPS_NAME: prerequisites
# that are not compiled in; the compiler library is one so that every
# generated file the compiler sources need (grammar, gramfreq.h) exists.
FUZZ_SRC_parse   := $(COMPILER_SRC) $(BUILD)/grammar/lexer.c $(BUILD)/grammar/parser.c \
                    runtime/xalloc.c runtime/dynbuf.c
FUZZ_DEPS_parse  := $(BUILD)/libfailsigc.a
FUZZ_LIBS_parse  := -ljansson \
                    -Wl,--wrap=stat,--wrap=open,--wrap=opendir,--wrap=realpath,--wrap=fopen
FUZZ_SRC_regex   := compiler/arena.c runtime/xalloc.c runtime/dynbuf.c
FUZZ_DEPS_regex  := compiler/regex.c $(BUILD)/libfailsigc.a
FUZZ_SRC_display := runtime/display.c
FUZZ_SRC_reader  := runtime/reader.c runtime/xalloc.c
FUZZ_SRC_job     := runtime/job.c runtime/text.c runtime/dynbuf.c runtime/xalloc.c
FUZZ_LIBS_job    := -ljansson
FUZZ_SRC_webhook := runtime/webhook.c runtime/text.c runtime/dynbuf.c runtime/xalloc.c
FUZZ_LIBS_webhook := -ljansson
FUZZ_SRC_gitlab  := runtime/glheaders.c runtime/joblist.c runtime/gitlab.c runtime/dynlib.c runtime/webhook.c \
                    runtime/text.c runtime/dynbuf.c runtime/xalloc.c
FUZZ_LIBS_gitlab := -ljansson -ldl

FUZZ_HDRS := $(wildcard runtime/*.h compiler/*.h compiler/*.def) tests/fuzz/fuzz.h \
             $(BUILD)/grammar/parser.h

FUZZ_BINS   := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(FUZZ_DIR)/replay_%)

# $(1) = target name. The libFuzzer binary and the replay binary of a target.
define FUZZ_TARGET
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_DEPS_$(1)) $(FUZZ_HDRS)
	@mkdir -p $$(@D)
	$$(call say,FUZZCC,$$@)
	$$(Q)$(FUZZ_CC) $$(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ \
		tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LIBS_$(1))

$(FUZZ_DIR)/replay_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/replay_main.c $(FUZZ_SRC_$(1)) \
                         $(FUZZ_DEPS_$(1)) $(FUZZ_HDRS)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$$(Q)$$(CC) $$(CPPFLAGS) $(FUZZ_CFLAGS) -o $$@ \
		tests/fuzz/replay_main.c tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LIBS_$(1))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_TARGET,$(n))))

fuzz-build: $(FUZZ_BINS)
fuzz-replay-build: $(FUZZ_REPLAY)

# New inputs libFuzzer finds go to $(FUZZ_DIR)/corpus/NAME (the first corpus
# directory is the writable one); the committed seeds and regressions are
# only read. A crash leaves $(FUZZ_DIR)/artifacts/NAME-crash-* and fails.
fuzz: $(FUZZ_BINS) $(BUILD)/failsigc $(BUILD)/libfailsig.a $(BUILD)/libfailsigc.a
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/artifacts; \
		dirs="$(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n"; \
		[ -d tests/fuzz/regressions/$$n ] && dirs="$$dirs tests/fuzz/regressions/$$n"; \
		printf '  %-8s %s (%ss)\n' FUZZ $$n $(FUZZ_SECONDS); \
		if ! $(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
			-rss_limit_mb=$(FUZZ_RSS_MB) -print_final_stats=1 \
			-dict=tests/fuzz/$$n.dict -artifact_prefix=$(FUZZ_DIR)/artifacts/$$n- \
			$$dirs >$(FUZZ_DIR)/$$n.log 2>&1; then \
			tail -n 60 $(FUZZ_DIR)/$$n.log; \
			echo "fuzz: $$n failed; input in $(FUZZ_DIR)/artifacts/, log in $(FUZZ_DIR)/$$n.log"; \
			exit 1; \
		fi; \
		sh tests/fuzz/summary.sh $$n $(FUZZ_DIR)/$$n.log; \
	done
	@seed=$$(date +%s); printf '  %-8s %s cases from seed %s\n' DIFFSCAN $(FUZZ_DIFF_CASES) $$seed; \
	DIFFSCAN_CASES=$(FUZZ_DIFF_CASES) DIFFSCAN_SEED=$$seed sh tests/diffscan.sh $(BUILD) >$(FUZZ_DIR)/diffscan.log 2>&1 || \
		{ grep -v '^ok' $(FUZZ_DIR)/diffscan.log | tail -n 30; echo "fuzz: diffscan failed (seed $$seed), log in $(FUZZ_DIR)/diffscan.log"; exit 1; }; \
	grep -c '^ok' $(FUZZ_DIR)/diffscan.log | sed 's/^/  diffscan: /; s/$$/ passed/'

fuzz-replay: $(FUZZ_REPLAY)
	sh tests/fuzz/replay.sh $(FUZZ_DIR) $(FUZZ_NAMES)

fuzz-build-check: $(BUILD)/failsigc $(BUILD)/libfailsig.a
	sh tests/fuzz/build_check.sh $(BUILD) tests/fuzz/corpus/parse tests/fuzz/regressions/parse \
		$(wildcard $(FUZZ_DIR)/corpus/parse)

.PHONY: fuzz fuzz-build fuzz-replay-build fuzz-replay fuzz-build-check
