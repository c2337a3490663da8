#!/usr/bin/env bats
# xdplink-exporter (issue 14) against the real xdplinkd: scraped over HTTP
# with curl, its Prometheus text checked by promtool (Debian's prometheus)
# and its OpenMetrics by the Python client's strict parser
# (python3-prometheus-client); the daemon's statistics as the exporter shows
# them after real changes, refusals and a restart; per-program packet counts
# against xdpctl status (needs freplace: verdict counters live in the
# dispatcher, so that test skips on a host in degraded mode and runs in the
# VM); socket activation with systemd-socket-activate; malformed, slow and
# oversized HTTP requests; and a daemon that is down.

load daemon-helpers

EXPORTER=$BUILD/xdplink-exporter
# Debian's interpreter: its python3-prometheus-client, whatever python3 is first in PATH.
PY=/usr/bin/python3

setup() {
	daemon_setup
	daemon_start
	ELOG=$BATS_TEST_TMPDIR/exporter.log
	EXPORTER_PID=
	ACTIVATE_PID=
	SOCKDIR=
}

teardown() {
	local pid
	for pid in $EXPORTER_PID $ACTIVATE_PID; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	daemon_teardown
	[ -z "${SOCKDIR:-}" ] || rm -rf "$SOCKDIR"
}

# exporter_start [OPTION...]: the exporter on a free port of 127.0.0.1; $URL
# is its base, once it listens.
exporter_start() {
	: >"$ELOG"	# there before the background shell opens it: read at once below
	"$EXPORTER" --listen 127.0.0.1:0 --socket "$SOCK" "$@" 2>"$ELOG" 3>&- &
	EXPORTER_PID=$!
	for _ in $(seq 1 100); do
		URL=$(sed -n 's/.*Serving metrics of .* on \(127\.0\.0\.1:[0-9]*\)$/http:\/\/\1/p' "$ELOG")
		[ -n "$URL" ] && return 0
		kill -0 "$EXPORTER_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$ELOG" >&2
	return 1
}

