# tests/tools/xsk.mk, included by the top-level Makefile: AF_XDP next to
# other programs (tests/integration/afxdp.bats, docs/af-xdp.md): the xsk
# and filter programs, and the AF_XDP application that uses libxdp's xsk API.
XSK_TOOLS := $(B)/bpf/xl_xsk.bpf.o $(B)/tests/xl-xsk
all: $(XSK_TOOLS)

$(B)/bpf/xl_xsk.bpf.o: tests/bpf/xl_xsk.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/tests/xl-xsk: tests/tools/xl-xsk.c lib/xl-util.h | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lxdp -lbpf
