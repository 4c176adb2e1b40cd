# Tudushka — build, run, test, bench, install.
#
#   make            build the binaries into build/
#   make run        bootstrap, build, start PostgreSQL + API pool + nginx on :8080
#   make test       the same set-up on test ports, then every test suite
#   make bench      wrk against the real stack next to two ceilings
#   make SANITIZE=1 build with AddressSanitizer + UBSan into build/asan/

CXX ?= g++
PREFIX ?= /usr/local
DESTDIR ?=
OPT ?= -O2 -g

ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SANFLAGS :=
endif

PKGS := fcgi libpq RapidJSON libcurl libsodium libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# date/tz ships no .pc: these are the definitions its CMake target exports.
DATE_CFLAGS := -DUSE_OS_TZDB=1 -DONLY_C_LOCALE=1 -DHAS_STRING_VIEW=1
DATE_LIBS := -ldate-tz

VERSION := 0.1.0
CXXFLAGS := -std=c++20 $(OPT) -DTUDUSHKA_VERSION=\"$(VERSION)\" -Wall -Wextra -Werror -Iinclude -MMD -MP \
            $(PKG_CFLAGS) $(DATE_CFLAGS) $(SANFLAGS) $(EXTRA_CXXFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS := $(PKG_LIBS) $(DATE_LIBS) -lPocoFoundation -lpthread

LIB_SRCS := $(sort $(wildcard src/*/*.cpp))
LIB_SRCS := $(filter-out src/bin/%,$(LIB_SRCS))
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard test/unit/*.cpp))
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(BUILD)/obj/%.o)
INTEG_SRCS := $(sort $(wildcard test/integration/*.cpp))
INTEG_OBJS := $(INTEG_SRCS:%.cpp=$(BUILD)/obj/%.o)
COMMON_SRCS := $(sort $(wildcard test/common/*.cpp))
COMMON_OBJS := $(COMMON_SRCS:%.cpp=$(BUILD)/obj/%.o)
BOT_MAIN := $(wildcard src/bin/bot.cpp)

LIB := $(BUILD)/libtudushka.a
BINS := $(BUILD)/tudushka-api $(if $(BOT_MAIN),$(BUILD)/tudushka-bot)
TEST_BINS := $(BUILD)/unit-tests $(BUILD)/integration-tests $(BUILD)/bench-responder $(BUILD)/parser-bench \
  $(BUILD)/bench-db-insert

.PHONY: all tests run test bench fuzz install clean format frontend
.SECONDARY:
all: $(BINS)
tests: $(BINS) $(TEST_BINS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tudushka-%: $(BUILD)/obj/src/bin/%.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(COMMON_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcppunit

$(BUILD)/integration-tests: $(INTEG_OBJS) $(COMMON_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcppunit

$(BUILD)/bench-responder: $(BUILD)/obj/test/bench/responder.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench-db-insert: $(BUILD)/obj/test/bench/db_insert.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

run:
	@scripts/run

test:
	@scripts/test

bench:
	@scripts/bootstrap
	@$(MAKE) -s all
	@scripts/bench

fuzz:
	@scripts/fuzz

frontend:
	@scripts/frontend

# Units go where systemd looks for them (/usr/local/lib/systemd/system for the default
# PREFIX); the units' ExecStart and the nginx site's web root follow PREFIX.
UNITDIR ?= $(PREFIX)/lib/systemd/system
AT_PREFIX := sed 's\#/usr/local/\#$(PREFIX)/\#g'

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tudushka/sql $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/tudushka/sql/
	install -m 0644 openapi.yaml $(DESTDIR)$(PREFIX)/share/tudushka/
	for unit in systemd/*.service; do \
	  $(AT_PREFIX) $$unit >$(DESTDIR)$(UNITDIR)/$${unit#systemd/} && \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$${unit#systemd/} || exit 1; done
	install -d $(DESTDIR)$(PREFIX)/share/tudushka/nginx/snippets
	$(AT_PREFIX) nginx/tudushka.conf >$(DESTDIR)$(PREFIX)/share/tudushka/nginx/tudushka.conf
	install -m 0644 nginx/snippets/*.conf $(DESTDIR)$(PREFIX)/share/tudushka/nginx/snippets/
	@if [ -d frontend/dist ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/tudushka/www && \
	  cp -r frontend/dist/. $(DESTDIR)$(PREFIX)/share/tudushka/www/; fi

clean:
	rm -rf build

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

-include $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d) $(COMMON_OBJS:.o=.d) $(wildcard $(BUILD)/obj/src/bin/*.d) $(wildcard $(BUILD)/obj/test/bench/*.d)

# parser micro-benchmark (quick-add parser; run from the repo root: build/parser-bench)
PARSER_OBJS := $(filter $(BUILD)/obj/src/parser/%,$(LIB_OBJS)) $(BUILD)/obj/src/core/rrule.o
$(BUILD)/parser-bench: $(BUILD)/obj/test/bench/parser_bench.o $(PARSER_OBJS)
	$(CXX) $(LDFLAGS) -o $@ $^ $(DATE_LIBS)
