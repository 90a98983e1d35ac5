/* Shared by the socket layer's own files in net/, not by families. */
#pragma once
#include <net/socket.h>

extern const struct file_operations socket_file_ops;
struct socket *sock_alloc(int family, int type, int protocol, unsigned flags);
void sock_release(struct socket *s);
void sock_options_init(struct socket *s);
/* The built-in families' registration (net/families.c). */
void net_families_init(void);
/* send and receive through the family, with the layer's checks. */
ssize_t sock_sendmsg(struct socket *s, struct kmsghdr *m, int flags);
ssize_t sock_recvmsg(struct socket *s, struct kmsghdr *m, int flags);
long sock_setsockopt(struct socket *s, int level, int name, const void *uval, int len);
long sock_getsockopt(struct socket *s, int level, int name, void *uval, int *ulen);
