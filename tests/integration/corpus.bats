#!/usr/bin/env bats
# The corpus of program shapes (tests/corpus/README.md): each shape we build
# and every XDP program xdp-tools ships, taken through the real xdplinkd and
# xdpctl. "alone": attach alone, traffic, replaced out and in again, detach.
# "in a set" (needs freplace: tests/vm/run on a locked-down host): alone,
# grown to a set, shrunk to alone again, with the same maps and global data
# counting on across the moves. Either way nothing may be left behind: no
# pin, no state, no program, link or map the test made. A failure names the
# shape and the step (corpus_fail).

load daemon-helpers

CORPUS=$BUILD/corpus
XL_PEEK=$BUILD/tests/xl-peek
N=5		# packets per traffic step
# The neighbour of a set: a pass program that runs first (priority 0) and
# counts in row 1 of the test programs' pinned trace.
COMPANION_PROG=xl_pass_1
COMPANION_ROW=1

# shape NAME: sets OBJECT, PROG and CHECKS for one shape. CHECKS lists what N
# packets must change, as READING:DELTA with DELTA N, 0 or an expression of
# N (see reading()).
shape() {
	SHAPE=$1
	local s=$SYS_BPF
	case $1 in
	pass)		set -- "$CORPUS/pass.bpf.o" corpus_pass "noports:N" ;;
	rodata)		set -- "$CORPUS/rodata.bpf.o" corpus_rodata "noports:0" ;;
	data)		set -- "$CORPUS/data.bpf.o" corpus_data "noports:N data:N" ;;
	bss)		set -- "$CORPUS/bss.bpf.o" corpus_bss "noports:N bss:N" ;;
	pinned)		set -- "$CORPUS/pinned.bpf.o" corpus_pinned_maps "noports:N pinned:N" ;;
	ringbuf)	set -- "$CORPUS/ringbuf.bpf.o" corpus_ringbuf "noports:N ringbuf:N" ;;
	subprogs)	set -- "$CORPUS/subprogs.bpf.o" corpus_subprogs "noports:N count0:N" ;;
	frags)		set -- "$CORPUS/frags.bpf.o" corpus_frags "noports:N count0:N count1:N*FRAME" ;;
	devmap)		set -- "$CORPUS/devmap.bpf.o" corpus_devmap_redirect "noports:0 vdrx:N count0:N" ;;
	cpumap)		set -- "$CORPUS/cpumap.bpf.o" corpus_cpumap_redirect "noports:N count0:N" ;;
	xskmap)		set -- "$CORPUS/xskmap.bpf.o" corpus_xsk_redirect "noports:N count0:N count1:N" ;;
	adjust_head)	set -- "$CORPUS/adjust_head.bpf.o" corpus_adjust_head "noports:N count0:N" ;;
	adjust_meta)	set -- "$CORPUS/adjust_meta.bpf.o" corpus_adjust_meta "noports:N count0:N" ;;
	core)		set -- "$CORPUS/core.bpf.o" corpus_core "noports:N count0:N" ;;
	big)		set -- "$CORPUS/big.bpf.o" corpus_big "noports:N count0:N" ;;
	xdp_dispatcher|xdp_pass)
			set -- "$s/xdp-dispatcher.o" "$1" "noports:N" ;;
	xdpdump)	set -- "$s/xdpdump_xdp.o" xdpdump "noports:N" ;;
	xsk_def)	set -- "$s/xsk_def_xdp_prog.o" xsk_def_prog "noports:N" ;;
	xsk_def_5.3)	set -- "$s/xsk_def_xdp_prog_5.3.o" xsk_def_prog "noports:N" ;;
	# xdp-filter with empty rule maps: allow mode passes what no rule
	# matches, deny mode drops it; both count the verdict in a pinned map.
	xdpfilt_alw_*)	set -- "$s/$1.o" "$1" "noports:N xstats_pass:N" ;;
	xdpfilt_dny_*)	set -- "$s/$1.o" "$1" "noports:0 xstats_drop:N" ;;
	*)		echo "no such shape: $1" >&2; return 1 ;;
	esac
	OBJECT=$1 PROG=$2 CHECKS=$3
	[ -r "$OBJECT" ] || corpus_fail "object $OBJECT is missing (make B=... builds the corpus)"
}

