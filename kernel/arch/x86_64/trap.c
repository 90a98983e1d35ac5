/* What happens after entry.S has saved the registers: hardware interrupts
 * go to their driver's handler; an exception in a user program becomes
 * the matching signal (a handler may catch it; if none does, one line on
 * the console says why the program ended); an
 * exception in the kernel is a bug, reported in full, ending in a panic —
 * unless it is a uaccess routine touching a bad user pointer, which
 * resumes at its fixup code and returns -EFAULT. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/ksyms.h>
#include <kernel/lockdep.h>
#include <kernel/format.h>
#include <x86/trap.h>
#include <x86/cpu.h>
#include <x86/pic.h>
#include <x86/paging.h>
#include <mm/mm.h>
#include <mm/kstack.h>
#include <mm/vm.h>
#include <proc/cputime.h>
#include <proc/exit.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <proc/user_return.h>
#include <x86/apic.h>
#include <x86/irq_stats.h>
#include <x86/uaccess.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>

static const char *const exception_names[32] = {
	[0] = "#DE Divide Error",           [1] = "#DB Debug",
	[2] = "NMI Non-maskable Interrupt",  [3] = "#BP Breakpoint",
	[4] = "#OF Overflow",               [5] = "#BR Bound Range Exceeded",
	[6] = "#UD Invalid Opcode",         [7] = "#NM Device Not Available",
	[8] = "#DF Double Fault",           [9] = "Coprocessor Segment Overrun",
	[10] = "#TS Invalid TSS",           [11] = "#NP Segment Not Present",
	[12] = "#SS Stack-Segment Fault",   [13] = "#GP General Protection",
	[14] = "#PF Page Fault",            [16] = "#MF x87 Floating-Point",
	[17] = "#AC Alignment Check",       [18] = "#MC Machine Check",
	[19] = "#XM SIMD Floating-Point",   [20] = "#VE Virtualization",
	[21] = "#CP Control Protection",    [28] = "#HV Hypervisor Injection",
	[29] = "#VC VMM Communication",     [30] = "#SX Security",
};

static irq_handler_t irq_handlers[16];
static irq_handler_t vector_handlers[256];

const char *trap_name(uint64_t vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector] : "Reserved";
	if (vector < NUM_VECTORS)
		return "IRQ";
	return "Unknown";
}

void irq_register(int irq, irq_handler_t handler)
{
	irq_handlers[irq] = handler;
}

void vector_register(int vector, irq_handler_t handler)
{
	vector_handlers[vector] = handler;
}

static void print_symbol(uint64_t addr)
{
	uint64_t off;
	const char *name = ksyms_lookup(addr, &off);
	if (name)
		printk(" <%s+0x%lx>", name, off);
}

/* Decodes a page-fault error code into words (SDM "Page-Fault Error Code"). */
static void print_page_fault_reason(uint64_t err)
{
	printk("  CR2=%016lx  (%s, %s, %s%s%s)\n", read_cr2(),
	       err & 1 ? "protection violation" : "page not present",
	       err & 2 ? "write" : "read",
	       err & 4 ? "user mode" : "kernel mode",
	       err & 16 ? ", instruction fetch" : "",
	       err & 8 ? ", reserved bit set" : "");
}

void trap_print_frame(const struct trap_frame *tf)
{
	printk("  RIP=%016lx", tf->rip);
	print_symbol(tf->rip);
	printk("\n  CS=%04lx  SS=%04lx  RFLAGS=%016lx  RSP=%016lx\n", tf->cs, tf->ss, tf->rflags, tf->rsp);
	printk("  RAX=%016lx  RBX=%016lx  RCX=%016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("  RDX=%016lx  RSI=%016lx  RDI=%016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("  RBP=%016lx  R8 =%016lx  R9 =%016lx\n", tf->rbp, tf->r8, tf->r9);
	printk("  R10=%016lx  R11=%016lx  R12=%016lx\n", tf->r10, tf->r11, tf->r12);
	printk("  R13=%016lx  R14=%016lx  R15=%016lx\n", tf->r13, tf->r14, tf->r15);
	printk("  CR0=%016lx  CR3=%016lx  CR4=%016lx\n", read_cr0(), read_cr3(), read_cr4());
}

/* A hardware interrupt: a legacy IRQ through the PIC, or one of the
 * local APIC's vectors (whose handlers acknowledge it themselves). */
static void handle_interrupt(struct trap_frame *tf)
{
	if (tf->vector >= IRQ_BASE + 16) {
		if (vector_handlers[tf->vector])
			vector_handlers[tf->vector](tf);
		return;
	}
	int irq = tf->vector - IRQ_BASE;
	/* Acknowledge first: a handler may not return here (the scheduler
	 * switches tasks on the way back to user mode). */
	pic_eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](tf);
}

