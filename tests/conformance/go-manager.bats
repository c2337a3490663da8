#!/usr/bin/env bats
# varlink/go, the reference Go implementation (Debian's
# golang-github-varlink-go-dev), as a client of the real xdplinkd: every
# method of io.xdplink.Manager with valid parameters, checked against the
# kernel; Monitor with "more"; error replies decoded into their named Go
# types; GetInterfaceDescription parsed by varlink/go's idl package. The
# client is tests/conformance/go-manager/main.go, built offline into the
# build dir here. The daemon runs in the veth pair's receiving namespace
# (any kernel: one program per interface is all this needs).

load ../integration/daemon-helpers

GO_MANAGER=$BUILD/tests/xl-go-manager

setup_file() {
	local build
	build=$(cd "${XL_BUILD:-$BATS_TEST_DIRNAME/../../build}" && pwd)
	mkdir -p "$build/tests" "$build/go-cache"
	# Offline, from Debian's packaged sources, as tests/conformance/run builds
	# varlink-go-certification.
	(cd "$BATS_TEST_DIRNAME/go-manager" &&
		GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$build/go-cache" \
		go build -o "$build/tests/xl-go-manager" .) >&3 2>&1
	export XL_GO_CALLS=$BATS_FILE_TMPDIR/calls
}

setup() {
	daemon_setup
	daemon_start --log-level debug
}

teardown() {
	daemon_teardown
}

gm() { "$GO_MANAGER" "unix:$SOCK" "$@"; }
revision_pins() { pins | grep -v '^\.$' | grep -v '^\./maps'; }
# settled: the cleanup job after a swap's reply is done (at most 5 s).
settled() {
	for _ in $(seq 1 50); do
		[ -z "$(revision_pins)" ] && nothing_made 2>/dev/null && return 0
		sleep 0.1
	done
}
M=io.xdplink.Manager

@test "GetInfo, Describe, List and Reload with nil input (\"parameters\": null) are answered" {
	run gm info
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -r .vendor <<<"$output")" = xdplinkd ]
	jq -e '.interfaces | index("io.xdplink.Manager")' <<<"$output"
	run gm describe
	[ "$status" -eq 0 ] && [ "$(jq .maxPrograms <<<"$output")" = 63 ]
	run gm list
	[ "$status" -eq 0 ] && [ "$output" = '{"interfaces":[]}' ]
	run gm reload
	[ "$status" -eq 0 ] && [ "$output" = '{}' ]
}

# The client also refuses an IDL error it has no Go type for.
@test "varlink/go's idl package parses GetInterfaceDescription" {
	run gm idl
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = "interface io.xdplink.manager: 15 types, 10 methods, 18 errors" ]
	[ "$(grep '^method ' <<<"$output" | sort | tr '\n' ' ')" = \
		"method Adopt method Attach method Change method Describe method Detach method List method Monitor method Reload method Replace method Statistics " ]
}

@test "Attach, List and Detach: the kernel runs what varlink/go attached, then nothing" {
	kmark
	run gm attach vb "$OBJ" xl_pass_4
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	id=$(jq .id <<<"$output")
	prog=$(jq .programId <<<"$output")
	[ "$(jq .revision <<<"$output")" = 1 ]
	[ "$(xdp_prog_on_vb)" = "$prog" ]

	run gm list vb
	[ "$status" -eq 0 ]
	[ "$(jq -r '.interfaces[0].attachments[0] | "\(.id) \(.name) \(.programId)"' <<<"$output")" = \
		"$id xl_pass_4 $prog" ]

	# No programs: revision 0 (revisions count from 1 while programs are attached).
	run gm detach vb "$id"
	[ "$status" -eq 0 ] && [ "$(jq .revision <<<"$output")" = 0 ]
	[ "$(xdp_prog_on_vb)" = 0 ]
	# The old revision's pins and objects go in a cleanup job after the reply.
	settled
	[ -z "$(revision_pins)" ] || { pins; false; }
	nothing_made
}

