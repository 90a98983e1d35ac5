/* AF_INET and AF_INET6 over lwIP: the state one socket keeps (private to
 * kernel/net/inet/).
 *
 * Everything here, like everything in lwIP, is read and changed with the
 * lwIP lock held (net/lwip_port.h), except the fields marked "poll": those
 * the poll operation and the sleepers' conditions read without it (plain
 * loads of ints and pointers, tested again under the lock afterwards).
 *
 * lwIP's raw API calls us back (tcp_glue.c, udp_ops.c, raw.c) with the lock held:
 * data arrived, data was acknowledged, the connection is established, an
 * error killed the pcb. Each callback updates this state and wakes the
 * socket's wait queue, on which readers, writers, connect, accept,
 * poll and epoll wait. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <net/socket.h>
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/raw.h"
#include "lwip/ip_addr.h"

struct inet_sock {
	struct socket *sock;            /* NULL while a connection waits in an accept queue */
	int family;                     /* AF_INET or AF_INET6: how addresses are shown */
	int type;                       /* SOCK_STREAM, SOCK_DGRAM or SOCK_RAW */
	union {
		struct tcp_pcb *tcp;    /* NULL until bind/connect/listen, and after an error */
		struct udp_pcb *udp;
		struct raw_pcb *raw;    /* raw and ping sockets: from socket() on */
	};
	bool v6only;                    /* IPV6_V6ONLY (AF_INET6 only) */
	bool nodelay;                   /* TCP_NODELAY */
	int tos;                        /* IP_TOS, stored */
	int keepidle, keepintvl, keepcnt;
	/* What bind chose, which a disconnect (connect to AF_UNSPEC, a failed
	 * connect) keeps, as Linux's SOCK_BINDADDR_LOCK and SOCK_BINDPORT_LOCK:
	 * the rest goes back to the wildcard and no port. */
	bool addr_bound, port_bound;
	ip_addr_t bound_ip;
	u16_t bound_port;

	/* TCP */
	bool listening;
	int backlog;
	bool connecting;                /* poll: a connect is under way */
	bool connected;                 /* poll: established (at some point) */
	bool connect_reported;          /* a non-blocking connect's result was taken */
	bool rx_eof;                    /* poll: the peer sent FIN */
	bool shut_rd, shut_wr;          /* poll: shutdown() of each direction */
	bool reset;                     /* poll: the pcb died (RST, abort) */
	int err;                        /* pending error (negative errno) for a socket not yet accepted */
	struct pbuf *rx;                /* received data not yet read (a chain) */
	size_t rx_len;                  /* poll: its bytes */
	size_t snd_space;               /* poll: tcp_sndbuf when last looked at */
	struct list_head accept_queue;  /* listener: struct inet_sock of connections to accept */
	size_t accept_len;              /* poll: their number */
	struct list_head accept_link;   /* in the listener's queue */
	struct inet_sock *listener;     /* while in a queue */

	/* UDP, raw and ping sockets */
	struct list_head dgrams;        /* struct inet_dgram, oldest first */
	size_t dgram_count;             /* poll */
	size_t dgram_bytes;
	bool udp_connected;

	/* Raw sockets (SOCK_RAW) and ping sockets (SOCK_DGRAM of ICMP or
	 * ICMPv6): raw.c, raw_opts.c, ping.c */
	bool ping;                      /* a ping socket */
	struct list_head raw_link;      /* in inet_raw_socks */
	bool raw_connected;
	u16_t ping_id;                  /* ping: the echo identifier (its "port"), 0 until bound */
	u32_t icmp_filter[8];           /* ICMP_FILTER (word 0) or ICMP6_FILTER: a set bit blocks the type */
	bool recv_ttl;                  /* IP_RECVTTL */
	bool recv_hoplimit;             /* IPV6_RECVHOPLIMIT */
	bool recv_hoplimit_2292;        /* IPV6_2292HOPLIMIT */
	bool recv_err;                  /* IP_RECVERR, IPV6_RECVERR: stored (no error queue) */
};

/* A received datagram with its sender. */
struct inet_dgram {
	struct list_head link;
	struct pbuf *p;
	ip_addr_t from;
	u16_t port;
	u8_t ttl;                       /* raw and ping: the packet's TTL or hop limit */
	uint64_t stamp_ns;              /* its arrival (CLOCK_REALTIME), for SO_TIMESTAMP */
};

/* The most a datagram queue holds (Linux's default SO_RCVBUF, 212992). */
#define INET_UDP_RCVBUF 212992
/* The most one send copies in before handing it to lwIP. */
#define INET_CHUNK 65536

static inline struct inet_sock *inet_sk(struct socket *s)
{
	return s->sk;
}

