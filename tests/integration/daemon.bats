#!/usr/bin/env bats
# End to end on the host kernel: the real xdplinkd and xdpctl on a veth pair
# in namespaces we create. Under lockdown the daemon runs in degraded mode
# (one program per interface); everything here holds in both modes.

load daemon-helpers

setup() {
	daemon_setup
	daemon_start
	FREPLACE=$(daemon_freplace)
}

teardown() {
	[ -z "${B5_CG:-}" ] || echo max > "$B5_CG/pids.max"
	daemon_teardown
	[ -z "${B5_CG:-}" ] || rmdir "$B5_CG"
}

@test "the daemon starts with the shipped config, recovers, and says what it can do" {
	grep -q 'Recovered 0 interfaces' "$DLOG"
	run ctl version
	[ "$status" -eq 0 ]
	[[ "$output" == *xdplinkd* ]]
	if [ "$FREPLACE" = 0 ]; then
		grep -q 'Degraded mode' "$DLOG"
	fi
}

@test "the daemon raises its soft open-files limit to the hard one (7 fds per interface)" {
	[ -z "${XL_VALGRIND:-}" ] || skip "valgrind keeps descriptors of its own and lowers the limit"
	daemon_kill TERM
	ulimit -Sn 256
	daemon_start
	limits=$(awk '/^Max open files/ { print $4, $5 }' "/proc/$DAEMON_PID/limits")
	[ "${limits% *}" = "${limits#* }" ]
	[ "${limits% *}" -gt 256 ]
}

@test "attach, status and detach drive the kernel: link, program, pins and packets" {
	run ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 0 ]
	[ "$(vb_revision)" -eq 1 ]
	[ "$(vb_names)" = xl_pass_1 ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
	# What the daemon reports is what the kernel runs.
	[ "$(vb_json | jq '.interfaces[0].entryProgramId')" = "$(xdp_prog_on_vb)" ]
	send_udp 20
	[ "$(packets 1)" -eq 20 ]
	run ctl status vb
	[ "$status" -eq 0 ]
	[[ "$output" == *vb* && "$output" == *xl_pass_1* ]]
	id=$(vb_json | jq '.interfaces[0].attachments[0].id')
	run ctl detach vb "$id"
	[ "$status" -eq 0 ]
	[ "$(xdp_prog_on_vb)" = 0 ]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*' 2>/dev/null)" ]
	[ -z "$(ls "$STATE"/*/ 2>/dev/null)" ]
}

@test "an object passed as a file descriptor is attached; the state names the real file" {
	run ctl attach vb "$OBJ" --prog xl_pass_1 --pass-fd
	[ "$status" -eq 0 ]
	[ "$(vb_names)" = xl_pass_1 ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].object')" = "$(realpath "$OBJ")" ]
	send_udp 5
	[ "$(packets 1)" -eq 5 ]
}

# List caches tags by program id: they must stay the kernel's, also after a swap.
@test "List shows each program's kernel tag, again and after a replace" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	for _ in 1 2; do
		id=$(vb_json | jq '.interfaces[0].attachments[0].programId')
		[ "$(vb_json | jq -r '.interfaces[0].attachments[0].tag')" = \
			"$(bpftool -j prog show id "$id" | jq -r .tag)" ]
	done
	cat > "$BATS_TEST_TMPDIR/set.json" <<-JSON
	{ "programs": [ { "object": "$OBJ", "program": "xl_pass_2" } ] }
	JSON
	ctl replace vb --from "$BATS_TEST_TMPDIR/set.json"
	new=$(vb_json | jq '.interfaces[0].attachments[0].programId')
	[ "$new" != "$id" ]
	[ "$(vb_json | jq -r '.interfaces[0].attachments[0].tag')" = \
		"$(bpftool -j prog show id "$new" | jq -r .tag)" ]
}

