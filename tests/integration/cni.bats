#!/usr/bin/env bats
# The xdplink CNI plugin, run the way a runtime runs a conflist: the
# reference bridge plugin (with host-local IPAM) creates the container's
# eth0 and puts its peer on a bridge, then xdplink gets the bridge's result
# as prevResult. Everything runs in namespaces of our own: $NSB from
# daemon-helpers.bash is the "host" (the daemon, the bridge, the plugins),
# $CNS the container. One program per interface, so that it runs where the
# kernel refuses freplace, except for the tests of several programs next to
# another owner's, which skip there (make check-kernel KERNEL_SUITES=cni
# runs them in the VM).

load daemon-helpers

CNI_PLUGINS=/usr/lib/cni
XDPLINK_CNI=$BUILD/xdplink-cni

setup() {
	[ -x "$CNI_PLUGINS/bridge" ] || skip "containernetworking-plugins is not installed"
	daemon_setup
	daemon_start
	CNS=xlc$$_$BATS_TEST_NUMBER
	CID=ctr$$-$BATS_TEST_NUMBER
	NET=10.250.$BATS_TEST_NUMBER
	BR=xlbr$BATS_TEST_NUMBER
	ip netns add "$CNS"
	# No IPv6 chatter (DAD, MLD) reaches the container: counts are exact.
	ip netns exec "$CNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$CNS" link set lo up
}

teardown() {
	ip netns del "$CNS" 2>/dev/null || true
	# $NSB goes too, and with it the bridge and the veth's host end.
	daemon_teardown
}

# plugin PLUGIN COMMAND [VAR=VALUE...] < CONFIG: run a plugin in the host
# namespace as a runtime would; the variables override the defaults.
plugin() {
	local p=$1 cmd=$2
	shift 2
	ip netns exec "$NSB" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$CID" \
		CNI_NETNS="/run/netns/$CNS" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGINS" "$@" "$p"
}
xdplink() { plugin "$XDPLINK_CNI" "$@"; }

bridge_conf() {
	jq -n --arg br "$BR" --arg subnet "$NET.0/24" --arg dir "$BATS_TEST_TMPDIR/ipam" \
		'{cniVersion: "1.0.0", name: "xltest", type: "bridge", bridge: $br,
		  isGateway: true, ipMasq: false,
		  ipam: {type: "host-local", subnet: $subnet, dataDir: $dir}}'
}

# xdplink_conf PROGRAM... : our plugin's configuration, with the bridge's
# result as prevResult when there is one (as libcni builds it for the
# second plugin of a list). $VERSION overrides cniVersion.
xdplink_conf() {
	local prev=null progs
	[ -s "$BATS_TEST_TMPDIR/bridge.out" ] && prev=$(cat "$BATS_TEST_TMPDIR/bridge.out")
	progs=$(printf '%s\n' "$@" | jq -R --arg obj "$OBJ" \
		'{object: $obj, program: ., priority: 10, actions: ["pass"]}' | jq -s .)
	jq -n --arg v "${VERSION:-1.0.0}" --arg sock "$SOCK" --argjson prev "$prev" \
		--argjson progs "$progs" \
		'{cniVersion: $v, name: "xltest", type: "xdplink", socket: $sock, mode: "skb",
		  programs: $progs} + (if $prev then {prevResult: $prev} else {} end)'
}

# The container's network, as the first plugin of the list makes it, with
# permanent neighbours both ways so that only the test's packets cross.
# The plugin takes a bridge that exists as it is: ours has no multicast
# snooping, which would have it join 224.0.0.106 and flood the IGMP
# reports to the container (the program would count them).
bridge_add() {
	ip -n "$NSB" link add "$BR" type bridge mcast_snooping 0
	bridge_conf | plugin "$CNI_PLUGINS/bridge" ADD > "$BATS_TEST_TMPDIR/bridge.out"
	CIP=$(jq -r '.ips[0].address | split("/")[0]' "$BATS_TEST_TMPDIR/bridge.out")
	ip -n "$NSB" neigh replace "$CIP" dev "$BR" nud permanent \
		lladdr "$(ip -n "$CNS" -j link show eth0 | jq -r '.[0].address')"
	ip -n "$CNS" neigh replace "$NET.1" dev eth0 nud permanent \
		lladdr "$(ip -n "$NSB" -j link show "$BR" | jq -r '.[0].address')"
}

# add_container PROGRAM...: bridge, then xdplink; its result in $ADD_OUT.
add_container() {
	bridge_add
	ADD_OUT=$BATS_TEST_TMPDIR/xdplink.out
	xdplink_conf "$@" | xdplink ADD > "$ADD_OUT"
}

