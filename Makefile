# tallyroom — build, test and benchmark.
#
#   make              build the daemons and the tool into bin/
#   make test         unit tests, integration tests, then all of them again
#                     under AddressSanitizer + UndefinedBehaviorSanitizer,
#                     then each fuzz target for 10 s (test-fuzz)
#   make fuzz         each fuzz target for FUZZ_SECONDS (tests/fuzz/README.md)
#   make bench        benchmarks (ratios against a baseline of the same run)
#   make night        play the 4 July 2024 night end to end (README, first command)
#
# Every source directory is picked up by wildcard: a new file needs no edit here.

CC      ?= cc
PKGS    := libczmq libzmq msgpack yaml-0.1 jansson zlib libmicrohttpd
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -MMD -MP
LDLIBS  += -lcsv -lm
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BUILD   ?= build
BIN     ?= bin

LIB_SRC    := $(wildcard proto/*.c config/*.c services/lib/*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/config/embedded.o
# The House of Commons importer (services/importer/README.md): only the
# tool, its unit test and its fuzz target link it, after libtallyroom.a.
IMPORT_LIB := $(BUILD)/libtrimport.a
IMPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/importer/*.c))
DAEMONS    := ingest tally publisher gateway
PROGRAMS   := $(DAEMONS:%=$(BIN)/tallyroom-%) $(BIN)/tallyroom
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEFAULT_CONFIG := config/ge2024.yaml

.PHONY: all deps test test-binaries test-unit test-integration test-asan bench night clean
all: deps $(PROGRAMS)

deps:
	@scripts/install-deps

# pkg-config is asked only once the packages are there (after `deps`).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# The default election is built into every binary, so a daemon started with
# no -c runs the night of 4 July 2024.
$(BUILD)/config/embedded.o: config/embedded.S $(DEFAULT_CONFIG)
	@mkdir -p $(dir $@)
	$(CC) -c -DDEFAULT_CONFIG='"$(DEFAULT_CONFIG)"' $< -o $@

# The scoreboard's files are built into the gateway (.incbin, which the
# compiler's dependency files do not see).
$(BUILD)/services/gateway/gateway_static.o: $(wildcard services/gateway/static/*)

# Made afresh (ar would keep members whose sources have moved away).
$(BUILD)/libtallyroom.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(IMPORT_LIB): $(IMPORT_OBJ)
	rm -f $@ && ar rcs $@ $^

# Each daemon links its own directory's objects only (second expansion: $$*
# is the daemon's name), so one daemon's broken file does not stop the rest.
daemon_objects = $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/$(1)/*.c)) \
                 $(patsubst %.S,$(BUILD)/%.o,$(wildcard services/$(1)/*.S))
# The objects such a pattern reaches are "intermediate" to make, which would
# delete them after each build and rebuild them the next time: keep them.
.SECONDARY:
.SECONDEXPANSION:
$(BIN)/tallyroom-%: $$(call daemon_objects,$$*) $(BUILD)/libtallyroom.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(filter $(BUILD)/services/$*/%,$^) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

$(BIN)/tallyroom: $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/tool/*.c)) $(IMPORT_LIB) $(BUILD)/libtallyroom.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(filter $(BUILD)/services/tool/%,$^) $(IMPORT_LIB) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) $(LDLIBS) -o $@

$(BUILD)/tests/test_import_%: tests/unit/test_import_%.c $(IMPORT_LIB) $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(IMPORT_LIB) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) $(LDLIBS) -o $@

BENCH_SRC  := $(wildcard tests/bench/bench_*.c)
BENCHES    := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

# The builds use every core (JOBS); the tests run as run-tests schedules
# them, so each phase builds first, then tests.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) test-binaries
	@$(MAKE) --no-print-directory test-unit test-integration
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fuzz

test-binaries: $(PROGRAMS) $(UNIT_TESTS)

test-unit: $(UNIT_TESTS)
	@scripts/run-tests unit $(UNIT_TESTS)

test-integration: $(PROGRAMS)
	@scripts/run-tests integration $(BIN) $(wildcard tests/integration/test_*.sh)

# The whole suite again, built with the sanitizers into build/asan.
ASAN_VARS := BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g $(SAN_FLAGS)"
test-asan: deps
	@$(MAKE) --no-print-directory $(ASAN_VARS) -j$(JOBS) test-binaries
	@$(MAKE) --no-print-directory $(ASAN_VARS) test-unit test-integration

bench: all $(BENCHES)
	@scripts/bench $(BUILD)/bench

# NIGHT_ARGS: options for scripts/night, e.g. "--ports 17400 --http 127.0.0.1:18080".
night: all
	@scripts/night $(NIGHT_ARGS)

clean:
	rm -rf build bin

# make install [PREFIX=/usr/local] [DESTDIR=]: every program in $(BIN), a man
# page for each program and each `tallyroom` command (help2man, from their
# --help, so the pages cannot drift from the code), the shipped 2024 config
# and night under share/tallyroom, the specs and the example subscriber under
# share/doc/tallyroom. `install-built` installs what $(BIN) already holds
# without building (tests/integration/test_install.sh uses it).
PREFIX  ?= /usr/local
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unreleased)
MAN_OUT  = $(BUILD)/man
.PHONY: install install-built man

install: all
	@$(MAKE) --no-print-directory install-built

man:
	@rm -rf $(MAN_OUT) && mkdir -p $(MAN_OUT)
	@set -e; for program in $(BIN)/tallyroom*; do \
	    name=$$(basename $$program); \
	    summary=$$($$program --help | awk 'NR > 1 && !NF { exit } NR > 1 { text = text " " $$0; \
	        if (index ($$0, ".")) exit } END { sub (/^ /, "", text); sub (/\..*/, "", text); print text }'); \
	    help2man --no-info --no-discard-stderr --version-string='$(VERSION)' \
	        --name="$${summary:-the results desk of an election night}" \
	        -o $(MAN_OUT)/$$name.1 $$program; \
	done
	@set -e; $(BIN)/tallyroom --help | awk '/^  [a-z]/ { print }' | \
	while read -r command summary; do \
	    page=$(MAN_OUT)/tallyroom-$$command.1; \
	    help2man --no-info --no-discard-stderr --version-string='$(VERSION)' \
	        --help-option="$$command --help" --name="$$summary" -o $$page $(BIN)/tallyroom; \
	    sed -i -e "2s/^\.TH TALLYROOM /.TH TALLYROOM-$$(echo $$command | tr a-z A-Z) /" \
	        -e "4s/^tallyroom /tallyroom-$$command /" $$page; \
	done

