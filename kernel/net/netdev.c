/* The list of network devices (include/net/netdev.h): drivers add theirs
 * at probe time, the stack walks it when it starts. Devices are never
 * removed (no hot-unplug), so the list needs no lock once boot is over. */
#include <kernel/types.h>
#include <kernel/format.h>
#include <kernel/compiler.h>
#include <net/netdev.h>

static struct netdev *netdevs, **netdevs_tail = &netdevs;
static unsigned netdev_count;

void netdev_register(struct netdev *nd)
{
	ksnprintf(nd->name, sizeof(nd->name), "eth%u", netdev_count++);
	wait_queue_init(&nd->rx_wait);
	nd->next = NULL;
	*netdevs_tail = nd;
	netdevs_tail = &nd->next;
}

struct netdev *netdev_first(void)
{
	return netdevs;
}

void netdev_rx_ready(struct netdev *nd)
{
	WRITE_ONCE(nd->rx_pending, true);
	wake_up_all(&nd->rx_wait);
}
