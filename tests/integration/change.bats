#!/usr/bin/env bats
# Change (issue 13) end to end on the host kernel: the real xdplinkd on a
# veth pair in namespaces we create, called over its socket. Under lockdown
# the daemon runs in degraded mode (one program per interface), so this
# tests what one program allows: a swap of one for another in one revision,
# refusals that change nothing, dry runs, parameter errors and the scope of
# callers other than root. change-kernel.bats tests sets and order (VM).

load daemon-helpers
load change-helpers

setup() {
	daemon_setup
	veth_in_nsb vc vd
	# Callers other than root (uids that exist only as numbers) reach the socket.
	open_to_users "4711"
	daemon_start
}

teardown() {
	monitor_stop
	daemon_teardown
	rm -rf "$SOCKDIR"
}

@test "a Change detaches one program and attaches another in one revision and one event" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	id1=$(first_id)
	rev=$(vb_revision)
	link=$(vb_link)
	before=$(link_prog)
	monitor_start
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"xl_pass_2\", \"label\": \"c\"}]")
	echo "$out"
	[ "$(jq '.parameters.revision' <<< "$out")" -eq $((rev + 1)) ]
	[ "$(jq '.parameters.previousRevision' <<< "$out")" -eq "$rev" ]
	[ "$(jq -c '.parameters.removed' <<< "$out")" = "[$id1]" ]
	[ "$(jq '.parameters.added | length' <<< "$out")" -eq 1 ]
	[ "$(jq '.parameters.unchanged' <<< "$out")" = false ]
	[ "$(jq -r '.parameters.attachments[0].name' <<< "$out")" = xl_pass_2 ]
	# The kernel: the same link now runs the new program.
	[ "$(vb_link)" = "$link" ]
	[ "$(link_prog)" != "$before" ]
	[ "$(prog_name "$(link_prog)")" = xl_pass_2 ]
	[ "$(xdp_prog_on_vb)" = "$(link_prog)" ]
	send_udp 5
	[ "$(packets 2)" -eq 5 ]
	[ "$(vb_revision)" -eq $((rev + 1)) ]
	# One event, type change, with the whole batch.
	sleep 0.3
	[ "$(n_events)" -eq 1 ]
	ev=$(events)
	[ "$(jq -r '.parameters.event.type' <<< "$ev")" = change ]
	[ "$(jq -c '.parameters.event.removed' <<< "$ev")" = "[$id1]" ]
	[ "$(jq -c '.parameters.event.added' <<< "$ev")" = "$(jq -c '.parameters.added' <<< "$out")" ]
	[ "$(jq -c '.parameters.event.reordered' <<< "$ev")" = "[]" ]
	grep -q "vb: revision $((rev + 1)) is live (change: 1 added, 1 removed, 0 reordered; 1 link updates)" "$DLOG"
}

@test "a Change with one refused part leaves revision, program and pins as they were" {
	ctl attach vb "$OBJ" --prog xl_pass_1 --label fw
	id1=$(first_id)
	was=$(state)
	monitor_start
	# A program the object does not have (found when the job loads it).
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"nope\"}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.ProgramNotFound ]
	[ "$(state)" = "$was" ]
	# Not a BPF object at all.
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"/etc/passwd\"}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.InvalidObject ]
	[ "$(state)" = "$was" ]
	# An id that is not there, after a valid part.
	out=$(change vb "[{\"op\": \"detachLabel\", \"label\": \"fw\"}, {\"op\": \"detach\", \"id\": 999}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AttachmentNotFound ]
	[ "$(jq '.parameters.id' <<< "$out")" -eq 999 ]
	[ "$(state)" = "$was" ]
	# An anchor naming what the same Change removes: not in the new set.
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"xl_pass_2\", \"before\": {\"id\": $id1}}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorNotFound ]
	[[ "$(jq -r '.parameters.anchor' <<< "$out")" == *"$id1"* ]]
	[ "$(state)" = "$was" ]
	# A label nobody carries.
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"xl_pass_2\", \"after\": {\"label\": \"none\"}}]")
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.AnchorNotFound ]
	[[ "$(jq -r '.parameters.message' <<< "$out")" == *none* ]]
	[ "$(state)" = "$was" ]
	# A revision that is not the live one.
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1}]" '"expectedRevision": 77')
	[ "$(jq -r '.error' <<< "$out")" = io.xdplink.Manager.RevisionMismatch ]
	[ "$(state)" = "$was" ]
	sleep 0.3
	[ "$(n_events)" -eq 0 ]
}