install-built: man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tallyroom \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/tallyroom/examples
	install -m 755 $(BIN)/tallyroom* $(DESTDIR)$(PREFIX)/bin/
	install -m 644 config/ge2024.yaml config/ge2024.night $(DESTDIR)$(PREFIX)/share/tallyroom/
	install -m 644 $(MAN_OUT)/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/tallyroom/README.md
	install -m 644 proto/README.md $(DESTDIR)$(PREFIX)/share/doc/tallyroom/wire-format.md
	install -m 644 config/README.md $(DESTDIR)$(PREFIX)/share/doc/tallyroom/config.md
	install -m 755 proto/examples/subscriber.py $(DESTDIR)$(PREFIX)/share/doc/tallyroom/examples/

# ---------------------------------------------------------------------------
# Fuzzing (tests/fuzz/README.md). Every tests/fuzz/fuzz_X.c is a libFuzzer
# target with its seeds in tests/fuzz/corpus/X/: a new one needs no edit
# here. The library is built again with clang, instrumented, into
# build/fuzz; `make fuzz` runs each target FUZZ_SECONDS (one at a time,
# niced: the machine is shared), `make test-fuzz` FUZZ_SMOKE_SECONDS each,
# JOBS at once (tests/fuzz/run, FUZZ_JOBS).
# A crash, leak, hang (FUZZ_TIMEOUT s on one input) or sanitizer report
# fails the target.
FUZZ_BUILD    := build/fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OPT      := -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SECONDS  ?= 120
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TIMEOUT  ?= 10
FUZZ_SRC      := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS  := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)
.PHONY: fuzz fuzz-build fuzz-seeds test-fuzz

fuzz-build: deps
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=$(FUZZ_BUILD) BIN=$(FUZZ_BUILD)/bin \
	    CC=clang OPT="$(FUZZ_OPT)" $(FUZZ_TARGETS) $(FUZZ_BUILD)/fuzz/make_seeds

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

# The importers' targets link the importer library too.
$(BUILD)/fuzz/fuzz_import_%: tests/fuzz/fuzz_import_%.c $(IMPORT_LIB) $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(IMPORT_LIB) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/fuzz/make_seeds: tests/fuzz/make_seeds.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

# Regenerates the seeds built from the shipped config and the fixtures.
FUZZ_HOC := tests/fixtures/hoc
fuzz-seeds: fuzz-build
	@mkdir -p tests/fuzz/corpus/validate tests/fuzz/corpus/import_csv tests/fuzz/corpus/nightlog
	@$(FUZZ_BUILD)/fuzz/make_seeds tests/fuzz/corpus
	@join () { out=tests/fuzz/corpus/import_csv/$$1; shift; : >$$out; \
	    for part in "$$@"; do [ -s $$out ] && printf '\n====\n' >>$$out; \
	        [ "$$part" = - ] || cat $$part >>$$out; done; }; \
	join plain.csv $(FUZZ_HOC)/constituencies.csv $(FUZZ_HOC)/candidates.csv; \
	join times.csv $(FUZZ_HOC)/constituencies.csv $(FUZZ_HOC)/candidates.csv \
	    $(FUZZ_HOC)/times.csv $(FUZZ_HOC)/new-seats.csv; \
	join declaration-time.csv $(FUZZ_HOC)/constituencies-declaration-time.csv \
	    $(FUZZ_HOC)/candidates.csv - $(FUZZ_HOC)/new-seats.csv; \
	join bad-votes.csv $(FUZZ_HOC)/constituencies.csv $(FUZZ_HOC)/candidates-bad-votes.csv

fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TIMEOUT)

test-fuzz: fuzz-build
	@FUZZ_JOBS=$(JOBS) tests/fuzz/run $(FUZZ_BUILD)/fuzz $(FUZZ_SMOKE_SECONDS) $(FUZZ_TIMEOUT)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
