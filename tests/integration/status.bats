#!/usr/bin/env bats
# Issue 14, on the host kernel: xdpctl status and List show every XDP program
# on the interfaces of the namespaces asked for, xdplinkd's or not. Another
# tool's programs are marked unmanaged with their holder (here: xdp-loader,
# whose libxdp attaches a single program over netlink under lockdown, and an
# XDP bpf_link that is not this daemon's); the table fits 100 columns and
# names the namespace; maps are listed with their pins. Each outcome is
# checked against the kernel's own view (ip link, bpftool). The real
# dispatcher of libxdp is tested in status-kernel.bats (VM).

load daemon-helpers

DNY_ALL=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_all.o

setup() {
	daemon_setup
	veth_in_nsb ux1 ux2
	veth_in_nsb ux3 ux4
	daemon_start
}

teardown() {
	# xdp-loader's programs go with the namespaces; nothing of them is pinned.
	daemon_teardown
	rm -rf "$ROOT-other" "$ROOT-other-maps"
}

in_nsb() { nsenter --net="/run/netns/$NSB" "$@"; }
# xdp-loader's single program over netlink is what a kernel without freplace
# gives; with it, libxdp runs a dispatcher (status-kernel.bats).
loader_single() {
	[ "$(daemon_freplace)" = 0 ] ||
		skip "libxdp attaches its dispatcher on this kernel: see status-kernel.bats"
}
# The program the kernel runs on IFACE in NS (0: none), as ip link reports it.
kernel_prog() { ip -n "$1" -j link show "$2" | jq '.[0].xdp.prog.id // 0'; }
status_json() { ctl --json status "$@"; }
iface_json() { status_json | jq -c --arg n "$1" '.interfaces[] | select(.name == $n)'; }

# The bug: the drop-all filter xdp-loader loaded on ux1 showed as
# "ux1 0 - <no programs>" (JSON: mode native, linkId 0, nothing else), and
# status without a name left ux1 out.
@test "xdp-loader's drop-all filter is listed as unmanaged, held over netlink, with its id and name" {
	loader_single
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	prog=$(kernel_prog "$NSB" ux1)
	[ "$prog" -gt 0 ]
	# By name: the program, not "<no programs>".
	u=$(status_json ux1 | jq -c '.interfaces[0].unmanaged[0]')
	[ "$(jq .programId <<< "$u")" = "$prog" ]
	[ "$(jq -r .name <<< "$u")" = xdpfilt_dny_all ]
	[ "$(jq -r .holder <<< "$u")" = netlink ]
	[ "$(jq .linkId <<< "$u")" = 0 ]
	[ "$(jq -r .mode <<< "$u")" = native ]
	[ "$(jq -r .tag <<< "$u")" = "$(bpftool -j prog show id "$prog" | jq -r .tag)" ]
	run ctl status ux1
	[ "$status" -eq 0 ]
	[[ "$output" != *"<no programs>"* ]]
	grep -E "ux1 +- +native +- +- +xdpfilt_dny_all +$prog +- +netlink +unmanaged\$" <<< "$output"
	# Without a name: listed all the same, and ux3 (nothing there) is not.
	[ "$(iface_json ux1 | jq '.unmanaged[0].programId')" = "$prog" ]
	[ -z "$(iface_json ux3)" ]
	run ctl status
	[ "$status" -eq 0 ]
	grep -E " ux1 .*xdpfilt_dny_all +$prog .*unmanaged\$" <<< "$output"
	[[ "$output" != *ux3* ]]
	# Listing it changed nothing: xdp-loader's program still runs there.
	[ "$(kernel_prog "$NSB" ux1)" = "$prog" ]
}