@test "Replace makes a set, swaps it, and an empty set detaches all" {
	kmark
	run gm replace vb "$OBJ:xl_pass_1"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -c .ids <<<"$output")" = "[1]" ]
	first=$(xdp_prog_on_vb)
	[ "$first" != 0 ]
	[ "$(gm list vb | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_1 ]

	run gm replace vb "$OBJ:xl_drop"
	[ "$status" -eq 0 ] && [ "$(jq .revision <<<"$output")" = 2 ]
	second=$(xdp_prog_on_vb)
	[ "$second" != 0 ] && [ "$second" != "$first" ]
	[ "$(gm list vb | jq -r '.interfaces[0].attachments[0].name')" = xl_drop ]

	run gm replace vb
	[ "$status" -eq 0 ] && [ "$(jq -c .ids <<<"$output")" = "[]" ]
	[ "$(xdp_prog_on_vb)" = 0 ]
	[ "$(gm list)" = '{"interfaces":[]}' ]
	settled
	nothing_made
}

@test "Change: a detach and an attach in one revision, a dry run, an anchor refused" {
	kmark
	run gm change vb '[{"op":"attach","object":"'"$OBJ"'","program":"xl_pass_1","label":"go"}]'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -c '[.revision, .added, .unchanged]' <<<"$output")" = '[1,[1],false]' ]
	first=$(xdp_prog_on_vb)
	[ "$(jq '.attachments[0].programId' <<<"$output")" = "$first" ]

	# A dry run plans with a provisional id and commits nothing.
	run gm change vb '[{"op":"detachLabel","label":"go"},
		{"op":"attach","object":"'"$OBJ"'","program":"xl_drop","label":"go"}]' dry
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -c '[.revision, .attachments[0].name, .attachments[0].programId]' <<<"$output")" = \
		'[1,"xl_drop",0]' ]
	[ "$(xdp_prog_on_vb)" = "$first" ]

	run gm change vb '[{"op":"detachLabel","label":"go"},
		{"op":"attach","object":"'"$OBJ"'","program":"xl_drop","label":"go"}]'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -c '[.revision, .previousRevision, .added, .removed, .reordered]' <<<"$output")" = \
		'[2,1,[2],[1],[]]' ]
	second=$(xdp_prog_on_vb)
	[ "$second" != 0 ] && [ "$second" != "$first" ]

	# Refused whole, decoded into its Go type; nothing changes.
	run gm change vb '[{"op":"detach","id":2},
		{"op":"attach","object":"'"$OBJ"'","program":"xl_pass_1","before":{"label":"nope"}}]'
	expect_named $M.AnchorNotFound '.interface == "vb" and (.anchor | test("nope"))'
	[ "$(xdp_prog_on_vb)" = "$second" ]
	[ "$(gm list vb | jq '.interfaces[0].revision')" = 2 ]
}

# monitor_start IFACE|- N: varlink/go's Monitor (more) in the background,
# once subscribed; its lines go to $BATS_TEST_TMPDIR/events.
monitor_start() {
	gm monitor "$1" "$2" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	MON_PID=$!
	for _ in $(seq 1 100); do
		grep -q '^subscribed$' "$BATS_TEST_TMPDIR/events" && return 0
		sleep 0.05
	done
	cat "$BATS_TEST_TMPDIR/events"
	return 1
}

# monitor_wait: until it has read its N events (at most 5 s); $output: its lines.
monitor_wait() {
	local st=0
	for _ in $(seq 1 100); do
		kill -0 "$MON_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" || st=$?
	output=$(cat "$BATS_TEST_TMPDIR/events")
	[ "$st" -eq 0 ] || { echo "monitor: status $st: $output"; return 1; }
}

