/* lwIP's configuration for Kestrel (see lwip/opt.h for every option).
 * The raw API only (no threads of lwIP's own: NO_SYS), IPv4 and IPv6, TCP
 * and UDP, the loopback interface; memory from the kernel heap. Every call
 * into lwIP holds the one lwIP lock (kernel/net/lwip/lwip_lock.c). */
#pragma once

#define NO_SYS                          1
#define SYS_LIGHTWEIGHT_PROT            0   /* the lwIP lock covers everything */
#define LWIP_TIMERS                     1
#define LWIP_NETCONN                    0
#define LWIP_SOCKET                     0   /* our socket layer is kernel/net/socket*.c */

/* Memory: the kernel heap for lwIP's heap and its pools, so the limits are
 * the machine's memory, not static arrays sized in advance. */
#define MEM_LIBC_MALLOC                 1
#define mem_clib_malloc                 kmalloc
#define mem_clib_free                   kfree
#define mem_clib_calloc                 lwip_port_calloc
#define MEMP_MEM_MALLOC                 1
#define MEM_ALIGNMENT                   8
#define MEMP_NUM_TCP_PCB                1024
#define MEMP_NUM_TCP_PCB_LISTEN         256
#define MEMP_NUM_UDP_PCB                256
#define MEMP_NUM_RAW_PCB                256
#define MEMP_NUM_TCP_SEG                4096
#define MEMP_NUM_PBUF                   1024
#define PBUF_POOL_SIZE                  512
#define MEMP_NUM_SYS_TIMEOUT            (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

/* Protocols. */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       1
#define LWIP_TCP                        1
#define LWIP_UDP                        1
#define LWIP_RAW                        1   /* raw and ping sockets (kernel/net/inet/raw.c) */
#define LWIP_ICMP                       1
#define LWIP_ICMP6                      1
/* Linux's TTL and hop limit (ip_default_ttl, hop_limit), which ping shows. */
#define IP_DEFAULT_TTL                  64
#define LWIP_ICMP6_HL                   64
#define LWIP_IPV6_MLD                   0
#define LWIP_IPV6_AUTOCONFIG            0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS   0
#define LWIP_IPV6_FRAG                  1
#define LWIP_IPV6_REASS                 1
#define IPV6_FRAG_COPYHEADER            1   /* 64-bit pointers do not fit in the fragment header lwIP borrows */
#define LWIP_IPV6_SCOPES                0
#define LWIP_ND6_QUEUEING               0
#define IP_REASSEMBLY                   1   /* datagrams longer than a frame (Lab 9's card), as Linux */
#define IP_FRAG                         1
#define IP_REASS_MAX_PBUFS              64  /* a 64 KiB datagram is 45 fragments of 1,480 bytes */
#define LWIP_DHCP                       1   /* an Ethernet card's address, by default (net/lwip/netif_eth.c) */
#define DHCP_DOES_ARP_CHECK             0   /* QEMU's user network hands out one address: no need to probe it */
#define LWIP_AUTOIP                     0
#define LWIP_IGMP                       0
#define LWIP_DNS                        0
#define LWIP_ARP                        1   /* Ethernet cards (Lab 9) */
#define LWIP_ETHERNET                   1
#define ETHARP_SUPPORT_STATIC_ENTRIES   0
#define SO_REUSE                        1   /* SO_REUSEADDR (SOF_REUSEADDR on a pcb) */
#define LWIP_TCP_KEEPALIVE              1

/* TCP: segments of 8 KiB on loopback (Linux's are 64 KiB there) and
 * windows of 128 KiB, which needs window scaling (RFC 7323). The send
 * low-water mark (writable again) is what lwIP's sanity checks allow. */
#define TCP_MSS                         8192
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   2
#define TCP_WND                         (16 * TCP_MSS)
#define TCP_SND_BUF                     (16 * TCP_MSS)
#define TCP_SNDLOWAT                    (2 * TCP_MSS)
#define TCP_SND_QUEUELEN                (4 * TCP_SND_BUF / TCP_MSS + 16)
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      0xff
#define LWIP_TCP_TIMESTAMPS             0
#define TCP_MSL                         30000UL /* TIME_WAIT lasts 2 MSL: 60 s, as Linux's */
#define TCP_QUEUE_OOSEQ                 1
#define LWIP_CALLBACK_API               1

/* The loopback interface, polled by us (kernel/net/lwip/lwip_lock.c)
 * rather than by lwIP's tcpip thread, which NO_SYS has not. */
#define LWIP_NETIF_LOOPBACK             1
#define LWIP_HAVE_LOOPIF                1
#define LWIP_LOOPBACK_MAX_PBUFS         0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_SINGLE_NETIF               0
#define LWIP_NETIF_STATUS_CALLBACK      1   /* the console says which address DHCP gave */
#define LWIP_NETIF_LINK_CALLBACK        0

/* Hooks (lwip_hooks.h), on every IP packet lwIP takes in: lo's counters
 * for /proc/net/dev, and ICMP errors reaching UDP sockets, as Linux's
 * ECONNREFUSED for a connected socket (lwIP alone drops them); on every
 * TCP segment of a connection: a FIN just past a closed receive window
 * is taken, as Linux takes it (lwIP alone drops it: a late EOF). */
#define LWIP_HOOK_FILENAME              "lwip_hooks.h"
#define LWIP_HOOK_IP4_INPUT(p, inp)     (netinfo_ip_input(p, inp), inet_icmp_input4(p, inp))
#define LWIP_HOOK_IP6_INPUT(p, inp)     (netinfo_ip_input(p, inp), inet_icmp_input6(p, inp))
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) inet_tcp_input_hook(pcb, hdr, p)

/* Checksums: computed and checked, as on a real link. */
#define LWIP_CHECKSUM_ON_COPY           0

#define LWIP_STATS                      0
#define LWIP_STATS_DISPLAY              0
#define LWIP_DEBUG                      0
#define LWIP_PERF                       0
#define LWIP_RAND()                     ((u32_t)lwip_port_rand())

/* The kernel has a pbuf_free of its own (fs/pseudofs.h, the pseudo files'
 * buffer): lwIP's is renamed in lwIP and in every file including lwIP's
 * headers. (Its struct pbuf is a different type: no file includes both.) */
#define pbuf_free                       lwip_pbuf_free

