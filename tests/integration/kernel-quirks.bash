# tests/integration/kernel-quirks.bash: skips for kernels with a known fault
# that is not ours. Each skip names the fault, so it shows in the TAP output
# and in make check's skip count.

# skip_swaps_under_traffic: leave out a test that replaces XDP programs while
# packets flow, on Linux 6.12. Measured (issue 10): Debian's 6.12 under qemu
# TCG panics ("Oops: int3" in bpf_dispatcher_xdp_func: the kernel patches
# its XDP dispatcher's jump on every program change) when an XDP program is
# replaced under traffic, even with a loop of plain
# `ip -force link set dev X xdpdrv obj ...` and no xdplinkd; 6.1 survives the
# same loop. XL_TRAFFIC_SWAPS=1 runs the test anyway (real hardware, say).
skip_swaps_under_traffic() {
	[[ ${XL_TRAFFIC_SWAPS:-} == 1 ]] && return 0
	local kver
	kver=$(uname -r)
	case $kver in
	6.12.*)
		skip "Linux $kver under qemu TCG panics when an XDP program is replaced under traffic (Oops: int3 in bpf_dispatcher_xdp_func, also with plain ip link and no xdplinkd; issue 10). XL_TRAFFIC_SWAPS=1 runs it"
		;;
	esac
}
