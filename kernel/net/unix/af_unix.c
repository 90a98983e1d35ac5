/* AF_UNIX: the family, a unix socket's life (create, connect as a pair,
 * close), and what all three types share: shutdown, poll, ioctl and
 * SO_PEERCRED. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <x86/uaccess.h>
#include <proc/task.h>
#include <proc/cred.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <net/unix.h>
#include "unix.h"

struct mutex unix_lock;

struct unix_sock *unix_sk(struct socket *s)
{
	return s->sk;
}

struct unix_sock *unix_sock_new(int type, struct socket *sock)
{
	struct unix_sock *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = type;
	u->sock = sock;
	u->state = UNIX_UNCONNECTED;
	list_init(&u->queue);
	list_init(&u->accept_q);
	list_init(&u->name_link);
	list_init(&u->all_link);
	list_init(&u->accept_link);
	list_init(&u->inflight_link);
	mutex_init(&u->iolock);
	wait_queue_init(&u->peer_wait);
	unix_listed(u);
	return u;
}

void unix_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refcount, 1, __ATOMIC_RELAXED);
}

void unix_put(struct unix_sock *u)
{
	if (!u || __atomic_sub_fetch(&u->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (u->addr && __atomic_sub_fetch(&u->addr->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(u->addr);
	if (u->path_inode)
		iput(u->path_inode);
	kfree(u);
}

void unix_wake(struct unix_sock *u)
{
	if (u && u->sock)
		sock_wake(u->sock);
}

struct ucred unix_current_cred(bool effective)
{
	const struct cred *c = current_cred();
	return (struct ucred){
		.pid = current->tgid,
		.uid = effective ? c->euid : c->uid,
		.gid = effective ? c->egid : c->gid,
	};
}

static int unix_create(struct socket *s, int protocol, bool kern)
{
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (s->type) {
	case SOCK_STREAM: s->ops = &unix_stream_ops; break;
	case SOCK_DGRAM: s->ops = &unix_dgram_ops; break;
	case SOCK_SEQPACKET: s->ops = &unix_seqpacket_ops; break;
	case SOCK_RAW: s->type = SOCK_DGRAM; s->ops = &unix_dgram_ops; break;  /* as Linux */
	default: return -ESOCKTNOSUPPORT;
	}
	struct unix_sock *u = unix_sock_new(s->type, s);
	if (!u)
		return -ENOMEM;
	s->sk = u;
	return 0;
}

static const struct net_family unix_family = {
	.family = AF_UNIX,
	.create = unix_create,
};

void unix_init(void)
{
	mutex_init(&unix_lock);
	sock_register(&unix_family);
}

/* --- connecting and closing ------------------------------------------------------ */

int unix_socketpair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);
	struct ucred me = unix_current_cred(true);
	mutex_lock(&unix_lock);
	unix_get(ua);
	unix_get(ub);
	ua->peer = ub;
	ub->peer = ua;
	ua->state = ub->state = UNIX_CONNECTED;
	ua->peercred = ub->peercred = me;
	ua->has_peercred = ub->has_peercred = true;
	mutex_unlock(&unix_lock);
	return 0;
}

void unix_release_sock(struct unix_sock *u)
{
	struct list_head drop = LIST_HEAD_INIT(drop);
	struct list_head embryos = LIST_HEAD_INIT(embryos);
	mutex_lock(&unix_lock);
	unix_unlisted(u);
	unix_unbind_locked(u);
	bool unread = !list_empty(&u->queue);
	bool embryo = !u->sock;         /* a connection never accepted */
	u->sock = NULL;
	u->state = UNIX_CLOSED;
	u->shutdown = SHUTDOWN_MASK;
	struct unix_sock *peer = u->peer;
	u->peer = NULL;
	if (peer && u->type != SOCK_DGRAM) {
		/* The other end reads end of file (or ECONNRESET if we left
		 * its data unread) and writes EPIPE. */
		peer->shutdown = SHUTDOWN_MASK;
		if (unread || embryo) {
			peer->err = ECONNRESET;
			if (peer->sock)
				WRITE_ONCE(peer->sock->error, -ECONNRESET);
		}
	}
	unix_list_move(&u->queue, &drop);
	u->queued = 0;
	u->qlen = 0;
	unix_list_move(&u->accept_q, &embryos);
	u->accept_len = 0;
	unix_wake(peer);
	wake_up_all(&u->peer_wait);     /* connectors waiting for our backlog */
	mutex_unlock(&unix_lock);
	unix_purge(&drop);
	while (!list_empty(&embryos)) {
		struct unix_sock *e = list_first_entry(&embryos, struct unix_sock, accept_link);
		list_del(&e->accept_link);
		unix_release_sock(e);
	}
	unix_put(peer);
	unix_put(u);            /* the socket's (or the accept queue's) reference */
}

