# xdplinkd — top-level build. Plain GNU make; everything lands in build/.
#   make            library, BPF objects, tools
#   make check      unit tests, host kernel tests, VM kernel tests
#   make install    PREFIX=/usr/local DESTDIR= (LIBDIR: multiarch on Debian)
#   make uninstall  the same variables: removes exactly what install put there
#   make SANITIZE=1 build with ASan+UBSan into build-asan/ (make check SANITIZE=1:
#                   the whole suite against that build)
#   make SANITIZE=thread  build with ThreadSanitizer into build-tsan/
#   make check-tsan the daemon's end-to-end suites, the torture and the
#                   lifetime stress test against build-tsan/ (host only)

PREFIX ?= /usr/local
# Debian's multiarch directory (lib/x86_64-linux-gnu), where ld.so and
# pkg-config look on Debian, for /usr and /usr/local alike; plain lib where
# dpkg-architecture is not there. Either is overridable: MULTIARCH= or LIBDIR=.
ifeq ($(origin MULTIARCH),undefined)
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
endif
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
DOCDIR ?= $(PREFIX)/share/doc/xdplinkd
DESTDIR ?=

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
ifeq ($(SANITIZE),1)
B ?= build-asan
else ifeq ($(SANITIZE),thread)
B ?= build-tsan
else
B ?= build
endif

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC \
	-Ilib/include -Ilib -Ibpf -I$(B)/gen
LDLIBS := -lxdp -lbpf -ljansson -lelf -lz
BPF_CFLAGS := -O2 -g -mcpu=v3 -target bpf -I$(ARCH_INC) -Ibpf -Wall -Werror

ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
# The test suites fail on any sanitizer report of the daemon they drive.
export XL_SANITIZE := 1
endif
ifeq ($(SANITIZE),thread)
CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
# The same: any ThreadSanitizer report of the daemon fails the test
# (TSAN_OPTIONS and the reports' files: tests/integration/sanitizer.bash).
export XL_SANITIZE := thread
endif
# Every test script finds the binaries it tests through this.
export XL_BUILD := $(abspath $(B))
# Suites' names in the results: the sanitizer passes' are told apart.
SUITE := $(if $(filter 1,$(SANITIZE)),-asan,$(if $(filter thread,$(SANITIZE)),-tsan))

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
# The dispatcher in each size the engine picks from (bpf/xl_dispatcher.bpf.c).
DISPATCHERS := xl_dispatcher4 xl_dispatcher10 xl_dispatcher16 xl_dispatcher32 xl_dispatcher
SKELS := $(DISPATCHERS:%=$(B)/gen/%.skel.h) $(B)/gen/xl_probe.skel.h $(B)/gen/xl_vet_warm.skel.h
TEST_BPF := $(B)/bpf/xl_test_progs.bpf.o
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test-*.c))
TOOLS := $(B)/xl-engine $(B)/tests/xl-stale $(B)/tests/xl-kcount

.SECONDARY:
.PHONY: bench-e2e install-lib uninstall uninstall-lib all check check-unit check-host check-valgrind check-vm check-kernel install clean bench demo
all: $(B)/libxdplink.a $(B)/libxdplink.so $(TOOLS) $(TEST_BPF)

$(B)/bpf/%.bpf.o: bpf/%.bpf.c bpf/xl_dispatcher.h | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(DISPATCHERS:%=$(B)/bpf/%.bpf.o): bpf/xl_dispatcher.bpf.c