scrape() { curl -sS --max-time 10 "$@" "$URL/metrics"; }
# value TEXT SAMPLE: the value of the sample whose name and labels are SAMPLE.
value() { awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' <<<"$1"; }
om_check() {
	"$PY" -c 'import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
n = sum(1 for _ in parse(sys.stdin.read()))
print(n, "families")'
}
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "xdplink-exporter --help lists its options; bad options and addresses fail with a reason" {
	run "$EXPORTER" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--listen ADDR:PORT"* && "$output" == *"--socket PATH"* ]]
	[[ "$output" == *"127.0.0.1:9740"* ]]
	run "$EXPORTER" --bogus
	[ "$status" -eq 2 ]
	run "$EXPORTER" --timeout 0
	[ "$status" -eq 2 ] && [[ "$output" == *"--timeout"* ]]
	run "$EXPORTER" --listen localhost:80
	[ "$status" -eq 1 ] && [[ "$output" == *"numeric address"* ]]
	# A port taken: the errno's name, not just a number.
	exporter_start
	run "$EXPORTER" --listen "${URL#http://}"
	[ "$status" -eq 1 ] && [[ "$output" == *EADDRINUSE* ]] || { echo "$output"; false; }
}

@test "a scrape over HTTP passes promtool and shows a change as revisions, link updates and the interface's revision" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	exporter_start
	run curl -sS -D "$BATS_TEST_TMPDIR/headers" -o "$BATS_TEST_TMPDIR/body" "$URL/metrics"
	[ "$status" -eq 0 ]
	grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$BATS_TEST_TMPDIR/headers"
	head -1 "$BATS_TEST_TMPDIR/headers" | grep -q '^HTTP/1.1 200 OK'
	promtool check metrics < "$BATS_TEST_TMPDIR/body"
	m=$(cat "$BATS_TEST_TMPDIR/body")
	[ "$(value "$m" xdplink_up)" = 1 ]
	[ "$(value "$m" xdplink_revisions_total)" = 1 ]
	[ "$(value "$m" xdplink_link_updates_total)" -ge 1 ]
	[ "$(value "$m" xdplink_changes_refused_total)" = 0 ]
	[ "$(value "$m" xdplink_interfaces)" = 1 ]
	[ "$(value "$m" xdplink_jobs_queued)" = 0 ]
	[ "$(value "$m" xdplink_connections)" -ge 1 ]
	netns=$(ctl --json status vb | jq -r '.interfaces[0] | .netns // "cookie:\(.netnsCookie)"')
	[ "$(value "$m" "xdplink_interface_revision{interface=\"vb\",netns=\"$netns\"}")" = 1 ]
	[ "$(value "$m" "xdplink_interface_programs{interface=\"vb\",netns=\"$netns\"}")" = 1 ]
	# Started within the last minute, by the daemon's clock and ours.
	start=$(value "$m" xdplink_start_time_seconds)
	awk -v s="$start" -v now="$(date +%s)" 'BEGIN { exit !(s > now - 60 && s <= now + 1) }'
}

@test "OpenMetrics when Accept asks for it: UNIT lines, counters' families, # EOF, and the strict parser takes it" {
	exporter_start
	run curl -sS -D "$BATS_TEST_TMPDIR/headers" -o "$BATS_TEST_TMPDIR/body" \
		-H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
		"$URL/metrics"
	[ "$status" -eq 0 ]
	grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8' \
		"$BATS_TEST_TMPDIR/headers"
	[ "$(tail -1 "$BATS_TEST_TMPDIR/body")" = "# EOF" ]
	grep -qx '# UNIT xdplink_recovery_duration_seconds seconds' "$BATS_TEST_TMPDIR/body"
	grep -qx '# TYPE xdplink_revisions counter' "$BATS_TEST_TMPDIR/body"
	grep -qx 'xdplink_revisions_total 0' "$BATS_TEST_TMPDIR/body"
	run om_check < "$BATS_TEST_TMPDIR/body"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# q=0 refuses it: the Prometheus text.
	scrape -H 'Accept: application/openmetrics-text;q=0' | promtool check metrics
}

@test "refused changes and error replies are counted by name; the data plane is untouched" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	prog=$(xdp_prog_on_vb)
	run ctl detach vb 99		# the job refuses it: AttachmentNotFound
	[ "$status" -ne 0 ]
	run ctl attach nope "$OBJ" --prog xl_pass_1	# refused before any job
	[ "$status" -ne 0 ]
	printf '{"method":"io.xdplink.Manager.Nope"}\0' | "$VL_RAW" --wait-ms 300 "$SOCK" >/dev/null || true
	[ "$(xdp_prog_on_vb)" = "$prog" ]
	exporter_start
	m=$(scrape)
	promtool check metrics <<<"$m"
	[ "$(value "$m" xdplink_changes_refused_total)" = 1 ]
	[ "$(value "$m" xdplink_revisions_total)" = 1 ]
	[ "$(value "$m" 'xdplink_errors_total{error="io.xdplink.Manager.AttachmentNotFound"}')" = 1 ]
	[ "$(value "$m" 'xdplink_errors_total{error="io.xdplink.Manager.InterfaceNotFound"}')" = 1 ]
	[ "$(value "$m" 'xdplink_errors_total{error="org.varlink.service.MethodNotFound"}')" = 1 ]
	# Labelled counters in OpenMetrics too.
	run om_check < <(scrape -H 'Accept: application/openmetrics-text')
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "per-program packet counts match xdpctl status --counters, verdict by verdict" {
	[ "$(daemon_freplace)" = 1 ] ||
		skip "verdict counters live in the dispatcher, which needs freplace (degraded mode here)"
	ctl attach vb "$OBJ" --prog xl_pass_1 --priority 10 --counters
	ctl attach vb "$OBJ" --prog xl_drop --priority 20
	send_udp 7
	exporter_start
	m=$(scrape)
	promtool check metrics <<<"$m"
	# Every (attachment, program, verdict) of status, and nothing else.
	want=$(ctl --json status vb | jq -r '.interfaces[0] as $i | $i.attachments[] |
		. as $a | .counters | to_entries[] |
		"vb \($i.netns // "cookie:\($i.netnsCookie)") \($a.id) \($a.name) \(.key) \(.value)"' | sort)
	got=$(sed -n 's/^xdplink_program_packets_total{interface="\([^"]*\)",netns="\([^"]*\)",attachment="\([0-9]*\)",program="\([^"]*\)",verdict="\([a-z]*\)"} \([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' <<<"$m" | sort)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); false; }
	run om_check < <(scrape -H 'Accept: application/openmetrics-text')
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# And the packets are really there. Each counts once, against the
	# program whose verdict ended the chain: xl_pass_1 passed all 7 on to
	# xl_drop (pass chains by default), which dropped them.
	grep -q ' xl_drop drop 7$' <<<"$got" || { echo "$got"; false; }
	[ "$(grep ' xl_pass_1 ' <<<"$got" | awk '{ s += $6 } END { print s }')" = 0 ] ||
		{ echo "$got"; false; }
}

@test "a daemon that is down: HTTP 200 with xdplink_up 0, logged once; back up, recovery's figures" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	exporter_start
	daemon_kill TERM
	run curl -sS -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' "$URL/metrics"
	[ "$output" = 200 ]
	promtool check metrics < "$BATS_TEST_TMPDIR/body"
	[ "$(value "$(cat "$BATS_TEST_TMPDIR/body")" xdplink_up)" = 0 ]
	! grep -q xdplink_revisions "$BATS_TEST_TMPDIR/body"
	scrape >/dev/null
	[ "$(grep -c 'reporting xdplink_up 0' "$ELOG")" = 1 ]
	grep -q "connect failed: .*(E[A-Z]*)" "$ELOG"

	daemon_start
	m=$(scrape)
	[ "$(value "$m" xdplink_up)" = 1 ]
	# The restart took vb over without touching the data plane.
	[ "$(value "$m" xdplink_recovery_interfaces)" = 1 ]
	[ "$(value "$m" xdplink_recovery_link_updates)" = 0 ]
	[ "$(value "$m" xdplink_revisions_total)" = 0 ]
	awk -v d="$(value "$m" xdplink_recovery_duration_seconds)" 'BEGIN { exit !(d > 0 && d < 30) }'
	grep -q 'answers' "$ELOG"
}

