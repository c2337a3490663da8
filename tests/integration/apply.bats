#!/usr/bin/env bats
# xdpctl apply FILE [--dry-run] [--json] against the real daemon, on the host
# kernel: one label's programs, one Change per interface, idempotent. Files
# hold one program, so that everything holds in degraded mode (one program
# per interface) too.

load daemon-helpers

setup() {
	daemon_setup
	daemon_start
}

teardown() {
	daemon_teardown
}

# apply_file NAME LABEL IFACES PROGRAM...: an apply file of xl_test_progs'
# programs (priority 10), IFACES comma-separated; its path on stdout.
apply_file() {
	local f=$BATS_TEST_TMPDIR/$1.json label=$2 ifaces=$3
	shift 3
	printf '%s\n' "$@" | jq -R --arg obj "$OBJ" '{object: $obj, program: ., priority: 10}' |
		jq -s --arg l "$label" --arg i "$ifaces" \
			'{label: $l, interfaces: ($i | split(",")), programs: .}' > "$f"
	echo "$f"
}

rev_of() { ctl --json status "$1" | jq '.interfaces[0].revision'; }
names_of() { ctl --json status "$1" | jq -r '[.interfaces[0].attachments[].name] | join(",")'; }
# What the kernel runs on IFACE in $NSB, as bpftool sees it: its XDP
# program's id, and the program of the daemon's link for it.
bpftool_view() {
	local link
	link=$(ctl --json status "$1" | jq '.interfaces[0].linkId // 0')
	ip netns exec "$NSB" bpftool -j net show dev "$1" | jq -c '[.[0].xdp[]? | .id]'
	if [ "$link" != 0 ]; then
		bpftool -j link show id "$link" | jq -c '{link: .id, prog: .prog_id}'
	fi
}

@test "apply attaches the file's program labelled; apply again makes no revision and touches nothing" {
	f=$(apply_file a web vb xl_pass_1)
	run ctl apply "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: revision 0 -> 1"* ]]
	[[ "$output" == *"+ id"*xl_pass_1*"(attach)"* ]]
	[ "$(rev_of vb)" -eq 1 ]
	[ "$(names_of vb)" = xl_pass_1 ]
	[ "$(ctl --json status vb | jq -r '.interfaces[0].attachments[0].label')" = web ]
	view=$(bpftool_view vb)
	[ "$view" != "[]" ]
	send_udp 3
	[ "$(packets 1)" -eq 3 ]
	# Again: the same set, so no Change at all.
	run ctl apply "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: unchanged, revision 1"* ]]
	[ "$(rev_of vb)" -eq 1 ]
	[ "$(bpftool_view vb)" = "$view" ]
	send_udp 2
	[ "$(packets 1)" -eq 5 ]
}

@test "apply of a changed file is one revision: the label's program swapped" {
	f=$(apply_file a web vb xl_pass_1)
	ctl apply "$f"
	f=$(apply_file b web vb xl_pass_2)
	run ctl apply "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: revision 1 -> 2"* ]]
	[[ "$output" == *"- id"*xl_pass_1*"(detach)"* ]]
	[[ "$output" == *"+ id"*xl_pass_2*"(attach)"* ]]
	[ "$(rev_of vb)" -eq 2 ]
	[ "$(names_of vb)" = xl_pass_2 ]
	send_udp 4
	[ "$(packets 2)" -eq 4 ] && [ "$(packets 1)" -eq 0 ]
	# A changed priority of the same program is a move, still one revision.
	jq '.programs[0].priority = 20' "$f" > "$BATS_TEST_TMPDIR/c.json"
	id=$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')
	run ctl apply "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ]
	[ "$(rev_of vb)" -eq 3 ]
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')" -eq "$id" ]
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments[0].priority')" -eq 20 ]
	# No programs: the label's go.
	jq '.programs = []' "$f" > "$BATS_TEST_TMPDIR/none.json"
	run ctl apply "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 0 ]
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments | length')" -eq 0 ]
	[ "$(bpftool_view vb)" = "[]" ]
}

