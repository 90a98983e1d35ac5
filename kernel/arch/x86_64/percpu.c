/* Per-CPU data (x86/percpu.h). */
#include <kernel/types.h>
#include <x86/percpu.h>
#include <x86/cpu.h>

struct cpu cpus[MAX_CPUS];
int ncpus = 1;

void percpu_init(struct cpu *c)
{
	c->self = c;
	gdt_init(c);
	/* Loading %gs (in gdt_init or anywhere) clears its base; write the
	 * MSR after. The user's %gs base starts at 0. */
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	/* The vDSO's getcpu reads the CPU's number with rdtscp. */
	if (cpu_has_rdtscp())
		wrmsr(MSR_TSC_AUX, c->id);
}

void percpu_set_kernel_stack(uint64_t top)
{
	struct cpu *c = this_cpu();
	c->tss.rsp[0] = top;
	c->kernel_rsp = top;
}
