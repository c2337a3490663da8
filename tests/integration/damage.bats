#!/usr/bin/env bats
# The damage matrix: state files, revision directories, pins and the bpffs
# root damaged under a daemon with a program on vb, then a restart. After
# each: the data plane is unchanged (same program, same link, packets still
# counted), no owner's map or pin was deleted, List shows the interface's
# real state (adopted, or refused with the reason and the program the kernel
# runs), and the documented command brings it back under management.
# Runs on any kernel: on the host (degraded mode) with one program on vb; with
# freplace (the VM: tests/vm/run --kernel 6.1 -- bats tests/integration/damage.bats)
# with a set of two behind the dispatcher.

load daemon-helpers

setup() {
	daemon_setup
	daemon_start
	OTHER_ROOT=
	FREPLACE=$(daemon_freplace)
	NAMES=xl_pass_1
	[ "$FREPLACE" = 0 ] || NAMES=xl_pass_1,xl_pass_2
}

teardown() {
	daemon_teardown
	[ -z "$OTHER_ROOT" ] || rm -rf "$OTHER_ROOT"
}

# vb's directory name under the root and the state directory.
iface_dir() { echo "$(vb_json | jq -r '.interfaces[0].netnsCookie')-$VB_IFINDEX"; }
map_id() { bpftool -j map show pinned "$MAPS/xl_test_trace" | jq .id; }

# A program on vb (a set of two with freplace) with packets counted, and
# what the kernel says about it.
attach_and_mark() {
	ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$FREPLACE" = 0 ] || ctl attach vb "$OBJ" --prog xl_pass_2
	send_udp 5
	[ "$(packets 1)" -eq 5 ]
	[ "$FREPLACE" = 0 ] || [ "$(packets 2)" -eq 5 ]
	P0=$(xdp_prog_on_vb)
	L0=$(vb_link)
	M0=$(map_id)
	DIR=$(iface_dir)
	[ "$P0" -gt 0 ] && [ "$L0" -gt 0 ] && [ -n "$M0" ]
}

# The data plane is what it was: same program and link, same map, still counting.
assert_dataplane() {
	local before

	[ "$(xdp_prog_on_vb)" = "$P0" ]
	[ "$(bpftool -j link show id "$L0" | jq .prog_id)" = "$P0" ]
	[ -e "$MAPS/xl_test_trace" ]
	[ "$(map_id)" = "$M0" ]
	before=$(packets 1)
	before2=$(packets 2)
	send_udp 5
	[ "$(packets 1)" -eq $((before + 5)) ]
	[ "$FREPLACE" = 0 ] || [ "$(packets 2)" -eq $((before2 + 5)) ]
}

restart() {
	daemon_kill TERM
	daemon_start "$@"
}

# List shows vb refused, with a reason matching $1 and the program the kernel runs.
assert_refused() {
	local j

	j=$(vb_json)
	echo "$j" >&2
	[ "$(echo "$j" | jq -r '.interfaces[0].refused.programId')" = "$P0" ]
	[[ "$(echo "$j" | jq -r '.interfaces[0].refused.reason')" == *$1* ]]
	# Changes fail with a named error that says how to get out.
	run ctl attach vb "$OBJ" --prog xl_pass_3
	[ "$status" -ne 0 ]
	[[ "$output" == *adopt* ]]
	run ctl detach vb --all
	[ "$status" -ne 0 ]
	[ "$(xdp_prog_on_vb)" = "$P0" ]
	run ctl status vb
	[[ "$output" == *refused* ]]
}

assert_adopted() {
	[ "$(vb_json | jq '.interfaces[0].refused')" = null ]
	[ "$(vb_revision)" -ge 1 ]
	[ "$(vb_names)" = "$NAMES" ]
	[ "$(vb_json | jq '.interfaces[0].entryProgramId')" = "$P0" ]
}

# The documented way back: xdpctl adopt, once it exists.
adopt_back() {
	run ctl adopt vb
	[[ "$output" != *MethodNotFound* && "$output" != *"unknown command"* ]] ||
		skip "needs xdpctl adopt"
	[ "$status" -eq 0 ]
	assert_adopted
	assert_dataplane
}

@test "damage: one state file deleted: refused, maps kept, adopt brings it back" {
	attach_and_mark
	rm "$STATE/$DIR"/rev-*.json
	restart
	assert_dataplane
	assert_refused "state file"
	[ -e "$ROOT/$DIR/link" ]
	adopt_back
}

@test "damage: the whole state directory deleted: refused, nothing removed" {
	attach_and_mark
	pins_before=$(pins)
	daemon_kill TERM
	rm -rf "$STATE"
	daemon_start
	assert_dataplane
	assert_refused "state file"
	[ "$(pins)" = "$pins_before" ]
	adopt_back
}

@test "damage: a rev-N directory deleted: refused, link and maps kept" {
	attach_and_mark
	rm -r "$ROOT/$DIR"/rev-*
	restart
	if [ "$FREPLACE" = 0 ]; then
		assert_dataplane
	else
		# The freplace links were held by those pins alone: the dispatcher
		# runs on, with empty slots, until adopt links them again.
		[ "$(xdp_prog_on_vb)" = "$P0" ]
	fi
	assert_refused "no revision"
	[ -e "$ROOT/$DIR/link" ]
	[ -e "$MAPS/xl_test_trace" ] && [ "$(map_id)" = "$M0" ]
	adopt_back
}

