#!/usr/bin/env bats
# Misbehaving clients against the real xdplinkd: one that pipelines List
# calls and never reads a reply (its output backs up), one that trickles a
# call that never ends. Liveness, not timing: while both are connected,
# another client's requests succeed; the daemon stops reading the first
# rather than buffering without end; and it drops both once they have been
# idle for IdleTimeoutSec (set short here), as lib/varlink/vl-link.c means to.
# The timings themselves are tests/bench/load/run's.

load daemon-helpers

XL_LOAD=$BUILD/tests/xl-load
IDLE=6

setup() {
	daemon_setup
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	sed -e "s/^IdleTimeoutSec = .*/IdleTimeoutSec = $IDLE/" "$REPO/config/xdplinkd.conf" > "$CONF"
	grep -q "^IdleTimeoutSec = $IDLE\$" "$CONF"
	HOG_PID=
	TRICKLE_PID=
}

teardown() {
	local p
	for p in $HOG_PID $TRICKLE_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	daemon_teardown
}

# wait_for FILE PATTERN SECONDS
wait_for() {
	for _ in $(seq 1 $(($3 * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no '$2' in $1 after $3 s:" >&2
	cat "$1" >&2
	return 1
}

@test "a never-reading and a trickling client: others are served, and both get dropped" {
	daemon_start
	# Replies of some size, so that the never-reading client's output backs up soon.
	for i in 1 2 3; do veth_in_nsb "vs$i" "vt$i"; done
	for i in 1 2 3; do ctl attach "vs$i" "$OBJ" --prog xl_pass_1 --mode skb --pass-path >/dev/null; done

	"$XL_LOAD" --socket "$SOCK" --idle-timeout "$IDLE" hog > "$BATS_TEST_TMPDIR/hog" 2>&1 &
	HOG_PID=$!
	"$XL_LOAD" --socket "$SOCK" --idle-timeout "$IDLE" trickle > "$BATS_TEST_TMPDIR/trickle" 2>&1 &
	TRICKLE_PID=$!
	wait_for "$BATS_TEST_TMPDIR/trickle" connected 10
	wait_for "$BATS_TEST_TMPDIR/hog" '^full:' 20
	cat "$BATS_TEST_TMPDIR/hog"

	# Back-pressure: the daemon left calls of the hog unread instead of
	# answering them all into an ever-growing buffer.
	unread=$(sed -n 's/.*calls unread by the daemon \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/hog")
	[ "$unread" -gt 0 ]

	# Others are served, with a deadline, while both bad clients are connected.
	ctl --timeout 5 version >/dev/null
	ctl --timeout 5 attach vb "$OBJ" --prog xl_pass_0 --mode skb --pass-path >/dev/null
	[ "$(vb_names)" = xl_pass_0 ]
	for _ in $(seq 1 20); do ctl --timeout 5 --json status >/dev/null; done
	ctl --timeout 5 detach vb --all >/dev/null
	kill -0 "$HOG_PID"
	kill -0 "$TRICKLE_PID"
	run grep dropped "$BATS_TEST_TMPDIR/hog" "$BATS_TEST_TMPDIR/trickle"
	[ "$status" -eq 1 ]

	# Then both are dropped for idleness (exit 0; 3 would mean still connected).
	s=0; wait "$HOG_PID" || s=$?; HOG_PID=
	cat "$BATS_TEST_TMPDIR/hog"
	[ "$s" = 0 ]
	s=0; wait "$TRICKLE_PID" || s=$?; TRICKLE_PID=
	cat "$BATS_TEST_TMPDIR/trickle"
	[ "$s" = 0 ]
	grep -q '^dropped' "$BATS_TEST_TMPDIR/hog"
	grep -q '^dropped' "$BATS_TEST_TMPDIR/trickle"

	# And the daemon is none the worse.
	kill -0 "$DAEMON_PID"
	ctl --timeout 5 --json status vs1 | jq -e '.interfaces[0].attachments[0].name == "xl_pass_1"'
}
