#!/usr/bin/env bats
# Issue 12's privilege cases: what a caller other than root can make the
# daemon load. P1: objects are read only through a readable fd the caller
# passed (never O_PATH, write-only, a FIFO), and refusals name nothing of
# the file. P2: the caller's programs are vetted as an unprivileged
# loader's, so perfmon-only helpers are refused with the verifier's reason
# (unless [Access] PrivilegedLoadUsers/Groups says otherwise). P3: the
# program that runs alone is the one loaded from the bytes first read,
# whatever becomes of the file. S5: a lease on the object never makes a
# call wait. Runs on the host (one program per interface) and, with
# freplace, in the VM.

load attack-helpers

VL_PASS=$BUILD/tests/vl-pass
VET_OBJ=$BUILD/bpf/xl_vet.bpf.o
VET_SWAPPED=$BUILD/bpf/xl_vet_swapped.bpf.o
M=io.xdplink.Manager
# The allowed user (AllowGroups = 4711) and a directory it can read.
USER_UID=4701

setup() {
	attack_setup
	UDIR=$(mktemp -d /tmp/xlvet.XXXXXX)
	chmod 0755 "$UDIR"
	install -m 0644 -o "$USER_UID" -g "$USER_UID" "$VET_OBJ" "$UDIR/mine.o"
}

teardown() {
	[ -z "${HOLDER_PID:-}" ] || { kill "$HOLDER_PID" 2>/dev/null; wait "$HOLDER_PID" 2>/dev/null; }
	[ -z "${FUSE_DIR:-}" ] || { umount "$FUSE_DIR" 2>/dev/null; rmdir "$FUSE_DIR"; }
	attack_teardown
	rm -rf "$UDIR"
}

# attach_call PROGRAM: an Attach on vb of the object passed as fd 0.
attach_call() {
	printf '{"method":"%s.Attach","parameters":{"interface":"vb","objectFd":0,"program":"%s","mode":"skb"}}' \
		"$M" "$1"
}

# as_user KIND PATH PROGRAM: vl-pass as the allowed user; its reply in
# $output, its time in ms in $MS.
as_user() {
	local err=$BATS_TEST_TMPDIR/vl-pass.err

	output=$(setpriv --reuid="$USER_UID" --regid="$USER_UID" --groups=4711 \
		"$VL_PASS" "$SOCK" "$1" "$2" "$(attach_call "$3")" 2>"$err" 3>&-)
	MS=$(awk '/^ms/ { print $2 }' "$err")
	echo "reply: $output ($MS ms)"
	cat "$err"
}

# The reply says nothing of the object: no program name, no verifier log.
says_nothing_of_it() {
	! grep -q 'xl_vet' <<< "$output"
	! grep -q 'verifierLog' <<< "$output"
}

# hits ROW: what xl_vet_count's pinned-by-name map (the user's) holds in ROW.
hits() {
	local pin

	pin=$(find "$ROOT/maps" -name xl_vet_hits | head -1)
	[ -n "$pin" ] || { echo "no xl_vet_hits pin under $ROOT/maps" >&2; return 1; }
	bpftool -j map lookup pinned "$pin" key "$1" 0 0 0 | jq -r '.formatted.value // .value'
}

# With freplace: root's program joins the user's (both run, the user's as
# its EXT instance), 3 packets; then root's leaves and the user's runs
# alone (its plain-XDP twin), 4 packets. On the host: 7 packets, alone.
set_then_alone() {
	if [ "$(daemon_freplace)" = 1 ]; then
		ctl attach vb "$OBJ" --prog xl_pass_1
		send_udp 3
		ctl detach vb "$(ctl --json status vb |
			jq -r '.interfaces[0].attachments[] | select(.name == "xl_pass_1") | .id')"
		send_udp 4
	else
		send_udp 7
	fi
}

@test "P1: an O_PATH fd of a root-only object is refused, naming nothing of it" {
	install -m 0600 -o 0 -g 0 "$VET_OBJ" "$UDIR/secret.o"
	as_user path "$UDIR/secret.o" nosuch
	grep -q "$M.InvalidObject" <<< "$output"
	grep -q 'O_PATH' <<< "$output"
	says_nothing_of_it
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments | length')" -eq 0 ]
}

