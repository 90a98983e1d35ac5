/* The signal frame: what the kernel pushes on the user stack to run a
 * handler, and what rt_sigreturn takes back (proc/sigframe.c). Linux's
 * x86_64 layout, from the UAPI's struct ucontext and siginfo_t, so that
 * glibc and musl (and a debugger unwinding through a handler) read it.
 *
 *     higher addresses: the interrupted code's stack, its red zone (128)
 *     fxsave area, 512 bytes, 64-byte aligned  <- uc_mcontext.fpstate
 *     siginfo_t info                           <- handler's 2nd argument
 *     struct ucontext uc                       <- handler's 3rd argument
 *     pretcode: sa_restorer                    <- %rsp at handler entry
 *
 * %rsp + 8 is a multiple of 16 at handler entry, as after a call. */
#pragma once
#include <kernel/types.h>

struct trap_frame;
struct ksiginfo;
struct k_sigaction;

/* Builds the frame for sig's handler on the user stack (or the
 * alternate one) and points tf at the handler. old_mask goes into the
 * frame: rt_sigreturn puts it back. 0, or -EFAULT if the frame could not
 * be written (the caller then forces SIGSEGV), or -ENOSYS if the kernel
 * builds no frames (the lab's starting point: the handler is skipped). */
long sigframe_build(struct trap_frame *tf, int sig, const struct ksiginfo *info,
		    const struct k_sigaction *ka, uint64_t old_mask);
