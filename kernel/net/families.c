/* The address families built into the kernel: adding one is a line here. */
#include <net/socket.h>
#include <net/unix.h>
#include "socket_internal.h"

void net_families_init(void)
{
	unix_init();
}