setup_file() {
	local root=/sys/fs/bpf/xlcorpus-probe-$$

	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	if "$XL_ENGINE" --root "$root" --state "$BATS_FILE_TMPDIR/probe" probe |
		grep -q 'freplace yes'; then
		export CORPUS_FREPLACE=1
	else
		export CORPUS_FREPLACE=0
	fi
	rm -rf "$root"
}

setup() {
	SHAPE=? STEP=setup
	step "start the daemon"
	daemon_setup
	daemon_start
	PEEK_DEV=
	kmark
}

teardown() {
	[ -n "${NSA:-}" ] || return 0
	step teardown
	daemon_teardown
	step "torn down"
}

# corpus_fail MESSAGE: fail, naming the shape and the step.
corpus_fail() {
	echo "corpus shape '$SHAPE', step '$STEP': $*" >&2
	SHAPE_FAILED=1
	return 1
}

# step NAME: what comes next; XL_CORPUS_TRACE=1 prints each step's start time.
step() {
	STEP=$1
	[ -z "${XL_CORPUS_TRACE:-}" ] || echo "# $(date +%T.%N | cut -c1-12) $SHAPE: $1" >&3
}

# ok_ctl ARGS...: xdpctl must succeed.
ok_ctl() {
	local out
	SHAPE_PID=
	out=$(ctl "$@" 2>&1) || corpus_fail "xdpctl $* failed: $out"
}

# set_file NAME [prog]...: a program set of the shape and/or the companion.
set_file() {
	local f=$BATS_TEST_TMPDIR/$1.json sep='' p; shift
	{
		echo '{ "programs": ['
		for p in "$@"; do
			case $p in
			shape) printf '%s{ "object": "%s", "program": "%s" }\n' "$sep" "$OBJECT" "$PROG" ;;
			companion) printf '%s{ "object": "%s", "program": "%s", "priority": 0 }\n' \
				"$sep" "$OBJ" "$COMPANION_PROG" ;;
			esac
			sep=,
		done
		echo '] }'
	} > "$f"
	echo "$f"
}

attachment() {	# attachment NAME FIELD
	vb_json | jq -r --arg n "$1" ".interfaces[0].attachments[]? | select(.name == \$n) | .$2"
}

# expect_names A,B: the daemon lists these programs, in this order, and the
# kernel runs the entry it reports.
expect_names() {
	local json names entry
	json=$(vb_json)
	names=$(jq -r '[.interfaces[0].attachments[].name] | join(",")' <<<"$json")
	[ "$names" = "$1" ] || corpus_fail "the daemon lists '$names', expected '$1'"
	entry=$(jq '.interfaces[0].entryProgramId' <<<"$json")
	[ "$entry" = "$(xdp_prog_on_vb)" ] ||
		corpus_fail "the daemon's entry program $entry is not the one on vb ($(xdp_prog_on_vb))"
}

# prog_field ID FIELD: name, maps (sorted ids) or insns of a program.
prog_field() { "$XL_PEEK" prog "$1" | awk -v f="$2" '$1 == f { print $2 }'; }
entry_name() { prog_field "$(xdp_prog_on_vb)" name; }

# runs_own_maps: alone, the program the link runs (the shape itself, or its
# plain-XDP twin) uses exactly the shape's maps.
runs_own_maps() {
	local entry
	resolve_maps || return 1
	entry=$(prog_field "$(xdp_prog_on_vb)" maps)
	[ "$entry" = "$SHAPE_MAPS" ] ||
		corpus_fail "vb runs a program with maps '$entry', the shape's are '$SHAPE_MAPS'"
}

# resolve_maps: the shape's program id and map ids, and a first peek.
resolve_maps() {
	SHAPE_PID=$(attachment "$PROG" programId)
	[ -n "$SHAPE_PID" ] || { corpus_fail "$PROG is not attached"; return 1; }
	SHAPE_MAPS=$(prog_field "$SHAPE_PID" maps)
	SEEN_MAPS+=" ${SHAPE_MAPS//,/ }"
	peek
}