send_udp_to_container() {
	ip netns exec "$NSB" bash -c \
		"for ((i = 0; i < $1; i++)); do echo -n x > /dev/udp/$CIP/9; done" 2>/dev/null
	sleep 0.2
}

# Where the daemon pinned the test programs' trace map (packets reads $MAPS).
find_trace_map() {
	MAPS=$(dirname "$(find "$ROOT/maps" -name xl_test_trace | head -n 1)")
}
xdp_prog_on_eth0() { ip -n "$CNS" -d -j link show eth0 | jq '.[0].xdp.prog.id // 0'; }
eth0_status() { ctl --netns "$CNS" --json status eth0; }
# cni_error FIELD: of the error object run left in $output.
cni_error() { echo "$output" | jq -r ".$1"; }

@test "ADD attaches the program to the container's eth0, labelled, and passes prevResult on" {
	add_container xl_pass_3
	# The result is the bridge's, unchanged.
	[ "$(jq -S . "$ADD_OUT")" = "$(jq -S . "$BATS_TEST_TMPDIR/bridge.out")" ]
	[ "$(xdp_prog_on_eth0)" != 0 ]
	st=$(eth0_status)
	[ "$(echo "$st" | jq '.interfaces[0].attachments | length')" -eq 1 ]
	[ "$(echo "$st" | jq -r '.interfaces[0].attachments[0].label')" = "cni:$CID" ]
	[ "$(echo "$st" | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_3 ]
	[ "$(echo "$st" | jq -r '.interfaces[0].attachments[0].lifetime')" = pinned ]
	[ "$(echo "$st" | jq -r '.interfaces[0].mode')" = skb ]
	[ "$(echo "$st" | jq '.interfaces[0].entryProgramId')" = "$(xdp_prog_on_eth0)" ]
	# Traffic from the host side to the container's address runs it.
	find_trace_map
	before=$(packets 3)
	send_udp_to_container 5
	[ "$(packets 3)" -eq $((before + 5)) ]
	# Nothing of the host namespace got a program.
	[ "$(ip -n "$NSB" -d -j link show "$BR" | jq '.[0].xdp.prog.id // 0')" = 0 ]
}

@test "ADD as the first plugin of a list prints an empty result of the config's version" {
	ip -n "$CNS" link add eth0 type veth peer name eth1
	ip -n "$CNS" link set eth0 up
	VERSION=0.4.0 xdplink_conf xl_pass_4 > "$BATS_TEST_TMPDIR/c.json"
	xdplink ADD < "$BATS_TEST_TMPDIR/c.json" > "$BATS_TEST_TMPDIR/out"
	[ "$(jq -c . "$BATS_TEST_TMPDIR/out")" = '{"cniVersion":"0.4.0"}' ]
	[ "$(eth0_status | jq -r '.interfaces[0].attachments[0].name')" = xl_pass_4 ]
}

@test "CHECK passes while the programs run, and names what is missing after a manual detach" {
	add_container xl_pass_5
	xdplink_conf xl_pass_5 > "$BATS_TEST_TMPDIR/c.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	# The config names another program: CHECK says which.
	xdplink_conf xl_pass_6 > "$BATS_TEST_TMPDIR/c.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error code)" -eq 999 ]
	[[ "$(cni_error msg)" == *"xl_pass_6 (programs[0]) is not attached"*"xl_pass_5"* ]]
	ctl --netns "$CNS" detach eth0 --all
	xdplink_conf xl_pass_5 > "$BATS_TEST_TMPDIR/c.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error code)" -eq 999 ]
	[ "$(cni_error msg)" = "eth0: xl_pass_5 (programs[0]) is not attached with label cni:$CID" ]
	# CHECK came with spec 0.4.0.
	VERSION=0.3.1 xdplink_conf xl_pass_5 > "$BATS_TEST_TMPDIR/c.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 1 ]
}

