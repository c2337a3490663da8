# client/cni/cni.mk, included by the top-level Makefile after client/client.mk:
# the xdplink CNI plugin, built as $(B)/xdplink-cni and installed as "xdplink",
# the name a network configuration's "type" gives.
CNI_BINDIR ?= $(PREFIX)/lib/cni
# Everything but main() is shared with the unit test.
CNI_SRCS := $(filter-out client/cni/xdplink-cni.c,$(wildcard client/cni/*.c))
CNI_OBJS := $(CNI_SRCS:client/cni/%.c=$(B)/client/cni/%.o)
CNI_CFLAGS := -Iclient/cni
all: $(B)/xdplink-cni

$(B)/client/cni/%.o: client/cni/%.c $(wildcard client/cni/*.h) \
		lib/include/xdplink/xdplink-client.h lib/xl-util.h | $(B)/client/cni
	$(CC) $(CFLAGS) $(CNI_CFLAGS) -c $< -o $@

# Like xdpctl, only the client library and jansson: runtimes start a plugin
# per container and interface, and libbpf would only slow that down.
$(B)/xdplink-cni: $(B)/client/cni/xdplink-cni.o $(CNI_OBJS) $(B)/libxdplink-client.a
	$(call cli_link,$@,$^ $(XLC_LIBS))

$(B)/client/cni:
	mkdir -p $@

# The parser alone; the generic $(B)/tests/test-% rule links libxdplink.a instead.
$(B)/tests/test-cni-config: tests/unit/test-cni-config.c $(B)/client/cni/cni-config.o \
		$(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(CNI_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/client/cni/cni-config.o \
		$(B)/libxdplink-client.a $(XLC_LIBS) -lcmocka

check-cni: $(B)/xdplink-cni $(B)/xdplinkd $(B)/xdpctl $(TEST_BPF) $(B)/tests/test-cni-config
	tests/run-suite cni-unit $(B)/tests/test-cni-config
	XL_BUILD=$(B) tests/run-suite cni tests/integration/cni.bats
.PHONY: check-cni

install: install-cni
install-cni: $(B)/xdplink-cni
	install -d $(DESTDIR)$(CNI_BINDIR)
	install -m 0755 $(B)/xdplink-cni $(DESTDIR)$(CNI_BINDIR)/xdplink
uninstall: uninstall-cni
uninstall-cni:
	rm -f $(DESTDIR)$(CNI_BINDIR)/xdplink
UNINSTALL_DIRS += $(CNI_BINDIR)
.PHONY: install-cni uninstall-cni