@test "P1: a write-only fd is refused" {
	chmod 0200 "$UDIR/mine.o"
	as_user wronly "$UDIR/mine.o" xl_vet_count
	grep -q "$M.InvalidObject" <<< "$output"
	grep -q 'not open for reading' <<< "$output"
	says_nothing_of_it
}

@test "P1: a FIFO is refused" {
	mkfifo -m 0666 "$UDIR/fifo"
	as_user fifo "$UDIR/fifo" xl_vet_count
	grep -q '"error"' <<< "$output"
	! grep -q '"programId"' <<< "$output"
	# The varlink server takes only files' fds; the object check, only regular files.
	grep -q 'fd 0 of 1 is not a file' "$DLOG" || grep -q 'not a regular file' <<< "$output"
}

# Whoever serves a FUSE file can hold a read of it forever: here bindfs
# (tests/install-deps), a FUSE view of the user's own directory.
@test "P1: a file on FUSE is refused" {
	command -v bindfs >/dev/null || skip "no bindfs (tests/install-deps installs it)"
	FUSE_DIR=$(mktemp -d /tmp/xlfuse.XXXXXX)
	bindfs -o allow_other,ro "$UDIR" "$FUSE_DIR" || skip "bindfs cannot mount (no fuse module or /dev/fuse)"
	[ "$(stat -f -c %T "$FUSE_DIR")" = fuseblk ] || [ "$(stat -f -c %T "$FUSE_DIR")" = fuse ] ||
		stat -f "$FUSE_DIR" | grep -qi fuse
	as_user read "$FUSE_DIR/mine.o" xl_vet_count
	grep -q "$M.InvalidObject" <<< "$output"
	grep -q 'on FUSE' <<< "$output"
	says_nothing_of_it
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments | length')" -eq 0 ]
	# The same file through its own directory loads.
	as_user read "$UDIR/mine.o" xl_vet_count
	grep -q '"programId"' <<< "$output"
}

@test "P2: a user's program calling bpf_get_current_task is refused with the verifier's reason" {
	as_user read "$UDIR/mine.o" xl_vet_task
	grep -q "$M.ProgramLoadFailed" <<< "$output"
	# 6.1 says "unknown func", later kernels "program of this type cannot use helper".
	grep -qE '(cannot use helper|unknown func) bpf_get_current_task#35' <<< "$output"
	[ "$(ctl --json status vb | jq '.interfaces[0].attachments | length')" -eq 0 ]
}

@test "P2: a user's program calling bpf_probe_read_kernel is refused with the verifier's reason" {
	as_user read "$UDIR/mine.o" xl_vet_probe
	grep -q "$M.ProgramLoadFailed" <<< "$output"
	# Lockdown (the host's) hides the helper from root as well, and libbpf
	# then calls bpf_probe_read (#4) instead; elsewhere the call is as written.
	grep -qE '(cannot use helper|unknown func) bpf_probe_read(_kernel#113|#4)' <<< "$output"
	[ "$(daemon_freplace)" = 0 ] || grep -q 'bpf_probe_read_kernel#113' <<< "$output"
}

@test "P2: the same programs load for root" {
	ctl attach vb "$VET_OBJ" --prog xl_vet_task --mode skb
	# Lockdown (the host's) forbids bpf_probe_read_kernel to root too.
	[ "$(daemon_freplace)" = 1 ] || return 0
	ctl attach vb "$VET_OBJ" --prog xl_vet_probe
}

# privileged KEY VALUE: restart the daemon with [Access] KEY = VALUE.
privileged() {
	daemon_kill KILL
	grep -q "^$1 =" "$CONF"
	sed -i "s/^$1 =.*/$1 = $2/" "$CONF"
	daemon_start
}

@test "P2: the same program loads for a user of PrivilegedLoadUsers" {
	privileged PrivilegedLoadUsers "$USER_UID"
	as_user read "$UDIR/mine.o" xl_vet_task
	grep -q '"programId"' <<< "$output"
}

@test "P2: the same program loads for a member of PrivilegedLoadGroups" {
	privileged PrivilegedLoadGroups 4711
	as_user read "$UDIR/mine.o" xl_vet_task
	grep -q '"programId"' <<< "$output"
}

@test "P2: a user's plain program loads, vetted, and counts packets" {
	as_user read "$UDIR/mine.o" xl_vet_count
	grep -q '"programId"' <<< "$output"
	send_udp 5
	[ "$(hits 0)" -eq 5 ]
}

