#!/usr/bin/env bats
# xdpctl adopt: the documented way to take back an interface whose pinned
# state is damaged (a state file, the state directory, a rev-N directory or
# the link pin lost). It rebuilds a revision from what the kernel runs and
# must change nothing there: the same XDP link, the same program(s) in the
# same order, no link update (the daemon logs the engine's count), packets
# still counted; afterwards List shows the set and changes work again.
# --detach takes XDP off instead. Interfaces held by xdp-loader (libxdp) or
# ip link (netlink) are refused, and nothing changes.
# Any kernel: on the host (degraded mode) one program on vb, run directly;
# with freplace (the VM: tests/vm/run --kernel 6.1 -- bats
# tests/integration/adopt.bats) a set of three behind the dispatcher.

load daemon-helpers

setup() {
	daemon_setup
	daemon_start
	FREPLACE=$(daemon_freplace)
	NB_PINS=$ROOT-neighbour
	LIBXDP_PIN=
	SOCKDIR=
	OTHER_ROOT=
}

teardown() {
	in_nsb xdp-loader unload --all vb >/dev/null 2>&1 || true
	ip -n "$NSB" link set dev vb xdp off 2>/dev/null || true
	[ -n "$LIBXDP_PIN" ] && rm -rf "$LIBXDP_PIN"
	rm -rf "$NB_PINS"
	daemon_teardown
	[ -z "$SOCKDIR" ] || rm -rf "$SOCKDIR"
	[ -z "$OTHER_ROOT" ] || rm -rf "$OTHER_ROOT"
}

in_nsb() { nsenter --net="/run/netns/$NSB" "$@"; }

iface_dir() { echo "$(vb_json | jq -r '.interfaces[0].netnsCookie')-$VB_IFINDEX"; }
# The programs of vb's attachments, in run order (the kernel's ids).
vb_progs() { vb_json | jq -c '[.interfaces[0].attachments[].programId]'; }
vb_labels() { vb_json | jq -r '[.interfaces[0].attachments[].label // ""] | join(",")'; }

# vb's set, packets counted through each program, and the kernel's view of it.
attach_set() {
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10 --label one
	NAMES=xl_pass_1
	ROWS="1"
	if [ "$FREPLACE" = 1 ]; then
		ctl attach vb "$OBJ" --prog xl_pass_2 --priority 20 --label two
		ctl attach vb "$OBJ" --prog xl_pass_3 --priority 30 --actions pass,drop --label three
		NAMES=xl_pass_1,xl_pass_2,xl_pass_3
		ROWS="1 2 3"
		[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	fi
	send_udp 3
	for r in $ROWS; do [ "$(packets "$r")" -eq 3 ]; done
	P0=$(xdp_prog_on_vb)
	L0=$(vb_link)
	PROGS0=$(vb_progs)
	DIR=$(iface_dir)
	[ "$P0" -gt 0 ] && [ "$L0" -gt 0 ]
}

# The data plane is what it was: the same link running the same entry
# program, the same programs in the same order, still counting.
assert_unchanged() {
	local -A before

	[ "$(xdp_prog_on_vb)" = "$P0" ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
	[ "$(bpftool -j link show id "$L0" | jq .prog_id)" = "$P0" ]
	for r in $ROWS; do before[$r]=$(packets "$r"); done
	send_udp 4
	for r in $ROWS; do [ "$(packets "$r")" -eq $((before[$r] + 4)) ]; done
}

# Recovery left vb alone: refused, and changes fail until it is adopted.
assert_refused() {
	[ "$(vb_json | jq '.interfaces[0].refused != null')" = true ]
	run ctl attach vb "$OBJ" --prog xl_pass_4
	[ "$status" -ne 0 ]
	[[ "$output" == *"xdpctl adopt vb"* ]]
}

# Adopt vb; the daemon says it made no link update, List shows the set.
adopt_vb() {
	run ctl adopt vb
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *"adopted vb"* ]]
	grep -E "Adopted vb: .* 0 link updates" "$DLOG"
	[ "$(vb_json | jq '.interfaces[0].refused')" = null ]
	[ "$(vb_json | jq '.interfaces[0].linkId')" = "$L0" ]
	[ "$(vb_json | jq '.interfaces[0].entryProgramId')" = "$P0" ]
	[ "$(vb_names)" = "$NAMES" ]
	[ "$(vb_progs)" = "$PROGS0" ]
	assert_unchanged
}