void unix_release(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);
	if (u)
		unix_release_sock(u);
	s->sk = NULL;
	unix_gc();      /* its close may have left a cycle of sockets in flight */
}

/* --- what every type shares ------------------------------------------------------- */

int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = unix_sk(s);
	unsigned mode = how + 1;        /* SHUT_RD 0 -> RCV, SHUT_WR 1 -> SEND, SHUT_RDWR 2 -> both */
	mutex_lock(&unix_lock);
	u->shutdown |= mode;
	struct unix_sock *peer = u->peer;
	if (peer && u->type != SOCK_DGRAM) {
		/* Our receive side shut is the peer's send side, and back. */
		unsigned peer_mode = (mode & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) |
				     (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
		peer->shutdown |= peer_mode;
		unix_wake(peer);
	}
	unix_wake(u);
	mutex_unlock(&unix_lock);
	return 0;
}

/* As Linux's unix_poll (stream, seqpacket) and unix_dgram_poll. No lock:
 * the poller asks again after any wake-up. */
unsigned unix_poll(struct socket *s, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(s);
	poll_wait(&s->wait, pt);
	unsigned mask = 0;
	unsigned shut = READ_ONCE(u->shutdown);
	if (READ_ONCE(s->error))
		mask |= POLLERR;
	if (shut == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (shut & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (READ_ONCE(u->qlen) || READ_ONCE(u->accept_len))
		mask |= POLLIN | POLLRDNORM;
	enum unix_state st = READ_ONCE(u->state);
	if (u->type != SOCK_DGRAM && (st == UNIX_UNCONNECTED || st == UNIX_CLOSED))
		mask |= POLLHUP;
	if (st == UNIX_LISTENING)
		return mask;
	if (u->type == SOCK_DGRAM && st == UNIX_CONNECTED) {
		struct unix_sock *peer = READ_ONCE(u->peer);
		/* A connected datagram socket waits for room at its peer. */
		if (peer && READ_ONCE(peer->peer) != u && READ_ONCE(peer->qlen) >= UNIX_DGRAM_QLEN)
			return mask;
	}
	if (unix_wmem_ok(u))
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

long unix_ioctl(struct socket *s, unsigned cmd, uint64_t arg)
{
	struct unix_sock *u = unix_sk(s);
	int v;
	mutex_lock(&unix_lock);
	switch (cmd) {
	case SIOCINQ:           /* FIONREAD: unread bytes; a datagram socket's next one */
		if (u->state == UNIX_LISTENING)
			v = -EINVAL;
		else if (u->type == SOCK_STREAM)
			v = u->queued;
		else
			v = list_empty(&u->queue) ? 0
				: (int)list_first_entry(&u->queue, struct unix_skb, link)->len;
		break;
	case SIOCOUTQ:
		v = u->wmem;
		break;
	default:
		mutex_unlock(&unix_lock);
		return -ENOTTY;
	}
	mutex_unlock(&unix_lock);
	if (v < 0)
		return v;
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

int unix_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct unix_sock *u = unix_sk(s);
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name != SO_PEERCRED)
		return -ENOPROTOOPT;
	struct ucred c = { .pid = 0, .uid = (uint32_t)-1, .gid = (uint32_t)-1 };
	mutex_lock(&unix_lock);
	if (u->has_peercred)
		c = u->peercred;
	mutex_unlock(&unix_lock);
	memcpy(val, &c, sizeof(c));
	*len = sizeof(c);
	return 0;
}
