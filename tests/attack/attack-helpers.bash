# Shared by the attack suite: the real daemon with a socket every uid can
# reach, hostile peers (vl-evil) run as uids that exist only as numbers,
# and root's latency and the daemon's RSS measured while they run.
#   4700, 4702..4704: in no group [Access] allows (refused)
#   4701, 4705..4708 with group 4711: allowed (AllowGroups = 4711)

load ../integration/daemon-helpers

VL_EVIL=$BUILD/tests/vl-evil
# Root's answers while an attack runs (issue 12): median and max, in ms.
MEDIAN_MS=$((100 * SLOW))
MAX_MS=$((1000 * SLOW))
RSS_MAX_KB=$((100 * 1024))
# Sanitizers' shadow memory and valgrind's own are no daemon's: no RSS limit there.
[ -n "${XL_SANITIZE:-}${XL_VALGRIND:-}" ] && RSS_MAX_KB=$((1 << 30))

attack_setup() {
	daemon_setup
	veth_in_nsb vc vd
	open_to_users 4711
	# A daemon from before the limits (to show each attack working on it)
	# refuses their keys: leave them out for it.
	grep -q ReservedConnections "$XDPLINKD" ||
		sed -i -E '/^(ReservedConnections|MaxFds|MaxFdsPerUser|MaxInputPerUser|MaxOutputPerUser|MaxInput|MaxOutput|MaxJobsPerUser) =/d' "$CONF"
	grep -q PrivilegedLoadUsers "$XDPLINKD" || sed -i -E '/^PrivilegedLoad(Users|Groups) =/d' "$CONF"
	EVIL_PIDS=()
	daemon_start
}

attack_teardown() {
	local pid

	for pid in "${EVIL_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${EVIL_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	# What the attack left the kernel to tear down (lingering TCP) goes with the namespaces.
	daemon_teardown
	rm -rf "$SOCKDIR"
}

# evil NAME UID GROUPS MODE [ARG...]: vl-evil as UID (gid UID; GROUPS
# comma-separated, or "" for none) in the background, inside $NSA (its
# loopback carries the linger attack's TCP); its output in $BATS_TEST_TMPDIR/NAME.
# Waits until it says it is ready.
evil() {
	local name=$1 uid=$2 groups=$3 out=$BATS_TEST_TMPDIR/$1
	local g=(--clear-groups)
	shift 3
	[ -n "$groups" ] && g=(--groups="$groups")
	nsenter --net="/run/netns/$NSA" setpriv --reuid="$uid" --regid="$uid" "${g[@]}" \
		"$VL_EVIL" "$SOCK" "$@" >"$out" 2>&1 3>&- &
	EVIL_PIDS+=($!)
	for _ in $(seq 1 600); do
		grep -q '^ready' "$out" 2>/dev/null && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	echo "vl-evil $name did not get ready:" >&2
	cat "$out" >&2
	return 1
}

# evil_end NAME [SECS]: wait for vl-evil NAME to finish (up to SECS, 60); print how many
# of its connections were still open at its end.
evil_end() {
	local out=$BATS_TEST_TMPDIR/$1 secs=${2:-60}

	for _ in $(seq 1 $((secs * 10))); do
		grep -q '^end' "$out" 2>/dev/null && break
		sleep 0.1
	done
	awk '/^end/ { print $2 }' "$out"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed FILE COMMAND...: append COMMAND's time in ms to FILE; a failure
# (or a time-out of 5 s) counts as 99999.
# What a failed command said goes to FILE.err, for the test's output.
timed() {
	local f=$1 t0 t1 out
	shift
	t0=$(now_ms)
	if out=$("$@" 2>&1); then
		t1=$(now_ms)
		echo $((t1 - t0)) >> "$f"
	else
		echo 99999 >> "$f"
		echo "after $(($(now_ms) - t0)) ms: $out" >> "$f.err"
	fi
}

# The daemon's VmRSS in kB, sampled every 0.2 s into $BATS_TEST_TMPDIR/rss until killed.
rss_sampler() {
	while kill -0 "$DAEMON_PID" 2>/dev/null; do
		awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null \
			>> "$BATS_TEST_TMPDIR/rss"
		sleep 0.2
	done
}

# stats FILE: "median max" of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "99999 99999"; exit }
		print v[int((NR + 1) / 2)], v[NR] }'
}

