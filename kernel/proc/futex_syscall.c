/* The futex system call: decoding its arguments as Linux does (which
 * of them is a timeout, a count or a second word depends on the
 * operation), timeouts, and restarting a wait cut short by a signal.
 *
 * A signal ends a wait like any interruptible sleep. With no timeout,
 * the wait returns -ERESTARTSYS: made again after a stop, or after a
 * handler installed with SA_RESTART; EINTR after any other handler. With
 * a timeout, -ERESTART_RESTARTBLOCK: after a stop, restart_syscall waits
 * again to the same deadline (futex_wait_restart); after a handler, EINTR
 * even with SA_RESTART. Both as Linux's futex_wait. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/futex.h>
#include <linux/time_types.h>
#include <proc/task.h>
#include <proc/futex.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include "futex_internal.h"

/* The operations whose fourth argument is a timeout, not a count. */
static bool has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 ||
	       cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/* The deadline of a wait on CLOCK_MONOTONIC: FUTEX_WAIT's timeout is
 * relative; the others' absolute, on CLOCK_MONOTONIC or (with
 * FUTEX_CLOCK_REALTIME, and always for LOCK_PI, unlike LOCK_PI2)
 * CLOCK_REALTIME, which is converted now (a later change of the clock
 * does not move it). */
static long deadline_of(const struct __kernel_timespec *uts, int cmd, bool realtime, uint64_t *deadline)
{
	uint64_t ns;
	long err = timespec_from_user(uts, &ns);
	if (err)
		return err;
	uint64_t now = clock_now_ns();
	if (cmd == FUTEX_WAIT) {
		*deadline = now + ns < now ? WAIT_FOREVER - 1 : now + ns;
	} else if (realtime || cmd == FUTEX_LOCK_PI) {
		uint64_t real = clock_realtime_ns();
		*deadline = ns <= real ? now : now + (ns - real);
	} else {
		*deadline = ns;
	}
	return 0;
}

/* A wait, and what a signal that cut it short leaves for restart_syscall. */
static long wait_restartable(uint32_t *uaddr, bool private, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	long err = futex_wait(uaddr, private, val, deadline, bitset);
	if (err != -ERESTARTSYS || deadline == WAIT_FOREVER)
		return err;
	current->restart_deadline = deadline;
	current->restart_futex = uaddr;
	current->restart_futex_val = val;
	current->restart_futex_bitset = bitset;
	current->restart_futex_private = private;
	return -ERESTART_RESTARTBLOCK;
}

long futex_wait_restart(uint64_t deadline)
{
	uint32_t *uaddr = current->restart_futex;
	current->restart_futex = NULL;
	return wait_restartable(uaddr, current->restart_futex_private, current->restart_futex_val, deadline,
				current->restart_futex_bitset);
}

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct __kernel_timespec *uts,
	       uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline = WAIT_FOREVER;
	if (uts && has_timeout(cmd)) {
		long err = deadline_of(uts, cmd, realtime, &deadline);
		if (err)
			return err;
	}
	/* Only these have an absolute timeout a clock can be chosen for
	 * (Linux 4.5 to 5.x took FUTEX_WAIT too; Linux 6 does not). */
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	/* For these the "timeout" is a second count. */
	int val2 = (int)(uint32_t)(uint64_t)uts;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		return wait_restartable(uaddr, private, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		return futex_wake(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, private, uaddr2, (int)val, val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, private, uaddr2, (int)val, val2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, private, uaddr2, (int)val, val2, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(uaddr, private, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, private, WAIT_FOREVER, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	default:
		/* FUTEX_FD (gone from Linux), unknown operations, and the
		 * requeueing of PI waiters (WAIT_REQUEUE_PI, CMP_REQUEUE_PI),
		 * which only PI condition variables use: see the handout. */
		return -ENOSYS;
	}
}
