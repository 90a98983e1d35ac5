/* System calls: the table indexed by Linux's numbers, and the entry from
 * user mode (arch/x86_64/syscall.S). */
#pragma once
#include <kernel/types.h>
#include <x86/trap.h>

/* Every handler takes the six argument registers; each uses what it
 * needs, with its own types (SYSCALL_ENTRY casts). */
typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Linux's name for syscall number nr (from the UAPI headers), or NULL. */
const char *syscall_name(uint64_t nr);

/* Loads this CPU's syscall MSRs. */
void syscall_init_cpu(void);

/* Called by syscall.S; returns nonzero to leave through iretq. */
int syscall_dispatch(struct trap_frame *tf);
