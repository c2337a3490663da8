# client/client.mk, included by the top-level Makefile: libxdplink-client and xdpctl.
XLC_SRCS := $(wildcard lib/client/*.c)
XLC_OBJS := $(XLC_SRCS:lib/client/%.c=$(B)/lib/client/%.o)
# The varlink client and what it needs, linked into the library itself, so
# that it depends on nothing of ours. Only its public header is exported.
XLC_DEP_OBJS := $(addprefix $(B)/lib/varlink/,vl-client.o vl-frame.o vl-message.o) \
	$(B)/lib/xl-actions.o $(B)/lib/xl-escape.o
XLC_LIBS := -ljansson
# xdpctl: everything but main() goes into an archive the unit tests link too.
XDPCTL_SRCS := $(filter-out client/xdpctl.c,$(wildcard client/*.c))
XDPCTL_OBJS := $(XDPCTL_SRCS:client/%.c=$(B)/client/%.o)
CLIENT_CFLAGS := -Ilib/varlink -Ilib/client -Iclient -DXD_VERSION='"$(XD_VERSION)"'
XDPCTL_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test-xdpctl-*.c))
# Where bash-completion loads completions on demand: it searches
# $XDG_DATA_DIRS/bash-completion/completions (/usr/local/share, /usr/share)
# besides its own completionsdir, which pkg-config would give as /usr/share
# whatever our PREFIX.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
all: $(B)/libxdplink-client.a $(B)/libxdplink-client.so $(B)/xdpctl

$(B)/lib/client/%.o: lib/client/%.c lib/include/xdplink/xdplink-client.h \
		$(wildcard lib/client/*.h lib/varlink/*.h) lib/xl-util.h | $(B)/lib/client
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) -c $< -o $@

$(B)/client/%.o: client/%.c $(wildcard client/*.h) lib/include/xdplink/xdplink-client.h \
		lib/xl-util.h | $(B)/client
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) -c $< -o $@

$(B)/libxdplink-client.a: $(XLC_OBJS) $(XLC_DEP_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/libxdplink-client.so: $(XLC_OBJS) $(XLC_DEP_OBJS) lib/libxdplink-client.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libxdplink-client.so.0 \
		-Wl,--version-script,lib/libxdplink-client.map -Wl,--no-undefined \
		-o $@ $(XLC_OBJS) $(XLC_DEP_OBJS) $(XLC_LIBS)

$(B)/client/libxdpctl.a: $(XDPCTL_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# Only jansson and inih: a CLI that starts fast does not link libbpf.
# xdpctl and the CNI plugin are exec'd once per command or container, and
# the dynamic loader is most of a start: under qemu TCG a dynamic xdpctl
# took 78 ms to print its version, a static one 22 ms (/bin/true: 55 ms).
# So both link statically where the archives are there (libc6-dev,
# libjansson-dev, libinih-dev; neither uses NSS), and dynamically under a
# sanitizer, with XL_STATIC_CLI=0, or where the static link fails.
XL_STATIC_CLI ?= $(if $(SANITIZE),0,1)
cli_link = $(if $(filter 1,$(XL_STATIC_CLI)),$(CC) $(LDFLAGS) -static -o $(1) $(2) 2>/dev/null || )$(CC) $(LDFLAGS) -o $(1) $(2)
$(B)/xdpctl: $(B)/client/xdpctl.o $(B)/client/libxdpctl.a $(B)/libxdplink-client.a
	$(call cli_link,$@,$^ $(XLC_LIBS) -linih)

$(B)/lib/client $(B)/client:
	mkdir -p $@

# xdplink-exporter: its own fragment.
include client/exporter/exporter.mk

# Unit tests of xdpctl and the client library: pure logic, no daemon.
$(XDPCTL_TESTS): $(B)/tests/test-xdpctl-%: tests/unit/test-xdpctl-%.c $(B)/client/libxdpctl.a \
		$(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/client/libxdpctl.a \
		$(B)/libxdplink-client.a $(XLC_LIBS) -linih -lcmocka

$(B)/tests/test-progset: tests/unit/test-progset.c $(B)/client/libxdpctl.a \
		$(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/client/libxdpctl.a \
		$(B)/libxdplink-client.a $(XLC_LIBS) -linih -lcmocka

$(B)/tests/list-bench: tests/bench/list-bench.c $(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink-client.a $(XLC_LIBS)

check-xdpctl: $(B)/xdpctl $(XDPCTL_TESTS) $(B)/tests/test-progset
	tests/run-suite xdpctl-unit $(XDPCTL_TESTS) $(B)/tests/test-progset
	XL_BUILD=$(B) tests/run-suite xdpctl-cli tests/integration/xdpctl.bats
.PHONY: check-xdpctl

install: install-client
install-client: $(B)/libxdplink-client.a $(B)/libxdplink-client.so $(B)/xdpctl
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/xdplink $(DESTDIR)$(BINDIR)
	install -m 0644 $(B)/libxdplink-client.a $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(B)/libxdplink-client.so $(DESTDIR)$(LIBDIR)/libxdplink-client.so.0
	ln -sf libxdplink-client.so.0 $(DESTDIR)$(LIBDIR)/libxdplink-client.so
	# xdplink-client.h includes xdplink.h: a client-only install needs both.
	install -m 0644 lib/include/xdplink/xdplink.h lib/include/xdplink/xdplink-client.h \
		$(DESTDIR)$(INCLUDEDIR)/xdplink/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(XD_VERSION)|' \
		lib/libxdplink-client.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libxdplink-client.pc
	install -m 0755 $(B)/xdpctl $(DESTDIR)$(BINDIR)/xdpctl
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 client/completion/xdpctl.bash $(DESTDIR)$(BASHCOMPDIR)/xdpctl
uninstall: uninstall-client
uninstall-client:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,libxdplink-client.a libxdplink-client.so.0 \
		libxdplink-client.so pkgconfig/libxdplink-client.pc) \
		$(DESTDIR)$(INCLUDEDIR)/xdplink/xdplink.h $(DESTDIR)$(INCLUDEDIR)/xdplink/xdplink-client.h \
		$(DESTDIR)$(BINDIR)/xdpctl $(DESTDIR)$(BASHCOMPDIR)/xdpctl
UNINSTALL_DIRS += $(BASHCOMPDIR) $(dir $(BASHCOMPDIR))
.PHONY: install-client uninstall-client
