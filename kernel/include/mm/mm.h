/* Memory management at boot, and the page-fault hook later labs fill in. */
#pragma once
#include <kernel/types.h>
#include <x86/trap.h>

/* From the boot loader's memory map to a frame allocator, the kernel's own
 * page tables and a heap. start_info_pa: PVH start_info (physical). */
void mm_init(uint64_t start_info_pa);

/* Page-fault error code bits (the CPU pushes them with #PF). */
#define PF_PRESENT  0x01    /* 0: page not present; 1: protection violation */
#define PF_WRITE    0x02
#define PF_USER     0x04
#define PF_RSVD     0x08
#define PF_FETCH    0x10

/* Tries to resolve a page fault (a user fault, copy-on-write, a page not
 * loaded yet...). Returns true if the faulting access can be retried;
 * false means it is a bug, reported by the caller. */
bool vm_handle_fault(uint64_t addr, uint64_t error_code, struct trap_frame *tf);
/* Whether a fault vm_handle_fault() could not resolve hit a file mapping
 * past the end of its file (an access the region allows): SIGBUS. */
bool vm_fault_past_eof(uint64_t addr, uint64_t error_code);

/* Makes the user page at addr present (and writable if write), as the
 * program's own access would; no locks may be held that a file fault
 * takes (inode->lock). False if the access would be the program's error. */
bool vm_fault_in(uint64_t addr, bool write);