@test "dryRun plans the Change and commits nothing" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	id1=$(first_id)
	was=$(state)
	monitor_start
	out=$(change vb "[{\"op\": \"detach\", \"id\": $id1},
		{\"op\": \"attach\", \"object\": \"$OBJ\", \"program\": \"xl_pass_2\"}]" '"dryRun": true')
	echo "$out"
	[ "$(jq '.parameters.unchanged' <<< "$out")" = false ]
	[ "$(jq -c '.parameters.removed' <<< "$out")" = "[$id1]" ]
	[ "$(jq '.parameters.added | length' <<< "$out")" -eq 1 ]
	[ "$(jq -r '.parameters.attachments[0].name' <<< "$out")" = xl_pass_2 ]
	[ "$(jq '.parameters.attachments[0].programId' <<< "$out")" -eq 0 ]
	[ "$(jq '.parameters.revision' <<< "$out")" -eq "$(jq '.parameters.previousRevision' <<< "$out")" ]
	[ "$(state)" = "$was" ]
	[ "$(vb_names)" = xl_pass_1 ]
	# A dry run of nothing says so.
	out=$(change vb "[{\"op\": \"detachLabel\", \"label\": \"nobody\"}]" '"dryRun": true')
	[ "$(jq '.parameters.unchanged' <<< "$out")" = true ]
	sleep 0.3
	[ "$(n_events)" -eq 0 ]
	[ "$(state)" = "$was" ]
}

@test "an empty Change, or one that matches nothing, is unchanged: no revision, no event" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	was=$(state)
	monitor_start
	out=$(change vb '[]')
	[ "$(jq '.parameters.unchanged' <<< "$out")" = true ]
	[ "$(jq '.parameters.revision' <<< "$out")" -eq "$(vb_revision)" ]
	[ "$(jq '.parameters.attachments | length' <<< "$out")" -eq 1 ]
	out=$(change vb '[{"op": "detachLabel", "label": "nobody"}]')
	[ "$(jq '.parameters.unchanged' <<< "$out")" = true ]
	sleep 0.3
	[ "$(n_events)" -eq 0 ]
	[ "$(state)" = "$was" ]
}

@test "InvalidParameter names the operation and its field; nothing changes" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	was=$(state)
	check() {
		out=$(change vb "$1")
		[ "$(jq -r '.error' <<< "$out")" = org.varlink.service.InvalidParameter ]
		[ "$(jq -r '.parameters.parameter' <<< "$out")" = "$2" ] ||
			{ echo "$1: $out" >&2; return 1; }
	}
	check '[{"op": "explode"}]' 'operations[0].op'
	check '[{"op": "detachLabel", "label": "x"}, {"op": "detach"}]' 'operations[1].id'
	check '[{"op": "detach", "id": 1, "label": "x"}]' 'operations[0].label'
	check '[{"op": "move", "id": 1}]' 'operations[0].priority'
	check '[{"op": "attach", "object": "/a.o", "priority": 1001}]' 'operations[0].priority'
	check '[{"op": "attach", "object": "/a.o", "before": {"id": 1, "label": "x"}}]' \
		'operations[0].before'
	check "[{\"op\": \"replaceLabel\", \"label\": \"c\",
		\"programs\": [{\"object\": \"$OBJ\", \"label\": \"other\"}]}]" \
		'operations[0].programs[0].label'
	check '[{"op": "detachOwner"}]' 'operations[0].owner'
	check '[42]' 'operations[0]'
	[ "$(state)" = "$was" ]
}