/* What a kernel page fault or double fault hit: a stack's guard gap, or
 * where the page walk for CR2 stopped. */
static void print_fault_address(uint64_t vector, uint64_t cr2)
{
	if (vector == T_DOUBLE_FAULT)
		printk("  CR2=%016lx  (the last page fault's address)\n", cr2);
	kstack_describe_guard(cr2);
	if (paging_enabled())
		pt_print_walk(pt_current(), cr2);
}

/* --- exceptions in user programs ------------------------------------------ */

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGILL:  return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS:  return "SIGBUS";
	case SIGFPE:  return "SIGFPE";
	default:      return "SIGSEGV";
	}
}

/* Why a page fault the kernel could not resolve happened, for the report:
 * no region there, a region that forbids the access, a copy-on-write page
 * the fault handler did not copy, or a region that allows the access but
 * whose page could not be provided (a file mapping past the end of its
 * file, out of memory, or a fault handler that does not do its job). */
static const char *fault_reason(uint64_t addr, uint64_t err)
{
	struct mm *mm = current->mm;
	if (!mm || addr >= USER_TOP)
		return "nothing mapped";
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	unsigned vflags = v ? v->flags : 0;
	uint64_t pte_flags = 0;
	bool present = pt_translate(mm->pml4, addr, NULL, &pte_flags);
	spin_unlock_irqrestore(&mm->lock, irq);
	if (!v)
		return "nothing mapped";
	if (!vm_access_allowed(vflags, err))
		return "not allowed";
	if (!present && vm_fault_past_eof(addr, err))
		return "a file mapping, past the end of its file";
	if (present && (err & PF_WRITE) && (pte_flags & PTE_COW))
		return "a copy-on-write page that was not copied";
	return present ? "not allowed" : "allowed, but no page could be provided";
}

/* A page fault's signal, as Linux's bad_area and do_sigbus: SIGBUS
 * (BUS_ADRERR) past the end of a mapped file, else SIGSEGV with
 * SEGV_MAPERR where nothing is mapped and SEGV_ACCERR where the region
 * forbids the access; si_addr is the address touched. */
static int page_fault_signal(uint64_t cr2, uint64_t err, struct ksiginfo *info)
{
	info->addr = cr2;
	if (vm_fault_past_eof(cr2, err)) {
		info->code = BUS_ADRERR;
		return SIGBUS;
	}
	struct mm *mm = current->mm;
	bool mapped = false;
	if (mm && cr2 < USER_TOP) {
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		mapped = vm_find(mm, cr2) != NULL;
		spin_unlock_irqrestore(&mm->lock, irq);
	}
	info->code = mapped ? SEGV_ACCERR : SEGV_MAPERR;
	return SIGSEGV;
}

/* The signal for what the CPU refused, with Linux's si_code and si_addr
 * (arch/x86/kernel/traps.c): the instruction's address for a divide
 * error or an invalid opcode; SI_KERNEL and no address for int3, a
 * general protection fault and the rest. */
static int fault_signal(const struct trap_frame *tf, uint64_t cr2, struct ksiginfo *info)
{
	*info = (struct ksiginfo){ .code = SI_KERNEL };
	switch (tf->vector) {
	case T_PAGE_FAULT:
		return page_fault_signal(cr2, tf->error_code, info);
	case T_DIVIDE:
		*info = (struct ksiginfo){ .code = FPE_INTDIV, .addr = tf->rip };
		return SIGFPE;
	case 6:                                 /* #UD */
		*info = (struct ksiginfo){ .code = ILL_ILLOPN, .addr = tf->rip };
		return SIGILL;
	case 16: case 19:                       /* #MF #XM */
		return SIGFPE;
	case T_DEBUG: case T_BREAKPOINT:
		return SIGTRAP;
	case 11: case 12: case 17:              /* #NP #SS #AC */
		return SIGBUS;
	default:                                /* #GP and the rest */
		return SIGSEGV;
	}
}

