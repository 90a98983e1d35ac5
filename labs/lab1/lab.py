"""Lab 1 (boot): the grader's tests. Each boots the kernel with
"test=NAME token=RANDOM" and checks what labs/lab1/ktests.c prints.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 1" in the tree; see handout/docs/labs/lab1.md.
"""
import os
import re

from testing import Lab

lab = Lab(1, "Booting into long mode")

# The checkpoint proof grades these for each blank exercise (the quickest
# to fail; see the handout's "Tests that need it" table).
lab.exercise_tests = {1: ["boot"], 2: ["boot"], 3: ["int3"], 4: ["int3"], 5: ["backtrace"], 6: ["timer"]}

HERE = os.path.dirname(os.path.abspath(__file__))
HEX = r"(0x[0-9a-f]+)"


@lab.test(points=10)
def boot(t):
    """The kernel reaches C in 64-bit mode at its higher-half address."""
    t.boot()
    t.expect(r'^kestrel: command line "test=boot token={token} loglevel=8"$')
    m = t.expect(rf"^boot: efer={HEX} cs={HEX} rip={HEX} token={{token}}$")
    if m:
        t.check(int(m[1], 16) & (1 << 10), f"EFER.LMA (bit 10) is set in efer={m[1]}: long mode is active")
        t.check(int(m[2], 16) == 0x8, f"cs={m[2]} is the 64-bit kernel code segment 0x8")
        t.check(int(m[3], 16) >= 0xffffffff80000000, f"rip={m[3]} is in the higher half")
    t.forbid(r"PANIC")


@lab.test(points=20, depends=["boot"])
def printk(t):
    """Every case in printk_cases.h formats exactly as glibc's printf does."""
    expected = t.host_program(os.path.join(HERE, "printk_oracle.c")).splitlines()
    t.boot()
    t.expect_sequence(["^" + re.escape(line) + "$" for line in expected])
    t.expect(rf"^printk: {len(expected)} cases, token={{token}}$")


@lab.test(points=10, depends=["boot"])
def int3(t):
    """A breakpoint exception is reported and execution resumes after it."""
    t.boot()
    t.expect(r"^breakpoint at ffffffff[0-9a-f]{8} <ktest_int3\+0x[0-9a-f]+>$")
    t.expect(r"^int3: resumed, rbx preserved, token={token}$")


def expect_exception(t, name, function):
    """The common shape of a reported kernel exception."""
    t.expect_kernel_panic()
    t.boot()
    t.expect(rf"^EXCEPTION {re.escape(name)} \(vector \d+\), error code 0x[0-9a-f]+$")
    t.expect(rf"^  RIP=ffffffff[0-9a-f]{{8}} <{function}\+0x[0-9a-f]+>$")
    t.expect(r"^  RAX=[0-9a-f]{16}  RBX=[0-9a-f]{16}  RCX=[0-9a-f]{16}$")
    t.expect(r"^  R13=[0-9a-f]{16}  R14=[0-9a-f]{16}  R15=[0-9a-f]{16}$")
    t.expect(rf"^PANIC: unhandled exception {re.escape(name)} in kernel$")
    t.expect_sequence([r"^backtrace:$", rf"^  #0 \[[0-9a-f]{{16}}\] {function}\+0x",
                       r"^  #1 \[[0-9a-f]{16}\] ktest_run_selected\+0x",
                       r"^  #2 \[[0-9a-f]{16}\] kmain\+0x"])


@lab.test(points=10, depends=["boot"])
def divide(t):
    """Dividing by zero is reported as #DE with registers and a backtrace."""
    expect_exception(t, "#DE Divide Error", "ktest_divide_error")


@lab.test(points=15, depends=["boot"], name="page-fault")
def page_fault(t):
    """A page fault reports the faulting address (CR2) and its cause."""
    token = int(t.token, 16)
    address = (1 << 38) + ((token & 0xffffff) << 3)
    write = token & 1
    expect_exception(t, "#PF Page Fault", "ktest_page_fault")
    t.expect(rf"error code 0x{2 if write else 0:x}$")
    t.expect(rf"^  CR2={address:016x}  \(page not present, {'write' if write else 'read'}, kernel mode\)$")


@lab.test(points=15, depends=["boot"])
def backtrace(t):
    """A backtrace names every frame of a recursion whose depth comes from the token."""
    depth = 3 + int(t.token, 16) % 5
    t.boot()
    t.expect(rf"^backtrace: recursing {depth} levels$")
    frame = r"^  #{} \[ffffffff[0-9a-f]{{8}}\] {}\+0x[0-9a-f]+$"
    t.expect_sequence([r"^backtrace:$"] +
                      [frame.format(i, "ktest_bt_recurse") for i in range(depth)] +
                      [frame.format(depth, "ktest_backtrace"),
                       frame.format(depth + 1, "ktest_run_selected"),
                       frame.format(depth + 2, "kmain")])
    t.forbid(rf"^  #{depth + 3} ")       # nothing past kmain: the walk must stop
    t.expect(rf"^backtrace: returned {depth}, token={{token}}$")


@lab.test(points=10, depends=["boot"], timeout=3.0)
def timer(t):
    """The timer interrupt ticks at 100 Hz: 100 ticks take about a second."""
    t.boot()
    start = t.expect(r"^timer: start at tick \d+$")
    end = t.expect(r"^timer: 100 ticks later, token={token}$", after=start)
    if start and end:
        elapsed = end.line.time - start.line.time
        # Wall-clock time under emulation is noisy; this catches a timer
        # at the wrong rate or a test that does not really wait.
        t.check(0.5 <= elapsed <= 4.0, f"100 ticks took {elapsed:.2f}s of wall time (expected about 1s)")


@lab.test(points=10, depends=["boot"])
def panic(t):
    """panic() prints its message and a backtrace, and powers off with the panic status."""
    t.expect_kernel_panic()
    t.boot()
    t.expect(r"^PANIC: test panic, token={token}$")
    t.expect_sequence([r"^backtrace:$", r"^  #0 \[[0-9a-f]{16}\] panic\+0x",
                       r"^  #1 \[[0-9a-f]{16}\] ktest_panic_inner\+0x",
                       r"^  #2 \[[0-9a-f]{16}\] ktest_panic\+0x"])
