/* lwIP's TCP callbacks: how the stack tells a socket that something
 * happened. lwIP calls them with the lwIP lock held, from whatever was
 * running lwIP at the time: the loopback delivery in lwip_unlock (so
 * often the peer's system call), or the timer thread. They only update
 * the socket's state and wake its wait queue: the sleeping reader,
 * writer, connect or accept then does the rest in its own task. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include "inet_sock.h"

/* Data arrived (p), or the peer closed its side (p == NULL): queue it for
 * recvmsg and wake the readers. The window opens again only when a reader
 * takes the data (tcp_recved in tcp_ops.c), so a slow reader slows the
 * sender down instead of making us queue without end. */
err_t inet_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	// LAB 8 BEGIN(exercise 6): queue the data (or the EOF) and wake the readers
	struct inet_sock *isk = arg;
	if (!p) {
		isk->rx_eof = true;
	} else {
		if (isk->rx)
			pbuf_cat(isk->rx, p);
		else
			isk->rx = p;
		isk->rx_len += p->tot_len;
	}
	inet_wake(isk);
	return ERR_OK;
	// LAB 8 STUB: if (p)
	// LAB 8 STUB: 	pbuf_free(p);
	// LAB 8 STUB: return ERR_OK;
	// LAB 8 END
}

/* The peer acknowledged data: room to send again. */
static err_t inet_tcp_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *isk = arg;
	isk->snd_space = tcp_sndbuf(pcb);
	inet_wake(isk);
	return ERR_OK;
}

/* The pcb is gone (lwIP freed it): a reset, a refused connect, an abort. */
static void inet_tcp_err(void *arg, err_t err)
{
	struct inet_sock *isk = arg;
	isk->tcp = NULL;
	isk->reset = true;
	int e = isk->connecting && !isk->connected && err == ERR_RST ? -ECONNREFUSED : inet_lwip_err(err);
	if (isk->connecting && !isk->connected)
		isk->connecting = false;
	if (isk->sock)
		isk->sock->error = e;
	else
		isk->err = e;
	inet_wake(isk);
}

/* A connect we started is established. */
static err_t inet_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *isk = arg;
	isk->connected = true;
	isk->connecting = false;
	isk->snd_space = tcp_sndbuf(pcb);
	inet_wake(isk);
	return ERR_OK;
}

/* A new connection on a listener: a socket-to-be for accept() to take. It
 * counts against the backlog until then (tcp_backlog_delayed). */
err_t inet_tcp_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *l = arg;
	if (err != ERR_OK || !newpcb)
		return ERR_VAL;
	struct inet_sock *isk = inet_sock_alloc(l->family, SOCK_STREAM);
	if (!isk)
		return ERR_MEM;         /* lwIP aborts newpcb */
	isk->v6only = l->v6only;
	isk->nodelay = l->nodelay;
	isk->connected = true;
	inet_tcp_attach(isk, newpcb);
	tcp_backlog_delayed(newpcb);
	isk->listener = l;
	list_add_tail(&isk->accept_link, &l->accept_queue);
	l->accept_len++;
	inet_wake(l);
	return ERR_OK;
}

/* Makes pcb isk's and routes its callbacks here. */
void inet_tcp_attach(struct inet_sock *isk, struct tcp_pcb *pcb)
{
	isk->tcp = pcb;
	tcp_arg(pcb, isk);
	tcp_recv(pcb, inet_tcp_recv);
	tcp_sent(pcb, inet_tcp_sent);
	tcp_err(pcb, inet_tcp_err);
	if (isk->nodelay)
		tcp_nagle_disable(pcb);
	isk->snd_space = tcp_sndbuf(pcb);
}

/* For a listening pcb: only new connections. */
void inet_tcp_attach_listener(struct inet_sock *isk, struct tcp_pcb *lpcb)
{
	isk->tcp = lpcb;
	tcp_arg(lpcb, isk);
	tcp_accept(lpcb, inet_tcp_accept);
}

/* Sends the SYN; inet_tcp_connected or inet_tcp_err tells how it ended. */
err_t inet_tcp_start_connect(struct tcp_pcb *pcb, const ip_addr_t *ip, u16_t port)
{
	return tcp_connect(pcb, ip, port, inet_tcp_connected);
}

/* Forgets the pcb without freeing it: no callback reaches isk again. */
void inet_tcp_detach(struct inet_sock *isk)
{
	struct tcp_pcb *pcb = isk->tcp;
	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
	} else {
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
	}
	isk->tcp = NULL;
}
