"""Lab 8, Part A: eventfd, timerfd and signalfd.

Run by labs/lab8/lab.py, which provides `lab`.
"""

lab.program_test("eventfd", "efd_eventfd", 6, timeout=30.0,
                 doc="eventfd's counter: writes add, a read takes all (EFD_SEMAPHORE: 1), 8-byte reads and "
                     "writes only (EINVAL), the maximum 0xfffffffffffffffe and EAGAIN past it or on an "
                     "empty counter, readv in pieces, poll's POLLIN/POLLOUT, flags and FD_CLOEXEC, a blocking "
                     "read woken by another process's write and a blocking write by a read, poll woken by "
                     "a write, the /proc/self/fd link anon_inode:[eventfd], as on Linux")

# Exercise 1 (eventfd's read and write): with it blank, every read and
# write of an eventfd fails with EINVAL.
lab.exercise_tests[1] = ["eventfd"]
