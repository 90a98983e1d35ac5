/* The names uname(2) reports (syscall/process.c), shared with
 * /proc/version and /proc/sys/kernel/{ostype,osrelease,version,hostname,
 * domainname}. */
#pragma once
#include <kernel/types.h>
#include <linux/utsname.h>

#define UTS_SYSNAME "Linux"
/* Which Linux interface Kestrel follows: Debian 12's kernel. */
#define UTS_RELEASE "6.1.0-kestrel"
#define UTS_VERSION "#1 SMP kestrel teaching kernel"

/* Copies the host and domain names out (each __NEW_UTS_LEN + 1 bytes). */
void uts_get_names(char *nodename, char *domainname);
/* Sets one of them from kernel memory: len bytes, at most __NEW_UTS_LEN
 * (-EINVAL if longer). The caller checked the privilege. */
int uts_set_name(bool domain, const char *name, size_t len);