/* inet.c */
struct inet_sock *inet_sock_alloc(int family, int type);
void inet_wake(struct inet_sock *isk);
int inet_lwip_err(err_t err);
u8_t inet_pcb_type(struct inet_sock *isk, const ip_addr_t *addr);
int inet_setsockopt(struct socket *s, int level, int name, const void *val, int len);
int inet_getsockopt(struct socket *s, int level, int name, void *val, int *len);
long inet_ioctl(struct socket *s, unsigned cmd, uint64_t arg);

/* inet_addr.c: between sockaddr_in/sockaddr_in6 and lwIP's ip_addr_t. */
int inet_addr_from_sockaddr(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
			    ip_addr_t *ip, u16_t *port);
int inet_addr_from_sockaddr_or_v4(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
				  ip_addr_t *ip, u16_t *port);
int inet_addr_to_sockaddr(int family, const ip_addr_t *ip, u16_t port, struct sockaddr_storage *sa);
/* The wildcard address a socket of this family and IPV6_V6ONLY binds to. */
void inet_any_addr(struct inet_sock *isk, ip_addr_t *ip);

/* tcp_ops.c, tcp_glue.c */
extern const struct proto_ops inet_tcp_ops;
void inet_tcp_attach(struct inet_sock *isk, struct tcp_pcb *pcb);
void inet_tcp_attach_listener(struct inet_sock *isk, struct tcp_pcb *lpcb);
err_t inet_tcp_start_connect(struct tcp_pcb *pcb, const ip_addr_t *ip, u16_t port);
/* tcp_conn.c, tcp_io.c */
int inet_tcp_bind_any(struct inet_sock *isk, const ip_addr_t *ip, u16_t port);
ssize_t inet_tcp_sendmsg(struct socket *s, struct kmsghdr *m, int flags);
ssize_t inet_tcp_recvmsg(struct socket *s, struct kmsghdr *m, int flags);
unsigned inet_tcp_poll(struct socket *s, struct poll_table *pt);
/* inet_addr.c: may a socket bind to ip (a wildcard, or an interface's)? */
bool inet_addr_is_local(const ip_addr_t *ip);
/* inet_addr.c: the address a socket without a pcb has (bind's, or the wildcard). */
void inet_unbound_addr(struct inet_sock *isk, ip_addr_t *ip);
/* inet_addr.c: bind remembers what it chose (addr_bound, port_bound). */
void inet_note_bind(struct inet_sock *isk, const ip_addr_t *ip, u16_t port);
/* inet_addr.c: the source address lwIP would use towards peer (NULL: no route). */
const ip_addr_t *inet_source_addr(const ip_addr_t *peer);
/* connect's address of family AF_UNSPEC (len is long enough): a disconnect. */
bool inet_addr_is_unspec(const struct sockaddr_storage *sa, int len);
void inet_tcp_detach(struct inet_sock *isk);
err_t inet_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
void inet_tcp_release(struct socket *s);

/* udp_ops.c */
extern const struct proto_ops inet_udp_ops;
/* udp_ops.c: what every datagram socket (UDP, raw, ping) shares. recvmsg
 * calls control (if not NULL) with the lock held for the datagram taken,
 * to add its control messages. */
size_t inet_dgram_cost(const struct pbuf *p);
ssize_t inet_dgram_recvmsg(struct socket *s, struct kmsghdr *m, int flags,
			   void (*control)(struct inet_sock *isk, const struct inet_dgram *d, struct kmsghdr *m));
unsigned inet_dgram_poll(struct socket *s, struct poll_table *pt);
void inet_dgram_drain(struct inet_sock *isk);

/* raw.c: raw sockets (protocol: IPPROTO_ICMP...) and, with ping, ping
 * sockets; every one of them is on inet_raw_socks (lwIP keeps its raw
 * pcbs' list to itself). */
extern struct list_head inet_raw_socks;
int inet_raw_create(struct socket *s, int protocol, bool ping);
u8_t inet_raw_recv_cb(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *from);
/* raw_opts.c */
int inet_raw_setsockopt(struct socket *s, int level, int name, const void *val, int len);
int inet_raw_getsockopt(struct socket *s, int level, int name, void *val, int *len);
/* ping.c */
int inet_ping_check(struct inet_sock *isk, const u8_t *msg, size_t len);
int inet_ping_bind(struct inet_sock *isk, u16_t id);
void inet_ping_stamp(struct inet_sock *isk, u8_t *msg, size_t len);
bool inet_ping_wants(struct inet_sock *isk, struct pbuf *p, u16_t hlen);

/* The callbacks that mark a pcb as a socket's (net/netinfo.c tells them
 * from lwIP's own pcbs, DHCP's, by these). */
err_t inet_tcp_accept(void *arg, struct tcp_pcb *newpcb, err_t err);
void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port);
