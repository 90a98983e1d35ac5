/* Small system calls about the calling task: its pids, its CPU, giving up
 * the CPU, its thread-local storage base, its signal mask, and uname. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/spinlock.h>
#include <asm/prctl.h>
#include <asm-generic/signal-defs.h>
#include <linux/futex.h>
#include <linux/utsname.h>
#include <kernel/utsname.h>
#include <proc/cred.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/cpu.h>
#include <x86/memlayout.h>
#include <x86/percpu.h>
#include <x86/uaccess.h>

long sys_getpid(void) { return current->tgid; }
long sys_gettid(void) { return current->tid; }

long sys_getppid(void)
{
	struct task *parent = current->group_leader->parent;
	return parent ? parent->tgid : 0;
}

long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

long sys_set_tid_address(int *tidptr)
{
	/* Recorded for thread exit (CLONE_CHILD_CLEARTID, with futexes). */
	current->clear_child_tid = (uint64_t)tidptr;
	return current->tid;
}

long sys_set_robust_list(void *head, size_t len)
{
	/* Recorded for thread exit, when futexes exist: the kernel then marks
	 * the robust mutexes a dying thread held. */
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = (uint64_t)head;
	return 0;
}

long sys_get_robust_list(int tid, uint64_t *uhead, size_t *ulen)
{
	if (tid != 0 && tid != current->tid)
		return -ESRCH;      /* other threads' lists: when clone exists */
	size_t len = sizeof(struct robust_list_head);
	if (copy_to_user(uhead, &current->robust_list, sizeof(*uhead)) || copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* Restartable sequences are not supported, as in a Linux built without
 * CONFIG_RSEQ: ENOSYS, which glibc takes as "do without" (it then keeps
 * its own CPU number cache off). Listed on purpose, so it is not
 * reported as a missing call. */
long sys_rseq(void *rseq, uint32_t len, int flags, uint32_t sig)
{
	return -ENOSYS;
}

long sys_getcpu(unsigned *ucpu, unsigned *unode, void *cache)
{
	(void)cache;
	unsigned cpu = this_cpu()->id, node = 0;
	if (ucpu && copy_to_user(ucpu, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (unode && copy_to_user(unode, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}

long sys_arch_prctl(int code, uint64_t addr)
{
	struct task *t = current;
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		if (code == ARCH_SET_FS) {
			t->fs_base = addr;
			wrmsr(MSR_FS_BASE, addr);
		} else {
			t->gs_base = addr;
			wrmsr(MSR_KERNEL_GS_BASE, addr);   /* the user's, until swapgs */
		}
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)addr, &t->fs_base, sizeof(uint64_t));
	case ARCH_GET_GS:
		return copy_to_user((void *)addr, &t->gs_base, sizeof(uint64_t));
	default:
		return -EINVAL;
	}
}

long sys_rt_sigprocmask(int how, const uint64_t *uset, uint64_t *uoldset, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	struct task *t = current;
	uint64_t old = t->blocked, set;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:   set = old | set; break;
		case SIG_UNBLOCK: set = old & ~set; break;
		case SIG_SETMASK: break;
		default: return -EINVAL;
		}
	}
	if (uoldset && copy_to_user(uoldset, &old, sizeof(old)))
		return -EFAULT;
	if (uset)
		signal_set_blocked(set);    /* may end the process: a fatal signal unblocked */
	return 0;
}

/* The host and domain names: the machine's, set by sethostname and
 * setdomainname (busybox's rcS sets the host name from /etc/hostname) or
 * by writing /proc/sys/kernel/hostname. */
static struct spinlock uts_lock = SPINLOCK_INIT("uts");
static char nodename[__NEW_UTS_LEN + 1] = "kestrel";
static char domainname[__NEW_UTS_LEN + 1] = "(none)";

void uts_get_names(char *node, char *domain)
{
	uint64_t flags = spin_lock_irqsave(&uts_lock);
	strlcpy(node, nodename, __NEW_UTS_LEN + 1);
	strlcpy(domain, domainname, __NEW_UTS_LEN + 1);
	spin_unlock_irqrestore(&uts_lock, flags);
}

int uts_set_name(bool domain, const char *name, size_t len)
{
	if (len > __NEW_UTS_LEN)
		return -EINVAL;
	char *dst = domain ? domainname : nodename;
	uint64_t flags = spin_lock_irqsave(&uts_lock);
	memcpy(dst, name, len);
	dst[len] = '\0';
	spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

long sys_uname(void *buf)
{
	struct new_utsname u;
	memset(&u, 0, sizeof(u));
	/* Programs look at sysname and machine; release says which Linux
	 * interface we follow (Debian 12's kernel). */
	strlcpy(u.sysname, UTS_SYSNAME, sizeof(u.sysname));
	strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, UTS_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	uts_get_names(u.nodename, u.domainname);
	return copy_to_user(buf, &u, sizeof(u));
}

/* len bytes, not NUL-terminated, at most __NEW_UTS_LEN (Linux's rules). */
static long set_uts_name(bool domain, const char *uname, int len)
{
	char name[__NEW_UTS_LEN + 1];
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(name, uname, len))
		return -EFAULT;
	return uts_set_name(domain, name, len);
}

long sys_sethostname(const char *name, int len) { return set_uts_name(false, name, len); }
long sys_setdomainname(const char *name, int len) { return set_uts_name(true, name, len); }
