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
