#!/usr/bin/env bats
# End to end with freplace: the real xdplinkd and xdpctl with several
# programs per interface. Runs in tests/vm/run when the host kernel forbids
# EXT programs.

load daemon-helpers
load kernel-quirks

setup() {
	daemon_setup
	skip_without_freplace
	daemon_start
}

teardown() {
	daemon_teardown
}

# set_file NAME PROG[:PRIO]...: a JSON program set.
set_file() {
	local f=$BATS_TEST_TMPDIR/$1.json sep=''; shift
	{
		echo '{ "programs": ['
		for p in "$@"; do
			printf '%s{ "object": "%s", "program": "%s", "priority": %d }\n' \
				"$sep" "$OBJ" "${p%%:*}" "${p#*:}"
			sep=,
		done
		echo '] }'
	} > "$f"
	echo "$f"
}

@test "two programs attached with xdpctl run in priority order on real traffic" {
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 20
	ctl attach vb "$OBJ" --prog xl_pass_2 --priority 10
	[ "$(vb_names)" = xl_pass_2,xl_pass_1 ]
	[ "$(vb_revision)" -eq 2 ]
	send_udp 10
	[ "$(packets 1)" -eq 10 ] && [ "$(packets 2)" -eq 10 ]
	[ "$(stamp 2)" -lt "$(stamp 1)" ]
	# One XDP link running our dispatcher; one freplace link per program.
	[ "$(xdp_links_on_vb)" -eq 1 ]
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
}

@test "status shows revision, owner and per-program counters" {
	f=$(set_file s xl_pass_1:10 xl_drop:20)
	ctl replace vb --from "$f" --counters
	send_udp 6
	run ctl status vb
	[ "$status" -eq 0 ]
	[[ "$output" == *xl_pass_1* && "$output" == *xl_drop* ]]
	[[ "$output" == *"uid:0"* ]]
	[ "$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xl_drop") | .counters.drop')" -eq 6 ]
	[ "$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xl_pass_1") | .counters.pass')" -eq 0 ]
}

@test "replace is one atomic swap: same link, one revision, and a monitor event" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	ctl attach vb "$OBJ" --prog xl_pass_2
	link=$(vb_link)
	"$XDPCTL" --socket "$SOCK" --json monitor vb > "$BATS_TEST_TMPDIR/events" 3>&- &
	mon=$!
	sleep 0.5
	f=$(set_file s xl_pass_3:1 xl_pass_4:2 xl_pass_5:3)
	run ctl replace vb --from "$f"
	[ "$status" -eq 0 ]
	[ "$(vb_revision)" -eq 3 ]
	[ "$(vb_link)" = "$link" ]
	[ "$(vb_names)" = xl_pass_3,xl_pass_4,xl_pass_5 ]
	sleep 0.5
	kill -INT "$mon"; wait "$mon" || true
	ev=$(grep '"replace"' "$BATS_TEST_TMPDIR/events" | head -1)
	[ -n "$ev" ]
	[ "$(jq '.event.revision // .revision' <<<"$ev")" -eq 3 ]
	send_udp 4
	[ "$(packets 1)" -eq 0 ] && [ "$(packets 3)" -eq 4 ] && [ "$(packets 5)" -eq 4 ]
}

@test "the 64th program is refused as TooManyPrograms and nothing changes" {
	args=()
	for i in $(seq 0 62); do args+=("xl_pass_$i:$i"); done
	f=$(set_file full "${args[@]}")
	ctl replace vb --from "$f"
	[ "$(vb_json | jq '.interfaces[0].attachments | length')" -eq 63 ]
	run ctl attach vb "$OBJ" --prog xl_drop
	[ "$status" -eq 1 ]
	[[ "$output" == *TooManyPrograms* ]]
	[ "$(vb_revision)" -eq 1 ]
}

@test "a stale expected revision is refused as RevisionMismatch" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	ctl attach vb "$OBJ" --prog xl_pass_2
	run ctl attach vb "$OBJ" --prog xl_pass_3 --expect-revision 1
	[ "$status" -ne 0 ]
	[[ "$output" == *RevisionMismatch* || "$output" == *"revision"* ]]
	[ "$(vb_revision)" -eq 2 ]
	run ctl attach vb "$OBJ" --prog xl_pass_3 --expect-revision 2
	[ "$status" -eq 0 ]
}

