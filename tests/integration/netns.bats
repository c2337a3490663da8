#!/usr/bin/env bats
# Interfaces of other network namespaces, on any kernel: the daemon runs in
# $NSB (helpers.bash's receiving namespace) and manages va in $NSA through
# --netns, next to vb in its own. Both are fresh namespaces, so va and vb
# have the same ifindex: the case libxdp's pins collide on.

load daemon-helpers

setup() {
	daemon_setup
	daemon_start
	VA_IFINDEX=$(ip -n "$NSA" -j link show va | jq '.[0].ifindex')
}

teardown() {
	daemon_teardown
}

# Packets from NSB to va (the other direction from send_udp).
send_udp_to_va() {
	ip netns exec "$NSB" bash -c \
		"for ((i = 0; i < $1; i++)); do echo -n x > /dev/udp/10.199.0.1/9; done" 2>/dev/null
	sleep 0.2
}

iface_dirs() { find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*' -printf '%f\n' | sort; }
xdp_prog_on_va() { ip -n "$NSA" -d -j link show va | jq '.[0].xdp.prog.id // 0'; }

@test "an interface of another namespace gets pins of its own; equal ifindexes never collide" {
	[ "$VA_IFINDEX" -eq "$VB_IFINDEX" ]
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	ctl --netns "$NSA" attach va "$OBJ" --prog xl_pass_2 --mode skb
	# Two directories, <cookie>-<ifindex>, with the same ifindex.
	[ "$(iface_dirs | wc -l)" -eq 2 ]
	[ "$(iface_dirs | cut -d- -f1 | sort -u | wc -l)" -eq 2 ]
	[ "$(iface_dirs | cut -d- -f2 | sort -u)" = "$VB_IFINDEX" ]
	# Each side counts exactly what was sent to it. (What comes back, the
	# rate-limited ICMP port unreachables, lands on the sender's side,
	# so only the receiving side's count is exact.)
	send_udp 3
	[ "$(packets 1)" -eq 3 ]
	before=$(packets 2)
	send_udp_to_va 4
	[ "$(packets 2)" -eq $((before + 4)) ]
	# Detaching one leaves the other running.
	ctl --netns "$NSA" detach va --all
	[ "$(xdp_prog_on_va)" = 0 ] && [ "$(xdp_prog_on_vb)" != 0 ]
	[ "$(iface_dirs | wc -l)" -eq 1 ]
	before=$(packets 1)
	send_udp 2
	[ "$(packets 1)" -eq $((before + 2)) ]
}

@test "--netns takes a name under /run/netns, a path or a pid" {
	ctl --netns "$NSA" attach va "$OBJ" --prog xl_pass_2 --mode skb
	ip netns exec "$NSA" sleep 30 3>&- &
	holder=$!
	sleep 0.2
	pid=$(pgrep -P "$holder" sleep || echo "$holder")
	for ns in "$NSA" "/run/netns/$NSA" "$pid"; do
		run ctl --netns "$ns" --json status va
		[ "$status" -eq 0 ]
		[ "$(echo "$output" | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_2 ]
	done
	kill "$holder"; wait "$holder" 2>/dev/null || true
	# Listing one namespace shows only its interfaces; no namespace: all of them.
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb
	[ "$(ctl --netns "$NSA" --json status | jq '.interfaces | length')" -eq 1 ]
	[ "$(ctl --json status | jq '[.interfaces[].netnsCookie] | unique | length')" -eq 2 ]
	# vb is not in NSA.
	run ctl --netns "$NSA" attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 1 ]
	[[ "$output" == *"InterfaceNotFound"* ]]
}

@test "a bad namespace is refused with a specific error, and the daemon serves on" {
	M=io.xdplink.Manager
	call() { printf '%s\0' "$1" | "$VL_RAW" "${@:2}" "$SOCK"; }
	run call "{\"method\":\"$M.List\",\"parameters\":{\"netnsFd\":0}}" --fd /etc/passwd
	[[ "$output" == *'"error":"org.varlink.service.InvalidParameter"'* ]]
	[[ "$output" == *'"parameter":"netnsFd"'* ]]
	run call "{\"method\":\"$M.List\",\"parameters\":{\"netns\":\"/nonexistent\"}}"
	[[ "$output" == *'"error":"io.xdplink.Manager.NamespaceNotFound"'* ]]
	[[ "$output" == *'"errnoName":"ENOENT"'* ]]
	run call "{\"method\":\"$M.List\",\"parameters\":{\"netns\":\"a/b\"}}"
	[[ "$output" == *'"parameter":"netns"'* ]]
	run call "{\"method\":\"$M.List\",\"parameters\":{\"netns\":\"$NSA\",\"netnsPid\":1}}"
	[[ "$output" == *'"parameter":"netns"'* ]]
	run call "{\"method\":\"$M.List\",\"parameters\":{\"netnsPid\":2147483647}}"
	[[ "$output" == *'NamespaceNotFound'* ]]
	run ctl --netns no-such-ns-$$ status
	[ "$status" -eq 66 ]
	[[ "$output" == *"cannot open the network namespace no-such-ns-$$"* ]]
	ctl version >/dev/null
}

@test "deleting a namespace removes its programs, pins and state within a second" {
	kmark
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.3
	ctl --netns "$NSA" attach va "$OBJ" --prog xl_pass_2 --mode skb
	[ "$("$BUILD/tests/xl-kcount" "$KMARK")" != "progs 0 links 0" ]
	cookie=$(ctl --json status | jq '.interfaces[0].netnsCookie')
	# The daemon holds nothing of NSA: deleting it destroys va (and vb).
	ip netns del "$NSA"
	for _ in $(seq 1 15); do [ -z "$(iface_dirs)" ] && break; sleep 0.1; done
	[ -z "$(iface_dirs)" ]
	[ -z "$(ls "$STATE" | grep -- -)" ]
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
	for _ in $(seq 1 20); do nothing_made 2>/dev/null && break; sleep 0.1; done
	nothing_made
	kill -INT "$mon"; wait "$mon" || true
	grep -q '"interfaceGone"' "$BATS_TEST_TMPDIR/events"
	grep -q "\"netnsCookie\": *$cookie" "$BATS_TEST_TMPDIR/events"
}

@test "a restart adopts interfaces of other namespaces, by name, without a link update" {
	ctl --netns "$NSA" attach va "$OBJ" --prog xl_pass_2 --mode skb
	link=$(ctl --json status | jq '.interfaces[0].linkId')
	daemon_kill TERM
	send_udp_to_va 3
	[ "$(packets 2)" -eq 3 ]
	daemon_start
	grep -q 'Adopted va (in another network namespace) at revision 1' "$DLOG"
	grep 'link updates' "$DLOG" | tail -1 | grep -q 'with 0 link updates'
	[ "$(ctl --netns "$NSA" --json status va | jq '.interfaces[0].linkId')" = "$link" ]
	[ "$(ctl --json status | jq -r '.interfaces[0].name')" = va ]
	ctl --netns "$NSA" detach va --all
	[ "$(xdp_prog_on_va)" = 0 ]
}
