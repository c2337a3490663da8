# tests/attack/programs.mk, included by the top-level Makefile: what
# programs.bats loads and passes (vl-pass is built in lib/varlink/varlink.mk).
all: $(B)/bpf/xl_vet.bpf.o $(B)/bpf/xl_vet_swapped.bpf.o

$(B)/bpf/xl_vet.bpf.o: tests/bpf/xl_vet.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The same programs, xl_vet_count counting in another row: the file a
# caller swaps in after its attach.
$(B)/bpf/xl_vet_swapped.bpf.o: tests/bpf/xl_vet.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -DXL_VET_SWAPPED -c $< -o $@
