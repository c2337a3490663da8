#!/usr/bin/env bats
# config/container/Containerfile (issue 14): podman builds the daemon's image
# from the Debian packages; the daemon runs in it with exactly the
# capabilities config/kubernetes/daemonset.yaml lists, the host's bpffs and
# a socket directory mounted; xdpctl attaches a program through it to the
# container's loopback, and the image's own xdpctl (the DaemonSet's probe)
# answers.
#
# How it runs on this machine, and why:
# - No registry is reachable, so BASE is not debian:bookworm-slim but a
#   bookworm root that mmdebstrap builds from Debian's archive with the
#   package's dependencies, imported with `podman import`; APT_UPDATE=0.
#   That costs one to two minutes; XL_CONTAINER_BASE=IMAGE uses an image
#   that holds them already.
# - crun, podman's default runtime, cannot start a container here:
#   `crun: setrlimit RLIMIT_NOFILE: Operation not permitted` (podman asks
#   for a hard limit above ours and we lack CAP_SYS_RESOURCE), and with
#   --ulimit values below ours `crun: cgroups in hybrid mode not supported,
#   drop all controllers from cgroupv2`. runc with those --ulimit values
#   works. The test tries podman's default first and falls back to runc; it
#   skips, quoting both errors, when neither runs a container.
# The packages: package.bats leaves them in $XL_BUILD/debs; without them
# this suite builds its own. Runs once per CI run, like package.bats.

load daemon-helpers
load package-helpers

setup_file() {
	local debs=$BUILD/debs base
	# Exported: each test runs in a process of its own, with its own $$.
	export TAG=localhost/xdplinkd-test:$$
	export CTX=$BATS_FILE_TMPDIR/ctx
	mkdir -p "$CTX"
	command -v podman >/dev/null || return 0
	if ! ls "$debs"/xdplinkd_*.deb >/dev/null 2>&1; then
		debs=$BATS_FILE_TMPDIR
		pkg_build "$debs" || { touch "$BATS_FILE_TMPDIR/build-failed"; return 0; }
	fi
	cp "$debs"/xdplinkd_*_"$ARCH".deb "$CTX/"
	base=${XL_CONTAINER_BASE:-}
	if [ -z "$base" ]; then
		base=localhost/xdplinkd-test-base:$$
		# The daemon's dependencies, minus systemd: the first provider of
		# sysusers; the light one is named instead.
		deps=$(dpkg-deb -f "$CTX"/xdplinkd_*.deb Depends | tr ',' '\n' |
			sed 's/([^)]*)//g; s/|.*//; s/ //g' | grep -vx systemd | tr '\n' ' ')
		if ! mmdebstrap --variant=minbase --include="systemd-standalone-sysusers $deps" \
			bookworm "$BATS_FILE_TMPDIR/base.tar" >"$BATS_FILE_TMPDIR/base.log" 2>&1 ||
			! podman import "$BATS_FILE_TMPDIR/base.tar" "$base" >>"$BATS_FILE_TMPDIR/base.log" 2>&1; then
			touch "$BATS_FILE_TMPDIR/base-failed"
			return 0
		fi
		echo "$base" >"$BATS_FILE_TMPDIR/base-image"
	fi
	# podman's default runtime first; runc where that cannot run anything.
	# podman-global: podman's own options; podman-limits: run's and build's.
	echo "podman's default runtime" >"$BATS_FILE_TMPDIR/runtime"
	: >"$BATS_FILE_TMPDIR/podman-global"
	: >"$BATS_FILE_TMPDIR/podman-limits"
	if ! podman run --rm "$base" true >"$BATS_FILE_TMPDIR/default-run.log" 2>&1; then
		echo "--runtime runc" >"$BATS_FILE_TMPDIR/podman-global"
		echo "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024" >"$BATS_FILE_TMPDIR/podman-limits"
		echo "runc, since the default failed: $(head -1 "$BATS_FILE_TMPDIR/default-run.log")" \
			>"$BATS_FILE_TMPDIR/runtime"
		xl_limits
		if ! xl_podman run "${XL_LIMITS[@]}" --rm "$base" true \
			>"$BATS_FILE_TMPDIR/runc-run.log" 2>&1; then
			touch "$BATS_FILE_TMPDIR/cannot-run"
			return 0
		fi
	fi
	xl_podman build "${XL_LIMITS[@]}" --build-arg BASE="$base" --build-arg APT_UPDATE=0 \
		-f "$REPO/config/container/Containerfile" -t "$TAG" "$CTX" \
		>"$BATS_FILE_TMPDIR/image.log" 2>&1 || touch "$BATS_FILE_TMPDIR/image-failed"
}

# xl_podman ARG...: podman with the runtime setup_file chose; XL_LIMITS
# (xl_limits): the --ulimit options its run and build need.
xl_podman() {
	local global=()
	read -r -a global <"$BATS_FILE_TMPDIR/podman-global" || true
	podman "${global[@]}" "$@"
}
xl_limits() {
	XL_LIMITS=()
	read -r -a XL_LIMITS <"$BATS_FILE_TMPDIR/podman-limits" || true
}