@test "the daemon's programs and another tool's are listed side by side, each once" {
	loader_single
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	ctl attach ux3 "$OBJ" --prog xl_pass_1 --label fw
	other=$(kernel_prog "$NSB" ux1)
	ours=$(kernel_prog "$NSB" ux3)
	# The daemon's program is an attachment, not also "unmanaged".
	[ "$(iface_json ux3 | jq '.attachments[0].programId')" = "$ours" ]
	[ "$(iface_json ux3 | jq '.unmanaged')" = null ]
	[ "$(iface_json ux1 | jq '.attachments | length')" = 0 ]
	[ "$(iface_json ux1 | jq '.unmanaged | length')" = 1 ]
	run ctl status
	grep -E " ux3 +1 +native +1 +50 +xl_pass_1 +$ours +pass +uid:0 +fw\$" <<< "$output"
	grep -E " ux1 .*xdpfilt_dny_all +$other .*netlink +unmanaged\$" <<< "$output"
	[ "$(grep -c unmanaged <<< "$output")" -eq 1 ]
}

@test "another tool's XDP bpf_link is listed with its holder and link id, as bpftool sees it" {
	# An engine of its own (another bpffs root, another state): its link is
	# no more this daemon's than xdp-loader's program is.
	mkdir -p "$ROOT-other-maps"
	in_nsb "$XL_ENGINE" --root "$ROOT-other" --state "$BATS_TEST_TMPDIR/other" \
		apply ux1 --add "$OBJ:xl_pass_2,pin=$ROOT-other-maps"
	prog=$(kernel_prog "$NSB" ux1)
	link=$(bpftool -j link show | jq --argjson p "$prog" '.[] | select(.prog_id == $p) | .id')
	[ -n "$link" ] && [ "$link" -gt 0 ]
	u=$(iface_json ux1 | jq -c '.unmanaged[0]')
	[ "$(jq .programId <<< "$u")" = "$prog" ]
	[ "$(jq -r .holder <<< "$u")" = bpfLink ]
	[ "$(jq .linkId <<< "$u")" = "$link" ]
	run ctl status ux1
	grep -E "xl_pass_2 +$prog +- +link:$link +unmanaged\$" <<< "$output"
}

@test "--all lists interfaces with nothing attached; without it they are left out" {
	run ctl status
	[ "$status" -eq 0 ]
	[ "$output" = "No interface has XDP programs." ]
	[ "$(status_json | jq '.interfaces | length')" = 0 ]
	run ctl status --all
	[ "$status" -eq 0 ]
	for i in lo vb ux1 ux2 ux3 ux4; do
		grep -E " $i +- +- +<no programs>\$" <<< "$output"
	done
	[ "$(ctl --json status --all | jq '.interfaces | length')" = \
		"$(ip -n "$NSB" -j link show | jq length)" ]
}

@test "the table fits 100 columns and names the namespace; the JSON carries its name" {
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	ctl attach ux3 "$OBJ" --prog xl_pass_1 --label web-filter
	ctl attach vb "$OBJ" --prog xl_pass_2 --label fw
	run ctl status
	[ "$status" -eq 0 ]
	echo "$output"
	awk 'length($0) > 100 { print "too wide: " $0; bad = 1 } END { exit bad }' <<< "$output"
	# The first column is the namespace's name under /run/netns.
	[ "$(grep -c "^$NSB " <<< "$output")" -eq 3 ]
	[ "$(status_json | jq -r '[.interfaces[].netns] | unique | join(",")')" = "$NSB" ]
	[ "$(status_json | jq '[.interfaces[].netnsCookie] | unique | length')" = 1 ]
	# Counters and tags only when asked for.
	[[ "$output" != *Drop* && "$output" != *Tag* ]]
	tag=$(iface_json ux3 | jq -r '.attachments[0].tag')
	run ctl status -v
	[[ "$output" == *Drop* && "$output" == *"$tag"* && "$output" == *"$(realpath "$OBJ")"* ]]
	run ctl status --counters
	[[ "$output" == *Drop* && "$output" != *"$tag"* ]]
}

