# systemd/systemd.mk, included by the top-level Makefile: units, tmpfiles,
# sysusers, the default configuration, the IDL and the man pages.
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
VARLINKDIR ?= $(PREFIX)/share/varlink
MANPAGES := $(wildcard docs/man/*.[58])

install: install-systemd
# The unit names the daemon where this install puts it.
install-systemd:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/xdplinkd/interfaces.d $(DESTDIR)$(VARLINKDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' systemd/xdplinkd.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/xdplinkd.service
	install -m 0644 systemd/xdplinkd.socket $(DESTDIR)$(SYSTEMDUNITDIR)/
	sed -e 's|@BINDIR@|$(BINDIR)|g' systemd/xdplink-exporter.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/xdplink-exporter.service
	install -m 0644 systemd/xdplink-exporter.socket $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 0644 systemd/xdplinkd.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/xdplinkd.conf
	install -m 0644 systemd/xdplinkd.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/xdplinkd.conf
	install -m 0644 config/xdplinkd.conf $(DESTDIR)$(SYSCONFDIR)/xdplinkd/xdplinkd.conf
	install -m 0644 config/interfaces.d/README $(DESTDIR)$(SYSCONFDIR)/xdplinkd/interfaces.d/
	install -m 0644 daemon/io.xdplink.Manager.varlink $(DESTDIR)$(VARLINKDIR)/
	for p in $(MANPAGES); do \
		install -m 0644 "$$p" "$(DESTDIR)$(MANDIR)/man$${p##*.}/"; done

# The configuration goes only if it is still what install put there: an
# administrator's edits and interface files stay, and so does their directory.
uninstall: uninstall-systemd
uninstall-systemd:
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,xdplinkd.service xdplinkd.socket \
		xdplink-exporter.service xdplink-exporter.socket) \
		$(DESTDIR)$(TMPFILESDIR)/xdplinkd.conf $(DESTDIR)$(SYSUSERSDIR)/xdplinkd.conf \
		$(DESTDIR)$(VARLINKDIR)/io.xdplink.Manager.varlink \
		$(foreach p,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(p)))/$(notdir $(p)))
	for f in xdplinkd.conf:config/xdplinkd.conf interfaces.d/README:config/interfaces.d/README; do \
		t="$(DESTDIR)$(SYSCONFDIR)/xdplinkd/$${f%%:*}"; \
		if cmp -s "$$t" "$${f#*:}"; then rm -f "$$t"; \
		elif [ -e "$$t" ]; then echo "uninstall: kept $$t: changed since install"; fi; done
UNINSTALL_DIRS += $(SYSCONFDIR)/xdplinkd/interfaces.d $(SYSCONFDIR)/xdplinkd $(VARLINKDIR)
.PHONY: install-systemd uninstall-systemd

# xdplink-exporter (client/exporter/) beside its units, whose ExecStart
# names it where this puts it.
install: install-exporter
install-exporter: $(B)/xdplink-exporter
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/xdplink-exporter $(DESTDIR)$(BINDIR)/xdplink-exporter
uninstall: uninstall-exporter
uninstall-exporter:
	rm -f $(DESTDIR)$(BINDIR)/xdplink-exporter
.PHONY: install-exporter uninstall-exporter
