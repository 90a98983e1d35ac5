/* The kernel's side of lwIP (kernel/net/lwip/): one lock around the whole
 * stack, and the timers driven from the kernel clock.
 *
 * lwIP is built with NO_SYS=1: it has no threads and no locks of its own,
 * so every call into it (tcp_*, udp_*, pbuf_*, netif_*) is made with
 * lwip_lock() held, and lwIP's callbacks (recv, sent, accept, connected,
 * err) run with it held too: they may wake wait queues but never sleep.
 * lwip_unlock() first delivers the packets the loopback interface queued
 * meanwhile, so a send on 127.0.0.1 reaches its receiver before the
 * sender's system call returns. */
#pragma once
#include <kernel/types.h>

void net_lwip_init(void);       /* at boot: lwip_init, the loopback netif, the timer thread */
bool net_lwip_up(void);
void lwip_lock(void);
void lwip_unlock(void);
bool lwip_locked(void);         /* held by the current task (assertions) */
/* An lwIP interface for each network card (net/lwip/netif_eth.c). */
void netif_eth_attach_all(void);
