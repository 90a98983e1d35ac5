/* A tiny interactive monitor on the serial console: what "make qemu" shows
 * when no test was selected. Handy for poking at the kernel by hand. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <fs/fs.h>
#include <kernel/cmdline.h>
#include <kernel/backtrace.h>
#include <kernel/timer.h>
#include <kernel/string.h>
#include <x86/cpu.h>
#include <mm/page_alloc.h>
#include <mm/kmalloc.h>
#include <drivers/tty.h>

static void cmd_help(void);
static void cmd_ticks(void) { printk("%lu ticks (%d Hz)\n", timer_ticks(), TIMER_HZ); }
static void cmd_cmdline(void) { printk("\"%s\"\n", cmdline_raw()); }
static void cmd_backtrace(void) { backtrace(); }
static void cmd_int3(void) { __asm__ __volatile__("int3"); }
static void cmd_panic(void) { panic("requested from the monitor"); }
static void cmd_poweroff(void)
{
	sync_filesystems(NULL);     /* a disk may be mounted: keep it consistent */
	poweroff(POWEROFF_OK);
}

static void cmd_mem(void)
{
	struct mem_stats s;
	struct kmalloc_stats k;
	mem_stats(&s);
	kmalloc_stats(&k);
	printk("frames: %lu managed, %lu free (%lu KiB)\n", s.total_pages, s.free_pages,
	       s.free_pages * (PAGE_SIZE / 1024));
	printk("free blocks by order:");
	for (int i = 0; i < BUDDY_ORDERS; i++)
		printk(" %lu", s.free_blocks[i]);
	printk("\nkmalloc: %lu objects in %lu slab pages, %lu pages of large objects\n",
	       k.objects_in_use, k.slab_pages, k.large_pages);
}

static const struct command {
	const char *name;
	const char *help;
	void (*run)(void);
} commands[] = {
	{ "help",      "list commands",                    cmd_help },
	{ "ticks",     "timer ticks since boot",           cmd_ticks },
	{ "cmdline",   "the kernel command line",          cmd_cmdline },
	{ "mem",       "physical memory and heap usage",   cmd_mem },
	{ "backtrace", "print a backtrace from here",      cmd_backtrace },
	{ "int3",      "raise a breakpoint exception",     cmd_int3 },
	{ "panic",     "panic the kernel",                 cmd_panic },
	{ "poweroff",  "turn the machine off",             cmd_poweroff },
};

static void cmd_help(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printk("  %-10s %s\n", commands[i].name, commands[i].help);
}

/* Reads a line. The console tty owns the UART's input: its interrupt
 * handler echoes and edits what is typed, and the monitor takes whole
 * lines from it, sleeping in hlt until an interrupt (typing, or the
 * timer) may have brought one. The monitor runs only when no init
 * process was started, so no user program reads the tty meanwhile. */
static void read_line(char *buf, size_t size)
{
	while (tty_read_line_nowait(buf, size) < 0)
		sti_hlt();
}

void monitor_run(void)
{
	char line[80];
	printk("kernel monitor: type 'help' for commands\n");
	for (;;) {
		printk("K> ");
		read_line(line, sizeof(line));
		if (!line[0])
			continue;
		size_t i;
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(line, commands[i].name) == 0)
				break;
		if (i < ARRAY_SIZE(commands))
			commands[i].run();
		else
			printk("unknown command '%s' (try 'help')\n", line);
	}
}
