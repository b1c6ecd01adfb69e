# tallyroom — build, test and benchmark.
#
#   make              build the daemons and the tool into bin/
#   make test         unit tests, integration tests, then all of them again
#                     under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench        benchmarks (ratios against a baseline of the same run)
#   make night        play the 4 July 2024 night end to end (README, first command)
#
# Every source directory is picked up by wildcard: a new file needs no edit here.

CC      ?= cc
PKGS    := libczmq libzmq msgpack yaml-0.1 jansson zlib
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -MMD -MP
LDLIBS  += -lcsv -lm
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BUILD   ?= build
BIN     ?= bin

LIB_SRC    := $(wildcard proto/*.c config/*.c services/lib/*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/config/embedded.o
DAEMONS    := ingest tally publisher
PROGRAMS   := $(DAEMONS:%=$(BIN)/tallyroom-%) $(BIN)/tallyroom
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEFAULT_CONFIG := config/ge2024.yaml

.PHONY: all deps test test-unit test-integration test-asan bench night clean
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

$(BUILD)/libtallyroom.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BIN)/tallyroom-%: $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/*/*.c)) $(BUILD)/libtallyroom.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(filter $(BUILD)/services/$*/%,$^) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

$(BIN)/tallyroom: $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/tool/*.c)) $(BUILD)/libtallyroom.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(filter $(BUILD)/services/tool/%,$^) $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) $(LDLIBS) -o $@

BENCH_SRC  := $(wildcard tests/bench/bench_*.c)
BENCHES    := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libtallyroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libtallyroom.a $(PKG_LIBS) $(LDLIBS) -o $@

test: all
	@$(MAKE) --no-print-directory test-unit test-integration
	@$(MAKE) --no-print-directory test-asan

test-unit: $(UNIT_TESTS)
	@scripts/run-tests unit $(UNIT_TESTS)

test-integration: $(PROGRAMS)
	@scripts/run-tests integration $(BIN) $(wildcard tests/integration/test_*.sh)

# The whole suite again, built with the sanitizers into build/asan.
test-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/bin \
	    OPT="-O1 -g $(SAN_FLAGS)" test-unit test-integration

bench: all $(BENCHES)
	@scripts/bench $(BUILD)/bench

night: all
	@scripts/night

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
