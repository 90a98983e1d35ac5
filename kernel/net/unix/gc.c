/* AF_UNIX's garbage collector for files in flight (Linux's unix_gc).
 *
 * A socket's file sent with SCM_RIGHTS is held by the skb that carries
 * it until someone receives it. Sent into its own receive queue (or into
 * a queue of a socket that is itself only in flight, round a cycle), and
 * closed, it can never be received: the references keep each other, and
 * the files (and whatever else travels with them) would never be freed.
 *
 * So we count, for each unix socket, the skbs holding its file
 * (inflight). When a unix socket's file is released (its last reference
 * gone), unix_gc looks at the sockets in flight, as Linux's (a close of
 * a socket still in flight releases nothing: the next release collects
 * it). Those whose every file reference is in flight are
 * candidates. Each candidate's queues (a listener's: its embryos') hold
 * references to other candidates; a candidate with references left over
 * is reachable from outside (an fd, an skb on a queue someone can read),
 * and so is everything its queues hold, transitively. The candidates left
 * are garbage: their queues are purged, which drops the references and
 * closes the files.
 *
 * Everything runs under unix_lock, so no queue changes meanwhile. A file
 * reference taken without it comes from an fd (a dup, a fork) or from an
 * skb being received, which is on no queue any more (or, peeked, on the
 * queue of a socket its reader has an fd of): either way the file is
 * reachable, whatever count we read. */
#include <kernel/types.h>
#include <kernel/list.h>
#include <fs/file.h>
#include <net/socket.h>
#include <net/unix.h>
#include "unix.h"

static struct list_head inflight_socks = LIST_HEAD_INIT(inflight_socks);   /* unix_sock.inflight_link */
static bool collecting;

/* The unix socket behind a file, or NULL. */
static struct unix_sock *unix_of(struct file *f)
{
	struct socket *s = sock_from_file(f);
	return s && s->ops && s->ops->family == AF_UNIX ? s->sk : NULL;
}

/* An skb now holds f (under unix_lock). */
void unix_inflight_add(struct file *f)
{
	struct unix_sock *u = unix_of(f);
	if (u && u->inflight++ == 0)
		list_add_tail(&u->inflight_link, &inflight_socks);
}

/* An skb no longer holds f (under unix_lock). */
void unix_inflight_del(struct file *f)
{
	struct unix_sock *u = unix_of(f);
	if (u && --u->inflight == 0)
		list_del(&u->inflight_link);
}

/* Calls fn for every file held by an skb on u's queues (a listener's:
 * its embryos' queues, where connections not yet accepted hold theirs). */
static void for_each_held(struct unix_sock *u, void (*fn)(struct unix_sock *held))
{
	struct unix_skb *skb;
	list_for_each_entry(skb, &u->queue, link)
		for (int i = 0; i < skb->nfds; i++) {
			struct unix_sock *v = unix_of(skb->fds[i]);
			if (v && v->gc_candidate)
				fn(v);
		}
	struct unix_sock *e;
	list_for_each_entry(e, &u->accept_q, accept_link)
		for_each_held(e, fn);
}

static void drop_ref(struct unix_sock *v) { v->gc_refs--; }

static bool marked;
static void mark_reachable(struct unix_sock *v)
{
	if (!v->gc_reachable)
		v->gc_reachable = marked = true;
}

/* Moves u's queued skbs (and its embryos') to drop. */
static void take_queues(struct unix_sock *u, struct list_head *drop)
{
	struct unix_skb *skb, *next;
	list_for_each_entry_safe(skb, next, &u->queue, link) {
		list_del(&skb->link);
		list_add_tail(&skb->link, drop);
	}
	u->queued = 0;
	u->qlen = 0;
	struct unix_sock *e;
	list_for_each_entry(e, &u->accept_q, accept_link)
		take_queues(e, drop);
}

/* Finds the garbage (see the top) and moves its queues to drop. */
static void find_garbage(struct list_head *drop)
{
	struct unix_sock *u;
	list_for_each_entry(u, &inflight_socks, inflight_link) {
		struct file *f = u->sock ? u->sock->file : NULL;
		int refs = f ? __atomic_load_n(&f->refcount, __ATOMIC_ACQUIRE) : 0;
		u->gc_candidate = f && refs == u->inflight;
		u->gc_refs = refs;
		u->gc_reachable = false;
	}
	list_for_each_entry(u, &inflight_socks, inflight_link)
		if (u->gc_candidate)
			for_each_held(u, drop_ref);
	list_for_each_entry(u, &inflight_socks, inflight_link)
		if (u->gc_candidate && u->gc_refs > 0)
			u->gc_reachable = true;
	do {            /* what the reachable hold is reachable */
		marked = false;
		list_for_each_entry(u, &inflight_socks, inflight_link)
			if (u->gc_candidate && u->gc_reachable)
				for_each_held(u, mark_reachable);
	} while (marked);
	list_for_each_entry(u, &inflight_socks, inflight_link) {
		if (u->gc_candidate && !u->gc_reachable)
			take_queues(u, drop);
		u->gc_candidate = false;
	}
}

void unix_gc(void)
{
	struct list_head drop = LIST_HEAD_INIT(drop);
	mutex_lock(&unix_lock);
	if (collecting || list_empty(&inflight_socks)) {
		mutex_unlock(&unix_lock);
		return;         /* the closes the purge below causes come back here */
	}
	collecting = true;
	find_garbage(&drop);
	mutex_unlock(&unix_lock);
	unix_purge(&drop);      /* drops the files in flight: they close */
	mutex_lock(&unix_lock);
	collecting = false;
	mutex_unlock(&unix_lock);
}
