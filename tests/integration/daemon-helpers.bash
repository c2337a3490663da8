# Shared by the end-to-end suites: the real xdplinkd, started inside the
# receiving namespace of helpers.bash's veth pair with private paths, and
# the real xdpctl talking to it. Everything is stopped and removed in
# teardown, by PID.

load helpers

XDPLINKD=$BUILD/xdplinkd
XDPCTL=$BUILD/xdpctl
VL_RAW=$BUILD/tests/vl-raw

daemon_setup() {
	xl_setup
	# Maps the test programs pin by name go to <root>/maps under the daemon.
	rmdir "$MAPS" 2>/dev/null || true
	MAPS=$ROOT/maps
	SOCK=$BATS_TEST_TMPDIR/io.xdplink.Manager
	DLOG=$BATS_TEST_TMPDIR/xdplinkd.log
	CONF=$REPO/config/xdplinkd.conf
	DAEMON_PID=
}

daemon_teardown() {
	daemon_kill KILL
	xl_teardown
}

# daemon_start [OPTION...]: start xdplinkd with the shipped config and wait
# until it answers; $DAEMON_PID is its pid.
daemon_start() {
	local wrap=()

	if [ -n "${XL_VALGRIND:-}" ]; then
		wrap=(valgrind --quiet --error-exitcode=99 --leak-check=full
			--errors-for-leak-kinds=definite --suppressions="$REPO/tests/valgrind.supp"
			--log-file="$BATS_TEST_TMPDIR/valgrind.%p")
	fi
	nsenter --net="/run/netns/$NSB" "${wrap[@]}" "$XDPLINKD" --config "$CONF" \
		--socket "$SOCK" --bpffs-root "$ROOT" --state-dir "$STATE" "$@" \
		>>"$DLOG" 2>&1 3>&- &
	DAEMON_PID=$!
	daemon_wait_ready
}

daemon_wait_ready() {
	for _ in $(seq 1 300); do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			echo "xdplinkd exited early:" >&2
			cat "$DLOG" >&2
			return 1
		fi
		"$XDPCTL" --socket "$SOCK" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "xdplinkd did not answer within 30 s" >&2
	return 1
}

# daemon_kill SIGNAL: signal our daemon and wait for it to exit.
daemon_kill() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -s "$1" "$DAEMON_PID" 2>/dev/null || true
	DAEMON_STATUS=0
	wait "$DAEMON_PID" 2>/dev/null || DAEMON_STATUS=$?
	DAEMON_PID=
}

ctl() {
	"$XDPCTL" --socket "$SOCK" "$@"
}

# The daemon's List reply for vb.
vb_json() { ctl --json status vb; }
vb_revision() { vb_json | jq '.interfaces[0].revision'; }
vb_names() { vb_json | jq -r '[.interfaces[0].attachments[].name] | join(",")'; }
vb_link() { vb_json | jq '.interfaces[0].linkId'; }
