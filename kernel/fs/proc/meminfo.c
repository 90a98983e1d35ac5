/* /proc/meminfo: memory at a glance, as free(1), top and ps read it.
 * Fields and format as Linux 6.1's fs/proc/meminfo.c (Debian's x86_64
 * configuration). Counts come from the frame allocator, the page cache
 * (Cached, Shmem: tmpfs pages, Dirty), the buffer cache (Buffers), the
 * kernel heap (Slab), the kernel stacks and the direct map. What Kestrel
 * does not have (swap, huge pages, vmalloc, LRU lists split by activity)
 * or does not count (anonymous and mapped pages, commitments) shows 0. */
#include <kernel/types.h>
#include <block/bcache.h>
#include <fs/pagecache.h>
#include <mm/kmalloc.h>
#include <mm/kstack.h>
#include <mm/page_alloc.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include "system.h"

#define KB(pages) ((pages) * (PAGE_SIZE / 1024))

static void kb(struct pbuf *b, const char *name, uint64_t kbytes)
{
	pbuf_printf(b, "%-16s%8lu kB\n", name, kbytes);
}

int meminfo_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	struct mem_stats m;
	mem_stats(&m);
	struct bcache_stats bc;
	bcache_stats(&bc);
	struct kmalloc_stats heap;
	kmalloc_stats(&heap);
	uint64_t cached = pagecache_nr_pages(), shmem = pagecache_nr_shmem();
	uint64_t file = cached - shmem;     /* pages the reclaimer may drop once clean */
	uint64_t direct_4k, direct_2m;
	kmap_direct_sizes(&direct_4k, &direct_2m);

	kb(b, "MemTotal:", KB(m.total_pages));
	kb(b, "MemFree:", KB(m.free_pages));
	kb(b, "MemAvailable:", KB(m.free_pages + file));
	kb(b, "Buffers:", bc.bytes / 1024);
	kb(b, "Cached:", KB(cached));
	kb(b, "SwapCached:", 0);
	/* One list of cached pages, no active/inactive split: all inactive;
	 * shmem is on the anon lists, as in Linux. */
	kb(b, "Active:", 0);
	kb(b, "Inactive:", KB(cached));
	kb(b, "Active(anon):", 0);
	kb(b, "Inactive(anon):", KB(shmem));
	kb(b, "Active(file):", 0);
	kb(b, "Inactive(file):", KB(file));
	kb(b, "Unevictable:", 0);
	kb(b, "Mlocked:", 0);
	kb(b, "SwapTotal:", 0);
	kb(b, "SwapFree:", 0);
	kb(b, "Zswap:", 0);
	kb(b, "Zswapped:", 0);
	kb(b, "Dirty:", KB(pagecache_nr_dirty()));
	kb(b, "Writeback:", 0);
	kb(b, "AnonPages:", 0);
	kb(b, "Mapped:", 0);
	kb(b, "Shmem:", KB(shmem));
	kb(b, "KReclaimable:", 0);
	kb(b, "Slab:", KB(heap.slab_pages));
	kb(b, "SReclaimable:", 0);
	kb(b, "SUnreclaim:", KB(heap.slab_pages));
	kb(b, "KernelStack:", kstack_count() * KSTACK_SIZE / 1024);
	kb(b, "PageTables:", 0);
	kb(b, "SecPageTables:", 0);
	kb(b, "NFS_Unstable:", 0);
	kb(b, "Bounce:", 0);
	kb(b, "WritebackTmp:", 0);
	kb(b, "CommitLimit:", KB(m.total_pages) / 2);  /* overcommit_ratio 50%, no swap */
	kb(b, "Committed_AS:", 0);
	kb(b, "VmallocTotal:", 34359738367ull);     /* x86_64's 32 TiB vmalloc area, as Linux */
	kb(b, "VmallocUsed:", 0);
	kb(b, "VmallocChunk:", 0);
	kb(b, "Percpu:", ncpus * sizeof(struct cpu) / 1024);
	pbuf_printf(b, "HardwareCorrupted: %5u kB\n", 0);      /* Linux's own width here */
	kb(b, "AnonHugePages:", 0);
	kb(b, "ShmemHugePages:", 0);
	kb(b, "ShmemPmdMapped:", 0);
	kb(b, "FileHugePages:", 0);
	kb(b, "FilePmdMapped:", 0);
	pbuf_printf(b, "HugePages_Total:   %5u\nHugePages_Free:    %5u\n"
		    "HugePages_Rsvd:    %5u\nHugePages_Surp:    %5u\n", 0, 0, 0, 0);
	kb(b, "Hugepagesize:", 2048);
	kb(b, "Hugetlb:", 0);
	kb(b, "DirectMap4k:", direct_4k / 1024);
	kb(b, "DirectMap2M:", direct_2m / 1024);
	kb(b, "DirectMap1G:", 0);
	return 0;
}
