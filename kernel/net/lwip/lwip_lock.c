/* The one lock around lwIP, the loopback interface's delivery, and the
 * thread that runs lwIP's timers (TCP's retransmissions, delayed ACKs,
 * TIME_WAIT) from the kernel clock. See net/lwip_port.h. */
#include <kernel/types.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/wait.h>
#include <proc/sched.h>
#include <time/clock.h>
#include <net/lwip_port.h>
#include <net/netinfo.h>
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

/* A sleeping lock: lwIP's work under it is short, but a task holding it
 * may be preempted, and the work is the same whichever CPU does it. */
static struct mutex lwip_mutex;
static bool lwip_up;

void lwip_lock(void)
{
	mutex_lock(&lwip_mutex);
}

/* Packets sent to 127.0.0.1 or ::1 wait in the loopback netif's queue
 * (netif_loop_output): deliver them now, still under the lock, so that
 * whatever they cause (a SYN's SYN-ACK, data's ACK) is done too. */
void lwip_unlock(void)
{
	netif_poll_all();
	mutex_unlock(&lwip_mutex);
}

bool lwip_locked(void)
{
	return mutex_held(&lwip_mutex);
}

bool net_lwip_up(void)
{
	return lwip_up;
}

/* lwIP's timers: sleep until the next one is due (at most 100 ms, so a
 * timer added meanwhile waits no longer than that), then run them. */
static int lwip_timer_thread(void *arg)
{
	for (;;) {
		lwip_lock();
		sys_check_timeouts();
		u32_t ms = sys_timeouts_sleeptime();
		lwip_unlock();
		if (ms > 100)
			ms = 100;
		sleep_until(clock_now_ns() + (uint64_t)ms * 1000000 + 1000000);
	}
	return 0;
}

void net_lwip_init(void)
{
	mutex_init(&lwip_mutex);
	lwip_lock();
	lwip_init();    /* also adds the loopback netif: 127.0.0.1/8 and ::1 */
	netinfo_find_loopback();
	lwip_unlock();
	kthread_create_daemon("lwip-timers", lwip_timer_thread, NULL);
	lwip_up = true;
	printk("net: lwIP %s up, loopback %s\n", LWIP_VERSION_STRING,
	       netif_default || netif_list ? "lo" : "missing");
	netif_eth_attach_all();         /* the network cards PCI found */
}