@test "replace swaps the whole set with one link update on the same link" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	link=$(vb_link)
	cat > "$BATS_TEST_TMPDIR/set.json" <<-JSON
	{ "programs": [ { "object": "$OBJ", "program": "xl_pass_2" } ] }
	JSON
	run ctl replace vb --from "$BATS_TEST_TMPDIR/set.json"
	[ "$status" -eq 0 ]
	[ "$(vb_revision)" -eq 2 ]
	[ "$(vb_names)" = xl_pass_2 ]
	[ "$(vb_link)" = "$link" ]
	send_udp 7
	[ "$(packets 2)" -eq 7 ]
	[ "$(packets 1)" -eq 0 ]
}

@test "degraded mode: a second program is refused with the reason, and nothing changes" {
	[ "$FREPLACE" = 0 ] || skip "this kernel allows freplace"
	ctl attach vb "$OBJ" --prog xl_pass_1
	before=$(pins)
	run ctl attach vb "$OBJ" --prog xl_pass_2
	[ "$status" -eq 1 ]
	[[ "$output" == *NotSupported* || "$output" == *"needs the dispatcher"* ]]
	[[ "$output" == *lockdown* ]]
	[ "$(vb_revision)" -eq 1 ]
	[ "$(pins)" = "$before" ]
}

@test "errors are specific: unknown interface, missing object, non-BPF file, unknown program" {
	run ctl attach nosuch0 "$OBJ"
	[ "$status" -eq 1 ]
	[[ "$output" == *InterfaceNotFound* ]]
	run ctl attach vb /nonexistent/x.o
	[ "$status" -ne 0 ]
	[[ "$output" == *ObjectNotFound* || "$output" == *"No such file"* ]]
	run ctl attach vb /etc/passwd
	[ "$status" -eq 1 ]
	[[ "$output" == *InvalidObject* ]]
	run ctl attach vb "$OBJ" --prog no_such_prog
	[ "$status" -eq 1 ]
	[[ "$output" == *ProgramNotFound* ]]
	[ "$(xdp_prog_on_vb)" = 0 ]
}

# B4: objects passed by fd (xdpctl's default) are named by their file, and
# the error is about the addition that failed, not the first one.
@test "a refused replace by fd names the object and program that failed, in the reply and the log" {
	d=$(realpath "$BATS_TEST_TMPDIR")
	cp "$OBJ" "$d/first.o"
	cp "$OBJ" "$d/second.o"
	cp /etc/passwd "$d/text.o"
	refusal() {
		printf '[{"object": "%s", "program": "xl_pass_1"}, {"object": "%s"%s}]\n' \
			"$d/$1" "$d/$2" "${3:+, \"program\": \"$3\"}" \
			> "$BATS_TEST_TMPDIR/set.json"
		local out
		out=$(ctl --json replace vb --from "$BATS_TEST_TMPDIR/set.json" 2>/dev/null) && return 1
		jq -c '.error | {name: (.name | ltrimstr("io.xdplink.Manager.")),
			object: .parameters.object, program: .parameters.program}' <<<"$out"
	}
	[ "$(refusal first.o second.o nope)" = \
		"{\"name\":\"ProgramNotFound\",\"object\":\"$d/second.o\",\"program\":\"nope\"}" ]
	grep -q "vb: replace refused: $d/second.o: no nope program" "$DLOG"
	# One file, two programs: the one that is missing.
	[ "$(refusal first.o first.o nope)" = \
		"{\"name\":\"ProgramNotFound\",\"object\":\"$d/first.o\",\"program\":\"nope\"}" ]
	[ "$(refusal first.o text.o)" = \
		"{\"name\":\"InvalidObject\",\"object\":\"$d/text.o\",\"program\":null}" ]
	[ "$(xdp_prog_on_vb)" = 0 ]
}

@test "a verifier reject returns the verifier log and keeps the live revision" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	cat > "$BATS_TEST_TMPDIR/bad.json" <<-JSON
	[ { "object": "$OBJ", "program": "xl_bad" } ]
	JSON
	run ctl replace vb --from "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *ProgramLoadFailed* ]]
	[[ "$output" == *"R1"* || "$output" == *"invalid"* ]]   # the verifier's own words
	[ "$(vb_revision)" -eq 1 ]
	[ "$(vb_names)" = xl_pass_1 ]
}

