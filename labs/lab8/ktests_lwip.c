/* Lab 8 self-test "lwip": the TCP/IP stack came up in the kernel. lwIP's
 * raw API only, below any socket: a UDP datagram to ourselves on
 * 127.0.0.1 and on ::1, and a TCP connection on the loopback interface
 * carrying the token both ways. The grader boots with test=lwip. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <net/lwip_port.h>
#include "lwip/udp.h"
#include "lwip/tcp.h"
#include "lwip/ip_addr.h"

static char got[64];

static void on_udp_data(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port)
{
	memset(got, 0, sizeof(got));
	pbuf_copy_partial(p, got, sizeof(got) - 1, 0);
	pbuf_free(p);
}

/* One datagram from one pcb to another on `to`: true if it arrived intact. */
static bool udp_round(const ip_addr_t *to, const char *what)
{
	bool ok = false;
	lwip_lock();
	struct udp_pcb *rx = udp_new_ip_type(IPADDR_TYPE_ANY), *tx = udp_new_ip_type(IPADDR_TYPE_ANY);
	if (rx && tx && udp_bind(rx, IP_ANY_TYPE, 0) == ERR_OK) {
		udp_recv(rx, on_udp_data, NULL);
		got[0] = 0;
		struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, strlen(ktest_token()), PBUF_RAM);
		if (p) {
			pbuf_take(p, ktest_token(), strlen(ktest_token()));
			ok = udp_sendto(tx, p, to, rx->local_port) == ERR_OK;
			pbuf_free(p);
		}
	}
	lwip_unlock();  /* delivers the datagram */
	ok = ok && strcmp(got, ktest_token()) == 0;
	lwip_lock();
	if (rx)
		udp_remove(rx);
	if (tx)
		udp_remove(tx);
	lwip_unlock();
	printk("lwip: udp %s: %s\n", what, ok ? "datagram received" : "LOST");
	return ok;
}

static struct tcp_pcb *accepted;
static char tcp_got[2][64];     /* [0] what the server got, [1] the client */

static err_t on_tcp_data(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	if (!p)
		return ERR_OK;
	char *buf = tcp_got[(uintptr_t)arg];
	size_t len = strlen(buf);
	pbuf_copy_partial(p, buf + len, 63 - len, 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	accepted = pcb;
	tcp_arg(pcb, (void *)0);
	tcp_recv(pcb, on_tcp_data);
	return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	const char *t = ktest_token();
	tcp_write(pcb, t, strlen(t), TCP_WRITE_FLAG_COPY);
	tcp_output(pcb);
	return ERR_OK;
}

/* A connection to a listener on `to`: the token goes to the server, which
 * echoes it back; then both close. */
static bool tcp_round(const ip_addr_t *to, const char *what)
{
	memset(tcp_got, 0, sizeof(tcp_got));
	accepted = NULL;
	lwip_lock();
	struct tcp_pcb *l = tcp_new_ip_type(IPADDR_TYPE_ANY), *c = tcp_new_ip_type(IPADDR_TYPE_ANY);
	bool ok = l && c && tcp_bind(l, IP_ANY_TYPE, 0) == ERR_OK;
	if (ok && (l = tcp_listen(l))) {
		tcp_accept(l, on_accept);
		tcp_arg(c, (void *)1);
		tcp_recv(c, on_tcp_data);
		ok = tcp_connect(c, to, l->local_port, on_connected) == ERR_OK;
	}
	lwip_unlock();  /* SYN, SYN-ACK, ACK and the data */
	lwip_lock();
	if (ok && accepted) {
		tcp_write(accepted, tcp_got[0], strlen(tcp_got[0]), TCP_WRITE_FLAG_COPY);
		tcp_output(accepted);
	}
	lwip_unlock();
	ok = ok && accepted && strcmp(tcp_got[1], ktest_token()) == 0;
	lwip_lock();
	if (accepted)
		tcp_close(accepted);
	if (c)
		tcp_close(c);
	if (l)
		tcp_close(l);
	lwip_unlock();
	printk("lwip: tcp %s: %s\n", what, ok ? "connected, echoed" : "FAILED");
	return ok;
}

static void ktest_lwip(void)
{
	ip_addr_t v4, v6;
	ipaddr_aton("127.0.0.1", &v4);
	ipaddr_aton("::1", &v6);
	int fails = !net_lwip_up();
	fails += !udp_round(&v4, "127.0.0.1");
	fails += !udp_round(&v6, "::1");
	fails += !tcp_round(&v4, "127.0.0.1");
	fails += !tcp_round(&v6, "::1");
	printk("lwip: %d failures, token=%s\n", fails, ktest_token());
}
KTEST("lwip", ktest_lwip);
