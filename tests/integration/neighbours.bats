#!/usr/bin/env bats
# Neighbours (issue 10): other XDP loaders on the same machine.
#
# On an interface xdplinkd holds (one XDP bpf_link), xdp-loader, xdp-filter
# (libxdp both) and iproute2 (`ip link set ... xdp*`, with -force too) must
# fail and change nothing: the link, the program the kernel runs, the
# daemon's List and pins, and the traffic the daemon's program sees stay as
# they were, and no program they loaded stays in the kernel. Conversely, on
# an interface one of them holds, xdplinkd refuses with InterfaceBusy and
# names the holder, and the holder keeps running.
#
# iproute2 loads xdpdump_xdp.o, whose maps it does not pin (it pins maps
# pinned by name under /sys/fs/bpf/xdp/globals, for good).
#
# Runs on the host (degraded mode: the daemon's program alone on the link;
# libxdp falls back to one legacy program) and in tests/vm/run, where the
# daemon runs a dispatcher with two programs and xdp-loader a real libxdp
# multiprog dispatcher.

load daemon-helpers

# xdp-filter pins its maps here (a failed load too); xdp-loader pins the
# maps of xdp-tools' objects (pinned by name) under NB_PINS.
FILTER_PIN=/sys/fs/bpf/xdp-filter

setup() {
	daemon_setup
	FILTER_PIN_EXISTED=0
	[ -e "$FILTER_PIN" ] && FILTER_PIN_EXISTED=1
	LIBXDP_PIN=
	NB_PINS=$ROOT-neighbour
	daemon_start
	FREPLACE=$(daemon_freplace)
}

teardown() {
	# The neighbours' programs first: libxdp pins its dispatcher under
	# /sys/fs/bpf/xdp, which deleting the namespace would leave behind.
	in_nsb xdp-loader unload --all vb >/dev/null 2>&1 || true
	in_nsb xdp-filter unload vb >/dev/null 2>&1 || true
	[ -n "$LIBXDP_PIN" ] && rm -rf "$LIBXDP_PIN"
	[ "$FILTER_PIN_EXISTED" = 1 ] || rm -rf "$FILTER_PIN"
	rm -rf "$NB_PINS"
	daemon_teardown
}

# in_nsb CMD...: CMD in the daemon's namespace (nsenter keeps /sys/fs/bpf,
# which libxdp needs; "ip netns exec" remounts /sys).
in_nsb() { nsenter --net="/run/netns/$NSB" "$@"; }

# The daemon's programs on vb: two where freplace works (a dispatcher runs
# them), one otherwise.
daemon_attach() {
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10
	if [ "$FREPLACE" = 1 ]; then
		ctl attach vb "$OBJ" --prog xl_pass_2 --priority 20
		[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	fi
	[ "$(xdp_links_on_vb)" -eq 1 ]
}

# What a neighbour must not change, one line each: the program the kernel
# runs on vb (rtnetlink and bpftool net), the XDP links running it (bpftool
# link), the daemon's List for vb, any libxdp dispatcher pinned for an
# interface, and the daemon's pins.
vb_state() {
	local prog
	prog=$(xdp_prog_on_vb)
	echo "prog $prog"
	echo "net $(in_nsb bpftool -j net show dev vb | jq -c '[.[0].xdp[] | {mode, id}]')"
	echo "links $(bpftool -j link show |
		jq -c "[.[] | select(.type == \"xdp\" and .prog_id == $prog) | .id]")"
	echo "list $(ctl --json status vb | jq -cS .)"
	echo "libxdp $(find /sys/fs/bpf/xdp -maxdepth 1 -name 'dispatch-*' 2>/dev/null | sort | tr '\n' ' ')"
	pins
}

# pmark / neighbour_left: the programs a neighbour loaded (every name
# starts with "xdp": xdp_dispatcher, xdpfilt_*, xdpdump) that are still in
# the kernel, by id (ids only grow), so that programs other tests on the
# machine load meanwhile do not count. A failed loader's programs go when it
# exits; allow the kernel a moment to free them.
pmark() { PMARK=$(bpftool -j prog show | jq 'map(.id) | max // 0'); }
neighbour_left() {
	local left
	for _ in $(seq 1 20); do
		left=$(bpftool -j prog show |
			jq -c --argjson m "$PMARK" '[.[] | select(.id > $m and (.name | startswith("xdp"))) | .name]')
		[ "$left" = "[]" ] && return 0
		sleep 0.1
	done
	echo "programs left in the kernel: $left" >&2
	return 1
}