@test "an interface held over netlink is refused, naming the holder" {
	ip -n "$NSB" link set dev vb xdpdrv obj "$OBJ" sec xdp 2>/dev/null ||
		skip "iproute2 cannot load the test object"
	run ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 1 ]
	[[ "$output" == *InterfaceBusy* ]]
	[[ "$output" == *"attached over netlink"* ]]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ]
}

@test "SIGTERM leaves the programs running; a restart recovers them unchanged" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	link=$(vb_link)
	daemon_kill TERM
	[ "$DAEMON_STATUS" -eq 0 ]
	grep -q 'every attached program stays running' "$DLOG"
	[ "$(xdp_links_on_vb)" -eq 1 ]
	send_udp 9
	[ "$(packets 1)" -eq 9 ]
	daemon_start
	grep -q 'Recovered 1 interfaces' "$DLOG"
	grep -q 'with 0 link updates' "$DLOG"
	[ "$(vb_revision)" -eq 1 ]
	[ "$(vb_link)" = "$link" ]
	[ "$(vb_names)" = xl_pass_1 ]
}

@test "SIGKILL in the middle of a stream of swaps: traffic never stops and the state recovers" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	for i in 1 2; do
		printf '[{"object": "%s", "program": "xl_pass_%d"}]\n' "$OBJ" "$i" \
			> "$BATS_TEST_TMPDIR/set$i.json"
	done
	( for i in $(seq 1 40); do
		ctl replace vb --from "$BATS_TEST_TMPDIR/set$(( i % 2 + 1 )).json" || true
	  done ) >/dev/null 2>&1 3>&- &
	stream=$!
	sleep 1.5
	daemon_kill KILL
	wait "$stream" || true
	# The link still runs a whole revision: one of the two sets.
	[ "$(xdp_links_on_vb)" -eq 1 ]
	before=$(( $(packets 1) + $(packets 2) ))
	send_udp 10
	[ $(( $(packets 1) + $(packets 2) )) -eq $(( before + 10 )) ]
	daemon_start
	grep -q 'with 0 link updates' "$DLOG"
	names=$(vb_names)
	[[ "$names" = xl_pass_1 || "$names" = xl_pass_2 ]]
	[ "$(vb_json | jq '.interfaces[0].entryProgramId')" = "$(xdp_prog_on_vb)" ]
	# No orphan: exactly one revision directory and one state file.
	[ "$(find "$ROOT" -mindepth 2 -maxdepth 2 -name 'rev-*' | wc -l)" -eq 1 ]
	[ "$(find "$STATE" -name 'rev-*.json' | wc -l)" -eq 1 ]
	run ctl detach vb --all
	[ "$status" -eq 0 ]
	[ "$(xdp_prog_on_vb)" = 0 ]
}

@test "monitor streams attach and detach events" {
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.5
	ctl attach vb "$OBJ" --prog xl_pass_1
	ctl detach vb --all
	sleep 0.5
	kill -INT "$mon"; wait "$mon" || true
	grep -q '"attach"' "$BATS_TEST_TMPDIR/events"
	grep -q '"detach"' "$BATS_TEST_TMPDIR/events"
	[ "$(grep -c '"interface": *"vb"' "$BATS_TEST_TMPDIR/events")" -ge 2 ]
}

