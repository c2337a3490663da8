#!/usr/bin/env bats
# Issue 12, callers the daemon does not trust: P4 (GroupInterfaces and
# namespaces), S6 (a change that changes nothing), S5's oneway calls and
# terminal injection. Uids exist only as numbers (as in attack.bats):
#   4700 in group 4712, which GroupInterfaces limits to secC* (and to
#        secD* in the named namespace $NSC);
#   4701 in group 4711, allowed everywhere.
# One program per interface: this runs on the host's kernel.

load attack-helpers

M=io.xdplink.Manager

setup() {
	daemon_setup
	veth_in_nsb vc vd
	NSC=xlc$$_$BATS_TEST_NUMBER
	USERNS_PID=
	open_to_users "4711 4712" "s|^GroupInterfaces =\$|GroupInterfaces = 4712:secC*,$NSC/secD*|"
	grep -q "^GroupInterfaces = 4712:secC\*,$NSC/secD\*\$" "$CONF"
	# A daemon from before a key refuses it (the runs that show each bug on the old code).
	grep -q PrivilegedLoadUsers "$XDPLINKD" || sed -i -E '/^PrivilegedLoad(Users|Groups) =/d' "$CONF"
	EVIL_PIDS=()
}

teardown() {
	[ -n "$USERNS_PID" ] && kill "$USERNS_PID" 2>/dev/null
	[ -n "$USERNS_PID" ] && wait "$USERNS_PID" 2>/dev/null
	attack_teardown
	ip netns del "$NSC" 2>/dev/null || true
}

# uctl UID GROUPS ARGS...: xdpctl as UID (gid UID) with those supplementary groups.
uctl() {
	local uid=$1 groups=$2
	shift 2
	setpriv --reuid="$uid" --regid="$uid" --groups="$groups" "$XDPCTL" --socket "$SOCK" "$@"
}
# raw_as UID GROUPS: vl-raw as UID, the calls on stdin.
raw_as() {
	local uid=$1 groups=$2
	shift 2
	setpriv --reuid="$uid" --regid="$uid" --groups="$groups" "$VL_RAW" "$@" "$SOCK"
}
xdp_prog_in() { ip -n "$1" -d -j link show "$2" | jq '.[0].xdp.prog.id // 0'; }

# A veth pair, both ends up, in the named namespace $NSC that root made.
veth_in_nsc() {
	ip netns list | grep -q "^$NSC" || ip netns add "$NSC"
	ip -n "$NSC" link add "$1" type veth peer name "$2"
	ip -n "$NSC" link set "$1" up
	ip -n "$NSC" link set "$2" up
}

@test "P4: a group limited to secC* cannot reach secC0 in a namespace root named" {
	daemon_start
	veth_in_nsc secC0 secC9
	# The file under /run/netns is readable to all: the caller can open it and pass the fd.
	run uctl 4700 4712 --netns "/run/netns/$NSC" attach secC0 "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 77 ]
	[ "$(xdp_prog_in "$NSC" secC0)" = 0 ]
	grep -q "uid 4700 may not touch interface secC0 in that network namespace (GroupInterfaces)" "$DLOG"
	# Nor detach or replace there what root attached.
	ctl --netns "$NSC" attach secC0 "$OBJ" --prog xl_pass_1 --mode skb
	run uctl 4700 4712 --netns "$NSC" detach secC0 --all
	[ "$status" -eq 77 ]
	[ "$(xdp_prog_in "$NSC" secC0)" != 0 ]
	# The daemon's own namespace still counts for the plain glob, and an
	# allowed group without limits may go anywhere.
	veth_in_nsb secC1 secC2
	uctl 4700 4712 attach secC1 "$OBJ" --prog xl_pass_2 --mode skb
	[ "$(xdp_prog_in "$NSB" secC1)" != 0 ]
	uctl 4701 4711 --netns "$NSC" attach secC9 "$OBJ" --prog xl_pass_2 --mode skb
	[ "$(xdp_prog_in "$NSC" secC9)" != 0 ]
}

@test "P4: a namespace the configuration names (NETNS/GLOB) counts for its glob only" {
	daemon_start
	veth_in_nsc secD0 secC0
	uctl 4700 4712 --netns "$NSC" attach secD0 "$OBJ" --prog xl_pass_1 --mode skb
	[ "$(xdp_prog_in "$NSC" secD0)" != 0 ]
	run uctl 4700 4712 --netns "$NSC" attach secC0 "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 77 ]
	[ "$(xdp_prog_in "$NSC" secC0)" = 0 ]
	# secD* is nobody's in the daemon's own namespace.
	veth_in_nsb secD1 secD2
	run uctl 4700 4712 attach secD1 "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 77 ]
}

