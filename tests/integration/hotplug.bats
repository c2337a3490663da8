#!/usr/bin/env bats
# Interfaces that come and go, on any kernel: declarative interface files
# (interfaces.d), hotplug, renames, moves, deletions and reused ifindexes,
# seen through rtnetlink. The daemon runs in $NSB; one program per
# interface, so that this runs where freplace is refused.

load daemon-helpers

setup() {
	daemon_setup
	IFD=$BATS_TEST_TMPDIR/interfaces.d
	mkdir -p "$IFD"
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	sed -e "s|^InterfacesDir = .*|InterfacesDir = $IFD|" "$REPO/config/xdplinkd.conf" > "$CONF"
	NSO=xlo$$_$BATS_TEST_NUMBER
	ip netns add "$NSO"
}

teardown() {
	daemon_teardown
	ip netns del "$NSO" 2>/dev/null || true
}

# x_file NAME GLOB PROG [NAMESPACE]: an interface file giving GLOB program PROG.
x_file() {
	{
		printf '[Match]\nName=%s\n' "$2"
		[ -z "${4:-}" ] || printf 'Namespace=%s\n' "$4"
		printf '\n[Interface]\nMode=skb\n\n[Program]\nObject=%s\nProgram=%s\n' "$OBJ" "$3"
	} > "$IFD/$1"
}

prog_on() { ip -n "${2:-$NSB}" -d -j link show "$1" 2>/dev/null | jq '.[0].xdp.prog.id // 0'; }
now_us() { echo "${EPOCHREALTIME/./}"; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds; fails after SECONDS.
wait_for() {
	local end=$(( $(now_us) + $1 * 1000000 )); shift
	until "$@"; do [ "$(now_us)" -lt "$end" ] || return 1; sleep 0.02; done
}
has_prog() { [ "$(prog_on "$@")" != 0 ]; }
no_prog() { [ "$(prog_on "$@")" = 0 ]; }

@test "a new interface matching a file gets its programs within 1 s, owned by the config" {
	x_file 10-x.conf 'veth-x*' xl_pass_4
	daemon_start
	t0=$(now_us)
	ip -n "$NSB" link add veth-x1 type veth peer name veth-y1
	wait_for 2 has_prog veth-x1 || { cat "$DLOG"; false; }
	t1=$(now_us)
	echo "# programs on veth-x1 $(( (t1 - t0) / 1000 )) ms after it was created" >&3
	[ $(( t1 - t0 )) -lt $(( 1000000 * SLOW )) ]
	[ "$(ctl --json status veth-x1 | jq -r '.interfaces[0].attachments[0].owner')" = config:10-x.conf ]
	no_prog veth-y1
}

@test "files apply at start; reload changes nothing unchanged and removes what a file no longer says" {
	ip -n "$NSB" link add veth-x1 type veth peer name veth-y1
	x_file 10-x.conf 'veth-x*' xl_pass_4
	daemon_start
	wait_for 2 has_prog veth-x1
	rev=$(ctl --json status veth-x1 | jq '.interfaces[0].revision')
	ctl reload
	sleep 0.3
	[ "$(ctl --json status veth-x1 | jq '.interfaces[0].revision')" = "$rev" ]
	# Another owner's program elsewhere stays through it all.
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	rm "$IFD/10-x.conf"
	ctl reload
	wait_for 2 no_prog veth-x1
	has_prog vb
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name "*-$(ip -n "$NSB" -j link show veth-x1 | jq '.[0].ifindex')")" ]
}

@test "a renamed interface keeps its programs; List and Monitor show the new name" {
	daemon_start
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.3
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	prog=$(prog_on vb)
	ip -n "$NSB" link set vb name vrenamed
	wait_for 2 bash -c "[ \"\$('$XDPCTL' --socket '$SOCK' --json status | jq -r '.interfaces[0].name')\" = vrenamed ]"
	[ "$(prog_on vrenamed)" = "$prog" ]
	send_udp 2
	[ "$(packets 1)" -eq 2 ]
	kill -INT "$mon"; wait "$mon" || true
	grep -q '"interfaceRenamed"' "$BATS_TEST_TMPDIR/events"
	grep -q '"previousName": *"vb"' "$BATS_TEST_TMPDIR/events"
}

