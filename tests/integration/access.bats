#!/usr/bin/env bats
# Access control with real unprivileged callers: xdpctl and vl-raw run
# under setpriv as uids that exist only as numbers (4700, 4701), so that
# nothing is written to the host's user database. The socket is 0666 here,
# so that [Access] alone decides: AllowGroups=4711, and group 4712 may
# touch vc only. One program per interface: this runs on any kernel.

load daemon-helpers

setup() {
	daemon_setup
	veth_in_nsb vc vd
	# A socket directory every uid can reach (bats' own is root's).
	open_to_users "4711 4712" 's/^GroupInterfaces =$/GroupInterfaces = 4712:vc,vx*/'
	daemon_start
}

teardown() {
	daemon_teardown
	ip netns del "xlc$$_$BATS_TEST_NUMBER" 2>/dev/null || true
	rm -rf "$SOCKDIR"
}

# as UID [GROUPS] -- COMMAND...: run COMMAND as UID (gid UID) with those
# supplementary groups (comma-separated; none if empty).
as() {
	local uid=$1 groups=$2
	shift 3
	if [ -n "$groups" ]; then
		setpriv --reuid="$uid" --regid="$uid" --groups="$groups" "$@"
	else
		setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
	fi
}
uctl() { local uid=$1 groups=$2; shift 2; as "$uid" "$groups" -- "$XDPCTL" --socket "$SOCK" "$@"; }
raw_as() { printf '%s\0' "$3" | as "$1" "$2" -- "$VL_RAW" "$SOCK"; }
xdp_prog_on() { ip -n "$NSB" -d -j link show "$1" | jq '.[0].xdp.prog.id // 0'; }

@test "without an allowed group a caller is refused, and the denial is logged" {
	run uctl 4700 "" attach vb "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 77 ]
	[[ "$output" == *"permission denied"* ]]
	[ "$(xdp_prog_on vb)" = 0 ]
	# Refused when it connects, before it costs a buffer (issue 12).
	grep -q 'peer pid [0-9]* uid 4700: permission denied: uid 4700 is in neither' "$DLOG"
	run uctl 4700 "" status
	[ "$status" -eq 77 ]
}

@test "with the group a caller attaches, owns what it attached, and root sees the owner" {
	uctl 4700 4711 attach vb "$OBJ" --prog xl_pass_1 --mode skb
	[ "$(xdp_prog_on vb)" != 0 ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].owner')" = uid:4700 ]
	send_udp 3
	MAPS=$ROOT/maps/uid-4700/xl_test_progs_bpf_o	# its maps pinned by name are its own
	[ "$(packets 1)" -eq 3 ]
	[ ! -e "$ROOT/maps/uid-0/xl_test_progs_bpf_o/xl_test_trace" ]
	uctl 4700 4711 detach vb 1
	# Its last attachment gone, so is its map directory, once no job runs
	# (the collection follows the reply).
	for _ in $(seq 1 $((10 * SLOW))); do
		[ -e "$ROOT/maps/uid-4700" ] || break
		sleep 0.1
	done
	[ ! -e "$ROOT/maps/uid-4700" ]
	[ "$(xdp_prog_on vb)" = 0 ]
}

@test "a caller cannot detach root's or another user's attachment" {
	ctl attach vc "$OBJ" --prog xl_pass_3 --mode skb
	uctl 4701 4711 attach vb "$OBJ" --prog xl_pass_1 --mode skb
	run uctl 4700 4711 detach vc 1
	[ "$status" -eq 77 ]
	run uctl 4700 4711 detach vb 1
	[ "$status" -eq 77 ]
	# "All" and an empty Replace remove only the caller's own: none here.
	uctl 4700 4711 detach vb --all
	echo "[]" > "$SOCKDIR/empty.json"
	uctl 4700 4711 replace vc --from "$SOCKDIR/empty.json"
	[ "$(xdp_prog_on vb)" != 0 ] && [ "$(xdp_prog_on vc)" != 0 ]
	[ "$(ctl --json status | jq -r '[.interfaces[].attachments[].owner] | join(",")')" = \
		uid:4701,uid:0 ]
	# Nor share another owner's loaded program (and so its maps).
	run uctl 4700 4711 attach vd --program-id "$(ctl --json status vc | jq '.interfaces[0].attachments[0].programId')"
	[ "$status" -eq 77 ]
	# Root may remove anything.
	ctl detach vb 1
	[ "$(xdp_prog_on vb)" = 0 ]
}

