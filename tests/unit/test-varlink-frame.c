/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: varlink NUL framing — partial reads, pipelining, size limit, write queue. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vl-frame.h"

/* One byte per feed: a message split anywhere must come out whole, exactly once. */
static void test_byte_at_a_time(void **state)
{
	static const char in[] = "{\"method\":\"a.b.C\"}"; /* sizeof includes the frame NUL */
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	vl_reader_init(&r, 0);
	for (size_t i = 0; i < sizeof(in) - 1; i++) {
		assert_int_equal(vl_reader_feed(&r, in + i, 1), 0);
		assert_int_equal(vl_reader_next(&r, &msg, &len), 0);
	}
	assert_int_equal(vl_reader_feed(&r, "", 1), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, sizeof(in) - 1);
	assert_memory_equal(msg, in, sizeof(in));
	assert_int_equal(vl_reader_next(&r, &msg, &len), 0);
	assert_int_equal(vl_reader_pending(&r), 0);
	vl_reader_done(&r);
}

/* Pipelined requests in one read come out separately and in order. */
static void test_pipelined_in_one_chunk(void **state)
{
	static const char in[] = "{\"a\":1}\0{\"b\":2}\0{\"c\":3}\0{\"d\"";
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	vl_reader_init(&r, 0);
	assert_int_equal(vl_reader_feed(&r, in, sizeof(in) - 1), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_string_equal(msg, "{\"a\":1}");
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_string_equal(msg, "{\"b\":2}");
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_string_equal(msg, "{\"c\":3}");
	assert_int_equal(vl_reader_next(&r, &msg, &len), 0);
	assert_int_equal(vl_reader_pending(&r), 4);
	/* The partial fourth survives compaction on the next feed. */
	assert_int_equal(vl_reader_feed(&r, ":4}", 4), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_string_equal(msg, "{\"d\":4}");
	assert_int_equal(len, 7);
	vl_reader_done(&r);
}

/* Chunk boundaries that straddle message ends, in odd sizes. */
static void test_chunks_straddling_frames(void **state)
{
	char in[300];
	struct vl_reader r;
	const char *msg;
	size_t len, n = 0, got = 0;

	(void)state;
	for (int i = 0; i < 30; i++)
		n += (size_t)sprintf(in + n, "{\"i\":%d}", i) + 1;
	vl_reader_init(&r, 0);
	for (size_t off = 0; off < n; off += 7) {
		assert_int_equal(vl_reader_feed(&r, in + off, n - off < 7 ? n - off : 7), 0);
		while (vl_reader_next(&r, &msg, &len) == 1) {
			char want[16];

			sprintf(want, "{\"i\":%zu}", got++);
			assert_string_equal(msg, want);
		}
	}
	assert_int_equal(got, 30);
	vl_reader_done(&r);
}

static void test_empty_frame(void **state)
{
	struct vl_reader r;
	const char *msg;
	size_t len = 99;

	(void)state;
	vl_reader_init(&r, 0);
	assert_int_equal(vl_reader_feed(&r, "\0", 1), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, 0);
	vl_reader_done(&r);
}

/* A stream with no NUL is refused as soon as it passes the limit, before buffering it. */
static void test_nul_less_oversize(void **state)
{
	char chunk[64];
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	vl_reader_init(&r, 100);
	assert_int_equal(vl_reader_feed(&r, chunk, 64), 0);
	assert_int_equal(vl_reader_feed(&r, chunk, 36), 0);
	assert_int_equal(vl_reader_feed(&r, chunk, 1), -EMSGSIZE);
	assert_true(r.len <= 100);
	/* Framing is lost for good. */
	assert_int_equal(vl_reader_next(&r, &msg, &len), -EMSGSIZE);
	assert_int_equal(vl_reader_feed(&r, "\0", 1), -EMSGSIZE);
	vl_reader_done(&r);
}

/* A complete but oversize frame arriving in one chunk is refused too; exactly max is fine. */
static void test_oversize_complete_frame(void **state)
{
	char buf[203];
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	buf[100] = '\0';
	buf[202] = '\0'; /* 101 bytes: one over */
	vl_reader_init(&r, 100);
	assert_int_equal(vl_reader_feed(&r, buf, sizeof(buf)), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, 100);
	assert_int_equal(vl_reader_next(&r, &msg, &len), -EMSGSIZE);
	vl_reader_done(&r);
}

/* The real 16 MiB limit: one byte over, then exactly at it. */
static void test_default_limit_16mib(void **state)
{
	size_t n = VL_MESSAGE_MAX + 1;
	char *big = malloc(n + 1);
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n + 1);
	vl_reader_init(&r, 0);
	assert_int_equal(r.max, 16 * 1024 * 1024);
	assert_int_equal(vl_reader_feed(&r, big, n), -EMSGSIZE);
	vl_reader_done(&r);

	big[VL_MESSAGE_MAX] = '\0';
	vl_reader_init(&r, 0);
	assert_int_equal(vl_reader_feed(&r, big, VL_MESSAGE_MAX + 1), 0);
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, VL_MESSAGE_MAX);
	vl_reader_done(&r);
	free(big);
}

