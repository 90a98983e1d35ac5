/* /proc/cpuinfo: one block per CPU, from the CPUID instruction, as Linux
 * 6.1's arch/x86/kernel/cpu/proc.c prints it. The CPUs QEMU gives are
 * alike, so CPUID on this CPU describes them all; each block has its own
 * processor number and APIC id. Flags are the CPUID bits under Linux's
 * names (cpufeatures.h); Linux's synthetic flags (constant_tsc, nopl,
 * cpuid...), which say what the kernel found out rather than what CPUID
 * says, are not shown, and nor are bugs. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <x86/percpu.h>
#include "system.h"

/* A CPUID register's bits: names[i] for bit i (NULL: not shown). */
struct flag_word {
	uint32_t leaf, sub;
	int reg;                    /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	const char *names[32];
};

/* In Linux's order of words: 1.edx, 80000001.edx, 1.ecx, 80000001.ecx,
 * 7.ebx, 0xd:1.eax, 80000008.ebx, 6.eax, 7.ecx, 7.edx. */
static const struct flag_word flag_words[] = {
	{ 1, 0, 3, { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL,
		     "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts",
		     "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe" } },
	{ 0x80000001, 0, 3, { [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
			      [25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
			      [30] = "3dnowext", [31] = "3dnow" } },
	{ 1, 0, 2, { "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
		     "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca",
		     "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
		     "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor" } },
	{ 0x80000001, 0, 2, { "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
			      "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit",
			      "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL, "tbm",
			      "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc",
			      "perfctr_llc", "mwaitx" } },
	{ 7, 0, 1, { "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2",
		     "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq",
		     "rdseed", "adx", "smap", "avx512ifma", NULL, "clflushopt", "clwb", "intel_pt",
		     "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl" } },
	{ 0xd, 1, 0, { "xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd" } },
	{ 0x80000008, 0, 1, { "clzero", "irperf", "xsaveerptr", NULL, "rdpru", [9] = "wbnoinvd" } },
	{ 6, 0, 0, { "dtherm", "ida", "arat", NULL, "pln", NULL, "pts" } },
	{ 7, 0, 2, { NULL, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", NULL,
		     "gfni", "vaes", "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme",
		     "avx512_vpopcntdq", NULL, "la57", [22] = "rdpid", [24] = "bus_lock_detect",
		     [25] = "cldemote", [27] = "movdiri", [28] = "movdir64b", [29] = "enqcmd",
		     [30] = "sgx_lc" } },
	{ 7, 0, 3, { [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
		     [8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
		     [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt",
		     [22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8",
		     [27] = "intel_stibp", [28] = "flush_l1d", [29] = "arch_capabilities",
		     [30] = "core_capabilities", [31] = "spec_ctrl_ssbd" } },
};

/* 80000007.edx, the "power management" line. */
static const char *const power_names[] = {
	"ts", "fid", "vid", "ttp", "tm", "stc", "100mhzsteps", "hwpstate", "", "cpb",
	"eff_freq_ro", "proc_feedback", "acc_power",
};

struct cpu_ident {
	uint32_t max_leaf, max_ext;
	char vendor[13], model_name[49];
	unsigned family, model, stepping, clflush, cache_kb, phys_bits, virt_bits;
};

static uint32_t cpuid_reg(uint32_t leaf, uint32_t sub, int reg)
{
	uint32_t r[4];
	cpuid(leaf, sub, r);
	return r[reg];
}

static bool leaf_exists(const struct cpu_ident *id, uint32_t leaf)
{
	return leaf >= 0x80000000 ? leaf <= id->max_ext : leaf <= id->max_leaf;
}

/* The brand string without the spaces Intel pads it with. */
static void read_model_name(struct cpu_ident *id)
{
	char s[49] = "";
	if (id->max_ext >= 0x80000004)
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, (uint32_t *)(s + 16 * i));
	s[48] = '\0';
	const char *p = s;
	while (*p == ' ')
		p++;
	strlcpy(id->model_name, *p ? p : "unknown", sizeof(id->model_name));
	size_t n = strlen(id->model_name);
	while (n > 0 && id->model_name[n - 1] == ' ')
		id->model_name[--n] = '\0';
}

static void identify(struct cpu_ident *id)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	id->max_leaf = r[0];
	memcpy(id->vendor, &r[1], 4);
	memcpy(id->vendor + 4, &r[3], 4);
	memcpy(id->vendor + 8, &r[2], 4);
	id->vendor[12] = '\0';
	id->max_ext = cpuid_reg(0x80000000, 0, 0);
	cpuid(1, 0, r);
	id->stepping = r[0] & 0xf;
	id->model = (r[0] >> 4) & 0xf;
	id->family = (r[0] >> 8) & 0xf;
	if (id->family == 0xf)
		id->family += (r[0] >> 20) & 0xff;
	if (id->family >= 6)
		id->model += ((r[0] >> 16) & 0xf) << 4;
	id->clflush = ((r[1] >> 8) & 0xff) * 8;
	read_model_name(id);
	id->cache_kb = id->max_ext >= 0x80000006 ? cpuid_reg(0x80000006, 0, 2) >> 16 : 0;
	uint32_t sizes = id->max_ext >= 0x80000008 ? cpuid_reg(0x80000008, 0, 0) : 0;
	id->phys_bits = sizes ? (sizes & 0xff) : 36;
	id->virt_bits = sizes ? ((sizes >> 8) & 0xff) : 48;
}

static void print_flags(struct pbuf *b, const struct cpu_ident *id)
{
	pbuf_printf(b, "flags\t\t:");
	for (size_t w = 0; w < sizeof(flag_words) / sizeof(flag_words[0]); w++) {
		const struct flag_word *fw = &flag_words[w];
		if (!leaf_exists(id, fw->leaf))
			continue;
		uint32_t bits = cpuid_reg(fw->leaf, fw->sub, fw->reg);
		for (int i = 0; i < 32; i++)
			if ((bits & (1u << i)) && fw->names[i])
				pbuf_printf(b, " %s", fw->names[i]);
	}
	pbuf_printf(b, "\n");
}

static void print_power(struct pbuf *b, const struct cpu_ident *id)
{
	pbuf_printf(b, "power management:");
	uint32_t bits = leaf_exists(id, 0x80000007) ? cpuid_reg(0x80000007, 0, 3) : 0;
	for (unsigned i = 0; i < 32; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (i < sizeof(power_names) / sizeof(power_names[0]))
			pbuf_printf(b, "%s%s", power_names[i][0] ? " " : "", power_names[i]);
		else
			pbuf_printf(b, " [%u]", i);
	}
	pbuf_printf(b, "\n\n");
}

static void show_one(struct pbuf *b, const struct cpu_ident *id, int n)
{
	uint64_t khz = tsc_khz();
	pbuf_printf(b, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		    "model name\t: %s\nstepping\t: %u\n",
		    n, id->vendor, id->family, id->model, id->model_name, id->stepping);
	pbuf_printf(b, "cpu MHz\t\t: %lu.%03lu\n", khz / 1000, khz % 1000);
	if (id->cache_kb)
		pbuf_printf(b, "cache size\t: %u KB\n", id->cache_kb);
	pbuf_printf(b, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n"
		    "apicid\t\t: %u\ninitial apicid\t: %u\n",
		    ncpus, n, ncpus, cpus[n].apic_id, cpus[n].apic_id);
	pbuf_printf(b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n", id->max_leaf);
	print_flags(b, id);
	/* Linux's BogoMIPS on x86 is twice the TSC's MHz (the delay loop counts TSC cycles). */
	pbuf_printf(b, "bugs\t\t:\nbogomips\t: %lu.%02lu\n", khz * 2 / 1000, khz * 2 / 10 % 100);
	pbuf_printf(b, "clflush size\t: %u\ncache_alignment\t: %u\n"
		    "address sizes\t: %u bits physical, %u bits virtual\n",
		    id->clflush, id->clflush, id->phys_bits, id->virt_bits);
	print_power(b, id);
}

int cpuinfo_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	struct cpu_ident id;
	identify(&id);
	for (int n = 0; n < ncpus; n++)
		if (cpus[n].online)
			show_one(b, &id, n);
	return 0;
}
