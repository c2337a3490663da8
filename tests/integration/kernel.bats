#!/usr/bin/env bats
# Kernel tests that need freplace: the dispatcher, ordering, chaining,
# batches, recovery from crashes, xdp-tools objects. Run in tests/vm/run
# when the host kernel forbids EXT programs.

load helpers

setup() {
	xl_setup
	"$XL_ENGINE" --root "$ROOT" --state "$STATE" probe | grep -q 'freplace yes' ||
		skip "this kernel refuses freplace; run through tests/vm/run"
}

teardown() {
	xl_teardown
}

# attach_n N [PRIO_BASE]: xl_pass_0..N-1 in one batch, priority reversed so
# that run order differs from batch order.
attach_n() {
	local n=$1 args=()
	for ((i = 0; i < n; i++)); do
		args+=(--add "$(prog "xl_pass_$i" "prio=$((100 + n - i))")")
	done
	xl apply vb "${args[@]}"
}

# Every program in rows saw exactly n packets, and the stamps of the last
# packet increase along rows (the run order).
assert_ran_in_order() {
	local n=$1; shift
	local prev=0 s
	for row in "$@"; do
		[ "$(packets "$row")" -eq "$n" ] || { echo "row $row: $(packets "$row") != $n"; return 1; }
		s=$(stamp "$row")
		[ "$s" -gt "$prev" ] || { echo "row $row ran out of order"; return 1; }
		prev=$s
	done
}

reversed_rows() {
	for ((i = $1 - 1; i >= 0; i--)); do echo "$i"; done
}

# Map ids of a program, sorted, as the kernel reports them.
map_ids() { bpftool -j prog show id "$1" | jq -c '.map_ids | sort'; }

@test "one program runs alone on the link, as plain XDP sharing its maps" {
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 0 ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
	# No dispatcher on the packet path: the link runs the program itself.
	run bpftool -j prog show id "$(xdp_prog_on_vb)"
	[ "$(echo "$output" | jq -r .name)" = xl_pass_1 ]
	[ "$(echo "$output" | jq -r .type)" = xdp ]
	# Its freplace instance, kept for when the set grows, shares every map.
	ext=$(xl status vb --json | jq '.attachments[0].prog_id')
	[ "$(bpftool -j prog show id "$ext" | jq -r .type)" = ext ]
	[ "$(map_ids "$ext")" = "$(map_ids "$(xdp_prog_on_vb)")" ]
	send_udp 20
	[ "$(packets 1)" -eq 20 ]
}

@test "a set that shrinks to one program runs it alone; growing again restores the dispatcher" {
	attach_n 2
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	send_udp 3
	xl apply vb --remove 2
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_pass_0 ]
	send_udp 4
	[ "$(packets 0)" -eq 7 ] && [ "$(packets 1)" -eq 3 ]
	xl apply vb --add "$(prog xl_pass_5 prio=1)"
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	send_udp 2
	[ "$(packets 5)" -eq 2 ] && [ "$(stamp 5)" -lt "$(stamp 0)" ]
	[ "$(packets 0)" -eq 9 ]
	[ -z "$(ls "$ROOT"/*-"$VB_IFINDEX" | grep -E '^(prog|direct)-2$')" ]
}

