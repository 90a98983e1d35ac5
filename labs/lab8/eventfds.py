"""Lab 8, Part A: eventfd, timerfd and signalfd.

Run by labs/lab8/lab.py, which provides `lab`.
"""

lab.program_test("eventfd", "efd_eventfd", 6, timeout=30.0,
                 doc="eventfd's counter: writes add, a read takes all (EFD_SEMAPHORE: 1), 8-byte reads and "
                     "writes only (EINVAL), the maximum 0xfffffffffffffffe and EAGAIN past it or on an "
                     "empty counter, readv in pieces, poll's POLLIN/POLLOUT, flags and FD_CLOEXEC, a blocking "
                     "read woken by another process's write and a blocking write by a read, poll woken by "
                     "a write, the /proc/self/fd link anon_inode:[eventfd], as on Linux")

lab.program_test("timerfd", "efd_timerfd", 6, timeout=30.0,
                 doc="timerfd: a one-shot timer read once, an interval timer's expirations counted (a slow "
                     "reader gets the missed periods at once), absolute times on CLOCK_MONOTONIC and "
                     "CLOCK_REALTIME (in the future: read after the clock passed them; in the past: due at "
                     "once with the periods missed), gettime's time left and interval, settime's old value, "
                     "0 disarms, poll and blocking reads woken by the expiry, the errors, "
                     "anon_inode:[timerfd], as on Linux")

lab.program_test("signalfd", "efd_signalfd", 6, timeout=30.0,
                 doc="signalfd: blocked signals read with their siginfo fields (kill's sender pid and uid, "
                     "sigqueue's value, SIGCHLD's child and status), taken, lowest first, several per read; "
                     "the mask changed by a second call; EAGAIN, EINVAL, EBADF; a blocking read woken by "
                     "another process's kill; poll on an eventfd, a timerfd and a signalfd at once, each "
                     "woken in turn; a signalfd inherited by fork reads the child's signals; exec keeps the "
                     "event fds without close-on-exec, closes the others; anon_inode:[signalfd], as on Linux")

# Exercise 1 (eventfd's read and write): with it blank, every read and
# write of an eventfd fails with EINVAL.
lab.exercise_tests[1] = ["eventfd"]
