/* The last stop before user mode (proc/user_return.h): after every system
 * call and every interrupt or exception that came from user mode. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/unistd.h>
#include <proc/exit.h>
#include <proc/jobctl.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <proc/user_return.h>
#include <x86/cpu.h>
#include <x86/memlayout.h>

/* A system call that a signal cut short is made again, as Linux does
 * when no handler runs for the signal: back over the 2-byte syscall
 * instruction, with the call's number (kept in error_code by the
 * dispatcher) in %rax. RESTART_RESTARTBLOCK goes to restart_syscall,
 * which resumes the call with what it saved (a sleep's deadline). With
 * handlers (signals lab), a handler that runs turns these into EINTR
 * unless SA_RESTART says otherwise. */
static void restart_interrupted_call(struct trap_frame *tf)
{
	if (tf->vector != VEC_SYSCALL)
		return;
	long ret = (long)tf->rax;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND) {
		tf->rax = tf->error_code;
		tf->rip -= 2;
	} else if (ret == -ERESTART_RESTARTBLOCK) {
		tf->rax = __NR_restart_syscall;
		tf->rip -= 2;
	}
}

int user_return_work(struct trap_frame *tf)
{
	/* After an interrupt from user mode interrupts are still off, but
	 * what follows may sleep (exit closes files, a stop waits): the
	 * program ran with them on, so we may too. The way out (trap_return,
	 * the syscall exit) turns them off again before restoring. */
	sti();
	struct task *t = current;
	if (t->group_exiting)
		do_exit(t->exit_status);
	if (jobctl_stop_due(t)) {
		jobctl_stop_at_return();
		if (t->group_exiting)
			do_exit(t->exit_status);
	}
	restart_interrupted_call(tf);
	trace_user_return(t);
	sched_preempt_point();
	/* sysret would fault in kernel mode on a non-canonical %rip (a CPU
	 * erratum turned security hole); iretq faults in user mode instead. */
	return tf->rip >= USER_TOP;
}