# peek: every reading at once into $PEEK (tests/corpus/xl-peek.c); ring
# buffer records drained are added up in $RB_TOTAL.
peek() {
	local rb
	PEEK=$("$XL_PEEK" maps "$SHAPE_PID" "/run/netns/$NSB" ${PEEK_DEV:-}) ||
		{ corpus_fail "cannot read the maps of $PROG (id $SHAPE_PID)"; return 1; }
	rb=$(awk '$1 == "ringbuf" { n += $3 } END { print n + 0 }' <<<"$PEEK")
	RB_TOTAL=$((RB_TOTAL + rb))
}

# shape_map NAME: the id of the shape's map called NAME (a global data map:
# .bss, .data, .rodata, whose kernel names carry a prefix of the object).
shape_map() {
	local m
	m=$(awk -v n="$1" '$1 == "map" && ($4 == n || (n ~ /^\./ &&
		substr($4, length($4) - length(n) + 1) == n)) { print $2; exit }' <<<"$PEEK")
	[ -n "$m" ] || { corpus_fail "program $PROG (id $SHAPE_PID) has no map named $1"; return 1; }
	echo "$m"
}

# row MAP ROW: row ROW of the shape's array MAP (first 8 bytes, summed over CPUs).
row() {
	local v
	v=$(awk -v n="$1" -v r="$2" '$1 == "value" && ($2 == n || (n ~ /^\./ &&
		substr($2, length($2) - length(n) + 1) == n)) && $3 == r { print $4; exit }' <<<"$PEEK")
	[ -n "$v" ] || { corpus_fail "no row $2 of map $1 in: $(tr '\n' ';' <<<"$PEEK")"; return 1; }
	echo "$v"
}

# The object's directory of maps pinned by name (daemon/maps.c).
pin_dir() {
	local base
	base=$(basename "$(realpath "$OBJECT")")
	echo "$ROOT/maps/uid-0/${base//[^A-Za-z0-9_-]/_}"
}

# companion_packets: what the companion counted, from its pinned trace.
companion_packets() {
	"$XL_PEEK" pin "$MAPS/xl_test_trace" "$COMPANION_ROW" | awk '$1 == "value" { print $3 }'
}

# reading NAME: one number of the last peek that the traffic changes.
reading() {
	case $1 in
	noports) awk '$1 == "noports" { print $2 }' <<<"$PEEK" ;;
	count0 | count1) row corpus_count "${1#count}" ;;
	data) row .data 0 ;;		# data_packets, the first variable
	bss) row .bss 0 ;;		# bss_packets
	pinned) row corpus_pinned 0 ;;
	ringbuf) echo "$RB_TOTAL" ;;
	vdrx) awk '$1 == "rx" { print $3 }' <<<"$PEEK" ;;
	xstats_pass) row xdp_stats_map 2 ;;	# rx_packets of XDP_PASS
	xstats_drop) row xdp_stats_map 1 ;;	# of XDP_DROP
	*) corpus_fail "no reading called $1" ;;
	esac
}

# Frame length of the tests' UDP packets: Ethernet, IPv4 and UDP headers and
# the payload (bigger than a page for the frags shape).
PAYLOAD=1
frame() { echo $((14 + 20 + 8 + PAYLOAD)); }

# (dd writes the payload in one write, one datagram; bash's echo and head
# cut it at 4096 bytes.)
send_packets() {
	nsenter --net="/run/netns/$NSA" bash -c "for ((i = 0; i < $N; i++)); do
		dd if=/dev/zero bs=$PAYLOAD count=1 status=none > /dev/udp/10.199.0.2/9; done" 2>/dev/null
}

