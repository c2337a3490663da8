/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named points in a swap where the torture and recovery tests stop or end the process. */
#ifndef XL_TESTPOINT_H
#define XL_TESTPOINT_H

/*
 * Test-only. Each call names the step the process has just completed.
 *   XL_TEST_CRASH=NAME        _exit(86) at the first NAME
 *   XL_TEST_STOP=NAME[@N]     SIGSTOP at the Nth NAME (N=1), after a line
 *                             "xl-testpoint: stopped at NAME" on stderr,
 *                             so that a real SIGKILL lands exactly there
 *   XL_TEST_STOP_FILE=PATH    the same, with NAME[@N] read from PATH's first
 *                             line at every point; counting restarts when
 *                             it changes, nothing stops while it is empty
 * NAME "*" matches every point. Without those variables it does nothing.
 */
void xl_test_point(const char *name);

#endif
