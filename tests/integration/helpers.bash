# Shared set-up for the kernel-facing bats suites: a veth pair across two
# namespaces we create, a private bpffs root, and readers for what the kernel
# and the test programs report. Everything made here is removed in teardown.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${XL_BUILD:-$REPO/build}
XL_ENGINE=$BUILD/xl-engine
OBJ=$BUILD/bpf/xl_test_progs.bpf.o
SYS_BPF=/usr/lib/x86_64-linux-gnu/bpf
# How much more time a latency limit allows when the daemon runs under
# sanitizers (about 2x slower) or valgrind (about 20x): the limit is the
# issue's, the instrumentation is ours.
SLOW=1
[ -n "${XL_SANITIZE:-}" ] && SLOW=3
[ -n "${XL_VALGRIND:-}" ] && SLOW=30

xl_setup() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	modprobe veth 2>/dev/null || true
	NSA=xla$$_$BATS_TEST_NUMBER
	NSB=xlb$$_$BATS_TEST_NUMBER
	ROOT=/sys/fs/bpf/xltest-$$-$BATS_TEST_NUMBER
	MAPS=$ROOT-maps
	STATE=$BATS_TEST_TMPDIR/state
	mkdir -p "$MAPS"
	ip netns add "$NSA"
	ip netns add "$NSB"
	for ns in "$NSA" "$NSB"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip link add va netns "$NSA" type veth peer name vb netns "$NSB"
	ip -n "$NSA" addr add 10.199.0.1/24 dev va
	ip -n "$NSB" addr add 10.199.0.2/24 dev vb
	ip -n "$NSA" link set va up
	ip -n "$NSB" link set vb up
	# No ARP: only the packets a test sends cross the wire, so counts are exact.
	ip -n "$NSA" neigh replace 10.199.0.2 dev va nud permanent \
		lladdr "$(ip -n "$NSB" -j link show vb | jq -r '.[0].address')"
	ip -n "$NSB" neigh replace 10.199.0.1 dev vb nud permanent \
		lladdr "$(ip -n "$NSA" -j link show va | jq -r '.[0].address')"
	VB_IFINDEX=$(ip -n "$NSB" -j link show vb | jq '.[0].ifindex')
}

xl_teardown() {
	ip netns del "$NSA" 2>/dev/null || true
	ip netns del "$NSB" 2>/dev/null || true
	rm -rf "$ROOT" "$MAPS" 2>/dev/null || true
}

# The engine, run inside the receiving namespace (nsenter keeps our bpffs,
# unlike "ip netns exec", which remounts /sys).
xl() {
	nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" "$@"
}

# A test program spec with its shared trace map pinned under $MAPS.
prog() {
	local name=$1; shift
	local spec="$OBJ:$name,pin=$MAPS"
	for o in "$@"; do spec+=",$o"; done
	echo "$spec"
}

send_udp() {
	local n=$1
	ip netns exec "$NSA" bash -c \
		"for ((i = 0; i < $n; i++)); do echo -n x > /dev/udp/10.199.0.2/9; done" 2>/dev/null
	sleep 0.2
}

# packets ROW / stamp ROW: what test program ROW recorded.
trace_field() {
	bpftool -j map lookup pinned "$MAPS/xl_test_trace" key "$1" 0 0 0 |
		jq -r ".formatted.value.$2 // .value.$2"
}
packets() { trace_field "$1" packets; }
stamp() { trace_field "$1" stamp; }

revision() { xl status vb --json | jq .revision; }
link_id() { xl status vb --json | jq .link_id; }
entry_prog() { xl status vb --json | jq .entry_prog_id; }

# The program the kernel runs on vb (0: none), as rtnetlink reports it.
xdp_prog_on_vb() {
	ip -n "$NSB" -d -j link show vb | jq '.[0].xdp.prog.id // 0'
}
# XDP links that run that program, as bpftool sees them (bpftool 7.1 does
# not print an XDP link's ifindex).
xdp_links_on_vb() {
	local p
	p=$(xdp_prog_on_vb)
	bpftool -j link show | jq "[.[] | select(.type == \"xdp\" and .prog_id == $p)] | length"
}
n_progs() { bpftool -j prog show | jq length; }
n_links() { bpftool -j link show | jq length; }
# Whether the programs and links loaded since kmark are all gone again:
# a test is judged on what it made, not on global counts that an earlier
# test's deferred namespace cleanup may still change (tests/tools/xl-kcount.c).
kmark() { KMARK=$("$BUILD/tests/xl-kcount" now); }
nothing_made() {
	local made
	made=$("$BUILD/tests/xl-kcount" "$KMARK")
	[ "$made" = "progs 0 links 0" ] || { echo "left by the test: $made" >&2; return 1; }
}
pins() { (cd "$ROOT" 2>/dev/null && find . | sort); }
