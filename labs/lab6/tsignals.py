"""Lab 6, Part B: signals in a thread group.

Run by labs/lab6/lab.py, which provides `lab`.

Each test runs a glibc pthreads program of user/lab6/glibc/ (tsig_*) in
the kernel and on the host and compares the outputs, with 1 and with 4
CPUs. The programs name threads by an index, never a tid.
"""

TSIG_TESTS = [
    ("tsig-target", "tsig_target", 8, 20,
     "exercise 4: a signal sent to the process wakes and runs in the one thread that does not block it "
     "(each in turn), the main thread is preferred, all blocking leaves it pending until sigwaitinfo; "
     "SIGTERM blocked by the main thread only still ends the process; once the main thread has "
     "exited, the thread left takes the process's signals"),
    ("tsig-masks", "tsig_masks", 6, 20,
     "per-thread masks and alternate stacks: inherited by a new thread, changed in one only; a signal all "
     "threads block waits, and the thread that unblocks it runs the handler"),
    ("tsig-tgkill", "tsig_tgkill", 8, 20,
     "tgkill, tkill, pthread_kill and pthread_sigqueue (rt_tgsigqueueinfo) run the handler in the chosen "
     "thread; a thread-directed signal is pending for that thread alone; tgkill(SIGTERM) to one thread ends "
     "the process; EINVAL, ESRCH and EPERM as Linux"),
    ("tsig-sigwait", "tsig_sigwait", 6, 25,
     "the classic pattern: every thread blocks the signals and one takes them with sigwait (kill from "
     "another process, alarm, SIGTERM to end); raise() in a worker stays that worker's"),
    ("tsig-kill", "tsig_kill", 8, 25,
     "SIGKILL and SIGTERM end a process of four threads (asleep or computing) and leave no thread; a fault "
     "in one thread ends the process with its signal, or runs the handler in the faulting thread"),
    ("tsig-stop", "tsig_stop", 8, 30,
     "SIGSTOP, SIGTSTP and a tgkill'd SIGSTOP stop every thread, reported once by wait4(WUNTRACED); SIGCONT "
     "makes them all run again (WCONTINUED once); SIGKILL while stopped"),
    ("tsig-leader-gone", "tsig_leader_gone", 4, 20,
     "a process whose main thread ended with pthread_exit is still found by its pid: kill, sigqueue, "
     "getpgid, getsid, sched_getaffinity, prlimit, pidfd_open, its CPU clock, capget; SIGTERM ends it"),
    ("tsig-timers", "tsig_timers", 4, 20,
     "POSIX timers in a thread group: glibc's SIGEV_THREAD (its helper thread takes SIGTIMER by "
     "SIGEV_THREAD_ID and runs the function in a new thread), SIGEV_THREAD_ID to a worker only, a timer "
     "outliving the thread that made it"),
]

for name, program, points, timeout, doc in TSIG_TESTS:
    lab.program_test_per_cpus(name, program, points, timeout, doc=doc)

# Exercise 4 (proc/signal_target.c, the thread a process-directed signal
# goes to): with the blank, only the task the signal was sent to is
# considered, so a thread that alone does not block it sleeps on.
lab.exercise_tests[4] = ["tsig-target-1cpu", "tsig-target-4cpu", "tsig-masks-1cpu", "tsig-masks-4cpu"]
