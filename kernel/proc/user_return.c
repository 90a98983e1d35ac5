/* The last stop before user mode (proc/user_return.h): after every system
 * call and every interrupt or exception that came from user mode. */
#include <kernel/types.h>
#include <proc/exit.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <proc/user_return.h>
#include <x86/memlayout.h>

int user_return_work(struct trap_frame *tf)
{
	struct task *t = current;
	if (t->group_exiting)
		do_exit(t->exit_status);
	sched_preempt_point();
	/* sysret would fault in kernel mode on a non-canonical %rip (a CPU
	 * erratum turned security hole); iretq faults in user mode instead. */
	return tf->rip >= USER_TOP;
}