@test "a caller cannot use a namespace path or pid, nor make the daemon open a file" {
	M=io.xdplink.Manager
	run raw_as 4700 4711 "{\"method\":\"$M.List\",\"parameters\":{\"netns\":\"/run/netns/$NSA\"}}"
	[[ "$output" == *'"error":"org.varlink.service.PermissionDenied"'* ]]
	run raw_as 4700 4711 "{\"method\":\"$M.List\",\"parameters\":{\"netnsPid\":1}}"
	[[ "$output" == *'PermissionDenied'* ]]
	# A file the caller cannot read, named by path: the daemon would read it as root.
	mkdir -m 0700 "$BATS_TEST_TMPDIR/secret"
	cp "$OBJ" "$BATS_TEST_TMPDIR/secret/prog.o"
	run raw_as 4700 4711 "{\"method\":\"$M.Attach\",\"parameters\":{\"interface\":\"vb\",\"object\":\"$BATS_TEST_TMPDIR/secret/prog.o\",\"mode\":\"skb\"}}"
	[[ "$output" == *'PermissionDenied'* ]]
	grep -q 'Denied an object by path (pass objectFd) to uid=4700' "$DLOG"
	# xdpctl opens objects itself, with the caller's rights.
	run uctl 4700 4711 attach vb "$BATS_TEST_TMPDIR/secret/prog.o" --mode skb
	[ "$status" -eq 66 ]
	[ "$(xdp_prog_on vb)" = 0 ]
	# A namespace the caller can open itself is passed as an fd: allowed.
	uctl 4700 4711 --netns "$NSA" attach va "$OBJ" --prog xl_pass_2 --mode skb
	[ "$(ip -n "$NSA" -d -j link show va | jq '.[0].xdp.prog.id // 0')" != 0 ]
	run uctl 4700 4711 reload
	[ "$status" -eq 77 ]
}

@test "a refused Reload changes nothing: the old [Access] stays in force (B2)" {
	uctl 4700 4711 attach vb "$OBJ" --prog xl_pass_1 --mode skb
	uctl 4700 4711 detach vb --all
	[ "$(xdp_prog_on vb)" = 0 ]
	# A policy that would refuse uid 4700, with an interface file that is broken.
	mkdir "$BATS_TEST_TMPDIR/ifd"
	printf '[Match]\nName = vb\nNoSuchKey = 1\n' > "$BATS_TEST_TMPDIR/ifd/10-bad.conf"
	sed -i -e 's/^AllowGroups = .*/AllowGroups = 4799/' \
		-e "s|^InterfacesDir = .*|InterfacesDir = $BATS_TEST_TMPDIR/ifd|" "$CONF"
	run "$XDPCTL" --socket "$SOCK" reload
	[ "$status" -ne 0 ]
	[[ "$output" == *"10-bad.conf:3"* ]]
	grep -q 'Reload refused' "$DLOG"
	# Still allowed: the refused policy never came into force.
	uctl 4700 4711 attach vb "$OBJ" --prog xl_pass_1 --mode skb
	[ "$(xdp_prog_on vb)" != 0 ]
}

