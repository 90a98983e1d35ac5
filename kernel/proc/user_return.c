/* The last stop before user mode (proc/user_return.h): after every system
 * call and every interrupt or exception that came from user mode. */
#include <kernel/types.h>
#include <proc/cputime.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <proc/user_return.h>
#include <x86/cpu.h>
#include <x86/memlayout.h>

int user_return_work(struct trap_frame *tf)
{
	/* After an interrupt from user mode interrupts are still off, but
	 * what follows may sleep (exit closes files, a stop waits): the
	 * program ran with them on, so we may too. The way out (trap_return,
	 * the syscall exit) turns them off again before restoring. */
	sti();
	/* Exits, stops, handlers (one frame per signal, nested), and the
	 * system calls signals cut short. */
	bool frames = false;
	while (signal_deliver(tf))
		frames = true;
	trace_user_return(current);   /* signals taken at their sending */
	sched_preempt_point();
	cputime_return_to_user();
	/* sysret would fault in kernel mode on a non-canonical %rip (a CPU
	 * erratum turned security hole); iretq faults in user mode instead.
	 * A handler's entry and rt_sigreturn (orig_rax -1) set %rcx and
	 * %r11, which sysret would overwrite with %rip and %rflags. */
	return tf->rip >= USER_TOP || frames || (tf->vector == VEC_SYSCALL && (long)tf->error_code < 0);
}
