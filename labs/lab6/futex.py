"""Lab 6, Part C: the full futex.

Run by labs/lab6/lab.py, which provides `lab`. Every test runs a program
from user/lab6/futex_*.c (static musl, raw futex system calls) in the
kernel and on the host, outputs compared; those where processes race run
with 1 and with 4 CPUs.
"""

lab.program_test("futex-ops", "futex_ops", 10, timeout=30.0,
                 doc="every futex operation's answers without a second task: EAGAIN, ETIMEDOUT with "
                     "relative and absolute timeouts on both clocks, EINVAL (bitset 0, unaligned, bad "
                     "counts and timeouts), EFAULT, ENOSYS, requeue counts, every WAKE_OP operation "
                     "and comparison, words in untouched, read-only and copy-on-write pages")

lab.program_test_per_cpus("futex-wake", "futex_wake", 10, timeout=60.0,
                          depends=["futex-ops"],
                          doc="sleepers in other processes on MAP_SHARED memory: FUTEX_WAKE's counts (0 wakes "
                              "one), bitsets, REQUEUE and CMP_REQUEUE moving sleepers between words, WAKE_OP "
                              "waking on the second word when its comparison holds, private keys never "
                              "matching another process")
lab.program_test_per_cpus("futex-shared", "futex_shared", 10, timeout=60.0,
                          depends=["futex-ops"],
                          doc="two processes meet on a futex word each maps at its own address (files on ext2 "
                              "and tmpfs, a memfd, anonymous shared memory moved by mremap); a futex mutex "
                              "of four processes counts exactly and never loses a wake-up")
lab.program_test_per_cpus("futex-robust", "futex_robust", 10, timeout=60.0,
                          depends=["futex-ops"],
                          doc="robust lists at exit: FUTEX_OWNER_DIED and a sleeper woken, list_op_pending, "
                              "loops, the 2048-entry limit, bad pointers, execve; musl's process-shared robust "
                              "mutex gives EOWNERDEAD to the process waiting when its owner dies")

lab.program_test("futex-intr", "futex_intr", 10, timeout=60.0, depends=["futex-wake-1cpu"],
                 doc="signals and FUTEX_WAIT: EINTR after a handler, restarted with SA_RESTART unless "
                     "the wait has a timeout, resumed to the same deadline after SIGSTOP and SIGCONT "
                     "(restart_syscall), ignored and blocked signals change nothing, SIGKILL ends it")

lab.program_test_per_cpus("futex-threads", "futex_threads", 10, timeout=60.0,
                          depends=["futex-wake-1cpu"],
                          doc="threads on private futex words: a ring of 8 threads passing a token 4000 "
                              "times (own words, then one word with bitsets), a futex mutex of 8 threads "
                              "counting exactly, a condition variable's broadcast by CMP_REQUEUE")

lab.program_test_per_cpus("futex-pi", "futex_pi", 10, timeout=60.0,
                          depends=["futex-wake-1cpu"],
                          doc="priority-inheritance futexes: LOCK_PI, TRYLOCK_PI and UNLOCK_PI on free, own, "
                              "held and dead owners' words (EDEADLK, ESRCH, EPERM, EAGAIN, ETIMEDOUT), the "
                              "lock handed to the sleeper at unlock and at its owner's death (FUTEX_OWNER_DIED), "
                              "musl's PTHREAD_PRIO_INHERIT mutex under 4 threads")

lab.program_test_per_cpus("futex-pi-glibc", "futex_pi_glibc", 5, timeout=60.0,
                          depends=["futex-pi-1cpu"],
                          doc="glibc's PTHREAD_PRIO_INHERIT mutexes (LOCK_PI/UNLOCK_PI): 4 threads counting, "
                              "trylock, timedlock and unlock on a held one, a robust PI mutex whose owner "
                              "thread ends holding it, with and without a waiter: EOWNERDEAD")

# Exercise 5 (futex wait and wake): with it blank, sleepers are never
# queued, so these stop at their first count of sleepers (about 10 s).
lab.exercise_tests[5] = ["futex-wake-1cpu", "futex-shared-1cpu"]
