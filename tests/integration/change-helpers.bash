# Shared by change.bats and change-kernel.bats: io.xdplink.Manager calls
# made directly over the socket (python3's socket module, for Change and
# for fds), and Monitor's events captured one JSON per line. Loaded after
# daemon-helpers.

# vcall [--as UID] METHOD PARAMS-JSON [FILE...]: one varlink call, the
# FILEs passed as fds (objectFd 0, 1, ...); prints the reply's JSON.
VCALL='import json, os, socket, sys
path, method, params = sys.argv[1:4]
fds = [os.open(f, os.O_RDONLY) for f in sys.argv[4:]]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
msg = json.dumps({"method": "io.xdplink.Manager." + method,
                  "parameters": json.loads(params)}).encode() + b"\0"
if fds:
    socket.send_fds(s, [msg], fds)
else:
    s.sendall(msg)
buf = b""
while not buf.endswith(b"\0"):
    d = s.recv(65536)
    if not d:
        break
    buf += d
print(buf.rstrip(b"\0").decode())'
vcall() {
	local pre=()
	if [ "$1" = --as ]; then
		pre=(setpriv --reuid="$2" --regid="$2" --groups=4711)
		shift 2
	fi
	"${pre[@]}" /usr/bin/python3 -c "$VCALL" "$SOCK" "$@"
}
# change IFACE OPERATIONS-JSON [EXTRA-JSON-MEMBERS]: Change, as root.
change() {
	vcall Change "{\"interface\": \"$1\", \"operations\": $2${3:+, $3}}"
}

# Monitor's replies, one JSON per line, into $BATS_TEST_TMPDIR/events.
monitor_start() {
	/usr/bin/python3 -u -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"method": "io.xdplink.Manager.Monitor", "parameters": {},
                      "more": True}).encode() + b"\0")
buf = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    buf += d
    while b"\0" in buf:
        m, buf = buf.split(b"\0", 1)
        print(m.decode(), flush=True)' "$SOCK" > "$BATS_TEST_TMPDIR/events" 3>&- &
	MON=$!
	# The first reply says the subscription is in place.
	for _ in $(seq 1 50); do
		[ -s "$BATS_TEST_TMPDIR/events" ] && return 0
		sleep 0.1
	done
	return 1
}
monitor_stop() {
	[ -z "${MON:-}" ] || { kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null || true; }
	MON=
}
events() { grep '"event"' "$BATS_TEST_TMPDIR/events" || true; }
n_events() { events | grep -c . || true; }

link_prog() { bpftool -j link show id "$(vb_link)" | jq '.prog_id'; }
prog_name() { bpftool -j prog show id "$1" | jq -r '.name'; }
first_id() { vb_json | jq '.interfaces[0].attachments[0].id'; }
# What must not move when a Change is refused: revision, program, pins.
# The set as List shows it: [id, programId, priority] in run order.
vb_set() { vb_json | jq -c '[.interfaces[0].attachments[] | [.id, .programId, .priority]]'; }
state() { echo "$(vb_revision) $(xdp_prog_on_vb) $(link_prog) $(vb_set)"; pins; }

