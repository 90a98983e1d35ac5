/* AF_UNIX sockets (net/unix/): stream, datagram and seqpacket sockets
 * between processes of this machine, named by a path in the file tree or
 * an abstract name, passing file descriptors and credentials. */
#pragma once
#include <kernel/types.h>

struct inode;

/* Registers the family (net/families.c). */
void unix_init(void);

/* One socket of /proc/net/unix, as Linux's unix_seq_show gives it. */
struct unix_listing {
	unsigned refcount;              /* Linux's sk_refcnt for the same holders */
	unsigned flags;                 /* __SO_ACCEPTCON for a listener */
	int type;                       /* SOCK_STREAM... */
	int state;                      /* SS_UNCONNECTED, SS_CONNECTING... */
	uint64_t inode;                 /* the socket's inode; 0: an embryo, no socket yet */
	int name_len;                   /* bytes of name: 0 for an unnamed socket */
	char name[108];                 /* sun_path as bound (an abstract one starts with NUL) */
};

/* Snapshots every unix socket not yet closed: a kmalloc'd array (kfree
 * it) and its length in *count, or NULL (-ENOMEM in *count). */
struct unix_listing *unix_listing(int *count);