# B3: a worker took the reply's snapshot with rec->name while the main
# thread rewrote it on a rename (netlink) or a List (if_indextoname).
# Under make check-tsan this fails on any report; here it checks that the
# name settles on the kernel's.
@test "renames while swaps run: no race on the name, and List ends with the kernel's (B3)" {
	daemon_start
	for p in 1 2; do
		printf '{"programs": [{"object": "%s", "program": "xl_pass_%s"}]}\n' "$OBJ" "$p" \
			> "$BATS_TEST_TMPDIR/set$p.json"
	done
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	# Swaps by the name vb: those that land while it is called vr fail.
	(
		for i in $(seq 1 40); do
			ctl replace vb --from "$BATS_TEST_TMPDIR/set$(( i % 2 + 1 )).json" --mode skb \
				>/dev/null 2>&1 && echo ok
		done > "$BATS_TEST_TMPDIR/swapped"
		true
	) 3>&- &
	swaps=$!
	for i in $(seq 1 40); do
		ip -n "$NSB" link set vb name vr
		ctl --json status >/dev/null
		ip -n "$NSB" link set vr name vb
	done
	wait "$swaps"
	echo "swaps that ran: $(wc -l < "$BATS_TEST_TMPDIR/swapped")"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/swapped")" -gt 0 ]
	wait_for 2 bash -c "[ \"\$('$XDPCTL' --socket '$SOCK' --json status | jq -r '.interfaces[0].name')\" = vb ]"
	[ "$(prog_on vb)" != 0 ]
}

@test "an interface moved to another namespace is detached and cleaned, and announced" {
	daemon_start
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.3
	ip -n "$NSB" link add vm0 type veth peer name vm1
	ctl attach vm0 "$OBJ" --prog xl_pass_1 --mode skb
	ifindex=$(ip -n "$NSB" -j link show vm0 | jq '.[0].ifindex')
	ip -n "$NSB" link set vm0 netns "$NSO"
	wait_for 2 no_prog vm0 "$NSO"
	wait_for 2 bash -c "[ -z \"\$(find '$ROOT' -mindepth 1 -maxdepth 1 -name '*-$ifindex')\" ]"
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
	kill -INT "$mon"; wait "$mon" || true
	grep -q '"interfaceMoved"' "$BATS_TEST_TMPDIR/events"
}

@test "a deleted interface is cleaned within 1 s; a new one with its ifindex starts empty" {
	daemon_start
	ip -n "$NSB" link add vd0 type veth peer name vd1
	ctl attach vd0 "$OBJ" --prog xl_pass_1 --mode skb
	ifindex=$(ip -n "$NSB" -j link show vd0 | jq '.[0].ifindex')
	t0=$(now_us)
	ip -n "$NSB" link del vd0
	wait_for 2 bash -c "[ -z \"\$(find '$ROOT' -mindepth 1 -maxdepth 1 -name '*-$ifindex')\" ]"
	t1=$(now_us)
	echo "# pins of vd0 gone $(( (t1 - t0) / 1000 )) ms after its deletion" >&3
	[ $(( t1 - t0 )) -lt $(( 1000000 * SLOW )) ]
	# The same number again, for another device: nothing of the old one.
	ip -n "$NSB" link add vd2 index "$ifindex" type veth peer name vd3
	[ "$(ip -n "$NSB" -j link show vd2 | jq '.[0].ifindex')" -eq "$ifindex" ]
	sleep 0.3
	no_prog vd2
	[ "$(ctl --json status vd2 | jq '.interfaces[0].revision')" -eq 0 ]
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
}

@test "a file for another namespace applies there, also to interfaces made later" {
	ip -n "$NSO" link add vo0 type veth peer name vo1
	x_file 20-o.conf 'vo*' xl_pass_5 "$NSO"
	daemon_start
	wait_for 2 has_prog vo0 "$NSO"
	has_prog vo1 "$NSO"
	ip -n "$NSO" link add vo2 type veth peer name vo3
	wait_for 2 has_prog vo2 "$NSO"
	# Not in our namespace, though the names would match.
	ip -n "$NSB" link add vo9 type veth peer name vo8
	sleep 0.3
	no_prog vo9
}

@test "a bad interface file stops the start with file:line; Reload refuses it and keeps the rest" {
	printf '[Match]\nName=x*\n\n[Program]\nObject=relative.o\n' > "$IFD/30-bad.conf"
	run nsenter --net="/run/netns/$NSB" "$XDPLINKD" --config "$CONF" \
		--socket "$BATS_TEST_TMPDIR/other.sock" --bpffs-root "$ROOT" --state-dir "$STATE"
	[ "$status" -ne 0 ]
	[[ "$output" == *"30-bad.conf:5:"* ]]
	rm "$IFD/30-bad.conf"
	x_file 10-x.conf 'veth-x*' xl_pass_4
	ip -n "$NSB" link add veth-x1 type veth peer name veth-y1
	daemon_start
	wait_for 2 has_prog veth-x1
	printf '[Match]\nName=x*\n\n[Program]\nObject=relative.o\n' > "$IFD/30-bad.conf"
	run ctl reload
	[ "$status" -eq 1 ]
	[[ "$output" == *"30-bad.conf:5:"* ]]
	has_prog veth-x1
	ctl version >/dev/null
}