@test "a namespace without a name under /run/netns shows as cookie:N" {
	ctl attach vb "$OBJ" --prog xl_pass_1
	cookie=$(status_json | jq '.interfaces[0].netnsCookie')
	# The name goes; the namespace stays (the daemon lives in it).
	mount --bind "/run/netns/$NSB" "$BATS_TEST_TMPDIR/ns" 2>/dev/null ||
		{ touch "$BATS_TEST_TMPDIR/ns"; mount --bind "/run/netns/$NSB" "$BATS_TEST_TMPDIR/ns"; }
	umount "/run/netns/$NSB"
	rm -f "/run/netns/$NSB"
	run ctl status
	mount --bind "$BATS_TEST_TMPDIR/ns" "/run/netns/$NSB" 2>/dev/null ||
		{ touch "/run/netns/$NSB"; mount --bind "$BATS_TEST_TMPDIR/ns" "/run/netns/$NSB"; }
	umount "$BATS_TEST_TMPDIR/ns"
	grep -E "^cookie:$cookie +vb " <<< "$output"
}

@test "--netns: another namespace's programs, the daemon's own left out" {
	loader_single
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	nsenter --net="/run/netns/$NSA" xdp-loader load va "$DNY_ALL"
	prog=$(kernel_prog "$NSA" va)
	run ctl --netns "$NSA" status
	[ "$status" -eq 0 ]
	grep -E "^$NSA +va .*xdpfilt_dny_all +$prog .*unmanaged\$" <<< "$output"
	[[ "$output" != *ux1* ]]
	[ "$(ctl --netns "$NSA" --json status | jq -r '.interfaces[0].netns')" = "$NSA" ]
}

@test "--maps: each program's maps with id, name, type and the pin under the bpffs root" {
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	ctl attach vb "$OBJ" --prog xl_pass_1
	prog=$(kernel_prog "$NSB" vb)
	want=$(bpftool -j prog show id "$prog" | jq -c '.map_ids | sort')
	m=$(ctl --json status --maps | jq -c '.interfaces[] | select(.name == "vb") | .attachments[0].maps')
	[ "$(jq -c '[.[].id] | sort' <<< "$m")" = "$want" ]
	trace=$(jq -c '.[] | select(.name == "xl_test_trace")' <<< "$m")
	[ "$(jq -r .type <<< "$trace")" = "$(bpftool -j map show id "$(jq .id <<< "$trace")" | jq -r .type)" ]
	pin=$(jq -r .pinPath <<< "$trace")
	[ "$pin" = "$MAPS/xl_test_trace" ]
	[ "$(bpftool -j map show pinned "$pin" | jq .id)" = "$(jq .id <<< "$trace")" ]
	# Another tool's program: its maps too, without a pin of ours.
	other=$(kernel_prog "$NSB" ux1)
	um=$(ctl --json status --maps ux1 | jq -c '.interfaces[0].unmanaged[0].maps')
	[ "$(jq -c '[.[].id] | sort' <<< "$um")" = \
		"$(bpftool -j prog show id "$other" | jq -c '.map_ids // [] | sort')" ]
	[ "$(jq '[.[] | select(.pinPath != null)] | length' <<< "$um")" = 0 ]
	# Without --maps, no maps in the reply (they cost syscalls).
	[ "$(status_json | jq '[.. | objects | select(has("maps"))] | length')" = 0 ]
	run ctl status --maps
	grep -E "^vb +$prog +$(jq .id <<< "$trace") +xl_test_trace +array +$pin\$" <<< "$output"
}

@test "names other tools chose reach the terminal escaped; JSON stays exact" {
	loader_single
	esc=$'\e'
	ifname=$'u\e[7m'
	ip -n "$NSB" link add "$ifname" type veth peer name up1
	ip -n "$NSB" link set "$ifname" up
	ip -n "$NSB" link set up1 up
	in_nsb xdp-loader load -m skb "$ifname" "$DNY_ALL"
	run ctl status
	[ "$status" -eq 0 ]
	! grep -q "$esc" <<< "$output"
	grep -E 'u\\x1b\[7m +- +skb ' <<< "$output"
	[ "$(status_json | jq -r '.interfaces[] | select(.unmanaged) | .name')" = "$ifname" ]
}
