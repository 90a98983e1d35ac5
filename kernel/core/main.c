/* kmain: where C begins. boot.S calls it in 64-bit mode on the boot stack,
 * with the physical address of the PVH start_info structure. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <x86/gdt.h>
#include <x86/idt.h>
#include <x86/pic.h>
#include <x86/pvh.h>
#include <x86/serial.h>
#include <x86/trap.h>
#include <x86/memlayout.h>
#include <mm/mm.h>

void monitor_run(void);

/* The boot loader's start_info (through the direct map once mm_init has
 * run). Exposed for debugging: `p *boot_start_info` in gdb. */
const struct hvm_start_info *boot_start_info;

static void serial_interrupt(struct trap_frame *tf)
{
	(void)tf;   /* the monitor polls the UART; the interrupt just wakes hlt */
}

void kmain(uint64_t start_info_pa)
{
	serial_init();
	printk("\nkestrel: booting (kmain at %p)\n", (void *)kmain);

	boot_start_info = early_phys_to_virt(start_info_pa);
	if (boot_start_info->magic != PVH_START_MAGIC)
		panic("not booted through PVH: start_info magic %#x", boot_start_info->magic);
	cmdline_init(boot_start_info->cmdline_paddr ? early_phys_to_virt(boot_start_info->cmdline_paddr) : "");
	printk("kestrel: command line \"%s\"\n", cmdline_raw());

	gdt_init();
	idt_init();
	mm_init(start_info_pa);
	boot_start_info = phys_to_virt(start_info_pa);
	pic_init();
	timer_init();
	irq_register(IRQ_COM1, serial_interrupt);
	pic_unmask(IRQ_COM1);
	sti();
	printk("kestrel: interrupts on, timer at %d Hz\n", TIMER_HZ);

	if (!ktest_run_selected())
		monitor_run();
	panic("kmain returned");
}