@test "damage: the link pin deleted while the daemon runs: pinned again, adopted after restart" {
	attach_and_mark
	rm "$ROOT/$DIR/link"
	restart
	[ -e "$ROOT/$DIR/link" ]
	assert_adopted
	assert_dataplane
	# And before a change: deleted again, the next job pins it first.
	rm "$ROOT/$DIR/link"
	run ctl attach vb "$OBJ" --prog xl_pass_3 --expect-revision 99
	[ -e "$ROOT/$DIR/link" ]
}

@test "damage: a map pin deleted: the program keeps its map, the interface is adopted" {
	attach_and_mark
	rm "$MAPS/xl_test_trace"
	restart
	assert_adopted
	[ "$(xdp_prog_on_vb)" = "$P0" ]
	# The map lives on in the program, and recovery pinned it again.
	p1=$(vb_json | jq '.interfaces[0].attachments[0].programId')
	[ "$(bpftool -j prog show id "$p1" | jq ".map_ids | index($M0) != null")" = true ]
	grep -q 'pinned 1 maps again' "$DLOG"
	assert_dataplane
}

@test "damage: a second bpffs over /sys/fs/bpf: read-only, refused, umount brings it back" {
	attach_and_mark
	daemon_kill TERM
	daemon_start_stacked
	grep -q 'Read-only' "$DLOG"
	assert_dataplane
	assert_refused "another bpffs instance"
	# Any other interface: read-only, and why.
	run ctl attach lo "$OBJ" --prog xl_pass_3
	[ "$status" -ne 0 ]
	[[ "$output" == *umount* ]]
	[ -e "$ROOT/$DIR/link" ] && [ -e "$STATE/$DIR" ]
	# umount the top one: here, the daemon back in the host's mount namespace.
	restart
	assert_adopted
	assert_dataplane
}

@test "damage: BpffsRoot pointed elsewhere: read-only, refused, set back brings it back" {
	attach_and_mark
	OTHER_ROOT=$ROOT-other
	restart --bpffs-root "$OTHER_ROOT"
	assert_dataplane
	assert_refused "bpffs root changed"
	[ -e "$ROOT/$DIR/link" ] && [ -e "$STATE/$DIR" ]
	daemon_kill TERM
	daemon_start
	assert_adopted
	assert_dataplane
}

@test "D1: xdp-filter's rule maps survive a refused interface" {
	ctl attach vb "$SYS_BPF/xdpfilt_alw_all.o" --prog xdpfilt_alw_all
	fmaps=$ROOT/maps/uid-0/xdpfilt_alw_all_o
	[ -e "$fmaps/filter_ports" ]
	# A rule: port 9 (the key is the port; the value the xdp-filter mode bits).
	bpftool map update pinned "$fmaps/filter_ports" key 9 0 0 0 value 1 0 0 0 0 0 0 0 any
	id0=$(bpftool -j map show pinned "$fmaps/filter_ports" | jq .id)
	P0=$(xdp_prog_on_vb)
	daemon_kill TERM
	rm -rf "$STATE"
	daemon_start
	[ "$(xdp_prog_on_vb)" = "$P0" ]
	[ -e "$fmaps/filter_ports" ]
	[ "$(bpftool -j map show pinned "$fmaps/filter_ports" | jq .id)" = "$id0" ]
	bpftool -j map lookup pinned "$fmaps/filter_ports" key 9 0 0 0 | jq -e .
	[ "$(vb_json | jq '.interfaces[0].refused != null')" = true ]
}

@test "failed attaches leave no maps directories behind, not even across a restart" {
	for i in $(seq 1 50); do
		cp "$OBJ" "$BATS_TEST_TMPDIR/bad$i.o"
		run ctl attach vb "$BATS_TEST_TMPDIR/bad$i.o" --prog xl_bad
		[ "$status" -ne 0 ]
	done
	n=$(find "$ROOT/maps" -mindepth 2 -maxdepth 2 -type d -name 'bad*' | wc -l)
	echo "left after 50 failures: $n" >&2
	[ "$n" -eq 0 ]
	# Those an older daemon left: the collection at start removes them.
	for i in $(seq 1 20); do mkdir -p "$ROOT/maps/uid-0/old$i"; done
	restart
	n=$(find "$ROOT/maps" -mindepth 2 -maxdepth 2 -type d -name 'old*' | wc -l)
	echo "left after a restart: $n" >&2
	[ "$n" -eq 0 ]
}

# A refused interface whose device goes away leaves List at once (its
# record used to stay until a restart); its pins stay for the next start,
# whose recovery finds the link defunct and removes them. Interface files
# never touch a refused interface.
@test "a refused interface whose device is deleted leaves List; the next start cleans up" {
	attach_and_mark
	rm "$STATE/$DIR"/rev-*.json
	restart
	assert_refused "state file"
	ip -n "$NSB" link del vb
	for _ in $(seq 100); do
		[ "$(ctl --json status | jq '.interfaces | length')" = 0 ] && break
		sleep 0.02
	done
	[ "$(ctl --json status | jq '.interfaces | length')" = 0 ]
	grep -q "which recovery refused, is gone" "$DLOG"
	[ -e "$ROOT/$DIR" ]
	restart
	[ ! -e "$ROOT/$DIR" ]
	[ ! -e "$STATE/$DIR" ]
}
