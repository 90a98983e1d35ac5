/* NUMA memory policies (mm/mempolicy.c): where a thread, or a range of
 * its address space, wants its memory (set_mempolicy, mbind). Kestrel's
 * machine has one memory node, node 0, so every page is there whatever
 * the policy says; the policies are kept only so that programs (libnuma)
 * read back what they set, and get Linux's answers and errors.
 *
 * A policy is immutable once made and shared by reference: a thread's
 * (task->mempolicy) and each region's (vma->policy), NULL meaning
 * MPOL_DEFAULT. fork and clone share the thread's, splitting or copying
 * a region shares the region's, and the last mpol_put frees it. */
#pragma once
#include <kernel/types.h>

/* Linux's MAX_NUMNODES on Debian (CONFIG_NODES_SHIFT=10): masks may
 * name nodes up to 1023, and longer masks must be zero beyond it. */
#define MAX_NUMNODES 1024
#define NODEMASK_LONGS (MAX_NUMNODES / 64)

struct mempolicy {
	int refcount;
	unsigned short mode;        /* MPOL_* (never MPOL_DEFAULT: that is NULL) */
	unsigned short flags;       /* MPOL_F_STATIC_NODES... as the caller gave them */
	int home_node;              /* set_mempolicy_home_node's, or -1 */
	/* The mask as given: what get_mempolicy reports when a mode flag
	 * was given (the nodes used are node 0 then, or none for LOCAL). */
	uint64_t user_nodes[NODEMASK_LONGS];
};

static inline struct mempolicy *mpol_get(struct mempolicy *p)
{
	if (p)
		__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
	return p;
}

void mpol_put(struct mempolicy *p);

/* A node mask from user space as Linux's get_nodes reads it: maxnode - 1
 * bits at nmask (none if nmask is NULL), bits past MAX_NUMNODES zero.
 * 0, -EINVAL or -EFAULT. */
int mpol_read_nodes(uint64_t nodes[NODEMASK_LONGS], const uint64_t *nmask, uint64_t maxnode);

/* Whether a mask names node 0, the only node there is. */
static inline bool nodes_have_node0(const uint64_t nodes[NODEMASK_LONGS])
{
	return nodes[0] & 1;
}