$(B)/bpf/xl_test_progs.bpf.o: tests/bpf/xl_test_progs.bpf.c | $(B)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/gen/%.skel.h: $(B)/bpf/%.bpf.o | $(B)/gen
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h lib/include/xdplink/*.h) bpf/xl_dispatcher.h $(SKELS) | $(B)/lib
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libxdplink.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/libxdplink.so: $(LIB_OBJS) lib/libxdplink.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libxdplink.so.0 \
		-Wl,--version-script,lib/libxdplink.map -o $@ $(LIB_OBJS) $(LDLIBS)

$(B)/xl-engine: tests/tools/xl-engine.c $(B)/libxdplink.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink.a $(LDLIBS)

BENCH_SRCS := $(filter-out tests/bench/list-bench.c,$(wildcard tests/bench/*.c))
$(B)/tests/xl-bench: $(BENCH_SRCS) tests/bench/bench.h $(B)/libxdplink.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BENCH_SRCS) $(B)/libxdplink.a $(LDLIBS)

$(B)/tests/xl-kcount: tests/tools/xl-kcount.c | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(B)/tests/xl-stale: tests/integration/xl-stale.c $(B)/libxdplink.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink.a $(LDLIBS)

# Each part of the tree builds from its own fragment; they add to all,
# install and the unit-test list.
include lib/varlink/varlink.mk
include daemon/daemon.mk
include client/client.mk
include client/cni/cni.mk
include systemd/systemd.mk
include tests/fuzz/fuzz.mk
include tests/torture/torture.mk
include tests/bench/load.mk
include tests/bench/zero-gap.mk
include tests/bench/scale.mk
include tests/bench/e2e.mk
include tests/corpus/corpus.mk
include tests/tools/xsk.mk
include tests/attack/programs.mk

$(B)/tests/test-%: tests/unit/test-%.c $(B)/libxdplink.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink.a $(LDLIBS) -lcmocka

$(B)/bpf $(B)/gen $(B)/lib $(B)/tests:
	mkdir -p $@

# Unit tests: pure logic, no kernel.
check-unit: $(UNIT_TESTS)
	tests/run-suite unit$(SUITE) $(UNIT_TESTS)

# Kernel tests on this host's kernel (degraded mode where lockdown forbids freplace).
# The end-to-end suites: the real daemon and xdpctl.
E2E_HOST := $(addprefix tests/integration/,daemon.bats bad-input.bats xdpctl.bats netns.bats \
	lifetime.bats access.bats hotplug.bats cni.bats slow-client.bats afxdp.bats neighbours.bats \
	corpus.bats damage.bats adopt.bats apply.bats change.bats version.bats metrics.bats \
	logs.bats check-config.bats status.bats manifests.bats)
# The attack suite (issue 12) is host-only: its latency and RSS limits mean nothing under valgrind.
check-host: all
	tests/run-suite host$(SUITE) tests/integration/host.bats $(E2E_HOST) tests/attack/attack.bats \
		tests/attack/callers.bats tests/attack/programs.bats tests/vm/kernel-choice.bats
	tests/torture/run --kills $(TORTURE_HOST_KILLS)

# ThreadSanitizer: the end-to-end suites, the torture and B1's stress test
# (connection-lifetime changes whose client dies mid-load) against
# build-tsan/, on this host only (TSan under the VM's TCG would take hours).
# Any report of a daemon fails the test that drove it
# (tests/integration/sanitizer.bash; suppressions: tests/tsan.supp).
TORTURE_TSAN_KILLS ?= 10
LIFETIME_STRESS_RUNS ?= 1000
.PHONY: check-tsan
ifeq ($(SANITIZE),thread)
check-tsan: all
	s=0; tests/run-suite e2e$(SUITE) $(E2E_HOST) || s=1; \
	tests/torture/run --kills $(TORTURE_TSAN_KILLS) || s=1; \
	tests/torture/lifetime-stress --runs $(LIFETIME_STRESS_RUNS) || s=1; exit $$s
else
check-tsan:
	$(MAKE) --no-print-directory SANITIZE=thread check-tsan
endif

# The Debian packages (dpkg-buildpackage in a clean copy of HEAD, installed
# into a clean root, run) and the container image built from them: once per
# CI run, not per sanitizer pass; a few minutes, and Debian's archive
# (mmdebstrap). The test program and tools come from $(B).
.PHONY: check-package
check-package: all
	tests/run-suite package tests/integration/package.bats tests/integration/container.bats

# The same suites with the daemon under valgrind memcheck: any leak or invalid
# access fails the test that caused it (daemon_teardown in daemon-helpers.bash).
check-valgrind: all
	XL_VALGRIND=1 tests/run-suite valgrind $(E2E_HOST)

# Kernel tests that need freplace: inside the VM unless this kernel allows it.
# The suite is named after the kernel's series (kernel-6.1, kernel-6.12).
# The torture runs even when a bats test failed, so that its count is there.
# A suite is a name under tests/integration/ or a path (tests/attack/programs.bats).
KERNEL_SUITES ?= kernel daemon-kernel zero-gap afxdp neighbours corpus damage adopt change-kernel cni status-kernel metrics \
	tests/attack/programs.bats
check-kernel: all
	s=0; tests/run-suite kernel-$$(uname -r | cut -d. -f1-2)$(SUITE) \
		$(foreach t,$(KERNEL_SUITES),$(if $(findstring /,$(t)),$(t),tests/integration/$(t).bats)) \
		|| s=1; \
	[ "$(TORTURE_CHECK_KILLS)" = 0 ] || tests/torture/run --kills $(TORTURE_CHECK_KILLS) || s=1; exit $$s

# The kernel suite in the VM, once per Debian kernel (tests/vm/run --kernel).
VM_KERNELS ?= 6.1 6.12
check-vm: all
	s=0; for k in $(VM_KERNELS); do tests/vm/run --kernel $$k -- make --no-print-directory \
		B=$(abspath $(B)) $(if $(SANITIZE),SANITIZE=$(SANITIZE)) check-kernel || s=1; done; exit $$s

check: all
	tests/run-all

bench: all $(B)/tests/xl-bench $(B)/tests/list-bench $(E2E_TOOLS)
	tests/bench/run
	tests/bench/e2e

# End to end only: xdpctl and xdplinkd against xdp-loader (tests/bench/e2e).
bench-e2e: all $(B)/tests/list-bench $(B)/tests/xl-bench $(E2E_TOOLS)
	tests/bench/e2e

demo: all
	tests/demo/run

install: install-lib
install-lib: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/xdplink $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(DOCDIR)
	install -m 0644 $(B)/libxdplink.a $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(B)/libxdplink.so $(DESTDIR)$(LIBDIR)/libxdplink.so.0
	ln -sf libxdplink.so.0 $(DESTDIR)$(LIBDIR)/libxdplink.so
	install -m 0644 lib/include/xdplink/xdplink.h $(DESTDIR)$(INCLUDEDIR)/xdplink/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		lib/libxdplink.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libxdplink.pc
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/

# Each fragment's uninstall-* sits beside its install-* and removes the same
# files (tests/integration/package.bats checks that nothing is left). Then
# the directories that are ours alone go, innermost first, if empty: shared
# ones (bin, lib, man8...) stay, as with automake.
UNINSTALL_DIRS += $(INCLUDEDIR)/xdplink $(DOCDIR)
uninstall: uninstall-lib
	for d in $(UNINSTALL_DIRS); do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done
uninstall-lib:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,libxdplink.a libxdplink.so.0 libxdplink.so \
		pkgconfig/libxdplink.pc) $(DESTDIR)$(INCLUDEDIR)/xdplink/xdplink.h \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(wildcard docs/*.md)))

clean:
	rm -rf $(B)