# unchanged CMD...: CMD, run in vb's namespace, changes nothing; the
# daemon's first program still sees every packet.
unchanged() {
	local before after sent
	before=$(vb_state)
	pmark
	run in_nsb "$@"
	echo "$* -> status $status: $output"
	after=$(vb_state)
	[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after") >&2; return 1; }
	neighbour_left
	sent=$(packets 1)
	send_udp 3
	[ "$(packets 1)" -eq $((sent + 3)) ]
}

# refused CMD...: CMD fails, and changes nothing.
refused() {
	unchanged "$@"
	[ "$status" -ne 0 ] || { echo "succeeded on an interface xdplinkd holds" >&2; return 1; }
}

# busy_refused TEXT: attaching through the daemon is refused with
# InterfaceBusy naming the holder (TEXT is part of the message), and nothing
# changes.
busy_refused() {
	local prog
	prog=$(xdp_prog_on_vb)
	[ "$prog" != 0 ]
	run ctl attach vb "$OBJ" --prog xl_pass_1
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *InterfaceBusy* ]]
	[[ "$output" == *"$1"* ]]
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	# Listed as another tool's program, none of the daemon's (issue 14).
	[ "$(ctl --json status | jq '[.interfaces[] | select(.name == "vb") | .attachments[]] | length')" -eq 0 ]
	[ "$(ctl --json status | jq '.interfaces[] | select(.name == "vb") | .unmanaged[0].programId')" = "$prog" ]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ]
}

@test "xdp-loader load fails in every mode on an interface xdplinkd holds, and changes nothing" {
	daemon_attach
	for mode in native skb unspecified; do
		refused xdp-loader load -m "$mode" -p "$NB_PINS" vb "$SYS_BPF/xdpfilt_alw_all.o"
	done
	# Two programs: libxdp's own dispatcher where the kernel has freplace.
	refused xdp-loader load -p "$NB_PINS" vb "$SYS_BPF/xdpfilt_alw_all.o" "$SYS_BPF/xdpdump_xdp.o"
}

@test "xdp-loader unload fails on an interface xdplinkd holds, and changes nothing" {
	daemon_attach
	refused xdp-loader unload --all vb
	refused xdp-loader unload --id "$(xdp_prog_on_vb)" vb
}

@test "xdp-filter load fails on an interface xdplinkd holds, and changes nothing" {
	daemon_attach
	refused xdp-filter load -m native vb
	refused xdp-filter load -m skb vb
}

@test "ip link set xdp, xdpgeneric and xdpdrv fail, with -force too, and change nothing" {
	daemon_attach
	for force in "" -force; do
		for mode in xdp xdpgeneric xdpdrv; do
			refused ip $force link set dev vb "$mode" obj "$SYS_BPF/xdpdump_xdp.o" sec xdp
		done
	done
}

@test "ip link set xdp off fails, with -force too, and changes nothing" {
	daemon_attach
	for force in "" -force; do
		for mode in xdp xdpdrv; do
			refused ip $force link set dev vb "$mode" off
		done
		# Nothing runs in generic mode: turning it off succeeds, and
		# must leave the daemon's native link alone.
		unchanged ip $force link set dev vb xdpgeneric off
	done
}

@test "an interface xdp-loader holds is refused as InterfaceBusy, naming the holder" {
	in_nsb xdp-loader load -m native -p "$NB_PINS" vb "$SYS_BPF/xdpfilt_alw_all.o" \
		"$SYS_BPF/xdpdump_xdp.o" ||
		in_nsb xdp-loader load -m native -p "$NB_PINS" vb "$SYS_BPF/xdpfilt_alw_all.o"
	prog=$(xdp_prog_on_vb)
	LIBXDP_PIN=/sys/fs/bpf/xdp/dispatch-$VB_IFINDEX-$prog
	if [ "$(bpftool -j prog show id "$prog" | jq -r .name)" = xdp_dispatcher ]; then
		busy_refused "a libxdp dispatcher (program id $prog, attached over netlink"
	else	# libxdp's fallback without freplace: the program itself
		busy_refused "program xdpfilt_alw_all (id $prog) attached over netlink"
	fi
	in_nsb xdp-loader unload --all vb
	[ "$(xdp_prog_on_vb)" = 0 ]
}

@test "an interface xdp-filter holds is refused as InterfaceBusy, naming the holder" {
	in_nsb xdp-filter load -m native vb
	prog=$(xdp_prog_on_vb)
	LIBXDP_PIN=/sys/fs/bpf/xdp/dispatch-$VB_IFINDEX-$prog
	if [ "$(bpftool -j prog show id "$prog" | jq -r .name)" = xdp_dispatcher ]; then
		busy_refused "a libxdp dispatcher (program id $prog, attached over netlink"
	else
		busy_refused "program xdpfilt_alw_all (id $prog) attached over netlink"
	fi
}

@test "an interface ip link holds (xdpdrv, xdpgeneric) is refused as InterfaceBusy, naming the holder" {
	for mode in xdpdrv xdpgeneric; do
		ip -n "$NSB" link set dev vb "$mode" obj "$SYS_BPF/xdpdump_xdp.o" sec xdp
		prog=$(xdp_prog_on_vb)
		name=$(bpftool -j prog show id "$prog" | jq -r .name)
		busy_refused "program $name (id $prog) attached over netlink"
		ip -n "$NSB" link set dev vb "$mode" off
	done
	# Free again: the daemon takes it.
	ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$(xdp_links_on_vb)" -eq 1 ]
}
