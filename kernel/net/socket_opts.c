/* The options every socket has (level SOL_SOCKET), stored and reported as
 * Linux's sock_setsockopt/sock_getsockopt do. The family is asked first
 * (its own SOL_SOCKET options, SO_PEERCRED, and every other level: a
 * family without the operation answers EOPNOTSUPP there, as Linux). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/time_types.h>
#include <x86/uaccess.h>
#include <net/socket.h>
#include "socket_internal.h"

/* Linux's net.core.{w,r}mem_default and _max (212992), and its floor for
 * a buffer set too small (SOCK_MIN_SNDBUF/RCVBUF on x86_64). */
#define SOCK_BUF_DEFAULT 212992
#define SOCK_BUF_MAX     212992
#define SOCK_MIN_RCVBUF  2304
#define SOCK_MIN_SNDBUF  4608

struct linger_opt {
	int l_onoff;
	int l_linger;
};

void sock_options_init(struct socket *s)
{
	s->opt.rcvbuf = SOCK_BUF_DEFAULT;
	s->opt.sndbuf = SOCK_BUF_DEFAULT;
	s->opt.rcvlowat = 1;
}

static int timeo_set(uint64_t *ns, const void *val, int len)
{
	struct __kernel_old_timeval tv;
	if (len < (int)sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*ns = 0;
		return 0;
	}
	*ns = (uint64_t)tv.tv_sec * 1000000000 + (uint64_t)tv.tv_usec * 1000;
	return 0;
}

static int timeo_get(uint64_t ns, void *val)
{
	struct __kernel_old_timeval tv = { .tv_sec = ns / 1000000000, .tv_usec = ns % 1000000000 / 1000 };
	memcpy(val, &tv, sizeof(tv));
	return sizeof(tv);
}

static int buf_size(int val, int floor)
{
	unsigned v = (unsigned)val < SOCK_BUF_MAX ? (unsigned)val : SOCK_BUF_MAX;
	return (int)(v * 2) > floor ? (int)(v * 2) : floor;
}

/* Level SOL_SOCKET, val in the kernel. -ENOPROTOOPT: not the layer's. */
static int sol_socket_set(struct socket *s, int name, const void *val, int len)
{
	struct sock_options *o = &s->opt;
	int v = 0;
	if (name != SO_RCVTIMEO && name != SO_SNDTIMEO && name != SO_LINGER) {
		if (len < (int)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
	}
	switch (name) {
	case SO_REUSEADDR: o->reuseaddr = v; return 0;
	case SO_REUSEPORT: o->reuseport = v; return 0;
	case SO_KEEPALIVE: o->keepalive = v; return 0;
	case SO_BROADCAST: o->broadcast = v; return 0;
	case SO_OOBINLINE: o->oobinline = v; return 0;
	case SO_PASSCRED: o->passcred = v; return 0;
	case SO_TIMESTAMP_OLD: o->timestamp = v; o->timestampns = false; return 0;
	case SO_TIMESTAMPNS_OLD: o->timestamp = o->timestampns = v; return 0;
	case SO_PRIORITY: o->priority = v; return 0;
	case SO_MARK: o->mark = v; return 0;
	case SO_RCVLOWAT: o->rcvlowat = v > 0 ? v : 1; return 0;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE: o->sndbuf = buf_size(v, SOCK_MIN_SNDBUF); return 0;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE: o->rcvbuf = buf_size(v, SOCK_MIN_RCVBUF); return 0;
	case SO_RCVTIMEO: return timeo_set(&o->rcvtimeo_ns, val, len);
	case SO_SNDTIMEO: return timeo_set(&o->sndtimeo_ns, val, len);
	case SO_LINGER: {
		struct linger_opt l;
		if (len < (int)sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		o->linger_onoff = !!l.l_onoff;
		o->linger_secs = l.l_linger;
		return 0;
	}
	}
	return -ENOPROTOOPT;
}

/* Writes the option into val (room for 64 bytes); returns its length. */
static int sol_socket_get(struct socket *s, int name, void *val)
{
	struct sock_options *o = &s->opt;
	int v;
	switch (name) {
	case SO_TYPE: v = s->type; break;
	case SO_DOMAIN: v = s->family; break;
	case SO_PROTOCOL: v = s->protocol; break;
	case SO_ACCEPTCONN: v = READ_ONCE(s->listening); break;
	case SO_ERROR: v = -__atomic_exchange_n(&s->error, 0, __ATOMIC_ACQ_REL); break;
	case SO_REUSEADDR: v = o->reuseaddr; break;
	case SO_REUSEPORT: v = o->reuseport; break;
	case SO_KEEPALIVE: v = o->keepalive; break;
	case SO_BROADCAST: v = o->broadcast; break;
	case SO_OOBINLINE: v = o->oobinline; break;
	case SO_PASSCRED: v = o->passcred; break;
	case SO_TIMESTAMP_OLD: v = o->timestamp && !o->timestampns; break;
	case SO_TIMESTAMPNS_OLD: v = o->timestampns; break;
	case SO_PRIORITY: v = o->priority; break;
	case SO_MARK: v = o->mark; break;
	case SO_RCVLOWAT: v = o->rcvlowat; break;
	case SO_SNDBUF: v = o->sndbuf; break;
	case SO_RCVBUF: v = o->rcvbuf; break;
	case SO_RCVTIMEO: return timeo_get(o->rcvtimeo_ns, val);
	case SO_SNDTIMEO: return timeo_get(o->sndtimeo_ns, val);
	case SO_LINGER: {
		struct linger_opt l = { o->linger_onoff, o->linger_secs };
		memcpy(val, &l, sizeof(l));
		return sizeof(l);
	}
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

#define OPT_MAX 256             /* the largest option value handled */

long sock_setsockopt(struct socket *s, int level, int name, const void *uval, int len)
{
	if (len < 0)
		return -EINVAL;
	char val[OPT_MAX] = {0};
	int n = len < OPT_MAX ? len : OPT_MAX;
	if (n && copy_from_user(val, uval, n))
		return -EFAULT;
	int err = level == SOL_SOCKET ? -ENOPROTOOPT : -EOPNOTSUPP;
	if (s->ops->setsockopt)
		err = s->ops->setsockopt(s, level, name, val, n);
	if (err == -ENOPROTOOPT && level == SOL_SOCKET) {
		uint64_t flags = spin_lock_irqsave(&s->opt_lock);
		err = sol_socket_set(s, name, val, n);
		spin_unlock_irqrestore(&s->opt_lock, flags);
		if (!err)
			sock_wake(s);   /* a new timeout or buffer size for the sleepers */
	}
	return err;
}

long sock_getsockopt(struct socket *s, int level, int name, void *uval, int *ulen)
{
	int len;
	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	char val[OPT_MAX] = {0};
	int got = OPT_MAX;
	int err = level == SOL_SOCKET ? -ENOPROTOOPT : -EOPNOTSUPP;
	if (s->ops->getsockopt) {
		err = s->ops->getsockopt(s, level, name, val, &got);
		if (!err)
			err = got;
	}
	if (err == -ENOPROTOOPT && level == SOL_SOCKET) {
		uint64_t flags = spin_lock_irqsave(&s->opt_lock);
		err = sol_socket_get(s, name, val);
		spin_unlock_irqrestore(&s->opt_lock, flags);
	}
	if (err < 0)
		return err;
	if (len > err)
		len = err;
	if (copy_to_user(uval, val, len) || copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}
