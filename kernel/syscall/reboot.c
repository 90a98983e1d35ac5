/* reboot(2): busybox's poweroff, halt and reboot end here. Linux's magic
 * numbers guard against a stray call. Every command that stops the
 * machine writes the filesystems back first, as Linux's kernel_power_off
 * does when user space has not (busybox syncs too; a bare call may not). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/power.h>
#include <linux/reboot.h>
#include <syscall/syscalls.h>
#include <proc/cred.h>
#include <fs/fs.h>
#include <fs/writeback.h>

long sys_reboot(unsigned magic1, unsigned magic2, unsigned cmd, void *arg)
{
	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;       /* Ctrl-Alt-Del has no meaning on a serial console */
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_RESTART:
		/* QEMU runs with -no-reboot: a restart ends the run as well. */
		writeback_final_sync();
		printk("kestrel: reboot(2): powering off\n");
		poweroff(POWEROFF_OK);
	default:
		return -EINVAL;
	}
}
