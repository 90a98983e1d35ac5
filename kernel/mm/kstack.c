/* Kernel stacks with guard gaps (see mm/kstack.h).
 *
 * The stack area is cut into slots of KSTACK_GUARD + KSTACK_SIZE bytes:
 *
 *   slot n:  [ guard gap: never mapped | stack: KSTACK_SIZE, mapped rw- ]
 *            ^ base + n * SLOT                                 top ^
 *
 * so below every stack lies unmapped address space. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <mm/kstack.h>
#include <x86/smp.h>
#include <mm/page_alloc.h>
#include <x86/paging.h>

#define SLOT       (KSTACK_GUARD + KSTACK_SIZE)
#define NSLOTS     8192             /* 256 MiB of the area: plenty of threads */

static uint64_t used[NSLOTS / 64];
static struct spinlock lock = SPINLOCK_INIT("kstack");
/* Serializes changes to the kernel's page tables in the stack area: two
 * stacks sharing a page table must not both create it. */
static struct spinlock map_lock = SPINLOCK_INIT("kstack-map");
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

static uint64_t slot_base(int n) { return KSTACK_AREA_BASE + (uint64_t)n * SLOT; }

static int take_slot(void)
{
	uint64_t irq = spin_lock_irqsave(&lock);
	for (int n = 0; n < NSLOTS; n++) {
		if (!(used[n / 64] & (1ull << (n % 64)))) {
			used[n / 64] |= 1ull << (n % 64);
			spin_unlock_irqrestore(&lock, irq);
			return n;
		}
	}
	spin_unlock_irqrestore(&lock, irq);
	return -ENOMEM;
}

static void release_slot(int n)
{
	uint64_t irq = spin_lock_irqsave(&lock);
	used[n / 64] &= ~(1ull << (n % 64));
	spin_unlock_irqrestore(&lock, irq);
}

/* Unmaps and frees the stack pages of slot n that are mapped. */
static void unmap_stack(int n)
{
	uint64_t stack = slot_base(n) + KSTACK_GUARD;
	uint64_t irq = spin_lock_irqsave(&map_lock);
	for (uint64_t va = stack; va < stack + KSTACK_SIZE; va += PAGE_SIZE) {
		uint64_t pa;
		if (pt_unmap(kernel_pml4, va, &pa) == 0)
			page_put(phys_to_page(pa));
	}
	spin_unlock_irqrestore(&map_lock, irq);
}

/* Backs slot n's stack with fresh frames; false if memory ran out. */
static bool map_stack(int n)
{
	uint64_t stack = slot_base(n) + KSTACK_GUARD;
	bool ok = true;
	uint64_t irq = spin_lock_irqsave(&map_lock);
	for (uint64_t va = stack; ok && va < stack + KSTACK_SIZE; va += PAGE_SIZE) {
		struct page *p = alloc_page(0);
		ok = p && pt_map(kernel_pml4, va, page_to_phys(p), PTE_WRITE | PTE_NX | PTE_GLOBAL) == 0;
		if (!ok && p)
			page_put(p);
	}
	spin_unlock_irqrestore(&map_lock, irq);
	return ok;
}

static uint64_t stacks_in_use;          /* atomic: /proc/meminfo's KernelStack */

uint64_t kstack_count(void) { return __atomic_load_n(&stacks_in_use, __ATOMIC_RELAXED); }

void *kstack_alloc(void)
{
	if (!paging_enabled())
		return NULL;
	int n = take_slot();
	if (n < 0)
		return NULL;
	if (!map_stack(n)) {
		unmap_stack(n);
		release_slot(n);
		return NULL;
	}
	__atomic_fetch_add(&stacks_in_use, 1, __ATOMIC_RELAXED);
	return (void *)(slot_base(n) + KSTACK_GUARD + KSTACK_SIZE);
}

void kstack_free(void *top)
{
	uint64_t t = (uint64_t)top;
	if (t < KSTACK_AREA_BASE + SLOT || t > slot_base(NSLOTS) || (t - KSTACK_AREA_BASE) % SLOT != 0)
		panic("kstack_free: %p is not the top of a kernel stack", top);
	int n = (t - KSTACK_AREA_BASE) / SLOT - 1;
	unmap_stack(n);
	/* Other CPUs may still hold translations for this stack (its task
	 * ran there). They must forget them before the slot is handed out
	 * again with new frames behind it. */
	tlb_shootdown(t - KSTACK_SIZE, t);
	release_slot(n);
	__atomic_fetch_sub(&stacks_in_use, 1, __ATOMIC_RELAXED);
}

bool kstack_describe_guard(uint64_t addr)
{
	uint64_t guard = (uint64_t)boot_stack_guard;
	if (addr >= guard && addr < guard + PAGE_SIZE) {
		printk("  kernel stack overflow: %016lx is in the guard page below the boot stack %016lx-%016lx\n",
		       addr, (uint64_t)boot_stack, (uint64_t)boot_stack_top);
		return true;
	}
	if (addr < KSTACK_AREA_BASE || addr >= slot_base(NSLOTS))
		return false;
	uint64_t off = (addr - KSTACK_AREA_BASE) % SLOT;
	if (off >= KSTACK_GUARD)
		return false;
	uint64_t stack = addr - off + KSTACK_GUARD;
	printk("  kernel stack overflow: %016lx is in the guard gap below the kernel stack %016lx-%016lx\n",
	       addr, stack, stack + KSTACK_SIZE);
	return true;
}
