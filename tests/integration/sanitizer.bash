# Sourced by the end-to-end suites, the torture and the stress tests: how a
# sanitizer build's daemon (make SANITIZE=1 or SANITIZE=thread, which export
# XL_SANITIZE) reports, and how a test finds those reports.
#
# ASan and UBSan write to the daemon's stderr (its log). ThreadSanitizer
# writes to PREFIX.PID files (log_path), one per process, so that a report
# never lands in output a test compares, and so that each daemon's reports
# are its own. halt_on_error=0: a race is reported and the daemon goes on,
# so that one test shows every race it triggers. exitcode=66 (TSan's
# default, said here): a daemon with reports does not exit 0.

# What any sanitizer's report starts with.
SANITIZER_REPORT='ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|FATAL: ThreadSanitizer|runtime error:'

# sanitizer_env PREFIX: export TSAN_OPTIONS for every process started
# after it (the daemon, xdpctl, the tools), reports going to PREFIX.PID.
sanitizer_env() {
	[ "${XL_SANITIZE:-}" = thread ] || return 0
	local supp
	supp=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tsan.supp
	export TSAN_OPTIONS="halt_on_error=0 exitcode=66 log_path=$1 suppressions=$supp history_size=4 second_deadlock_stack=1"
}

# sanitizer_reports LOG PREFIX: print the reports in the daemon's LOG
# (ASan, UBSan) and in PREFIX.* (TSan); true if there were any.
sanitizer_reports() {
	local log=$1 prefix=$2 found=1 f
	if [ -f "$log" ] && grep -qE "$SANITIZER_REPORT" "$log"; then
		grep -A30 -E "$SANITIZER_REPORT" "$log"
		found=0
	fi
	for f in "$prefix".*; do
		[ -f "$f" ] && grep -qE "$SANITIZER_REPORT" "$f" || continue
		echo "== $f"
		cat "$f"
		found=0
	done
	return "$found"
}

# sanitizer_summary PREFIX: the TSan reports in PREFIX.*, one line per
# place, counted: the kind, then the first frame in our own code of each of
# the two accesses (the SUMMARY line may name an uninstrumented library).
sanitizer_summary() {
	cat "$1".* 2>/dev/null | awk '
	/^WARNING: ThreadSanitizer: / { kind = $0; sub(/^WARNING: ThreadSanitizer: /, "", kind)
		sub(/ \(pid=[0-9]+\)$/, "", kind); n = 0; want = 0; place = "" }
	/^  [A-Z].* (of size|by (main )?thread|by thread T)/ && n < 2 { n++; want = 1; next }
	/^  [A-Z]/ { want = 0 }
	want && /^ +#[0-9]+ / && $3 ~ /^(daemon|lib|client|tests)\// {
		place = place (place == "" ? "" : " vs ") $3 " (" $2 ")"; want = 0 }
	/^SUMMARY: ThreadSanitizer: / { if (place == "") { place = $0; sub(/^SUMMARY: ThreadSanitizer: [^ ]+ [^ ]+ /, "", place) }
		print kind ": " place }' | sort | uniq -c | sort -rn
}
