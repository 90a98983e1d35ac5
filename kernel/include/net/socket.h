/* The socket layer (net/socket*.c): what every address family plugs into.
 *
 * A socket is a file: socket(2) makes an inode in "sockfs" (a filesystem
 * nobody mounts, as pipefs) and a struct file whose operations turn
 * read/write/poll/close into the family's send, receive, poll and
 * release. Around that the layer owns everything that is not the
 * family's business: finding a family by number, copying addresses and
 * messages between user memory and the kernel, the options every socket
 * has (SO_RCVTIMEO, SO_SNDBUF, SO_ERROR...), and the one way to sleep
 * (sock_wait_event: honours O_NONBLOCK/MSG_DONTWAIT, the timeouts, and
 * signals, with Linux's errnos).
 *
 * A family (AF_UNIX in net/unix/, AF_INET/AF_INET6 over lwIP) registers a
 * struct net_family whose create() fills in a new socket's ops and its
 * private state (sk). The family wakes sock->wait whenever something a
 * reader, writer or poller waits for may have changed.
 *
 *   user ─ syscalls (socket_syscalls.c) ─┐
 *   read/write/poll/close (socket_file.c)┴─ struct socket ─ proto_ops ─ family
 */
#pragma once
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/wait.h>
#include <kernel/spinlock.h>
#include <fs/file.h>
#include <net/socket_abi.h>

struct poll_table;
struct socket;

/* A message in kernel form, as families see it. The data is a uio over the
 * caller's buffers; the address and the control data are kernel copies. */
struct kmsghdr {
	struct sockaddr_storage *name;  /* send: the destination or NULL; recv: filled in */
	int namelen;                    /* send: its length; recv: set by the family (0: none) */
	struct uio *data;
	/* send: the user's control messages, copied in (NULL if none).
	 * recv: room for control messages the family adds with put_cmsg(). */
	void *control;
	size_t controllen;              /* send: bytes of control; recv: room */
	size_t control_used;            /* recv: bytes put there */
	unsigned flags;                 /* recv: MSG_TRUNC, MSG_CTRUNC... out */
	unsigned file_flags;            /* the file's O_NONBLOCK, O_CLOEXEC for MSG_CMSG_CLOEXEC */
};

/* What a family does. Each returns 0 (or a count) or a negative errno.
 * NULL entries answer EOPNOTSUPP (listen, accept on datagram sockets). */
struct proto_ops {
	int family;
	/* The socket's file is closed for good: drop sk. */
	void (*release)(struct socket *s);
	int (*bind)(struct socket *s, const struct sockaddr_storage *addr, int len);
	/* nonblock: the file's O_NONBLOCK (EINPROGRESS for TCP). */
	int (*connect)(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock);
	/* Connects two new sockets of this family to each other. */
	int (*socketpair)(struct socket *a, struct socket *b);
	int (*listen)(struct socket *s, int backlog);
	/* Takes a pending connection into newsock (made by the layer, same
	 * family and type, ops set, sk NULL). */
	int (*accept)(struct socket *s, struct socket *newsock, bool nonblock);
	/* The local (peer false) or remote address; returns its length. */
	int (*getname)(struct socket *s, struct sockaddr_storage *addr, bool peer);
	unsigned (*poll)(struct socket *s, struct poll_table *pt);
	long (*ioctl)(struct socket *s, unsigned cmd, uint64_t arg);
	int (*shutdown)(struct socket *s, int how);     /* SHUT_RD, SHUT_WR, SHUT_RDWR */
	/* Options at other levels than what the layer handles (val in the
	 * kernel); getsockopt sets *len. -ENOPROTOOPT when unknown. */
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, int len);
	int (*getsockopt)(struct socket *s, int level, int name, void *val, int *len);
	/* flags: MSG_*. A stream family raises SIGPIPE with its EPIPE
	 * (sock_sigpipe), as Linux's do; datagram families do not. */
	ssize_t (*sendmsg)(struct socket *s, struct kmsghdr *m, int flags);
	ssize_t (*recvmsg)(struct socket *s, struct kmsghdr *m, int flags);
};

/* The options every socket has, stored by the layer and read by families. */
struct sock_options {
	uint64_t rcvtimeo_ns, sndtimeo_ns;      /* 0: none (wait forever) */
	int rcvbuf, sndbuf;                     /* as Linux reports them: twice what was set */
	int rcvlowat;
	bool reuseaddr, reuseport, keepalive, passcred, broadcast, oobinline;
	bool timestamp, timestampns;            /* SO_TIMESTAMP, SO_TIMESTAMPNS (both set for NS) */
	int linger_onoff, linger_secs;
	int priority, mark;
};

struct socket {
	int family, type, protocol;
	const struct proto_ops *ops;
	void *sk;                       /* the family's own state */
	struct file *file;              /* not referenced: the file owns the socket */
	struct inode *inode;            /* its sockfs inode (st_ino, socket:[INO]) */
	/* Readers, writers, pollers and connect/accept wait here; the family
	 * wakes it on any change. */
	struct wait_queue wait;
	struct sock_options opt;        /* under opt_lock */
	struct spinlock opt_lock;
	int error;                      /* SO_ERROR: pending asynchronous error (atomic) */
	bool listening;                 /* SO_ACCEPTCONN */
};

