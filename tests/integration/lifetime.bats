#!/usr/bin/env bats
# Connection-scoped attachments, on any kernel: a program attached with
# lifetime "connection" goes when the client's connection does, however it
# ends, and after a daemon restart. One program per interface, so that it
# also runs where freplace is refused; vc carries a pinned program that
# must stay through all of it.

load daemon-helpers

setup() {
	daemon_setup
	veth_in_nsb vc vd
	daemon_start
	ctl attach vc "$OBJ" --prog xl_pass_3 --mode skb
}

teardown() {
	[ -z "${HOLDER:-}" ] || { kill -9 "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }
	daemon_teardown
}

xdp_prog_on() { ip -n "$NSB" -d -j link show "$1" | jq '.[0].xdp.prog.id // 0'; }
now_us() { echo "${EPOCHREALTIME/./}"; }

# hold IFACE: attach xl_pass_1 to IFACE for as long as an xdpctl runs.
hold() {
	# Not through ctl(): $! must be xdpctl itself, not a subshell.
	"$XDPCTL" --socket "$SOCK" attach "$1" "$OBJ" --prog xl_pass_1 --mode skb \
		--lifetime connection > "$BATS_TEST_TMPDIR/holder.out" 2>&1 3>&- &
	HOLDER=$!
	for _ in $(seq 1 100); do
		[ "$(xdp_prog_on "$1")" != 0 ] && return 0
		sleep 0.05
	done
	cat "$BATS_TEST_TMPDIR/holder.out"
	return 1
}

@test "a connection-scoped program goes within 100 ms of kill -9 of its client" {
	hold vb
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].lifetime')" = connection ]
	send_udp 3
	[ "$(packets 1)" -eq 3 ]
	t0=$(now_us)
	kill -9 "$HOLDER"
	while [ "$(xdp_prog_on vb)" != 0 ]; do
		[ $(( $(now_us) - t0 )) -lt $(( 2000000 * SLOW )) ] || break
	done
	t1=$(now_us)
	echo "# removed $(( (t1 - t0) / 1000 )) ms after the kill" >&3
	[ "$(xdp_prog_on vb)" = 0 ]
	[ $(( t1 - t0 )) -lt $(( 100000 * SLOW )) ]
	# Nothing of it is left, and the pinned program elsewhere is untouched.
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name "*-$VB_IFINDEX")" ]
	# List answers from the daemon's record, which the worker's job updates
	# when it hands back, a moment after the kernel (longer under ASan).
	names() { ctl --json status | jq -r '[.interfaces[].name] | join(",")'; }
	for _ in $(seq 1 $((20 * SLOW))); do [ "$(names)" = vc ] && break; sleep 0.05; done
	[ "$(names)" = vc ]
	[ "$(xdp_prog_on vc)" != 0 ]
	wait "$HOLDER" 2>/dev/null || true
	HOLDER=
}

@test "a client that is interrupted takes its programs with it and exits 0" {
	hold vb
	kill -INT "$HOLDER"
	rc=0
	wait "$HOLDER" || rc=$?
	HOLDER=
	[ "$rc" -eq 0 ]
	for _ in $(seq 1 20); do [ "$(xdp_prog_on vb)" = 0 ] && break; sleep 0.05; done
	[ "$(xdp_prog_on vb)" = 0 ]
	grep -q 'the connection that attached 1 of its programs closed' "$DLOG"
}

@test "a restart removes connection-scoped programs before answering; pinned ones stay" {
	hold vb
	link_vc=$(ctl --json status vc | jq '.interfaces[0].linkId')
	daemon_kill KILL
	# The daemon is gone, so is the connection; the program still runs.
	wait "$HOLDER" || true
	HOLDER=
	[ "$(xdp_prog_on vb)" != 0 ]
	daemon_start
	grep -q 'vb: removed 1 connection-scoped programs whose connections died' "$DLOG"
	[ "$(xdp_prog_on vb)" = 0 ]
	[ "$(ctl --json status vc | jq '.interfaces[0].linkId')" = "$link_vc" ]
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 1 ]
}

@test "an unknown lifetime is refused before anything is sent, and by the daemon" {
	run ctl attach vb "$OBJ" --lifetime forever
	[ "$status" -eq 64 ]
	[[ "$output" == *"--lifetime must be pinned or connection, not 'forever'"* ]]
	run bash -c "printf '%s\0' '{\"method\":\"io.xdplink.Manager.Attach\",\"parameters\":{\"interface\":\"vb\",\"object\":\"$OBJ\",\"lifetime\":\"forever\"}}' | '$VL_RAW' '$SOCK'"
	[[ "$output" == *'"parameter":"lifetime"'* ]]
	[ "$(xdp_prog_on vb)" = 0 ]
}

@test "one loaded program on two interfaces shares its maps and lives while either uses it" {
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	prog=$(vb_json | jq '.interfaces[0].attachments[0].programId')
	ctl attach vd --program-id "$prog" --mode skb
	# The very same program runs on both, so its counters are one.
	[ "$(xdp_prog_on vd)" = "$(xdp_prog_on vb)" ]
	send_udp 2
	[ "$(packets 1)" -eq 2 ]
	before=$(packets 1)
	# A packet on vd (sent from vc's side) counts into the same map.
	ip -n "$NSB" addr add 10.199.9.1/24 dev vc
	ip -n "$NSB" neigh replace 10.199.9.2 dev vc nud permanent \
		lladdr "$(ip -n "$NSB" -j link show vd | jq -r '.[0].address')"
	ip netns exec "$NSB" bash -c 'for i in 1 2 3; do echo -n x > /dev/udp/10.199.9.2/9; done' 2>/dev/null
	sleep 0.2
	[ "$(packets 1)" -eq $((before + 3)) ]
	ctl detach vb 1
	bpftool prog show id "$prog" >/dev/null
	[ "$(xdp_prog_on vd)" = "$prog" ]
	ctl detach vd 1
	! bpftool prog show id "$prog" >/dev/null 2>&1
	# An id no attachment runs is refused.
	run ctl attach vd --program-id 4294967295
	[ "$status" -eq 1 ]
	[[ "$output" == *"no attachment runs program 4294967295"* ]]
}
