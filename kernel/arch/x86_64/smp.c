/* Bringing up the other CPUs ("application processors", APs).
 *
 * After power-on only the boot CPU runs; the others wait for their local
 * APIC to receive INIT then STARTUP messages (the "universal startup
 * algorithm", Intel SDM vol. 3 section 9.4.4). STARTUP starts a CPU in
 * real mode at a page below 1 MiB, so trampoline.S is copied there first.
 * One CPU is started at a time: each gets its idle task's stack through
 * the trampoline's parameters and says it is up by setting cpu->online. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <kernel/lockdep.h>
#include <kernel/string.h>
#include <kernel/panic.h>
#include <kernel/timer.h>
#include <kernel/cmdline.h>
#include <mm/page_alloc.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <syscall/syscall.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/idt.h>
#include <x86/fpu.h>
#include <x86/umip.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/pvh.h>
#include <x86/smp.h>
#include <x86/tlb.h>
#include <x86/trap.h>

extern const char trampoline_start[], trampoline_end[], trampoline_params[];

int cpus_online = 1;

/* Where each AP begins in C, on its idle task's stack, %gs not yet set. */
static void __noreturn ap_entry(struct cpu *c)
{
	percpu_init(c);
	idt_load();
	pt_switch(kernel_pml4);     /* leave the trampoline's page tables */
	lapic_init_ap();
	syscall_init_cpu();
	fpu_init_cpu();
	umip_init_cpu();
	sched_start_cpu(c);
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	c->online = true;
	idle_loop();
}

/* The trampoline turns paging on while running at its physical address,
 * so its page tables must map that page to itself, besides the kernel. */
static pte_t *trampoline_tables(void)
{
	pte_t *pml4 = pt_create();
	if (!pml4)
		return NULL;
	if (pt_map(pml4, TRAMPOLINE_PA, TRAMPOLINE_PA, 0) != 0 || virt_to_phys(pml4) >= (1ull << 32)) {
		pt_destroy(pml4);       /* cr3 is loaded from 32-bit code: below 4 GiB */
		return NULL;
	}
	return pml4;
}

static __maybe_unused void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_per_us();
	while (rdtsc() < end)
		cpu_relax();
}

/* The trampoline page must not hold what the boot loader left us. */
static bool trampoline_page_free(void)
{
	uint64_t info = virt_to_phys(boot_start_info), cmdline = boot_start_info->cmdline_paddr;
	bool clash = (info >= TRAMPOLINE_PA && info < TRAMPOLINE_PA + PAGE_SIZE) ||
		     (cmdline >= TRAMPOLINE_PA - PAGE_SIZE && cmdline < TRAMPOLINE_PA + PAGE_SIZE) ||
		     (boot_start_info->memmap_paddr >= TRAMPOLINE_PA - PAGE_SIZE &&
		      boot_start_info->memmap_paddr < TRAMPOLINE_PA + PAGE_SIZE);
	if (clash)
		printk("smp: the boot loader's data is at the trampoline page %#x; one CPU\n", TRAMPOLINE_PA);
	return !clash;
}

static bool start_cpu(struct cpu *c, struct trampoline_params *tp)
{
	struct task *idle = idle_task_create(c);
	if (!idle)
		return false;
	tp->stack = (uint64_t)idle->kstack_top;
	tp->cpu = (uint64_t)c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	// LAB 3 BEGIN(exercise 10): wake the CPU: INIT, wait 10 ms, then STARTUP twice
	lapic_send_init(c->apic_id);
	udelay(10000);
	for (int i = 0; i < 2 && !c->online; i++) {
		lapic_send_startup(c->apic_id, TRAMPOLINE_PA);
		udelay(200);
	}
	// LAB 3 END
	/* Wait for it: a second is generous even for TCG. */
	uint64_t deadline = rdtsc() + 1000000 * tsc_per_us();
	while (!c->online && rdtsc() < deadline)
		cpu_relax();
	return c->online;
}

static void smp_init_vectors(void);

int smp_boot(void)
{
	smp_init_vectors();
	if (!lapic_active() || ncpus == 1)
		return 1;
	/* cpus[0] must be the CPU running this: the MADT's order is not
	 * guaranteed to start with it. */
	uint32_t me = lapic_id();
	for (int i = 1; i < ncpus; i++)
		if (cpus[i].apic_id == me)
			cpus[i].apic_id = cpus[0].apic_id;
	cpus[0].apic_id = me;
	int wanted = ncpus;
	/* "maxcpus=N" on the command line: start fewer (1 = debug on one). */
	const char *max = cmdline_get("maxcpus");
	int n = 0;
	for (const char *p = max; p && *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (*p - '0');
	if (n >= 1 && n < wanted)
		wanted = n;

	if (!trampoline_page_free())
		return 1;
	pte_t *tables = trampoline_tables();
	if (!tables) {
		printk("smp: no page tables for the trampoline; one CPU\n");
		return 1;
	}
	memcpy(phys_to_virt(TRAMPOLINE_PA), trampoline_start, trampoline_end - trampoline_start);
	struct trampoline_params *tp = phys_to_virt(TRAMPOLINE_PA + (trampoline_params - trampoline_start));
	tp->cr3 = virt_to_phys(tables);
	tp->cr4 = read_cr4();
	tp->cr0 = read_cr0();
	tp->efer = rdmsr(MSR_EFER);
	tp->entry = (uint64_t)ap_entry;

	smp_requests_live = true;   /* spinning CPUs answer shootdowns from now on */
	for (int i = 1; i < wanted; i++)
		if (!start_cpu(&cpus[i], tp))
			printk("smp: CPU %d (APIC id %u) did not start\n", i, cpus[i].apic_id);
	ncpus = wanted;
	pt_destroy(tables);
	printk("smp: %d of %d CPUs online\n", cpus_online, wanted);
	return cpus_online;
}

/* --- TLB shootdown of the kernel half ------------------------------------------ */

/* Every online CPU shares the kernel half: ask them all (x86/tlb.h). */
void tlb_shootdown(uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
	uint64_t online = 0;
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online)
			online |= 1ull << i;
	uint64_t irq = irq_save();  /* this CPU's number must not change */
	smp_flush_cpus(online, start, end);
	irq_restore(irq);
}

static void stop_interrupt(struct trap_frame *tf)
{
	(void)tf;
	for (;;) {
		cli();
		hlt();
	}
}

void smp_stop_others(void)
{
	if (cpus_online > 1)
		lapic_send_ipi_others(VEC_STOP);
}

static void reschedule_interrupt(struct trap_frame *tf)
{
	(void)tf;
	this_cpu()->need_resched = true;
	lapic_eoi();
}

static void smp_init_vectors(void)
{
	tlb_init_vectors();
	vector_register(VEC_STOP, stop_interrupt);
	vector_register(VEC_RESCHEDULE, reschedule_interrupt);
}