# traffic [companion]: N packets change every reading of CHECKS as the shape
# says (and the companion, when it runs first, counts them all).
traffic() {
	local c i v want before=() now=() got=

	step "$STEP: traffic"
	resolve_maps || return 1
	for c in $CHECKS; do
		v=$(reading "${c%%:*}") || return 1
		before+=("$v")
	done
	[ "${1:-}" = companion ] && before+=("$(companion_packets)")
	send_packets
	for _ in $(seq 1 20); do
		sleep 0.2
		peek || return 1
		now=() got=
		i=0
		for c in $CHECKS; do
			v=$(reading "${c%%:*}") || return 1
			want=${c#*:} want=${want//N/$N} want=${want//FRAME/$(frame)}
			now+=("${c%%:*} $((v - before[i])) (expected $((want)))")
			[ $((v - before[i])) -eq $((want)) ] || got=short
			i=$((i + 1))
		done
		if [ "${1:-}" = companion ]; then
			v=$(companion_packets)
			now+=("companion $((v - before[i])) (expected $N)")
			[ $((v - before[i])) -eq "$N" ] || got=short
		fi
		[ -z "$got" ] && break
	done
	[ -z "$got" ] || corpus_fail "after $N packets: $(printf '%s; ' "${now[@]}")"
}

# The shape's own set-up, after each fresh load: fill the redirect maps.
prepare() {
	local m
	resolve_maps || return 1
	case $SHAPE in
	devmap)
		m=$(shape_map corpus_devmap) || return 1
		# A devmap resolves ifindexes in the updater's namespace.
		nsenter --net="/run/netns/$NSB" bpftool map update id "$m" key 0 0 0 0 \
			value $(le32 "$(ifindex vc)") ||
			corpus_fail "cannot point the devmap at vc" ;;
	cpumap)
		m=$(shape_map corpus_cpumap) || return 1
		bpftool map update id "$m" key 0 0 0 0 value $(le32 192) ||
			corpus_fail "cannot give the cpumap a queue on CPU 0" ;;
	esac
}

le32() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
ifindex() { ip -n "$NSB" -j link show "$1" | jq '.[0].ifindex'; }

# The environment some shapes need: a devmap target vc whose peer vd runs
# NAPI (GRO on), so that veth accepts redirected frames; jumbo frames for
# xdp.frags. Frames that leave XDP for a redirect lose the skb's checksum
# state, so the sender computes UDP checksums itself.
environment() {
	case $SHAPE in
	devmap | cpumap)
		ip netns exec "$NSA" ethtool -K va tx off >/dev/null
		if [ "$SHAPE" = devmap ]; then
			PEEK_DEV=vd
			veth_in_nsb vc vd
			ip netns exec "$NSB" ethtool -K vd gro on >/dev/null
		fi ;;
	frags)
		PAYLOAD=5000
		ip -n "$NSA" link set va mtu 9000
		ip -n "$NSB" link set vb mtu 9000
		COMPANION_PROG=xl_frags COMPANION_ROW=101 ;;
	esac
}

# environment_undo: back to the plain veth pair and defaults for the next shape.
environment_undo() {
	case $SHAPE in
	devmap) ip -n "$NSB" link del vc 2>/dev/null || true ;;
	frags)
		ip -n "$NSB" link set vb mtu 1500
		ip -n "$NSA" link set va mtu 1500 ;;
	esac
	PAYLOAD=1 PEEK_DEV= COMPANION_PROG=xl_pass_1 COMPANION_ROW=1
}

# What only some shapes can show, checked when they first run alone.
shape_facts() {
	local m size kernel insns pinned
	resolve_maps || return 1
	case $SHAPE in
	core)
		# The relocated size is the running kernel's, not the local struct's.
		size=$(row corpus_count 1) || return 1
		kernel=$("$XL_PEEK" struct-size xdp_buff) || return 1
		[ "$size" = "$kernel" ] ||
			corpus_fail "CO-RE gave sizeof(struct xdp_buff) = $size, the kernel's is $kernel" ;;
	big)
		insns=$(prog_field "$SHAPE_PID" insns)
		[ "$insns" -gt $((2 * 4096)) ] ||
			corpus_fail "only $insns instructions loaded, expected more than twice BPF_MAXINSNS" ;;
	rodata)
		m=$(shape_map .rodata) || return 1
		awk -v m="$m" '$1 == "map" && $2 == m && $6 == 1 { ok = 1 } END { exit !ok }' <<<"$PEEK" ||
			corpus_fail ".rodata map $m is not frozen" ;;
	pinned)
		# The pin under the daemon's maps/<owner>/<object> is the map in use.
		m=$(shape_map corpus_pinned) || return 1
		pinned=$("$XL_PEEK" pin "$(pin_dir)/corpus_pinned" | awk '{ print $2 }')
		[ "$pinned" = "$m" ] ||
			corpus_fail "$(pin_dir)/corpus_pinned is map '$pinned', the program uses $m" ;;
	esac
}

