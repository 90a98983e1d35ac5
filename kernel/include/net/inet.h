/* AF_INET and AF_INET6 (TCP and UDP over lwIP, kernel/net/inet/). */
#pragma once

/* Registers both families with the socket layer (net_init calls it). */
void inet_init(void);
