/* Every AF_UNIX socket, for /proc/net/unix (fs/proc/net.c): a list from a
 * socket's creation to its close, and a snapshot of it with the columns
 * Linux's unix_seq_show prints. A connection queued on a listener and not
 * accepted yet (an embryo: no socket, no inode) is listed too, as Linux
 * lists it. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <fs/fs.h>
#include <linux/net.h>
#include <net/unix.h>
#include "unix.h"

/* Under unix_lock. */
static struct list_head all = LIST_HEAD_INIT(all);
static int listed;

void unix_listed(struct unix_sock *u)
{
	mutex_lock(&unix_lock);
	list_add_tail(&u->all_link, &all);
	listed++;
	mutex_unlock(&unix_lock);
}

void unix_unlisted(struct unix_sock *u)
{
	if (list_empty(&u->all_link))
		return;
	list_del(&u->all_link);
	listed--;
}

/* Linux's sk_state is TCP_ESTABLISHED for a connected socket of any type
 * and for a datagram socket another one connected to. */
static bool established(const struct unix_sock *u)
{
	return u->state == UNIX_CONNECTED || (u->type == SOCK_DGRAM && u->connect_target);
}

/* SS_*: from the socket's point of view, or (no socket) the embryo's. */
static int ss_state(const struct unix_sock *u)
{
	if (u->sock)
		return established(u) ? SS_CONNECTED : SS_UNCONNECTED;
	return established(u) ? SS_CONNECTING : SS_DISCONNECTING;
}

static void fill(struct unix_listing *e, const struct unix_sock *u)
{
	memset(e, 0, sizeof(*e));
	/* Linux's count is one more than ours for the same holders (the
	 * socket and the sock each hold one there); data in flight holds
	 * ours, not Linux's, so ours reads higher while a message waits. */
	e->refcount = u->refcount + 1;
	e->flags = u->state == UNIX_LISTENING ? __SO_ACCEPTCON : 0;
	e->type = u->type;
	e->state = ss_state(u);
	if (u->sock && u->sock->inode)
		e->inode = u->sock->inode->ino;
	if (u->addr) {
		int len = u->addr->len - (int)offsetof(struct sockaddr_un, sun_path);
		const char *name = u->addr->sun.sun_path;
		if (name[0])
			len = strnlen(name, len);       /* a path: up to its NUL */
		e->name_len = len;
		memcpy(e->name, name, len);
	}
}

struct unix_listing *unix_listing(int *count)
{
	mutex_lock(&unix_lock);
	struct unix_listing *v = kmalloc((listed ? listed : 1) * sizeof(*v));
	int n = 0;
	if (v) {
		struct unix_sock *u;
		list_for_each_entry(u, &all, all_link)
			fill(&v[n++], u);
	}
	mutex_unlock(&unix_lock);
	*count = v ? n : -ENOMEM;
	return v;
}