@test "Monitor with more streams attach, replace and detach, each decoded and of a type the IDL declares" {
	monitor_start vb 3
	id=$(ctl --json attach vb "$OBJ" --prog xl_pass_1 | jq .id)
	printf '{"programs":[{"object":"%s","program":"xl_pass_2"}]}' "$OBJ" > "$BATS_TEST_TMPDIR/set.json"
	ctl replace vb --from "$BATS_TEST_TMPDIR/set.json"
	ctl detach vb --all
	monitor_wait
	[ "$(grep -v subscribed <<<"$output" | jq -r '"\(.type) \(.interface) \(.revision)"' | tr '\n' ,)" = \
		"attach vb 1,replace vb 2,detach vb 0," ]
	[ "$(grep '"attach"' <<<"$output" | jq -c .added)" = "[$id]" ]
}

@test "Monitor: a deleted interface's event is interfaceGone, a type the IDL declares" {
	veth_in_nsb vx0 vx1
	monitor_start - 2
	ctl attach vx0 "$OBJ" --prog xl_pass_1
	ip -n "$NSB" link del vx0
	monitor_wait
	[ "$(grep -v subscribed <<<"$output" | jq -r '"\(.type) \(.interface)"' | tr '\n' ,)" = \
		"attach vx0,interfaceGone vx0," ]
}

# expect_named NAME JQ-CHECK: the last run ended in error reply NAME, whose
# parameters (decoded into their Go type) pass JQ-CHECK.
expect_named() {
	[ "$status" -eq 2 ] || { echo "status $status: $output"; return 1; }
	[ "$(cut -d' ' -f2 <<<"$output")" = "$1" ] || { echo "expected $1: $output"; return 1; }
	jq -e "$2" <<<"$(cut -d' ' -f3- <<<"$output")" >/dev/null ||
		{ echo "parameters fail $2: $output"; return 1; }
}

@test "error replies decode into their named types" {
	run gm attach nope "$OBJ" xl_pass_1
	expect_named $M.InterfaceNotFound '.interface == "nope"'
	run gm attach vb /nonexistent.o xl_pass_1
	expect_named $M.ObjectNotFound '.object == "/nonexistent.o" and .errnoName == "ENOENT"'
	run gm attach vb "$OBJ" no_such_prog
	expect_named $M.ProgramNotFound '.program == "no_such_prog"'
	run gm attach vb "$OBJ" xl_pass_1
	[ "$status" -eq 0 ]
	run gm detach vb 99
	expect_named $M.AttachmentNotFound '.interface == "vb" and .id == 99'
	run gm call $M.Detach '{"interface":"vb","all":true,"expectedRevision":7}'
	expect_named $M.RevisionMismatch '.expected == 7 and .current == 1'
	run gm call $M.Attach '{"interface":"vb","object":"'"$OBJ"'","program":"xl_pass_2","mode":"skb"}'
	expect_named $M.ModeMismatch '.interface == "vb" and .current == "native" and .requested == "skb"'
	run gm call $M.Attach '{"interface":"vb","objekt":"x"}'
	expect_named org.varlink.service.InvalidParameter '.parameter == "objekt"'
	run gm call $M.Monitor 'null'
	expect_named org.varlink.service.ExpectedMore '. == {}'
	run gm call $M.Nope 'null'
	expect_named org.varlink.service.MethodNotFound '.method == "io.xdplink.Manager.Nope"'
	run gm call org.example.Nope 'null'
	expect_named org.varlink.service.InterfaceNotFound '.interface == "org.example"'
	run gm call org.varlink.service.GetInterfaceDescription '{"interface":"org.example"}'
	expect_named org.varlink.service.InterfaceNotFound '.interface == "org.example"'
	# The connection survives every refusal: the daemon still has vb's program.
	[ "$(gm list vb | jq '.interfaces[0].attachments | length')" = 1 ]
}

