/* Running a signal handler: the frame on the user stack, and
 * rt_sigreturn, which returns from it (proc/sigframe.h). */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm-generic/siginfo.h>
#include <linux/signal.h>
#include <proc/sigframe.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/fpu.h>
#include <x86/gdt.h>
#include <x86/trap.h>
#include <x86/uaccess.h>

struct rt_sigframe {
	uint64_t pretcode;          /* the restorer: the handler's return address */
	struct ucontext uc;
	siginfo_t info;
};

#define RED_ZONE 128            /* the System V ABI's: below %rsp, the code's own */

/* RFLAGS bits. */
#define FLAG_CF (1ul << 0)
#define FLAG_PF (1ul << 2)
#define FLAG_AF (1ul << 4)
#define FLAG_ZF (1ul << 6)
#define FLAG_SF (1ul << 7)
#define FLAG_TF (1ul << 8)
#define FLAG_DF (1ul << 10)
#define FLAG_OF (1ul << 11)
#define FLAG_RF (1ul << 16)
#define FLAG_AC (1ul << 18)
/* What rt_sigreturn lets user space change (Linux's FIX_EFLAGS): the
 * arithmetic flags, the direction, single-stepping and alignment checks;
 * never IF, IOPL or the rest. */
#define USER_FLAGS (FLAG_AC | FLAG_OF | FLAG_DF | FLAG_TF | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | \
		    FLAG_CF | FLAG_RF)

#define MXCSR_OFFSET 24         /* in the fxsave area */
#define MXCSR_MASK_OFFSET 28
#define MXCSR_DEFAULT_MASK 0xffbf

/* Where the frame goes, and its FPU area below the red zone (or at the
 * top of the alternate stack); 0 if the alternate stack would overflow. */
static __maybe_unused uint64_t frame_address(const struct trap_frame *tf, const struct k_sigaction *ka,
			      uint64_t *fpstate)
{
	struct task *t = current;
	uint64_t sp = tf->rsp - RED_ZONE;
	bool was_on_alt = on_sig_stack(t, tf->rsp);
	if ((ka->flags & SA_ONSTACK) && sas_ss_flags(t, sp) == 0)
		sp = t->sas_ss_sp + t->sas_ss_size;
	sp = (sp - FPU_STATE_SIZE) & ~63ull;
	*fpstate = sp;
	sp -= sizeof(struct rt_sigframe);
	sp = ((sp + 8) & ~15ull) - 8;       /* as after a call: %rsp + 8 16-byte aligned */
	if (was_on_alt && !on_sig_stack(t, sp))
		return 0;               /* Linux: a frame running off the alternate stack is a SIGSEGV */
	return sp;
}

/* The interrupted registers, as the frame keeps them. */
static __maybe_unused void save_regs(struct sigcontext *sc, int sig, const struct trap_frame *tf,
				     const struct ksiginfo *info)
{
	sc->r8 = tf->r8;   sc->r9 = tf->r9;   sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip;
	sc->eflags = tf->rflags;
	sc->cs = tf->cs;
	sc->ss = tf->ss;
	/* The fault that raised sig: what the CPU said about it. */
	if (tf->vector < 32 && info->code > 0 && (SIGMASK(sig) & SYNCHRONOUS_SIGNALS)) {
		sc->trapno = tf->vector;
		sc->err = tf->error_code;
		sc->cr2 = tf->vector == T_PAGE_FAULT ? info->addr : 0;
	}
}

