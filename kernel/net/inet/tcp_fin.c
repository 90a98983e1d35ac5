/* A peer's FIN just past our closed receive window: taken, as Linux takes
 * it, rather than dropped until the peer retransmits it.
 *
 * lwIP's sender fills the window with data and sends its FIN right after
 * it, one sequence number past the window's right edge (alone once the
 * window is zero, or on the segment whose data ends at the edge). lwIP's
 * receiver takes only what fits in the window (tcp_receive in tcp_in.c),
 * so it drops that FIN, and the window update our reader's recv sends
 * later does not make the sender send it again: it waits for its
 * retransmission timer, 1 to 3 s on loopback, while the reader, having
 * read everything, waits for the EOF. A FIN takes no room in the receive
 * buffer, so Linux accepts it there (tcp_data_queue).
 *
 * lwIP calls the hook (LWIP_HOOK_TCP_INPACKET_PCB) with the lwIP lock held
 * for every segment of a connection, before handling it. For such a FIN it
 * opens the window by the one sequence number the FIN takes, which
 * tcp_receive then uses up, and the FIN is taken. (lwIP then gives back
 * the FIN's number, as for any FIN: the window ends one byte larger than
 * the room left, which no data can use any more, the peer having closed;
 * tcp_recved keeps it at most TCP_WND.) */
#include <kernel/types.h>
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip_hooks.h"

/* States in which lwIP's tcp_receive still takes the peer's data and FIN. */
static bool takes_data(const struct tcp_pcb *pcb)
{
	return pcb->state == ESTABLISHED || pcb->state == FIN_WAIT_1 || pcb->state == FIN_WAIT_2;
}

/* Every segment lwIP finds a connection for; ERR_OK: lwIP goes on with it. */
err_t inet_tcp_input_hook(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p)
{
	u8_t flags = TCPH_FLAGS(hdr);
	if ((flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK)) != (TCP_FIN | TCP_ACK) || !takes_data(pcb))
		return ERR_OK;
	u32_t seqno = hdr->seqno;      /* tcp_input made it host order */
	u32_t fin_seqno = seqno + p->tot_len;   /* the FIN comes after the data */
	/* In order (starting at or before what we expect next: a retransmission
	 * may repeat data we have), and the FIN exactly one past the window. */
	if (TCP_SEQ_LEQ(seqno, pcb->rcv_nxt) && fin_seqno == pcb->rcv_nxt + pcb->rcv_wnd)
		pcb->rcv_wnd++;
	return ERR_OK;
}
