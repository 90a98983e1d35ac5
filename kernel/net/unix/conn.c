/* AF_UNIX connections (stream and seqpacket): listen, connect and accept.
 *
 * connect does not wait for accept: it makes the server's end at once (an
 * embryo: a unix_sock with no socket yet), connects itself to it, and
 * queues it on the listener's accept queue; data sent meanwhile waits in
 * the embryo. accept takes the oldest embryo and gives it a socket. Only
 * when the queue is longer than listen's backlog does connect wait (or
 * fail with EAGAIN when non-blocking), as Linux's unix_stream_connect. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/wait.h>
#include <kernel/compiler.h>
#include "unix.h"

int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = unix_sk(s);
	int err = 0;
	mutex_lock(&unix_lock);
	if (!u->addr)
		err = -EINVAL;          /* not bound */
	else if (u->state != UNIX_UNCONNECTED && u->state != UNIX_LISTENING)
		err = -EINVAL;
	else {
		// LAB 8 BEGIN(exercise 4): listen: the socket's backlog, its state, and the credentials its clients see
		u->backlog = backlog;
		u->state = UNIX_LISTENING;
		u->peercred = unix_current_cred(true);
		u->has_peercred = true;
		// LAB 8 STUB: err = -EOPNOTSUPP;
		// LAB 8 END
	}
	mutex_unlock(&unix_lock);
	if (!err)
		unix_wake(u);           /* connectors may go on now */
	return err;
}

/* Does the listener's accept queue have room (or is it gone)? */
static __maybe_unused bool backlog_room(struct unix_sock *other)
{
	return READ_ONCE(other->accept_len) <= READ_ONCE(other->backlog) ||
	       READ_ONCE(other->state) != UNIX_LISTENING;
}

/* Under unix_lock: why u cannot connect now, or 0. */
static int connect_state_error(struct unix_sock *u)
{
	if (u->state == UNIX_CONNECTED)
		return -EISCONN;
	if (u->state == UNIX_LISTENING || u->state == UNIX_CLOSED)
		return -EINVAL;
	return 0;
}

int unix_stream_connect(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	struct unix_sock *u = unix_sk(s);
	int err = unix_check_addr(addr, len);
	if (err)
		return err;
	if (READ_ONCE(s->opt.passcred) && (err = unix_autobind(u)))
		return err;
	struct unix_sock *other = unix_find(addr, len, u->type, &err);
	if (!other)
		return err;
	struct unix_sock *embryo = unix_sock_new(u->type, NULL);
	if (!embryo) {
		unix_put(other);
		return -ENOMEM;
	}
	/* How long to wait for room in the backlog (SO_SNDTIMEO, as Linux). */
	uint64_t deadline __maybe_unused = sock_deadline(s, 0, nonblock ? O_NONBLOCK : 0, true);
	mutex_lock(&unix_lock);
	for (;;) {
		if ((err = connect_state_error(u)))
			break;
		if (other->state != UNIX_LISTENING) {
			err = -ECONNREFUSED;
			break;
		}
		// LAB 8 BEGIN(exercise 4): connect: wait for room in the listener's backlog, then queue the new connection's server end (embryo) connected to us
		if (!backlog_room(other)) {
			mutex_unlock(&unix_lock);
			long w = deadline == 0 ? -EAGAIN
				: wait_event_interruptible(&other->peer_wait, backlog_room(other), deadline);
			mutex_lock(&unix_lock);
			err = w == -ETIMEDOUT ? -EAGAIN : w == -ERESTARTSYS && deadline != WAIT_FOREVER ? -EINTR : (int)w;
			if (err)
				break;
			continue;       /* look at everything again */
		}
		unix_get(u);
		unix_get(embryo);
		embryo->peer = u;
		u->peer = embryo;
		embryo->state = u->state = UNIX_CONNECTED;
		embryo->peercred = unix_current_cred(true);
		embryo->has_peercred = true;
		u->peercred = other->peercred;
		u->has_peercred = true;
		if (other->addr) {
			embryo->addr = other->addr;     /* the accepted socket's own name */
			__atomic_add_fetch(&other->addr->refcount, 1, __ATOMIC_RELAXED);
		}
		list_add_tail(&embryo->accept_link, &other->accept_q);
		other->accept_len++;
		embryo = NULL;          /* the accept queue's now */
		unix_wake(other);
		// LAB 8 STUB: err = -ECONNREFUSED;
		// LAB 8 END
		break;
	}
	mutex_unlock(&unix_lock);
	if (embryo)
		unix_release_sock(embryo);      /* never queued: closed unseen */
	unix_put(other);
	return err;
}

static bool acceptable(struct unix_sock *u)
{
	return READ_ONCE(u->accept_len) || READ_ONCE(u->state) != UNIX_LISTENING;
}

int unix_accept(struct socket *s, struct socket *ns, bool nonblock)
{
	struct unix_sock *u = unix_sk(s);
	uint64_t deadline = sock_deadline(s, 0, nonblock ? O_NONBLOCK : 0, false);
	for (;;) {
		mutex_lock(&unix_lock);
		if (u->state != UNIX_LISTENING) {
			mutex_unlock(&unix_lock);
			return -EINVAL;
		}
		// LAB 8 BEGIN(exercise 4): accept: take the oldest queued connection and give it the new socket
		if (u->accept_len) {
			struct unix_sock *e = list_first_entry(&u->accept_q, struct unix_sock, accept_link);
			list_del(&e->accept_link);
			u->accept_len--;
			e->sock = ns;
			ns->sk = e;     /* the queue's reference is the socket's now */
			wake_up_all(&u->peer_wait);
			mutex_unlock(&unix_lock);
			return 0;
		}
		// LAB 8 STUB: (void)ns;
		// LAB 8 END
		mutex_unlock(&unix_lock);
		long err = sock_wait_event(s, acceptable(u), deadline);
		if (err)
			return err;
	}
}
