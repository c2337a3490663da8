#!/usr/bin/env bats
# config/kubernetes/: the DaemonSet, the ConfigMap and the CNI conflist,
# held to what they promise. The YAML is parsed (python3-yaml) and checked:
# not privileged, capabilities listed, the mounts the daemon's paths need.
# Then the daemon runs with exactly the DaemonSet's capabilities (setpriv,
# in a namespace of ours) and must apply the ConfigMap's interfaces.d file,
# laid out as the kubelet lays out a ConfigMap volume, and hold the program
# that the conflist's chain (bridge, then xdplink) puts on a container.

bats_require_minimum_version 1.5.0
load daemon-helpers

K8S=$REPO/config/kubernetes
CNI_PLUGINS=/usr/lib/cni
XDPLINK_CNI=$BUILD/xdplink-cni
# Where the manifests expect the nodes' objects; the tests read them from
# xdp-tools' directory instead.
OBJDIR=/var/lib/xdplink/bpf

setup() {
	python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"
	daemon_setup
	DS=$BATS_TEST_TMPDIR/daemonset.json
	CM=$BATS_TEST_TMPDIR/configmap.json
	yaml2json "$K8S/daemonset.yaml" > "$DS"
	yaml2json "$K8S/configmap.yaml" > "$CM"
	CNS=
}

teardown() {
	[ -z "$CNS" ] || ip netns del "$CNS" 2>/dev/null || true
	daemon_teardown
}

# yaml2json FILE: the file's only document as JSON.
yaml2json() {
	python3 -c 'import json, sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
assert len(docs) == 1, "one document per file"
json.dump(docs[0], sys.stdout)' "$1"
}

# The daemon container's spec, and every container's (init containers too).
daemon_container() { jq '.spec.template.spec.containers[] | select(.name == "xdplinkd")' "$DS"; }
all_containers() { jq '.spec.template.spec | (.initContainers // []) + .containers | .[]' "$DS"; }
# mount_of PATH: the daemon container's volumeMount at PATH.
mount_of() { daemon_container | jq -c --arg p "$1" '.volumeMounts[] | select(.mountPath == $p)'; }
volume() { jq -c --arg n "$1" '.spec.template.spec.volumes[] | select(.name == $n)' "$DS"; }
# conf_value SECTION KEY: from the shipped xdplinkd.conf, which the image keeps.
conf_value() {
	awk -v s="[$1]" -v k="$2" '/^\[/ { in_s = ($0 == s) }
		in_s && $1 == k { sub(/^[^=]*= */, ""); print }' "$REPO/config/xdplinkd.conf"
}
# setpriv's capability list: the DaemonSet's, as +name (setpriv leaves out
# those this host's bounding set lacks: it cannot grant them).
ds_caps() {
	daemon_container | jq -r '"-all" + (.securityContext.capabilities.add |
		map(",+" + ascii_downcase) | join(""))'
}

# daemon_start_ds [OPTION...]: daemon_start, with the DaemonSet's capabilities only.
daemon_start_ds() {
	nsenter --net="/run/netns/$NSB" setpriv --bounding-set "$(ds_caps)" --inh-caps -all -- \
		"$XDPLINKD" --config "$CONF" --socket "$SOCK" --bpffs-root "$ROOT" \
		--state-dir "$STATE" "$@" >>"$DLOG" 2>&1 3>&- &
	DAEMON_PID=$!
	daemon_wait_ready
}

# configmap_volume DIR: the ConfigMap as the kubelet mounts it: a timestamped
# directory, the ..data link to it, and one link per key through ..data; the
# objects' directory rewritten to xdp-tools'.
configmap_volume() {
	local dir=$1 ts=..2026_12_05_00_00_00.1 key

	mkdir -p "$dir/$ts"
	for key in $(jq -r '.data | keys[]' "$CM"); do
		jq -r --arg k "$key" '.data[$k]' "$CM" | sed "s#$OBJDIR/#$SYS_BPF/#" > "$dir/$ts/$key"
		ln -s "..data/$key" "$dir/$key"
	done
	ln -s "$ts" "$dir/..data"
}