# root_rounds NAME SECONDS: root's List, Attach and Detach, one after the
# other, for SECONDS (at least 10 rounds); then the figures are printed,
# appended to $XL_ATTACK_REPORT if set, and checked against the issue's limits.
root_rounds() {
	local name=$1 secs=$2 d=$BATS_TEST_TMPDIR end rounds=0 sampler
	local c=("$XDPCTL" --socket "$SOCK" --timeout 5)

	: > "$d/list"; : > "$d/attach"; : > "$d/detach"; : > "$d/rss"
	rm -f "$d"/*.err
	rss_sampler &
	sampler=$!
	end=$(($(now_ms) + secs * 1000))
	while [ "$(now_ms)" -lt "$end" ] || [ "$rounds" -lt 10 ]; do
		timed "$d/list" "${c[@]}" status
		timed "$d/attach" "${c[@]}" attach vb "$OBJ" --prog xl_pass_1 --mode skb
		timed "$d/detach" "${c[@]}" detach vb --all
		rounds=$((rounds + 1))
	done
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	local l a x rss
	l=($(stats "$d/list")); a=($(stats "$d/attach")); x=($(stats "$d/detach"))
	rss=$(sort -n "$d/rss" | tail -1)
	local line="$name: $rounds rounds; root's List ${l[0]}/${l[1]} ms, Attach ${a[0]}/${a[1]} ms, Detach ${x[0]}/${x[1]} ms (median/max); daemon RSS max $((${rss:-0} / 1024)) MB"
	echo "# $line" >&3
	[ -n "${XL_ATTACK_REPORT:-}" ] && echo "$line" >> "$XL_ATTACK_REPORT"
	[ "${l[0]}" -lt "$MEDIAN_MS" ] && [ "${a[0]}" -lt "$MEDIAN_MS" ] && [ "${x[0]}" -lt "$MEDIAN_MS" ] || {
		echo "median over ${MEDIAN_MS} ms: $line" >&2; return 1; }
	[ "${l[1]}" -lt "$MAX_MS" ] && [ "${a[1]}" -lt "$MAX_MS" ] && [ "${x[1]}" -lt "$MAX_MS" ] || {
		echo "max over ${MAX_MS} ms: $line" >&2
		cat "$d"/*.err >&2 2>/dev/null
		return 1; }
	[ "${rss:-0}" -lt "$RSS_MAX_KB" ] || { echo "RSS over 100 MB: $line" >&2; return 1; }
}

# Events for every Monitor, about 1,000 a second while the daemon keeps
# up: root's pipelined Attach (of a program loaded already, on vd) and
# Detach on vc, in the background.
event_churn() {
	local pid

	ctl attach vd "$OBJ" --prog xl_pass_2 --mode skb >/dev/null
	pid=$(ctl --json status vd | jq '.interfaces[0].attachments[0].programId')
	for _ in $(seq 1 20000); do
		printf '{"method":"io.xdplink.Manager.Attach","parameters":{"interface":"vc","programId":%s,"mode":"skb"}}\0' "$pid"
		printf '{"method":"io.xdplink.Manager.Detach","parameters":{"interface":"vc","all":true}}\0'
	done > "$BATS_TEST_TMPDIR/churn"
	"$VL_RAW" --wait-ms 100 "$SOCK" < "$BATS_TEST_TMPDIR/churn" > /dev/null 2>&1 3>&- &
	EVIL_PIDS+=($!)
}

# The daemon still answers root, and has not restarted.
still_root() {
	kill -0 "$DAEMON_PID"
	ctl status >/dev/null
}
