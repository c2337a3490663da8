# tests/bench/zero-gap.mk, included by the top-level Makefile: the zero-gap
# test under traffic (tests/integration/zero-gap.bats, tests/bench/zero-gap):
# a counting XDP program, a steady UDP sender and the swap driver.
ZG_TOOLS := $(B)/bpf/xl_zerogap.bpf.o $(B)/tests/xl-blast $(B)/tests/xl-zerogap
all: $(ZG_TOOLS)

$(B)/bpf/xl_zerogap.bpf.o: tests/bpf/xl_zerogap.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/tests/xl-blast: tests/tools/xl-blast.c lib/xl-util.h | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $<

# The client library for the swaps, libbpf only to read the pinned counts.
$(B)/tests/xl-zerogap: tests/tools/xl-zerogap.c $(B)/libxdplink-client.a \
		lib/include/xdplink/xdplink-client.h lib/xl-util.h | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink-client.a $(XLC_LIBS) -lbpf

# The full run: 1,000 swaps under 50k packets/s; ZG_ARGS="--swaps N --rate PPS ..."
# for others (tests/bench/zero-gap --help).
bench-zerogap: all
	XL_BUILD=$(abspath $(B)) tests/bench/zero-gap $(ZG_ARGS)
.PHONY: bench-zerogap
