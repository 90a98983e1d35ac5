/* Moving addresses and control messages between user memory and the
 * kernel, and the deadline a blocking call may sleep until. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/uaccess.h>
#include <time/clock.h>
#include <linux/time_types.h>
#include <net/socket.h>

int sockaddr_from_user(struct sockaddr_storage *dst, const void *usrc, int len)
{
	if (len < 0 || (size_t)len > sizeof(*dst))
		return -EINVAL;
	memset(dst, 0, sizeof(*dst));
	if (len && copy_from_user(dst, usrc, len))
		return -EFAULT;
	return 0;
}

int sockaddr_to_user(const struct sockaddr_storage *addr, int len, void *uaddr, int *ulen)
{
	int room;
	if (copy_from_user(&room, ulen, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	int n = len < room ? len : room;
	if (n > 0 && copy_to_user(uaddr, addr, n))
		return -EFAULT;
	if (copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

bool put_cmsg(struct kmsghdr *m, int level, int type, const void *data, size_t len)
{
	size_t need = CMSG_LEN(len);
	size_t space = CMSG_SPACE(len);
	size_t room = m->controllen - m->control_used;
	if (!m->control || room < need) {
		m->flags |= MSG_CTRUNC;
		return false;
	}
	struct cmsghdr *c = (struct cmsghdr *)((char *)m->control + m->control_used);
	c->cmsg_len = need;
	c->cmsg_level = level;
	c->cmsg_type = type;
	memcpy(c + 1, data, len);
	m->control_used += space < room ? space : room;
	return true;
}

void sock_put_timestamp(struct socket *s, struct kmsghdr *m, uint64_t stamp_ns)
{
	if (READ_ONCE(s->opt.timestampns)) {
		struct __kernel_old_timespec ts = { stamp_ns / 1000000000, stamp_ns % 1000000000 };
		put_cmsg(m, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &ts, sizeof(ts));
	} else if (READ_ONCE(s->opt.timestamp)) {
		struct __kernel_old_timeval tv = { stamp_ns / 1000000000, stamp_ns % 1000000000 / 1000 };
		put_cmsg(m, SOL_SOCKET, SO_TIMESTAMP_OLD, &tv, sizeof(tv));
	}
}

bool cmsg_next(const struct kmsghdr *m, const struct cmsghdr **c, const void **data,
	       size_t *len, int *err)
{
	const char *base = m->control;
	size_t off = *c ? (const char *)*c - base + CMSG_ALIGN((*c)->cmsg_len) : 0;
	*err = 0;
	if (!base || off + sizeof(struct cmsghdr) > m->controllen)
		return false;
	const struct cmsghdr *h = (const struct cmsghdr *)(base + off);
	if (h->cmsg_len < sizeof(*h) || h->cmsg_len > m->controllen - off) {
		*err = -EINVAL;
		return false;
	}
	*c = h;
	*data = h + 1;
	*len = h->cmsg_len - sizeof(*h);
	return true;
}

uint64_t sock_deadline(struct socket *s, int msg_flags, unsigned file_flags, bool send)
{
	if ((msg_flags & MSG_DONTWAIT) || (file_flags & O_NONBLOCK))
		return 0;
	uint64_t timeo = send ? s->opt.sndtimeo_ns : s->opt.rcvtimeo_ns;
	return timeo ? clock_now_ns() + timeo : WAIT_FOREVER;
}