@test "--dry-run prints the plan, as a table and with --json, and commits nothing" {
	ctl apply "$(apply_file a web vb xl_pass_1)"
	view=$(bpftool_view vb)
	f=$(apply_file b web vb xl_pass_2)
	run ctl apply --dry-run "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: would change revision 1 (dry run, nothing committed)"* ]]
	[[ "$output" == *"- id"*xl_pass_1*"(detach)"* ]]
	[[ "$output" == *"+ id"*xl_pass_2*"(attach)"* ]]
	# The table shows the set as it would be.
	[[ "$output" == *Interface*Prio*"Program name"* ]]
	[[ "$(echo "$output" | grep -c 'xl_pass_2')" -ge 2 ]]
	[ "$(rev_of vb)" -eq 1 ]
	[ "$(names_of vb)" = xl_pass_1 ]
	[ "$(bpftool_view vb)" = "$view" ]
	run ctl --json apply --dry-run "$f"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .dryRun)" = true ]
	[ "$(echo "$output" | jq -r .label)" = web ]
	[ "$(echo "$output" | jq '.interfaces[0].unchanged')" = false ]
	[ "$(echo "$output" | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_2 ]
	[ "$(echo "$output" | jq '.interfaces[0].removed | length')" -eq 1 ]
	[ "$(echo "$output" | jq -r '[.interfaces[0].operations[].op] | join(",")')" = detach,attach ]
	[ "$(echo "$output" | jq -r '.interfaces[0].operations[1].object')" = "$(realpath "$OBJ")" ]
	[ "$(rev_of vb)" -eq 1 ]
	[ "$(bpftool_view vb)" = "$view" ]
	# A dry run of what is there already says so.
	run ctl apply --dry-run "$(apply_file a web vb xl_pass_1)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: unchanged, revision 1 (dry run)"* ]]
}

@test "--json reports each interface's revisions, added and removed ids and set" {
	run ctl --json apply "$(apply_file a web vb xl_pass_1)"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .dryRun)" = false ]
	[ "$(echo "$output" | jq '.interfaces[0].revision')" -eq 1 ]
	[ "$(echo "$output" | jq -r '.interfaces[0].interface')" = vb ]
	id=$(ctl --json status vb | jq '.interfaces[0].attachments[0].id')
	[ "$(echo "$output" | jq -c '.interfaces[0].added')" = "[$id]" ]
	[ "$(echo "$output" | jq '.interfaces[0].attachments[0].programId')" = \
		"$(ctl --json status vb | jq '.interfaces[0].attachments[0].programId')" ]
	run ctl --json apply "$(apply_file a web vb xl_pass_1)"
	[ "$(echo "$output" | jq '.interfaces[0].unchanged')" = true ]
	[ "$(echo "$output" | jq -c '.interfaces[0].added')" = "[]" ]
}

@test "two interfaces in one file: one Change each, and again nothing" {
	veth_in_nsb vc vd
	f=$(apply_file two web vb,vc xl_pass_1)
	run ctl apply "$f"
	[ "$status" -eq 0 ]
	[ "$(names_of vb)" = xl_pass_1 ] && [ "$(names_of vc)" = xl_pass_1 ]
	[ "$(rev_of vb)" -eq 1 ] && [ "$(rev_of vc)" -eq 1 ]
	views="$(bpftool_view vb)$(bpftool_view vc)"
	run ctl apply "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vb: unchanged"*"vc: unchanged"* ]]
	[ "$(rev_of vb)" -eq 1 ] && [ "$(rev_of vc)" -eq 1 ]
	[ "$views" = "$(bpftool_view vb)$(bpftool_view vc)" ]
}

# refused FILE-CONTENT EXIT MESSAGE: apply refuses the file with that exit
# code and message, and vb stays as it was.
refused() {
	echo "$1" > "$BATS_TEST_TMPDIR/bad.json"
	run ctl apply "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq "$2" ] || { echo "$output"; return 1; }
	[ "$output" = "xdpctl apply: $BATS_TEST_TMPDIR/bad.json: $3" ] || { echo "$output"; return 1; }
	[ "$(rev_of vb)" -eq 1 ] && [ "$(bpftool_view vb)" = "$VIEW" ]
}

