#!/usr/bin/env bats
# `xdpctl version` tells what the daemon can do here, and that is what
# attach then enforces: up to maxPrograms programs per interface with
# freplace, one in degraded mode (lockdown, as on the build hosts), with
# the reason. Before issue 14 it said "up to 63 programs" in both modes.

bats_require_minimum_version 1.5.0
load daemon-helpers

setup() {
	daemon_setup
	daemon_start
}

teardown() {
	daemon_teardown
}

@test "version: the limit it prints is Describe's, one program in degraded mode" {
	describe=$(ctl --json version | jq -c .daemon)
	max=$(jq .maxPrograms <<<"$describe")
	run --separate-stderr ctl version
	[ "$status" -eq 0 ]
	if [ "$(jq .freplace <<<"$describe")" = true ]; then
		[[ "$output" == *"up to $max programs per interface"* ]]
		[[ "$output" != *degraded* ]]
	else
		reason=$(jq -r .degradedReason <<<"$describe")
		[ -n "$reason" ] && [ "$reason" != null ]
		[[ "$output" == *"up to 1 program per interface"* ]]
		[[ "$output" != *"up to $max programs"* ]]
		[[ "$output" == *"degraded mode (one program per interface): $reason"* ]]
	fi
}

@test "version: the limit it prints is the one attach enforces" {
	limit=$(ctl version | sed -n 's/.*up to \([0-9]*\) programs\{0,1\} per interface.*/\1/p')
	[ -n "$limit" ]
	run ctl attach vb "$OBJ" --prog xl_pass_1
	[ "$status" -eq 0 ]
	run ctl attach vb "$OBJ" --prog xl_pass_2
	if [ "$limit" -eq 1 ]; then
		[ "$status" -ne 0 ]
		[[ "$output" == *NotSupported* || "$output" == *"needs the dispatcher"* ]]
		[ "$(vb_names)" = xl_pass_1 ]
	else
		[ "$status" -eq 0 ]
		[ "$(vb_names)" = xl_pass_1,xl_pass_2 ]
	fi
}
