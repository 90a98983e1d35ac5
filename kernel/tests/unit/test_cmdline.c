/* Host unit tests for the command-line parser (kernel/core/cmdline.c). */
#include <criterion/criterion.h>
#include <kernel/errno.h>
#include <kernel/cmdline.h>

static const char *line = "test=timer  token=00ff verbose key=a=b empty= last=z";

static void expect_value(const char *key, const char *want)
{
	char out[64];
	int n = cmdline_find(line, key, out, sizeof(out));
	cr_assert_geq(n, 0, "key %s should be found", key);
	cr_expect_str_eq(out, want, "value of %s", key);
	cr_expect_eq((size_t)n, strlen(want));
}

Test(cmdline, finds_values)
{
	expect_value("test", "timer");
	expect_value("token", "00ff");
	expect_value("key", "a=b");
	expect_value("last", "z");
}

Test(cmdline, bare_and_empty_keys)
{
	expect_value("verbose", "");
	expect_value("empty", "");
}

Test(cmdline, no_partial_matches)
{
	char out[8];
	cr_expect_eq(cmdline_find(line, "tes", out, sizeof(out)), -ENOENT, "a prefix of a key is not the key");
	cr_expect_eq(cmdline_find(line, "timer", out, sizeof(out)), -ENOENT, "a value is not a key");
	cr_expect_eq(cmdline_find("", "x", out, sizeof(out)), -ENOENT);
}

Test(cmdline, truncates_to_buffer)
{
	char out[3];
	cr_expect_eq(cmdline_find(line, "test", out, sizeof(out)), 5, "returns the full length");
	cr_expect_str_eq(out, "ti");
	cr_expect_eq(cmdline_find(line, "test", NULL, 0), 5, "size 0: only looks");
}
