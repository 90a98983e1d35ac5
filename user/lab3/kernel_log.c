/* kernel_log: the kernel log behind the console. An unknown system call is
 * reported at KERN_DEBUG: kept in the log whatever the console shows, and
 * read back with syslog(2) (what busybox dmesg does), each line prefixed by
 * its level as Linux's SYSLOG_ACTION_READ_ALL returns it ("<7>..."). Kestrel
 * only: Linux logs nothing for an unknown number. */
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>
#include "kt.h"

enum { READ_ALL = 3, CLEAR = 5, SIZE_UNREAD = 9, SIZE_BUFFER = 10 };

static char log_text[1 << 16];

static int log_has(const char *needle)
{
	int n = klogctl(READ_ALL, log_text, sizeof(log_text) - 1);
	if (n < 0)
		return 0;
	log_text[n] = '\0';
	return strstr(log_text, needle) != NULL;
}

int main(void)
{
	int size = klogctl(SIZE_BUFFER, NULL, 0);
	kt_check(size >= 4096, "SYSLOG_ACTION_SIZE_BUFFER is at least 4 KiB");
	kt_expect_err("syscall(7777)", syscall(7777), ENOSYS);
	kt_check(log_has("<7>kestrel: syscall 7777 does not exist: ENOSYS"),
		 "the report is in the log at level 7 (KERN_DEBUG)");
	kt_check(log_has("<4>kestrel: booting"), "the boot messages are in the log at level 4");
	kt_check(klogctl(SIZE_UNREAD, NULL, 0) > 0, "SYSLOG_ACTION_SIZE_UNREAD counts them");
	kt_expect_err("SYSLOG_ACTION_READ_ALL to a bad pointer", klogctl(READ_ALL, (char *)16, 10), EFAULT);
	kt_check(klogctl(CLEAR, NULL, 0) == 0, "SYSLOG_ACTION_CLEAR");
	kt_check(!log_has("syscall 7777"), "a cleared log no longer has the report");
	kt_expect_err("SYSLOG_ACTION_READ_ALL to NULL", klogctl(READ_ALL, NULL, 10), EINVAL);
	kt_expect_err("action 99", klogctl(99, NULL, 0), EINVAL);
	return kt_status();
}
