/* The index of an address space's regions: a balanced search tree
 * (kernel/avltree.h) next to mm->vmas, both in the same order, as Linux
 * kept an rbtree next to its list for years. The list is for walking in
 * order; the tree finds where to start in O(log n), so that page faults,
 * mmap and munmap stay fast with thousands of regions.
 *
 * The order is by start address. The heap may be empty (start == end) and
 * share its start with another region: then it comes first, so a region
 * that ends before another region starts always comes before it. Changing
 * a region's end in place (brk, splitting, growing) keeps this order, since
 * non-empty regions never overlap. */
#include <kernel/types.h>
#include <mm/vm.h>

#define VMA(n) container_of(n, struct vma, node)

static bool vma_less(const struct avl_node *a, const struct avl_node *b)
{
	const struct vma *x = VMA(a), *y = VMA(b);
	return x->start != y->start ? x->start < y->start : x->end < y->end;
}

void vm_link_region(struct mm *mm, struct vma *v)
{
	avl_insert(&mm->tree, &v->node, vma_less);
	/* The list follows the tree: v goes right after its predecessor. */
	struct avl_node *prev = avl_prev(&v->node);
	list_add(&v->link, prev ? &VMA(prev)->link : &mm->vmas);
}

void vm_unlink_region(struct mm *mm, struct vma *v)
{
	avl_erase(&mm->tree, &v->node);
	list_del(&v->link);
}

/* The last region starting at or below addr (inclusive), or below it. */
static struct vma *last_starting_before(struct mm *mm, uint64_t addr, bool inclusive)
{
	struct avl_node *n = mm->tree.node, *best = NULL;
	while (n) {
		uint64_t start = VMA(n)->start;
		if (start < addr || (inclusive && start == addr)) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best ? VMA(best) : NULL;
}

struct vma *vm_last_below(struct mm *mm, uint64_t addr)
{
	assert_held(&mm->lock);
	return last_starting_before(mm, addr, false);
}

/* Not asserting mm->lock: loading a program looks into its mm before
 * anyone else can see it. */
struct vma *vm_find_next(struct mm *mm, uint64_t addr)
{
	struct vma *v = last_starting_before(mm, addr, true);
	/* An empty region contains nothing: the one before it may. */
	while (v && v->start == v->end)
		v = vm_prev(mm, v);
	if (v && v->end > addr)
		return v;
	v = v ? vm_next(mm, v) : (list_empty(&mm->vmas) ? NULL : list_first_entry(&mm->vmas, struct vma, link));
	while (v && v->end <= addr)         /* the empty ones stepped over */
		v = vm_next(mm, v);
	return v;
}

struct vma *vm_find(struct mm *mm, uint64_t addr)
{
	struct vma *v = vm_find_next(mm, addr);
	return v && v->start <= addr ? v : NULL;
}