@test "P4: a namespace of the caller's own user namespace counts, from inside and by fd" {
	daemon_start
	# uid 4700's user and network namespace with secC3 and secC4; from
	# inside, it passes its own namespace; then a sleeper holds it.
	U=$SOCKDIR/u
	mkdir -m 0777 "$U"
	setpriv --reuid=4700 --regid=4700 --groups=4712 unshare -Urn sh -c \
		'ip link add secC3 type veth peer name secC4 && ip link set secC3 up &&
		 ip link set secC4 up || exit 1
		 "$1" --socket "$2" --netns /proc/self/ns/net attach secC4 "$3" --prog xl_pass_2 \
			--mode skb > "$0.out" 2>&1
		 echo $? > "$0"
		 exec sleep 60' "$U/userns" "$XDPCTL" "$SOCK" "$OBJ" 3>&- &
	USERNS_PID=$!
	for _ in $(seq 100); do [ -s "$U/userns" ] && break; sleep 0.1; done
	cat "$U/userns.out"
	[ "$(cat "$U/userns")" = 0 ]
	in_userns() { nsenter --net="/proc/$USERNS_PID/ns/net" ip -d -j link show "$1" |
		jq '.[0].xdp.prog.id // 0'; }
	[ "$(in_userns secC4)" != 0 ]
	# Passed from outside it: one its owner may enter.
	uctl 4700 4712 --netns "/proc/$USERNS_PID/ns/net" attach secC3 "$OBJ" --prog xl_pass_1 \
		--mode skb
	[ "$(in_userns secC3)" != 0 ]
}

@test "S6: a user's empty Replace on root's interface makes no revision, 100 times" {
	daemon_start
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	rev=$(vb_revision)
	link=$(vb_link)
	prog=$(xdp_prog_in "$NSB" vb)
	for _ in $(seq 100); do
		printf '{"method":"%s.Replace","parameters":{"interface":"vb","programs":[]}}\0' "$M"
	done > "$BATS_TEST_TMPDIR/replaces"
	run raw_as 4701 4711 --wait-ms 3000 < "$BATS_TEST_TMPDIR/replaces"
	# Each answered, with the live revision.
	[ "$(grep -c "\"revision\":$rev[,}]" <<< "$output")" -eq 100 ]
	[ "$(vb_revision)" = "$rev" ]
	[ "$(vb_link)" = "$link" ]
	[ "$(xdp_prog_in "$NSB" vb)" = "$prog" ]
	# Nothing committed, nothing announced: no log line (and no Monitor event) for each.
	! grep -q 'replace: 0 added, 0 removed' "$DLOG"
	# Root's update that expects the revision it saw still goes through.
	ctl detach vb --all --expect-revision "$rev"
	[ "$(xdp_prog_in "$NSB" vb)" = 0 ]
}

@test "S5: a user's flood of oneway Attach calls is capped and does not delay root" {
	sed -i 's/^MaxJobsPerUser = .*/MaxJobsPerUser = 4/' "$CONF"
	daemon_start
	evil oneway 4701 4711 oneway -n 200000 -t 15 -o "$OBJ" \
		-c "{\"method\":\"$M.Attach\",\"oneway\":true,\"parameters\":{\"interface\":\"vc\",\"objectFd\":0,\"mode\":\"skb\"}}"
	root_rounds S5-oneway 10
	still_root
	sent=$(evil_end oneway 30)
	echo "# oneway Attach calls sent: $sent" >&3
	[ "$sent" -gt 100 ]
	# Over the cap they were dropped, and that was said (they get no reply).
	grep -q 'uid 4701 has 4 changes queued or running (MaxJobsPerUser=4)' "$DLOG"
}

@test "terminal injection: labels and names are escaped in xdpctl status and in the log" {
	daemon_start
	esc=$'\e'
	ifname=$'e\e[7m'
	label=$'\e[1A\e[2Kfake row\r\n'
	ip -n "$NSB" link add "$ifname" type veth peer name ep
	ip -n "$NSB" link set "$ifname" up
	ip -n "$NSB" link set ep up
	ctl attach "$ifname" "$OBJ" --prog xl_pass_1 --mode skb --label "$label"
	out=$(ctl status)
	! grep -q "$esc" <<< "$out"
	grep -q 'e\\x1b\[7m' <<< "$out"
	grep -q '\\x1b\[1A\\x1b\[2Kfake row\\x0d\\x0a' <<< "$out"
	# JSON stays exact.
	[ "$(ctl --json status "$ifname" | jq -c '.interfaces[0].attachments[0].label')" = \
		'"\u001b[1A\u001b[2Kfake row\r\n"' ]
	# A limited caller names an interface made of escapes: refused, and logged escaped.
	printf '{"method":"%s.Attach","parameters":{"interface":"x\\u001b[2K","object":"/x"}}\0' \
		"$M" | raw_as 4700 4712 > "$BATS_TEST_TMPDIR/denied" || true
	grep -q PermissionDenied "$BATS_TEST_TMPDIR/denied"
	grep -q 'Denied Attach on x\\x1b\[2K to uid=4700' "$DLOG"
	grep -q 'e\\x1b\[7m: revision' "$DLOG"
	! grep -q "$esc" "$DLOG"
}
