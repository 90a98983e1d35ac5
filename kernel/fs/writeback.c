/* Dirty file data and memory: how much may wait in the page cache.
 *
 * A page written by write() stays dirty in the page cache until someone
 * writes it back. Left alone, a file bigger than memory would fill every
 * frame with dirty pages that nothing cleans. So, as Linux's dirty
 * throttling does, once the dirty pages of all files pass a fifth of
 * memory each writer writes its own file back before it may dirty more;
 * written pages stay cached but clean, and the frame allocator takes
 * clean pages back when it runs out (pagecache_reclaim).
 *
 * And data must not wait in memory for ever: a kernel thread ("flush")
 * wakes every dirty_writeback_centisecs and writes back the files dirty
 * for longer than dirty_expire_centisecs, then the filesystems' metadata
 * (Linux's defaults and names: 5 s and 30 s, and both can be set on the
 * kernel command line), or everything once the dirty pages pass half the
 * limit. A machine that loses power after a quiet half minute loses
 * nothing.
 *
 * Before the power goes off the flusher stops (writeback_final_sync): an
 * inode it holds while writing may have lost its last name meanwhile, and
 * then the flusher's iput is what frees the file's blocks. After the
 * final sync that would leave them marked used on the disk for ever. */
#include <kernel/types.h>
#include <kernel/cmdline.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <mm/page_alloc.h>
#include <proc/sched.h>
#include <kernel/wait.h>
#include <time/clock.h>
#include <fs/fs.h>
#include <fs/pagecache.h>
#include <fs/writeback.h>

#define DIRTY_RATIO 5           /* dirty pages may be 1/DIRTY_RATIO of memory */

/* Memory does not change after boot: counted once (writeback_init), not
 * at every page a writer dirties. */
static uint64_t dirty_limit;

static uint64_t dirty_limit_pages(void)
{
	return dirty_limit;
}

#define CENTISEC (NSEC_PER_SEC / 100)
static uint64_t expire_ns = 3000 * CENTISEC, interval_ns = 500 * CENTISEC;
static struct wait_queue flusher_wait;
static bool flusher_running, flush_all;
/* Held by the flusher through each pass; by the power-off for good. */
static struct mutex flusher_pass;

static bool over_background_limit(void)
{
	return pagecache_nr_dirty() > dirty_limit_pages() / 2;
}

void balance_dirty_pages(struct inode *inode)
{
	if (flusher_running && !flush_all && over_background_limit()) {
		flush_all = true;
		wake_up_all(&flusher_wait);
	}
	if (pagecache_nr_dirty() > dirty_limit_pages())
		pagecache_writeback(inode);
}

static int flusher(void *arg)
{
	(void)arg;
	for (;;) {
		wait_event(&flusher_wait, flush_all, clock_now_ns() + interval_ns);
		uint64_t now = clock_now_ns();
		bool all = flush_all || over_background_limit();
		flush_all = false;
		uint64_t before = all ? now : now > expire_ns ? now - expire_ns : 0;
		mutex_lock(&flusher_pass);
		int err = sync_filesystems_dirtied_before(before);
		mutex_unlock(&flusher_pass);
		if (err)
			printk("writeback: writing back failed: error %d\n", err);
	}
	return 0;
}

int writeback_final_sync(void)
{
	if (flusher_running)
		mutex_lock(&flusher_pass);  /* its pass is over; it never starts another */
	return sync_filesystems(NULL);
}

/* "key=centiseconds" from the command line, at least 1. */
static void tunable(const char *key, uint64_t *ns)
{
	const char *v = cmdline_get(key);
	if (!v || !*v)
		return;
	uint64_t n = 0;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (*v - '0');
	*ns = (n ? n : 1) * CENTISEC;
}

void writeback_init(void)
{
	struct mem_stats st;
	mem_stats(&st);
	dirty_limit = st.total_pages / DIRTY_RATIO;
	page_alloc_set_reclaimer(pagecache_reclaim);
	wait_queue_init(&flusher_wait);
	mutex_init(&flusher_pass);
	tunable("dirty_expire_centisecs", &expire_ns);
	tunable("dirty_writeback_centisecs", &interval_ns);
}

void writeback_start(void)
{
	flusher_running = kthread_create_daemon("flush", flusher, NULL) != NULL;
}
