#!/usr/bin/env bats
# Hostile and mistaken input against the real xdplinkd: each case checks the
# specific answer (or that the connection is dropped, for bytes that are not
# one JSON object and calls whose "oneway" leaves no right answer), and
# that the daemon then still serves a new client. One daemon
# serves the whole file, so a case that hurt it would fail every later one.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${XL_BUILD:-$REPO/build}
load sanitizer

setup_file() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	export NS=xlbad$$
	export ROOT=/sys/fs/bpf/xlbad-$$
	export DIR=$BATS_FILE_TMPDIR
	export SOCK=$DIR/io.xdplink.Manager
	export OBJ=$BUILD/bpf/xl_test_progs.bpf.o
	ip netns add "$NS"
	ip -n "$NS" link add va type veth peer name vb
	ip -n "$NS" link set va up
	ip -n "$NS" link set vb up
	sanitizer_env "$DIR/tsan"
	nsenter --net="/run/netns/$NS" "$BUILD/xdplinkd" --config "$REPO/config/xdplinkd.conf" \
		--socket "$SOCK" --bpffs-root "$ROOT" --state-dir "$DIR/state" \
		>"$DIR/xdplinkd.log" 2>&1 3>&- &
	echo $! > "$DIR/pid"
	for _ in $(seq 1 300); do
		"$BUILD/xdpctl" --socket "$SOCK" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$DIR/xdplinkd.log" >&2
	return 1
}

teardown_file() {
	local pid
	pid=$(cat "$DIR/pid" 2>/dev/null) && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$ROOT"
	# A sanitizer build's reports fail the file (the one daemon served it all).
	! sanitizer_reports "$DIR/xdplinkd.log" "$DIR/tsan" >&2
}

# raw BYTES [VL-RAW OPTION...]: send printf-escaped BYTES; $output holds the
# replies, $status is 0 when the daemon hung up, 3 when it kept the connection.
raw() {
	local bytes=$1; shift
	run bash -c 'printf "$1" | "$2" --wait-ms 700 "${@:3}" "$SOCK"' _ "$bytes" \
		"$BUILD/tests/vl-raw" "$@"
}

# raw_file FILE: the same, for payloads too big for an argument list.
raw_file() {
	run bash -c '"$1" --wait-ms 2000 "$SOCK" < "$2"' _ "$BUILD/tests/vl-raw" "$1"
}

call() {	# call METHOD PARAMS-JSON: one well-framed call
	raw "{\"method\":\"$1\",\"parameters\":$2}\\0"
}

expect_error() {
	[ "$(jq -r .error <<<"${lines[0]}")" = "$1" ] ||
		{ echo "expected $1, got: $output"; return 1; }
}

expect_parameter() {
	expect_error org.varlink.service.InvalidParameter
	[ "$(jq -r .parameters.parameter <<<"${lines[0]}")" = "$1" ] ||
		{ echo "expected parameter $1, got: $output"; return 1; }
}

# Bytes that are not varlink: no reply, the connection is dropped.
expect_hangup() {
	[ "$status" -eq 0 ] || { echo "connection not dropped (status $status)"; return 1; }
	[ -z "$output" ] || { echo "unexpected reply: $output"; return 1; }
}

still_serving() {
	run "$BUILD/xdpctl" --socket "$SOCK" --json version
	[ "$status" -eq 0 ] && [ "$(jq -r .daemon.maxPrograms <<<"$output")" = 63 ]
	kill -0 "$(cat "$DIR/pid")"
}

M=io.xdplink.Manager

# ---- framing and message syntax ----

