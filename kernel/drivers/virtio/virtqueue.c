/* Split virtqueues (virtio spec v1.1, 2.6): a table of descriptors (each
 * a buffer's address and length, chained by `next`), the available ring
 * where we offer chains to the device, and the used ring where it hands
 * them back. Free descriptors are kept chained through `next` as well. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <drivers/virtio.h>
#include <mm/page_alloc.h>
#include <mm/kmalloc.h>
#include <x86/paging.h>

/* Where the device finds addr: buffers may be in the direct map, in the
 * kernel image or on a kernel stack (mapped page by page). */
static uint64_t dma_address(void *addr)
{
	uint64_t va = (uint64_t)addr, pa;
	if ((va >= DIRECT_MAP_BASE && va < KSTACK_AREA_BASE) || va >= KERNEL_VIRT_BASE)
		return virt_to_phys(addr);
	return pt_translate(kernel_pml4, va, &pa, NULL) ? pa : 0;
}

int vq_init(struct virtqueue *vq, unsigned size)
{
	/* One block for all three parts, each at the alignment it needs. */
	uint64_t avail_off = size * sizeof(struct vring_desc);
	uint64_t used_off = ALIGN_UP(avail_off + sizeof(struct vring_avail) + (size + 1) * 2, 4);
	uint64_t bytes = used_off + sizeof(struct vring_used) + size * sizeof(struct vring_used_elem) + 2;
	unsigned order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	struct page *p = alloc_pages(order, ALLOC_ZERO);
	vq->cookie = kzalloc(size * sizeof(void *));
	if (!p || !vq->cookie) {
		if (p)
			page_put(p);
		kfree(vq->cookie);
		return -ENOMEM;
	}
	uint8_t *base = page_address(p);
	vq->size = size;
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + avail_off);
	vq->used = (struct vring_used *)(base + used_off);
	for (unsigned i = 0; i + 1 < size; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->nfree = size;
	vq->last_used = 0;
	spin_lock_init(&vq->lock, "virtqueue");
	wait_queue_init(&vq->room);
	return 0;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *cookie)
{
	if (n == 0 || n > vq->nfree)
		return -ENOSPC;
	for (unsigned k = 0; k < n; k++)
		if (!dma_address(bufs[k].addr))
			return -EFAULT;
	unsigned head = vq->free_head, i = head;
	for (unsigned k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];
		d->addr = dma_address(bufs[k].addr);
		d->len = bufs[k].len;
		d->flags = (bufs[k].device_writes ? VRING_DESC_F_WRITE : 0) | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		i = d->next;
	}
	vq->free_head = i;
	vq->nfree -= n;
	vq->cookie[head] = cookie;
	return head;
}

void vq_publish(struct virtqueue *vq, unsigned head)
{
	uint16_t idx = vq->avail->idx;
	vq->avail->ring[idx % vq->size] = head;
	/* The device must see the ring entry (and the chain) before the
	 * index that covers it: a release store orders them. */
	__atomic_store_n(&vq->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
}

void vq_kick(struct virtqueue *vq)
{
	/* Order the index store before the doorbell (an uncached write). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY))
		*vq->notify = vq->index;
}

/* Returns the chain starting at head to the free list. */
static void free_chain(struct virtqueue *vq, unsigned head)
{
	unsigned i = head, n = 1;
	while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
		i = vq->desc[i].next;
		if (++n > vq->size)     /* a loop: only a corrupted table */
			break;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->nfree += n;
}

void *vq_get_used(struct virtqueue *vq, uint32_t *len)
{
	for (;;) {
		uint16_t idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
		if (idx == vq->last_used)
			return NULL;
		struct vring_used_elem *e = &vq->used->ring[vq->last_used % vq->size];
		vq->last_used++;
		unsigned head = e->id;
		/* A head we never offered, or one already returned, is a device
		 * bug: skip it rather than corrupt the free list. */
		if (head >= vq->size || !vq->cookie[head]) {
			vq->bad_used++;
			continue;
		}
		void *cookie = vq->cookie[head];
		vq->cookie[head] = NULL;
		*len = e->len;
		free_chain(vq, head);
		return cookie;
	}
}