@test "a program joining a set gets its twin at once, from the same bytes, sharing its maps" {
	attach_n 2
	[ -e "$ROOT"/*-"$VB_IFINDEX"/direct-1 ] && [ -e "$ROOT"/*-"$VB_IFINDEX"/direct-2 ]
	xl apply vb --remove 1
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_pass_1 ]
	ext=$(xl status vb --json | jq '.attachments[0].prog_id')
	[ "$(map_ids "$ext")" = "$(map_ids "$(xdp_prog_on_vb)")" ]
	send_udp 5
	[ "$(packets 1)" -eq 5 ]
}

# The object is read once: what happens to the file afterwards cannot
# change or stop the program (issue 10: never reopened by path).
@test "a program whose object file is changed or removed after the attach still runs alone as its twin" {
	cp "$OBJ" "$BATS_TEST_TMPDIR/gone.o"
	xl apply vb --add "$BATS_TEST_TMPDIR/gone.o:xl_pass_0,pin=$MAPS,prio=2" \
		--add "$BATS_TEST_TMPDIR/gone.o:xl_pass_1,pin=$MAPS,prio=1"
	send_udp 2
	# Another program under the same name would run if the file were read again.
	cp "$SYS_BPF/xdpfilt_dny_all.o" "$BATS_TEST_TMPDIR/gone.o"
	xl apply vb --remove 2
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_pass_0 ]
	rm "$BATS_TEST_TMPDIR/gone.o"
	send_udp 3
	[ "$(packets 0)" -eq 5 ] && [ "$(packets 1)" -eq 2 ]
	[ "$(xl status vb --json | jq '.attachments | length')" -eq 1 ]
}

# Attached by an xdplinkd that kept no twin for programs in a set.
@test "a lone program without a pinned twin replaces the dispatcher entry" {
	attach_n 2
	rm "$ROOT"/*-"$VB_IFINDEX"/direct-1
	xl apply vb --remove 2
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xl_dispatcher ]
	[ -z "$(ls "$ROOT"/*-"$VB_IFINDEX" | grep '^direct-')" ]
	send_udp 3
	[ "$(packets 0)" -eq 3 ]
	[ "$(xl status vb --json | jq '.attachments | length')" -eq 1 ]
}

@test "two programs run in priority order" {
	attach_n 2
	[ "$(xl status vb --json | jq -r '[.attachments[].name] | join(",")')" = "xl_pass_1,xl_pass_0" ]
	send_udp 10
	assert_ran_in_order 10 1 0
}

@test "ten programs run in priority order, one freplace link each" {
	attach_n 10
	[ "$(bpftool -j link show | jq '[.[] | select(.type == "tracing")] | length')" -eq 10 ]
	send_udp 10
	assert_ran_in_order 10 $(reversed_rows 10)
}

@test "63 programs run in order; the 64th is refused and nothing changes" {
	attach_n 63
	[ "$(revision)" -eq 1 ]
	send_udp 3
	assert_ran_in_order 3 $(reversed_rows 63)
	before=$(pins); entry=$(entry_prog)
	run xl apply vb --add "$(prog xl_pass_63)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"too many programs: 64 would be attached, the limit is 63"* ]]
	[ "$(revision)" -eq 1 ] && [ "$(pins)" = "$before" ] && [ "$(entry_prog)" = "$entry" ]
	# The same set with counters on: the biggest dispatcher still verifies.
	run xl apply vb --counters
	[ "$status" -eq 0 ] && [ "$(revision)" -eq 2 ]
	send_udp 2
	[ "$(xl counters vb 1 | awk '/^pass/ {print $2}')" -eq 2 ]	# xl_pass_0 runs last
}

@test "a DROP stops the chain; a PASS continues" {
	xl apply vb --add "$(prog xl_pass_1 prio=1)" --add "$(prog xl_drop prio=2)" \
		--add "$(prog xl_pass_3 prio=3)"
	send_udp 8
	[ "$(packets 1)" -eq 8 ]	# passed on
	[ "$(packets 100)" -eq 8 ]	# dropped
	[ "$(packets 3)" -eq 0 ]	# never saw them
}

@test "chain actions from the caller override the object: DROP can continue" {
	xl apply vb --add "$(prog xl_drop prio=2 actions=drop+pass)" --add "$(prog xl_pass_3 prio=3)"
	send_udp 6
	[ "$(packets 100)" -eq 6 ] && [ "$(packets 3)" -eq 6 ]
	[ "$(xl status vb --json | jq -r '.attachments[0].actions')" = "drop,pass" ]
}

@test "XDP_RUN_CONFIG metadata sets priority and chain actions" {
	xl apply vb --add "$(prog xl_pass_1 prio=8)" --add "$(prog xl_meta)"
	[ "$(xl status vb --json | jq -r '.attachments[0] | "\(.name) \(.priority) \(.actions)"')" = \
		"xl_meta 7 drop,pass" ]
	send_udp 4
	assert_ran_in_order 4 102 1
}

@test "a batch of adds and removes is one revision and one link update" {
	attach_n 3
	link=$(link_id)
	run xl apply vb --remove 1 --remove 3 --add "$(prog xl_pass_7)" --add "$(prog xl_pass_8)"
	[ "$status" -eq 0 ]
	[ "$(revision)" -eq 2 ]
	[ "$(link_id)" = "$link" ]
	[ "$(xl status vb --json | jq -r '[.attachments[].id] | join(",")')" = "4,5,2" ]
	[ "$(ls -d "$ROOT"/*-"$VB_IFINDEX"/rev-* | wc -l)" -eq 1 ]
	[ "$(ls "$ROOT"/*-"$VB_IFINDEX"/ | grep -c '^prog-')" -eq 3 ]
	send_udp 5
	[ "$(packets 2)" -eq 0 ] && [ "$(packets 0)" -eq 0 ]	# removed before traffic
	[ "$(packets 7)" -eq 5 ] && [ "$(packets 8)" -eq 5 ] && [ "$(packets 1)" -eq 5 ]
}

# The program ids the live revision's slots run, in slot order, as bpftool
# reads their pinned freplace links.
slot_progs() {
	local dir rev
	dir=$(echo "$ROOT"/*-"$VB_IFINDEX"); rev=$(revision)
	for ((k = 0; ; k++)); do
		[ -e "$dir/rev-$rev/link-$k" ] || break
		bpftool -j link show pinned "$dir/rev-$rev/link-$k" | jq -r .prog_id
	done | paste -sd, -
}
status_progs() { xl status vb --json | jq -r '[.attachments[].prog_id] | join(",")'; }
names_prios() { xl status vb --json | jq -r '[.attachments[] | "\(.name):\(.priority)"] | join(",")'; }

@test "anchors and moves reach the dispatcher's slots, one revision each, and survive adoption" {
	attach_n 3	# ids 1..3: xl_pass_0..2 at 103..101, run order 3,2,1
	link=$(link_id)
	xl apply vb --add "$(prog xl_pass_5 before=1,label=five)" --add "$(prog xl_pass_6 after=@five)"
	[ "$(revision)" -eq 2 ] && [ "$(link_id)" = "$link" ]
	[ "$(names_prios)" = "xl_pass_2:101,xl_pass_1:102,xl_pass_5:103,xl_pass_6:103,xl_pass_0:103" ]
	[ "$(slot_progs)" = "$(status_progs)" ]
	send_udp 3
	assert_ran_in_order 3 2 1 5 6 0
	# Moves: the same programs, placed again; one takes its anchor's priority.
	progs=$(status_progs | tr , '\n' | sort | paste -sd, -)
	xl apply vb --move 3,after=1 --move 2,prio=200
	[ "$(revision)" -eq 3 ] && [ "$(link_id)" = "$link" ]
	[ "$(names_prios)" = "xl_pass_5:103,xl_pass_6:103,xl_pass_0:103,xl_pass_2:103,xl_pass_1:200" ]
	[ "$(status_progs | tr , '\n' | sort | paste -sd, -)" = "$progs" ]
	[ "$(slot_progs)" = "$(status_progs)" ]
	send_udp 2
	assert_ran_in_order 5 5 6 0 2 1	# counts add up: 3 + 2
	# Refused anchors change nothing and say which anchors.
	before=$(pins); entry=$(entry_prog)
	run xl apply vb --add "$(prog xl_pass_7 after=4,before=1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"after id 4 and before id 1: attachment 4 is not immediately before 1"* ]]
	run xl apply vb --remove 4 --add "$(prog xl_pass_7 before=4)"
	[ "$status" -eq 1 ] && [[ "$output" == *"before id 4: attachment 4 is removed by this change"* ]]
	run xl apply vb --add "$(prog xl_pass_7 prio=7,before=@five)"
	[ "$status" -eq 1 ] && [[ "$output" == *"priority 7 conflicts with before label \"five\", which runs at priority 103"* ]]
	# A dry run loads and plans, and leaves everything as it was.
	run xl apply vb --dry-run --add "$(prog xl_pass_7 before=@five)" --remove 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"revision 3"*"attached 6"*"planned 6 103 xl_pass_7"*"planned 4 103 xl_pass_5"* ]]
	[[ "$output" != *"planned 1 "* ]]
	[ "$(revision)" -eq 3 ] && [ "$(pins)" = "$before" ] && [ "$(entry_prog)" = "$entry" ]
	# Order and priorities live in the state file: a new process reads them,
	# and adoption keeps them though ids no longer rise along the run order.
	xl adopt vb
	[ "$(names_prios)" = "xl_pass_5:103,xl_pass_6:103,xl_pass_0:103,xl_pass_2:103,xl_pass_1:200" ]
	[ "$(link_id)" = "$link" ]
	send_udp 2
	assert_ran_in_order 7 5 6 0 2 1
}

@test "a stale expected revision is refused and nothing changes" {
	attach_n 2
	xl apply vb --add "$(prog xl_pass_5)"
	before=$(pins); entry=$(entry_prog)
	run xl apply vb --expect-revision 1 --remove 1
	[ "$status" -eq 1 ]
	[[ "$output" == *"expected revision 1"*"revision 2"* ]]
	[ "$(pins)" = "$before" ] && [ "$(entry_prog)" = "$entry" ]
	run xl apply vb --expect-revision 2 --remove 1
	[ "$status" -eq 0 ]
	[ "$(revision)" -eq 3 ]
}

@test "traffic runs on after the attaching process exits; recovery makes no link update" {
	attach_n 3
	link=$(link_id); entry=$(entry_prog)
	send_udp 4
	run xl recover
	[ "$status" -eq 0 ]
	[[ "$output" == *"interfaces 1"* && "$output" == *"link_updates 0"* ]]
	[ "$(link_id)" = "$link" ] && [ "$(entry_prog)" = "$entry" ]
	send_udp 4
	assert_ran_in_order 8 $(reversed_rows 3)
}

@test "a crash between pin and commit leaves an orphan revision that recovery removes" {
	attach_n 2
	entry=$(entry_prog); kmark
	XL_TEST_CRASH=before-commit run xl apply vb --add "$(prog xl_pass_9)"
	[ "$status" -eq 86 ]
	[ -d "$(echo "$ROOT"/*-"$VB_IFINDEX")/rev-2" ]	# the orphan is really there
	[ -e "$(echo "$ROOT"/*-"$VB_IFINDEX")/prog-3" ]
	[ -e "$STATE"/*-"$VB_IFINDEX"/rev-2.json ]
	# The data plane never saw it (asked of the kernel: opening the
	# interface through the engine would already recover it).
	[ "$(xdp_prog_on_vb)" = "$entry" ]
	run xl recover
	[[ "$output" == *"orphan_revisions 1"* && "$output" == *"orphan_programs 1"* ]]
	[[ "$output" == *"link_updates 0"* ]]
	[ ! -e "$(echo "$ROOT"/*-"$VB_IFINDEX")/rev-2" ]
	[ ! -e "$(echo "$ROOT"/*-"$VB_IFINDEX")/prog-3" ]
	[ ! -e "$(echo "$STATE"/*-"$VB_IFINDEX")/rev-2.json" ]
	nothing_made
	send_udp 3
	assert_ran_in_order 3 1 0
	[ "$(packets 9)" -eq 0 ]
}

@test "a crash between commit and cleanup leaves the old revision; recovery adopts the new" {
	attach_n 2
	XL_TEST_CRASH=after-commit run xl apply vb --remove 2 --add "$(prog xl_pass_9)"
	[ "$status" -eq 86 ]
	[ -d "$(echo "$ROOT"/*-"$VB_IFINDEX")/rev-1" ]
	run xl recover
	[[ "$output" == *"orphan_revisions 1"* && "$output" == *"orphan_programs 1"* ]]
	[ "$(revision)" -eq 2 ]
	[ "$(xl status vb --json | jq -r '[.attachments[].name] | join(",")')" = "xl_pass_9,xl_pass_0" ]
	send_udp 3
	assert_ran_in_order 3 9 0
	[ "$(packets 1)" -eq 0 ]
}

@test "a crash before the first commit leaves nothing after recovery" {
	kmark
	XL_TEST_CRASH=before-commit run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 86 ]
	[ "$(xdp_prog_on_vb)" -eq 0 ]
	run xl recover
	[ "$status" -eq 0 ]
	[ "$(pins)" = "." ]
	nothing_made
}

@test "deleting the interface leaves no program, link or pin after recovery" {
	kmark
	attach_n 5
	ip -n "$NSB" link del vb
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" recover
	[ "$status" -eq 0 ]
	[[ "$output" == *"defunct 1"* ]]
	[ "$(pins)" = "." ]
	nothing_made
}

@test "removing everything releases every program, link and pin" {
	kmark
	attach_n 4
	xl apply vb --remove 2
	xl apply vb --remove-all
	[ "$(xdp_prog_on_vb)" -eq 0 ]
	[ "$(pins)" = "." ]
	nothing_made
}

@test "xdp-tools objects load unchanged and their XDP_RUN_CONFIG priorities hold" {
	xl apply vb --add "$SYS_BPF/xdpdump_xdp.o,pin=$MAPS" \
		--add "$SYS_BPF/xdpfilt_alw_all.o,pin=$MAPS" --add "$(prog xl_pass_1 prio=30)"
	run xl status vb --json
	[ "$(echo "$output" | jq -r '[.attachments[] | "\(.name):\(.priority)"] | join(",")')" = \
		"xdpfilt_alw_all:10,xl_pass_1:30,xdpdump:50" ]
	send_udp 5
	[ "$(packets 1)" -eq 5 ]	# xdp-filter ran first and passed, chaining on
}

@test "a verifier reject keeps the live revision, its counts and its pins" {
	attach_n 2
	send_udp 3
	before=$(pins); entry=$(entry_prog); kmark
	run xl apply vb --remove 1 --add "$(prog xl_bad)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid access to packet"* ]]
	[ "$(revision)" -eq 1 ] && [ "$(pins)" = "$before" ] && [ "$(entry_prog)" = "$entry" ]
	nothing_made
	[ "$(packets 1)" -eq 3 ] && [ "$(packets 0)" -eq 3 ]
	send_udp 2
	assert_ran_in_order 5 1 0
}

@test "the dispatcher is frags-capable only when every program is" {
	ip -n "$NSA" link set va mtu 9000	# veth refuses non-frags XDP on vb now
	run xl apply vb --add "$(prog xl_frags)"
	[ "$status" -eq 0 ]
	entry=$(entry_prog)
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"updating the XDP link"* ]]
	[ "$(revision)" -eq 1 ] && [ "$(entry_prog)" = "$entry" ]
	ip -n "$NSA" link set va mtu 1500
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 0 ]
}

@test "a program that invalidates packet pointers can fill a slot" {
	xl apply vb --add "$(prog xl_adjust prio=1)" --add "$(prog xl_pass_2 prio=2)"
	send_udp 4
	assert_ran_in_order 4 104 2
}

@test "counters attribute each packet to the program that decided it, across swaps" {
	xl apply vb --counters --add "$(prog xl_pass_1 prio=1)" --add "$(prog xl_drop prio=2)"
	send_udp 7
	[ "$(xl counters vb 2 | awk '/^drop/ {print $2}')" -eq 7 ]
	[ "$(xl counters vb 1 | awk '{ s += $2 } END { print s }')" -eq 0 ]	# it chained on
	xl apply vb --counters --add "$(prog xl_pass_3 prio=0)"
	send_udp 2
	[ "$(xl counters vb 2 | awk '/^drop/ {print $2}')" -eq 9 ]	# kept across the swap
	xl apply vb --counters --remove 2
	send_udp 3
	# every program chained on: the last one is credited with the pass
	[ "$(xl counters vb 1 | awk '/^pass/ {print $2}')" -eq 3 ]
	[ "$(xl counters vb 3 | awk '{ s += $2 } END { print s }')" -eq 0 ]
	[ "$(packets 1)" -eq 12 ]
}

@test "a libxdp dispatcher on the interface is named, not replaced" {
	command -v xdp-loader >/dev/null || skip "xdp-loader missing"
	nsenter --net="/run/netns/$NSB" xdp-loader load -m native vb "$SYS_BPF/xdpdump_xdp.o" \
		"$SYS_BPF/xdpfilt_alw_all.o" >/dev/null 2>&1 || skip "xdp-loader could not load"
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"libxdp dispatcher"* ]]
	[ "$(bpftool -j prog show id "$(xdp_prog_on_vb)" | jq -r .name)" = xdp_dispatcher ]
	nsenter --net="/run/netns/$NSB" xdp-loader unload -a vb >/dev/null 2>&1 || true
	rm -rf /sys/fs/bpf/xdp 2>/dev/null || true
}