# stop_mid_stream SIGNAL: stop the daemon with SIGNAL while a client swaps
# two sets back and forth under steady traffic; a program in both sets must
# count every packet sent, and a restart must find exactly one of the sets.
stop_mid_stream() {
	skip_swaps_under_traffic
	f1=$(set_file a xl_pass_1:1 xl_pass_2:2)
	f2=$(set_file b xl_pass_1:1 xl_pass_3:2)
	ctl replace vb --from "$f1"
	ip netns exec "$NSA" bash -c \
		'for ((i = 0; i < 400; i++)); do echo -n x > /dev/udp/10.199.0.2/9; sleep 0.005; done' \
		2>/dev/null 3>&- &
	sender=$!
	( for i in $(seq 1 30); do ctl replace vb --from "$([ $((i % 2)) = 0 ] && echo "$f1" || echo "$f2")"; done ) \
		>/dev/null 2>&1 3>&- &
	stream=$!
	sleep 2
	daemon_kill "$1"
	wait "$stream" || true
	wait "$sender"
	sleep 0.3
	[ "$(packets 1)" -eq 400 ]
	daemon_start
	# This start's recovery, not the first one's: vb adopted, no link touched.
	grep 'link updates' "$DLOG" | tail -1 | grep -q 'Recovered 1 interfaces.*with 0 link updates'
	names=$(vb_names)
	[[ "$names" = xl_pass_1,xl_pass_2 || "$names" = xl_pass_1,xl_pass_3 ]]
	[ "$(find "$ROOT" -mindepth 2 -maxdepth 2 -name 'rev-*' | wc -l)" -eq 1 ]
	[ "$(vb_json | jq '.interfaces[0].entryProgramId')" = "$(xdp_prog_on_vb)" ]
	progs=$(n_progs); links=$(n_links)
	ctl detach vb --all
	[ "$(xdp_prog_on_vb)" = 0 ]
	[ "$(n_links)" -lt "$links" ] && [ "$(n_progs)" -lt "$progs" ]
}

@test "SIGKILL during a stream of swaps under traffic: no packet is lost, state recovers" {
	stop_mid_stream KILL
}

@test "SIGTERM during a stream of swaps under traffic: a clean exit, no packet lost, state recovers" {
	stop_mid_stream TERM
	[ "$DAEMON_STATUS" -eq 0 ]
	grep -q 'every attached program stays running' "$DLOG"
}

@test "swaps on two interfaces proceed independently" {
	ip -n "$NSB" link add vc type veth peer name vd
	ip -n "$NSB" link set vc up; ip -n "$NSB" link set vd up
	ctl attach vb "$OBJ" --prog xl_pass_1 & a=$!
	ctl attach vc "$OBJ" --prog xl_pass_2 & b=$!
	ctl attach vb "$OBJ" --prog xl_pass_3 & c=$!
	wait $a && wait $b && wait $c
	[ "$(vb_json | jq '.interfaces[0].attachments | length')" -eq 2 ]
	[ "$(ctl --json status vc | jq '.interfaces[0].attachments | length')" -eq 1 ]
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 2 ]
}

@test "two namespaces with the same ifindex and different program sets never interfere" {
	[ "$(ip -n "$NSA" -j link show va | jq '.[0].ifindex')" -eq "$VB_IFINDEX" ]
	ctl replace vb --from "$(set_file b xl_pass_1:1 xl_pass_2:2)"
	ctl --netns "$NSA" replace va --from "$(set_file a xl_pass_3:1 xl_pass_4:2)"
	[ "$(vb_names)" = xl_pass_1,xl_pass_2 ]
	[ "$(ctl --netns "$NSA" --json status va | jq -r '[.interfaces[0].attachments[].name] | join(",")')" = \
		xl_pass_3,xl_pass_4 ]
	send_udp 5
	[ "$(packets 1)" -eq 5 ] && [ "$(packets 2)" -eq 5 ]
	before=$(packets 3)
	ip netns exec "$NSB" bash -c 'for i in 1 2 3 4; do echo -n x > /dev/udp/10.199.0.1/9; done' 2>/dev/null
	sleep 0.2
	[ "$(packets 3)" -eq $((before + 4)) ] && [ "$(packets 4)" -eq $((before + 4)) ]
	# A swap on one leaves the other's link and revision alone.
	link=$(vb_link); rev=$(vb_revision)
	ctl --netns "$NSA" replace va --from "$(set_file c xl_pass_5:1)"
	[ "$(vb_link)" = "$link" ] && [ "$(vb_revision)" = "$rev" ]
	[ "$(vb_names)" = xl_pass_1,xl_pass_2 ]
	# (ICMP port unreachables come back to the sending side: only the
	# receiving side's counts are exact.)
	before=$(packets 1)
	send_udp 2
	[ "$(packets 1)" -eq $((before + 2)) ] && [ "$(packets 2)" -eq $((before + 2)) ]
}

@test "a connection-scoped program leaves a shared set in one swap, under traffic" {
	skip_swaps_under_traffic
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 1
	"$XDPCTL" --socket "$SOCK" attach vb "$OBJ" --prog xl_pass_2 --priority 2 \
		--lifetime connection > "$BATS_TEST_TMPDIR/holder.out" 2>&1 3>&- &
	holder=$!
	for _ in $(seq 1 100); do [ "$(vb_names)" = xl_pass_1,xl_pass_2 ] && break; sleep 0.1; done
	[ "$(vb_names)" = xl_pass_1,xl_pass_2 ]
	rev=$(vb_revision); link=$(vb_link)
	ip netns exec "$NSA" bash -c \
		'for ((i = 0; i < 200; i++)); do echo -n x > /dev/udp/10.199.0.2/9; sleep 0.005; done' \
		2>/dev/null 3>&- &
	sender=$!
	sleep 0.5
	kill -9 "$holder"; wait "$holder" 2>/dev/null || true
	wait "$sender"
	sleep 0.3
	[ "$(vb_names)" = xl_pass_1 ]
	[ "$(vb_revision)" -eq $((rev + 1)) ] && [ "$(vb_link)" = "$link" ]
	[ "$(packets 1)" -eq 200 ]
}

