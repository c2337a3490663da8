#!/usr/bin/env bats
# Change (issue 13) with freplace: sets of programs changed in one revision,
# ordered by priority and by before/after anchors as docs/ordering.md says.
# Runs in tests/vm/run when the host kernel forbids EXT programs.

load daemon-helpers
load kernel-quirks
load change-helpers

setup() {
	daemon_setup
	skip_without_freplace
	daemon_start
}

teardown() {
	monitor_stop
	daemon_teardown
}

# attach3: A=xl_pass_1 (10, fw), B=xl_pass_2 (20, fw), C=xl_pass_3 (30); ids in $A $B $C.
attach3() {
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10 --label fw
	ctl attach vb "$OBJ" --prog xl_pass_2 --priority 20 --label fw
	ctl attach vb "$OBJ" --prog xl_pass_3 --priority 30
	A=$(vb_json | jq '.interfaces[0].attachments[0].id')
	B=$(vb_json | jq '.interfaces[0].attachments[1].id')
	C=$(vb_json | jq '.interfaces[0].attachments[2].id')
	[ "$(vb_names)" = xl_pass_1,xl_pass_2,xl_pass_3 ]
}
attach_op() {	# attach_op PROG [JSON-MEMBERS]
	echo "{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"$1\"${2:+, $2}}"
}
vb_prios() { vb_json | jq -c '[.interfaces[0].attachments[].priority]'; }

@test "a Change of 3 attaches and 2 detaches is one revision, one link update, one event" {
	attach3
	rev=$(vb_revision)
	link=$(vb_link)
	entry=$(link_prog)
	monitor_start
	out=$(change vb "[{\"op\": \"detach\", \"id\": $A}, {\"op\": \"detach\", \"id\": $B},
		$(attach_op xl_pass_4 '"priority": 5'), $(attach_op xl_pass_5 '"priority": 25'),
		$(attach_op xl_pass_6 '"priority": 40')]")
	echo "$out"
	[ "$(jq '.parameters.revision' <<< "$out")" -eq $((rev + 1)) ]
	[ "$(jq -c '.parameters.removed | sort' <<< "$out")" = "$(jq -cn "[$A, $B] | sort")" ]
	[ "$(jq '.parameters.added | length' <<< "$out")" -eq 3 ]
	[ "$(vb_revision)" -eq $((rev + 1)) ]
	# Exactly this order, in List and in the reply.
	[ "$(vb_names)" = xl_pass_4,xl_pass_5,xl_pass_3,xl_pass_6 ]
	[ "$(jq -r '[.parameters.attachments[].name] | join(",")' <<< "$out")" = \
		xl_pass_4,xl_pass_5,xl_pass_3,xl_pass_6 ]
	# The kernel: the same XDP link, its program (the dispatcher) replaced once.
	[ "$(vb_link)" = "$link" ]
	[ "$(link_prog)" != "$entry" ]
	[ "$(xdp_prog_on_vb)" = "$(link_prog)" ]
	grep -q "vb: revision $((rev + 1)) is live (change: 3 added, 2 removed, 0 reordered; 1 link updates)" "$DLOG"
	sleep 0.3
	[ "$(n_events)" -eq 1 ]
	[ "$(events | jq -r '.parameters.event.type')" = change ]
	[ "$(events | jq '.parameters.event.added | length')" -eq 3 ]
	send_udp 4
	[ "$(packets 4)" -eq 4 ] && [ "$(packets 5)" -eq 4 ] && [ "$(packets 3)" -eq 4 ] &&
		[ "$(packets 6)" -eq 4 ]
	[ "$(packets 1)" -eq 0 ] && [ "$(packets 2)" -eq 0 ]
}

@test "before/after anchors place programs exactly as docs/ordering.md says" {
	attach3
	# X before label fw: before its first (A), at A's priority.
	# Y after label fw: after its last (B), at B's priority.
	# Z after A and before B: A is immediately followed by B, so between them.
	out=$(change vb "[$(attach_op xl_pass_4 '"before": {"label": "fw"}'),
		$(attach_op xl_pass_5 '"after": {"label": "fw"}'),
		$(attach_op xl_pass_6 "\"after\": {\"id\": $A}, \"before\": {\"id\": $B}")]")
	echo "$out"
	[ "$(vb_names)" = xl_pass_4,xl_pass_1,xl_pass_6,xl_pass_2,xl_pass_5,xl_pass_3 ]
	[ "$(vb_prios)" = "[10,10,10,20,20,30]" ]
	# Anchored additions are placed in operation order, against the set so
	# far: "after fw" now ends after the last program labelled fw, W's own
	# label aside.
	out=$(change vb "[$(attach_op xl_pass_7 '"label": "fw", "after": {"label": "fw"}')]")
	[ "$(vb_names)" = xl_pass_4,xl_pass_1,xl_pass_6,xl_pass_2,xl_pass_7,xl_pass_5,xl_pass_3 ]
	# An unanchored addition goes after the last of lower or equal priority.
	out=$(change vb "[$(attach_op xl_pass_8 '"priority": 20')]")
	[ "$(vb_names)" = xl_pass_4,xl_pass_1,xl_pass_6,xl_pass_2,xl_pass_7,xl_pass_5,xl_pass_8,xl_pass_3 ]
	send_udp 2
	for n in 1 2 3 4 5 6 7 8; do [ "$(packets $n)" -eq 2 ]; done
}

