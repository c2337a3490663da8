#!/usr/bin/env bats
# The Debian packages (issue 14): debian/ builds with dpkg-buildpackage from
# a clean copy of the tree, the packages hold every binary, library, unit,
# man page and completion file, they install into a clean bookworm root with
# apt, the packaged daemon starts and the packaged clients talk to it; and
# `make uninstall` removes exactly what `make install` put there.
#
# Runs once per CI run, not in every sanitizer pass: the build takes one to
# two minutes, the clean root as much. The copy is `git archive HEAD`
# (committed work only: others may be editing this tree); XL_PKG_TREE=worktree
# copies the working tree instead (package-helpers.bash). Needs root (the
# daemon tests) and Debian's archive (the clean root, mmdebstrap). Leaves
# the .debs in $XL_BUILD/debs for container.bats.

load daemon-helpers
load package-helpers

setup_file() {
	pkg_build "$BATS_FILE_TMPDIR" || touch "$BATS_FILE_TMPDIR/build-failed"
	# The packages' files as they land on a system, without maintainer
	# scripts: what the file checks and the daemon tests use (the clean
	# root of the apt test has them with maintainer scripts).
	mkdir "$BATS_FILE_TMPDIR/root"
	for p in "${PACKAGES[@]}"; do
		deb=$(pkg_deb "$BATS_FILE_TMPDIR" "$p")
		[ ! -f "$deb" ] || dpkg -x "$deb" "$BATS_FILE_TMPDIR/root"
	done
	# For container.bats, which runs next and would build them again.
	rm -rf "$BUILD/debs"
	mkdir -p "$BUILD/debs"
	cp "$BATS_FILE_TMPDIR"/*.deb "$BUILD/debs/" 2>/dev/null || true
}

setup() {
	W=$BATS_FILE_TMPDIR
	PKG=$W/root
	[ ! -e "$W/build-failed" ] || {
		echo "dpkg-buildpackage failed:" >&2
		tail -40 "$W/build.log" >&2
		return 1
	}
}

teardown() {
	# daemon_setup's namespaces and pins go even when the daemon did not start.
	[ -z "${NSA:-}" ] || daemon_teardown
	[ -z "${MMROOT:-}" ] || rm -rf "$MMROOT"
}

deb() { pkg_deb "$W" "$1"; }
contents() { dpkg-deb --fsys-tarfile "$(deb "$1")" | tar -t | sed 's|^\./|/|'; }

# in_package PACKAGE PATH...: each PATH is a file or link of PACKAGE.
in_package() {
	local p=$1 list f missing=0
	shift
	list=$(contents "$p")
	for f in "$@"; do
		grep -qxF "$f" <<<"$list" || { echo "$p lacks $f" >&2; missing=1; }
	done
	return "$missing"
}

@test "dpkg-buildpackage -us -uc -b builds the four packages from a clean copy" {
	for p in "${PACKAGES[@]}"; do
		[ -f "$(deb "$p")" ]
	done
	# dh_missing fails the build on any file make install put in
	# debian/tmp that no package takes; the build log says so otherwise.
	! grep -q 'dh_missing: warning' "$W/build.log"
	echo "# dpkg-buildpackage: $(cat "$W/build-seconds") s" >&3
}

@test "debian/control's Build-Depends are enough: the build in a buildd chroot that holds only them" {
	# This host has every package of tests/install-deps, so the build above
	# cannot notice a missing Build-Depends. About four minutes more (the
	# chroot with clang, then the build), so only when asked.
	[ -n "${XL_PKG_BUILDD:-}" ] || skip "XL_PKG_BUILDD=1 runs it (about 4 min)"
	local deps
	deps=$(awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, "") }
		on && /^[A-Z]/ && !/^Build-Depends/ { on = 0 } on' "$W/src/debian/control" |
		sed 's/([^)]*)//g; s/,/ /g; s/debhelper-compat/debhelper/')
	MMROOT=$(mktemp -d /tmp/xl-pkgroot.XXXXXX)
	run mmdebstrap --variant=buildd --include="$deps" bookworm "$MMROOT"
	[ "$status" -eq 0 ] || { echo "$output" | tail -30 >&2; return 1; }
	mkdir "$MMROOT/build"
	git -C "$REPO" archive HEAD | tar -x -C "$MMROOT/build"
	run unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" &&
		exec chroot "$1" sh -c "cd /build && dpkg-buildpackage -us -uc -b"' _ "$MMROOT"
	[ "$status" -eq 0 ] || { echo "$output" | tail -30 >&2; return 1; }
	ls "$MMROOT"/xdplinkd_*.deb
}

@test "every binary, library, unit, man page and completion file is in its package" {
	in_package xdplinkd /usr/sbin/xdplinkd /usr/bin/xdpctl /usr/lib/cni/xdplink \
		/usr/bin/xdplink-exporter \
		/lib/systemd/system/xdplinkd.service /lib/systemd/system/xdplinkd.socket \
		/lib/systemd/system/xdplink-exporter.service /lib/systemd/system/xdplink-exporter.socket \
		/usr/lib/tmpfiles.d/xdplinkd.conf /usr/lib/sysusers.d/xdplinkd.conf \
		/etc/xdplinkd/xdplinkd.conf /etc/xdplinkd/interfaces.d/README \
		/usr/share/varlink/io.xdplink.Manager.varlink \
		/usr/share/bash-completion/completions/xdpctl \
		/usr/share/man/man8/xdplinkd.8.gz /usr/share/man/man8/xdpctl.8.gz \
		/usr/share/man/man8/xdplink.8.gz /usr/share/man/man8/xdplink-exporter.8.gz \
		/usr/share/man/man5/xdplinkd.conf.5.gz /usr/share/man/man5/xdplinkd.interfaces.5.gz \
		/usr/share/doc/xdplinkd/copyright
	in_package libxdplink0 "/usr/lib/$MA/libxdplink.so.0"
	in_package libxdplink-client0 "/usr/lib/$MA/libxdplink-client.so.0"
	in_package libxdplink-dev /usr/include/xdplink/xdplink.h /usr/include/xdplink/xdplink-client.h \
		"/usr/lib/$MA/libxdplink.so" "/usr/lib/$MA/libxdplink-client.so" \
		"/usr/lib/$MA/libxdplink.a" "/usr/lib/$MA/libxdplink-client.a" \
		"/usr/lib/$MA/pkgconfig/libxdplink.pc" "/usr/lib/$MA/pkgconfig/libxdplink-client.pc"
	# The conffiles dpkg protects: the configuration, nothing else.
	[ "$(dpkg-deb --ctrl-tarfile "$(deb xdplinkd)" | tar -xO ./conffiles | sort)" = \
		"$(printf '%s\n' /etc/xdplinkd/interfaces.d/README /etc/xdplinkd/xdplinkd.conf)" ]
}

@test "every packaged binary has a man page under its own name, and runs" {
	local b n=0
	for b in "$PKG"/usr/bin/* "$PKG"/usr/sbin/* "$PKG"/usr/lib/cni/*; do
		[ -e "$PKG/usr/share/man/man8/$(basename "$b").8.gz" ] ||
			[ -e "$PKG/usr/share/man/man1/$(basename "$b").1.gz" ] ||
			{ echo "no man page for $b" >&2; return 1; }
		run "$b" --help
		[ "$status" -eq 0 ] || { echo "$b --help: $output" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 4 ]
	# The unit starts the daemon where the package put it.
	grep -qx 'ExecStart=/usr/sbin/xdplinkd' "$PKG/lib/systemd/system/xdplinkd.service"
	exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$PKG/lib/systemd/system/xdplink-exporter.service")
	[ -x "$PKG$exe" ]
}

@test "the packages install into a clean bookworm root with apt; the maintainer scripts run" {
	command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (tests/install-deps)"
	MMROOT=$(mktemp -d /tmp/xl-pkgroot.XXXXXX)
	# minbase: Priority required only; apt brings every dependency from
	# Debian's archive, dpkg runs the maintainer scripts in the chroot.
	# systemd-standalone-sysusers: the lightest provider of the sysusers
	# the postinst calls; init-system-helpers: what enables units.
	run mmdebstrap --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
		--include="systemd-standalone-sysusers init-system-helpers $(for p in "${PACKAGES[@]}"; do deb "$p"; done)" \
		bookworm "$MMROOT"
	[ "$status" -eq 0 ] || { echo "$output" | tail -30 >&2; return 1; }
	for p in "${PACKAGES[@]}"; do
		[ "$(dpkg-query --admindir="$MMROOT/var/lib/dpkg" -W -f '${Status}' "$p")" = \
			"install ok installed" ]
	done
	# postinst: the socket's group (sysusers), the daemon's socket and
	# service enabled, the exporter (TCP) left disabled.
	grep -q '^xdplinkd:' "$MMROOT/etc/group"
	[ -L "$MMROOT/etc/systemd/system/sockets.target.wants/xdplinkd.socket" ]
	[ -L "$MMROOT/etc/systemd/system/multi-user.target.wants/xdplinkd.service" ]
	[ -z "$(find "$MMROOT/etc/systemd/system" -name 'xdplink-exporter*')" ]
	# Every binary and library finds its libraries in the clean root.
	for f in /usr/sbin/xdplinkd /usr/bin/xdpctl /usr/bin/xdplink-exporter /usr/lib/cni/xdplink \
		"/usr/lib/$MA/libxdplink.so.0" "/usr/lib/$MA/libxdplink-client.so.0"; do
		run chroot "$MMROOT" ldd "$f"
		[ "$status" -eq 0 ] && [[ "$output" != *"not found"* ]] ||
			{ echo "$f: $output" >&2; return 1; }
	done
	run chroot "$MMROOT" /usr/sbin/xdplinkd --version
	[ "$status" -eq 0 ]
	# The shipped configuration is valid where it is installed (its group
	# included).
	run chroot "$MMROOT" /usr/sbin/xdplinkd --check-config
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
}

@test "the packaged daemon starts, the packaged xdpctl attaches through it, completion offers its ids" {
	daemon_setup
	XDPLINKD=$PKG/usr/sbin/xdplinkd
	XDPCTL=$PKG/usr/bin/xdpctl
	CONF=$PKG/etc/xdplinkd/xdplinkd.conf
	daemon_start
	run ctl --netns "$NSB" attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	[ "$(xdp_prog_on_vb)" -ne 0 ]
	id=$(ctl --netns "$NSB" --json status vb | jq '.. | objects | .attachments? // empty | .[0].id')
	[ -n "$id" ] && [ "$id" != null ]
	# The completion asks the daemon for vb's attachment ids.
	run bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xdpctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$PKG/usr/share/bash-completion/completions/xdpctl" \
		"$XDPCTL" --socket "$SOCK" --netns "$NSB" detach vb ''
	[ "$output" = "$id" ]
	run ctl --netns "$NSB" detach vb "$id"
	[ "$status" -eq 0 ]
	ctl --netns "$NSB" --json status vb | jq -e '[.. | objects | .attachments? // empty | .[]] | length == 0'
}

@test "the packaged daemon starts with no more capabilities than the packaged unit bounds it to" {
	local caps
	# systemd is not PID 1 here: setpriv applies the unit's
	# CapabilityBoundingSet the way systemd would (the unit lacked
	# CAP_NET_BROADCAST once, and the daemon exited at start).
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$PKG/lib/systemd/system/xdplinkd.service" |
		tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
	[ -n "$caps" ]
	daemon_setup
	nsenter --net="/run/netns/$NSB" setpriv --bounding-set=-all,"$caps" --inh-caps=-all \
		"$PKG/usr/sbin/xdplinkd" --config "$PKG/etc/xdplinkd/xdplinkd.conf" --socket "$SOCK" \
		--bpffs-root "$ROOT" --state-dir "$STATE" >>"$DLOG" 2>&1 3>&- &
	DAEMON_PID=$!
	daemon_wait_ready
	# The set applied: CAP_BPF (39) in, CAP_NET_RAW (13) out.
	bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' "/proc/$DAEMON_PID/status")))
	[ $((bnd >> 39 & 1)) -eq 1 ] && [ $((bnd >> 13 & 1)) -eq 0 ]
	run "$PKG/usr/bin/xdpctl" --socket "$SOCK" --netns "$NSB" attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 0 ] || { echo "$output" >&2; cat "$DLOG" >&2; return 1; }
	[ "$(xdp_prog_on_vb)" -ne 0 ]
}

@test "a program builds against libxdplink-dev and calls the daemon through libxdplink-client0" {
	daemon_setup
	XDPLINKD=$PKG/usr/sbin/xdplinkd
	CONF=$PKG/etc/xdplinkd/xdplinkd.conf
	daemon_start
	cat >"$BATS_TEST_TMPDIR/info.c" <<-'EOF'
	#include <stdio.h>
	#include <xdplink/xdplink-client.h>
	int main(int argc, char **argv)
	{
		struct xl_client *c;
		json_t *info;

		if (argc < 2 || xl_client__connect(argv[1], NULL, &c) < 0 ||
		    xl_client__get_info(c, &info) < 0)
			return 1;
		printf("%s\n", json_string_value(json_object_get(info, "product")));
		json_decref(info);
		xl_client__free(c);
		return 0;
	}
	EOF
	export PKG_CONFIG_SYSROOT_DIR=$PKG PKG_CONFIG_PATH=$PKG/usr/lib/$MA/pkgconfig
	run pkg-config --cflags --libs libxdplink-client
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	# shellcheck disable=SC2046 # pkg-config's words
	cc -o "$BATS_TEST_TMPDIR/info" "$BATS_TEST_TMPDIR/info.c" $(pkg-config --cflags --libs libxdplink-client)
	LD_LIBRARY_PATH=$PKG/usr/lib/$MA ldd "$BATS_TEST_TMPDIR/info" |
		grep -q "libxdplink-client.so.0 => $PKG/usr/lib/$MA/libxdplink-client.so.0"
	run env LD_LIBRARY_PATH="$PKG/usr/lib/$MA" "$BATS_TEST_TMPDIR/info" "$SOCK"
	[ "$status" -eq 0 ]
	[ "$output" = xdplinkd ]
}

@test "make install DESTDIR=... then make uninstall DESTDIR=... leaves nothing behind" {
	local d=$BATS_TEST_TMPDIR/dest src=$W/src vars=(PREFIX=/usr SYSCONFDIR=/etc)
	# The clean copy dpkg-buildpackage built in (build/): nothing to rebuild.
	make -s -C "$src" install DESTDIR="$d" "${vars[@]}" >/dev/null
	[ -x "$d/usr/sbin/xdplinkd" ]
	[ -f "$d/usr/lib/$MA/libxdplink.so.0" ]
	[ -f "$d/usr/share/bash-completion/completions/xdpctl" ]
	n=$(find "$d" -not -type d | wc -l)
	[ "$n" -ge 30 ]
	make -s -C "$src" uninstall DESTDIR="$d" "${vars[@]}"
	run find "$d" -not -type d
	[ -z "$output" ] || { echo "left behind: $output" >&2; return 1; }
	run find "$d" -name '*xdplink*'
	[ -z "$output" ] || { echo "left behind: $output" >&2; return 1; }
	# An administrator's edit of the configuration survives uninstall.
	make -s -C "$src" install DESTDIR="$d" "${vars[@]}" >/dev/null
	echo '# edited' >>"$d/etc/xdplinkd/xdplinkd.conf"
	run make -s -C "$src" uninstall DESTDIR="$d" "${vars[@]}"
	[[ "$output" == *"kept $d/etc/xdplinkd/xdplinkd.conf"* ]]
	[ "$(find "$d" -not -type d)" = "$d/etc/xdplinkd/xdplinkd.conf" ]
}

# complete WORD...: what the packaged completion offers for the last WORD.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xdpctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$PKG/usr/share/bash-completion/completions/xdpctl" \
		"$PKG/usr/bin/xdpctl" "$@" | sort | tr '\n' ' '
}

@test "the completion completes commands, options, their values and interfaces" {
	[ "$(complete_words st)" = "status " ]
	[ "$(complete_words '')" = "$("$PKG/usr/bin/xdpctl" --help |
		awk '/^Commands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }' |
		sort | tr '\n' ' ')" ]
	[ "$(complete_words attach --mo)" = "--mode " ]
	[ "$(complete_words attach --mode '')" = "native skb " ]
	[ "$(complete_words --socket /tmp/x attach --lifetime c)" = "connection " ]
	[[ " $(complete_words status l) " == *" lo "* ]]
	[[ " $(complete_words help '') " == *" attach "* ]]
	# bash-completion loads it from where the package puts it.
	run env XDG_DATA_DIRS="$PKG/usr/share" bash -c \
		'source /usr/share/bash-completion/bash_completion; __load_completion xdpctl; complete -p xdpctl'
	[ "$output" = "complete -F _xdpctl xdpctl" ]
}

@test "LICENSE and debian/copyright cover every SPDX identifier in the tree" {
	local id part
	while read -r id; do
		grep -qF -- "$id" "$REPO/LICENSE" || { echo "LICENSE lacks $id" >&2; return 1; }
		for part in ${id// OR / } ; do
			part=${part%-or-later}
			part=${part%-only}
			[ -f "$REPO/LICENSES/$part.txt" ] || { echo "no LICENSES/$part.txt" >&2; return 1; }
		done
	done < <(git -C "$REPO" grep -h -o -E \
		'SPDX-License-Identifier: [A-Za-z0-9.-]+( (OR|AND) [A-Za-z0-9.-]+)*' |
		sed 's/SPDX-License-Identifier: //' | sort -u)
	# The machine-readable copyright file parses, and names each licence.
	for l in GPL-2+ GPL-2 LGPL-2.1+ BSD-2-clause; do
		grep -qx "License: $l" "$REPO/debian/copyright"
	done
}