@test "socket activation: systemd-socket-activate passes the listening socket" {
	port=$(free_port)
	systemd-socket-activate -l "127.0.0.1:$port" "$EXPORTER" --socket "$SOCK" \
		2>"$ELOG" 3>&- &
	ACTIVATE_PID=$!
	URL=http://127.0.0.1:$port
	for _ in $(seq 1 50); do grep -q 'Listening on' "$ELOG" && break; sleep 0.05; done
	m=$(scrape)
	promtool check metrics <<<"$m"
	[ "$(value "$m" xdplink_up)" = 1 ]
	grep -q 'on the sockets systemd passed' "$ELOG"
	# The same process serves the next scrape (not one per connection).
	scrape >/dev/null
	[ "$(grep -c 'Serving metrics' "$ELOG")" = 1 ]
}

@test "jobs running and queued: changes waiting behind the engine's lock, then none" {
	exporter_start
	hold_state_lock
	lock=$LOCK_PID
	ctl attach vb "$OBJ" --prog xl_pass_1 >/dev/null 2>&1 3>&- &
	a=$!
	sleep 0.5
	ctl detach vb --all >/dev/null 2>&1 3>&- &
	b=$!
	for _ in $(seq 1 100); do
		m=$(scrape)
		[ "$(value "$m" xdplink_jobs_queued)" = 1 ] && break
		sleep 0.05
	done
	kill "$lock"; wait "$lock" 2>/dev/null || true
	wait "$a" "$b" || true
	[ "$(value "$m" xdplink_jobs_running)" = 1 ] && [ "$(value "$m" xdplink_jobs_queued)" = 1 ] ||
		{ echo "$m"; false; }
	m=$(scrape)
	[ "$(value "$m" xdplink_jobs_running)" = 0 ] && [ "$(value "$m" xdplink_jobs_queued)" = 0 ]
	# The attach and the detach both went live.
	[ "$(value "$m" xdplink_revisions_total)" = 2 ]
}

