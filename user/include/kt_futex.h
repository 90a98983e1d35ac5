/* kt_futex.h: what the futex tests (user/lab6/futex_*.c) share: the
 * UAPI's futex constants (musl's headers do not carry <linux/futex.h>),
 * the raw call, result lines, and waiting until a word has sleepers.
 * Static inline, as kt.h. */
#ifndef KT_FUTEX_H
#define KT_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <kt.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_FD		2
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_LOCK_PI		6
#define FUTEX_UNLOCK_PI		7
#define FUTEX_TRYLOCK_PI	8
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_BITSET_MATCH_ANY	0xffffffffu

#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_ANDN		3
#define FUTEX_OP_XOR		4
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_NE		1
#define FUTEX_OP_CMP_LT		2
#define FUTEX_OP_CMP_LE		3
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP_CMP_GE		5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

#define FUTEX_WAITERS		0x80000000u
#define FUTEX_OWNER_DIED	0x40000000u
#define FUTEX_TID_MASK		0x3fffffffu

static inline long kt_futex(volatile uint32_t *uaddr, int op, uint32_t val, const void *timeout_or_val2,
			    volatile uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

/* The count argument of REQUEUE, CMP_REQUEUE and WAKE_OP, which travels
 * where a timeout pointer would. */
#define KT_VAL2(n) ((const void *)(uintptr_t)(n))

static inline const char *kt_futex_errname(int e)
{
	switch (e) {
	case ETIMEDOUT:	return "ETIMEDOUT";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	default:	return kt_errname(e);
	}
}

/* "what: value" or "what: -1 ERRNO", and the result as -errno or value. */
static inline long kt_fres(const char *what, long ret)
{
	int e = errno;
	if (ret < 0)
		printf("%s: -1 %s\n", what, kt_futex_errname(e));
	else
		printf("%s: %ld\n", what, ret);
	fflush(stdout);
	errno = e;
	return ret < 0 ? -e : ret;
}

/* How many tasks sleep on the shared word w: a requeue of w onto itself
 * that wakes none and moves all counts them and changes nothing. */
static inline long kt_futex_sleepers(volatile uint32_t *w, int private_flag)
{
	return syscall(SYS_futex, w, FUTEX_CMP_REQUEUE | private_flag, 0, KT_VAL2(INT_MAX), w, *w);
}

/* Waits (up to 10 s) until n tasks sleep on w. */
static inline int kt_futex_wait_sleepers(volatile uint32_t *w, int private_flag, long n)
{
	long long give_up = kt_now_ns() + 10000000000LL;
	do {
		long got = kt_futex_sleepers(w, private_flag);
		if (got == n)
			return 1;
		if (got < 0 && errno != EAGAIN)
			return 0;
		kt_sleep_ms(1);
	} while (kt_now_ns() < give_up);
	return 0;
}

/* The same, or the test ends here: nothing after would make sense. */
static inline void kt_futex_need_sleepers(const char *what, volatile uint32_t *w, int private_flag, long n)
{
	if (kt_futex_wait_sleepers(w, private_flag, n))
		return;
	printf("%s: %ld sleeper(s) never queued: BAD\n", what, n);
	exit(1);
}

#endif
