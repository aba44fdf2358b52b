# Fuzzing (tests/fuzz/README.md). Included from the Makefile after its variables (it uses
# PKG_CFLAGS, PKG_LIBS, WARN, CFLAGS, CC, SUDO, BUILD and the `deps` target); it adds the
# plain regression programs to `test`'s prerequisites (tests/run.sh runs them through
# tests/fuzz/regress.sh) and build-fuzz/ to `clean`.
#
#   make fuzz [FUZZ_SECONDS=60]   builds the libFuzzer targets with clang into build-fuzz/
#                                 and runs each FUZZ_SECONDS seconds on a copy of its corpus
#   make fuzz-build               only builds them
#   make fuzz-regress             runs each target, built without libFuzzer (plain $(CC), the
#                                 usual CFLAGS) into $(BUILD)/fuzz/, on its seed corpus and on
#                                 every crash ever found (tests/fuzz/crashes/<target>/)

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_TARGETS := fuzz_article fuzz_config fuzz_tmpl fuzz_markdown fuzz_fold fuzz_image
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  ?= -O1 -g -fno-omit-frame-pointer
FUZZ_LIB_SRC := $(filter-out generator/main.c,$(wildcard generator/*.c))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:generator/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
FUZZ_REGRESS_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

.PHONY: fuzz fuzz-build fuzz-regress fuzz-deps fuzz-clean

# Debian's clang leaves the sanitizer and libFuzzer runtimes to a recommended package: ask
# for both, and check by linking a fuzzer rather than by the compiler's name.
fuzz-deps:
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' | \
		$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c - -o /dev/null >/dev/null 2>&1; then \
		echo "make: $(FUZZ_CC) cannot build a libFuzzer target; installing Debian packages: clang libclang-rt-dev"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang libclang-rt-dev; \
	fi

# value.c compares keys for every name a template looks up, against the fixed context's
# keys: tracing those comparisons teaches libFuzzer nothing, and took 70% of the time of a
# render that runs to TMPL_MAX_STEPS (perf), pushing it past libFuzzer's -timeout.
$(FUZZ_BUILD)/obj/value.o: FUZZ_OBJ_FLAGS := -fno-sanitize-coverage=trace-cmp

$(FUZZ_BUILD)/obj/%.o: generator/%.c | deps fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(FUZZ_OBJ_FLAGS) \
		$(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/libsitegen.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libsitegen.a | deps fuzz-deps
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -Igenerator $(PKG_CFLAGS) -o $@ $< \
		$(FUZZ_BUILD)/libsitegen.a $(PKG_LIBS) -lpthread

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/fuzz.sh $(FUZZ_TARGETS)

# The same targets as plain programs (regress_main.c reads the files named on its command
# line), built like the tests: `make asan` runs them under ASan and UBSan too.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/regress_main.c $(BUILD)/libsitegen.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -Igenerator $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/regress_main.c \
		$(BUILD)/libsitegen.a $(PKG_LIBS) -lpthread

fuzz-regress: $(FUZZ_REGRESS_BINS)
	@B=$(BUILD) sh tests/fuzz/regress.sh

test: $(FUZZ_REGRESS_BINS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

clean: fuzz-clean

-include $(wildcard $(FUZZ_BUILD)/obj/*.d)
