/* AF_UNIX names: not yet bound anywhere (the next step). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include "unix.h"

int unix_bind(struct socket *s, const struct sockaddr_storage *addr, int len)
{
	return -EOPNOTSUPP;
}

void unix_unbind_locked(struct unix_sock *u)
{
}

int unix_getname(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	memset(addr, 0, sizeof(*addr));
	addr->ss_family = AF_UNIX;
	return sizeof(sa_family_t);
}

int unix_listen(struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

int unix_accept(struct socket *s, struct socket *ns, bool nonblock)
{
	return -EOPNOTSUPP;
}

int unix_stream_connect(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	return -EOPNOTSUPP;
}
