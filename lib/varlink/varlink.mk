# lib/varlink/varlink.mk, included by the top-level Makefile.
# --- varlink protocol module (lib/varlink/): its own static library, and unit
# tests that link only it. Must precede the generic $(B)/tests/test-% rule.
VL_SRCS := $(wildcard lib/varlink/*.c)
VL_OBJS := $(VL_SRCS:lib/varlink/%.c=$(B)/lib/varlink/%.o)
all: $(B)/libxlvarlink.a

$(B)/lib/varlink/%.o: lib/varlink/%.c $(wildcard lib/varlink/*.h) lib/xl-util.h | $(B)/lib/varlink
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libxlvarlink.a: $(VL_OBJS)
	$(AR) rcs $@ $^

$(B)/tests/test-varlink-%: tests/unit/test-varlink-%.c tests/unit/varlink-test-client.h $(B)/libxlvarlink.a | $(B)/tests
	$(CC) $(CFLAGS) -Ilib/varlink $(LDFLAGS) -o $@ $< $(B)/libxlvarlink.a -ljansson -lsystemd -lcmocka -lpthread

$(B)/lib/varlink:
	mkdir -p $@

# The grammar test also checks the daemon's own IDL.
$(B)/tests/test-varlink-idl: $(B)/gen/xdplinkd-idl.h

# A raw-bytes client for the bad-input tests.
all: $(B)/tests/vl-raw
$(B)/tests/vl-raw: tests/tools/vl-raw.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Conformance with varlink/go's certification peer (tests/conformance/run),
# built offline from Debian's golang-github-varlink-go-dev; the same
# varlink/go against the daemon (tests/conformance/go-manager.bats).
CONFORMANCE := $(B)/tests/cert-server $(B)/tests/cert-client $(B)/tests/vl-raw \
	$(B)/tests/varlink-go-certification
$(B)/tests/cert-server: tests/conformance/cert-server.c tests/conformance/cert-values.h \
		$(B)/libxlvarlink.a | $(B)/tests
	$(CC) $(CFLAGS) -Ilib/varlink $(LDFLAGS) -o $@ $< $(B)/libxlvarlink.a -ljansson -lsystemd -lm
$(B)/tests/cert-client: tests/conformance/cert-client.c tests/conformance/cert-values.h \
		$(B)/libxlvarlink.a | $(B)/tests
	$(CC) $(CFLAGS) -Ilib/varlink $(LDFLAGS) -o $@ $< $(B)/libxlvarlink.a -ljansson
$(B)/tests/varlink-go-certification: | $(B)/tests
	GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$(abspath $(B))/go-cache \
		go build -o $@ github.com/varlink/go/cmd/varlink-go-certification

# go-manager.bats: varlink/go as a client of the real daemon, every method
# (it builds its Go client, tests/conformance/go-manager/, into $(B)/tests).
check-conformance: $(CONFORMANCE) $(B)/xdplinkd $(B)/xdpctl $(TEST_BPF) $(TOOLS)
	XL_BUILD=$(abspath $(B)) tests/run-suite conformance$(SUITE) tests/conformance/run \
		tests/conformance/go-manager.bats
.PHONY: check-conformance

# A hostile peer for the attack suite (tests/attack/): fds of any kind,
# unfinished and huge messages, many connections, streams never read.
all: $(B)/tests/vl-evil
$(B)/tests/vl-evil: tests/attack/vl-evil.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
# A caller passing an fd of any kind (O_PATH, write-only, FIFO, leased).
all: $(B)/tests/vl-pass
$(B)/tests/vl-pass: tests/attack/vl-pass.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
