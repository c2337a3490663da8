# The integration suite's sanitizer.bash, for daemon-helpers.bash's "load sanitizer".
source "$BATS_TEST_DIRNAME/../integration/sanitizer.bash"
