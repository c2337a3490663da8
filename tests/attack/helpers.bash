# The integration suite's helpers.bash, for daemon-helpers.bash's "load helpers".
source "$BATS_TEST_DIRNAME/../integration/helpers.bash"
