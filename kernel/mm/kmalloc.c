/* kmalloc and kfree (see mm/kmalloc.h).
 *
 * One cache per size class. A cache keeps its slabs that still have a free
 * object on a list; a slab's free objects form a singly linked list
 * threaded through the objects themselves, so free memory describes
 * itself. A slab whose objects are all free goes straight back to the
 * frame allocator: the heap never hoards memory. Each slab's struct page
 * records its cache, so kfree needs no size. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <mm/page_alloc.h>

struct kmem_cache {
	struct spinlock lock;
	size_t size;
	struct list_head partial;   /* slabs with at least one free object */
	uint64_t in_use, slabs;
};

#define CACHE(n) { .lock = SPINLOCK_INIT("kmalloc-" #n), .size = n }

static struct kmem_cache caches[] = {
	CACHE(16), CACHE(32), CACHE(64), CACHE(128),
	CACHE(256), CACHE(512), CACHE(1024), CACHE(2048),
};

static uint64_t large_pages;     /* atomic: frames held by large objects */

/* The second word of every free object (objects are 16 bytes or more):
 * kfree finds it on a double free without walking the free list each time. */
#define FREE_MARK 0x6b6b6b6bf7eef7eeull

static void mark_free(void *obj) { ((uint64_t *)obj)[1] = FREE_MARK; }

/* Is obj on the slab's free list? Only asked when obj carries FREE_MARK,
 * which live data can also hold, so the list has the final word. */
static bool on_freelist(struct page *slab, void *obj)
{
	for (void *f = slab->freelist; f; f = *(void **)f)
		if (f == obj)
			return true;
	return false;
}

void kmalloc_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		list_init(&caches[i].partial);
}

static struct kmem_cache *cache_for(size_t size)
{
	if (size > KMALLOC_MAX_SMALL)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		if (size <= caches[i].size)
			return &caches[i];
	return NULL;
}

/* A new slab: a page cut into objects, all on its free list. */
static __maybe_unused struct page *new_slab(struct kmem_cache *c)
{
	struct page *p = alloc_page(0);
	if (!p)
		return NULL;
	char *base = page_address(p);
	size_t n = PAGE_SIZE / c->size;
	for (size_t i = 0; i < n; i++) {
		*(void **)(base + i * c->size) = i + 1 < n ? base + (i + 1) * c->size : NULL;
		mark_free(base + i * c->size);
	}
	p->flags |= PAGE_SLAB;
	p->cache = c;
	p->freelist = base;
	p->inuse = 0;
	list_init(&p->list);
	return p;
}

static void *slab_alloc(struct kmem_cache *c)
{
	uint64_t irq = spin_lock_irqsave(&c->lock);
	// LAB 2 BEGIN(exercise 7): hand out an object from a partial slab, making a slab if there is none
	if (list_empty(&c->partial)) {
		/* Allocate outside the lock: the frame allocator has its own. */
		spin_unlock_irqrestore(&c->lock, irq);
		struct page *fresh = new_slab(c);
		if (!fresh)
			return NULL;
		irq = spin_lock_irqsave(&c->lock);
		list_add(&fresh->list, &c->partial);
		c->slabs++;
	}
	struct page *slab = list_first_entry(&c->partial, struct page, list);
	void *obj = slab->freelist;
	slab->freelist = *(void **)obj;
	slab->inuse++;
	if (!slab->freelist)
		list_del(&slab->list);      /* full: off the partial list */
	c->in_use++;
	// LAB 2 STUB: void *obj = NULL;
	// LAB 2 END
	spin_unlock_irqrestore(&c->lock, irq);
	return obj;
}

static void slab_free(struct page *slab, void *obj)
{
	struct kmem_cache *c = slab->cache;
	char *base = page_address(slab);
	if (((char *)obj - base) % c->size != 0 || (char *)obj - base >= (long)(PAGE_SIZE / c->size * c->size))
		panic("kfree(%p): not the start of a %lu-byte object", obj, c->size);

	uint64_t irq = spin_lock_irqsave(&c->lock);
	if (((uint64_t *)obj)[1] == FREE_MARK && on_freelist(slab, obj))
		panic("kfree(%p): already free (double kfree)", obj);
	mark_free(obj);
	// LAB 2 BEGIN(exercise 8): put the object back; an empty slab goes back to the frame allocator
	bool was_full = slab->freelist == NULL;
	*(void **)obj = slab->freelist;
	slab->freelist = obj;
	slab->inuse--;
	c->in_use--;
	if (slab->inuse == 0) {
		if (!was_full)
			list_del(&slab->list);
		c->slabs--;
		slab->flags &= ~PAGE_SLAB;
		slab->cache = NULL;
		slab->freelist = NULL;
		spin_unlock_irqrestore(&c->lock, irq);
		page_put(slab);
		return;
	}
	if (was_full)
		list_add(&slab->list, &c->partial);
	// LAB 2 END
	spin_unlock_irqrestore(&c->lock, irq);
}

void *kmalloc(size_t size)
{
	struct kmem_cache *c = cache_for(size ? size : 1);
	if (c)
		return slab_alloc(c);
	unsigned order = 0;
	while (((size_t)PAGE_SIZE << order) < size)
		if (++order >= BUDDY_ORDERS)
			return NULL;
	struct page *p = alloc_pages(order, 0);
	if (!p)
		return NULL;
	__atomic_fetch_add(&large_pages, 1ull << order, __ATOMIC_RELAXED);
	return page_address(p);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	uint64_t va = (uint64_t)ptr;
	if (va < DIRECT_MAP_BASE || virt_to_phys(ptr) >= (max_pfn << PAGE_SHIFT))
		panic("kfree(%p): not a kmalloc address", ptr);
	struct page *p = virt_to_page(ptr);
	if (p->flags & PAGE_SLAB) {
		slab_free(p, ptr);
		return;
	}
	if ((va & (PAGE_SIZE - 1)) || p->refcount == 0)
		panic("kfree(%p): not a kmalloc address (or freed twice)", ptr);
	__atomic_fetch_sub(&large_pages, 1ull << p->order, __ATOMIC_RELAXED);
	page_put(p);
}

void kmalloc_stats(struct kmalloc_stats *s)
{
	s->objects_in_use = s->slab_pages = 0;
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++) {
		uint64_t irq = spin_lock_irqsave(&caches[i].lock);
		s->objects_in_use += caches[i].in_use;
		s->slab_pages += caches[i].slabs;
		spin_unlock_irqrestore(&caches[i].lock, irq);
	}
	s->large_pages = __atomic_load_n(&large_pages, __ATOMIC_RELAXED);
}