@test "DEL detaches only the container's programs; DEL again, of another interface or without a namespace is fine" {
	add_container xl_pass_7
	xdplink_conf xl_pass_7 > "$BATS_TEST_TMPDIR/c.json"
	# Another container's DEL, and one of an interface that does not exist, leave it.
	run xdplink DEL CNI_CONTAINERID=someone-else < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run xdplink DEL CNI_IFNAME=eth9 < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	[ "$(xdp_prog_on_eth0)" != 0 ]
	run xdplink DEL < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	[ "$(xdp_prog_on_eth0)" = 0 ]
	[ "$(eth0_status | jq '.interfaces[0].attachments | length')" -eq 0 ]
	# The runtime goes on down the list: the bridge's DEL after ours.
	bridge_conf | plugin "$CNI_PLUGINS/bridge" DEL
	run xdplink DEL < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run xdplink DEL CNI_NETNS= < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "DEL after the container's namespace is deleted succeeds, and the daemon forgets the programs" {
	add_container xl_pass_8
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 1 ]
	xdplink_conf xl_pass_8 > "$BATS_TEST_TMPDIR/c.json"
	ip netns del "$CNS"
	run xdplink DEL < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	for _ in $(seq 1 20); do
		[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(ctl --json status | jq '.interfaces | length')" -eq 0 ]
}

@test "a failed ADD returns the daemon's message and leaves nothing of its own attached" {
	bridge_add
	xdplink_conf xl_no_such_prog > "$BATS_TEST_TMPDIR/c.json"
	run xdplink ADD < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error code)" -eq 999 ]
	[[ "$(cni_error msg)" == "changing the container's programs on eth0: "*xl_no_such_prog* ]]
	[ "$(cni_error details)" = io.xdplink.Manager.ProgramNotFound ]
	[ "$(xdp_prog_on_eth0)" = 0 ]
	# Two programs where the kernel refuses freplace: the one Change is
	# refused as a whole, so nothing was ever attached.
	if [ "$(ctl --json version | jq .daemon.freplace)" = false ]; then
		xdplink_conf xl_pass_1 xl_pass_2 > "$BATS_TEST_TMPDIR/c.json"
		run xdplink ADD < "$BATS_TEST_TMPDIR/c.json"
		[ "$status" -eq 1 ]
		[ "$(cni_error code)" -eq 999 ]
		[[ "$(cni_error msg)" == "changing the container's programs on eth0: "* ]]
		[ "$(xdp_prog_on_eth0)" = 0 ]
		[ "$(eth0_status | jq '.interfaces[0].attachments | length')" -eq 0 ]
	fi
}

@test "ADD with the daemon unreachable asks to try again later; a bad namespace is refused" {
	bridge_add
	xdplink_conf xl_pass_1 | jq '.socket = "/nonexistent/xdplinkd.sock"' \
		> "$BATS_TEST_TMPDIR/c.json"
	run xdplink ADD < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error code)" -eq 11 ]
	[[ "$(cni_error msg)" == "cannot connect to xdplinkd at /nonexistent/xdplinkd.sock: "* ]]
	# A namespace that is not there: the container is unknown (code 3).
	run xdplink ADD CNI_NETNS=/run/netns/no-such-ns-$$ < "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 3 ]
	# A file that is not a network namespace: a bad CNI_NETNS (code 4).
	run xdplink ADD CNI_NETNS=/etc/hostname < "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 4 ]
	[ "$(cni_error msg)" = "CNI_NETNS /etc/hostname is not a network namespace" ]
}

# The container's attachments and the other owner's, for the checks below.
labelled_names() {
	eth0_status | jq -r --arg l "cni:$CID" \
		'[.interfaces[0].attachments[] | select(.label == $l) | .name] | join(",")'
}
eth0_revision() { eth0_status | jq '.interfaces[0].revision'; }
# The other owner's attachment, as "id programId" (it must never change).
fw_attachment() {
	eth0_status | jq -r '.interfaces[0].attachments[] | select(.label == "fw") |
		"\(.id) \(.programId)"'
}
# change_events: the Monitor events of eth0 so far, one compact line each.
change_events() {
	jq -c 'select(.interface == "eth0") | {type, revision, added, removed}' \
		"$BATS_TEST_TMPDIR/events"
}

