# tests/fuzz/fuzz.mk, included by the top-level Makefile: libFuzzer harnesses
# (clang -fsanitize=fuzzer,address,undefined) for what clients and files feed
# the daemon and xdpctl. Each harness compiles the code it fuzzes itself, so
# that libFuzzer sees its coverage; the rest links from the normal build.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 15
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -Ilib/include -Ilib -Ilib/varlink -Idaemon -Iclient
FUZZERS := $(addprefix $(B)/fuzz/,fuzz-frame fuzz-params fuzz-config fuzz-progset fuzz-elf-check \
	fuzz-applyfile fuzz-http)

$(B)/fuzz:
	mkdir -p $@

$(B)/fuzz/fuzz-frame: tests/fuzz/fuzz-frame.c lib/varlink/vl-frame.c lib/varlink/vl-message.c \
		$(wildcard lib/varlink/*.h) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljansson

$(B)/fuzz/fuzz-params: tests/fuzz/fuzz-params.c daemon/params.c lib/varlink/vl-dispatch.c \
		lib/varlink/vl-message.c lib/xl-actions.c daemon/params.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljansson

$(B)/fuzz/fuzz-config: tests/fuzz/fuzz-config.c daemon/config.c daemon/netconfig.c tests/fuzz/fuzz-file.h \
		lib/xl-actions.c daemon/config.h daemon/netconfig.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -linih

$(B)/fuzz/fuzz-progset: tests/fuzz/fuzz-progset.c client/progset.c client/progset.h tests/fuzz/fuzz-file.h \
		$(B)/client/libxdpctl.a $(B)/libxdplink-client.a | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c %.a,$^) -ljansson -linih

# The file of xdpctl apply (its programs go through progset.c's parser too).
$(B)/fuzz/fuzz-applyfile: tests/fuzz/fuzz-applyfile.c client/applyfile.c client/applyfile.h \
		client/progset.c client/progset.h tests/fuzz/fuzz-file.h \
		$(B)/client/libxdpctl.a $(B)/libxdplink-client.a | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c %.a,$^) -ljansson -linih

# An object's section headers, checked before libbpf reads them.
$(B)/fuzz/fuzz-elf-check: tests/fuzz/fuzz-elf-check.c lib/xl-elf-check.c lib/xl-elf-check.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# xdplink-exporter's HTTP request heads, as anyone who reaches its port sends them.
$(B)/fuzz/fuzz-http: tests/fuzz/fuzz-http.c client/exporter/http.c client/exporter/http.h \
		client/exporter/render.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iclient/exporter -o $@ $(filter %.c,$^)

# make fuzz [FUZZ_SECONDS=3600]: every harness for that long, one after another.
fuzz: $(FUZZERS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZERS)

# The short run that make check does.
check-fuzz: $(FUZZERS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZERS)
.PHONY: fuzz check-fuzz
