/* mlock, munlock, mlock2, mlockall, munlockall: accepted with Linux's
 * checks, and otherwise nothing to do: Kestrel never swaps or evicts a
 * process's anonymous pages, so every page is as good as locked. (A
 * locked page of a file mapping may still be dropped from the page cache
 * and read again later: the program cannot tell, but its latency can.)
 * The caller is treated as privileged (CAP_IPC_LOCK): no RLIMIT_MEMLOCK. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <syscall/syscalls.h>
#include <linux/mman.h>
#include <mm/vm.h>
#include <proc/task.h>

#define PAGE 4096ull

/* Linux's do_mlock range rules: page-rounded, EINVAL if it wraps, ENOMEM
 * if any page of it is unmapped. */
static long check_range(uint64_t addr, size_t len)
{
	uint64_t start = addr & ~(PAGE - 1);
	uint64_t size = (len + (addr - start) + PAGE - 1) & ~(PAGE - 1);   /* wraps as Linux's does */
	uint64_t end = start + size;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	long r = vm_check_mapped(mm, start, end) ? 0 : -ENOMEM;
	spin_unlock_irqrestore(&mm->lock, irq);
	return r;
}

long sys_mlock(uint64_t addr, size_t len) { return check_range(addr, len); }
long sys_munlock(uint64_t addr, size_t len) { return check_range(addr, len); }

long sys_mlock2(uint64_t addr, size_t len, int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return check_range(addr, len);
}

long sys_mlockall(int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

long sys_munlockall(void) { return 0; }
