/* AF_UNIX messages in flight (unix_skb): made by the sender, queued on the
 * receiver, charged to the sender until read. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <fs/file.h>
#include "unix.h"

struct unix_skb *unix_skb_alloc(struct unix_sock *owner, size_t len)
{
	struct unix_skb *skb = kzalloc(sizeof(*skb) + len);
	if (!skb)
		return NULL;
	list_init(&skb->link);
	skb->len = len;
	unix_get(owner);
	skb->owner = owner;
	return skb;
}

void unix_skb_free(struct unix_skb *skb)
{
	struct unix_sock *owner = skb->owner;
	if (skb->charged || skb->nfds) {
		mutex_lock(&unix_lock);
		if (skb->charged) {
			owner->wmem -= skb->len <= owner->wmem ? skb->len : owner->wmem;
			unix_wake(owner);       /* room to write again */
		}
		for (int i = 0; i < skb->nfds; i++)
			unix_inflight_del(skb->fds[i]);
		mutex_unlock(&unix_lock);
	}
	for (int i = 0; i < skb->nfds; i++)
		file_put(skb->fds[i]);  /* files in flight nobody received */
	kfree(skb->fds);
	if (skb->from && __atomic_sub_fetch(&skb->from->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(skb->from);
	unix_put(owner);
	kfree(skb);
}

/* Under unix_lock. */
void unix_queue_skb(struct unix_sock *to, struct unix_skb *skb)
{
	list_add_tail(&skb->link, &to->queue);
	to->queued += skb->len;
	to->qlen++;
	skb->owner->wmem += skb->len;
	skb->charged = true;
	unix_wake(to);
}

/* Under unix_lock. */
struct unix_skb *unix_dequeue(struct unix_sock *u)
{
	if (list_empty(&u->queue))
		return NULL;
	struct unix_skb *skb = list_first_entry(&u->queue, struct unix_skb, link);
	list_del(&skb->link);
	u->queued -= skb->len - skb->off;
	u->qlen--;
	return skb;
}

void unix_purge(struct list_head *list)
{
	while (!list_empty(list)) {
		struct unix_skb *skb = list_first_entry(list, struct unix_skb, link);
		list_del(&skb->link);
		unix_skb_free(skb);
	}
}

/* May u send more (Linux: what it has in flight is under a quarter of
 * SO_SNDBUF for poll; we let senders go on up to SO_SNDBUF)? */
bool unix_wmem_ok(struct unix_sock *u)
{
	struct socket *s = READ_ONCE(u->sock);
	size_t sndbuf = s ? (size_t)READ_ONCE(s->opt.sndbuf) : 212992;
	return READ_ONCE(u->wmem) * 4 <= sndbuf;
}
