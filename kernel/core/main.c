/* kmain: where C begins. boot.S calls it in 64-bit mode on the boot stack,
 * with the physical address of the PVH start_info structure. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/cmdline.h>
#include <kernel/string.h>
#include <kernel/ktest.h>
#include <kernel/lockdep.h>
#include <fs/rootfs.h>
#include <fs/writeback.h>
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
#include <proc/reaper.h>
#include <proc/sched.h>
#include <proc/futex.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <syscall/syscall.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/paging.h>
#include <x86/fpu.h>
#include <x86/umip.h>
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
 * line, as Linux passes them. Double quotes group words with spaces
 * ("-c \"sh x.sh | cat\"") and are removed. The words are copied to buf. */
#define INIT_ARGS_MAX 16
static void init_argv(const char *init, const char *argv[INIT_ARGS_MAX + 2], char *buf, size_t size)
{
	int n = 0;
	argv[n++] = init;
	const char *raw = cmdline_raw();
	const char *p = NULL;
	if (raw && strncmp(raw, "-- ", 3) == 0)
		p = raw + 3;
	else if (raw && (p = strstr(raw, " -- ")))
		p += 4;
	char *out = buf, *end = buf + size - 1;
	while (p && *p && n < INIT_ARGS_MAX + 1 && out < end) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		argv[n++] = out;
		bool quoted = false;
		for (; *p && (quoted || *p != ' ') && out < end; p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
		}
		*out++ = '\0';
	}
	argv[n] = NULL;
}

/* No init= on the command line, but a root disk: the programs Linux's
 * kernel_init tries, in its order. False if none starts. */
static bool start_default_init(const char *argv[INIT_ARGS_MAX + 2], char *buf, size_t size)
{
	static const char *const candidates[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		init_argv(candidates[i], argv, buf, size);
		if (process_create_root(argv) == 0)
			return true;
	}
	printk("kestrel: no init found on the root disk (tried /sbin/init, /etc/init, /bin/init, /bin/sh)\n");
	return false;
}

void kmain(uint64_t start_info_pa)
{
	serial_init();
	printk("\nkestrel: booting (kmain at %p)\n", (void *)kmain);

	boot_start_info = early_phys_to_virt(start_info_pa);
	if (boot_start_info->magic != PVH_START_MAGIC)
		panic("not booted through PVH: start_info magic %#x", boot_start_info->magic);
	cmdline_init(boot_start_info->cmdline_paddr ? early_phys_to_virt(boot_start_info->cmdline_paddr) : "");
	console_loglevel_init();
	printk("kestrel: command line \"%s\"\n", cmdline_raw());

	percpu_init(&cpus[0]);
	lockdep_init();     /* lock checking needs this_cpu() */
	idt_init();
	mm_init(start_info_pa);
	boot_start_info = phys_to_virt(start_info_pa);
	pic_init();
	timer_init();
	tty_init();         /* COM1's input interrupt: typing goes to the tty */
	mem_devices_init();
	sched_init();
	futex_init();
	trace_init();        /* "syscall_log": the tracer for every process */
	syscall_init_cpu();
	fpu_init_cpu();
	umip_init_cpu();
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
	/* The words are the command line's, without their quotes: they fit
	 * in as many bytes as it has. */
	static char args[CMDLINE_MAX];
	const char *argv[INIT_ARGS_MAX + 2];
	if (init) {
		init_argv(init, argv, args, sizeof(args));
		int err = process_create_root(argv);
		if (err)
			panic("cannot start init \"%s\": error %d", init, err);
	} else if (!rootfs_on_disk() || !start_default_init(argv, args, sizeof(args))) {
		monitor_run();
		panic("kmain returned");
	}
	writeback_start();
	/* From here on the processes do the work; kmain frees those nobody
	 * waits for. */
	reaper_loop();
}