# Issue 10: every object with .rodata/.data/.bss failed to run alone
# ("loading xdpdump ... as plain XDP (to run it alone): ENOENT"): the twin was
# reopened by its real path while the first instance came through
# /proc/self/fd/N, so libbpf named their global-data maps differently.
@test "foreign objects with global data run alone, in a set, and alone again" {
	for o in xdpdump_xdp.o xsk_def_xdp_prog.o; do
		[ -f "$SYS_BPF/$o" ] || skip "xdp-tools does not ship $o here"
	done
	kmark
	run ctl attach vb "$SYS_BPF/xdpdump_xdp.o"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	# Alone: the link runs the program itself, not the dispatcher.
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xdpdump ]
	bss=$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq '.map_ids | length')
	[ "$bss" -ge 1 ]
	ctl attach vb "$SYS_BPF/xsk_def_xdp_prog.o" --priority 90
	[ "$(vb_names)" = xdpdump,xsk_def_prog ]
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	send_udp 3
	id=$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xdpdump") | .id')
	ctl detach vb "$id"
	# xsk_def_xdp_prog alone now: its .rodata/.bss maps shared with the set's instance.
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xsk_def_prog ]
	send_udp 3
	ctl detach vb --all
	[ "$(xdp_prog_on_vb)" -eq 0 ]
	[ -z "$(pins | grep -E 'prog-|direct-|rev-')" ]
	daemon_stop_gently
	nothing_made
}

# The same loaded program on a second interface brings the twin it got on
# the first, so it runs there as plain XDP with the same maps (global data
# included), never reloaded from its file.
@test "a shared program (programId) runs alone elsewhere as its twin, with the same maps" {
	[ -f "$SYS_BPF/xsk_def_xdp_prog.o" ] || skip "xdp-tools does not ship xsk_def_xdp_prog.o here"
	veth_in_nsb vc vd
	kmark
	ctl attach vb "$SYS_BPF/xsk_def_xdp_prog.o"
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10
	prog=$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xsk_def_prog") | .programId')
	ctl attach vd --program-id "$prog" --mode skb
	on_vd=$(ip -n "$NSB" -d -j link show vd | jq '.[0].xdp.prog.id // 0')
	[ "$(bpftool -j prog show id "$on_vd" | jq -r '.name + " " + .type')" = "xsk_def_prog xdp" ]
	[ "$(bpftool -j prog show id "$on_vd" | jq -c '.map_ids | sort')" = \
	  "$(bpftool -j prog show id "$prog" | jq -c '.map_ids | sort')" ]
	# The very program, not its twin, is what vd's record holds: it can join a set there.
	[ "$(ctl --json status vd | jq '.interfaces[0].attachments[0].programId')" = "$prog" ]
	ctl attach vd "$OBJ" --prog xl_pass_2 --priority 10
	on_vd=$(ip -n "$NSB" -d -j link show vd | jq '.[0].xdp.prog.id // 0')
	[ "$(bpftool -j prog show id "$on_vd" | jq -r .name)" = xl_dispatcher ]
	ctl detach vd --all
	ctl detach vb --all
	daemon_stop_gently
	nothing_made
}

# The daemon answers a change before it loads the new programs' plain-XDP
# twins (they only run when a set shrinks to one): the answer waits for the
# commit alone. The twins follow at once, before any later change of the
# interface, so a program left alone still runs as itself.
@test "programs joining a set get their twins right after the answer, and one left alone runs as its twin" {
	ctl attach vb "$OBJ" --prog xl_pass_0 --priority 10
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 20
	ctl attach vb "$OBJ" --prog xl_pass_2 --priority 30
	ids=$(vb_json | jq -r '.interfaces[0].attachments[].id')
	dir=$(ls -d "$ROOT"/*/ | head -1)
	for _ in $(seq 1 100); do
		[ "$(ls "$dir" | grep -c '^direct-')" -eq 3 ] && break
		sleep 0.1
	done
	for id in $ids; do [ -e "$dir/direct-$id" ] || { ls "$dir" >&2; false; }; done
	ext=$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xl_pass_2") | .programId')
	for name in xl_pass_0 xl_pass_1; do
		ctl detach vb "$(vb_json | jq --arg n "$name" '.interfaces[0].attachments[] | select(.name == $n) | .id')"
	done
	[ "$(vb_names)" = xl_pass_2 ]
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r '.name + " " + .type')" = "xl_pass_2 xdp" ]
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -c '.map_ids | sort')" = \
	  "$(bpftool -j prog show id "$ext" | jq -c '.map_ids | sort')" ]
	send_udp 3
	[ "$(packets 2)" -eq 3 ]
	ctl detach vb --all
}