@test "replaceLabel swaps a label's program in one revision; other labels stay" {
	ctl attach vc "$OBJ" --prog xl_pass_3 --label other
	ctl attach vb "$OBJ" --prog xl_pass_1 --label c1
	rev=$(vb_revision)
	out=$(change vb "[{\"op\": \"replaceLabel\", \"label\": \"c1\",
		\"programs\": [{\"object\": \"$OBJ\", \"program\": \"xl_pass_2\"}]}]")
	echo "$out"
	[ "$(jq '.parameters.revision' <<< "$out")" -eq $((rev + 1)) ]
	[ "$(vb_names)" = xl_pass_2 ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].label')" = c1 ]
	[ "$(ctl --json status vc | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_3 ]
	# detachLabel of it: the interface is empty again.
	out=$(change vb '[{"op": "detachLabel", "label": "c1"}]')
	[ "$(xdp_prog_on_vb)" = 0 ]
}

@test "callers other than root: their own only; detachOwner of another is refused" {
	# Root's program on vc, labelled shared; the caller's on vb, labelled shared too.
	ctl attach vc "$OBJ" --prog xl_pass_3 --label shared
	setpriv --reuid=4700 --regid=4700 --groups=4711 "$XDPCTL" --socket "$SOCK" \
		attach vb "$OBJ" --prog xl_pass_1 --label shared --mode skb
	vc_id=$(ctl --json status vc | jq '.interfaces[0].attachments[0].id')
	vc_was=$(ctl --json status vc | jq -c '.interfaces[0] | [.revision, .attachments[0].programId]')
	# Another owner, by owner or by id: PermissionDenied, nothing changes.
	out=$(vcall --as 4700 Change '{"interface": "vc", "operations": [{"op": "detachOwner", "owner": "uid:0"}]}')
	[ "$(jq -r '.error' <<< "$out")" = org.varlink.service.PermissionDenied ]
	out=$(vcall --as 4700 Change "{\"interface\": \"vc\", \"operations\": [{\"op\": \"detach\", \"id\": $vc_id}]}")
	[ "$(jq -r '.error' <<< "$out")" = org.varlink.service.PermissionDenied ]
	out=$(vcall --as 4700 Change "{\"interface\": \"vc\", \"operations\": [{\"op\": \"move\", \"id\": $vc_id, \"priority\": 3}]}")
	[ "$(jq -r '.error' <<< "$out")" = org.varlink.service.PermissionDenied ]
	# A label: only the caller's carry it as far as it is concerned.
	out=$(vcall --as 4700 Change '{"interface": "vc", "operations": [{"op": "detachLabel", "label": "shared"}]}')
	[ "$(jq '.parameters.unchanged' <<< "$out")" = true ]
	[ "$(ctl --json status vc | jq -c '.interfaces[0] | [.revision, .attachments[0].programId]')" = "$vc_was" ]
	grep -q 'Denied detachOwner of another owner to uid=4700' "$DLOG"
	# Its own, by owner: gone.
	out=$(vcall --as 4700 Change '{"interface": "vb", "operations": [{"op": "detachOwner", "owner": "uid:4700"}]}')
	[ "$(jq -r '.error // empty' <<< "$out")" = "" ]
	[ "$(jq '.parameters.removed | length' <<< "$out")" -eq 1 ]
	[ "$(xdp_prog_on_vb)" = 0 ]
	# Root's own is still there.
	[ "$(ctl --json status vc | jq -c '.interfaces[0] | [.revision, .attachments[0].programId]')" = "$vc_was" ]
	# An object by path is root's to ask for; a caller passes an fd.
	out=$(vcall --as 4700 Change "{\"interface\": \"vb\", \"operations\": [{\"op\": \"attach\", \"object\": \"$OBJ\"}]}")
	[ "$(jq -r '.error' <<< "$out")" = org.varlink.service.PermissionDenied ]
	out=$(vcall --as 4700 Change '{"interface": "vb", "mode": "skb", "operations": [{"op": "attach", "objectFd": 0, "program": "xl_pass_2", "label": "mine"}]}' "$OBJ")
	[ "$(jq -r '.error // empty' <<< "$out")" = "" ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].owner')" = uid:4700 ]
}

@test "Attach, Detach and Replace still answer as before, through the same path" {
	monitor_start
	ctl attach vb "$OBJ" --prog xl_pass_1
	id1=$(first_id)
	run ctl detach vb 999
	[ "$status" -ne 0 ]
	[[ "$output" == *"no attachment with id 999"* ]]
	printf '{ "programs": [ { "object": "%s", "program": "xl_pass_2" } ] }' "$OBJ" \
		> "$BATS_TEST_TMPDIR/set.json"
	ctl replace vb --from "$BATS_TEST_TMPDIR/set.json"
	[ "$(vb_names)" = xl_pass_2 ]
	ctl detach vb --all
	[ "$(xdp_prog_on_vb)" = 0 ]
	sleep 0.3
	[ "$(events | jq -r '.parameters.event.type' | tr '\n' ' ')" = "attach replace detach " ]
	[ "$id1" -gt 0 ]
}
