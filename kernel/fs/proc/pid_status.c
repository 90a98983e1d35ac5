/* /proc/PID/status: the process described in "Name:\tvalue" lines, in
 * Linux 6.1's order (fs/proc/array.c: proc_pid_status). Linux 6.8 and
 * later add "Kthread:" and 6.4 "untag_mask:"; those are not here. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/percpu.h>
#include <x86/memlayout.h>
#include "proc.h"

static void print_ids(struct pbuf *b, const char *name, uint32_t r, uint32_t e, uint32_t s, uint32_t fs)
{
	pbuf_printf(b, "%s:\t%u\t%u\t%u\t%u\n", name, r, e, s, fs);
}

static void print_kb(struct pbuf *b, const char *name, uint64_t bytes)
{
	pbuf_printf(b, "%s:\t%8lu kB\n", name, bytes / 1024);
}

static void print_memory(struct pbuf *b, const struct proc_mm_info *m)
{
	print_kb(b, "VmPeak", m->vsize);
	print_kb(b, "VmSize", m->vsize);
	print_kb(b, "VmLck", 0);
	print_kb(b, "VmPin", 0);
	print_kb(b, "VmHWM", m->resident * PAGE_SIZE);
	print_kb(b, "VmRSS", m->resident * PAGE_SIZE);
	print_kb(b, "RssAnon", m->resident * PAGE_SIZE);
	print_kb(b, "RssFile", 0);
	print_kb(b, "RssShmem", 0);
	print_kb(b, "VmData", m->data);
	print_kb(b, "VmStk", m->stack);
	print_kb(b, "VmExe", m->end_code - m->start_code);
	print_kb(b, "VmLib", m->exec > m->end_code - m->start_code ? m->exec - (m->end_code - m->start_code) : 0);
	print_kb(b, "VmPTE", 0);
	print_kb(b, "VmSwap", 0);
	pbuf_printf(b, "HugetlbPages:\t%8u kB\n", 0);
}

/* Cpus_allowed_list: "0-3", or the CPUs one by one where there are holes. */
static void print_cpu_list(struct pbuf *b, uint64_t mask)
{
	const char *sep = "";
	for (int i = 0; i < ncpus; i++) {
		if (!(mask >> i & 1))
			continue;
		int j = i;
		while (j + 1 < ncpus && (mask >> (j + 1) & 1))
			j++;
		if (j > i)
			pbuf_printf(b, "%s%d-%d", sep, i, j);
		else
			pbuf_printf(b, "%s%d", sep, i);
		sep = ",";
		i = j;
	}
	pbuf_putc(b, '\n');
}

static void print_signals(struct pbuf *b, const struct proc_task_info *in)
{
	pbuf_printf(b, "SigQ:\t0/%u\n", 3717u);
	pbuf_printf(b, "SigPnd:\t%016lx\n", in->pending);
	pbuf_printf(b, "ShdPnd:\t%016lx\n", in->shared_pending);
	pbuf_printf(b, "SigBlk:\t%016lx\n", in->blocked);
	pbuf_printf(b, "SigIgn:\t%016lx\n", in->ignored);
	pbuf_printf(b, "SigCgt:\t%016lx\n", in->caught);
}

static void print_caps(struct pbuf *b, const struct proc_task_info *in)
{
	/* Root has every capability; others none (proc/cred.h). */
	uint64_t all = 0x1ffffffffffull;
	uint64_t eff = in->euid == 0 ? all : 0, prm = in->euid == 0 || in->suid == 0 || in->uid == 0 ? all : 0;
	pbuf_printf(b, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
		    0ul, prm, eff, all, 0ul);
	pbuf_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", in->no_new_privs);
	pbuf_printf(b, "Speculation_Store_Bypass:\tvulnerable\n");
	pbuf_printf(b, "SpeculationIndirectBranch:\talways enabled\n");
}

int proc_pid_status(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct proc_task_info in;
	struct proc_mm_info m;
	int err = proc_task_info(ctx, &in);
	if (!err)
		err = proc_mm_info(ctx, &m);
	if (err)
		return err;
	pbuf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", in.comm, in.umask, proc_state_name(in.state));
	pbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", in.pid,
		    ctx->tid ? in.tid : in.pid, in.ppid);
	print_ids(b, "Uid", in.uid, in.euid, in.suid, in.fsuid);
	print_ids(b, "Gid", in.gid, in.egid, in.sgid, in.fsgid);
	pbuf_printf(b, "FDSize:\t%d\nGroups:\t", 64);
	for (int i = 0; i < in.ngroups; i++)
		pbuf_printf(b, i ? " %u" : "%u", in.groups[i]);
	/* Linux's trailing space ("shouldn't have been added", array.c). */
	pbuf_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", in.pid,
		    ctx->tid ? in.tid : in.pid, in.pgid, in.sid);
	if (m.has_mm) {
		print_memory(b, &m);
		pbuf_printf(b, "CoreDumping:\t0\nTHP_enabled:\t1\n");
	}
	pbuf_printf(b, "Threads:\t%d\n", in.threads);
	print_signals(b, &in);
	print_caps(b, &in);
	uint64_t mask = in.cpus_allowed ? in.cpus_allowed : (ncpus >= 64 ? ~0ul : (1ul << ncpus) - 1);
	pbuf_printf(b, "Cpus_allowed:\t%lx\nCpus_allowed_list:\t", mask);
	print_cpu_list(b, mask);
	pbuf_printf(b, "Mems_allowed:\t");
	for (int i = 0; i < 31; i++)
		pbuf_printf(b, "00000000,");
	pbuf_printf(b, "00000001\nMems_allowed_list:\t0\n");
	pbuf_printf(b, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n", in.nvcsw, in.nivcsw);
	return 0;
}
