# The integration suites' helpers, for tests/integration/daemon-helpers.bash
# when a suite here loads it (bats resolves its "load helpers" from here).
source "$BATS_TEST_DIRNAME/../integration/helpers.bash"
