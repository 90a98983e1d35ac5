/* The tracer's decoders for the NUMA calls (mm/mempolicy.c): policy
 * modes with their flags, node masks, mbind's and move_pages' flags, and
 * move_pages' arrays, as strace prints them (proc/trace_internal.h).
 *
 * strace shows an array of words, ints or addresses the same way for all
 * of these: NULL, "[]" when it has no element, the address alone when
 * its first element cannot be read (nor, after a failed call, what the
 * call was to write), the elements read then "..." and the address of
 * the first unreadable one in a comment when a later one cannot, and at
 * most 32 elements, then "...". */
#include <kernel/types.h>
#include <linux/mempolicy.h>
#include <x86/uaccess.h>
#include "trace_internal.h"

/* The modes are an enum in the UAPI header: the names are the enum's. */
#define MODE(m) { m, #m }
static const struct trace_name mpol_modes[] = {
	MODE(MPOL_DEFAULT), MODE(MPOL_PREFERRED), MODE(MPOL_BIND), MODE(MPOL_INTERLEAVE),
	MODE(MPOL_LOCAL), MODE(MPOL_PREFERRED_MANY), { 0, NULL }
};

/* Flags in the table's order; what no name covers in hex, or all of it
 * with strace's "unknown" comment when no name matches. */
static void flags_in_order(struct tbuf *b, const struct trace_name *table, uint64_t v)
{
	uint64_t left = v;
	bool first = true;
	for (const struct trace_name *n = table; n->name; n++)
		if (n->value && (left & n->value) == n->value) {
			tb_printf(b, "%s%s", first ? "" : "|", n->name);
			left &= ~n->value;
			first = false;
		}
	if (first && v)
		tb_printf(b, "%#lx /* MPOL_??? */", v);
	else if (first)
		tb_putc(b, '0');
	else if (left)
		tb_printf(b, "|%#lx", left);
}

void trace_mpol_flags(struct tbuf *b, const struct trace_name *table, uint64_t v)
{
	flags_in_order(b, table, v);
}

void trace_mpol_mode(struct tbuf *b, uint64_t arg)
{
	uint64_t flags = arg & MPOL_MODE_FLAGS, mode = arg & ~(uint64_t)MPOL_MODE_FLAGS;
	const char *name = trace_lookup(mpol_modes, mode);
	if (!flags && name) {
		tb_printf(b, "%s", name);
	} else if (!flags) {
		tb_printf(b, "%#lx /* MPOL_??? */", mode);
	} else if (!name) {
		flags_in_order(b, trace_mpol_mode_flags, arg);
	} else {
		tb_printf(b, "%s|", name);
		flags_in_order(b, trace_mpol_mode_flags, flags);
	}
}

void trace_mpol_mode_out(struct tbuf *b, uint64_t uaddr)
{
	int mode;
	if (!uaddr || copy_from_user(&mode, (const void *)uaddr, sizeof(mode))) {
		tb_printf(b, uaddr ? "%#lx" : "NULL", uaddr);
		return;
	}
	const char *name = trace_lookup(mpol_modes, (unsigned)mode);
	if (name)
		tb_printf(b, "[%s]", name);
	else
		tb_printf(b, "[%#x /* MPOL_??? */]", (unsigned)mode);
}

enum element { WORD, INT, ADDR, STATUS };

static void element(struct tbuf *b, enum element kind, uint64_t v)
{
	int i = (int)v;
	switch (kind) {
	case WORD:      /* printf's "%#016lx": no 0x for 0 */
		tb_printf(b, v ? "0x%014lx" : "%016lx", v);
		break;
	case INT:
		tb_printf(b, "%d", i);
		break;
	case ADDR:
		tb_printf(b, v ? "%#lx" : "NULL", v);
		break;
	case STATUS:    /* a node, or an error as -ENAME */
		if (i < 0 && -i < trace_errno_count && trace_errno_names[-i])
			tb_printf(b, "-%s", trace_errno_names[-i]);
		else
			tb_printf(b, "%d", i);
		break;
	}
}

/* n elements of size bytes at uaddr; failed: the call failed, so what it
 * was to write is not shown. */
static void array(struct tbuf *b, uint64_t uaddr, uint64_t n, unsigned size, enum element kind, bool failed)
{
	if (!uaddr) {
		tb_printf(b, "NULL");
		return;
	}
	if (!n) {
		tb_printf(b, "[]");
		return;
	}
	if (n > ~0ull / size || uaddr + n * size <= uaddr) {
		tb_printf(b, "%#lx", uaddr);
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t at = uaddr + i * size, v = 0;
		if (i == TRACE_STRLEN) {
			tb_printf(b, ", ...");
			break;
		}
		if (failed || copy_from_user(&v, (const void *)at, size)) {
			if (i == 0) {
				tb_printf(b, "%#lx", uaddr);
				return;
			}
			tb_printf(b, ", ... /* %#lx */", at);
			break;
		}
		tb_printf(b, i ? ", " : "[");
		element(b, kind, size == 4 ? (uint64_t)(uint32_t)v : v);
	}
	tb_putc(b, ']');
}

void trace_nodemask(struct tbuf *b, uint64_t uaddr, uint64_t maxnode, bool failed)
{
	/* Words for maxnode - 1 bits; a count that wraps, or none for a
	 * maxnode of 1, shows the address. */
	uint64_t words = (maxnode + 62) / 64;
	if (words < maxnode / 64 || (maxnode && !words)) {
		tb_printf(b, uaddr ? "%#lx" : "NULL", uaddr);
		return;
	}
	array(b, uaddr, words, sizeof(uint64_t), WORD, failed);
}

void trace_page_addrs(struct tbuf *b, uint64_t uaddr, uint64_t n)
{
	array(b, uaddr, n, sizeof(uint64_t), ADDR, false);
}

void trace_page_nodes(struct tbuf *b, uint64_t uaddr, uint64_t n)
{
	array(b, uaddr, n, sizeof(int), INT, false);
}

void trace_page_status(struct tbuf *b, uint64_t uaddr, uint64_t n, bool failed)
{
	array(b, uaddr, n, sizeof(int), STATUS, failed);
}
