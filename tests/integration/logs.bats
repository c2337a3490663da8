#!/usr/bin/env bats
# The daemon's log as journald and an auditor read it (issue 14):
# - on a stderr that is no terminal every line starts with sd-daemon(3)'s
#   <N>, the level of that line, so that journald files it at that level;
#   on a terminal there is no prefix;
# - every change's line names who asked (uid, pid, systemd unit) and each
#   program it added or removed (id, name, program id, object, label,
#   owner), escaped and quoted so that no label can forge a line or a field.
# One program per interface, so that it runs where freplace is refused.

load daemon-helpers
load change-helpers

setup() {
	daemon_setup
	CG=
}

teardown() {
	[ -z "${HOLDER:-}" ] || { kill -9 "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }
	if [ -n "$CG" ]; then
		# Our own shell went back already; the cgroup is empty.
		rmdir "$CG" 2>/dev/null || true
	fi
	daemon_teardown
}

# A configuration that refuses to start: two errors, on lines 2 and 3.
bad_conf() {
	printf '[Engine]\nDefaultMode = turbo\nCounters = maybe\n' > "$BATS_TEST_TMPDIR/bad.conf"
}

# The log's lines at level N (the prefix's digit).
at_level() { grep -c "^<$1>xdplinkd: " "$DLOG" || true; }

@test "on a file, every line carries its level as <N>: info, notice, warning, debug" {
	# A group nobody has: [Access] warns (level 4) at start.
	sed -e 's/^AllowGroups = xdplinkd/AllowGroups = xl-no-such-group/' \
		"$REPO/config/xdplinkd.conf" > "$BATS_TEST_TMPDIR/xdplinkd.conf"
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	daemon_start --log-level debug
	# A refused change is a notice (5).
	run ctl attach vb "$OBJ" --prog nope
	[ "$status" -ne 0 ]
	ctl attach vb "$OBJ" --prog xl_pass_1
	for _ in $(seq $((20 * SLOW))); do grep -q 'is live' "$DLOG" && break; sleep 0.1; done
	cat "$DLOG"
	# Every line, not only some: a line without <N> would be filed at one level.
	! grep -v '^<[0-7]>xdplinkd: ' "$DLOG"
	grep -q '^<6>xdplinkd: Recovered 0 interfaces' "$DLOG"
	grep -q '^<6>xdplinkd: vb: revision 1 is live' "$DLOG"
	grep -q '^<5>xdplinkd: vb: attach refused: .*nope' "$DLOG"
	grep -q "^<4>xdplinkd: \[Access\]: .*xl-no-such-group" "$DLOG"
	[ "$(at_level 7)" -gt 0 ]
}

@test "a refused start's errors are <3>, each of them; on a terminal no line has a prefix" {
	bad_conf
	run "$XDPLINKD" --config "$BATS_TEST_TMPDIR/bad.conf" --socket "$SOCK" \
		--bpffs-root "$ROOT" --state-dir "$STATE"
	echo "$output"
	[ "$status" -eq 78 ]	# EX_CONFIG
	grep -q '^<3>xdplinkd: .*bad.conf:2: bad value .turbo. for DefaultMode' <<< "$output"
	grep -q '^<3>xdplinkd: .*bad.conf:3: bad value .maybe. for Counters' <<< "$output"
	grep -q '^<3>xdplinkd: Refusing to start' <<< "$output"
	# script(1) gives the daemon a pseudo-terminal as its stderr.
	run script -qec "'$XDPLINKD' --config '$BATS_TEST_TMPDIR/bad.conf' --socket '$SOCK' \
		--bpffs-root '$ROOT' --state-dir '$STATE'" /dev/null
	echo "$output"
	grep -q '^xdplinkd: .*bad.conf:2: bad value .turbo. for DefaultMode' <<< "${output//$'\r'/}"
	grep -q '^xdplinkd: Refusing to start' <<< "${output//$'\r'/}"
	! grep -q '<[0-7]>' <<< "$output"
}

# Not through ctl(): $! must be xdpctl itself, not a subshell.
xdpctl_bg() { "$XDPCTL" --socket "$SOCK" "$@" & }

@test "Attach and Detach name the caller's uid and pid and the program" {
	daemon_start
	xdpctl_bg attach vb "$OBJ" --prog xl_pass_1 --label fw
	pid=$!
	wait "$pid"
	id=$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')
	progid=$(ctl --json status vb | jq '.interfaces[0].attachments[0].programId')
	grep -F "vb: revision 1 is live (attach: 1 added, 0 removed, 0 reordered; 1 link updates) by uid=0 pid=$pid; added #$id \"xl_pass_1\" (program $progid, object \"$OBJ\", label \"fw\", owner \"uid:0\")" "$DLOG"
	xdpctl_bg detach vb "$id"
	pid=$!
	wait "$pid"
	grep -F "is live (detach: 0 added, 1 removed, 0 reordered; 1 link updates) by uid=0 pid=$pid; removed #$id \"xl_pass_1\" (program $progid, object \"$OBJ\", label \"fw\", owner \"uid:0\")" "$DLOG"
	# A refused change names who asked too.
	xdpctl_bg attach vb "$OBJ" --prog nope
	pid=$!
	wait "$pid" || true
	grep -E "vb: attach refused: .*nope.* \(asked by uid=0 pid=$pid\)" "$DLOG"
}

@test "Replace and Change name the caller and every program they add and remove" {
	daemon_start
	ctl attach vb "$OBJ" --prog xl_pass_1
	old=$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')
	out=$(change vb "[{\"op\": \"detach\", \"id\": $old},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"xl_pass_2\", \"label\": \"b\"}]")
	new=$(jq '.parameters.added[0]' <<< "$out")
	grep -E "vb: revision 2 is live \(change: 1 added, 1 removed, 0 reordered; 1 link updates\) by uid=0 pid=[0-9]+; added #$new \"xl_pass_2\" \(program [0-9]+, object \"[^\"]*\", label \"b\", owner \"uid:0\"\); removed #$old \"xl_pass_1\"" "$DLOG"
	printf '[Program]\nObject = %s\nProgram = xl_pass_3\n' "$OBJ" > "$BATS_TEST_TMPDIR/set"
	ctl replace --from "$BATS_TEST_TMPDIR/set" vb
	grep -E "vb: revision 3 is live \(replace: 1 added, 1 removed, 0 reordered; 1 link updates\) by uid=0 pid=[0-9]+; added #[0-9]+ \"xl_pass_3\" .*; removed #$new \"xl_pass_2\"" "$DLOG"
}

@test "a label cannot forge a log line or end its quotes" {
	daemon_start
	label='x" removed #1 "y'$'\n''xdplinkd: forged'
	params=$(jq -cn --arg o "$OBJ" --arg l "$label" \
		'{interface: "vb", object: $o, program: "xl_pass_1", label: $l}')
	out=$(vcall Attach "$params")
	jq -e '.parameters.id' <<< "$out"
	cat "$DLOG"
	! grep -q 'xdplinkd: forged' "$DLOG"
	grep -qF 'label "x\x22 removed #1 \x22y\x0axdplinkd: forged"' "$DLOG"
}

@test "the unit of a caller in a systemd unit's cgroup is named" {
	local base
	base=$(findmnt -n -o TARGET -t cgroup -O name=systemd | head -1)
	[ -n "$base" ] || base=$(findmnt -n -o TARGET -t cgroup2 | head -1)
	[ -n "$base" ] || skip "no name=systemd or cgroup2 hierarchy mounted"
	CG=$base/xl-logs-$$.scope
	mkdir "$CG" || skip "cannot create a cgroup under $base"
	daemon_start
	# Only this child moves into the unit's cgroup, and exits there.
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --socket "$3" attach vb "$4" --prog xl_pass_1' \
		sh "$CG" "$XDPCTL" "$SOCK" "$OBJ"
	grep -E "vb: revision 1 is live .* by uid=0 pid=[0-9]+ unit=\"xl-logs-$$.scope\"; added" "$DLOG"
}

@test "a closed connection's removal names that connection and the program" {
	daemon_start
	"$XDPCTL" --socket "$SOCK" attach vb "$OBJ" --prog xl_pass_1 --lifetime connection \
		> "$BATS_TEST_TMPDIR/holder.out" 2>&1 3>&- &
	HOLDER=$!
	for _ in $(seq $((50 * SLOW))); do grep -q 'revision 1 is live' "$DLOG" && break; sleep 0.1; done
	id=$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')
	kill -9 "$HOLDER"
	for _ in $(seq $((50 * SLOW))); do grep -q 'detach: 0 added' "$DLOG" && break; sleep 0.1; done
	grep -F "vb: the connection that attached 1 of its programs closed; removing them (connection of uid=0 pid=$HOLDER)" "$DLOG"
	grep -F "is live (detach: 0 added, 1 removed, 0 reordered; 1 link updates) by the closed connection of uid=0 pid=$HOLDER; removed #$id \"xl_pass_1\"" "$DLOG"
	HOLDER=
}

@test "interfaces.d changes name their file; Reload and SIGHUP name who asked" {
	IFD=$BATS_TEST_TMPDIR/interfaces.d
	mkdir "$IFD"
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	sed -e "s|^InterfacesDir = .*|InterfacesDir = $IFD|" "$REPO/config/xdplinkd.conf" > "$CONF"
	printf '[Match]\nName = vb\n[Program]\nObject = %s\nProgram = xl_pass_1\n' "$OBJ" \
		> "$IFD/10-vb.conf"
	daemon_start
	for _ in $(seq $((50 * SLOW))); do grep -q 'revision 1 is live' "$DLOG" && break; sleep 0.1; done
	grep -E 'vb: revision 1 is live \(replace: 1 added, 0 removed.* by interfaces.d file "10-vb.conf"; added #[0-9]+ "xl_pass_1" .*owner "config:10-vb.conf"' "$DLOG"
	rm "$IFD/10-vb.conf"
	xdpctl_bg reload
	pid=$!
	wait "$pid"
	grep -F "Reload asked for by uid=0 pid=$pid" "$DLOG"
	for _ in $(seq $((50 * SLOW))); do grep -q 'replace: 0 added' "$DLOG" && break; sleep 0.1; done
	grep -E 'vb: revision [0-9]+ is live \(replace: 0 added, 1 removed.* by interfaces.d \(no file names it any more\); removed #[0-9]+ "xl_pass_1"' "$DLOG"
	kill -HUP "$DAEMON_PID"
	for _ in $(seq $((50 * SLOW))); do grep -q 'Received SIGHUP' "$DLOG" && break; sleep 0.1; done
	grep -F "Received SIGHUP from uid=0 pid=$$; reloading" "$DLOG"
}

@test "a refused Reload logs every error, at <3>, and tells the caller there are more" {
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	cp "$REPO/config/xdplinkd.conf" "$CONF"
	daemon_start
	printf '[Nope]\nA = 1\n[Engine]\nFoo = 1\n' >> "$CONF"
	run ctl reload
	echo "$output"
	[ "$status" -ne 0 ]
	grep -q "xdplinkd.conf:[0-9]*: unknown section \[Nope\] (and 1 more errors" <<< "$output"
	grep -q "^<3>xdplinkd: .*xdplinkd.conf:[0-9]*: unknown section \[Nope\]$" "$DLOG"
	grep -q "^<3>xdplinkd: .*xdplinkd.conf:[0-9]*: unknown key 'Foo' in section \[Engine\]" "$DLOG"
	grep -q "^<3>xdplinkd: Reload refused, keeping the running configuration: 2 errors" "$DLOG"
	# Still serving, as before.
	ctl status >/dev/null
}

@test "Adopt names who asked and what it took over; --detach what it removed" {
	daemon_start
	ctl attach vb "$OBJ" --prog xl_pass_1 --label one
	xdpctl_bg adopt vb
	pid=$!
	wait "$pid"
	grep -E "<5>xdplinkd: Adopted vb: .*, by uid=0 pid=$pid; adopted #[0-9]+ \"xl_pass_1\" \(program [0-9]+, object \"$OBJ\", label \"one\", owner \"uid:0\"\)$" "$DLOG"
	xdpctl_bg adopt vb --detach
	pid=$!
	wait "$pid"
	grep -E "<5>xdplinkd: Detached XDP from vb: pins and state removed, with [0-9]+ link updates, by uid=0 pid=$pid; removed #[0-9]+ \"xl_pass_1\" \(program [0-9]+, object \"$OBJ\", label \"one\"" "$DLOG"
}

@test "an interface that is gone: the line names the programs that went with it" {
	veth_in_nsb vc vd
	daemon_start
	ctl attach vc "$OBJ" --prog xl_pass_2 --label gone
	ip -n "$NSB" link del vc
	for _ in $(seq $((50 * SLOW))); do grep -q 'vc (ifindex' "$DLOG" && break; sleep 0.1; done
	grep -E "<5>xdplinkd: vc \(ifindex [0-9]+\) is gone; its 1 programs, pins and state were removed; removed #[0-9]+ \"xl_pass_2\" \(program [0-9]+, object \"$OBJ\", label \"gone\", owner \"uid:0\"\)$" "$DLOG"
}
