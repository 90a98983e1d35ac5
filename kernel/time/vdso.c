/* The vDSO's kernel side: the image (kernel/vdso/, embedded by
 * vdso_image.S) copied once into pages, the vvar page the kernel keeps up
 * to date, and both mapped into every new program at exec:
 *
 *     VVAR_ADDR  [vvar]  r--   struct vvar_data: TSC parameters, offsets
 *     VDSO_ADDR  [vdso]  r-x   the ELF image: __vdso_clock_gettime...
 *
 * The pages are the kernel's, shared by every process (one reference per
 * mapping, so fork and exit need nothing special); user mode can only
 * read them, and a write after mprotect gets a private copy. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <linux/elf.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <time/clock.h>
#include <time/vdso.h>
#include <time/vvar.h>
#include <x86/apic.h>
#include <x86/cpu.h>

extern const uint8_t vdso_image_start[], vdso_image_end[];

static_assert(VVAR_ADDR >= MMAP_BASE, "the vvar page must sit above mmap's area");
static_assert(VDSO_ADDR + VDSO_MAX_PAGES * PAGE_SIZE <= USER_STACK_TOP - USER_STACK_SIZE,
	      "the vDSO must sit below the stack's room to grow");

static struct spinlock vdso_lock = SPINLOCK_INIT("vdso");
static struct page *vvar_pg;
static struct page *vdso_pages[VDSO_MAX_PAGES];
static int vdso_npages;

/* The seqcount's writer side: odd while the fields change (vvar.h). */
static void vvar_write(struct vvar_data *v)
{
	struct clock_params p = clock_params();
	__atomic_store_n(&v->seq, v->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	v->tsc_usable = p.ns_per_cycle_2_32 != 0;
	v->tsc_at_boot = p.tsc_at_boot;
	v->ns_per_cycle_2_32 = p.ns_per_cycle_2_32;
	v->realtime_offset_ns = p.realtime_offset_ns;
	v->coarse_res_ns = NSEC_PER_SEC / LAPIC_TIMER_HZ;
	v->getcpu_rdtscp = cpu_has_rdtscp();
	__atomic_store_n(&v->seq, v->seq + 1, __ATOMIC_RELEASE);
}

void vdso_clock_changed(void)
{
	uint64_t flags = spin_lock_irqsave(&vdso_lock);
	if (vvar_pg)
		vvar_write(page_address(vvar_pg));
	spin_unlock_irqrestore(&vdso_lock, flags);
}

/* The first exec makes the pages (vdso_lock held). */
static int vdso_setup(void)
{
	uint64_t size = vdso_image_end - vdso_image_start;
	int n = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	if (n > VDSO_MAX_PAGES || memcmp(vdso_image_start, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	struct page *vvar = alloc_page(ALLOC_ZERO);
	if (!vvar)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct page *p = alloc_page(ALLOC_ZERO);
		if (!p) {
			while (i--)
				page_put(vdso_pages[i]);
			page_put(vvar);
			return -ENOMEM;
		}
		uint64_t off = i * PAGE_SIZE, len = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;
		memcpy(page_address(p), vdso_image_start + off, len);
		vdso_pages[i] = p;
	}
	vdso_npages = n;
	vvar_write(page_address(vvar));
	vvar_pg = vvar;
	return 0;
}

/* One of the shared pages at va in region v: a reference for the mapping. */
static int map_shared(struct mm *mm, struct vma *v, uint64_t va, struct page *p)
{
	page_get(p);
	if (vm_map_page(mm, v, va, p, true) != 0) {
		page_put(p);
		return -ENOMEM;
	}
	return 0;
}

int vdso_map(struct mm *mm, uint64_t *base)
{
	uint64_t flags = spin_lock_irqsave(&vdso_lock);
	int err = vvar_pg ? 0 : vdso_setup();
	spin_unlock_irqrestore(&vdso_lock, flags);
	if (err)
		return err;
	struct vma *vvar, *vdso;
	err = vm_add_region(mm, VVAR_ADDR, VVAR_ADDR + PAGE_SIZE, VM_READ, "[vvar]", &vvar);
	if (!err)
		err = map_shared(mm, vvar, VVAR_ADDR, vvar_pg);
	if (!err)
		err = vm_add_region(mm, VDSO_ADDR, VDSO_ADDR + vdso_npages * PAGE_SIZE, VM_READ | VM_EXEC,
				    "[vdso]", &vdso);
	for (int i = 0; !err && i < vdso_npages; i++)
		err = map_shared(mm, vdso, VDSO_ADDR + i * PAGE_SIZE, vdso_pages[i]);
	*base = err ? 0 : VDSO_ADDR;
	return err;
}
