# tests/bench/load.mk, included by the top-level Makefile: xl-load, the load
# and slow-client benchmarks against the real xdplinkd (tests/bench/README.md).
# Built by all: tests/integration/slow-client.bats uses its misbehaving clients.
LOAD_SRCS := $(wildcard tests/bench/load/*.c)
all: $(B)/tests/xl-load

$(B)/tests/xl-load: $(LOAD_SRCS) tests/bench/load/load.h $(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(LOAD_SRCS) $(B)/libxdplink-client.a -ljansson -lpthread

# LOAD_ARGS, e.g. "--clients 20 --duration 10", go to tests/bench/load/run.
bench-load: all $(B)/tests/xl-load
	XL_BUILD=$(B) tests/bench/load/run $(LOAD_ARGS)
.PHONY: bench-load