# Issue 12: a user's changes queued or running are capped
# (MaxJobsPerUser), so that its calls cannot queue work without end; root
# is not counted. The engine's state lock, held here as a second engine's
# recovery would hold it, keeps the first jobs in their workers.
@test "MaxJobsPerUser: a user's third queued change is refused at once, root's is not" {
	sed -i 's/^MaxJobsPerUser = .*/MaxJobsPerUser = 2/' "$CONF"
	grep -q '^MaxJobsPerUser = 2' "$CONF"
	daemon_kill TERM
	daemon_start
	hold_state_lock
	lock=$LOCK_PID
	uctl 4700 4711 attach vb "$OBJ" --prog xl_pass_1 --mode skb > "$BATS_TEST_TMPDIR/1" 2>&1 3>&- &
	one=$!
	uctl 4700 4711 attach vc "$OBJ" --prog xl_pass_1 --mode skb > "$BATS_TEST_TMPDIR/2" 2>&1 3>&- &
	two=$!
	sleep 1
	run timeout 5 "$XDPCTL" --socket "$SOCK" version	# the daemon answers meanwhile
	[ "$status" -eq 0 ]
	run timeout 5 setpriv --reuid=4700 --regid=4700 --groups=4711 "$XDPCTL" --socket "$SOCK" \
		attach vb "$OBJ" --prog xl_pass_2 --mode skb
	[ "$status" -ne 0 ] && [ "$status" -ne 124 ]
	[[ "$output" == *MaxJobsPerUser* ]]
	grep -q 'uid 4700 has 2 changes queued or running (MaxJobsPerUser=2)' "$DLOG"
	# Root's change queues behind the user's on vb, uncounted.
	"$XDPCTL" --socket "$SOCK" detach vb --all > "$BATS_TEST_TMPDIR/root" 2>&1 3>&- &
	root=$!
	kill "$lock"; wait "$lock" 2>/dev/null || true
	wait "$one" && wait "$two" && wait "$root"
	# Both done: the user's count is back to nothing.
	uctl 4700 4711 detach vc --all
	[ "$(xdp_prog_on vc)" = 0 ]
}

@test "a group limited to some interfaces may touch only those" {
	run uctl 4700 4712 attach vb "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 77 ]
	grep -q 'uid 4700 may not touch interface vb (GroupInterfaces)' "$DLOG"
	uctl 4700 4712 attach vc "$OBJ" --prog xl_pass_3 --mode skb
	[ "$(xdp_prog_on vc)" != 0 ]
	[ "$(uctl 4700 4712 --json status | jq '.interfaces | length')" -eq 1 ]
}

@test "a container's flow: no root, a namespace fd, traffic, then nothing left once it is deleted" {
	kmark; pins_before=$(pins)
	NSC=xlc$$_$BATS_TEST_NUMBER
	# The container's end in its namespace, the host's end in $NSA.
	ip netns add "$NSC"
	ip netns exec "$NSC" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip link add c0 netns "$NSC" type veth peer name c1 netns "$NSA"
	ip -n "$NSC" addr add 10.198.0.1/24 dev c0
	ip -n "$NSA" addr add 10.198.0.2/24 dev c1
	ip -n "$NSC" link set c0 up
	ip -n "$NSA" link set c1 up
	# No ARP either way: the program counts exactly the packets sent.
	ip -n "$NSA" neigh replace 10.198.0.1 dev c1 nud permanent \
		lladdr "$(ip -n "$NSC" -j link show c0 | jq -r '.[0].address')"
	ip -n "$NSC" neigh replace 10.198.0.2 dev c0 nud permanent \
		lladdr "$(ip -n "$NSA" -j link show c1 | jq -r '.[0].address')"
	# As a runtime would: the caller opens the namespace and passes the fd.
	uctl 4700 4711 --netns "$NSC" attach c0 "$OBJ" --prog xl_pass_2 --mode skb
	[ "$(ip -n "$NSC" -d -j link show c0 | jq '.[0].xdp.prog.id // 0')" != 0 ]
	ip netns exec "$NSA" bash -c 'for i in 1 2 3 4; do echo -n x > /dev/udp/10.198.0.1/9; done' \
		2>/dev/null
	sleep 0.2
	MAPS=$ROOT/maps/uid-4700/xl_test_progs_bpf_o
	[ "$(packets 2)" -eq 4 ]
	ip netns del "$NSC"
	for _ in $(seq 1 20); do [ "$(pins)" = "$pins_before" ] && break; sleep 0.05; done
	[ "$(pins)" = "$pins_before" ]
	# The veth's program goes with the namespace's deferred cleanup.
	for _ in $(seq 1 100); do nothing_made 2>/dev/null && break; sleep 0.05; done
	nothing_made
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
}
