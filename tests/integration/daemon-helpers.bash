# Shared by the end-to-end suites: the real xdplinkd, started inside the
# receiving namespace of helpers.bash's veth pair with private paths, and
# the real xdpctl talking to it. Everything is stopped and removed in
# teardown, by PID.

# By this file's own directory: bats would resolve "load" from the suite's,
# and suites outside tests/integration (conformance, attack) load this too.
source "$(dirname "${BASH_SOURCE[0]}")/helpers.bash"
source "$(dirname "${BASH_SOURCE[0]}")/sanitizer.bash"

XDPLINKD=$BUILD/xdplinkd
XDPCTL=$BUILD/xdpctl
VL_RAW=$BUILD/tests/vl-raw

# For the suites that need several programs per interface: skip, with the
# way to run them, where this kernel refuses freplace (after daemon_setup).
skip_without_freplace() {
	local probed
	probed=$("$XL_ENGINE" --root "$ROOT-probe" --state "$BATS_TEST_TMPDIR/probe" probe)
	rm -rf "$ROOT-probe"
	grep -q 'freplace yes' <<<"$probed" || skip "this kernel refuses freplace; run through tests/vm/run"
}

daemon_setup() {
	xl_setup
	# Maps the test programs pin by name go to <root>/maps/<owner>/<object> under
	# the daemon; the tests' own programs are root's.
	rmdir "$MAPS" 2>/dev/null || true
	MAPS=$ROOT/maps/uid-0/xl_test_progs_bpf_o
	SOCK=$BATS_TEST_TMPDIR/io.xdplink.Manager
	DLOG=$BATS_TEST_TMPDIR/xdplinkd.log
	CONF=$REPO/config/xdplinkd.conf
	DAEMON_PID=
	# Every daemon this test starts: its TSan reports in tsan.PID.
	sanitizer_env "$BATS_TEST_TMPDIR/tsan"
}

# veth_in_nsb NAME PEER: another veth pair, both ends up, in the daemon's namespace.
veth_in_nsb() {
	ip -n "$NSB" link add "$1" type veth peer name "$2"
	ip -n "$NSB" link set "$1" up
	ip -n "$NSB" link set "$2" up
}

VALGRIND_ERRORS='definitely lost: [1-9]|Invalid (read|write|free)|uninitialised|ERROR SUMMARY: [1-9]'

daemon_teardown() {
	local report=0

	if [ -n "${XL_SANITIZE:-}${XL_VALGRIND:-}" ]; then
		# A clean exit, so that LeakSanitizer or memcheck gets to report;
		# then any report fails the test that caused it.
		daemon_stop_gently
		sanitizer_reports "$DLOG" "$BATS_TEST_TMPDIR/tsan" >/dev/null && report=1
		cat "$BATS_TEST_TMPDIR"/valgrind.* 2>/dev/null | grep -qE "$VALGRIND_ERRORS" && report=1
	fi
	daemon_kill KILL
	xl_teardown
	if [ "$report" = 1 ]; then
		echo "xdplinkd under sanitizers or valgrind reported:" >&2
		sanitizer_reports "$DLOG" "$BATS_TEST_TMPDIR/tsan" >&2
		cat "$BATS_TEST_TMPDIR"/valgrind.* >&2 2>/dev/null
		return 1
	fi
}

# SIGTERM, and SIGKILL if the daemon has not exited within 10 s.
daemon_stop_gently() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -s TERM "$DAEMON_PID" 2>/dev/null || true
	for _ in $(seq 1 100); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	daemon_kill KILL
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

# daemon_start_stacked: start xdplinkd like daemon_start, but in a mount
# namespace of its own where a second, empty bpffs is mounted over
# /sys/fs/bpf: the damage a plain "mount -t bpf" does on a system that has
# one. Only that private namespace sees it; the host's pins are untouched.
daemon_start_stacked() {
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf &&
		exec nsenter --net="/run/netns/$0" "$1" --config "$2" --socket "$3" \
			--bpffs-root "$4" --state-dir "$5"' \
		"$NSB" "$XDPLINKD" "$CONF" "$SOCK" "$ROOT" "$STATE" >>"$DLOG" 2>&1 3>&- &
	DAEMON_PID=$!
	daemon_wait_ready
}

# hold_state_lock: hold the engine's whole-state lock (byte 0 of
# $STATE/lock), as a second engine's recovery would, so that the daemon's
# jobs wait in their workers; $LOCK_PID ends it (kill). Returns once held.
hold_state_lock() {
	python3 - "$STATE/lock" "$BATS_TEST_TMPDIR/locked" <<-'PY' 3>&- &
	import fcntl, os, sys, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)
	open(sys.argv[2], "w").close()
	time.sleep(60)
	PY
	LOCK_PID=$!
	for _ in $(seq 50); do [ -e "$BATS_TEST_TMPDIR/locked" ] && break; sleep 0.1; done
	[ -e "$BATS_TEST_TMPDIR/locked" ]
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

# open_to_users GROUPS [SED-EXPR...]: a socket every uid can reach ($SOCK,
# in $SOCKDIR, which the test removes) and a configuration ($CONF) whose
# [Access] allows GROUPS, with SED-EXPRs applied to it as well.
open_to_users() {
	local groups=$1 x e=()
	shift
	SOCKDIR=$(mktemp -d /tmp/xlsock.XXXXXX)
	chmod 0755 "$SOCKDIR"
	SOCK=$SOCKDIR/io.xdplink.Manager
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	for x in "$@"; do e+=(-e "$x"); done
	sed -e 's/^Mode = 0660/Mode = 0666/' -e "s/^AllowGroups = xdplinkd/AllowGroups = $groups/" \
		"${e[@]}" "$REPO/config/xdplinkd.conf" > "$CONF"
}

ctl() {
	"$XDPCTL" --socket "$SOCK" "$@"
}

# 1 if the running daemon has freplace (a set per interface), else 0.
daemon_freplace() {
	if ctl --json version | jq -e '.daemon.freplace' >/dev/null 2>&1; then
		echo 1
	else
		echo 0
	fi
}

# The daemon's List reply for vb.
vb_json() { ctl --json status vb; }
vb_revision() { vb_json | jq '.interfaces[0].revision'; }
vb_names() { vb_json | jq -r '[.interfaces[0].attachments[].name] | join(",")'; }
vb_link() { vb_json | jq '.interfaces[0].linkId'; }
