/* Host unit tests for the kernel's printf engine (kernel/lib/format.c).
 * glibc's snprintf is the specification: every case must format exactly
 * as it does, including the return value and truncation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/format.h>

/* Formats with both and compares text and return value. */
#define SAME(fmt, ...) do { \
	char want[256], got[256]; \
	int wn = snprintf(want, sizeof(want), fmt, ##__VA_ARGS__); \
	int gn = ksnprintf(got, sizeof(got), fmt, ##__VA_ARGS__); \
	cr_expect_str_eq(got, want, "format \"%s\": kernel \"%s\", glibc \"%s\"", fmt, got, want); \
	cr_expect_eq(gn, wn, "format \"%s\": kernel returned %d, glibc %d", fmt, gn, wn); \
} while (0)

Test(format, printk_test_cases)
{
	/* The same cases the Lab 1 printk test runs in the kernel. */
#define PRINTK_CASE(fmt, ...) SAME(fmt, ##__VA_ARGS__);
#include "printk_cases.h"
#undef PRINTK_CASE
}

Test(format, truncates_like_snprintf)
{
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	int n = ksnprintf(buf, 5, "%s-%d", "abcdef", 12345);
	cr_expect_eq(n, 12, "the return value counts the untruncated length");
	cr_expect_str_eq(buf, "abcd");
	cr_expect_eq(buf[5], 'X', "nothing written past size");
	cr_expect_eq(ksnprintf(NULL, 0, "%d", 123456), 6, "size 0 writes nothing and still counts");
}

Test(format, unknown_conversion_is_printed)
{
	char buf[32];
	const char *fmt = "a%yb";      /* not a literal: gcc would reject %y */
	ksnprintf(buf, sizeof(buf), fmt);
	cr_expect_str_eq(buf, "a%yb");
}

/* Random integers through random combinations of flags, width, precision
 * and conversion: many cases nobody would think to write by hand. */
Test(format, random_integer_specs)
{
	static const char *flags[] = { "", "-", "0", "+", " ", "#", "-#", "0#", "+0", "- " };
	static const char *convs[] = { "d", "u", "x", "X", "o" };
	srand(12345);
	for (int i = 0; i < 20000; i++) {
		char fmt[32];
		int width = rand() % 3 ? rand() % 24 : 0;
		int prec = rand() % 3 ? -1 : rand() % 12;
		const char *conv = convs[rand() % 5];
		char wbuf[8] = "", pbuf[8] = "";
		if (width)
			snprintf(wbuf, sizeof(wbuf), "%d", width);
		if (prec >= 0)
			snprintf(pbuf, sizeof(pbuf), ".%d", prec);
		long v = (long)(((unsigned long)rand() << 33) ^ ((unsigned long)rand() << 2) ^ (unsigned long)rand());
		switch (rand() % 4) {
		case 0: v = 0; break;
		case 1: v %= 1000; break;
		case 2: v = -v; break;
		}
		snprintf(fmt, sizeof(fmt), "%%%s%s%sl%s", flags[rand() % 10], wbuf, pbuf, conv);
		SAME(fmt, v);
	}
}
