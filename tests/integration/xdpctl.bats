#!/usr/bin/env bats
# xdpctl on its own, with no daemon: help generated for every command,
# usage errors (exit 64), program set files checked before anything is
# sent (65, 66), and a daemon that is missing, silent or not varlink
# (69, 70). End-to-end behaviour with the real daemon is in daemon.bats.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${XL_BUILD:-$REPO/build}
[[ $BUILD = /* ]] || BUILD=$REPO/$BUILD
XDPCTL=$BUILD/xdpctl
COMMANDS=(attach detach replace status monitor reload version help)

setup() {
	# Nothing listens here, whatever runs on this machine.
	SOCK=$BATS_TEST_TMPDIR/none.sock
	export XDPLINKD_SOCKET=$SOCK
	PEER_PID=
}

teardown() {
	[ -z "$PEER_PID" ] || kill "$PEER_PID" 2>/dev/null || true
}

xdpctl() { "$XDPCTL" "$@"; }

# A usage error: exit 64, the problem in one line, then the hint.
assert_usage_error() {
	assert_equal "$status" 64
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "$1"
	assert_regex "${stderr_lines[1]}" "^Try 'xdpctl (.* )?--help'\.$"
}

@test "--help lists every command and the global options" {
	run --separate-stderr xdpctl --help
	assert_success
	assert_line --index 0 "Usage: xdpctl [OPTION]... COMMAND [ARG]..."
	for c in "${COMMANDS[@]}"; do
		assert_line --regexp "^  $c +[A-Z]"
	done
	assert_line --regexp '^  --socket PATH '
	assert_line --regexp '^  --json '
	assert_line --regexp '^  --timeout SEC '
	assert_equal "$stderr" ""
}

@test "every command has --help and -h, the same text as 'help COMMAND'" {
	for c in "${COMMANDS[@]}"; do
		run --separate-stderr xdpctl "$c" --help
		assert_success
		assert_line --index 0 --regexp "^Usage: xdpctl $c( |$)"
		assert_line '  -h, --help                show this help'
		long=$output
		run xdpctl "$c" -h
		assert_output "$long"
		run xdpctl help "$c"
		assert_output "$long"
	done
}

@test "help text fits in 80 columns" {
	for c in "${COMMANDS[@]}" ""; do
		while IFS= read -r line; do
			[ "${#line}" -le 79 ] || fail "xdpctl $c --help: '$line'"
		done < <(xdpctl $c --help)
	done
}

@test "--help is generated from the option tables: every option of attach is there" {
	run xdpctl attach --help
	for o in prog priority actions mode label counters no-counters expect-revision pass-fd; do
		assert_line --regexp "^  --$o( |$)"
	done
	assert_line --regexp '^  IFACE +'
	assert_line --regexp '^  OBJECT +'
}

@test "--version prints the client's version without asking the daemon" {
	run --separate-stderr xdpctl --version
	assert_success
	assert_output --regexp '^xdpctl [0-9]'
	assert_equal "$stderr" ""
}

@test "no command, an unknown command or an unknown option: exit 64, one line and a hint" {
	run --separate-stderr xdpctl
	assert_usage_error "xdpctl: no command given"
	run --separate-stderr xdpctl frobnicate
	assert_usage_error "xdpctl: unknown command 'frobnicate'"
	run --separate-stderr xdpctl help frobnicate
	assert_usage_error "xdpctl: unknown command 'frobnicate'"
	run --separate-stderr xdpctl --jsn status
	assert_usage_error "xdpctl: unknown option '--jsn'"
	run --separate-stderr xdpctl status --everything
	assert_usage_error "xdpctl status: unknown option '--everything'"
	run --separate-stderr xdpctl attach eth0 x.o -p 10
	assert_usage_error "xdpctl attach: unknown option '-p'"
	run --separate-stderr xdpctl reload now
	assert_usage_error "xdpctl reload: unexpected argument 'now'"
}

@test "missing arguments and options name what is missing" {
	run --separate-stderr xdpctl attach eth0
	assert_usage_error "xdpctl attach: missing OBJECT (or --program-id ID)"
	run --separate-stderr xdpctl attach eth0 x.o --program-id 7
	assert_usage_error "xdpctl attach: give either OBJECT or --program-id, not both"
	run --separate-stderr xdpctl detach
	assert_usage_error "xdpctl detach: missing IFACE"
	run --separate-stderr xdpctl replace eth0
	assert_usage_error "xdpctl replace: missing --from FILE"
	run --separate-stderr xdpctl attach eth0 x.o --prog
	assert_usage_error "xdpctl attach: option '--prog' needs a value (NAME)"
	run --separate-stderr xdpctl detach eth0 --all=yes
	assert_usage_error "xdpctl detach: option '--all' takes no value"
}

@test "numbers and names are checked before anything is sent" {
	run --separate-stderr xdpctl attach eth0 x.o --priority 1001
	assert_usage_error "xdpctl attach: --priority must be a number from 0 to 1000, not '1001'"
	run --separate-stderr xdpctl attach eth0 x.o --priority=-5
	assert_usage_error "xdpctl attach: --priority must be a number from 0 to 1000, not '-5'"
	run --separate-stderr xdpctl attach eth0 x.o --actions pass,jump
	assert_usage_error "xdpctl attach: --actions: unknown verdict 'jump'; use a comma-separated list of aborted, drop, pass, tx, redirect, or none"
	run --separate-stderr xdpctl attach eth0 x.o --mode hw
	assert_usage_error "xdpctl attach: --mode must be native or skb, not 'hw'"
	run --separate-stderr xdpctl attach eth0 x.o --expect-revision 0
	assert_usage_error "xdpctl attach: --expect-revision must be a revision number, 1 or more, not '0'"
	run --separate-stderr xdpctl detach eth0 three
	assert_usage_error "xdpctl detach: ID must be an attachment id (see xdpctl status), not 'three'"
	run --separate-stderr xdpctl detach eth0 -1
	assert_usage_error "xdpctl detach: ID must be an attachment id (see xdpctl status), not '-1'"
	run --separate-stderr xdpctl --timeout soon status
	assert_usage_error "xdpctl: --timeout must be a number of seconds from 0 (forever) to 86400, not 'soon'"
}

@test "detach wants exactly one of ID and --all" {
	run --separate-stderr xdpctl detach eth0
	assert_usage_error "xdpctl detach: give either an attachment ID or --all"
	run --separate-stderr xdpctl detach eth0 3 --all
	assert_usage_error "xdpctl detach: give either an attachment ID or --all"
}

@test "the daemon is not running: exit 69 naming the socket, for every command that needs it" {
	touch "$BATS_TEST_TMPDIR/x.o"
	printf '[]\n' > "$BATS_TEST_TMPDIR/empty.json"
	for args in "status" "status eth0" "monitor" "reload" "detach eth0 --all" \
		"attach eth0 $BATS_TEST_TMPDIR/x.o" "replace eth0 --from $BATS_TEST_TMPDIR/empty.json"; do
		run --separate-stderr xdpctl $args
		assert_equal "$status" 69
		assert_output ""
		assert_equal "$stderr" "xdpctl: cannot connect to xdplinkd at $SOCK: No such file or directory (is xdplinkd running?)"
	done
}

# fd 0 is the caller's: a script that runs xdpctl in a loop reading its own
# stdin, or a library caller, must find it still open. strace sees the one
# close(0) that no exit status or output shows.
@test "no command closes its stdin (fd 0), with or without --netns" {
	command -v strace >/dev/null || skip "strace missing"
	touch "$BATS_TEST_TMPDIR/x.o"
	printf '[]\n' > "$BATS_TEST_TMPDIR/empty.json"
	for args in "status" "detach eth0 --all" "attach eth0 $BATS_TEST_TMPDIR/x.o" \
		"replace eth0 --from $BATS_TEST_TMPDIR/empty.json" "--netns $$ status"; do
		# LeakSanitizer refuses to run under ptrace (the ASan pass's xdpctl).
		run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -e trace=close -o "$BATS_TEST_TMPDIR/trace" "$XDPCTL" $args \
			< "$BATS_TEST_TMPDIR/x.o"
		assert_equal "$status" 69
		# The trace works: xdpctl closes its socket.
		grep -qE 'close\([1-9][0-9]*\)' "$BATS_TEST_TMPDIR/trace"
		run grep -E 'close\(0\)' "$BATS_TEST_TMPDIR/trace"
		assert_failure
	done
}

@test "--socket wins over \$XDPLINKD_SOCKET, before or after the command" {
	run --separate-stderr xdpctl --socket "$BATS_TEST_TMPDIR/a.sock" status
	assert_equal "$status" 69
	assert_equal "$stderr" "xdpctl: cannot connect to xdplinkd at $BATS_TEST_TMPDIR/a.sock: No such file or directory (is xdplinkd running?)"
	run --separate-stderr xdpctl status --socket="$BATS_TEST_TMPDIR/b.sock"
	assert_equal "$status" 69
	assert_regex "$stderr" "at $BATS_TEST_TMPDIR/b.sock:"
}

@test "a socket nobody listens on is refused: exit 69" {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK" ||
		skip "python3 cannot make a unix socket"
	run --separate-stderr xdpctl status
	assert_equal "$status" 69
	assert_equal "$stderr" "xdpctl: cannot connect to xdplinkd at $SOCK: Connection refused (is xdplinkd running?)"
}

@test "version without a daemon: the client's version, a warning, exit 69" {
	run --separate-stderr xdpctl version
	assert_equal "$status" 69
	assert_output --regexp '^xdpctl [0-9][^ ]*$'
	assert_regex "$stderr" "^xdpctl: cannot connect to xdplinkd at $SOCK:"
	run --separate-stderr xdpctl --json version
	assert_equal "$status" 69
	assert_equal "$(jq -c '{daemon, service, client: (.client | type)}' <<<"$output")" \
		'{"daemon":null,"service":null,"client":"string"}'
}

@test "attach: an object that cannot be read is reported before connecting: exit 66" {
	run --separate-stderr xdpctl attach eth0 "$BATS_TEST_TMPDIR/missing.o"
	assert_equal "$status" 66
	assert_equal "$stderr" "xdpctl: $BATS_TEST_TMPDIR/missing.o: No such file or directory"
}

@test "replace: a bad JSON set file is refused with its line or path: exit 65" {
	f=$BATS_TEST_TMPDIR/set.json
	printf '[\n  {"object": "a.o"},\n  {"object": }\n]\n' > "$f"
	run --separate-stderr xdpctl replace eth0 --from "$f"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $f: 3: unexpected token near '}'"
	printf '{"programs": [{"object": "a.o", "prio": 1}]}\n' > "$f"
	run --separate-stderr xdpctl replace eth0 --from "$f"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $f: programs[0]: unknown key 'prio' (object, program, priority, actions, label)"
	printf '{"programs": [], "mode": "turbo"}\n' > "$f"
	run --separate-stderr xdpctl replace eth0 --from "$f"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $f: mode: expected native or skb"
}

@test "replace: a bad INI set file is refused with its line: exit 65" {
	f=$BATS_TEST_TMPDIR/set.conf
	printf '[Program]\nObject = a.o\nPriority = 10\nColour = red\n' > "$f"
	run --separate-stderr xdpctl replace eth0 --from "$f"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $f: 4: unknown key 'Colour' in [Program] (Object, Program, Priority, Actions, Label)"
	printf '[Set]\nMode = skb\n\n[Program]\nObject = a.o\nActions = pass,teleport\n' > "$f"
	run --separate-stderr xdpctl replace eth0 --from "$f"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $f: 6: Actions: unknown verdict 'teleport'; list aborted, drop, pass, tx, redirect (comma-separated) or none"
	# Without an extension the content decides.
	printf '[Program]\nProgram = p\n' > "$BATS_TEST_TMPDIR/set"
	run --separate-stderr xdpctl replace eth0 --from "$BATS_TEST_TMPDIR/set"
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: $BATS_TEST_TMPDIR/set: program 1 has no Object"
}

@test "replace: a set file that cannot be read: exit 66; standard input works too" {
	run --separate-stderr xdpctl replace eth0 --from "$BATS_TEST_TMPDIR/none.json"
	assert_equal "$status" 66
	assert_equal "$stderr" "xdpctl: $BATS_TEST_TMPDIR/none.json: No such file or directory"
	run --separate-stderr xdpctl replace eth0 --from "$BATS_TEST_TMPDIR"
	assert_equal "$status" 66
	assert_equal "$stderr" "xdpctl: $BATS_TEST_TMPDIR: Is a directory"
	run --separate-stderr xdpctl replace eth0 --from - <<<'[{"object": "a.o", "actions": "pass"}]'
	assert_equal "$status" 65
	assert_equal "$stderr" "xdpctl: <stdin>: programs[0].actions: invalid value"
	# Objects are opened here and passed as fds: a missing one stops here...
	run --separate-stderr xdpctl replace eth0 --from - <<<'[{"object": "a.o", "actions": ["pass"]}]'
	assert_equal "$status" 66
	assert_equal "$stderr" "xdpctl: $PWD/a.o: No such file or directory"
	# ...and with --pass-path a good file gets as far as the (missing) daemon.
	run --separate-stderr xdpctl replace eth0 --pass-path --from - \
		<<<'[{"object": "a.o", "actions": ["pass"]}]'
	assert_equal "$status" 69
}

# A peer on $SOCK that accepts and then writes $1 (printf format), or nothing.
start_peer() {
	command -v python3 >/dev/null || skip "no python3"
	python3 - "$SOCK" "$1" <<-'PY' 3>&- &
	import socket, sys, time
	s = socket.socket(socket.AF_UNIX)
	s.bind(sys.argv[1])
	s.listen()
	c, _ = s.accept()
	c.recv(65536)
	if sys.argv[2]:
	    c.sendall(sys.argv[2].encode() + b"\0")
	time.sleep(30)
	PY
	PEER_PID=$!
	for _ in $(seq 1 50); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
	fail "the peer did not start"
}

@test "a daemon that does not answer: exit 69 after --timeout" {
	start_peer ""
	run --separate-stderr xdpctl --timeout 0.5 status
	assert_equal "$status" 69
	assert_equal "$stderr" "xdpctl: no answer from xdplinkd within 0.5 s; a change may still take effect (see xdpctl status)"
}

@test "a peer that is not io.xdplink.Manager: exit 70" {
	start_peer '{"parameters": {"interfaces": 42}}'
	run --separate-stderr xdpctl status
	assert_equal "$status" 70
	assert_equal "$stderr" "xdpctl: the answer from $SOCK is not io.xdplink.Manager"
}

@test "a verifier log reaches the terminal escaped, one line per line" {
	# The log quotes the object's source lines, which its author chose:
	# here one that would clear the screen and retitle the terminal.
	log='0: (71) r2 = *(u8 *)(r1 +0)\n; return data[0] \u001b[2J\u001b]0;pwned\u0007 ? 1 : 2;\ninvalid access to packet\n'
	start_peer "{\"error\": \"io.xdplink.Manager.ProgramLoadFailed\", \"parameters\": {\"object\": \"/x.o\", \"program\": \"p\", \"errnoName\": \"EACCES\", \"message\": \"loading p failed\", \"verifierLog\": \"$log\"}}"
	: > "$BATS_TEST_TMPDIR/x.o"
	run --separate-stderr xdpctl attach eth0 "$BATS_TEST_TMPDIR/x.o"
	assert_failure
	[[ "$stderr" != *$'\e'* && "$stderr" != *$'\a'* ]] || fail "a control character reached the terminal: $stderr"
	n=${#stderr_lines[@]}
	assert_equal "${stderr_lines[n - 4]}" "verifier log:"
	assert_equal "${stderr_lines[n - 3]}" '0: (71) r2 = *(u8 *)(r1 +0)'
	assert_equal "${stderr_lines[n - 2]}" '; return data[0] \x1b[2J\x1b]0;pwned\x07 ? 1 : 2;'
	assert_equal "${stderr_lines[n - 1]}" 'invalid access to packet'
}