@test "a config error names file and line, and the daemon refuses to start" {
	printf '[Engine]\nDefaultMode = turbo\n' > "$BATS_TEST_TMPDIR/bad.conf"
	run nsenter --net="/run/netns/$NSB" "$XDPLINKD" --config "$BATS_TEST_TMPDIR/bad.conf" \
		--socket "$BATS_TEST_TMPDIR/other.sock" --bpffs-root "$ROOT" --state-dir "$STATE"
	[ "$status" -eq 78 ]
	[[ "$output" == *"bad.conf:2:"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/other.sock" ]
}

@test "reload refuses a broken file with file:line and keeps serving" {
	cp "$REPO/config/xdplinkd.conf" "$BATS_TEST_TMPDIR/live.conf"
	daemon_kill TERM
	CONF=$BATS_TEST_TMPDIR/live.conf daemon_start
	printf '\n[Engine]\nNoSuchKey = 1\n' >> "$BATS_TEST_TMPDIR/live.conf"
	run ctl reload
	[ "$status" -eq 1 ]
	[[ "$output" == *ConfigInvalid* || "$output" == *"live.conf:"* ]]
	run ctl version
	[ "$status" -eq 0 ]
	cp "$REPO/config/xdplinkd.conf" "$BATS_TEST_TMPDIR/live.conf"
	run ctl reload
	[ "$status" -eq 0 ]
}

@test "socket activation: systemd-socket-activate passes the listening socket" {
	daemon_kill TERM
	sock=$BATS_TEST_TMPDIR/activated.sock
	nsenter --net="/run/netns/$NSB" systemd-socket-activate -l "$sock" \
		"$XDPLINKD" --config "$CONF" --socket "$BATS_TEST_TMPDIR/unused.sock" \
		--bpffs-root "$ROOT" --state-dir "$STATE" >>"$DLOG" 2>&1 3>&- &
	DAEMON_PID=$!
	for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
	run "$XDPCTL" --socket "$sock" attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 0 ]
	grep -q 'the socket passed by systemd' "$DLOG"
	[ ! -e "$BATS_TEST_TMPDIR/unused.sock" ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
}

@test "the daemon is valgrind-clean through attach, replace, refusals, monitor and SIGTERM" {
	[ -z "${XL_SANITIZE:-}" ] || skip "built with sanitizers"
	daemon_kill TERM
	XL_VALGRIND=1 daemon_start
	ctl attach vb "$OBJ" --prog xl_pass_1
	printf '[{"object": "%s", "program": "xl_pass_2"}]\n' "$OBJ" > "$BATS_TEST_TMPDIR/s.json"
	ctl replace vb --from "$BATS_TEST_TMPDIR/s.json"
	run ctl attach vb /etc/passwd
	run ctl attach vb "$OBJ" --prog nope
	run ctl detach vb 999
	"$XDPCTL" --socket "$SOCK" monitor > /dev/null 3>&- &
	mon=$!
	sleep 1
	ctl status vb
	ctl detach vb --all
	kill -INT "$mon"; wait "$mon" || true
	daemon_kill TERM
	cat "$BATS_TEST_TMPDIR"/valgrind.* >&2 || true
	[ "$DAEMON_STATUS" -eq 0 ]
	! grep -qE "$VALGRIND_ERRORS" "$BATS_TEST_TMPDIR"/valgrind.*
}

@test "a deleted interface is cleaned up and announced: no link, pin or state is left" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	progs=$(n_progs)
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.5
	ip -n "$NSB" link del vb
	for _ in $(seq 1 50); do
		grep -q interfaceGone "$BATS_TEST_TMPDIR/events" && break
		sleep 0.1
	done
	kill -INT "$mon"; wait "$mon" || true
	ev=$(grep interfaceGone "$BATS_TEST_TMPDIR/events")
	[ "$(jq -r .interface <<<"$ev")" = vb ]
	[ "$(jq -c .removed <<<"$ev")" = "[1]" ]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ]
	[ -z "$(find "$STATE" -name 'rev-*.json')" ]
	[ "$(n_progs)" -lt "$progs" ]
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
	grep -q 'is gone' "$DLOG"
}

