#!/usr/bin/env bats
# AF_XDP next to other programs (issue 10, docs/af-xdp.md): an AF_XDP socket
# receives what an xdplinkd-managed xsk program redirects to it, also while
# a filter runs before it in the same set. The application is
# tests/tools/xl-xsk.c (libxdp's xsk API, its own program load inhibited):
# it opens the XSKMAP that the daemon pinned by name and puts its socket in
# it. The programs are tests/bpf/xl_xsk.bpf.c; they count what they do in a
# map pinned by name too, and the socket counts what it receives, so every
# packet of the flow is accounted for exactly: sent = dropped + received.
#
# The flow: xl-xsk send writes N UDP frames on va (AF_PACKET, a frame the
# device refuses is sent again, so all N are sent); frame i goes to port
# 9000 + i % 3, so a third go to an odd port. veth has one queue: every
# frame arrives on vb's queue 0, where the socket is bound. Copy mode
# (XDP_COPY), which veth supports with native XDP.
#
# The first and the last test run the xsk program alone and work on any
# kernel (the host's degraded mode included). The others need two programs
# in one set (freplace), so they run in tests/vm/run when the host forbids
# EXT programs, and skip here with that reason.

load daemon-helpers

XSK=$BUILD/tests/xl-xsk
XSK_OBJ=$BUILD/bpf/xl_xsk.bpf.o

setup() {
	daemon_setup
	local probe
	probe=$("$XL_ENGINE" --root "$ROOT-probe" --state "$BATS_TEST_TMPDIR/probe" probe || true)
	rm -rf "$ROOT-probe"
	FREPLACE=no
	[[ $probe == *'freplace yes'* ]] && FREPLACE=yes
	# Where the daemon pins the object's maps: maps/<owner>/<object file, dots
	# as underscores>/<map name> under its bpffs root (docs/bpffs-layout.md).
	XSK_MAPS=$ROOT/maps/uid-0/xl_xsk_bpf_o
	RECV_PID=
	kmark
	VB_MAC=$(ip -n "$NSB" -j link show vb | jq -r '.[0].address')
	daemon_start
}

teardown() {
	if [ -n "$RECV_PID" ]; then
		kill -s TERM "$RECV_PID" 2>/dev/null || true
		wait "$RECV_PID" 2>/dev/null || true
	fi
	daemon_teardown
}

needs_freplace() {
	[ "$FREPLACE" = yes ] ||
		skip "a filter and the xsk program in one set need freplace, which this kernel refuses; run through tests/vm/run (the lone xsk program is tested here)"
}

# xsk_count FIELD: drop, pass, redirect or no_socket, as the programs counted.
xsk_count() {
	bpftool -j map lookup pinned "$XSK_MAPS/xl_xsk_counts" key 0 0 0 0 |
		jq -r ".formatted.value.$1 // .value.$1"
}

# recv_start: the AF_XDP socket on vb's queue 0, in the daemon's XSKMAP.
recv_start() {
	RECV_OUT=$BATS_TEST_TMPDIR/recv.out
	nsenter --net="/run/netns/$NSB" "$XSK" recv --iface vb --queue 0 \
		--map "$XSK_MAPS/xl_xsk_map" --timeout 300 > "$RECV_OUT" 2> "$BATS_TEST_TMPDIR/recv.err" 3>&- &
	RECV_PID=$!
	for _ in $(seq 1 100); do
		grep -q '"ready"' "$RECV_OUT" 2>/dev/null && return 0
		kill -0 "$RECV_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "xl-xsk recv did not get ready:" >&2
	cat "$BATS_TEST_TMPDIR/recv.err" >&2
	return 1
}

# recv_stop: stop the receiver once the programs' counts have settled; its
# report is $got.
recv_stop() {
	local prev=-1 now
	for _ in $(seq 1 40); do
		now=$(xsk_count redirect)
		[ "$now" = "$prev" ] && break
		prev=$now
		sleep 0.25
	done
	# The socket drains its ring every 100 ms at least.
	sleep 0.5
	kill -s INT "$RECV_PID"
	wait "$RECV_PID"
	RECV_PID=
	cat "$BATS_TEST_TMPDIR/recv.err" >&2
	got=$(tail -1 "$RECV_OUT")
	echo "# afxdp: socket $got" >&3
}

# send N: N frames of the flow from va; sets $sent and $odd.
send() {
	local out
	out=$(ip netns exec "$NSA" "$XSK" send --iface va --dst-mac "$VB_MAC" --count "$1" \
		--rate "${XL_XSK_RATE:-5000}")
	echo "# afxdp: sender $out" >&3
	sent=$(jq .sent <<<"$out")
	odd=$(jq .odd <<<"$out")
	[ "$sent" -eq "$1" ]
}

# got_field NAME: one field of the receiver's report.
got_field() { jq ".$1" <<<"$got"; }

# The socket lost nothing on its own side (ring full, fill ring empty).
socket_lost_nothing() {
	[ "$(got_field rx_dropped)" -eq 0 ]
	[ "$(got_field rx_ring_full)" -eq 0 ]
	[ "$(got_field rx_invalid_descs)" -eq 0 ]
	[ "$(got_field other)" -eq 0 ]
}

