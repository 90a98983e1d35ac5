/* NUMA memory policies: set_mempolicy, get_mempolicy, mbind and
 * set_mempolicy_home_node, answered as Linux answers them on a machine
 * with one memory node (mm/mempolicy.h).
 *
 * Every page is on node 0 whatever the policy, so nothing here changes
 * where memory comes from: a policy is checked, kept and reported. What
 * Linux checks is kept exactly, since programs probe with it (libnuma
 * sizes its masks by the EINVALs of get_mempolicy): the mode and its
 * flags, the node mask (maxnode - 1 bits, none past node 1023, at least
 * one node present unless the mode needs none), and for mbind the range
 * (mapped throughout, unless the policy is MPOL_DEFAULT).
 *
 * A policy names node 0 in effect, or no node (MPOL_LOCAL); a mask with
 * a mode flag (static or relative nodes) is reported back as given.
 * mbind's MPOL_MF_STRICT finds a page misplaced only when the caller's
 * mask lacks node 0, as with MPOL_LOCAL: then an existing page gives
 * EIO, the policy being set all the same (Linux since 6.7). Linux maps
 * the shared zero page for a read of untouched memory, which does not
 * count; Kestrel gives such a read a page of its own, which does.
 * Shared memory (tmpfs, MAP_SHARED|MAP_ANONYMOUS) keeps its policy per
 * mapping here, per file on Linux. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/string.h>
#include <linux/capability.h>
#include <linux/mempolicy.h>
#include <mm/kmalloc.h>
#include <mm/mempolicy.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/task.h>
#include <x86/paging.h>
#include <x86/uaccess.h>

#define NR_NODE_IDS 1                   /* nodes 0..NR_NODE_IDS-1 exist (Linux's nr_node_ids) */
#define MASK_MAX_BITS (PAGE_SIZE * 8)   /* the longest mask a call takes */

void mpol_put(struct mempolicy *p)
{
	if (p && __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(p);
}

/* --- node masks ----------------------------------------------------------- */

static bool nodes_empty(const uint64_t nodes[NODEMASK_LONGS])
{
	for (int i = 0; i < NODEMASK_LONGS; i++)
		if (nodes[i])
			return false;
	return true;
}

int mpol_read_nodes(uint64_t nodes[NODEMASK_LONGS], const uint64_t *nmask, uint64_t maxnode)
{
	memset(nodes, 0, NODEMASK_LONGS * sizeof(uint64_t));
	uint64_t bits = maxnode - 1;        /* maxnode 0 wraps: too long */
	if (bits == 0 || !nmask)
		return 0;
	if (bits > MASK_MAX_BITS)
		return -EINVAL;
	/* Nodes past the last must be clear. Linux checks a whole word at a
	 * time from the top down, the bits of the top word past maxnode too. */
	while (bits > MAX_NUMNODES) {
		uint64_t word;
		if (copy_from_user(&word, &nmask[(bits - 1) / 64], sizeof(word)))
			return -EFAULT;
		if (word)
			return -EINVAL;
		bits = bits - 64 >= MAX_NUMNODES ? bits - 64 : MAX_NUMNODES;
	}
	uint64_t words = (bits + 63) / 64;
	if (copy_from_user(nodes, nmask, words * sizeof(uint64_t)))
		return -EFAULT;
	if (bits % 64)
		nodes[words - 1] &= (1ull << (bits % 64)) - 1;
	return 0;
}

/* get_mempolicy's copy out (Linux's copy_nodes_to_user): the words that
 * maxnode - 1 bits need, those past the nodes there are zeroed, up to a
 * page of them. */
static long write_nodes(uint64_t *nmask, uint64_t maxnode, const uint64_t nodes[NODEMASK_LONGS])
{
	static const char zeroes[PAGE_SIZE];
	uint64_t copy = ALIGN_UP(maxnode - 1, 64) / 8;
	uint64_t have = ALIGN_UP(NR_NODE_IDS, 64) / 8;
	if (copy > have) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		if (copy_to_user((char *)nmask + have, zeroes, copy - have))
			return -EFAULT;
		copy = have;
	}
	return copy_to_user(nmask, nodes, copy) ? -EFAULT : 0;
}

/* --- policies ------------------------------------------------------------- */

/* Splits set_mempolicy's and mbind's mode argument (an int) into the mode
 * and its flags, and checks them (Linux's sanitize_mpol_flags). */
