/* The kernel log: every printk message, whatever the console shows, kept
 * in a ring that syslog(2) (busybox dmesg) reads. */
#pragma once
#include <kernel/types.h>

void kmsg_store(int level, const char *text, size_t len);
long sys_syslog(int type, char *buf, int len);
