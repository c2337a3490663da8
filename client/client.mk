# client/client.mk, included by the top-level Makefile: libxdplink-client and xdpctl.
XLC_SRCS := $(wildcard lib/client/*.c)
XLC_OBJS := $(XLC_SRCS:lib/client/%.c=$(B)/lib/client/%.o)
# The varlink client and what it needs, linked into the library itself.
XLC_VL_OBJS := $(addprefix $(B)/lib/varlink/,vl-client.o vl-frame.o vl-message.o) \
	$(B)/lib/xl-actions.o
XDPCTL_SRCS := $(wildcard client/*.c)
XDPCTL_OBJS := $(XDPCTL_SRCS:client/%.c=$(B)/client/%.o)
CLIENT_CFLAGS := -Ilib/varlink -Iclient -DXD_VERSION='"$(XD_VERSION)"'
all: $(B)/libxdplink-client.a $(B)/libxdplink-client.so $(B)/xdpctl

$(B)/lib/client/%.o: lib/client/%.c lib/include/xdplink/xdplink-client.h $(wildcard lib/varlink/*.h) | $(B)/lib/client
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) -c $< -o $@

$(B)/client/%.o: client/%.c $(wildcard client/*.h) lib/include/xdplink/xdplink-client.h | $(B)/client
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) -c $< -o $@

$(B)/libxdplink-client.a: $(XLC_OBJS) $(XLC_VL_OBJS)
	$(AR) rcs $@ $^

$(B)/libxdplink-client.so: $(XLC_OBJS) $(XLC_VL_OBJS) lib/libxdplink-client.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libxdplink-client.so.0 \
		-Wl,--version-script,lib/libxdplink-client.map -o $@ $(XLC_OBJS) $(XLC_VL_OBJS) -ljansson

# Only jansson and inih: a CLI that starts fast does not link libbpf.
$(B)/xdpctl: $(XDPCTL_OBJS) $(B)/libxdplink-client.a
	$(CC) $(LDFLAGS) -o $@ $(XDPCTL_OBJS) $(B)/libxdplink-client.a -ljansson -linih

$(B)/lib/client $(B)/client:
	mkdir -p $@

install: install-client
install-client: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/xdplink $(DESTDIR)$(BINDIR)
	install -m 0644 $(B)/libxdplink-client.a $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(B)/libxdplink-client.so $(DESTDIR)$(LIBDIR)/libxdplink-client.so.0
	ln -sf libxdplink-client.so.0 $(DESTDIR)$(LIBDIR)/libxdplink-client.so
	install -m 0644 lib/include/xdplink/xdplink-client.h $(DESTDIR)$(INCLUDEDIR)/xdplink/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		lib/libxdplink-client.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libxdplink-client.pc
	install -m 0755 $(B)/xdpctl $(DESTDIR)$(BINDIR)/xdpctl
.PHONY: install-client

$(B)/tests/test-progset: tests/unit/test-progset.c $(B)/client/progset.o $(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/client/progset.o \
		$(B)/libxdplink-client.a -ljansson -linih -lcmocka

$(B)/tests/list-bench: tests/bench/list-bench.c $(B)/libxdplink-client.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink-client.a -ljansson