static int split_mode(int arg, unsigned *mode, unsigned *flags)
{
	*flags = arg & MPOL_MODE_FLAGS;
	*mode = arg & ~MPOL_MODE_FLAGS;
	if (*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((*flags & MPOL_F_NUMA_BALANCING) && *mode != MPOL_BIND)
		return -EINVAL;
	return 0;
}

/* The policy for a mode, its flags and the caller's mask (Linux's
 * mpol_new, then mpol_set_nodemask): NULL for MPOL_DEFAULT, or
 * ERR_PTR(-EINVAL) for a mask the mode does not allow. */
static struct mempolicy *policy_new(unsigned mode, unsigned flags, const uint64_t nodes[NODEMASK_LONGS])
{
	bool empty = nodes_empty(nodes);
	bool flagged = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
	if (mode == MPOL_DEFAULT)
		return empty ? NULL : ERR_PTR(-EINVAL);
	if (mode == MPOL_PREFERRED && empty) {
		if (flagged)
			return ERR_PTR(-EINVAL);
		mode = MPOL_LOCAL;      /* preferring no node: the local one */
	} else if (mode == MPOL_LOCAL) {
		if (!empty || flagged)
			return ERR_PTR(-EINVAL);
	} else if (empty) {
		return ERR_PTR(-EINVAL);
	}
	/* The nodes it would use: the mask's that exist, or a relative mask
	 * folded onto the nodes there are. Node 0 either way, if any. */
	if (mode != MPOL_LOCAL && !(flags & MPOL_F_RELATIVE_NODES) && !nodes_have_node0(nodes))
		return ERR_PTR(-EINVAL);
	struct mempolicy *p = kzalloc(sizeof(*p));
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->refcount = 1;
	p->mode = mode;
	p->flags = flags;
	p->home_node = -1;
	if (flags & MPOL_MODE_FLAGS)
		memcpy(p->user_nodes, nodes, sizeof(p->user_nodes));
	return p;
}

/* The mask get_mempolicy reports for p. */
static void policy_nodes(const struct mempolicy *p, uint64_t nodes[NODEMASK_LONGS])
{
	memset(nodes, 0, NODEMASK_LONGS * sizeof(uint64_t));
	if (p && (p->flags & MPOL_MODE_FLAGS))
		memcpy(nodes, p->user_nodes, sizeof(p->user_nodes));
	else if (p && p->mode != MPOL_LOCAL)
		nodes[0] = 1;
}

long sys_set_mempolicy(int mode, const uint64_t *nmask, unsigned long maxnode)
{
	unsigned m, f;
	uint64_t nodes[NODEMASK_LONGS];
	long err = split_mode(mode, &m, &f) ?: mpol_read_nodes(nodes, nmask, maxnode);
	if (err)
		return err;
	struct mempolicy *p = policy_new(m, f, nodes);
	if (IS_ERR(p))
		return PTR_ERR(p);
	/* Only the thread itself reads or changes its policy (and fork). */
	struct mempolicy *old = current->mempolicy;
	current->mempolicy = p;
	mpol_put(old);
	return 0;
}

/* --- get_mempolicy ------------------------------------------------------- */

/* The policy of the region at addr, referenced, into *pol: -EFAULT if
 * none is there. With want_node, also the node of its page (0), which
 * Linux finds by faulting the page in for reading: -EFAULT if it cannot. */
static long region_policy(uint64_t addr, struct mempolicy **pol, bool want_node)
{
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	bool readable = v && (v->flags & VM_READ);
	*pol = v ? mpol_get(v->policy) : NULL;
	spin_unlock_irqrestore(&mm->lock, irq);
	if (!v)
		return -EFAULT;
	char byte;
	if (want_node && (!readable || copy_from_user(&byte, (const void *)ALIGN_DOWN(addr, PAGE_SIZE), 1)))
		return -EFAULT;
	return 0;
}

/* What get_mempolicy reports of the thread's or a region's policy: the
 * mode and flags, or with MPOL_F_NODE a node. */
static long policy_query(uint64_t addr, unsigned long flags, int *value, uint64_t nodes[NODEMASK_LONGS])
{
	struct mempolicy *pol;
	long err = 0;
	if (flags & MPOL_F_ADDR)
		err = region_policy(addr, &pol, flags & MPOL_F_NODE);
	else if (addr)
		return -EINVAL;
	else
		pol = mpol_get(current->mempolicy);
	if (!err && (flags & MPOL_F_NODE)) {
		/* The node of the page at addr, or the thread's next
		 * interleave node: node 0. Other policies have no node. */
		bool interleave = !(flags & MPOL_F_ADDR) && pol && pol->mode == MPOL_INTERLEAVE;
		if ((flags & MPOL_F_ADDR) || interleave)
			*value = 0;
		else
			err = -EINVAL;
	} else if (!err) {
		*value = pol ? pol->mode | (pol->flags & MPOL_MODE_FLAGS) : MPOL_DEFAULT;
	}
	policy_nodes(pol, nodes);
	mpol_put(pol);
	return err;
}

long sys_get_mempolicy(int *policy, uint64_t *nmask, unsigned long maxnode, uint64_t addr, unsigned long flags)
{
	if (nmask && maxnode < NR_NODE_IDS)
		return -EINVAL;
	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	int value = 0;
	uint64_t nodes[NODEMASK_LONGS] = { 0 };
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		nodes[0] = 1;           /* the nodes the thread may use: node 0 */
	} else {
		long err = policy_query(addr, flags, &value, nodes);
		if (err)
			return err;
	}
	if (policy && copy_to_user(policy, &value, sizeof(value)))
		return -EFAULT;
	return nmask ? write_nodes(nmask, maxnode, nodes) : 0;
}

