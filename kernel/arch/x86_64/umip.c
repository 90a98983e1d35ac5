/* UMIP: sgdt, sidt, sldt, smsw and str are not privileged on x86, so
 * without it any program can read where the kernel keeps its GDT and IDT
 * (kernel addresses: a gift to an attacker guessing the layout) and the
 * TSS selector. With CR4.UMIP set they raise #GP in user mode, and the
 * program is killed with SIGSEGV. (Linux instead emulates sgdt, sidt and
 * smsw with dummy values for old programs.) */
#include <kernel/types.h>
#include <x86/cpu.h>
#include <x86/umip.h>

#define CR4_UMIP        (1ull << 11)
#define CPUID7_ECX_UMIP (1u << 2)       /* CPUID.(EAX=7,ECX=0):ECX */

void umip_init_cpu(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	if (r[0] < 7)
		return;
	cpuid(7, 0, r);
	if (r[2] & CPUID7_ECX_UMIP)
		write_cr4(read_cr4() | CR4_UMIP);
}
