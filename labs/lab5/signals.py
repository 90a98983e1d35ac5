"""Lab 5, Part B: signals delivered to handlers, sigreturn, interval timers.

Run by labs/lab5/lab.py, which provides `lab`. Each program of
user/lab5/sig_*.c runs in the kernel and on the host, outputs and exit
statuses compared (t.run_user, as Lab 4's tests)."""


def sig_test(name, program, points, timeout=30.0, depends=None, doc=""):
    def run(t):
        t.run_user(program, disk=True)
    run.__doc__ = doc
    run.__name__ = program
    lab.test(points=points, timeout=timeout, name=name, depends=depends or [])(run)


sig_test("sig-handler", "sig_handler", 20,
         doc="handlers run and return: siginfo of kill, sigqueue, tgkill and SIGCHLD field by field, "
             "the mask in and after a handler, SA_RESETHAND, SA_NODEFER, nested handlers, the stack's "
             "alignment at entry, SSE registers and rounding mode kept, sigsuspend, no SA_RESTORER")
sig_test("sig-restart", "sig_restart", 15, depends=["sig-handler"],
         doc="SA_RESTART against EINTR: a pipe read goes on or fails, wait4 likewise, a full pipe's "
             "write fails; poll, select, pause, nanosleep (with the time left) and rt_sigtimedwait are "
             "never made again once a handler ran")
sig_test("sig-altstack", "sig_altstack", 15, depends=["sig-handler"],
         doc="sigaltstack's rules; a stack overflow caught on the alternate stack and left with "
             "siglongjmp; nested signals stay there; SS_AUTODISARM; no room for the frame: SIGSEGV")
sig_test("sig-faults", "sig_faults", 15, depends=["sig-handler"],
         doc="faults caught and returned from with Linux's si_code, si_addr, trapno and error code: "
             "SEGV_MAPERR, SEGV_ACCERR fixed by mprotect, SIGBUS past a file's end, FPE_INTDIV with %rax "
             "set through the ucontext, ILL_ILLOPN, int3, hlt; flags and mask sigreturn must refuse")
sig_test("sig-timers", "sig_timers", 10, depends=["sig-handler"],
         doc="alarm and pause, alarm's seconds left, setitimer(ITIMER_REAL) with an interval, getitimer, "
             "no timer after fork, EINVAL")

# The checkpoint proof grades these for each blank exercise: without a
# frame no handler runs; without rt_sigreturn none comes back.
lab.exercise_tests[3] = ["sig-handler"]
lab.exercise_tests[4] = ["sig-handler"]
