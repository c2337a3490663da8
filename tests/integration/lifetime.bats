#!/usr/bin/env bats
# Connection-scoped attachments, on any kernel: a program attached with
# lifetime "connection" goes when the client's connection does, however it
# ends, and after a daemon restart. One program per interface, so that it
# also runs where freplace is refused; vc carries a pinned program that
# must stay through all of it.

load daemon-helpers

setup() {
	daemon_setup
	ip -n "$NSB" link add vc type veth peer name vd
	ip -n "$NSB" link set vc up
	ip -n "$NSB" link set vd up
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
		[ $(( $(now_us) - t0 )) -lt 2000000 ] || break
	done
	t1=$(now_us)
	echo "# removed $(( (t1 - t0) / 1000 )) ms after the kill" >&3
	[ "$(xdp_prog_on vb)" = 0 ]
	[ $(( t1 - t0 )) -lt 100000 ]
	# Nothing of it is left, and the pinned program elsewhere is untouched.
	[ -z "$(find "$ROOT" -maxdepth 1 -name "*-$VB_IFINDEX")" ]
	[ "$(ctl --json status | jq -r '[.interfaces[].name] | join(",")')" = vc ]
	[ "$(xdp_prog_on vc)" != 0 ]
	wait "$HOLDER" 2>/dev/null || true
	HOLDER=
}

@test "a client that is interrupted takes its programs with it and exits 0" {
	hold vb
	kill -INT "$HOLDER"
	run wait "$HOLDER"
	HOLDER=
	[ "$status" -eq 0 ]
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
