/* Building netlink messages into a reply's datagrams (netlink.h): a
 * header, a fixed part, attributes, each aligned as NLMSG_ALIGN and
 * NLA_ALIGN say; whole messages packed into datagrams of NL_DGRAM_MAX
 * bytes at most. Running out of memory or room marks the reply, and the
 * caller answers ENOBUFS, as Linux does when a message does not fit. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include "netlink.h"

int nl_reply_init(struct nl_reply *r, uint32_t portid)
{
	list_init(&r->dgrams);
	r->portid = portid;
	r->msg_len = 0;
	r->nomem = false;
	r->msg = kmalloc(NL_DGRAM_MAX);
	return r->msg ? 0 : -ENOMEM;
}

void nl_reply_free(struct nl_reply *r)
{
	while (!list_empty(&r->dgrams)) {
		struct nl_dgram *d = list_first_entry(&r->dgrams, struct nl_dgram, link);
		list_del(&d->link);
		kfree(d);
	}
	kfree(r->msg);
	r->msg = NULL;
}

/* len bytes (aligned) more in the message, zeroed; NULL if they do not fit. */
static void *room(struct nl_reply *r, size_t len)
{
	size_t aligned = NLMSG_ALIGN(len);
	if (r->nomem || r->msg_len + aligned > NL_DGRAM_MAX) {
		r->nomem = true;
		return NULL;
	}
	void *p = r->msg + r->msg_len;
	memset(p, 0, aligned);
	r->msg_len += aligned;
	return p;
}

void *nl_msg_begin(struct nl_reply *r, int type, int flags, uint32_t seq, size_t fixed_len)
{
	static uint8_t scratch[NL_DGRAM_MAX];   /* written to only when the reply failed */
	r->msg_len = 0;
	struct nlmsghdr *h = room(r, NLMSG_HDRLEN);
	void *fixed = room(r, fixed_len);
	if (!h || !fixed)
		return scratch;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = r->portid;
	return fixed;
}

void nl_attr(struct nl_reply *r, int type, const void *data, size_t len)
{
	struct nlattr *a = room(r, NLA_HDRLEN + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

void nl_attr_u8(struct nl_reply *r, int type, uint8_t v)   { nl_attr(r, type, &v, 1); }
void nl_attr_u32(struct nl_reply *r, int type, uint32_t v) { nl_attr(r, type, &v, 4); }
void nl_attr_str(struct nl_reply *r, int type, const char *s) { nl_attr(r, type, s, strlen(s) + 1); }

void nl_msg_end(struct nl_reply *r)
{
	if (r->nomem)
		return;
	((struct nlmsghdr *)r->msg)->nlmsg_len = r->msg_len;
	struct nl_dgram *last = list_empty(&r->dgrams) ? NULL
		: list_entry(r->dgrams.prev, struct nl_dgram, link);
	if (!last || last->len + r->msg_len > NL_DGRAM_MAX) {
		last = kmalloc(sizeof(*last));
		if (!last) {
			r->nomem = true;
			return;
		}
		last->len = 0;
		list_add_tail(&last->link, &r->dgrams);
	}
	memcpy(last->data + last->len, r->msg, r->msg_len);
	last->len += r->msg_len;
	r->msg_len = 0;
}

void nl_done(struct nl_reply *r, uint32_t seq)
{
	int *status = nl_msg_begin(r, NLMSG_DONE, NLM_F_MULTI, seq, sizeof(int));
	*status = 0;
	nl_msg_end(r);
}

/* Linux's netlink_ack: an error echoes the whole request, an
 * acknowledgement only its header (NLM_F_CAPPED). */
void nl_error(struct nl_reply *r, const struct nlmsghdr *req, int err)
{
	size_t echo = err ? req->nlmsg_len - NLMSG_HDRLEN : 0;
	if (NLMSG_HDRLEN + sizeof(struct nlmsgerr) + echo > NL_DGRAM_MAX)
		echo = 0;
	struct nlmsgerr *e = nl_msg_begin(r, NLMSG_ERROR, echo || err ? 0 : NLM_F_CAPPED,
					  req->nlmsg_seq, sizeof(*e) + echo);
	e->error = err;
	e->msg = *req;
	memcpy((uint8_t *)(e + 1), (const uint8_t *)req + NLMSG_HDRLEN, echo);
	nl_msg_end(r);
}
