#!/usr/bin/env bats
# tests/vm/run --kernel K picks exactly the Debian kernel asked for (issue
# 10: the old glob vmlinuz-6.1*-amd64 took 6.12 on a machine with both).
# A fake /boot and /lib/modules (XL_VM_SYSROOT) hold the kernels Debian 12
# installs; nothing boots.

RUN=$BATS_TEST_DIRNAME/run

setup() {
	export XL_VM_SYSROOT=$BATS_TEST_TMPDIR/root
	unset XL_VM_KERNEL
	for k in 6.1.0-9-amd64 6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.1.0-57-rt-amd64 \
		6.12.118+deb12-amd64 6.10.3-amd64; do
		kernel "$k"
	done
}

# kernel KVER [nomodules]: /boot/vmlinuz-KVER, with its modules unless told.
kernel() {
	mkdir -p "$XL_VM_SYSROOT/boot"
	: > "$XL_VM_SYSROOT/boot/vmlinuz-$1"
	[ "${2:-}" = nomodules ] || mkdir -p "$XL_VM_SYSROOT/lib/modules/$1/kernel"
}

chosen() { "$RUN" "$@" --print-kernel; }

@test "--kernel 6.1 takes the newest 6.1, never 6.12 or 6.10, nor a -cloud or -rt flavour" {
	run chosen --kernel 6.1
	[ "$status" -eq 0 ]
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-57-amd64" ]
}

@test "--kernel 6.12 takes Debian's 6.12" {
	run chosen --kernel 6.12
	[ "$status" -eq 0 ]
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.12.118+deb12-amd64" ]
}

@test "the default is 6.1; XL_VM_KERNEL chooses too, and --kernel wins over it" {
	run chosen
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-57-amd64" ]
	XL_VM_KERNEL=6.12 run chosen
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.12.118+deb12-amd64" ]
	XL_VM_KERNEL=6.12 run chosen --kernel 6.1
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-57-amd64" ]
}

@test "a full version is taken exactly" {
	run chosen --kernel 6.1.0-9-amd64
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-9-amd64" ]
	run chosen --kernel 6.1.0-57-cloud-amd64
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-57-cloud-amd64" ]
}

@test "a kernel without its modules is passed over" {
	kernel 6.1.0-99-amd64 nomodules
	run chosen --kernel 6.1
	[ "$output" = "$XL_VM_SYSROOT/boot/vmlinuz-6.1.0-57-amd64" ]
}

@test "a series that is not installed fails with 125 and says which" {
	run chosen --kernel 6.6
	[ "$status" -eq 125 ]
	[[ "$output" == *"no kernel 6.6"* ]]
	rm -rf "$XL_VM_SYSROOT/lib/modules/6.12.118+deb12-amd64"
	run chosen --kernel 6.12
	[ "$status" -eq 125 ]
}

@test "a malformed --kernel is a usage error" {
	run "$RUN" --kernel six -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"six is no kernel version"* ]]
	run "$RUN" --kernel
	[ "$status" -eq 2 ]
}
