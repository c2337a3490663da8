#!/usr/bin/env bats
# Kernel tests that the host kernel can answer even under lockdown:
# degraded (direct) mode, link ownership, holders, interface removal.

load helpers

setup() {
	xl_setup
	if "$XL_ENGINE" --root "$ROOT" --state "$STATE" probe | grep -q 'freplace yes'; then
		DEGRADED=0
	else
		DEGRADED=1
	fi
}

teardown() {
	xl_teardown
}

need_degraded() {
	[ "$DEGRADED" = 1 ] || skip "this kernel allows freplace; degraded mode is not in use"
}

@test "degraded mode is detected by probing and explained" {
	need_degraded
	run "$XL_ENGINE" --root "$ROOT" --state "$STATE" probe
	[ "$status" -eq 0 ]
	[[ "$output" == *"freplace no"* ]]
	[[ "$output" == *"EPERM"* ]]
	[[ "$output" == *"lockdown"* ]]
}

@test "degraded mode runs one program directly on the link and counts its packets" {
	need_degraded
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 0 ]
	[ "$(revision)" -eq 1 ]
	[ "$(xdp_links_on_vb)" -eq 1 ]
	[ "$(xdp_prog_on_vb)" = "$(entry_prog)" ]
	# The link runs the program itself, no dispatcher.
	[ "$(bpftool -j prog show id "$(entry_prog)" | jq -r .name)" = xl_pass_1 ]
	send_udp 25
	[ "$(packets 1)" -eq 25 ]
}

@test "degraded mode refuses a second program with the lockdown reason, changing nothing" {
	need_degraded
	xl apply vb --add "$(prog xl_pass_1)"
	before=$(pins); link=$(link_id); entry=$(entry_prog)
	run xl apply vb --add "$(prog xl_pass_2)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"second program needs the dispatcher"* ]]
	[[ "$output" == *"lockdown"* ]]
	[ "$(revision)" -eq 1 ]
	[ "$(pins)" = "$before" ]
	[ "$(link_id)" = "$link" ] && [ "$(entry_prog)" = "$entry" ]
}

