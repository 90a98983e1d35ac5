/* The socket ABI that Linux keeps out of its UAPI headers: address
 * families, socket types, MSG_* flags, the user's msghdr and cmsghdr,
 * struct ucred and struct mmsghdr. The values are Linux's own, from its
 * include/linux/socket.h and include/linux/net.h (the same numbers glibc's
 * bits/socket.h repeats); the SO_* options, SOL_SOCKET and the sockaddr
 * structs do come from UAPI (asm/socket.h, linux/socket.h, linux/un.h). */
#pragma once
#include <kernel/types.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <asm/socket.h>
#include <linux/fcntl.h>

/* Linux's own kernel names for the UAPI storage type. */
#define sockaddr_storage __kernel_sockaddr_storage
typedef unsigned short sa_family_t;
struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

#define AF_UNSPEC       0
#define AF_UNIX         1
#define AF_INET         2
#define AF_INET6        10
#define AF_NETLINK      16
#define AF_MAX          46

#define SOCK_STREAM     1
#define SOCK_DGRAM      2
#define SOCK_RAW        3
#define SOCK_SEQPACKET  5
#define SOCK_TYPE_MASK  0xf
#define SOCK_CLOEXEC    O_CLOEXEC
#define SOCK_NONBLOCK   O_NONBLOCK

#define MSG_OOB         0x1
#define MSG_PEEK        0x2
#define MSG_DONTROUTE   0x4
#define MSG_CTRUNC      0x8
#define MSG_TRUNC       0x20
#define MSG_DONTWAIT    0x40
#define MSG_EOR         0x80
#define MSG_WAITALL     0x100
#define MSG_NOSIGNAL    0x4000
#define MSG_MORE        0x8000
#define MSG_WAITFORONE  0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD         0
#define SHUT_WR         1
#define SHUT_RDWR       2

#define SCM_RIGHTS      0x01
#define SCM_CREDENTIALS 0x02
#define SCM_MAX_FD      253         /* fds in one SCM_RIGHTS message */

#define SOMAXCONN       4096        /* /proc/sys/net/core/somaxconn's default */

typedef unsigned socklen_t;

struct user_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	unsigned msg_flags;
};

struct mmsghdr {
	struct user_msghdr msg_hdr;
	unsigned msg_len;
};

struct cmsghdr {
	size_t cmsg_len;            /* header included */
	int cmsg_level;
	int cmsg_type;
};

struct ucred {
	uint32_t pid;
	uint32_t uid;
	uint32_t gid;
};

#define CMSG_ALIGN(len) (((len) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_SPACE(len) (sizeof(struct cmsghdr) + CMSG_ALIGN(len))
#define CMSG_LEN(len)   (sizeof(struct cmsghdr) + (len))
