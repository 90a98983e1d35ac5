/* Turning the machine off. QEMU's isa-debug-exit device (port 0xf4, added by
 * the Makefile and the grader) makes QEMU exit with (code << 1) | 1, which
 * is how a test run reports success or panic to the host. Elsewhere we try
 * the ACPI power-off port QEMU's chipsets use, then halt for good. */
#include <kernel/types.h>
#include <kernel/power.h>
#include <x86/cpu.h>

#define DEBUG_EXIT_PORT 0xf4
#define ACPI_PM1A_CNT   0x604
#define ACPI_SLP_S5     0x2000

void poweroff(int code)
{
	cli();
	outl(DEBUG_EXIT_PORT, code);
	outw(ACPI_PM1A_CNT, ACPI_SLP_S5);
	for (;;)
		hlt();
}