/* Queue two replies, drain with short writes, and see the exact bytes with NULs. */
/* has_message tells whether next() would hand one out, without taking it. */
static void test_has_message(void **state)
{
	struct vl_reader r;
	const char *msg;
	size_t len;

	(void)state;
	vl_reader_init(&r, 8);
	assert_false(vl_reader_has_message(&r));
	assert_int_equal(vl_reader_feed(&r, "{\"a\"", 4), 0);
	assert_false(vl_reader_has_message(&r));
	assert_false(vl_reader_has_message(&r));
	assert_int_equal(vl_reader_feed(&r, ":1}\0{", 5), 0);
	assert_true(vl_reader_has_message(&r));
	assert_true(vl_reader_has_message(&r));
	assert_int_equal(vl_reader_next(&r, &msg, &len), 1);
	assert_string_equal(msg, "{\"a\":1}");
	assert_false(vl_reader_has_message(&r));
	assert_int_equal(vl_reader_pending(&r), 1);
	/* A failed reader hands out nothing more. */
	assert_int_equal(vl_reader_feed(&r, "xxxxxxxxxx", 10), -EMSGSIZE);
	assert_false(vl_reader_has_message(&r));
	vl_reader_done(&r);
}

static void test_writer_partial_writes(void **state)
{
	static const char want[] = "{\"parameters\":{}}\0{\"parameters\":{\"x\":1}}";
	char out[128];
	size_t got = 0;
	struct vl_writer w;
	json_t *a = json_pack("{s:{}}", "parameters");
	json_t *b = json_pack("{s:{s:i}}", "parameters", "x", 1);

	(void)state;
	vl_writer_init(&w, 0);
	assert_int_equal(vl_writer_pending(&w), 0);
	assert_int_equal(vl_writer_append_json(&w, a), 0);
	assert_int_equal(vl_writer_pending(&w), 18);
	assert_int_equal(vl_writer_append_json(&w, b), 0);
	assert_int_equal(vl_writer_pending(&w), sizeof(want));
	while (vl_writer_pending(&w) > 0) {
		size_t n = vl_writer_pending(&w) < 5 ? vl_writer_pending(&w) : 5;

		memcpy(out + got, vl_writer_data(&w), n);
		vl_writer_consume(&w, n);
		got += n;
	}
	assert_int_equal(got, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	json_decref(a);
	json_decref(b);
	vl_writer_done(&w);
}

/* Appending after a partial write keeps the unwritten rest first. */
static void test_writer_append_after_partial(void **state)
{
	struct vl_writer w;
	json_t *a = json_pack("{s:s}", "error", "a.b.C");

	(void)state;
	vl_writer_init(&w, 0);
	assert_int_equal(vl_writer_append_json(&w, a), 0);
	vl_writer_consume(&w, 3);
	assert_int_equal(vl_writer_append_json(&w, a), 0);
	assert_int_equal(vl_writer_pending(&w), 2 * 18 - 3);
	assert_memory_equal(vl_writer_data(&w), "rror\":\"a.b.C\"}\0{\"error\"", 23);
	/* A peer that always leaves a byte unread must not make the queue grow forever. */
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(vl_writer_append_json(&w, a), 0);
		vl_writer_consume(&w, vl_writer_pending(&w) - 1);
	}
	assert_int_equal(vl_writer_pending(&w), 1);
	assert_true(w.alloc <= 4096);
	json_decref(a);
	vl_writer_done(&w);
}

/* Refuse what a peer would reject, and refuse non-objects; U+0000 can't break framing. */
static void test_writer_limits(void **state)
{
	struct vl_writer w;
	json_t *big = json_pack("{s:s}", "parameters", "0123456789012345678901234567890123456789");
	json_t *arr = json_array();
	json_t *nul = json_pack("{s:s%}", "s", "a\0b", (size_t)3);

	(void)state;
	vl_writer_init(&w, 32);
	assert_int_equal(vl_writer_append_json(&w, big), -EMSGSIZE);
	assert_int_equal(vl_writer_append_json(&w, arr), -EINVAL);
	assert_int_equal(vl_writer_pending(&w), 0);
	assert_int_equal(vl_writer_append_json(&w, nul), 0);
	assert_null(memchr(vl_writer_data(&w), 0, vl_writer_pending(&w) - 1));
	json_decref(big);
	json_decref(arr);
	json_decref(nul);
	vl_writer_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_pipelined_in_one_chunk),
		cmocka_unit_test(test_chunks_straddling_frames),
		cmocka_unit_test(test_empty_frame),
		cmocka_unit_test(test_nul_less_oversize),
		cmocka_unit_test(test_oversize_complete_frame),
		cmocka_unit_test(test_default_limit_16mib),
		cmocka_unit_test(test_has_message),
		cmocka_unit_test(test_writer_partial_writes),
		cmocka_unit_test(test_writer_append_after_partial),
		cmocka_unit_test(test_writer_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