/* The program did something the CPU refused: the signal is forced on it
 * (proc/signal.h). A handler may catch it and fix things up; otherwise
 * the default action ends the process, and one line on the console says
 * why (the parent's wait4 sees "killed by sig"). */
static void signal_user_fault(struct trap_frame *tf, uint64_t cr2)
{
	struct task *t = current;
	struct ksiginfo info;
	int sig = fault_signal(tf, cr2, &info);
	if (signal_force(sig, &info, false))
		return;                 /* the handler runs at the return to user mode */
	char why[128];
	if (tf->vector == T_PAGE_FAULT) {
		uint64_t err = tf->error_code;
		ksnprintf(why, sizeof(why), "%s %#lx (%s)",
			  err & PF_FETCH ? "executing at" : err & PF_WRITE ? "writing" : "reading",
			  cr2, fault_reason(cr2, err));
	} else {
		ksnprintf(why, sizeof(why), "%s, error code %#lx", trap_name(tf->vector), tf->error_code);
	}
	printk("kestrel: pid %d (%s) killed by %s: %s at ip %#lx\n", t->tgid, t->name, signal_name(sig), why, tf->rip);
}

static void user_exception(struct trap_frame *tf)
{
	uint64_t cr2 = read_cr2();
	sti();          /* the program ran with interrupts on: so may we */
	if (tf->vector != T_PAGE_FAULT || !vm_handle_fault(cr2, tf->error_code, tf))
		signal_user_fault(tf, cr2);
	user_return_work(tf);
}

/* A uaccess routine faulted on a bad user pointer: resume at its fixup. */
static bool fixup_uaccess(struct trap_frame *tf)
{
	if (tf->vector != T_PAGE_FAULT && tf->vector != 13)    /* #GP: non-canonical */
		return false;
	uint64_t fixup = uaccess_fixup_address(tf->rip);
	if (fixup)
		tf->rip = fixup;
	return fixup != 0;
}

void trap_dispatch(struct trap_frame *tf)
{
	if (trap_from_user(tf))
		cputime_enter_kernel();
	if (tf->vector >= IRQ_BASE) {
		irq_stats_count(tf->vector);
		lockdep_irq_enter();
		handle_interrupt(tf);
		lockdep_irq_exit();
		if (trap_from_user(tf))
			user_return_work(tf);
		return;
	}
	if (trap_from_user(tf)) {
		user_exception(tf);
		return;
	}
	if (tf->vector == T_BREAKPOINT) {
		/* int3 is a debugging aid, not an error: report and carry on. */
		printk("breakpoint at %016lx", tf->rip - 1);
		print_symbol(tf->rip - 1);
		printk("\n");
		return;
	}
	if (tf->vector == T_PAGE_FAULT) {
		/* The kernel touching user memory (uaccess): resolving it may
		 * read a file and sleep, with interrupts on if they were. */
		uint64_t cr2 = read_cr2();
		if (cr2 < USER_TOP && (tf->rflags & RFLAGS_IF))
			sti();
		if (vm_handle_fault(cr2, tf->error_code, tf))
			return;
	}
	if (fixup_uaccess(tf))
		return;

	printk("\nEXCEPTION %s (vector %lu), error code 0x%lx\n",
	       trap_name(tf->vector), tf->vector, tf->error_code);
	if (tf->vector == T_PAGE_FAULT)
		print_page_fault_reason(tf->error_code);
	trap_print_frame(tf);
	/* A fault while pushing the #PF frame becomes a #DF: that is how a
	 * kernel stack overflow shows up, with CR2 in the guard gap. */
	if (tf->vector == T_PAGE_FAULT || tf->vector == T_DOUBLE_FAULT)
		print_fault_address(tf->vector, read_cr2());
	panic_trap(tf, "unhandled exception %s in kernel", trap_name(tf->vector));
}
