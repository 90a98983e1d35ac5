/* /sys/devices/system/cpu: which CPUs exist and run. glibc's get_nprocs()
 * (and so sysconf(_SC_NPROCESSORS_ONLN), nproc, every thread pool sized
 * to the machine) reads `online`; get_nprocs_conf() lists the cpuN
 * directories. Each list is a range list like "0-3".
 *
 *   possible  CPUs that could ever run (Kestrel: those ACPI lists)
 *   present   CPUs that are there (the same: no hot-plug)
 *   online    CPUs that run now (started by smp.c)
 *   cpuN/     one directory per CPU; cpuN/online (1 or 0) for N > 0, as on
 *             x86 Linux, where the boot CPU cannot be taken offline. */
#include <kernel/types.h>
#include <kernel/format.h>
#include <linux/limits.h>
#include <x86/percpu.h>
#include "sysfs.h"

void cpulist_print(struct pbuf *b, uint64_t mask)
{
	// LAB 7 BEGIN(exercise 5): print mask's CPUs as ranges ("0-3", "0,2-3") and a newline
	const char *sep = "";
	for (int first = 0; first < 64; first++) {
		if (!(mask & (1ull << first)))
			continue;
		int last = first;
		while (last + 1 < 64 && (mask & (1ull << (last + 1))))
			last++;
		if (last == first)
			pbuf_printf(b, "%s%d", sep, first);
		else
			pbuf_printf(b, "%s%d-%d", sep, first, last);
		sep = ",";
		first = last;
	}
	pbuf_printf(b, "\n");
	// LAB 7 STUB: (void)mask;
	// LAB 7 STUB: pbuf_printf(b, "\n");
	// LAB 7 END
}

static uint64_t online_mask(void)
{
	uint64_t mask = 0;
	for (int c = 0; c < ncpus; c++)
		if (cpus[c].online)
			mask |= 1ull << c;
	return mask;
}

static uint64_t present_mask(void)
{
	return ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
}

static int show_online(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; cpulist_print(b, online_mask()); return 0; }
static int show_present(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; cpulist_print(b, present_mask()); return 0; }
static int show_offline(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	cpulist_print(b, present_mask() & ~online_mask());
	return 0;
}

/* The highest CPU number the kernel could ever use. */
static int show_kernel_max(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	pbuf_printf(b, "%d\n", MAX_CPUS - 1);
	return 0;
}

static int show_cpu_online(struct pbuf *b, const struct pseudo_ctx *c)
{
	pbuf_printf(b, "%d\n", c->item < ncpus && cpus[c->item].online ? 1 : 0);
	return 0;
}

static const struct pseudo_entry cpuN_children[] = {
	SYSFS_FILE("online", show_cpu_online),
	{ 0 },
};
static const struct pseudo_entry cpu0_children[] = {
	{ 0 },
};

/* cpu0 has no online file: the directory's table depends on the item,
 * so cpu0 is a static entry and the list starts at cpu1. */
static long next_cpu(const struct pseudo_ctx *dir, long from)
{
	(void)dir;
	if (from < 1)
		from = 1;
	return from < ncpus ? from : -1;
}

static void cpu_name(long item, char *buf)
{
	ksnprintf(buf, NAME_MAX + 1, "cpu%ld", item);
}

static long parse_cpu(const char *name)
{
	if (name[0] != 'c' || name[1] != 'p' || name[2] != 'u' || !name[3])
		return -1;
	long n = 0;
	for (const char *p = name + 3; *p; p++) {
		if (*p < '0' || *p > '9' || n > MAX_CPUS || (p == name + 3 && *p == '0' && p[1]))
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n >= 1 && n < ncpus ? n : -1;
}

static const struct pseudo_entry cpuN_dir = SYSFS_DIR(NULL, cpuN_children);

const struct pseudo_list sysfs_cpu_list = {
	.next = next_cpu, .entry = &cpuN_dir, .name = cpu_name, .parse = parse_cpu,
};

const struct pseudo_entry sysfs_cpu_children[] = {
	SYSFS_DIR("cpu0", cpu0_children),
	SYSFS_FILE("kernel_max", show_kernel_max),
	SYSFS_FILE("offline", show_offline),
	SYSFS_FILE("online", show_online),
	SYSFS_FILE("possible", show_present),
	SYSFS_FILE("present", show_present),
	{ 0 },
};