@test "ADD of 3 programs next to another owner's is one revision; ADD again with 2 others swaps them in one" {
	[ "$(ctl --json version | jq .daemon.freplace)" = true ] ||
		skip "several programs per interface need freplace (run it in the VM)"
	bridge_add
	# Another owner's program runs on the container's interface first.
	ctl --netns "$CNS" attach eth0 "$OBJ" --prog xl_pass_1 --priority 5 --label fw --mode skb
	fw=$(fw_attachment)
	rev=$(eth0_revision)
	"$XDPCTL" --socket "$SOCK" --json monitor > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	mon=$!
	sleep 0.5
	find_trace_map
	# ADD: the container's 3 programs, in one Change.
	xdplink_conf xl_pass_2 xl_pass_3 xl_pass_4 | xdplink ADD > "$BATS_TEST_TMPDIR/out"
	[ "$(eth0_revision)" -eq $((rev + 1)) ]
	[ "$(labelled_names)" = xl_pass_2,xl_pass_3,xl_pass_4 ]
	[ "$(fw_attachment)" = "$fw" ]
	[ "$(eth0_status | jq -r '.interfaces[0].attachments[0].label')" = fw ]
	# One link, updated in place: bpftool sees it run the new entry program.
	link=$(eth0_status | jq '.interfaces[0].linkId')
	[ "$(bpftool -j link show id "$link" | jq .prog_id)" = \
		"$(eth0_status | jq '.interfaces[0].entryProgramId')" ]
	[ "$(xdp_prog_on_eth0)" = "$(eth0_status | jq '.interfaces[0].entryProgramId')" ]
	first_ids=$(eth0_status | jq -c --arg l "cni:$CID" \
		'[.interfaces[0].attachments[] | select(.label == $l) | .id]')
	# Each of the four runs on the container's traffic.
	for p in 1 2 3 4 5 6; do eval "b$p=\$(packets $p)"; done
	send_udp_to_container 5
	[ "$(packets 1)" -eq $((b1 + 5)) ] && [ "$(packets 2)" -eq $((b2 + 5)) ]
	[ "$(packets 3)" -eq $((b3 + 5)) ] && [ "$(packets 4)" -eq $((b4 + 5)) ]
	# The same ADD again changes nothing: no revision.
	xdplink_conf xl_pass_2 xl_pass_3 xl_pass_4 | xdplink ADD > /dev/null
	[ "$(eth0_revision)" -eq $((rev + 1)) ]
	# ADD again with 2 other programs: one revision swaps the container's set.
	xdplink_conf xl_pass_5 xl_pass_6 | xdplink ADD > /dev/null
	[ "$(eth0_revision)" -eq $((rev + 2)) ]
	[ "$(labelled_names)" = xl_pass_5,xl_pass_6 ]
	[ "$(fw_attachment)" = "$fw" ]
	[ "$(eth0_status | jq '.interfaces[0].linkId')" = "$link" ]
	[ "$(bpftool -j link show id "$link" | jq .prog_id)" = \
		"$(eth0_status | jq '.interfaces[0].entryProgramId')" ]
	for p in 1 2 3 4 5 6; do eval "b$p=\$(packets $p)"; done
	send_udp_to_container 5
	[ "$(packets 1)" -eq $((b1 + 5)) ]
	[ "$(packets 2)" -eq "$b2" ] && [ "$(packets 4)" -eq "$b4" ]
	[ "$(packets 5)" -eq $((b5 + 5)) ] && [ "$(packets 6)" -eq $((b6 + 5)) ]
	# CHECK: the new configuration passes, the old one is named as missing.
	xdplink_conf xl_pass_5 xl_pass_6 > "$BATS_TEST_TMPDIR/c.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	xdplink_conf xl_pass_2 xl_pass_3 xl_pass_4 > "$BATS_TEST_TMPDIR/old.json"
	run xdplink CHECK < "$BATS_TEST_TMPDIR/old.json"
	[ "$status" -eq 1 ]
	[[ "$(cni_error msg)" == "eth0: xl_pass_2 (programs[0]) is not attached with label cni:$CID"* ]]
	[ "$(eth0_revision)" -eq $((rev + 2)) ]
	# DEL: one revision, and the other owner's program stays.
	xdplink DEL < "$BATS_TEST_TMPDIR/c.json"
	[ "$(eth0_revision)" -eq $((rev + 3)) ]
	[ "$(labelled_names)" = "" ]
	[ "$(fw_attachment)" = "$fw" ]
	sleep 0.5
	kill -INT "$mon"; wait "$mon" || true
	# One event per Change, each with the whole batch.
	change_events > "$BATS_TEST_TMPDIR/ev"
	cat "$BATS_TEST_TMPDIR/ev"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/ev")" -eq 3 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/ev" | jq -c .added)" = "$first_ids" ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/ev" | jq -c .removed)" = "[]" ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/ev" | jq -c '.removed | sort')" = "$first_ids" ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/ev" | jq '.added | length')" -eq 2 ]
	[ "$(sed -n 3p "$BATS_TEST_TMPDIR/ev" | jq '.removed | length')" -eq 2 ]
}

