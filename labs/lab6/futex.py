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