attach_alone() {
	step "attach alone"
	ok_ctl attach vb "$OBJECT" --prog "$PROG" || return 1
	expect_names "$PROG" || return 1
	runs_own_maps || return 1
	prepare || return 1
	traffic || return 1
	shape_facts
}

# Nothing the test made remains: no interface or map pins, no state, and the
# kernel holds none of its programs, links or maps.
detach_all() {
	local alive
	step "detach all"
	ok_ctl detach vb --all || return 1
	step "nothing left behind"
	[ "$(xdp_prog_on_vb)" = 0 ] || corpus_fail "vb still runs program $(xdp_prog_on_vb)"
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ] ||
		corpus_fail "interface pins remain: $(pins | tr '\n' ' ')"
	# The map collection follows the reply, and waits for the kernel to
	# free the detached programs (daemon/maps.c: up to about 17 s).
	for _ in $(seq 1 200); do
		[ -n "$(find "$ROOT/maps" -mindepth 1 2>/dev/null)" ] || break
		sleep 0.1
	done
	[ -z "$(find "$ROOT/maps" -mindepth 1 2>/dev/null)" ] ||
		corpus_fail "map pins remain: $(cd "$ROOT" && find maps -mindepth 1 | tr '\n' ' ')"
	[ -z "$(find "$STATE" -name 'rev-*.json' 2>/dev/null)" ] ||
		corpus_fail "state remains: $(find "$STATE" -name 'rev-*.json' | tr '\n' ' ')"
	for _ in $(seq 1 50); do nothing_made 2>/dev/null && break; sleep 0.1; done
	nothing_made || corpus_fail "programs or links the test made are still loaded"
	# Maps are freed after an RCU grace period.
	for _ in $(seq 1 50); do
		alive=$("$XL_PEEK" alive $SEEN_MAPS) || return 1
		[ -z "$alive" ] && break
		sleep 0.1
	done
	[ -z "$alive" ] || corpus_fail "maps still loaded: $(echo $alive)"
}

# cycle SHAPE: the issue's whole cycle. Attach alone, traffic; grow to a set
# with the companion ahead of it, traffic; shrink to alone again, traffic
# (the same maps, global data included, counting on throughout); replaced
# out by the companion and back in by a replace (a fresh load), traffic;
# detach; nothing left. In degraded mode the set steps are left out.
# XL_CORPUS_STEPS=alone (make check's second VM kernel, tests/run-all)
# leaves out the set and replace steps too: attach alone, traffic, detach.
cycle() {
	local maps id link
	shape "$1" || return 1
	SEEN_MAPS= RB_TOTAL=0
	kmark
	environment
	attach_alone || return 1
	maps=$SHAPE_MAPS
	link=$(vb_link)

	if [ "${XL_CORPUS_STEPS:-all}" = alone ]; then
		detach_all
		return
	fi
	if [ "$CORPUS_FREPLACE" = 1 ]; then
		step "grow to a set"
		ok_ctl attach vb "$OBJ" --prog "$COMPANION_PROG" --priority 0 || return 1
		expect_names "$COMPANION_PROG,$PROG" || return 1
		[ "$(entry_name)" = xl_dispatcher ] ||
			{ corpus_fail "vb runs $(entry_name), not the dispatcher"; return 1; }
		resolve_maps || return 1
		[ "$SHAPE_MAPS" = "$maps" ] ||
			{ corpus_fail "maps were $maps alone, $SHAPE_MAPS in the set"; return 1; }
		traffic companion || return 1

		step "shrink to alone again"
		id=$(attachment "$COMPANION_PROG" id)
		ok_ctl detach vb "$id" || return 1
		expect_names "$PROG" || return 1
		[ "$(entry_name)" != xl_dispatcher ] ||
			{ corpus_fail "a lone program still runs behind the dispatcher"; return 1; }
		runs_own_maps || return 1
		[ "$SHAPE_MAPS" = "$maps" ] ||
			{ corpus_fail "maps were $maps, $SHAPE_MAPS alone again"; return 1; }
		traffic || return 1
	fi

	step "replaced by another program"
	ok_ctl replace vb --from "$(set_file out companion)" || return 1
	expect_names "$COMPANION_PROG" || return 1
	step "replacing another program"
	ok_ctl replace vb --from "$(set_file in shape)" || return 1
	expect_names "$PROG" || return 1
	[ "$(vb_link)" = "$link" ] || { corpus_fail "the link changed from $link to $(vb_link)"; return 1; }
	prepare || return 1
	traffic || return 1
	detach_all
}

