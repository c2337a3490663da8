#!/usr/bin/env bats
# Issue 14's acceptance, with freplace (tests/vm/run when the host kernel
# forbids EXT programs): xdp-loader's program on one veth, under a real
# libxdp dispatcher, and xdplinkd's three programs on another. xdpctl status
# lists both, the first as unmanaged with its holder and the program the
# dispatcher runs, and every line fits 100 columns. Ids are checked against
# the kernel's view (ip link, bpftool).

load daemon-helpers
load kernel-quirks

DNY_ALL=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_all.o

setup() {
	daemon_setup
	skip_without_freplace
	veth_in_nsb ux1 ux2
	veth_in_nsb ux3 ux4
	daemon_start
}

teardown() {
	# libxdp pins its dispatcher under /sys/fs/bpf/xdp: unload removes them.
	in_nsb xdp-loader unload ux1 --all 2>/dev/null || true
	daemon_teardown
}

in_nsb() { nsenter --net="/run/netns/$NSB" "$@"; }
kernel_prog() { ip -n "$NSB" -j link show "$1" | jq '.[0].xdp.prog.id // 0'; }
iface_json() { ctl --json status | jq -c --arg n "$1" '.interfaces[] | select(.name == $n)'; }

# ux3: xdplinkd's three programs (labels and priorities as an operator would give).
attach3() {
	ctl attach ux3 "$OBJ" --prog xl_pass_1 --priority 10 --label ddos
	ctl attach ux3 "$OBJ" --prog xl_pass_2 --priority 20 --label firewall
	ctl attach ux3 "$OBJ" --prog xl_pass_3 --priority 30 --label lb
}

@test "xdp-loader's dispatcher and xdplinkd's 3 programs: both listed, the first unmanaged, in 100 columns" {
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	attach3
	disp=$(kernel_prog ux1)
	[ "$(bpftool -j prog show id "$disp" | jq -r .name)" = xdp_dispatcher ]
	# The program the dispatcher runs: the filter, loaded as an extension
	# (freplace) of it; the only one in this VM.
	filt=$(bpftool -j prog show | jq '.[] | select(.type == "ext" and .name == "xdpfilt_dny_all") | .id')
	[ -n "$filt" ] && [ "$(wc -w <<< "$filt")" -eq 1 ]
	# xdp-loader says the same.
	in_nsb xdp-loader status ux1 | grep -E "xdpfilt_dny_all +$filt "

	u=$(iface_json ux1 | jq -c '.unmanaged[0]')
	[ "$(jq .programId <<< "$u")" = "$disp" ]
	[ "$(jq -r .holder <<< "$u")" = libxdp ]
	[ "$(jq -r .name <<< "$u")" = xdp_dispatcher ]
	[ "$(jq -c '[.programs[].programId]' <<< "$u")" = "[$filt]" ]
	[ "$(jq -r '.programs[0].name' <<< "$u")" = xdpfilt_dny_all ]
	[ "$(iface_json ux1 | jq '.attachments | length')" = 0 ]
	# ux3: the daemon's three, in run order, none of them unmanaged.
	[ "$(iface_json ux3 | jq -r '[.attachments[].name] | join(",")')" = xl_pass_1,xl_pass_2,xl_pass_3 ]
	[ "$(iface_json ux3 | jq .unmanaged)" = null ]
	[ "$(iface_json ux3 | jq .entryProgramId)" = "$(kernel_prog ux3)" ]

	run ctl status
	[ "$status" -eq 0 ]
	echo "$output"
	grep -E "^$NSB +ux1 +- +native +- +- +xdp_dispatcher +$disp +- +libxdp +unmanaged\$" <<< "$output"
	grep -E "^ +- +- +xdpfilt_dny_all +$filt +- +libxdp +unmanaged\$" <<< "$output"
	grep -E "^$NSB +ux3 +3 +native +[0-9]+ +10 +xl_pass_1 .* uid:0 +ddos\$" <<< "$output"
	grep -E " 30 +xl_pass_3 .* uid:0 +lb\$" <<< "$output"
	awk 'length($0) > 100 { print "too wide (" length($0) "): " $0; bad = 1 } END { exit bad }' \
		<<< "$output"
	# Named alone, the same.
	run ctl status ux1
	grep -E "xdp_dispatcher +$disp +- +libxdp +unmanaged\$" <<< "$output"
	# Listing took nothing over: libxdp's dispatcher still runs there.
	[ "$(kernel_prog ux1)" = "$disp" ]
}

@test "--maps lists the maps of the program the libxdp dispatcher runs" {
	in_nsb xdp-loader load ux1 "$DNY_ALL"
	disp=$(kernel_prog ux1)
	p=$(ctl --json status --maps ux1 | jq -c '.interfaces[0].unmanaged[0].programs[0]')
	want=$(bpftool -j prog show id "$(jq .programId <<< "$p")" | jq -c '.map_ids // [] | sort')
	[ "$(jq -c '[.maps[].id] | sort' <<< "$p")" = "$want" ]
	[ "$(kernel_prog ux1)" = "$disp" ]
}