@test "invalid JSON: dropped" { raw '{"method":\0'; expect_hangup; still_serving; }
@test "a message with no NUL is not answered, and others are served meanwhile" {
	raw '{"method":"org.varlink.service.GetInfo"}'
	[ "$status" -eq 3 ] && [ -z "$output" ]
	still_serving
}
@test "an oversize message (over 16 MiB) is dropped" {
	run bash -c 'head -c 17000000 /dev/zero | tr "\0" " " | "$1" --wait-ms 2000 "$SOCK"' _ \
		"$BUILD/tests/vl-raw"
	expect_hangup
	still_serving
}
@test "a JSON array instead of an object: dropped" { raw '[1,2]\0'; expect_hangup; still_serving; }
@test "an unknown key in the call: InvalidParameter names it, the connection stays" {
	raw '{"method":"org.varlink.service.GetInfo","foo":1}\0{"method":"org.varlink.service.GetInfo"}\0'
	expect_parameter foo
	[ "$status" -eq 3 ] && [ "$(jq -r .parameters.vendor <<<"${lines[1]}")" = xdplinkd ]
	still_serving
}
@test "parameters null (varlink/go's nil input) are no parameters" {
	raw "{\"method\":\"$M.Describe\",\"parameters\":null}\\0"
	[ "$(jq .parameters.maxPrograms <<<"${lines[0]}")" = 63 ]
	still_serving
}
@test "oneway and more together: dropped" {
	raw "{\"method\":\"$M.List\",\"oneway\":true,\"more\":true}\\0"; expect_hangup; still_serving
}
@test "non-UTF-8 bytes: dropped" {
	raw "{\"method\":\"$M.List\",\"parameters\":{\"interface\":\"\\xff\\xfe\"}}\\0"
	expect_hangup; still_serving
}
@test "a duplicate key: dropped" {
	raw "{\"method\":\"$M.List\",\"method\":\"$M.List\"}\\0"; expect_hangup; still_serving
}
@test "parameters that are not an object: InvalidParameter" {
	raw "{\"method\":\"$M.List\",\"parameters\":[]}\\0"; expect_parameter parameters; still_serving
}
@test "a NUL escaped inside a string: dropped" {
	raw "{\"method\":\"$M.List\",\"parameters\":{\"interface\":\"a\\\\u0000b\"}}\\0"
	expect_hangup; still_serving
}
@test "an empty message: dropped" { raw '\0'; expect_hangup; still_serving; }
@test "a method that is not a string: InvalidParameter" {
	raw '{"method":5}\0'; expect_parameter method; still_serving
}
@test "an integer beyond 64 bits: dropped" {
	raw "{\"method\":\"$M.List\",\"parameters\":{\"x\":99999999999999999999999}}\\0"
	expect_hangup; still_serving
}
@test "a call delivered one byte at a time is answered" {
	raw "{\"method\":\"$M.Describe\"}\\0" --chunk 1 --delay-ms 2
	[ "$(jq .parameters.maxPrograms <<<"${lines[0]}")" = 63 ]
	still_serving
}
@test "pipelined calls in one write are answered in order" {
	raw "{\"method\":\"$M.Describe\"}\\0{\"method\":\"$M.Nope\"}\\0{\"method\":\"$M.List\"}\\0"
	[ "${#lines[@]}" -eq 3 ]
	jq -e .parameters.maxPrograms <<<"${lines[0]}"
	[ "$(jq -r .error <<<"${lines[1]}")" = org.varlink.service.MethodNotFound ]
	jq -e .parameters.interfaces <<<"${lines[2]}"
}

# ---- routing ----

@test "an unknown interface: org.varlink.service.InterfaceNotFound" {
	raw '{"method":"org.nope.X"}\0'; expect_error org.varlink.service.InterfaceNotFound; still_serving
}
@test "an unknown method: MethodNotFound" {
	raw "{\"method\":\"$M.Nope\"}\\0"; expect_error org.varlink.service.MethodNotFound; still_serving
}
@test "a malformed method name: InvalidParameter method" {
	raw '{"method":"io..x"}\0'; expect_parameter method; still_serving
}
@test "Monitor without more: ExpectedMore" {
	raw "{\"method\":\"$M.Monitor\"}\\0"; expect_error org.varlink.service.ExpectedMore; still_serving
}
@test "GetInterfaceDescription of an unknown interface: InterfaceNotFound" {
	call org.varlink.service.GetInterfaceDescription '{"interface":"io.nope"}'
	expect_error org.varlink.service.InterfaceNotFound; still_serving
}

