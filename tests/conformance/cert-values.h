/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The values org.varlink.certification prescribes, as JSON text, shared by
 * our certification server and client. Each TestNN's reply is the next
 * call's argument.
 */
#ifndef CERT_VALUES_H
#define CERT_VALUES_H

#define CERT "org.varlink.certification"

/* Test05's reply, Test06's parameters and Test07's struct. */
#define CERT_FOUR_VALUES "{\"bool\": false, \"int\": 2, \"float\": 3.141592653589793, " \
	"\"string\": \"a lot of string\"}"
#define CERT_MAP "{\"bar\": \"Bar\", \"foo\": \"Foo\"}"
#define CERT_SET "{\"one\": {}, \"two\": {}, \"three\": {}}"

/* Test09's reply and Test10's parameter. The nullable members stay out: null or absent. */
#define CERT_MYTYPE \
	"{\"object\": {\"method\": \"org.varlink.certification.Test09\"," \
	"  \"parameters\": {\"map\": {\"foo\": \"Foo\", \"bar\": \"Bar\"}}}," \
	" \"enum\": \"two\", \"struct\": {\"first\": 1, \"second\": \"2\"}," \
	" \"array\": [\"one\", \"two\", \"three\"]," \
	" \"dictionary\": " CERT_MAP "," \
	" \"stringset\": " CERT_SET "," \
	" \"interface\": {\"foo\": [null, {\"Foo\": \"foo\", \"Bar\": \"bar\"}, null," \
	"   {\"one\": \"foo\", \"two\": \"bar\"}], \"anon\": {\"foo\": true, \"bar\": false}}}"

/* Test10's replies in order, which Test11 sends back. */
#define CERT_REPLIES10 "[\"Reply number 1\", \"Reply number 2\", \"Reply number 3\", " \
	"\"Reply number 4\", \"Reply number 5\", \"Reply number 6\", \"Reply number 7\", " \
	"\"Reply number 8\", \"Reply number 9\", \"Reply number 10\"]"

#endif