@test "P3: the file swapped after the attach changes nothing that runs" {
	install -m 0644 -o "$USER_UID" -g "$USER_UID" "$VET_OBJ" "$UDIR/swap.o"
	as_user read "$UDIR/swap.o" xl_vet_count
	grep -q '"programId"' <<< "$output"
	# The same inode, new bytes: what a reread (by fd or by path) would see.
	cat "$VET_SWAPPED" > "$UDIR/swap.o"
	set_then_alone
	[ "$(hits 0)" -eq 7 ]
	[ "$(hits 1)" -eq 0 ]
}

@test "P3: a file swapped between the loads changes nothing that runs" {
	[ "$(daemon_freplace)" = 1 ] || skip "needs freplace: the dispatcher's test point"
	install -m 0644 -o "$USER_UID" -g "$USER_UID" "$VET_OBJ" "$UDIR/swap.o"
	daemon_kill KILL
	echo dispatcher-loaded > "$BATS_TEST_TMPDIR/stop"
	XL_TEST_STOP_FILE=$BATS_TEST_TMPDIR/stop daemon_start
	as_user read "$UDIR/swap.o" xl_vet_count > "$BATS_TEST_TMPDIR/call" &
	local call=$!
	for _ in $(seq 100); do
		grep -q 'stopped at dispatcher-loaded' "$DLOG" && break
		sleep 0.1
	done
	grep -q 'stopped at dispatcher-loaded' "$DLOG"
	cat "$VET_SWAPPED" > "$UDIR/swap.o"
	: > "$BATS_TEST_TMPDIR/stop"
	kill -CONT "$DAEMON_PID"
	wait "$call"
	grep -q '"programId"' "$BATS_TEST_TMPDIR/call"
	set_then_alone
	[ "$(hits 0)" -eq 7 ]
	[ "$(hits 1)" -eq 0 ]
}

@test "S5: a user passing its own leased fd is answered at once" {
	as_user lease "$UDIR/mine.o" xl_vet_count
	grep -q '"programId"' <<< "$output"
	[ "$MS" -lt 2000 ]
}

@test "S5: root's attach of a file someone holds a lease on fails at once, saying so" {
	setpriv --reuid="$USER_UID" --regid="$USER_UID" --clear-groups \
		"$VL_PASS" - lease "$UDIR/mine.o" 60 > "$BATS_TEST_TMPDIR/holder" 2>&1 3>&- &
	HOLDER_PID=$!
	for _ in $(seq 50); do grep -q ready "$BATS_TEST_TMPDIR/holder" && break; sleep 0.1; done
	grep -q ready "$BATS_TEST_TMPDIR/holder"
	local t0=$(now_ms)
	run timeout 20 "$XDPCTL" --socket "$SOCK" attach vb "$UDIR/mine.o" --pass-path \
		--prog xl_vet_count --mode skb
	local took=$(($(now_ms) - t0))
	echo "$output ($took ms)"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	[ "$took" -lt 2000 ]
	grep -q 'lease' <<< "$output"
}

@test "S4: an object whose .BTF claims 1 GiB is refused before libbpf reads it" {
	# Section headers are trusted by libbpf: point .BTF's size far past the file.
	python3 - "$UDIR/mine.o" <<-'PY'
	import struct, sys
	p = sys.argv[1]
	b = bytearray(open(p, "rb").read())
	shoff, = struct.unpack_from("<Q", b, 0x28)
	shnum, shstrndx = struct.unpack_from("<HH", b, 0x3c)
	stroff, = struct.unpack_from("<Q", b, shoff + shstrndx * 64 + 0x18)
	for i in range(shnum):
	    h = shoff + i * 64
	    name, = struct.unpack_from("<I", b, h)
	    if b[stroff + name:stroff + name + 5] == b".BTF\0":
	        struct.pack_into("<Q", b, h + 0x20, 1 << 30)
	open(p, "wb").write(b)
	PY
	as_user read "$UDIR/mine.o" xl_vet_count
	grep -q "$M.InvalidObject" <<< "$output"
	grep -q 'ELF section [0-9]* (.BTF): 1073741824 bytes at offset [0-9]*, outside the file' <<< "$output"
}