/* --- mbind ---------------------------------------------------------------- */

/* Whether mbind may set a policy on [start, end): regions must cover it
 * all, or for MPOL_DEFAULT at least touch it (mm->lock held). */
static bool range_ok(struct mm *mm, uint64_t start, uint64_t end, bool whole)
{
	if (whole)
		return vm_check_mapped(mm, start, end);
	for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v))
		if (v->start != v->end)
			return true;
	return false;
}

/* Whether a page is mapped in [start, end) (mm->lock held). */
static bool any_page(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v)) {
		uint64_t va = v->start > start ? v->start : start, stop = v->end < end ? v->end : end;
		while (va < stop) {
			pte_t *pte = pt_walk(mm->pml4, va, false);
			if (pte && (*pte & PTE_PRESENT))
				return true;
			/* No page table: none of its 2 MiB is mapped. */
			va = pte ? va + PAGE_SIZE : ALIGN_DOWN(va, 512 * PAGE_SIZE) + 512 * PAGE_SIZE;
		}
	}
	return false;
}

/* Gives the regions in [start, end) policy p, splitting those that
 * straddle its ends (mm->lock held). */
static int set_range_policy(struct mm *mm, uint64_t start, uint64_t end, struct mempolicy *p)
{
	int err = vm_split_at(mm, start) ?: vm_split_at(mm, end);
	if (err)
		return err;
	for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v)) {
		struct mempolicy *old = v->policy;
		v->policy = mpol_get(p);
		mpol_put(old);
	}
	return 0;
}

long sys_mbind(uint64_t start, unsigned long len, unsigned long mode, const uint64_t *nmask,
	       unsigned long maxnode, unsigned flags)
{
	unsigned m, f;
	uint64_t nodes[NODEMASK_LONGS];
	long err = split_mode((int)mode, &m, &f) ?: mpol_read_nodes(nodes, nmask, maxnode);
	if (err)
		return err;
	if (flags & ~(unsigned)MPOL_MF_VALID)
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (m == MPOL_DEFAULT)
		flags &= ~MPOL_MF_STRICT;
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct mempolicy *p = policy_new(m, f, nodes);
	if (IS_ERR(p))
		return PTR_ERR(p);

	/* Moving pages to node 0 always works; without a move, STRICT
	 * reports pages off the caller's nodes: all of them if node 0 is
	 * not among those. */
	bool check = (flags & MPOL_MF_STRICT) && !(flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) &&
		     !nodes_have_node0(nodes);
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	err = range_ok(mm, start, end, p != NULL) ? 0 : -EFAULT;
	bool misplaced = !err && check && any_page(mm, start, end);
	if (!err)
		err = set_range_policy(mm, start, end, p);
	spin_unlock_irqrestore(&mm->lock, irq);
	mpol_put(p);
	return err ?: misplaced ? -EIO : 0;
}

/* --- set_mempolicy_home_node ---------------------------------------------- */

/* A copy of p but for its home node. */
static struct mempolicy *policy_with_home(const struct mempolicy *p, int home_node)
{
	struct mempolicy *n = kmalloc(sizeof(*n));
	if (!n)
		return NULL;
	*n = *p;
	n->refcount = 1;
	n->home_node = home_node;
	return n;
}

/* The node to allocate from first, for the regions of [start, end) that
 * have a BIND or PREFERRED_MANY policy: -ENOENT if none has a policy,
 * -EOPNOTSUPP at the first with another mode. */
long sys_set_mempolicy_home_node(uint64_t start, unsigned long len, unsigned long home_node,
				 unsigned long flags)
{
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (flags)
		return -EINVAL;
	if (home_node >= MAX_NUMNODES || home_node >= NR_NODE_IDS)
		return -EINVAL;
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct mm *mm = current->mm;
	long err = -ENOENT;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v)) {
		if (!v->policy || v->start == v->end)
			continue;
		if (v->policy->mode != MPOL_BIND && v->policy->mode != MPOL_PREFERRED_MANY) {
			err = -EOPNOTSUPP;
			break;
		}
		struct mempolicy *n = policy_with_home(v->policy, home_node);
		uint64_t from = v->start > start ? v->start : start, to = v->end < end ? v->end : end;
		err = n ? set_range_policy(mm, from, to, n) : -ENOMEM;
		mpol_put(n);
		if (err)
			break;
		v = vm_find(mm, to - 1);        /* the last region it changed */
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return err;
}
