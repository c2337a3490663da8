# tests/bench/scale.mk, included by the top-level Makefile: the scale
# benchmark (tests/bench/scale), 1,000 interfaces in 10 namespaces by default.
# make bench-scale [SCALE_ARGS="--ifaces 20 --netns 2"]
SCALE_ARGS ?=
.PHONY: bench-scale

$(B)/tests/xl-scale: tests/tools/xl-scale.c lib/include/xdplink/xdplink-client.h \
		$(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink-client.a -lbpf -ljansson -lpthread

bench-scale: all $(B)/tests/xl-scale
	XL_BUILD=$(B) tests/bench/scale $(SCALE_ARGS)