/* --- families --------------------------------------------------------------- */

struct net_family {
	int family;                     /* AF_UNIX... */
	/* Fills in s->ops and s->sk for a new socket of s->type and
	 * s->protocol (0: the type's default): -ESOCKTNOSUPPORT,
	 * -EPROTONOSUPPORT, -EPROTOTYPE as Linux would. */
	int (*create)(struct socket *s, int protocol, bool kern);
};
/* At boot, before any socket (net_init calls each family's init). */
void sock_register(const struct net_family *fam);
/* Makes the sockfs superblock and registers the built-in families. */
void net_init(void);

/* --- sockets as files ----------------------------------------------------------- */

/* A new socket of family/type/protocol with its file (flags: O_NONBLOCK),
 * not installed in the fd table. */
int sock_create(int family, int type, int protocol, unsigned flags, struct socket **result);
/* Installs s's file as a new fd (O_CLOEXEC in flags), or drops it on failure. */
int sock_install(struct socket *s, unsigned flags);
/* The socket behind fd, with its file referenced (file_put(s->file)):
 * -EBADF, or -ENOTSOCK for a file that is not a socket. */
struct socket *sock_from_fd(int fd, int *err);
/* The socket of a file, or NULL if it is not one (SCM_RIGHTS, /proc). */
struct socket *sock_from_file(struct file *f);
/* Is the file's inode a socket inode of sockfs? */
bool file_is_socket(const struct file *f);

/* --- sleeping ------------------------------------------------------------------ */

/* The deadline a send or receive on s may sleep until: 0 (do not sleep)
 * for O_NONBLOCK or MSG_DONTWAIT, now + SO_SNDTIMEO/SO_RCVTIMEO, or
 * WAIT_FOREVER. */
uint64_t sock_deadline(struct socket *s, int msg_flags, unsigned file_flags, bool send);

/* Sleeps on s->wait until cond holds or the deadline passes. Returns 0
 * (cond holds), -EAGAIN (deadline 0 or passed: what Linux returns for
 * non-blocking calls and expired SO_*TIMEO), -ERESTARTSYS for a signal
 * when there is no timeout (the call restarts under SA_RESTART), -EINTR
 * for one with a timeout (Linux's sock_intr_errno). SIGKILL always ends
 * it. Callers test cond again under their lock afterwards. */
#define sock_wait_event(s, cond, deadline) ({                                   \
	uint64_t __dl = (deadline);                                             \
	long __r = __dl == 0 ? ((cond) ? 0 : -ETIMEDOUT)                        \
			     : wait_event_interruptible(&(s)->wait, cond, __dl);\
	__r == -ETIMEDOUT ? -EAGAIN                                             \
		: __r == -ERESTARTSYS && __dl != WAIT_FOREVER ? -EINTR : __r;   \
})

/* Takes s's pending asynchronous error (SO_ERROR's), or 0: Linux's
 * sock_error, which a datagram send or receive reports first. */
static inline int sock_take_error(struct socket *s)
{
	return READ_ONCE(s->error) ? __atomic_exchange_n(&s->error, 0, __ATOMIC_ACQ_REL) : 0;
}

/* Wakes every sleeper and poller of s (and, through the wait queue, epoll). */
void sock_wake(struct socket *s);

/* --- addresses and control messages ----------------------------------------------- */

/* Copies a user sockaddr of len bytes in: -EINVAL if len is negative or
 * larger than sockaddr_storage, -EFAULT. */
int sockaddr_from_user(struct sockaddr_storage *dst, const void *usrc, int len);
/* Writes addr (len bytes) to the user's buffer of *ulen bytes, truncated
 * to it, and the full length to *ulen, as Linux's move_addr_to_user. */
int sockaddr_to_user(const struct sockaddr_storage *addr, int len, void *uaddr, int *ulen);

/* recvmsg: appends a control message to m's control buffer. Sets
 * MSG_CTRUNC and returns false if it does not fit whole. */
bool put_cmsg(struct kmsghdr *m, int level, int type, const void *data, size_t len);
/* recvmsg: the arrival time (CLOCK_REALTIME, ns) of what is received, as
 * SCM_TIMESTAMP or SCM_TIMESTAMPNS if the socket asked for it. */
void sock_put_timestamp(struct socket *s, struct kmsghdr *m, uint64_t stamp_ns);
/* sendmsg: walks the control messages: for each, *c points at its header
 * and data/len at its payload. Returns false at the end; *err set to
 * -EINVAL for a malformed one. Start with *c = NULL. */
bool cmsg_next(const struct kmsghdr *m, const struct cmsghdr **c, const void **data,
	       size_t *len, int *err);

/* A stream's SIGPIPE for a send that failed with EPIPE, unless MSG_NOSIGNAL. */
void sock_sigpipe(int err, int msg_flags);
