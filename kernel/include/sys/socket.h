/* For the UAPI headers that include libc's <sys/socket.h> to get struct
 * sockaddr (linux/if.h): the kernel's own socket ABI stands in for it. */
#pragma once
#include <net/socket_abi.h>
