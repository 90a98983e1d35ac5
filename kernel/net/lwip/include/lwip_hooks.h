/* The hooks Kestrel gives lwIP (LWIP_HOOK_FILENAME in lwipopts.h): each
 * looks at a packet lwIP received, before lwIP does, and returns 0 (lwIP
 * goes on with it as usual). */
#pragma once
#include "lwip/pbuf.h"
#include "lwip/netif.h"

/* kernel/net/inet/udp_icmp.c: an ICMP or ICMPv6 "port unreachable"
 * reports ECONNREFUSED to the connected UDP socket that caused it. */
int inet_icmp_input4(struct pbuf *p, struct netif *inp);
int inet_icmp_input6(struct pbuf *p, struct netif *inp);

/* kernel/net/netinfo.c: lo's packet counters for /proc/net/dev (every IP
 * packet lwIP takes in passes here with its interface). */
int netinfo_ip_input(struct pbuf *p, struct netif *inp);

/* kernel/net/inet/tcp_fin.c: a peer's FIN just past a closed receive
 * window is taken, as Linux takes it, not dropped (every TCP segment of a
 * connection passes here with its pcb, before lwIP handles it). */
struct tcp_pcb;
struct tcp_hdr;
err_t inet_tcp_input_hook(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p);
