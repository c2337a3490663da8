# tests/corpus/corpus.mk, included by the top-level Makefile: the corpus of
# XDP program shapes (tests/corpus/README.md) that
# tests/integration/corpus.bats takes through the daemon, and xl-peek, its
# reader of maps and counters.
CORPUS_OBJS := $(patsubst tests/corpus/%.bpf.c,$(B)/corpus/%.bpf.o,$(wildcard tests/corpus/*.bpf.c))
all: $(CORPUS_OBJS) $(B)/tests/xl-peek

$(B)/corpus/%.bpf.o: tests/corpus/%.bpf.c tests/corpus/corpus.h | $(B)/corpus
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/corpus:
	mkdir -p $@

$(B)/tests/xl-peek: tests/corpus/xl-peek.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lbpf
