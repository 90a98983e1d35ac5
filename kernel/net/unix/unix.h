/* AF_UNIX's own shared declarations (the files of net/unix/).
 *
 * Every unix socket is a struct unix_sock, even a connection nobody has
 * accepted yet (an "embryo": no struct socket until accept). Messages are
 * unix_skbs queued on the *receiver*; each is charged to its sender
 * (wmem) until read, which is the flow control: a sender sleeps while
 * what it has in flight reaches its SO_SNDBUF.
 *
 * One mutex, unix_lock, guards every socket's state, peer, name, queues
 * and the name table; it is never held across a copy from or to user
 * memory: data is copied into a new skb before it is queued, and out of
 * an skb by the one reader that holds the socket's iolock (only readers
 * unlink skbs, so the skb stays put while it is copied). Sleepers test
 * their conditions without the lock, as pipes do, and look again under
 * it. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <linux/un.h>
#include <net/socket.h>

/* Bits of unix_sock.shutdown, as Linux's sk_shutdown. */
#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

enum unix_state { UNIX_UNCONNECTED, UNIX_LISTENING, UNIX_CONNECTED, UNIX_CLOSED };

/* A bound name: the sockaddr_un as given (len bytes, family included). */
struct unix_addr {
	int refcount;
	int len;
	struct sockaddr_un sun;
};

struct unix_skb {
	struct list_head link;
	size_t len, off;                /* data bytes; bytes already read (stream) */
	struct unix_sock *owner;        /* the sender, charged len bytes (referenced) */
	struct unix_addr *from;         /* the sender's name (datagrams), referenced, or NULL */
	struct ucred cred;              /* the sender's, for SCM_CREDENTIALS */
	struct file **fds;              /* SCM_RIGHTS: files in flight, referenced */
	int nfds;
	bool charged;                   /* counted in owner->wmem (queued once) */
	char data[];
};

struct unix_sock {
	int refcount;                   /* its socket, its peer, its skbs' owner fields, a listener's queue */
	int type;                       /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	struct socket *sock;            /* NULL for an embryo and after close */
	enum unix_state state;
	unsigned shutdown;              /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;                        /* ECONNRESET from a peer that closed unread */
	struct unix_sock *peer;         /* referenced */
	struct unix_addr *addr;         /* bound name, or NULL */
	struct inode *path_inode;       /* a path name's socket inode, referenced */
	struct list_head name_link;     /* in the bound sockets' table, if bound */
	struct list_head all_link;      /* in listing.c's list of sockets, until closed */
	bool connect_target;            /* a datagram socket another connected to (Linux calls it established) */
	struct list_head queue;         /* received unix_skbs */
	size_t queued;                  /* their unread bytes */
	int qlen;                       /* their number */
	size_t wmem;                    /* bytes of ours queued at receivers */
	struct ucred peercred;          /* SO_PEERCRED: the peer's at connect/listen */
	bool has_peercred;
	struct mutex iolock;            /* one reader at a time */
	/* Listening sockets. */
	struct list_head accept_q;      /* embryos (unix_sock.accept_link), oldest first */
	int accept_len, backlog;
	struct list_head accept_link;
	struct wait_queue peer_wait;    /* connectors waiting for room in accept_q */
	/* The garbage collector (gc.c), under unix_lock. */
	int inflight;                   /* skbs holding our file (SCM_RIGHTS) */
	struct list_head inflight_link; /* in gc.c's list while inflight > 0 */
	int gc_refs;                    /* a collection's: references from outside the candidates */
	bool gc_candidate, gc_reachable;
};

extern struct mutex unix_lock;

struct unix_sock *unix_sk(struct socket *s);
/* A new unix_sock for sock (NULL: an embryo), listed (listing.c). */
struct unix_sock *unix_sock_new(int type, struct socket *sock);
void unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);
/* Wakes u's socket's sleepers and pollers, if it still has a socket. */
void unix_wake(struct unix_sock *u);
/* Closes u (its file was released, or an embryo never accepted). */
void unix_release_sock(struct unix_sock *u);
/* The caller's credentials as a ucred (pid, euid, egid). */
struct ucred unix_current_cred(bool effective);

/* skbs (skb.c) */
struct unix_skb *unix_skb_alloc(struct unix_sock *owner, size_t len);
/* Frees an skb taken off its queue: uncharges the sender, drops files. */
void unix_skb_free(struct unix_skb *skb);
void unix_queue_skb(struct unix_sock *to, struct unix_skb *skb);
/* Takes the first skb off u's queue (under unix_lock). */
struct unix_skb *unix_dequeue(struct unix_sock *u);
/* Frees every skb on a list taken off a queue (without unix_lock). */
void unix_purge(struct list_head *list);
bool unix_wmem_ok(struct unix_sock *u);

/* SCM (scm.c): control messages in and out. */
int unix_scm_attach(struct unix_sock *u, struct kmsghdr *m, struct unix_skb *skb);
void unix_scm_deliver(struct unix_sock *u, struct kmsghdr *m, struct unix_skb *skb, bool peek);

/* The garbage collector (gc.c): an skb holds a file, or no longer does
 * (under unix_lock); unix_gc frees the unix sockets only in flight that
 * nobody can reach (after a unix socket closes; without unix_lock). */
void unix_inflight_add(struct file *f);
void unix_inflight_del(struct file *f);
void unix_gc(void);

/* Every socket, for /proc/net/unix (listing.c): from its creation to
 * its close. unix_listed takes unix_lock; unix_unlisted is under it. */
void unix_listed(struct unix_sock *u);
void unix_unlisted(struct unix_sock *u);

/* names (names.c) */
int unix_bind(struct socket *s, const struct sockaddr_storage *addr, int len);
int unix_autobind(struct unix_sock *u);
/* The socket bound to addr, referenced, or an errno. */
struct unix_sock *unix_find(const struct sockaddr_storage *addr, int len, int type, int *err);
void unix_unbind_locked(struct unix_sock *u);
int unix_getname(struct socket *s, struct sockaddr_storage *addr, bool peer);
int unix_check_addr(const struct sockaddr_storage *addr, int len);

/* the operations of each type */
extern const struct proto_ops unix_stream_ops, unix_dgram_ops, unix_seqpacket_ops;
int unix_socketpair(struct socket *a, struct socket *b);
int unix_shutdown(struct socket *s, int how);
long unix_ioctl(struct socket *s, unsigned cmd, uint64_t arg);
void unix_release(struct socket *s);
int unix_listen(struct socket *s, int backlog);
int unix_accept(struct socket *s, struct socket *ns, bool nonblock);
int unix_stream_connect(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock);
int unix_getsockopt(struct socket *s, int level, int name, void *val, int *len);
ssize_t unix_stream_sendmsg(struct socket *s, struct kmsghdr *m, int flags);
ssize_t unix_stream_recvmsg(struct socket *s, struct kmsghdr *m, int flags);
unsigned unix_poll(struct socket *s, struct poll_table *pt);

/* Moves every entry of from to the empty list to (from is left empty). */
static inline void unix_list_move(struct list_head *from, struct list_head *to)
{
	if (list_empty(from))
		return;
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	list_init(from);
}

/* Datagrams a receiver queues before senders wait (net.unix.max_dgram_qlen). */
#define UNIX_DGRAM_QLEN 512
