/* Futexes: sleeping on a word of user memory (proc/futex.c). */
#pragma once
#include <kernel/types.h>

struct task;

/* The hash buckets and their lock: a step of kmain, before any process. */
void futex_init(void);

/* Wakes up to n waiters on the word at uaddr in the current mm (shared key,
 * as Linux's futex_wake(uaddr, FLAGS_SHARED, n, FUTEX_BITSET_MATCH_ANY)):
 * the number woken, or -EFAULT. For CLONE_CHILD_CLEARTID at thread exit. */
int futex_wake_addr(uint32_t *uaddr, int n);

/* Walks t's robust list (set_robust_list) at its exit: each lock it still
 * holds gets FUTEX_OWNER_DIED and one waiter is woken. t is the current
 * task, its mm still attached. */
void futex_exit_robust_list(struct task *t);

/* restart_syscall for a FUTEX_WAIT with a timeout that a stop cut short:
 * the same wait, to the same deadline (CLOCK_MONOTONIC ns). */
long futex_wait_restart(uint64_t deadline);
