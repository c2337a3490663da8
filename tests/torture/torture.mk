# tests/torture/torture.mk, included by the top-level Makefile: crash torture.
TORTURE_KILLS ?= 200
TORTURE_CHECK_KILLS ?= 20
# In degraded mode on a locked-down host: one program per set, fewer steps.
TORTURE_HOST_KILLS ?= 10
all: $(B)/tests/torture-check

$(B)/tests/torture-check: tests/torture/torture-check.c $(B)/libxdplink.a | $(B)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libxdplink.a $(LDLIBS)

# The full run, where freplace works (in the VM otherwise); make check runs 20.
torture: all
	if $(B)/xl-engine --root /sys/fs/bpf/xl-probe-torture --state $(B)/probe-torture probe 2>/dev/null | \
		grep -q 'freplace yes'; then tests/torture/run --kills $(TORTURE_KILLS); \
	else XL_VM_TIMEOUT=$${XL_VM_TIMEOUT:-5400} XL_VM_ENV="XL_BUILD XL_SANITIZE" tests/vm/run -- tests/torture/run --kills $(TORTURE_KILLS); fi
.PHONY: torture
