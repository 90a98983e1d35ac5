/* AF_UNIX control messages: SCM_RIGHTS (files in flight) and
 * SCM_CREDENTIALS (who sent it), attached by the sender and delivered
 * with the data. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <proc/cred.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include "unix.h"

/* SCM_RIGHTS from the sender: references to its files, by fd. */
static int attach_rights(struct unix_skb *skb, const int *fds, size_t len)
{
	int n = len / sizeof(int);
	if (n == 0 || skb->nfds + n > SCM_MAX_FD)
		return -EINVAL;
	struct file **all = kmalloc((skb->nfds + n) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (int i = 0; i < skb->nfds; i++)
		all[i] = skb->fds[i];
	for (int i = 0; i < n; i++) {
		struct file *f = fd_get(fds[i]);
		if (!f) {
			for (int j = skb->nfds; j < skb->nfds + i; j++)
				file_put(all[j]);
			kfree(all);
			return -EBADF;
		}
		all[skb->nfds + i] = f;
	}
	mutex_lock(&unix_lock);
	for (int i = skb->nfds; i < skb->nfds + n; i++)
		unix_inflight_add(all[i]);
	mutex_unlock(&unix_lock);
	kfree(skb->fds);
	skb->fds = all;
	skb->nfds += n;
	return 0;
}

/* SCM_CREDENTIALS from the sender: what it may claim (Linux's scm_check_creds). */
static int attach_creds(struct unix_skb *skb, const void *data, size_t len)
{
	struct ucred c;
	if (len != sizeof(c))
		return -EINVAL;
	memcpy(&c, data, sizeof(c));
	const struct cred *me = current_cred();
	if (c.pid != (uint32_t)current->tgid && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (c.uid != me->uid && c.uid != me->euid && c.uid != me->suid && !capable(CAP_SETUID))
		return -EPERM;
	if (c.gid != me->gid && c.gid != me->egid && c.gid != me->sgid && !capable(CAP_SETGID))
		return -EPERM;
	skb->cred = c;
	return 0;
}

int unix_scm_attach(struct unix_sock *u, struct kmsghdr *m, struct unix_skb *skb)
{
	const struct cmsghdr *c = NULL;
	const void *data;
	size_t len;
	int err;
	while (cmsg_next(m, &c, &data, &len, &err)) {
		if (c->cmsg_level != SOL_SOCKET)
			return -EINVAL;
		if (c->cmsg_type == SCM_RIGHTS)
			err = attach_rights(skb, data, len);
		else if (c->cmsg_type == SCM_CREDENTIALS)
			err = attach_creds(skb, data, len);
		else
			err = -EINVAL;
		if (err)
			return err;
	}
	return err;
}

/* Installs the files of skb as new fds of the receiver and puts their
 * numbers in an SCM_RIGHTS message: as many as fit (MSG_CTRUNC for the
 * rest, whose files are dropped with the skb), as Linux's scm_detach_fds.
 * Each new fd takes a reference of its own, so the skb drops its own when
 * freed and keeps them for a later read after MSG_PEEK. */
static void deliver_rights(struct kmsghdr *m, struct unix_skb *skb, bool peek)
{
	size_t room = m->controllen > m->control_used ? m->controllen - m->control_used : 0;
	int fit = room > sizeof(struct cmsghdr) ? (room - sizeof(struct cmsghdr)) / sizeof(int) : 0;
	int n = skb->nfds < fit ? skb->nfds : fit;
	int *fds = kmalloc((n ? n : 1) * sizeof(int));
	int got = 0;
	bool cloexec = m->file_flags & O_CLOEXEC;
	for (int i = 0; fds && i < n; i++) {
		file_get(skb->fds[i]);
		int fd = fd_install(skb->fds[i], cloexec, 0);
		if (fd < 0) {
			file_put(skb->fds[i]);
			break;
		}
		fds[got++] = fd;
	}
	if (got)
		put_cmsg(m, SOL_SOCKET, SCM_RIGHTS, fds, got * sizeof(int));
	if (got < skb->nfds)
		m->flags |= MSG_CTRUNC;
	kfree(fds);
}

void unix_scm_deliver(struct unix_sock *u, struct kmsghdr *m, struct unix_skb *skb, bool peek)
{
	struct socket *s = u->sock;
	if (s && READ_ONCE(s->opt.passcred))
		put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS, &skb->cred, sizeof(skb->cred));
	if (skb->nfds)
		deliver_rights(m, skb, peek);
}