# After adoption the interface is managed again: detach one, attach again.
changes_work() {
	local first

	first=$(vb_json | jq '.interfaces[0].attachments[0].id')
	ctl detach vb "$first"
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10
	[ "$(vb_json | jq '.interfaces[0].attachments | length')" -eq "$(echo "$NAMES" | tr , '\n' | wc -l)" ]
	[ "${1:-}" != no-restart ] || return 0
	# And it survives a restart as an ordinary interface.
	daemon_kill TERM
	daemon_start
	[ "$(vb_json | jq '.interfaces[0].refused')" = null ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
}

restart() {
	daemon_kill TERM
	daemon_start "$@"
}

@test "adopt: the state file deleted: same link and programs, metadata made up, changes work" {
	attach_set
	rm "$STATE/$DIR"/rev-*.json
	restart
	assert_refused
	adopt_vb
	# No state file said who they were: made up, in the kernel's order.
	[[ "$(vb_labels)" == adopted* ]]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].owner')" = uid:0 ]
	changes_work
}

@test "adopt: the whole state directory deleted" {
	attach_set
	daemon_kill TERM
	rm -rf "$STATE"
	daemon_start
	assert_refused
	adopt_vb
	changes_work
}

@test "adopt: a rev-N directory deleted: metadata kept from the state file" {
	attach_set
	rm -r "$ROOT/$DIR"/rev-*
	restart
	assert_refused
	adopt_vb
	# The state file survived: labels and priorities are the callers'.
	[ "$(vb_labels)" = "$(echo "$NAMES" | sed 's/xl_pass_1/one/; s/xl_pass_2/two/; s/xl_pass_3/three/')" ]
	changes_work
}

@test "adopt: the link pin deleted while the daemon runs: adopted there and then, link unchanged" {
	attach_set
	rm "$ROOT/$DIR/link"
	adopt_vb
	[ -e "$ROOT/$DIR/link" ]
	changes_work
}

@test "adopt: BpffsRoot pointed elsewhere: adopted under the new root, changes work again" {
	attach_set
	OTHER_ROOT=$ROOT-other
	restart --bpffs-root "$OTHER_ROOT"
	assert_refused
	adopt_vb
	[ -e "$OTHER_ROOT/$DIR/link" ]
	# The old root's pins are another root's: left alone.
	[ -e "$ROOT/$DIR/link" ]
	changes_work no-restart
}

@test "adopt: a second bpffs over /sys/fs/bpf: adopted on top, changes work again" {
	attach_set
	daemon_kill TERM
	daemon_start_stacked
	assert_refused
	adopt_vb
	changes_work no-restart
	# Below, the original pins were never touched.
	[ -e "$ROOT/$DIR/link" ]
}

@test "adopt: a lone program whose pins were all lost runs on alone; sharing says why" {
	[ "$FREPLACE" = 1 ] || skip "needs freplace: a lone program runs as its twin, next to its EXT instance"
	ctl attach vb "$OBJ" --prog xl_pass_1 --label one
	P0=$(xdp_prog_on_vb)
	L0=$(vb_link)
	DIR=$(iface_dir)
	ROWS=1
	daemon_kill TERM
	# Every pin but the link's: the EXT instance goes with its pin.
	rm -r "$ROOT/$DIR"/rev-* "$ROOT/$DIR"/prog-* "$ROOT/$DIR"/direct-*
	rm -rf "$STATE"
	daemon_start
	assert_refused
	run ctl adopt vb
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(vb_json | jq '.interfaces[0].attachments[0].programId')" = "$P0" ]
	[ "$(vb_link)" = "$L0" ]
	assert_unchanged
	run ctl attach vb "$OBJ" --prog xl_pass_2
	echo "$output" >&2
	[ "$status" -ne 0 ]
	[[ "$output" == *"can only run alone"* ]]
	assert_unchanged
	ctl detach vb --all
	ctl attach vb "$OBJ" --prog xl_pass_1
	ctl attach vb "$OBJ" --prog xl_pass_2
}