@test "anchors that conflict, with each other or a priority, are refused and nothing changes" {
	attach3
	was=$(state)
	monitor_start
	# A is not immediately before C.
	out=$(change vb "[$(attach_op xl_pass_4 "\"after\": {\"id\": $A}, \"before\": {\"id\": $C}")]")
	echo "$out"
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorConflict ]
	[[ "$(jq -r '.parameters.message' <<< "$out")" == *"$A"*"$C"* ]]
	[ "$(state)" = "$was" ]
	# A priority other than the anchor's.
	out=$(change vb "[$(attach_op xl_pass_4 "\"priority\": 50, \"before\": {\"id\": $A}")]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorConflict ]
	[[ "$(jq -r '.parameters.message' <<< "$out")" == *50* ]]
	[ "$(state)" = "$was" ]
	# A label nobody carries, with a valid detach in the same Change.
	out=$(change vb "[{\"op\": \"detach\", \"id\": $C},
		$(attach_op xl_pass_4 '"before": {"label": "lb"}')]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorNotFound ]
	[[ "$(jq -r '.parameters.anchor' <<< "$out")" == *lb* ]]
	[ "$(state)" = "$was" ]
	# A move whose anchor conflicts: the program stays where it was.
	out=$(change vb "[{\"op\": \"move\", \"id\": $C, \"priority\": 99, \"before\": {\"id\": $A}}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorConflict ]
	[ "$(state)" = "$was" ]
	sleep 0.3
	[ "$(n_events)" -eq 0 ]
}

@test "a move reorders in one revision without loading anything again" {
	attach3
	progs=$(vb_json | jq -cS '[.interfaces[0].attachments[] | {(.id | tostring): .programId}] | add')
	rev=$(vb_revision)
	monitor_start
	out=$(change vb "[{\"op\": \"move\", \"id\": $C, \"before\": {\"id\": $A}}]")
	echo "$out"
	[ "$(vb_names)" = xl_pass_3,xl_pass_1,xl_pass_2 ]
	[ "$(vb_prios)" = "[10,10,20]" ]
	[ "$(jq -c '.parameters.reordered' <<< "$out")" = "[$C]" ]
	[ "$(jq -c '.parameters.added' <<< "$out")" = "[]" ]
	[ "$(jq -c '.parameters.removed' <<< "$out")" = "[]" ]
	[ "$(vb_revision)" -eq $((rev + 1)) ]
	# The same programs: nothing loaded again.
	[ "$(vb_json | jq -cS '[.interfaces[0].attachments[] | {(.id | tostring): .programId}] | add')" = "$progs" ]
	# A new priority moves it too: A after B.
	out=$(change vb "[{\"op\": \"move\", \"id\": $A, \"priority\": 25}]")
	[ "$(vb_names)" = xl_pass_3,xl_pass_2,xl_pass_1 ]
	[ "$(jq -c '.parameters.reordered' <<< "$out")" = "[$A]" ]
	[ "$(vb_json | jq -cS '[.interfaces[0].attachments[] | {(.id | tostring): .programId}] | add')" = "$progs" ]
	sleep 0.3
	[ "$(n_events)" -eq 2 ]
	[ "$(events | head -1 | jq -c '.parameters.event.reordered')" = "[$C]" ]
	send_udp 3
	for n in 1 2 3; do [ "$(packets $n)" -eq 3 ]; done
}

@test "dryRun of a set change shows the planned order and commits nothing" {
	attach3
	was=$(state)
	# Without B, and C taken out to be moved: A. X after A: A X (at 10).
	# C at 5: before everything. Moves come last (docs/ordering.md).
	out=$(change vb "[{\"op\": \"detach\", \"id\": $B}, $(attach_op xl_pass_4 "\"after\": {\"id\": $A}"),
		{\"op\": \"move\", \"id\": $C, \"priority\": 5}]" '"dryRun": true')
	echo "$out"
	[ "$(jq -r '[.parameters.attachments[].name] | join(",")' <<< "$out")" = xl_pass_3,xl_pass_1,xl_pass_4 ]
	[ "$(jq '[.parameters.attachments[] | select(.programId == 0)] | length' <<< "$out")" -eq 1 ]
	[ "$(jq '.parameters.unchanged' <<< "$out")" = false ]
	[ "$(jq '[.parameters.attachments[].priority]' -c <<< "$out")" = "[5,10,10]" ]
	[ "$(state)" = "$was" ]
	# An anchor on what a move of the same change places is refused, naming it.
	out=$(change vb "[$(attach_op xl_pass_4 "\"after\": {\"id\": $C}"),
		{\"op\": \"move\", \"id\": $C, \"priority\": 5}]" '"dryRun": true')
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorConflict ]
	[[ "$(jq -r '.parameters.message' <<< "$out")" == *"id $C"* ]]
	[ "$(state)" = "$was" ]
}