# shapes SHAPE...: the cycle for each, one after the other on the same
# daemon and veth pair; a failing shape is reported, its interface cleared,
# and the others still run.
shapes() {
	local s failed=()

	for s in "$@"; do
		SHAPE_FAILED=0
		if ! cycle "$s" || [ "$SHAPE_FAILED" = 1 ]; then
			failed+=("$s")
			ctl detach vb --all >/dev/null 2>&1 || true
		fi
		environment_undo
	done
	if [ "${XL_CORPUS_STEPS:-all}" = alone ]; then
		echo "# XL_CORPUS_STEPS=alone: attach, traffic and detach only for $*" >&3
	elif [ "$CORPUS_FREPLACE" != 1 ]; then
		echo "# degraded mode (this kernel refuses freplace): the set steps were skipped for $*; tests/vm/run runs them" >&3
	fi
	[ ${#failed[@]} -eq 0 ] || { echo "failed shapes: ${failed[*]}" >&2; return 1; }
}

@test "xdpdump_bpf.o (fentry/fexit, no XDP program) is refused and nothing is made" {
	SHAPE=xdpdump_bpf STEP=attach
	run ctl attach vb "$SYS_BPF/xdpdump_bpf.o"
	[ "$status" -ne 0 ] || corpus_fail "attached: $output"
	[[ "$output" == *ProgramNotFound* || "$output" == *InvalidObject* ]] ||
		corpus_fail "unexpected error: $output"
	[ "$(xdp_prog_on_vb)" = 0 ]
	nothing_made
}

# In the order of tests/corpus/README.md.
@test "corpus: global data in .rodata, .data and .bss" { shapes rodata data bss; }
@test "corpus: maps pinned by name, a ring buffer" { shapes pinned ringbuf; }
@test "corpus: bare, subprograms, CO-RE, near the verifier's limits" { shapes pass subprogs core big; }
@test "corpus: xdp.frags on jumbo frames" { shapes frags; }
@test "corpus: devmap, cpumap and xskmap redirects" { shapes devmap cpumap xskmap; }
@test "corpus: bpf_xdp_adjust_head and bpf_xdp_adjust_meta" { shapes adjust_head adjust_meta; }
@test "corpus: xdp-tools' xdp-dispatcher.o, xdpdump_xdp.o, xsk_def_xdp_prog*.o" {
	shapes xdp_pass xdp_dispatcher xdpdump xsk_def xsk_def_5.3
}
@test "corpus: xdp-tools' ten xdp-filter objects" {
	shapes xdpfilt_alw_all xdpfilt_alw_eth xdpfilt_alw_ip xdpfilt_alw_tcp xdpfilt_alw_udp \
		xdpfilt_dny_all xdpfilt_dny_eth xdpfilt_dny_ip xdpfilt_dny_tcp xdpfilt_dny_udp
}
