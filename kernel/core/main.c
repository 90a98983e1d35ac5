/* kmain: where C begins. boot.S calls it in 64-bit mode on the boot stack,
 * with the physical address of the PVH start_info structure. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/cmdline.h>
#include <kernel/string.h>
#include <kernel/ktest.h>
#include <fs/rootfs.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <x86/idt.h>
#include <x86/pic.h>
#include <x86/pvh.h>
#include <x86/serial.h>
#include <x86/trap.h>
#include <x86/memlayout.h>
#include <mm/mm.h>
#include <proc/exec.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <syscall/syscall.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/paging.h>
#include <x86/fpu.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <drivers/mem.h>
#include <drivers/tty.h>
#include <drivers/pci.h>
#include <block/bcache.h>

void monitor_run(void);

/* The boot loader's start_info (through the direct map once mm_init has
 * run). Exposed for debugging: `p *boot_start_info` in gdb. */
const struct hvm_start_info *boot_start_info;

/* init's argv: its name, then the words after " -- " on the command
 * line (as Linux passes them), split at spaces into buf. */
#define INIT_ARGS_MAX 16
static void init_argv(const char *init, const char *argv[INIT_ARGS_MAX + 2], char *buf, size_t size)
{
	int n = 0;
	argv[n++] = init;
	const char *raw = cmdline_raw();
	const char *rest = NULL;
	if (raw && strncmp(raw, "-- ", 3) == 0)
		rest = raw + 3;
	else if (raw && (rest = strstr(raw, " -- ")))
		rest += 4;
	if (rest) {
		strlcpy(buf, rest, size);
		for (char *p = buf; *p && n < INIT_ARGS_MAX + 1;) {
			while (*p == ' ')
				*p++ = '\0';
			if (!*p)
				break;
			argv[n++] = p;
			while (*p && *p != ' ')
				p++;
		}
	}
	argv[n] = NULL;
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

	percpu_init(&cpus[0]);
	idt_init();
	mm_init(start_info_pa);
	boot_start_info = phys_to_virt(start_info_pa);
	pic_init();
	timer_init();
	tty_init();         /* COM1's input interrupt: typing goes to the tty */
	mem_devices_init();
	sched_init();
	syscall_init_cpu();
	fpu_init_cpu();
	sti();
	printk("kestrel: interrupts on, timer at %d Hz\n", TIMER_HZ);

	/* The other CPUs: find them, give each a timer, start them. */
	if (paging_enabled())
		acpi_find_cpus(boot_start_info->rsdp_paddr);
	if (paging_enabled() && lapic_init())
		smp_boot();
	clock_init();
	/* Devices, then the file tree on them. */
	pci_init();
	bcache_init();
	vfs_init();

	if (ktest_run_selected())
		panic("ktest_run_selected returned");
	const char *init = cmdline_get("init");
	if (!init) {
		monitor_run();
		panic("kmain returned");
	}
	static char args[256];
	const char *argv[INIT_ARGS_MAX + 2];
	init_argv(init, argv, args, sizeof(args));
	int err = process_create_root(argv);
	if (err)
		panic("cannot start init \"%s\": error %d", init, err);
	/* From here on the processes do the work. */
	for (;;) {
		current->state = TASK_SLEEPING;
		schedule();
	}
}