long sigframe_build(struct trap_frame *tf, int sig, const struct ksiginfo *info,
		    const struct k_sigaction *ka, uint64_t old_mask)
{
	// LAB 5 BEGIN(exercise 3): build the rt_sigframe on the user stack and enter the handler
	struct task *t = current;
	uint64_t fpstate;
	uint64_t addr = frame_address(tf, ka, &fpstate);
	if (!addr || !(ka->flags & SA_RESTORER))
		return -EFAULT;         /* no way back from the handler: Linux's SIGSEGV too */
	struct rt_sigframe *frame = (struct rt_sigframe *)addr;

	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_sp = (void *)t->sas_ss_sp;
	f.uc.uc_stack.ss_size = t->sas_ss_size;
	f.uc.uc_stack.ss_flags = t->sas_ss_flags;     /* as Linux: what sigaltstack was given */
	save_regs(&f.uc.uc_mcontext, sig, tf, info);
	f.uc.uc_mcontext.fpstate = (struct _fpstate *)fpstate;
	f.uc.uc_mcontext.oldmask = old_mask;
	f.uc.uc_sigmask = old_mask;
	signal_fill_siginfo(&f.info, sig, info);

	struct fpu_state fpu;
	fpu_save(&fpu);             /* the program's SSE registers are live in the CPU */
	if (copy_to_user((void *)fpstate, &fpu, sizeof(fpu)) || copy_to_user(frame, &f, sizeof(f)))
		return -EFAULT;

	/* The handler starts with the SSE state of a new program. */
	fpu_init_state(&fpu);
	fpu_restore(&fpu);
	if (t->sas_ss_flags & SS_AUTODISARM)
		sas_ss_reset(t);        /* the frame's uc_stack sets it again at rt_sigreturn */

	tf->rdi = sig;
	tf->rsi = (uint64_t)&frame->info;
	tf->rdx = (uint64_t)&frame->uc;
	tf->rax = 0;                /* no vector registers used: for variadic handlers */
	tf->rsp = addr;
	tf->rip = ka->handler;
	tf->rflags &= ~(FLAG_DF | FLAG_RF | FLAG_TF);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	return 0;
	// LAB 5 STUB: return -ENOSYS;
	// LAB 5 END
}

/* The SSE state the frame holds, checked: an MXCSR with reserved bits
 * set would make fxrstor fault in the kernel. NULL: a fresh state. */
static __maybe_unused long restore_fpu(uint64_t ufpstate)
{
	struct fpu_state fpu, live;
	fpu_save(&live);
	if (!ufpstate) {
		fpu_init_state(&fpu);
	} else if (copy_from_user(&fpu, (void *)ufpstate, sizeof(fpu))) {
		return -EFAULT;
	} else {
		uint32_t mask = *(uint32_t *)&live.data[MXCSR_MASK_OFFSET];
		*(uint32_t *)&fpu.data[MXCSR_OFFSET] &= mask ? mask : MXCSR_DEFAULT_MASK;
	}
	fpu_restore(&fpu);
	return 0;
}

/* The registers the frame holds, with what user space may not choose
 * forced: user code and stack segments, only the flags it may set, and
 * a %rip the CPU can return to. */
static __maybe_unused void restore_regs(struct trap_frame *tf, const struct sigcontext *sc)
{
	tf->r8 = sc->r8;   tf->r9 = sc->r9;   tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~USER_FLAGS) | (sc->eflags & USER_FLAGS);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	/* A non-canonical %rip makes Intel's iretq fault in kernel mode:
	 * the program's SIGSEGV now, as Linux's bad_iret ends up giving it. */
	if ((uint64_t)((int64_t)(tf->rip << 16) >> 16) != tf->rip) {
		struct ksiginfo segv = { .code = SI_KERNEL };
		signal_force(SIGSEGV, &segv, false);
	}
}

/* The handler returned into its restorer, which made this call: %rsp is
 * just above the pretcode it popped. Everything in the frame came back
 * from user space and may have been changed there: the registers are
 * checked, the mask loses SIGKILL and SIGSTOP, and a frame that cannot
 * be read ends the program with SIGSEGV. */
long sys_rt_sigreturn(void)
{
	// LAB 5 BEGIN(exercise 4): restore what the frame saved, distrusting user space
	struct trap_frame *tf = task_user_regs(current);
	struct rt_sigframe *frame = (struct rt_sigframe *)(tf->rsp - sizeof(uint64_t));
	struct ucontext uc;
	if (copy_from_user(&uc, &frame->uc, sizeof(uc)) || restore_fpu((uint64_t)uc.uc_mcontext.fpstate)) {
		struct ksiginfo segv = { .code = SI_KERNEL };
		signal_force(SIGSEGV, &segv, true);
		return tf->rax;
	}
	signal_set_blocked(uc.uc_sigmask);
	restore_regs(tf, &uc.uc_mcontext);
	tf->error_code = (uint64_t)-1;     /* no system call to make again; leave through iretq */
	/* As Linux: the handler may have changed the alternate stack
	 * settings in the frame; errors other than a fault are ignored. */
	sigaltstack_set(&uc.uc_stack, tf->rsp);
	return tf->rax;
	// LAB 5 STUB: return -ENOSYS;
	// LAB 5 END
}
