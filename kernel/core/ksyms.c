/* Looking up kernel symbols. The table itself is generated at build time
 * from the linked kernel (scripts/mksyms.py) and placed in the .ksyms
 * section: addresses sorted ascending, each with an offset into a block of
 * NUL-terminated names. */
#include <kernel/types.h>
#include <kernel/ksyms.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addresses[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char _etext[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	// LAB 1 BEGIN(exercise 4): binary search for the last symbol <= addr
	uint64_t n = ksyms_count;
	if (n == 0 || addr < ksyms_addresses[0] || addr >= (uint64_t)_etext)
		return NULL;
	uint64_t lo = 0, hi = n;        /* invariant: answer in [lo, hi) */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - ksyms_addresses[lo];
	return ksyms_names + ksyms_name_offsets[lo];
	// LAB 1 STUB: return NULL;
	// LAB 1 END
}
