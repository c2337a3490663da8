# tests/bench/e2e.mk, included by the top-level Makefile: what tests/bench/e2e
# needs beyond the tree.
# - xl-floor, the raw-syscall floor of a whole-set replace as a process of its
#   own, exec'd once per round. Linked statically where libbpf.a, libelf.a and
#   libz.a exist (Debian's libbpf-dev, libelf-dev, zlib1g-dev), so that its
#   process start is the least any tool pays; else dynamically.
# - xl_one_{0,1,2}.bpf.o: one program each (xdp-loader takes the first program
#   of each file, so loading three in one run needs three files).
E2E_ONE := $(foreach n,0 1 2,$(B)/bpf/xl_one_$(n).bpf.o)
E2E_TOOLS := $(B)/tests/xl-floor $(E2E_ONE)

$(B)/tests/xl-floor: tests/bench/floor/xl-floor.c $(DISPATCHERS:%=$(B)/gen/%.skel.h) | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $< -lbpf -lelf -lz 2>/dev/null || \
		$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lbpf -lelf -lz

$(B)/bpf/xl_one_%.bpf.o: tests/bench/e2e-bpf/xl_one.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -DXL_ONE=$* -c $< -o $@

# xdpctl linked statically, for tests/bench/attach-profile's measure of what
# the dynamic loader costs each invocation (the shipped xdpctl is dynamic).
$(B)/tests/xdpctl-static: $(B)/xdpctl | $(B)/tests
	$(CC) $(LDFLAGS) -static -o $@ $(B)/client/xdpctl.o $(B)/client/libxdpctl.a \
		$(B)/libxdplink-client.a -ljansson -linih