@test "bad files are refused naming the field, and nothing changes" {
	ctl apply "$(apply_file a web vb xl_pass_1)"
	VIEW=$(bpftool_view vb)
	refused '{"label": "web", "interfaces": ["vb"]}' 65 "programs: missing"
	refused '{"label": 7, "interfaces": ["vb"], "programs": []}' 65 \
		"label: expected a non-empty string of at most 255 bytes"
	refused '{"label": "web", "interfaces": ["vb", "vb"], "programs": []}' 65 \
		"interfaces[1]: vb is listed twice"
	refused "{\"label\": \"web\", \"interfaces\": [\"vb\"], \"programs\": [{\"object\": \"$OBJ\", \"priority\": \"high\"}]}" \
		65 "programs[0].priority: invalid value"
	refused "{\"label\": \"web\", \"interfaces\": [\"vb\"], \"programs\": [{\"object\": \"$OBJ\", \"actions\": [\"accept\"]}]}" \
		65 "programs[0].actions[0]: expected one of aborted, drop, pass, tx, redirect"
	refused '{"label": "web", "interfaces": ["vb"], "programs": [], "extra": 1}' 65 \
		"unknown key 'extra' (label, interfaces, programs, mode, counters)"
	refused '{"label": "web", ' 65 "2: string or '}' expected near end of file"
	refused '{"label": "web", "interfaces": ["vb"], "programs": [{"object": "nope.o"}]}' 66 \
		"programs[0].object $BATS_TEST_TMPDIR/nope.o: No such file or directory"
	run ctl apply "$BATS_TEST_TMPDIR/missing.json"
	[ "$status" -eq 66 ]
	# The daemon refuses what the file cannot say wrong: a program that is not there.
	run ctl apply "$(apply_file c web vb xl_no_such_prog)"
	[ "$status" -eq 1 ]
	[[ "$output" == *ProgramNotFound* ]]
	[ "$(rev_of vb)" -eq 1 ] && [ "$(bpftool_view vb)" = "$VIEW" ]
	run ctl apply "$(apply_file d web nosuch0 xl_pass_1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *nosuch0* ]]
}

@test "apply leaves other labels' programs alone; a Change it cannot make changes nothing" {
	ctl attach vb "$OBJ" --prog xl_pass_3 --label fw
	view=$(bpftool_view vb)
	run ctl apply "$(apply_file a web vb xl_pass_1)"
	if [ "$(daemon_freplace)" = 1 ]; then
		[ "$status" -eq 0 ]
		[ "$(names_of vb)" = xl_pass_3,xl_pass_1 ] || [ "$(names_of vb)" = xl_pass_1,xl_pass_3 ]
	else
		# One program per interface: the whole Change is refused.
		[ "$status" -ne 0 ]
		[ "$(rev_of vb)" -eq 1 ]
		[ "$(names_of vb)" = xl_pass_3 ]
		[ "$(bpftool_view vb)" = "$view" ]
	fi
	# Removing the label's programs never touches fw's.
	jq '.programs = []' "$BATS_TEST_TMPDIR/a.json" > "$BATS_TEST_TMPDIR/none.json"
	run ctl apply "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 0 ]
	[ "$(names_of vb)" = xl_pass_3 ]
}

@test "xdpctl change sends a file of operations as one Change; a bad one changes nothing" {
	ctl attach vb "$OBJ" --prog xl_pass_1 --label old
	view=$(bpftool_view vb)
	f=$BATS_TEST_TMPDIR/ops.json
	jq -n --arg obj "$OBJ" \
		'[{op: "detachLabel", label: "old"},
		  {op: "attach", object: $obj, program: "xl_pass_2", label: "new"}]' > "$f"
	run ctl change vb "$f" --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *"would change revision 1"* ]]
	[ "$(rev_of vb)" -eq 1 ] && [ "$(bpftool_view vb)" = "$view" ]
	run ctl --json change vb "$f"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .revision)" -eq 2 ]
	[ "$(echo "$output" | jq '.removed | length')" -eq 1 ]
	[ "$(names_of vb)" = xl_pass_2 ]
	# A refused operation refuses the whole change.
	jq -n '[{op: "detachLabel", label: "new"}, {op: "detach", id: 999}]' > "$f"
	run ctl change vb "$f"
	[ "$status" -eq 1 ]
	[[ "$output" == *AttachmentNotFound* ]]
	[ "$(rev_of vb)" -eq 2 ] && [ "$(names_of vb)" = xl_pass_2 ]
	echo '[{"op": "attach", "object": 3}]' > "$f"
	run ctl change vb "$f"
	[ "$status" -eq 65 ]
	[ "$output" = "xdpctl change: $f: operations[0].object: expected a path" ]
}