@test "degraded mode swaps its one program with a link update, same link" {
	need_degraded
	xl apply vb --add "$(prog xl_pass_1)"
	link=$(link_id)
	run xl apply vb --remove 1 --add "$(prog xl_drop)"
	[ "$status" -eq 0 ]
	[ "$(revision)" -eq 2 ]
	[ "$(link_id)" = "$link" ]
	[ "$(bpftool -j prog show id "$(entry_prog)" | jq -r .name)" = xl_drop ]
	send_udp 10
	[ "$(packets 100)" -eq 10 ]
	[ "$(packets 1)" -eq 0 ]
	[ ! -e "$ROOT"/*-"$VB_IFINDEX"/rev-1 ]
	[ ! -e "$ROOT"/*-"$VB_IFINDEX"/prog-1 ]
}

@test "the data plane outlives the process; recovery adopts it with zero link updates" {
	xl apply vb --add "$(prog xl_pass_1)"
	link=$(link_id); entry=$(entry_prog)
	send_udp 5
	run xl recover
	[ "$status" -eq 0 ]
	[[ "$output" == *"interfaces 1"* ]]
	[[ "$output" == *"link_updates 0"* ]]
	[ "$(link_id)" = "$link" ] && [ "$(entry_prog)" = "$entry" ]
	send_udp 5
	[ "$(packets 1)" -eq 10 ]
}

@test "removing the last program detaches the link and removes every pin and state file" {
	kmark
	xl apply vb --add "$(prog xl_pass_1)"
	run xl apply vb --remove-all
	[ "$status" -eq 0 ]
	[ "$(xdp_links_on_vb)" -eq 0 ]
	[ "$(pins)" = "." ]
	[ -z "$(ls "$STATE" | grep -vE '^(lock|bpffs_root)$')" ]
	nothing_made
	send_udp 3
	[ "$(packets 1)" -eq 0 ]
}

@test "an interface held over netlink is refused, naming the holder" {
	ip -n "$NSB" link set dev vb xdpdrv obj "$OBJ" sec xdp 2>/dev/null ||
		skip "iproute2 cannot load the test object"
	run xl apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"busy"* ]]
	[[ "$output" == *"attached over netlink"* ]]
	[ "$(pins)" = "." ]
}

@test "an interface held by another bpf_link is refused, naming the link" {
	xl apply vb --add "$(prog xl_pass_1)"
	other=$(link_id)
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT-other" \
		--state "$BATS_TEST_TMPDIR/other" apply vb --add "$(prog xl_pass_2)"
	rm -rf "$ROOT-other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bpf_link $other running program"* ]]
}

@test "native mode on a device without driver XDP gives a clear error; skb works" {
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" \
		apply lo --add "$(prog xl_pass_1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not support native XDP"* ]]
	[[ "$output" == *"skb mode"* ]]
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" \
		apply lo --mode skb --add "$(prog xl_pass_1)"
	[ "$status" -eq 0 ]
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" \
		apply lo --mode native --add "$(prog xl_pass_2)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"attached in skb mode"* ]]
}

@test "a deleted interface leaves nothing behind after recovery" {
	kmark
	xl apply vb --add "$(prog xl_pass_1)"
	ip -n "$NSB" link del vb
	run nsenter --net="/run/netns/$NSB" "$XL_ENGINE" --root "$ROOT" --state "$STATE" recover
	[ "$status" -eq 0 ]
	[[ "$output" == *"defunct 1"* ]]
	[ "$(pins)" = "." ]
	[ -z "$(ls "$STATE" | grep -vE '^(lock|bpffs_root)$')" ]
	nothing_made
}

@test "bad input: missing object, non-BPF file, unknown program, bad priority" {
	run xl apply vb --add /nonexistent.o
	[ "$status" -eq 1 ] && [[ "$output" == *"cannot read /nonexistent.o"*"ENOENT"* ]]
	run xl apply vb --add "$REPO/Makefile"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a usable BPF object"* ]]
	run xl apply vb --add "$OBJ:no_such_prog,pin=$MAPS"
	[ "$status" -eq 1 ] && [[ "$output" == *"no no_such_prog program"*"xl_pass_0"* ]]
	run xl apply vb --add "$(prog xl_pass_1 prio=1001)"
	[ "$status" -eq 1 ] && [[ "$output" == *"priority 1001 out of range"* ]]
	[ "$(pins)" = "." ]
	[ "$(xdp_links_on_vb)" -eq 0 ]
}

@test "a verifier reject carries the log and changes nothing" {
	xl apply vb --add "$(prog xl_pass_1)"
	before=$(pins); entry=$(entry_prog); kmark
	run xl apply vb --remove 1 --add "$(prog xl_bad)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"verifier log"* ]]
	[[ "$output" == *"invalid access to packet"* ]]
	[ "$(revision)" -eq 1 ]
	[ "$(pins)" = "$before" ] && [ "$(entry_prog)" = "$entry" ]
	nothing_made
	send_udp 4
	[ "$(packets 1)" -eq 4 ]
}

# Any kernel: one program, so degraded mode plans and loads like the VM.
@test "a dry run loads and plans, then releases all and changes nothing; a refusal shows" {
	xl apply vb --add "$(prog xl_pass_1)"
	before=$(pins); states=$(ls -R "$STATE"); entry=$(entry_prog); link=$(link_id); kmark
	run xl apply vb --dry-run --remove 1 --add "$(prog xl_drop)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"revision 1"*"attached 2"*"planned 2 50 xl_drop"* ]]
	[[ "$output" != *"planned 1 "* ]]
	run xl apply vb --dry-run --remove 1 --add "$(prog xl_bad)"
	[ "$status" -eq 1 ] && [[ "$output" == *"invalid access to packet"* ]]
	[ "$(revision)" -eq 1 ] && [ "$(pins)" = "$before" ] && [ "$(ls -R "$STATE")" = "$states" ]
	[ "$(entry_prog)" = "$entry" ] && [ "$(link_id)" = "$link" ]
	nothing_made
	send_udp 3
	[ "$(packets 1)" -eq 3 ] && [ "$(packets 100)" -eq 0 ]
	# The real one gets the id the dry run announced.
	run xl apply vb --remove 1 --add "$(prog xl_drop)"
	[ "$status" -eq 0 ] && [[ "$output" == *"revision 2"*"attached 2"* ]]
}

@test "an engine whose view went stale is refused, not allowed to clobber" {
	xl apply vb --add "$(prog xl_pass_1)"
	entry=$(entry_prog)
	run nsenter --net="/run/netns/$NSB" "$BUILD/tests/xl-stale" "$ROOT" "$STATE" vb "$OBJ" \
		"$XL_ENGINE" --root "$ROOT" --state "$STATE" apply vb --remove 1 --add "$(prog xl_drop)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"changed since it was opened"* ]]
	[ "$(revision)" -eq 2 ]
	[ "$(xl status vb --json | jq -r '.attachments[0].name')" = xl_drop ]
	[ "$(entry_prog)" != "$entry" ]
}

@test "the engine is valgrind-clean: attach, swap, refusals, bad input, recovery, removal" {
	command -v valgrind >/dev/null || skip "valgrind missing"
	[ -z "${XL_SANITIZE:-}" ] || skip "valgrind does not run sanitizer builds"
	vg() {
		nsenter --net="/run/netns/$NSB" valgrind -q --error-exitcode=99 \
			--suppressions="$REPO/tests/valgrind.supp" --leak-check=full \
			--show-leak-kinds=definite,indirect,possible \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$XL_ENGINE" --root "$ROOT" --state "$STATE" "$@" 2>&1 | grep -v 'unhandled eBPF command'
		return "${PIPESTATUS[0]}"
	}
	run vg apply vb --add "$(prog xl_pass_1)"
	[ "$status" -eq 0 ]
	run vg apply vb --remove 1 --add "$(prog xl_pass_2)"
	[ "$status" -eq 0 ]
	run vg apply vb --add "$(prog xl_pass_3)"	# refused (degraded) or added
	[ "$status" -le 1 ]
	run vg apply vb --add "$(prog xl_bad)"
	[ "$status" -eq 1 ]
	for bad in /nonexistent.o "$REPO/Makefile" /dev/null; do
		run vg apply vb --add "$bad"
		[ "$status" -eq 1 ]
	done
	run vg apply vb --remove 77
	[ "$status" -eq 1 ]
	run vg status vb --json
	[ "$status" -eq 0 ]
	run vg recover
	[ "$status" -eq 0 ]
	run vg apply vb --remove-all
	[ "$status" -eq 0 ]
}