@test "a refused interface: InterfaceRefused decodes, List shows why, Adopt takes it back" {
	run gm attach vb "$OBJ" xl_pass_1
	[ "$status" -eq 0 ]
	prog=$(gm list vb | jq '.interfaces[0].entryProgramId')
	daemon_kill TERM
	rm "$STATE"/*/rev-*.json
	daemon_start
	[ "$(gm list vb | jq '.interfaces[0].refused.programId')" = "$prog" ]
	run gm attach vb "$OBJ" xl_pass_2
	expect_named $M.InterfaceRefused '.interface == "vb" and (.hint | test("xdpctl adopt vb"))'
	run gm adopt vb
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	echo "$output" | jq -e '.interface.refused == null and .interface.entryProgramId == '"$prog"
	[ "$(gm list vb | jq '.interfaces[0].attachments | length')" = 1 ]
}

@test "protocol errors are answered and logged at debug level; garbage is dropped and logged" {
	printf '{"method":"io.xdplink.Manager.List","bogus":1}\0' |
		"$VL_RAW" --wait-ms 300 "$SOCK" > "$BATS_TEST_TMPDIR/raw.out" || true
	grep -q '"error":"org.varlink.service.InvalidParameter"' "$BATS_TEST_TMPDIR/raw.out"
	printf '{"method":\0' | "$VL_RAW" --wait-ms 300 "$SOCK" || true
	for _ in $(seq 1 50); do grep -q 'invalid JSON' "$DLOG" && break; sleep 0.05; done
	grep -E "varlink peer pid [0-9]+ uid 0: io.xdplink.Manager.List: unknown key in call: \
org.varlink.service.InvalidParameter \{\"parameter\":\"bogus\"\}" "$DLOG"
	grep -E "varlink peer pid [0-9]+ uid 0: invalid JSON, closing the connection without a reply" "$DLOG"
}

@test "Statistics decodes into its Go type and counts this daemon's revision and error" {
	run gm attach vb "$OBJ" xl_pass_1
	[ "$status" -eq 0 ]
	run gm attach nope "$OBJ" xl_pass_1
	expect_named $M.InterfaceNotFound '.interface == "nope"'
	run gm statistics
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	jq -e '.revisions == 1 and .linkUpdates >= 1 and .changesRefused == 0 and .connections >= 1 and
		([.errors[] | select(.error == "io.xdplink.Manager.InterfaceNotFound") | .count] == [1])' \
		<<<"$output" || { echo "$output"; false; }
}

# Issue 14: another tool's program (Unmanaged), maps (Map) and the namespace's
# name, in List's reply, decode strictly into their Go types.
@test "List with all and maps, beside another tool's program, decodes into its Go types" {
	veth_in_nsb vx vy
	nsenter --net="/run/netns/$NSB" xdp-loader load vy /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_all.o
	prog=$(ip -n "$NSB" -j link show vy | jq '.[0].xdp.prog.id')
	run gm attach vx "$OBJ" xl_pass_1
	[ "$status" -eq 0 ]
	run gm list --all --maps
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	jq -e --argjson p "$prog" --arg ns "$NSB" '
		(.interfaces[] | select(.name == "vy") | .unmanaged[0].programId == $p) and
		(.interfaces[] | select(.name == "vx") | .attachments[0].maps | map(.pinPath) | any) and
		([.interfaces[].netns] | unique == [$ns]) and
		(.interfaces | map(.name) | index("lo") != null)' <<<"$output" || { echo "$output"; false; }
	run gm list vy
	[ "$status" -eq 0 ] && jq -e '.interfaces[0].unmanaged[0].holder != null' <<<"$output"
	# With freplace, libxdp pinned a dispatcher under /sys/fs/bpf/xdp.
	nsenter --net="/run/netns/$NSB" xdp-loader unload vy --all
}

# Runs last: what the tests above called through varlink/go.
@test "varlink/go called every method the IDL declares, each answered at least once without error" {
	run gm idl
	[ "$status" -eq 0 ]
	for m in $(grep '^method ' <<<"$output" | cut -d' ' -f2); do
		grep -qx "$M.$m ok" "$XL_GO_CALLS" || { echo "never answered: $m"; cat "$XL_GO_CALLS"; false; }
	done
	grep -qx "org.varlink.service.GetInfo ok" "$XL_GO_CALLS"
	grep -qx "org.varlink.service.GetInterfaceDescription ok" "$XL_GO_CALLS"
}
