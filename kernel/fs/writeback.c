/* Dirty file data and memory: how much may wait in the page cache.
 *
 * A page written by write() stays dirty in the page cache until someone
 * writes it back. Left alone, a file bigger than memory would fill every
 * frame with dirty pages that nothing cleans. So, as Linux's dirty
 * throttling does, once the dirty pages of all files pass a fifth of
 * memory each writer writes its own file back before it may dirty more;
 * written pages stay cached but clean, and the frame allocator takes
 * clean pages back when it runs out (pagecache_reclaim). */
#include <kernel/types.h>
#include <mm/page_alloc.h>
#include <fs/pagecache.h>
#include <fs/writeback.h>

#define DIRTY_RATIO 5           /* dirty pages may be 1/DIRTY_RATIO of memory */

static uint64_t dirty_limit_pages(void)
{
	struct mem_stats st;
	mem_stats(&st);
	return st.total_pages / DIRTY_RATIO;
}

void balance_dirty_pages(struct inode *inode)
{
	if (pagecache_nr_dirty() > dirty_limit_pages())
		pagecache_writeback(inode);
}

void writeback_init(void)
{
	page_alloc_set_reclaimer(pagecache_reclaim);
}