@test "daemonset: not privileged, capabilities listed, host network, no host pid" {
	[ "$(jq -r .kind "$DS")" = DaemonSet ]
	[ "$(jq .spec.template.spec.hostNetwork "$DS")" = true ]
	[ "$(jq '.spec.template.spec.hostPID // false' "$DS")" = false ]
	[ "$(all_containers | jq -s 'map(.securityContext.privileged // false) | any')" = false ]
	[ "$(all_containers | jq -s 'map(.securityContext.allowPrivilegeEscalation) | all(. == false)')" = true ]
	[ "$(all_containers | jq -s 'map(.securityContext.capabilities.drop == ["ALL"]) | all')" = true ]
	caps=$(daemon_container | jq -r '.securityContext.capabilities.add | sort | join(" ")')
	[ "$caps" = "BPF CHOWN NET_ADMIN NET_BROADCAST PERFMON SYS_ADMIN SYS_RESOURCE" ]
	# Names as Kubernetes spells them: no CAP_ prefix, which it would pass on as CAP_CAP_*.
	[[ "$caps" != *CAP_* ]]
}

@test "daemonset: the daemon's paths are mounted from the node" {
	bpffs=$(mount_of /sys/fs/bpf)
	[ "$(jq -r .mountPropagation <<<"$bpffs")" = HostToContainer ]
	[ "$(volume "$(jq -r .name <<<"$bpffs")" | jq -r .hostPath.path)" = /sys/fs/bpf ]
	[[ "$(conf_value Engine BpffsRoot)" == /sys/fs/bpf/* ]]
	run=$(mount_of /run/xdplinkd)
	[ "$(volume "$(jq -r .name <<<"$run")" | jq -r .hostPath.path)" = /run/xdplinkd ]
	[[ "$(conf_value Engine StateDir)" == /run/xdplinkd/* ]]
	[[ "$(conf_value Socket Path)" == /run/xdplinkd/* ]]
	# The CNI plugin's default socket is the one the node sees.
	grep -q "$(conf_value Socket Path)" "$REPO/docs/man/xdplink.8"
	netns=$(mount_of /run/netns)
	[ "$(volume "$(jq -r .name <<<"$netns")" | jq -r .hostPath.path)" = /run/netns ]
	ifaces=$(mount_of "$(conf_value Engine InterfacesDir)")
	[ "$(volume "$(jq -r .name <<<"$ifaces")" | jq -r .configMap.name)" = \
		"$(jq -r .metadata.name "$CM")" ]
	[ -n "$(mount_of "$OBJDIR")" ]
	# The init container installs the plugin into the node's CNI bin directory.
	init=$(jq -c '.spec.template.spec.initContainers[0]' "$DS")
	[[ "$(jq -r '.command | join(" ")' <<<"$init")" == *"/host/opt/cni/bin/xdplink"* ]]
	for p in /host/opt/cni/bin /host/etc/cni/net.d; do
		name=$(jq -r --arg p "$p" '.volumeMounts[] | select(.mountPath == $p) | .name' <<<"$init")
		[ "$(volume "$name" | jq -r .hostPath.path)" = "${p#/host}" ]
	done
}

@test "configmap: its interfaces.d file is applied by a daemon with the DaemonSet's capabilities" {
	dir=$BATS_TEST_TMPDIR/interfaces.d
	configmap_volume "$dir"
	# The file's interface, in the daemon's namespace (the node's, with hostNetwork).
	ifname=$(jq -r '.data[]' "$CM" | awk '/^Name *=/ { print $3; exit }')
	[ -n "$ifname" ]
	veth_in_nsb "$ifname" "$ifname-p"
	CONF=$BATS_TEST_TMPDIR/xdplinkd.conf
	sed "s#^InterfacesDir = .*#InterfacesDir = $dir#" "$REPO/config/xdplinkd.conf" > "$CONF"
	# The parser's verdict first, then the running daemon's.
	run --separate-stderr "$XDPLINKD" --check-config --config "$CONF"
	[ "$status" -eq 0 ] || { echo "$stderr" >&2; false; }
	daemon_start_ds
	for _ in $(seq 50); do
		[ "$(ctl --json status "$ifname" | jq '.interfaces[0].attachments | length')" = 1 ] && break
		sleep 0.1
	done
	st=$(ctl --json status "$ifname")
	[ "$(jq -r '.interfaces[0].attachments[0].name' <<<"$st")" = xdpfilt_alw_all ]
	[ "$(jq -r '.interfaces[0].attachments[0].owner' <<<"$st")" = config:10-uplink.conf ]
	[ "$(jq -r '.interfaces[0].mode' <<<"$st")" = native ]
	[ "$(ip -n "$NSB" -d -j link show "$ifname" | jq '.[0].xdp.prog.id')" = \
		"$(jq '.interfaces[0].entryProgramId' <<<"$st")" ]
}

@test "conflist: bridge then xdplink, run as a runtime runs the list; the daemon holds the program" {
	[ -x "$CNI_PLUGINS/bridge" ] || skip "containernetworking-plugins is not installed"
	list=$K8S/xdplink.conflist
	[ "$(jq -r '[.plugins[].type] | join(",")' "$list")" = bridge,xdplink ]
	[ "$(jq -r '.plugins[0].ipam.type' "$list")" = host-local ]
	# The plugin finds the daemon at its default socket, the DaemonSet's.
	[ "$(jq '.plugins[1] | has("socket")' "$list")" = false ]
	daemon_start_ds
	CNS=xlm$$_$BATS_TEST_NUMBER
	CID=ctr$$-$BATS_TEST_NUMBER
	ip netns add "$CNS"
	ip netns exec "$CNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	# The list as it stands, but for where host-local keeps its leases and
	# where the objects are (a runtime would not change either).
	jq --arg dir "$BATS_TEST_TMPDIR/ipam" --arg od "$OBJDIR/" --arg sd "$SYS_BPF/" '
		.plugins[0].ipam.dataDir = $dir |
		.plugins[1].programs[].object |= sub("^" + $od; $sd)' "$list" > "$BATS_TEST_TMPDIR/list"
	prev=null
	for i in 0 1; do
		run_plugin "$i" ADD "$prev" > "$BATS_TEST_TMPDIR/out$i"
		prev=$(cat "$BATS_TEST_TMPDIR/out$i")
	done
	# xdplink passes the bridge's result on unchanged.
	[ "$(jq -S . "$BATS_TEST_TMPDIR/out1")" = "$(jq -S . "$BATS_TEST_TMPDIR/out0")" ]
	st=$(ctl --netns "$CNS" --json status eth0)
	[ "$(jq -r '.interfaces[0].attachments[0].label' <<<"$st")" = "cni:$CID" ]
	[ "$(jq -r '.interfaces[0].attachments[0].name' <<<"$st")" = xdpfilt_alw_all ]
	prog=$(ip -n "$CNS" -d -j link show eth0 | jq '.[0].xdp.prog.id // 0')
	[ "$prog" != 0 ]
	[ "$prog" = "$(jq '.interfaces[0].entryProgramId' <<<"$st")" ]
	[ "$(bpftool -j prog show id "$prog" | jq -r .name)" = xdpfilt_alw_all ]
	# The program passes: a datagram from the node reaches a socket in the container.
	cip=$(jq -r '.ips[0].address | split("/")[0]' "$BATS_TEST_TMPDIR/out0")
	ip netns exec "$CNS" timeout 10 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
open(sys.argv[1], "w").close()
print(s.recv(100).decode())' "$BATS_TEST_TMPDIR/listening" > "$BATS_TEST_TMPDIR/got" 3>&- &
	listener=$!
	for _ in $(seq 50); do [ -e "$BATS_TEST_TMPDIR/listening" ] && break; sleep 0.1; done
	for _ in 1 2 3; do
		ip netns exec "$NSB" bash -c "echo -n through > /dev/udp/$cip/9999" 2>/dev/null || true
		sleep 0.3
	done
	wait "$listener"
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = through ]
	# DEL in reverse order, as a runtime does: the program goes, then the veth.
	run_plugin 1 DEL "$prev"
	[ "$(ip -n "$CNS" -d -j link show eth0 | jq '.[0].xdp.prog.id // 0')" = 0 ]
	run_plugin 0 DEL "$prev"
	! ip -n "$CNS" link show eth0 2>/dev/null
}

# run_plugin I COMMAND PREVRESULT: the list's plugin I, given the list's
# cniVersion and name (and prevResult), in the "host" namespace $NSB.
run_plugin() {
	local conf

	conf=$(jq --argjson prev "$3" --argjson i "$1" '.plugins[$i] + {cniVersion, name} +
		(if $prev then {prevResult: $prev} else {} end)' "$BATS_TEST_TMPDIR/list")
	plugin=$CNI_PLUGINS/$(jq -r .type <<<"$conf")
	[ "$(jq -r .type <<<"$conf")" = xdplink ] && plugin=$XDPLINK_CNI
	ip netns exec "$NSB" env CNI_COMMAND="$2" CNI_CONTAINERID="$CID" \
		CNI_NETNS="/run/netns/$CNS" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGINS" \
		XDPLINKD_SOCKET="$SOCK" "$plugin" <<<"$conf"
}
