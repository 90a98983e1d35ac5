/* In-kernel self-tests. The grader boots the kernel with "test=NAME" on the
 * command line; kmain runs that test and powers off. Tests live with their
 * lab under labs/labN/ and register themselves with KTEST(). */
#pragma once
#include <kernel/compiler.h>
#include <stdint.h>

struct ktest {
	const char *name;
	void (*run)(void);
};

#define KTEST(name_, fn_) \
	static const struct ktest __ktest_##fn_ __used __section(".ktests") \
		__aligned(8) = { .name = name_, .run = fn_ }

/* The per-run random token the grader put on the command line ("token=").
 * Tests echo it or derive values from it, so output cannot be canned. */
const char *ktest_token(void);
uint64_t ktest_token_value(void);

/* Runs the test named by "test=" if any; returns false when none was asked. */
bool ktest_run_selected(void);

/* A small deterministic random generator for tests (xorshift64*), seeded
 * from the token so every run exercises different values. */
static inline uint64_t ktest_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}
