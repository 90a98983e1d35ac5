/* The hook for page faults that are not bugs.
 *
 * In Lab 2 there are none: no process has an address space yet, so every
 * page fault is a kernel bug and trap.c reports it. Later labs resolve
 * faults here, before the report:
 *   - Lab 3: a user process's bad access kills it with SIGSEGV;
 *     copy-on-write after fork copies the shared frame on the first write;
 *   - Lab 4: demand paging loads file and anonymous pages on first touch. */
#include <mm/mm.h>

bool vm_handle_fault(uint64_t addr, uint64_t error_code, struct trap_frame *tf)
{
	(void)addr;
	(void)error_code;
	(void)tf;
	return false;
}
