# The archive generator. `make site` builds public/ (the config's output_dir), `make check` reports every problem
# without writing, `make serve` previews it while you edit,
# `make test` runs every check. They first install the Debian packages the generator needs
# when pkg-config cannot find them.

CONFIG  ?= config.yml
CONTENT ?= content
# empty: the generator writes to the config's output_dir (public/ for the shipped config.yml)
OUT     ?=
THEME   ?= theme
SHARED  ?= ../shared
SPEC_DIR  ?= $(SHARED)/mustache-spec
SEEDS_DIR ?= $(SHARED)/seeds
SITEFLAGS ?=
PORT    ?= 8080

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# CI builds with warnings as errors.
ifeq ($(CI),true)
WARN    += -Werror
endif
PKGS     := libcmark icu-uc icu-i18n yaml-0.1 zlib libmicrohttpd
DEB_PKGS := libcmark-dev libicu-dev libyaml-dev zlib1g-dev libmicrohttpd-dev pkg-config
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Deferred (=): evaluated after `deps` has had a chance to install them.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

BUILD := build
BIN   := $(BUILD)/sitegen
LIB_SRC := $(filter-out generator/main.c,$(wildcard generator/*.c))
LIB_OBJ := $(LIB_SRC:generator/%.c=$(BUILD)/obj/%.o)
TEST_PROGS := test_buf test_serve_changed test_text test_tmpl test_parse test_image test_memo test_search_codec mustache_spec check_site fidelity
TEST_BINS  := $(TEST_PROGS:%=$(BUILD)/tests/%)

.PHONY: all site check serve serve-browser new install uninstall deps test test-slow test-all clean golden-update asan ubsan tsan leakcheck bench listings-check equiv-check

all: $(BIN)

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $(PKGS); then \
		echo "make: pkg-config cannot find $(PKGS); installing Debian packages: $(DEB_PKGS)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEB_PKGS); \
	fi

$(BUILD)/obj/%.o: generator/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libsitegen.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/main.o $(BUILD)/libsitegen.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# The failure injector (tests/faults.sh): a plain shared object, never sanitized.
$(BUILD)/tests/fault.so: tests/fault/fault.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) -O1 -shared -fPIC $(LDFLAGS) -o $@ $< -ldl

$(BUILD)/tests/%: tests/%.c tests/check.h $(BUILD)/libsitegen.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -Igenerator $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsitegen.a $(PKG_LIBS) -lpthread

quote = '$(subst ','\'',$(1))'
outflag = $(if $(OUT),--out $(call quote,$(OUT)))
site: $(BIN)
	$(BIN) --config $(CONFIG) --content $(CONTENT) $(outflag) --theme $(THEME) $(SITEFLAGS)

# Checks what make site would build (sitegen check: every problem reported, nothing written).
check: $(BIN)
	$(BIN) check --config $(CONFIG) --content $(CONTENT) $(outflag) --theme $(THEME) $(SITEFLAGS)

# Builds, serves the output (OUT, else the config's output_dir) at http://127.0.0.1:$(PORT) under base_url's
# path (http://127.0.0.1:8080/archive/ with the shipped config) and builds again on every change (Ctrl-C stops).
serve: $(BIN)
	$(BIN) serve --port $(PORT) --config $(CONFIG) --content $(CONTENT) $(outflag) --theme $(THEME) $(SITEFLAGS)

# A new article's file (sitegen new): make new TITLE="标题" DISTRICT=离石区 (or CITY=太原市) [DATE=2022-10-31]
# [SLUG=song-cai-shang-men]
TITLE ?=
SLUG ?=
DISTRICT ?=
CITY ?=
DATE ?=
# (the title and names as typed: $(value …), so that make expands no '$' in them)
new: $(BIN)
	@$(BIN) new --config $(call quote,$(CONFIG)) --content $(call quote,$(CONTENT)) \
		$(if $(DISTRICT),--district $(call quote,$(value DISTRICT))) $(if $(CITY),--city $(call quote,$(value CITY))) \
		$(if $(DATE),--date $(call quote,$(value DATE))) $(if $(SLUG),--slug $(call quote,$(value SLUG))) \
		-- $(call quote,$(value TITLE))

# The binary, the default theme and the man page, under $(DESTDIR)$(PREFIX). The installed binary
# finds the theme from where it is (../share/sitegen/theme beside its bin/) when there is no ./theme.
PREFIX  ?= /usr/local
DESTDIR ?=
bindir   = $(DESTDIR)$(PREFIX)/bin
themedir = $(DESTDIR)$(PREFIX)/share/sitegen/theme
man1dir  = $(DESTDIR)$(PREFIX)/share/man/man1
install: $(BIN)
	mkdir -p $(bindir) $(dir $(themedir)) $(man1dir)
	cp $(BIN) $(bindir)/sitegen.new && chmod 755 $(bindir)/sitegen.new && mv -f $(bindir)/sitegen.new $(bindir)/sitegen
	rm -rf $(themedir) && cp -R theme $(themedir) && chmod -R u=rwX,go=rX $(themedir)
	cp generator/sitegen.1 $(man1dir)/sitegen.1 && chmod 644 $(man1dir)/sitegen.1

uninstall:
	rm -rf $(bindir)/sitegen $(themedir) $(man1dir)/sitegen.1
	-rmdir $(dir $(themedir)) 2>/dev/null

$(BUILD)/corpus: bench/corpus.c $(BUILD)/libsitegen.a | deps
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -Igenerator $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsitegen.a $(PKG_LIBS) -lpthread

# make test: every feature's checks, under a minute on a second run; test-slow:
# the sweeps kept out of that minute, many builds each (faults injected,
# builds killed at every point, two builds at once, hostile and odd input, the
# theme's checks of every page kind in a browser); test-all: both, as CI and
# the sanitizer runs have them (TEST_SET of tests/run.sh).
TEST_SET_test := quick
TEST_SET_test-slow := slow
TEST_SET_test-all := all
test test-slow test-all: $(BIN) $(TEST_BINS) $(BUILD)/corpus $(BUILD)/tests/fault.so
	@SPEC_DIR=$(SPEC_DIR) SEEDS_DIR=$(SEEDS_DIR) BUILD=$(BUILD) TEST_SET=$(TEST_SET_$@) sh tests/run.sh

# tests/serve.sh with the page script in headless Chromium too: an open page reloading, the errors
# shown over it and taken away (~5 s more than in make test).
serve-browser: $(BIN) $(BUILD)/tests/fault.so
	@SERVE_BROWSER=1 B=$(BUILD) sh tests/serve.sh >$(BUILD)/serve-browser.log 2>&1; st=$$?; \
	cat $(BUILD)/serve-browser.log; p=$$(grep -c '^ok - ' $(BUILD)/serve-browser.log); \
	f=$$(grep -c '^not ok - ' $(BUILD)/serve-browser.log); echo "$$p passed, $$f failed"; [ $$st -eq 0 ] && [ $$f -eq 0 ]

# The listings' checks (tests/listings.sh) at full size: 5,000 articles with a low limit
# (LISTINGS_N=, LISTINGS_LIMIT=); make test runs them on 200.
listings-check: $(BIN) $(BUILD)/corpus $(BUILD)/tests/check_site
	@B=$(BUILD) LISTINGS_N=$${LISTINGS_N:-5000} LISTINGS_LIMIT=$${LISTINGS_LIMIT:-10} sh tests/listings.sh

# Incremental builds against full builds under seeded random edits (tests/equiv.sh), at full size: the seed
# (EQUIV_SEED=, random by default) is printed first; EQUIV_STEPS=, EQUIV_ARTICLES=, EQUIV_SECONDS= (stop
# starting steps after that long), EQUIV_LIMIT= (listing_limit before the first build), EQUIV_WORKER=1 (the
# incremental builds in serve's kept build process, each 2.1 s after its step's edits), EQUIV_KEEP=1 (the same with
# `sitegen build --keep`), EQUIV_KINDS= (only
# those edits: tests/equiv_mutate.py). make test runs a short one.
EQUIV_SEED ?=
EQUIV_WORKER ?=
EQUIV_KEEP ?=
EQUIV_KINDS ?=
EQUIV_LIMIT ?=
EQUIV_SECONDS ?= 0
EQUIV_STEPS ?= 200
EQUIV_ARTICLES ?= 2000
equiv-check: $(BIN) $(BUILD)/corpus
	@B=$(BUILD) EQUIV_SEED=$(call quote,$(EQUIV_SEED)) EQUIV_STEPS=$(call quote,$(EQUIV_STEPS)) \
		EQUIV_ARTICLES=$(call quote,$(EQUIV_ARTICLES)) EQUIV_SECONDS=$(call quote,$(EQUIV_SECONDS)) \
		EQUIV_LIMIT=$(call quote,$(EQUIV_LIMIT)) EQUIV_WORKER=$(call quote,$(EQUIV_WORKER)) \
		EQUIV_KEEP=$(call quote,$(EQUIV_KEEP)) \
		EQUIV_KINDS=$(call quote,$(EQUIV_KINDS)) sh tests/equiv.sh

# Regenerates the golden fixture's expected output on purpose (review the diff before committing).
golden-update: $(BIN)
	rm -rf tests/golden/expected
	$(BIN) --config tests/golden/config.yml --content tests/golden/content --theme $(THEME) \
		--out tests/golden/expected --strict --quiet
	rm -f tests/golden/expected/.sitegen-output tests/golden/expected/.sitegen-state

$(BUILD)/measure: bench/measure.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Measures full, no-op, one-edit and one-addition builds of synthetic archives (see bench/run.sh):
# BENCH_SIZES="1000 10000 50000" BENCH_RUNS=3 BENCH_OUT=<dir for the output>.
bench: $(BIN) $(BUILD)/corpus $(BUILD)/measure
	@B=$(BUILD) sh bench/run.sh

# gcc 12 under UBSan takes vsnprintf(NULL, 0, fmt, …)'s fmt for a null pointer
# (-Wformat-truncation, -Wformat-overflow): a false alarm that CI's -Werror would make fatal.
SAN_WARN := -Wno-format-truncation -Wno-format-overflow

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer $(SAN_WARN)" test-all

ubsan:
	$(MAKE) BUILD=build-ubsan CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover $(SAN_WARN)" test-all

# ThreadSanitizer: builds of a synthetic archive in 2 and 4 threads (tests/tsan.sh).
tsan:
	$(MAKE) BUILD=build-tsan CFLAGS="-O1 -g -fsanitize=thread $(SAN_WARN)" build-tsan/sitegen build-tsan/corpus
	@B=build-tsan sh tests/tsan.sh

leakcheck: $(BIN)
	rm -rf $(BUILD)/leak-out
	valgrind --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=3 $(BIN) --out $(BUILD)/leak-out --quiet --force

clean:
	rm -rf build build-asan build-ubsan build-tsan

-include $(wildcard $(BUILD)/obj/*.d)
include tests/fuzz/fuzz.mk