@test "sd_notify: READY, STATUS, watchdog pings, then STOPPING on SIGTERM" {
	daemon_kill TERM
	sink=$BATS_TEST_TMPDIR/notify
	"$BUILD/tests/notify-sink" "$sink" 8 > "$BATS_TEST_TMPDIR/notes" 3>&- &
	pid=$!
	for _ in $(seq 1 50); do [ -S "$sink" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$sink WATCHDOG_USEC=1000000 daemon_start
	sleep 1.5
	daemon_kill TERM
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/notes"
	grep -qx 'READY=1' "$BATS_TEST_TMPDIR/notes"
	grep -q '^STATUS=Managing 0 programs on 0 interfaces' "$BATS_TEST_TMPDIR/notes"
	grep -qx 'WATCHDOG=1' "$BATS_TEST_TMPDIR/notes"
	grep -q '^STOPPING=1' "$BATS_TEST_TMPDIR/notes"
	[ "$(grep -n 'READY=1' "$BATS_TEST_TMPDIR/notes" | head -1 | cut -d: -f1)" -lt \
	  "$(grep -n 'STOPPING=1' "$BATS_TEST_TMPDIR/notes" | head -1 | cut -d: -f1)" ]
}

@test "maps pinned by an attach that crashed before its commit are removed at the next start" {
	daemon_kill TERM
	XL_TEST_CRASH=before-commit daemon_start
	run ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -ne 0 ]
	wait "$DAEMON_PID" 2>/dev/null || DAEMON_STATUS=$?
	[ "${DAEMON_STATUS:-0}" -eq 86 ]
	DAEMON_PID=
	# The object's maps were pinned when it loaded; nothing was committed.
	[ -e "$MAPS/xl_test_trace" ]
	daemon_start
	[ "$(xdp_prog_on_vb)" = 0 ]
	[ ! -e "$ROOT/maps/uid-0" ]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ]
}

# B5: when no worker thread can be started, the job fails, and the jobs
# queued behind it on the interface still get their turn (they failed
# too, or ran), instead of waiting forever. A pids cgroup (v1 or v2) makes
# pthread_create() fail for real; holding the engine's state lock, as a
# second engine's recovery would, keeps the first job in its worker while
# the others queue behind it.
@test "jobs queued behind one whose worker cannot start are still answered (B5)" {
	local cg pids_root lock
	pids_root=/sys/fs/cgroup/pids
	[ -d "$pids_root" ] || pids_root=/sys/fs/cgroup
	[ -e "$pids_root/cgroup.procs" ] || skip "no pids cgroup here"
	cg=$pids_root/xl-b5-$$-$BATS_TEST_NUMBER
	mkdir "$cg" 2>/dev/null && [ -e "$cg/pids.max" ] || skip "cannot make a pids cgroup"
	B5_CG=$cg	# teardown removes it, also on failure
	echo "$DAEMON_PID" > "$cg/cgroup.procs"
	hold_state_lock
	lock=$LOCK_PID
	ctl attach vb "$OBJ" --prog xl_pass_1 --mode skb > "$BATS_TEST_TMPDIR/a.out" 2>&1 &
	local a=$!
	sleep 1
	ctl attach vb "$OBJ" --prog xl_pass_2 --mode skb > "$BATS_TEST_TMPDIR/b.out" 2>&1 &
	local b=$!
	ctl detach vb --all > "$BATS_TEST_TMPDIR/c.out" 2>&1 &
	local c=$!
	sleep 1
	# A's worker is the daemon's only other thread: once it is gone, none can start.
	echo $(( $(cat "$cg/pids.current") - 1 )) > "$cg/pids.max"
	kill "$lock"; wait "$lock" 2>/dev/null || true
	local rb=0 rc=0
	timeout 20 tail --pid="$b" -f /dev/null || { echo "B was never answered" >&2; rb=124; }
	timeout 20 tail --pid="$c" -f /dev/null || { echo "C was never answered" >&2; rc=124; }
	echo max > "$cg/pids.max"
	wait "$a" || { cat "$BATS_TEST_TMPDIR/a.out"; false; }
	cat "$BATS_TEST_TMPDIR"/[bc].out
	[ "$rb" -eq 0 ] && [ "$rc" -eq 0 ]
	grep -q "worker thread" "$BATS_TEST_TMPDIR/b.out"
	# The daemon is whole: the next call runs.
	ctl detach vb --all
	ctl attach vb "$OBJ" --prog xl_pass_2 --mode skb
	[ "$(vb_names)" = xl_pass_2 ]
}
