/* AF_NETLINK (private to net/netlink/): the replies the kernel queues on a
 * socket, and the one protocol, NETLINK_ROUTE (rtnetlink.c).
 *
 * A request is answered at once, while sendmsg runs: the whole answer (a
 * dump of every link, address or route) is built as a list of datagrams
 * of at most NL_DGRAM_MAX bytes, each holding whole messages, which
 * recvmsg then hands out one per call, as Linux's dumps come. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <linux/netlink.h>

/* What Linux's dump skbs hold at most (NLMSG_GOODSIZE with 4 KiB pages):
 * glibc and busybox read with buffers of 8 KiB or more. */
#define NL_DGRAM_MAX 4096

struct nl_dgram {
	struct list_head link;
	size_t len;
	uint8_t data[NL_DGRAM_MAX];
};

/* An answer under construction: finished datagrams, and one message
 * being built in msg (at most NL_DGRAM_MAX bytes). */
struct nl_reply {
	struct list_head dgrams;
	uint32_t portid;                /* the asker's: every message's nlmsg_pid */
	uint8_t *msg;
	size_t msg_len;
	bool nomem;
};

int nl_reply_init(struct nl_reply *r, uint32_t portid);
/* Drops what was not handed over (the datagrams, the message buffer). */
void nl_reply_free(struct nl_reply *r);

/* Starts a message: its header and, after it, a zeroed fixed part of
 * fixed_len bytes (ifinfomsg...), returned. */
void *nl_msg_begin(struct nl_reply *r, int type, int flags, uint32_t seq, size_t fixed_len);
/* Appends an attribute. */
void nl_attr(struct nl_reply *r, int type, const void *data, size_t len);
void nl_attr_u8(struct nl_reply *r, int type, uint8_t v);
void nl_attr_u32(struct nl_reply *r, int type, uint32_t v);
void nl_attr_str(struct nl_reply *r, int type, const char *s);
/* Ends the message (sets its length) and packs it into the datagrams. */
void nl_msg_end(struct nl_reply *r);

/* NLMSG_DONE after a dump; NLMSG_ERROR with err (0: an acknowledgement)
 * about request req. */
void nl_done(struct nl_reply *r, uint32_t seq);
void nl_error(struct nl_reply *r, const struct nlmsghdr *req, int err);

/* rtnetlink.c: answers one request message (its header checked: whole,
 * NLM_F_REQUEST, a type >= NLMSG_MIN_TYPE) into r; returns 0 or the
 * errno to report in an NLMSG_ERROR. */
int rtnetlink_request(struct nl_reply *r, const struct nlmsghdr *req);
