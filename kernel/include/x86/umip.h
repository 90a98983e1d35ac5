/* User-mode instruction prevention (arch/x86_64/umip.c). */
#pragma once

/* Makes sgdt, sidt, sldt, smsw and str fault in user mode on this CPU,
 * if it has UMIP. */
void umip_init_cpu(void);