@test "adopt: a healthy interface: nothing changes, metadata kept" {
	attach_set
	rev0=$(vb_revision)
	adopt_vb
	[ "$(vb_revision)" -gt "$rev0" ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].label')" = one ]
	# One revision directory and one state file, as after any change.
	[ "$(find "$ROOT/$DIR" -maxdepth 1 -name 'rev-*' | wc -l)" -eq 1 ]
	[ "$(find "$STATE/$DIR" -name 'rev-*.json' | wc -l)" -eq 1 ]
}

@test "adopt --detach: XDP goes, and the interface's pins and state; maps stay" {
	attach_set
	rm "$STATE/$DIR"/rev-*.json
	restart
	run ctl adopt vb --detach
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(xdp_prog_on_vb)" = 0 ]
	[ ! -e "$ROOT/$DIR" ] && [ ! -e "$STATE/$DIR" ]
	[ -e "$MAPS/xl_test_trace" ]
	# Free again.
	ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$(xdp_links_on_vb)" -eq 1 ]
}

@test "adopt --json prints the Interface" {
	attach_set
	run ctl --json adopt vb
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .interface.name)" = vb ]
	[ "$(echo "$output" | jq .interface.linkId)" = "$L0" ]
}

@test "adopt refuses an interface xdp-loader holds, and changes nothing" {
	in_nsb xdp-loader load -m skb -p "$NB_PINS" vb "$SYS_BPF/xdpfilt_alw_all.o"
	prog=$(xdp_prog_on_vb)
	[ "$prog" -gt 0 ]
	LIBXDP_PIN=/sys/fs/bpf/xdp/dispatch-$VB_IFINDEX-$prog
	run ctl adopt vb
	echo "$output" >&2
	[ "$status" -ne 0 ]
	[[ "$output" == *InterfaceBusy* ]]
	[[ "$output" == *"id $prog"* ]]
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	run ctl adopt vb --detach
	[ "$status" -ne 0 ]
	[[ "$output" == *InterfaceBusy* ]]
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	[ ! -e "$ROOT/$(iface_dir)" ]
}

@test "adopt refuses an interface ip link holds (netlink), and changes nothing" {
	ip -n "$NSB" link set dev vb xdpgeneric obj "$SYS_BPF/xdpdump_xdp.o" sec xdp
	prog=$(xdp_prog_on_vb)
	[ "$prog" -gt 0 ]
	run ctl adopt vb
	echo "$output" >&2
	[ "$status" -ne 0 ]
	[[ "$output" == *"attached over netlink"* ]]
	[[ "$output" == *InterfaceBusy* ]]
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	ip -n "$NSB" link set dev vb xdpgeneric off
}

@test "adopt is root's only, also for a caller [Access] lets in" {
	attach_set
	daemon_kill TERM
	# A socket every uid can reach, and a group [Access] allows.
	open_to_users 4711
	daemon_start
	as_user() { setpriv --reuid=4700 --regid=4700 --groups=4711 "$XDPCTL" --socket "$SOCK" "$@"; }
	as_user status vb
	for args in "adopt vb" "adopt vb --detach"; do
		run as_user $args
		echo "$output" >&2
		[ "$status" -eq 77 ]
		[[ "$output" == *PermissionDenied* ]]
	done
	[ "$(xdp_prog_on_vb)" = "$P0" ]
	[ "$(vb_link)" = "$L0" ]
	grep -q "Denied Adopt" "$DLOG"
}
