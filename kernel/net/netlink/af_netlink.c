/* AF_NETLINK sockets (SOCK_RAW or SOCK_DGRAM) talking to the kernel:
 * NETLINK_ROUTE only (rtnetlink.c). A socket has a port id (nl_pid):
 * chosen by bind, or given at the first bind or send with nl_pid 0 as
 * Linux gives it (the process's id, then negative numbers from -4096).
 * sendmsg takes requests, answers each at once into the socket's queue
 * of datagrams (netlink.h), and recvmsg hands them out one per call:
 * MSG_PEEK, MSG_TRUNC (the datagram's length), a truncated one's rest
 * is dropped. No multicast groups (bind stores them) and no messages
 * between user sockets. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/mutex.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/poll.h>
#include <net/socket.h>
#include <net/netlink.h>
#include "netlink.h"

#define NL_REQUEST_MAX 65536    /* what one send may bring (Linux: up to SO_SNDBUF) */
#define NL_QUEUE_MAX (1u << 20) /* answers waiting to be read, at most */
#define SOL_NETLINK 270         /* Linux's include/linux/socket.h, not in UAPI */

struct nl_sock {
	struct socket *sock;
	struct list_head link;          /* all netlink sockets, for port ids */
	uint32_t portid;                /* valid once bound */
	bool bound;
	uint32_t groups;
	struct list_head queue;         /* struct nl_dgram, oldest first */
	size_t queued;                  /* their bytes (read without the lock by poll) */
};

/* One lock for every netlink socket's port id and queue: a request's
 * answer is built outside it. */
static struct mutex nl_lock;
static struct list_head nl_socks;

static struct nl_sock *nl_sk(struct socket *s)
{
	return s->sk;
}

static bool portid_used(uint32_t portid)
{
	struct nl_sock *n;
	list_for_each_entry(n, &nl_socks, link)
		if (n->bound && n->portid == portid)
			return true;
	return false;
}

/* Linux's netlink_autobind: the thread group's id if free, else -4096, -4097... */
static void autobind_locked(struct nl_sock *n)
{
	static int32_t rover = -4096;
	if (n->bound)
		return;
	uint32_t id = current->tgid;
	while (portid_used(id))
		id = (uint32_t)rover--;
	n->portid = id;
	n->bound = true;
}

static int nl_bind(struct socket *s, const struct sockaddr_storage *addr, int len)
{
	struct nl_sock *n = nl_sk(s);
	const struct sockaddr_nl *sa = (const void *)addr;
	if (len < (int)sizeof(*sa) || sa->nl_family != AF_NETLINK)
		return -EINVAL;
	int err = 0;
	mutex_lock(&nl_lock);
	if (n->bound && sa->nl_pid && sa->nl_pid != n->portid)
		err = -EINVAL;
	else if (!n->bound && sa->nl_pid && portid_used(sa->nl_pid))
		err = -EADDRINUSE;
	else if (!n->bound && sa->nl_pid)
		n->portid = sa->nl_pid, n->bound = true;
	else
		autobind_locked(n);
	if (!err)
		n->groups = sa->nl_groups;
	mutex_unlock(&nl_lock);
	return err;
}

/* Only the kernel (nl_pid 0) can be talked to; AF_UNSPEC disconnects. */
static int nl_connect(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	const struct sockaddr_nl *sa = (const void *)addr;
	if (len >= (int)sizeof(sa->nl_family) && sa->nl_family == AF_UNSPEC)
		return 0;
	if (len < (int)sizeof(*sa) || sa->nl_family != AF_NETLINK)
		return -EINVAL;
	if (sa->nl_pid)
		return -ECONNREFUSED;
	mutex_lock(&nl_lock);
	autobind_locked(nl_sk(s));
	mutex_unlock(&nl_lock);
	return 0;
}

static int nl_getname(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct nl_sock *n = nl_sk(s);
	struct sockaddr_nl *sa = (void *)addr;
	memset(sa, 0, sizeof(*sa));
	sa->nl_family = AF_NETLINK;
	if (!peer) {
		mutex_lock(&nl_lock);
		sa->nl_pid = n->bound ? n->portid : 0;
		sa->nl_groups = n->groups;
		mutex_unlock(&nl_lock);
	}
	return sizeof(*sa);
}

/* Answers every request in buf (len bytes) into r, as netlink_rcv_skb
 * walks them: a malformed header ends the walk; replies and control
 * messages are skipped; an error, or an NLM_F_ACK, is acknowledged. */
static void answer(struct nl_reply *r, const uint8_t *buf, size_t len)
{
	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)buf;
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
			return;
		int err = 0;
		if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE)
			err = rtnetlink_request(r, h);
		if (err || (h->nlmsg_flags & NLM_F_ACK))
			nl_error(r, h, err);
		size_t step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len)
			return;
		buf += step;
		len -= step;
	}
}

