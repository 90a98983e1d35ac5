/* The clone and clone3 system calls: their arguments, checked as Linux
 * checks them, become a clone_request for do_clone (proc/fork.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <linux/sched.h>
#include <asm-generic/signal.h>
#include <proc/clone.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>

/* Accepted and ignored: no tracer forcing, no namespaces of System V
 * semaphores to share, no I/O contexts. */
#define CLONE_IGNORED (CLONE_SYSVSEM | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO | CLONE_DETACHED)
#define CLONE_SUPPORTED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_PARENT | CLONE_VFORK | CLONE_CLEAR_SIGHAND | CLONE_IGNORED)

long clone_flags_check(uint64_t flags)
{
	/* The rules of Linux's copy_process, in its order. */
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS) ||
	    (flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;         /* a root directory shared across namespaces */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;         /* a thread group shares its signal handlers... */
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;         /* ...which are addresses in one address space */
	if ((flags & CLONE_PARENT) && current->group_leader == init_task)
		return -EINVAL;         /* init's siblings would have no one to reap them */
	if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if ((flags & CLONE_PIDFD) && (flags & CLONE_DETACHED))
		return -EINVAL;
	if (flags & ~CLONE_SUPPORTED) {
		/* Namespaces, cgroups and pidfds (CLONE_PIDFD: see the
		 * handout, Lab 6 Part A) are not there. */
		struct task *p = current;
		printk("kestrel: clone flags %#lx are not supported: EINVAL to pid %d (%s)\n",
		       (unsigned long)(flags & ~CLONE_SUPPORTED), p->tgid, p->name);
		return -EINVAL;
	}
	return 0;
}

/* x86_64's argument order: flags, stack, parent_tid, child_tid, tls. The
 * low byte of flags is the exit signal; only the low 32 bits count, as
 * in Linux (clone3 has the others). */
long sys_clone(uint64_t flags, uint64_t stack, int *parent_tid, int *child_tid, uint64_t tls)
{
	flags = (uint32_t)flags;
	struct clone_request req = {
		.flags = flags & ~(uint64_t)CSIGNAL,
		/* An exit signal beyond _NSIG is accepted and never sent,
		 * as by Linux's clone (only clone3 checks it). */
		.exit_signal = flags & CSIGNAL,
		.stack = stack,
		.tls = tls,
		.parent_tid = parent_tid,
		.child_tid = child_tid,
	};
	/* CLONE_PIDFD would return the pidfd through parent_tid. */
	if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
		return -EINVAL;
	return do_clone(&req);
}

/* Copies clone3's argument of any size: an older, shorter struct reads
 * as zeros beyond its end; a newer, longer one is fine if what this
 * kernel does not know is zero (Linux's copy_struct_from_user). */
static long clone_args_from_user(struct clone_args *args, const void *uargs, size_t size)
{
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(args, 0, sizeof(*args));
	if (copy_from_user(args, uargs, size < sizeof(*args) ? size : sizeof(*args)))
		return -EFAULT;
	for (size_t off = sizeof(*args); off < size; off++) {
		uint8_t b;
		if (copy_from_user(&b, (const uint8_t *)uargs + off, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	return 0;
}

/* Linux's clone3_args_valid and the checks of copy_clone_args_from_user. */
static long clone_args_check(const struct clone_args *a)
{
	if (a->set_tid_size > 32 || (!a->set_tid && a->set_tid_size) || (a->set_tid && !a->set_tid_size))
		return -EINVAL;
	if ((a->exit_signal & ~(uint64_t)CSIGNAL) || a->exit_signal > _NSIG)
		return -EINVAL;
	if (a->flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return -EINVAL;
	if (a->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((a->flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((a->flags & (CLONE_THREAD | CLONE_PARENT)) && a->exit_signal)
		return -EINVAL;
	if (!a->stack ? a->stack_size != 0 : !a->stack_size || a->stack + a->stack_size < a->stack ||
	    a->stack + a->stack_size > USER_TOP)
		return -EINVAL;
	if ((a->flags & CLONE_PIDFD) && (a->flags & CLONE_PARENT_SETTID) && a->pidfd == a->parent_tid)
		return -EINVAL;
	if (a->set_tid)
		return -EINVAL;         /* choosing the pid: Kestrel has no pid namespaces to need it */
	return 0;
}

long sys_clone3(const struct clone_args *uargs, size_t size)
{
	struct clone_args a;
	long err = clone_args_from_user(&a, uargs, size);
	if (!err)
		err = clone_args_check(&a);
	if (err)
		return err;
	struct clone_request req = {
		.flags = a.flags,
		.exit_signal = a.exit_signal,
		/* The stack grows down from the end of the area given. */
		.stack = a.stack ? a.stack + a.stack_size : 0,
		.tls = a.tls,
		.parent_tid = (int *)a.parent_tid,
		.child_tid = (int *)a.child_tid,
	};
	return do_clone(&req);
}
