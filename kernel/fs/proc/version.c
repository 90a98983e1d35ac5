/* /proc/version: uname's names and how the kernel was built, in Linux's
 * words: "Linux version RELEASE (USER@HOST) (COMPILER) VERSION". */
#include <kernel/types.h>
#include <kernel/utsname.h>
#include "system.h"

int version_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	pbuf_printf(b, "%s version %s (kestrel@kestrel) (gcc version %s) %s\n",
		    UTS_SYSNAME, UTS_RELEASE, __VERSION__, UTS_VERSION);
	return 0;
}
