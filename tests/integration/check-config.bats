#!/usr/bin/env bats
# xdplinkd --check-config (issue 14): the configuration file and every
# interface file checked without starting anything, EVERY error reported
# with its FILE:LINE (not only the first), a non-zero exit on any error,
# and a one-line summary. Nothing is started: no socket, no bpffs, no kernel.

load helpers

XDPLINKD=$BUILD/xdplinkd

setup() {
	D=$BATS_TEST_TMPDIR
	IFD=$D/interfaces.d
	mkdir -p "$IFD"
	CONF=$D/xdplinkd.conf
	sed -e "s|^InterfacesDir = .*|InterfacesDir = $IFD|" \
		-e "s|^Path = .*|Path = $D/never.sock|" "$REPO/config/xdplinkd.conf" > "$CONF"
}

good_file() {
	printf '[Match]\nName = veth*\n[Program]\nObject = /usr/lib/x.o\nPriority = 10\n' > "$IFD/$1"
}

@test "a clean configuration: exit 0 and a one-line summary, nothing started" {
	good_file 10-a.conf
	good_file 20-b.conf
	run "$XDPLINKD" --check-config --config "$CONF"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] || grep -q 'warning' <<< "${lines[0]}"
	grep -q "^$CONF and 2 interface files in $IFD: no errors$" <<< "$output"
	[ ! -e "$D/never.sock" ]
}

@test "every error of the configuration file, each with FILE:LINE, and a non-zero exit" {
	cat >> "$CONF" <<-EOF
	[Nope]
	A = 1
	B = 2
	[Limits]
	EOF
	# Lines 1 and 2 of a file with a syntax error between: all three reported.
	{ printf '[Engine]\nDefaultMode = turbo\nthis is no key\nCounters = maybe\n'; cat "$CONF"; } \
		> "$D/c" && mv "$D/c" "$CONF"
	run "$XDPLINKD" --check-config --config "$CONF"
	echo "$output"
	[ "$status" -eq 78 ]	# EX_CONFIG, as a refused start
	grep -q "^$CONF:2: bad value 'turbo' for DefaultMode: must be native or skb$" <<< "$output"
	grep -q "^$CONF:3: syntax error" <<< "$output"
	grep -q "^$CONF:4: bad value 'maybe' for Counters" <<< "$output"
	# The sections were read on past the errors: the first key set twice...
	grep -q "^$CONF:[0-9]*: DefaultMode is set twice in \[Engine\]$" <<< "$output"
	# ...and an unknown section is one error, not one per key.
	[ "$(grep -c 'unknown section \[Nope\]' <<< "$output")" -eq 1 ]
	grep -q "errors: .* in $CONF, 0 in the interface files" <<< "$output"
}

@test "every error of every interface file, and of the config file, in one run" {
	printf '[Engine]\nInterfacesDir = %s\nCounters = maybe\n[Limits]\nMaxConnections = 0\n' \
		"$IFD" > "$CONF"
	good_file 10-good.conf
	cat > "$IFD/20-bad.conf" <<-EOF
	[Match]
	Name = vb
	[Program]
	Object = relative.o
	Priority = 99999
	Label = fw
	junk line
	[Unknown]
	EOF
	printf '[Match]\nNamespace = a/b\n' > "$IFD/30-empty.conf"
	run "$XDPLINKD" --check-config --config "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -q "^$CONF:3: bad value 'maybe' for Counters" <<< "$output"
	grep -q "^$CONF:5: bad value '0' for MaxConnections" <<< "$output"
	grep -q "^$IFD/20-bad.conf:4: bad value 'relative.o' for Object: must be an absolute path$" <<< "$output"
	grep -q "^$IFD/20-bad.conf:5: bad value '99999' for Priority" <<< "$output"
	grep -q "^$IFD/20-bad.conf:7: syntax error" <<< "$output"
	grep -q "^$IFD/20-bad.conf:8: unknown section \[Unknown\]$" <<< "$output"
	# A refused Object= still opens its program: Label= is no error of its own.
	! grep -q "20-bad.conf:6" <<< "$output"
	grep -q "^$IFD/30-empty.conf:2: bad value 'a/b' for Namespace" <<< "$output"
	grep -q "^$IFD/30-empty.conf: no Name= in \[Match\]" <<< "$output"
	grep -q "^$IFD/30-empty.conf: no program" <<< "$output"
	! grep -q "10-good.conf" <<< "$output"
	grep -q "^9 errors: 2 in $CONF, 7 in the interface files in $IFD$" <<< "$output"
}

@test "a missing --config file is an error" {
	run "$XDPLINKD" --check-config --config "$D/nonexistent.conf"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -q "$D/nonexistent.conf: No such file or directory" <<< "$output"
}

@test "file contents in messages are escaped: no terminal control reaches the screen" {
	printf '[Engine]\nInterfacesDir = %s\nDefaultMode = \033[2Jx\n' "$IFD" > "$CONF"
	run "$XDPLINKD" --check-config --config "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -qF "'\\x1b[2Jx'" <<< "$output"
	! grep -q $'\033' <<< "$output"
}

@test "a start refused for its configuration logs every error, not only the first" {
	printf '[Engine]\nDefaultMode = turbo\n[Limits]\nMaxFds = x\n' > "$CONF"
	run "$XDPLINKD" --config "$CONF" --socket "$D/never.sock" --state-dir "$D/state"
	echo "$output"
	[ "$status" -eq 78 ]
	grep -q "$CONF:[0-9]*: bad value 'turbo' for DefaultMode" <<< "$output"
	grep -q "$CONF:[0-9]*: bad value 'x' for MaxFds" <<< "$output"
	grep -q "Refusing to start: the configuration has errors" <<< "$output"
	[ ! -e "$D/never.sock" ]
	[ ! -e "$D/state" ]
}

@test "--help names --check-config" {
	run "$XDPLINKD" --help
	[ "$status" -eq 0 ]
	grep -q -- '--check-config' <<< "$output"
}
