# daemon/daemon.mk, included by the top-level Makefile: xdplinkd.
SBINDIR ?= $(PREFIX)/sbin
XD_VERSION ?= 0.1.0

DAEMON_SRCS := $(filter-out daemon/config.c,$(wildcard daemon/*.c))
DAEMON_OBJS := $(DAEMON_SRCS:daemon/%.c=$(B)/daemon/%.o) $(B)/daemon/config.o
DAEMON_CFLAGS := -Idaemon -Ilib/varlink -DXD_VERSION='"$(XD_VERSION)"' -pthread \
	$(shell pkg-config --cflags libnl-route-3.0)
all: $(B)/xdplinkd

# The IDL file is the one source: GetInterfaceDescription returns it verbatim.
$(B)/gen/xdplinkd-idl.h: daemon/io.xdplink.Manager.varlink | $(B)/gen
	{ echo '/* Generated from $<; do not edit. */'; \
	  echo 'static const char xd_manager_idl[] ='; \
	  sed -e 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

$(B)/daemon/%.o: daemon/%.c $(wildcard daemon/*.h) lib/include/xdplink/xdplink.h \
		$(wildcard lib/varlink/*.h) $(B)/gen/xdplinkd-idl.h | $(B)/daemon
	$(CC) $(CFLAGS) $(DAEMON_CFLAGS) -c $< -o $@

$(B)/xdplinkd: $(DAEMON_OBJS) $(B)/libxdplink.a $(B)/libxlvarlink.a
	$(CC) $(LDFLAGS) -pthread -o $@ $(DAEMON_OBJS) $(B)/libxlvarlink.a $(B)/libxdplink.a \
		$(LDLIBS) -lsystemd -linih $(shell pkg-config --libs libnl-route-3.0)

$(B)/daemon:
	mkdir -p $@

install: install-daemon
install-daemon: $(B)/xdplinkd
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(B)/xdplinkd $(DESTDIR)$(SBINDIR)/xdplinkd
uninstall: uninstall-daemon
uninstall-daemon:
	rm -f $(DESTDIR)$(SBINDIR)/xdplinkd
.PHONY: install-daemon uninstall-daemon

$(B)/tests/test-quota: tests/unit/test-quota.c $(B)/daemon/quota.o | $(B)/tests
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $< $(B)/daemon/quota.o -lcmocka

$(B)/tests/test-config: tests/unit/test-config.c $(B)/daemon/config.o | $(B)/tests
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $< $(B)/daemon/config.o -linih -lcmocka

# Stands in for systemd's notification socket in the daemon tests.
all: $(B)/tests/notify-sink
$(B)/tests/notify-sink: tests/tools/notify-sink.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Interface files (daemon/netconfig.c); the library brings xl_actions_parse().
$(B)/tests/test-netconfig: tests/unit/test-netconfig.c $(B)/daemon/netconfig.o $(B)/libxdplink.a \
		| $(B)/tests
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $< $(B)/daemon/netconfig.o $(B)/libxdplink.a \
		$(LDLIBS) -linih -lcmocka

$(B)/tests/test-access: tests/unit/test-access.c $(B)/daemon/access.o | $(B)/tests
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $< $(B)/daemon/access.o -lcmocka

# A change's operations against the live set (daemon/change.c), and their
# parameters (daemon/params.c): pure.
$(B)/tests/test-change: tests/unit/test-change.c $(B)/daemon/change.o $(B)/daemon/params.o \
		$(B)/libxlvarlink.a $(B)/lib/xl-actions.o | $(B)/tests
	$(CC) $(CFLAGS) -Idaemon -Ilib/varlink $(LDFLAGS) -o $@ $< $(B)/daemon/change.o \
		$(B)/daemon/params.o $(B)/libxlvarlink.a $(B)/lib/xl-actions.o -ljansson -lcmocka

# The log's audit trail (daemon/audit.c): pure but for one /proc read.
$(B)/tests/test-audit: tests/unit/test-audit.c $(B)/daemon/audit.o $(B)/lib/xl-escape.o | $(B)/tests
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $< $(B)/daemon/audit.o $(B)/lib/xl-escape.o \
		-ljansson -lcmocka
