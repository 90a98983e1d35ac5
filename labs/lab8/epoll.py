"""Lab 8, Part B: epoll.

Run by labs/lab8/lab.py, which provides `lab`.
"""

lab.program_test("ep-basic", "ep_basic", 10, 40.0,
                 doc="epoll on pipes against Linux: epoll_create1/ctl/wait errors (EPERM for regular "
                     "files, EEXIST, ENOENT, ELOOP, EXCLUSIVE's rules), level- against edge-triggered "
                     "reports, EPOLLONESHOT re-armed by MOD, HUP and ERR on a pipe's close, an item "
                     "outliving its fd while a dup is open and going with the last close, epoll in "
                     "epoll and poll() of an epoll, timeouts, 1,000 fds")


lab.program_test_per_cpus("ep-threads", "ep_threads", 5, 40.0, depends=["ep-basic"],
                          doc="epoll with threads and processes against Linux: writers elsewhere "
                              "waking epoll_wait, threads sharing an epoll (ET: one gets the event, "
                              "LT: all), EPOLLEXCLUSIVE (not every waiter wakes), four writers "
                              "racing an edge-triggered reader (no lost wake-up), EINTR even with "
                              "SA_RESTART, epoll_pwait's mask, SIGKILL")

lab.program_test_per_cpus("ep-sockets", "ep_sockets", 5, 40.0, depends=["ep-basic"],
                          doc="epoll on AF_UNIX sockets against Linux: a stream pair's IN and OUT "
                              "(LT and ET), RDHUP after the peer's SHUT_WR, HUP, ERR for a reset, "
                              "a listener readable while a connection waits, and an edge-triggered "
                              "non-blocking echo server for 8 client processes")

EP_TESTS = ["ep-basic", "ep-threads-1cpu", "ep-threads-4cpu", "ep-sockets-1cpu", "ep-sockets-4cpu"]
lab.exercise_tests[2] = EP_TESTS
lab.exercise_tests[3] = EP_TESTS