static ssize_t nl_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct nl_sock *n = nl_sk(s);
	if (m->name) {
		const struct sockaddr_nl *sa = (const void *)m->name;
		if (m->namelen < (int)sizeof(*sa) || sa->nl_family != AF_NETLINK)
			return -EINVAL;
		if (sa->nl_pid || sa->nl_groups)
			return -ECONNREFUSED;   /* no user sockets or groups to send to */
	}
	size_t len = m->data->resid;
	if (len > NL_REQUEST_MAX)
		return -EMSGSIZE;
	uint8_t *buf = kmalloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	if (uio_copy_in(m->data, buf, len) < len) {
		kfree(buf);
		return -EFAULT;
	}
	mutex_lock(&nl_lock);
	autobind_locked(n);
	uint32_t portid = n->portid;
	mutex_unlock(&nl_lock);
	struct nl_reply r;
	int err = nl_reply_init(&r, portid);
	if (!err) {
		answer(&r, buf, len);
		err = r.nomem ? -ENOBUFS : 0;
	}
	kfree(buf);
	if (!err) {
		mutex_lock(&nl_lock);
		while (!list_empty(&r.dgrams) && n->queued < NL_QUEUE_MAX) {
			struct nl_dgram *d = list_first_entry(&r.dgrams, struct nl_dgram, link);
			list_del(&d->link);
			list_add_tail(&d->link, &n->queue);
			WRITE_ONCE(n->queued, n->queued + d->len);
		}
		if (!list_empty(&r.dgrams))
			err = -ENOBUFS;
		mutex_unlock(&nl_lock);
		sock_wake(s);
	}
	nl_reply_free(&r);
	return err ? err : (ssize_t)len;
}

static ssize_t nl_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct nl_sock *n = nl_sk(s);
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, false);
	struct nl_dgram *d = NULL, *peeked = NULL;
	for (;;) {
		int err = sock_wait_event(s, READ_ONCE(n->queued) > 0, deadline);
		if (err)
			return err;
		if (flags & MSG_PEEK) {
			peeked = kmalloc(sizeof(*peeked));
			if (!peeked)
				return -ENOMEM;
		}
		mutex_lock(&nl_lock);
		if (!list_empty(&n->queue)) {
			d = list_first_entry(&n->queue, struct nl_dgram, link);
			if (peeked) {
				memcpy(peeked, d, sizeof(*d));
				d = peeked;
			} else {
				list_del(&d->link);
				WRITE_ONCE(n->queued, n->queued - d->len);
			}
		}
		mutex_unlock(&nl_lock);
		if (d)
			break;
		kfree(peeked);
		peeked = NULL;
	}
	size_t room = m->data->resid, len = d->len, copy = len < room ? len : room;
	size_t copied = uio_copy_out(m->data, d->data, copy);
	kfree(d);
	if (copied < copy)
		return -EFAULT;
	if (m->name) {
		struct sockaddr_nl *sa = (void *)m->name;
		memset(sa, 0, sizeof(*sa));
		sa->nl_family = AF_NETLINK;     /* from the kernel: nl_pid 0 */
		m->namelen = sizeof(*sa);
	}
	if (copy < len)
		m->flags |= MSG_TRUNC;
	return flags & MSG_TRUNC ? (ssize_t)len : (ssize_t)copy;
}

static unsigned nl_poll(struct socket *s, struct poll_table *pt)
{
	poll_wait(&s->wait, pt);
	return POLLOUT | POLLWRNORM | (READ_ONCE(nl_sk(s)->queued) ? POLLIN | POLLRDNORM : 0);
}

/* SOL_NETLINK options (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK...) that
 * iproute2 sets: accepted, and they change nothing here. */
static int nl_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	return level == SOL_NETLINK ? 0 : -ENOPROTOOPT;
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = nl_sk(s);
	mutex_lock(&nl_lock);
	list_del(&n->link);
	while (!list_empty(&n->queue)) {
		struct nl_dgram *d = list_first_entry(&n->queue, struct nl_dgram, link);
		list_del(&d->link);
		kfree(d);
	}
	mutex_unlock(&nl_lock);
	s->sk = NULL;
	kfree(n);
}

static const struct proto_ops netlink_ops = {
	.family = AF_NETLINK,
	.release = nl_release,
	.bind = nl_bind,
	.connect = nl_connect,
	.getname = nl_getname,
	.poll = nl_poll,
	.setsockopt = nl_setsockopt,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
};

static int netlink_create(struct socket *s, int protocol, bool kern)
{
	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	struct nl_sock *n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n, 0, sizeof(*n));
	n->sock = s;
	list_init(&n->queue);
	mutex_lock(&nl_lock);
	list_add_tail(&n->link, &nl_socks);
	mutex_unlock(&nl_lock);
	s->sk = n;
	s->ops = &netlink_ops;
	return 0;
}

static const struct net_family netlink_family = { .family = AF_NETLINK, .create = netlink_create };

void netlink_init(void)
{
	mutex_init(&nl_lock);
	list_init(&nl_socks);
	sock_register(&netlink_family);
}