# raw REQUEST: what the exporter answers to REQUEST (printf escapes), as sent.
raw() {
	local hp=${URL#http://}
	"$PY" - "${hp%:*}" "${hp#*:}" "$1" <<-'PY'
	import socket, sys
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
	s.sendall(sys.argv[3].encode().decode('unicode_escape').encode('latin-1'))
	data = b''
	while True:
	    b = s.recv(65536)
	    if not b:
	        break
	    data += b
	sys.stdout.write(data.decode('latin-1'))
	PY
}
status_of() { head -1 <<<"$1" | tr -d '\r'; }

@test "bad requests get their 4xx, each on a connection that is then closed; the exporter carries on" {
	exporter_start
	[ "$(status_of "$(raw 'POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n')")" = "HTTP/1.1 405 Method Not Allowed" ]
	raw 'DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n' | grep -q '^Allow: GET, HEAD'
	[ "$(status_of "$(raw 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n')")" = "HTTP/1.1 404 Not Found" ]
	[ "$(status_of "$(raw 'hello\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET /metrics HTTP/1.1\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET /metrics HTTP/1.1\r\nHost: x\x00\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET http://x/metrics HTTP/1.1\r\nHost: x\r\n\r\n')")" = "HTTP/1.1 400 Bad Request" ]
	[ "$(status_of "$(raw 'GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n')")" = "HTTP/1.1 505 HTTP Version Not Supported" ]
	big=$(printf 'X-Pad: %09000d\\r\\n' 0)
	[ "$(status_of "$(raw "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n$big\\r\\n")")" = \
		"HTTP/1.1 431 Request Header Fields Too Large" ]
	# HTTP/1.0 needs no Host; HEAD gets the headers only.
	out=$(raw 'HEAD /metrics HTTP/1.0\r\n\r\n')
	[ "$(status_of "$out")" = "HTTP/1.1 200 OK" ]
	[ "$(sed -n '/^\r$/,$p' <<<"$out" | tail -n +2)" = "" ]
	# A request with a body it never reads still gets its answer whole.
	out=$(raw 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello')
	[ "$(status_of "$out")" = "HTTP/1.1 200 OK" ] && grep -q '^xdplink_up 1' <<<"$out"
	[ "$(value "$(scrape)" xdplink_up)" = 1 ]
}

@test "a slow client is timed out (408) and never holds up another scrape" {
	exporter_start
	hp=${URL#http://}
	# Connects, sends half a request line, then nothing.
	"$PY" - "${hp%:*}" "${hp#*:}" >"$BATS_TEST_TMPDIR/slow" <<-'PY' &
	import socket, sys, time
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
	s.sendall(b'GET /metr')
	s.settimeout(20)
	t = time.monotonic()
	data = s.recv(4096)
	print(round(time.monotonic() - t), data.split(b'\r\n')[0].decode())
	PY
	slow=$!
	sleep 0.5
	# Meanwhile: answered while the slow one still waits for its 408 (had
	# the scrape queued behind it, the slow one would have had it first).
	[ "$(value "$(scrape)" xdplink_up)" = 1 ]
	kill -0 "$slow"
	[ ! -s "$BATS_TEST_TMPDIR/slow" ]
	wait "$slow"
	read -r secs line < "$BATS_TEST_TMPDIR/slow"
	[ "$line" = "HTTP/1.1 408 Request Timeout" ] || { cat "$BATS_TEST_TMPDIR/slow"; false; }
	[ "$secs" -ge 4 ] && [ "$secs" -le 6 ]
}

@test "Statistics is open to any caller allowed to List; a refused peer counts as PermissionDenied" {
	# A socket every uid reaches, and [Access] AllowGroups=4711 (uids that
	# exist only as numbers, as in access.bats).
	open_to_users 4711
	daemon_kill KILL
	daemon_start
	run setpriv --reuid=4701 --regid=4701 --clear-groups "$XDPCTL" --socket "$SOCK" status
	[ "$status" -ne 0 ]
	setpriv --reuid=4700 --regid=4700 --groups=4711 \
		"$EXPORTER" --listen 127.0.0.1:0 --socket "$SOCK" 2>"$ELOG" 3>&- &
	EXPORTER_PID=$!
	for _ in $(seq 1 100); do grep -q 'Serving' "$ELOG" && break; sleep 0.05; done
	URL=http://$(sed -n 's/.* on \(127\.0\.0\.1:[0-9]*\)$/\1/p' "$ELOG")
	m=$(scrape)
	[ "$(value "$m" xdplink_up)" = 1 ] || { echo "$m"; cat "$ELOG"; false; }
	[ "$(value "$m" 'xdplink_errors_total{error="org.varlink.service.PermissionDenied"}')" = 1 ]
	first=$(value "$m" xdplink_connections_accepted_total)
	[ "$(value "$(scrape)" xdplink_connections_accepted_total)" -gt "$first" ]
}

@test "the units verify; the socket listens on 127.0.0.1:9740 and hands one process every connection" {
	d=$BATS_TEST_TMPDIR/units
	mkdir -p "$d"
	sed "s|@BINDIR@|$BUILD|" "$REPO/systemd/xdplink-exporter.service.in" > "$d/xdplink-exporter.service"
	cp "$REPO/systemd/xdplink-exporter.socket" "$d/"
	run systemd-analyze verify --man=no "$d/xdplink-exporter.socket" "$d/xdplink-exporter.service"
	[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$output"; false; }
	[ "$(grep '^ListenStream=' "$d/xdplink-exporter.socket")" = "ListenStream=127.0.0.1:9740" ]
	grep -qx 'Accept=no' "$d/xdplink-exporter.socket"
	grep -qx "ExecStart=$BUILD/xdplink-exporter" "$d/xdplink-exporter.service"
	# The man page renders without warnings.
	[ -z "$(MANWIDTH=80 man --warnings -l "$REPO/docs/man/xdplink-exporter.8" 2>&1 >/dev/null)" ]
}