teardown_file() {
	podman rmi -f "$TAG" >/dev/null 2>&1 || true
	[ ! -f "$BATS_FILE_TMPDIR/base-image" ] ||
		podman rmi -f "$(cat "$BATS_FILE_TMPDIR/base-image")" >/dev/null 2>&1 || true
}

setup() {
	W=$BATS_FILE_TMPDIR
	command -v podman >/dev/null || skip "podman is not installed (tests/install-deps)"
	[ ! -e "$W/build-failed" ] || { tail -30 "$W/build.log" >&2; return 1; }
	[ ! -e "$W/base-failed" ] || { tail -30 "$W/base.log" >&2; return 1; }
	[ ! -e "$W/cannot-run" ] ||
		skip "podman cannot run a container here: $(head -1 "$W/default-run.log"); with runc: $(head -1 "$W/runc-run.log")"
	xl_limits
	CTR=
}

teardown() {
	if [ -n "$CTR" ]; then
		xl_podman rm -f "$CTR" >/dev/null 2>&1 || true
	fi
	[ -z "${CROOT:-}" ] || rm -rf "$CROOT"
}

# The capabilities the DaemonSet gives the daemon's container.
daemonset_caps() {
	awk '/command: \["\/usr\/sbin\/xdplinkd"\]/ { d = 1 }
		d && /^ *add:/ { a = 1; next }
		a && /^ *- [A-Z_]+ *$/ { print $2; next }
		a && !/^ *#/ { exit }' "$REPO/config/kubernetes/daemonset.yaml"
}

@test "podman builds the image from the Debian packages (Containerfile)" {
	[ ! -e "$W/image-failed" ] || { tail -30 "$W/image.log" >&2; return 1; }
	echo "# runtime: $(cat "$W/runtime")" >&3
	run xl_podman image inspect -f '{{.Config.Cmd}}' "$TAG"
	[ "$output" = "[/usr/sbin/xdplinkd]" ]
	# What the DaemonSet's containers run is in the image.
	run xl_podman run "${XL_LIMITS[@]}" --rm "$TAG" sh -c \
		'xdplinkd --version && xdpctl --version && test -x /usr/lib/cni/xdplink && getent group xdplinkd'
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	[[ "$output" == *"xdplinkd 0.1.0"* ]]
}

@test "the daemon runs in the image with the DaemonSet's capabilities; xdpctl attaches through it" {
	[ ! -e "$W/image-failed" ] || skip "no image (see the first test)"
	local caps sock run pid
	caps=$(daemonset_caps | paste -sd, -)
	[[ "$caps" == *BPF*NET_ADMIN* ]]
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	CROOT=/sys/fs/bpf/xlctr-$$-$BATS_TEST_NUMBER
	run=$BATS_TEST_TMPDIR/run
	mkdir -p "$run"
	sock=$run/io.xdplink.Manager
	CTR=xdplinkd-test-$$-$BATS_TEST_NUMBER
	xl_podman run "${XL_LIMITS[@]}" -d --name "$CTR" --network none \
		--cap-drop ALL --cap-add "$caps" \
		-v /sys/fs/bpf:/sys/fs/bpf -v "$run":/run/xdplinkd "$TAG" \
		/usr/sbin/xdplinkd --bpffs-root "$CROOT" >/dev/null
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || { xl_podman logs "$CTR" >&2; return 1; }
	pid=$(xl_podman inspect -f '{{.State.Pid}}' "$CTR")
	# The image's xdpctl, as the DaemonSet's probes run it.
	run xl_podman exec "$CTR" xdpctl --timeout 5 version
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	[[ "$output" == *"xdplinkd 0.1.0"* ]]
	# The host's xdpctl, on the container's loopback (the daemon enters
	# that namespace with the fd xdpctl passes).
	run "$BUILD/xdpctl" --socket "$sock" --netns "$pid" attach lo "$OBJ" --prog xl_pass_1 --mode skb
	[ "$status" -eq 0 ] || { echo "$output" >&2; xl_podman logs "$CTR" >&2; return 1; }
	prog=$("$BUILD/xdpctl" --socket "$sock" --netns "$pid" --json status lo |
		jq '[.. | objects | .attachments? // empty | .[]][0].programId')
	[ "$(nsenter -t "$pid" -n ip -j -d link show lo | jq '.[0].xdp.prog.id')" = "$prog" ]
	# Pinned on the host's bpffs, under the root the daemon was given.
	[ -n "$(find "$CROOT" -mindepth 1 | head -1)" ]
	run "$BUILD/xdpctl" --socket "$sock" --netns "$pid" detach lo --all
	[ "$status" -eq 0 ]
	[ "$(nsenter -t "$pid" -n ip -j -d link show lo | jq '.[0].xdp.prog.id // 0')" = 0 ]
	# SIGTERM: a clean exit.
	xl_podman stop -t 10 "$CTR" >/dev/null
	[ "$(xl_podman inspect -f '{{.State.ExitCode}}' "$CTR")" = 0 ]
	xl_podman logs "$CTR" 2>&1 | grep -q 'Received SIGTERM'
}