# All gone: the daemon removes an owner's map directory once the owner has
# no attachment left, and the kernel frees what the test made (the socket
# is closed by then).
all_gone() {
	for _ in $(seq 1 50); do
		[ -e "$ROOT/maps/uid-0" ] || break
		sleep 0.1
	done
	[ ! -e "$ROOT/maps/uid-0" ]
	for _ in $(seq 1 50); do nothing_made 2>/dev/null && break; sleep 0.1; done
	nothing_made
}

@test "an AF_XDP socket receives what the daemon's lone xsk program redirects, also after a daemon restart" {
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_redirect
	[ "$(vb_names)" = xl_xsk_redirect ]
	# The daemon pinned the XSKMAP by name where the application looks.
	[ "$(bpftool -j map show pinned "$XSK_MAPS/xl_xsk_map" | jq -r .type)" = xskmap ]
	recv_start

	send 1500
	# A daemon killed and started again leaves the program, its maps and the
	# socket's place in the XSKMAP alone: the flow goes on reaching it.
	daemon_kill KILL
	daemon_start
	[ "$(vb_names)" = xl_xsk_redirect ]
	send 1500
	recv_stop

	[ "$(xsk_count redirect)" -eq 3000 ]
	[ "$(xsk_count no_socket)" -eq 0 ]
	[ "$(got_field received)" -eq 3000 ]
	# No filter: the odd ports arrive too.
	[ "$(got_field odd_port)" -eq 1000 ]
	socket_lost_nothing

	ctl detach vb --all
	[ "$(xdp_prog_on_vb)" = 0 ]
	all_gone
}

@test "a filter ahead of the xsk program drops a counted share; the socket receives exactly the rest" {
	needs_freplace
	# The xsk program first, the filter after it with a lower priority
	# number: the filter runs first, and chains on XDP_PASS (the default
	# for an object without XDP_RUN_CONFIG) into the xsk program.
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_redirect --priority 20
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_filter --priority 10
	[ "$(vb_names)" = xl_xsk_filter,xl_xsk_redirect ]
	recv_start

	send 3000
	recv_stop
	dropped=$(xsk_count drop)
	received=$(got_field received)
	echo "# afxdp: sent=$sent odd=$odd dropped=$dropped passed=$(xsk_count pass)" \
		"redirected=$(xsk_count redirect) received=$received" >&3
	[ "$received" -ge 1000 ]
	[ "$dropped" -gt 0 ]
	# Exactly the odd ports were dropped, and every other frame reached the
	# socket: nothing lost, nothing counted twice.
	[ "$dropped" -eq "$odd" ]
	[ "$(xsk_count pass)" -eq $((sent - dropped)) ]
	[ "$(xsk_count redirect)" -eq $((sent - dropped)) ]
	[ "$(xsk_count no_socket)" -eq 0 ]
	[ "$received" -eq $((sent - dropped)) ]
	[ "$(got_field odd_port)" -eq 0 ]
	socket_lost_nothing

	ctl detach vb --all
	all_gone
}

@test "the socket stays in the XSKMAP while the set around the xsk program changes" {
	needs_freplace
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_redirect --priority 20
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_filter --priority 10
	recv_start
	send 900
	d1=$(xsk_count drop)

	# The filter goes: the xsk program runs alone (its plain-XDP twin, the
	# same maps), and the odd ports now reach the socket too.
	filter=$(vb_json | jq '.interfaces[0].attachments[] | select(.name == "xl_xsk_filter") | .id')
	ctl detach vb "$filter"
	[ "$(vb_names)" = xl_xsk_redirect ]
	send 900

	# And comes back: a new revision, the same XSKMAP.
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_filter --priority 10
	[ "$(vb_names)" = xl_xsk_filter,xl_xsk_redirect ]
	send 900
	recv_stop

	dropped=$(xsk_count drop)
	[ "$d1" -eq 300 ]
	[ "$dropped" -eq 600 ]
	[ "$(got_field received)" -eq $((2700 - dropped)) ]
	[ "$(got_field odd_port)" -eq 300 ]
	[ "$(xsk_count no_socket)" -eq 0 ]
	socket_lost_nothing

	ctl detach vb --all
	all_gone
}

@test "libxdp left to load its own xsk program fails on an interface the daemon holds, and changes nothing" {
	ctl attach vb "$XSK_OBJ" --prog xl_xsk_redirect
	prog=$(xdp_prog_on_vb)
	link=$(vb_link)
	# The application unaware of the daemon: no INHIBIT_PROG_LOAD.
	run nsenter --net="/run/netns/$NSB" "$XSK" recv --iface vb --queue 0 \
		--map "$XSK_MAPS/xl_xsk_map" --timeout 5 --no-inhibit
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *'xsk_socket__create on vb queue 0: E'* ]]
	[[ $output != *'"ready"'* ]]
	# The daemon's program and link are untouched, and so is the flow.
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	[ "$(vb_link)" = "$link" ]
	[ "$(vb_names)" = xl_xsk_redirect ]
	recv_start
	send 300
	recv_stop
	[ "$(got_field received)" -eq 300 ]
	ctl detach vb --all
	all_gone
}