# ---- parameters ----

@test "a wrong type: InvalidParameter naming it" { call $M.List '{"interface":5}'; expect_parameter interface; still_serving; }
@test "an unknown parameter: InvalidParameter naming it" { call $M.List '{"bogus":5}'; expect_parameter bogus; still_serving; }
@test "a missing mandatory parameter: InvalidParameter" { call $M.Attach "{\"object\":\"$OBJ\"}"; expect_parameter interface; still_serving; }
@test "an interface name too long for the kernel" { call $M.List '{"interface":"abcdefghijklmnopq"}'; expect_parameter interface; still_serving; }
@test "an interface name with a slash" { call $M.List '{"interface":"a/b"}'; expect_parameter interface; still_serving; }
@test "a nonexistent interface: io.xdplink.Manager.InterfaceNotFound" {
	call $M.Attach "{\"interface\":\"nosuch0\",\"object\":\"$OBJ\"}"; expect_error $M.InterfaceNotFound; still_serving
}
@test "a relative object path: InvalidParameter object" {
	call $M.Attach '{"interface":"vb","object":"x.o"}'; expect_parameter object; still_serving
}
@test "a nonexistent object file: ObjectNotFound" {
	call $M.Attach '{"interface":"vb","object":"/nonexistent/x.o"}'; expect_error $M.ObjectNotFound
	[ "$(jq -r .parameters.errnoName <<<"${lines[0]}")" = ENOENT ]; still_serving
}
@test "a file that is not BPF: InvalidObject" {
	call $M.Attach '{"interface":"vb","object":"/etc/passwd"}'; expect_error $M.InvalidObject; still_serving
}
@test "an unknown program name: ProgramNotFound" {
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"program\":\"nope\"}"; expect_error $M.ProgramNotFound; still_serving
}
@test "a verifier reject: ProgramLoadFailed with the verifier log" {
	call $M.Replace "{\"interface\":\"vb\",\"programs\":[{\"object\":\"$OBJ\",\"program\":\"xl_bad\"}]}"
	expect_error $M.ProgramLoadFailed
	[ -n "$(jq -r .parameters.verifierLog <<<"${lines[0]}")" ]; still_serving
}
@test "a priority out of range: InvalidParameter priority" {
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"priority\":1001}"; expect_parameter priority; still_serving
}
@test "a negative priority: InvalidParameter priority" {
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"priority\":-1}"; expect_parameter priority; still_serving
}
@test "an unknown action: InvalidParameter actions" {
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"actions\":[\"teleport\"]}"; expect_parameter actions; still_serving
}
@test "a huge actions array: InvalidParameter actions" {
	a=$(printf '"pass",%.0s' $(seq 1 5000)); a="[${a%,}]"
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"actions\":$a}"; expect_parameter actions; still_serving
}
@test "a huge programs array: TooManyPrograms before anything is loaded" {
	f=$BATS_TEST_TMPDIR/big
	{ printf '{"method":"%s.Replace","parameters":{"interface":"vb","programs":[' $M
	  printf '{"object":"/x"},%.0s' $(seq 1 19999); printf '{"object":"/x"}]}}\0'; } > "$f"
	raw_file "$f"; expect_error $M.TooManyPrograms; still_serving
}
@test "a Change of 64 attaches: TooManyPrograms naming the interface, before anything is loaded" {
	ops=$(for i in $(seq 1 64); do printf '{"op":"attach","object":"%s","program":"xl_pass_1"},' "$OBJ"; done)
	call $M.Change "{\"interface\":\"vb\",\"operations\":[${ops%,}]}"
	expect_error $M.TooManyPrograms
	[ "$(jq -r .parameters.interface <<<"${lines[0]}")" = vb ]
	[ "$(jq -r .parameters.limit <<<"${lines[0]}")" = 63 ]
	still_serving
}
@test "a program entry that is not an object: InvalidParameter programs" {
	call $M.Replace '{"interface":"vb","programs":[5]}'; expect_parameter programs; still_serving
}
@test "an unknown key in a program entry: InvalidParameter naming its path" {
	call $M.Replace "{\"interface\":\"vb\",\"programs\":[{\"object\":\"$OBJ\",\"bogus\":1}]}"
	expect_parameter 'programs[0].bogus'; still_serving
}
@test "an unknown mode: InvalidParameter mode" {
	call $M.Attach "{\"interface\":\"vb\",\"object\":\"$OBJ\",\"mode\":\"turbo\"}"; expect_parameter mode; still_serving
}
@test "expectedRevision 0: InvalidParameter (revisions start at 1)" {
	call $M.Detach '{"interface":"vb","all":true,"expectedRevision":0}'; expect_parameter expectedRevision; still_serving
}
@test "a stale expectedRevision: RevisionMismatch with the current revision" {
	call $M.Detach '{"interface":"vb","all":true,"expectedRevision":7}'
	expect_error $M.RevisionMismatch
	[ "$(jq .parameters.current <<<"${lines[0]}")" = 0 ]; still_serving
}
@test "Detach with both an id and all: InvalidParameter" {
	call $M.Detach '{"interface":"vb","id":1,"all":true}'; expect_parameter all; still_serving
}
@test "Detach of id 0: InvalidParameter id" { call $M.Detach '{"interface":"vb","id":0}'; expect_parameter id; still_serving; }
@test "Detach of an unknown id: AttachmentNotFound" {
	call $M.Detach '{"interface":"vb","id":4242}'; expect_error $M.AttachmentNotFound; still_serving
}
@test "an fd index with no fd passed: InvalidParameter objectFd" {
	call $M.Attach '{"interface":"vb","objectFd":0}'; expect_parameter objectFd; still_serving
}
@test "both a path and an fd for one object: InvalidParameter objectFd" {
	raw "{\"method\":\"$M.Attach\",\"parameters\":{\"interface\":\"vb\",\"object\":\"$OBJ\",\"objectFd\":0}}\\0" --fd "$OBJ"
	expect_parameter objectFd; still_serving
}
@test "a passed fd that is not a BPF object: InvalidObject" {
	raw "{\"method\":\"$M.Attach\",\"parameters\":{\"interface\":\"vb\",\"objectFd\":0}}\\0" --fd /etc/passwd
	expect_error $M.InvalidObject; still_serving
}
@test "a passed fd of a directory: InvalidObject, not a regular file" {
	raw "{\"method\":\"$M.Attach\",\"parameters\":{\"interface\":\"vb\",\"objectFd\":0}}\\0" --fd /etc
	expect_error $M.InvalidObject
	[[ "$(jq -r .parameters.message <<<"${lines[0]}")" == *"not a regular file"* ]]; still_serving
}
@test "Reload with parameters: InvalidParameter" { call $M.Reload '{"x":1}'; expect_parameter x; still_serving; }
@test "a one-megabyte label: InvalidParameter label" {
	f=$BATS_TEST_TMPDIR/big
	{ printf '{"method":"%s.Attach","parameters":{"interface":"vb","object":"%s","label":"' $M "$OBJ"
	  head -c 1048576 /dev/zero | tr '\0' a; printf '"}}\0'; } > "$f"
	raw_file "$f"; expect_parameter label; still_serving
}
@test "after all of that, nothing is attached and nothing is pinned" {
	run "$BUILD/xdpctl" --socket "$SOCK" --json status
	[ "$(jq '.interfaces | length' <<<"$output")" -eq 0 ]
	[ -z "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name '*-*')" ]
}