@test "a refused ADD again leaves the container's running set and the other owner's as they were" {
	[ "$(ctl --json version | jq .daemon.freplace)" = true ] ||
		skip "several programs per interface need freplace (run it in the VM)"
	bridge_add
	ctl --netns "$CNS" attach eth0 "$OBJ" --prog xl_pass_1 --priority 5 --label fw --mode skb
	xdplink_conf xl_pass_2 xl_pass_3 | xdplink ADD > /dev/null
	rev=$(eth0_revision)
	before=$(eth0_status | jq -c '[.interfaces[0].attachments[] | {id, programId}]')
	# The second of the new programs does not exist: the whole Change is refused.
	xdplink_conf xl_pass_4 xl_no_such_prog > "$BATS_TEST_TMPDIR/c.json"
	run xdplink ADD < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error details)" = io.xdplink.Manager.ProgramNotFound ]
	[ "$(eth0_revision)" -eq "$rev" ]
	[ "$(eth0_status | jq -c '[.interfaces[0].attachments[] | {id, programId}]')" = "$before" ]
}

@test "VERSION lists the spec versions it speaks" {
	run env CNI_COMMAND=VERSION "$XDPLINK_CNI" < /dev/null
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c .)" = \
		'{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0"]}' ]
}

# bad_config JQ-FILTER CODE MESSAGE: ADD of a config changed by the filter
# fails with this code and message, and attaches nothing.
bad_config() {
	xdplink_conf xl_pass_1 | jq "$1" > "$BATS_TEST_TMPDIR/bad.json"
	run xdplink ADD < "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 1 ] || return 1
	[ "$(cni_error code)" -eq "$2" ] || { echo "$output"; return 1; }
	[ "$(cni_error msg)" = "$3" ] || { echo "$output"; return 1; }
	[ "$(cni_error cniVersion)" = 1.0.0 ]
}

@test "bad network configurations are refused with code 7 and a message naming the mistake" {
	ip -n "$CNS" link add eth0 type veth peer name eth1
	bad_config '.programs[0].object = "xl_test_progs.bpf.o"' 7 \
		"programs[0].object: 'xl_test_progs.bpf.o' is not an absolute path"
	bad_config '.programs[0].priority = 1001' 7 \
		"programs[0].priority: expected an integer from 0 to 1000"
	bad_config '.programs[0].actions = ["pass", "accept"]' 7 \
		"programs[0].actions[1]: unknown action 'accept' (aborted, drop, pass, tx, redirect)"
	bad_config '.programs[0].label = "mine"' 7 \
		"programs[0]: unknown key 'label' (object, program, priority, actions)"
	bad_config '.mode = "offload"' 7 "mode: 'offload' is neither native nor skb"
	bad_config '.programs = []' 7 "programs: expected an array of 1 to 63 programs"
	bad_config 'del(.name)' 7 "name: expected a non-empty string"
	bad_config '.cniVersion = "0.2.0"' 1 \
		"unsupported cniVersion '0.2.0' (0.3.0, 0.3.1, 0.4.0 or 1.0.0)"
	# Not JSON at all: "failed to decode".
	run xdplink ADD <<< '{"cniVersion": "1.0.0",'
	[ "$(cni_error code)" -eq 6 ]
	[ "$(ip -n "$CNS" -d -j link show eth0 | jq '.[0].xdp.prog.id // 0')" = 0 ]
}

@test "a missing or unknown environment is refused with code 4, naming the variables" {
	xdplink_conf xl_pass_1 > "$BATS_TEST_TMPDIR/c.json"
	run env -i "$XDPLINK_CNI" < "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 1 ]
	[ "$(cni_error code)" -eq 4 ]
	[ "$(cni_error msg)" = "required env variable CNI_COMMAND missing" ]
	run env -i CNI_COMMAND=ATTACH "$XDPLINK_CNI" < "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 4 ]
	[ "$(cni_error msg)" = "unknown CNI_COMMAND 'ATTACH' (ADD, DEL, CHECK or VERSION)" ]
	run env -i CNI_COMMAND=ADD CNI_CONTAINERID=x CNI_PATH=/usr/lib/cni "$XDPLINK_CNI" \
		< "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 4 ]
	[ "$(cni_error msg)" = "required env variables [CNI_NETNS,CNI_IFNAME] missing" ]
	run xdplink ADD CNI_CONTAINERID='a b' < "$BATS_TEST_TMPDIR/c.json"
	[ "$(cni_error code)" -eq 4 ]
	[[ "$(cni_error msg)" == "invalid CNI_CONTAINERID 'a b': "* ]]
}

@test "--help names the man page" {
	run "$XDPLINK_CNI" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"xdplink(8)"* ]]
}
