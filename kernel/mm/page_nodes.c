/* migrate_pages and move_pages: moving a process's pages between NUMA
 * nodes, on a machine whose one node, node 0, holds them all already.
 * What is left is Linux's checking: the node masks and numbers, the
 * target process and the right to touch it, and move_pages' status of
 * each page (its node, or why it has none). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <linux/capability.h>
#include <linux/mempolicy.h>
#include <mm/mempolicy.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/task.h>
#include <x86/paging.h>
#include <x86/uaccess.h>

/* May the caller move t's pages (Linux's ptrace_may_access with
 * PTRACE_MODE_READ_REALCREDS): its own process; one whose real,
 * effective and saved ids are all the caller's real ones while it is
 * dumpable; or any with CAP_SYS_PTRACE. */
static bool may_access(struct task *t)
{
	const struct cred *me = current_cred();
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	const struct cred *c = &t->cred;
	bool same = t->tgid == current->tgid;
	bool ids = me->uid == c->uid && me->uid == c->euid && me->uid == c->suid &&
		   me->gid == c->gid && me->gid == c->egid && me->gid == c->sgid;
	bool dumpable = t->dumpable;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return same || (ids && dumpable) || capable(CAP_SYS_PTRACE);
}

/* The address space of thread pid (0: the caller), referenced, or an
 * error: -ESRCH, -EPERM, or -EINVAL when it has none left (a zombie). */
static struct mm *target_mm(int pid)
{
	if (pid == 0)
		return mm_get(current->mm);
	struct task *t = task_get_by_tid(pid);
	if (!t)
		return ERR_PTR(-ESRCH);
	struct mm *mm = may_access(t) ? task_get_mm(t) : ERR_PTR(-EPERM);
	task_put(t);
	return mm ? mm : ERR_PTR(-EINVAL);
}

/* Moves the pages of pid's process on nodes old_nodes to new_nodes: the
 * pages not moved (none: nothing is anywhere else). */
long sys_migrate_pages(int pid, unsigned long maxnode, const uint64_t *old_nodes, const uint64_t *new_nodes)
{
	uint64_t from[NODEMASK_LONGS], to[NODEMASK_LONGS];
	long err = mpol_read_nodes(from, old_nodes, maxnode) ?: mpol_read_nodes(to, new_nodes, maxnode);
	if (err)
		return err;
	struct mm *mm = target_mm(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	/* Nodes the process may not use need CAP_SYS_NICE; none of the
	 * target nodes present is EINVAL. */
	bool others = to[0] & ~1ull;
	for (int i = 1; i < NODEMASK_LONGS; i++)
		others |= to[i] != 0;
	if (others && !capable(CAP_SYS_NICE))
		err = -EPERM;
	else if (!nodes_have_node0(to))
		err = -EINVAL;
	mm_put(mm);
	return err;
}

/* A page's status for move_pages: its node (0), -ENOENT if the region
 * has no page there yet, -EFAULT if there is no region. */
static int page_status(struct mm *mm, uint64_t addr)
{
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	pte_t *pte = v ? pt_walk(mm->pml4, ALIGN_DOWN(addr, PAGE_SIZE), false) : NULL;
	int status = !v ? -EFAULT : pte && (*pte & PTE_PRESENT) ? 0 : -ENOENT;
	spin_unlock_irqrestore(&mm->lock, irq);
	return status;
}

/* move_pages without nodes: where each page is, 16 at a time as Linux. */
static long pages_stat(struct mm *mm, unsigned long n, const uint64_t *pages, int *status)
{
	while (n) {
		uint64_t addrs[16];
		int st[16];
		unsigned long chunk = n < 16 ? n : 16;
		if (copy_from_user(addrs, pages, chunk * sizeof(addrs[0])))
			return -EFAULT;
		for (unsigned long i = 0; i < chunk; i++)
			st[i] = page_status(mm, addrs[i]);
		if (copy_to_user(status, st, chunk * sizeof(st[0])))
			return -EFAULT;
		pages += chunk;
		status += chunk;
		n -= chunk;
	}
	return 0;
}

/* move_pages with nodes: each page goes to its node, which must be node
 * 0, where it is already; a bad node ends the call (-ENODEV), the pages
 * before it having their status. */
static long pages_move(struct mm *mm, unsigned long n, const uint64_t *pages, const int *nodes, int *status)
{
	for (unsigned long i = 0; i < n; i++) {
		uint64_t addr;
		int node;
		if (copy_from_user(&addr, &pages[i], sizeof(addr)) || copy_from_user(&node, &nodes[i], sizeof(node)))
			return -EFAULT;
		if (node < 0 || node >= MAX_NUMNODES || node != 0)
			return -ENODEV;     /* no such node, or no memory there */
		int st = page_status(mm, addr);
		if (copy_to_user(&status[i], &st, sizeof(st)))
			return -EFAULT;
	}
	return 0;
}

long sys_move_pages(int pid, unsigned long nr_pages, const uint64_t *pages, const int *nodes, int *status,
		    int flags)
{
	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
		return -EPERM;
	struct mm *mm = target_mm(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	long err = nodes ? pages_move(mm, nr_pages, pages, nodes, status) : pages_stat(mm, nr_pages, pages, status);
	mm_put(mm);
	return err;
}
