/* The tracer's parts, shared by proc/trace.c (who traces, where lines go,
 * the line of one call), proc/trace_decode.c (each argument as strace
 * prints it) and proc/trace_tables.c (names from the UAPI headers). */
#pragma once
#include <kernel/types.h>
#include <syscall/syscall.h>

/* One name of a table generated from the UAPI headers (scripts/tracetables.py);
 * a table ends with a NULL name. */
struct trace_name {
	uint64_t value;
	const char *name;
};

extern const struct trace_name trace_open_flags[], trace_at_flags[], trace_prot_flags[],
	trace_map_types[], trace_map_flags[], trace_clone_flags[], trace_signals[], trace_sa_flags[],
	trace_sigprocmask_how[], trace_seek_whence[], trace_arch_prctl_codes[], trace_rlimit_resources[],
	trace_prctl_options[], trace_ioctl_cmds[], trace_fcntl_cmds[], trace_getrandom_flags[],
	trace_futex_ops[], trace_clock_ids[], trace_madvise_advice[], trace_wait_options[],
	trace_poll_events[], trace_cld_codes[], trace_si_codes[], trace_file_types[], trace_access_modes[],
	trace_statx_masks[], trace_statx_attributes[], trace_statx_sync_types[], trace_itimer_which[],
	trace_timer_flags[], trace_sigev_notify[],
	trace_mpol_mode_flags[], trace_get_mempolicy_flags[], trace_mbind_flags[], trace_move_pages_flags[];
extern const char *const trace_errno_names[], *const trace_errno_texts[];
extern const int trace_errno_count;

/* A line being built: appends past the end are dropped, never overflow. */
struct tbuf {
	char *buf;
	int len, cap;
};
void tb_printf(struct tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_putc(struct tbuf *b, char c);

/* Names from a table. */
const char *trace_lookup(const struct trace_name *table, uint64_t value);
void trace_enum(struct tbuf *b, const struct trace_name *table, uint64_t value);
void trace_flags(struct tbuf *b, const struct trace_name *table, uint64_t value);
void trace_signal_name(struct tbuf *b, int sig);
void trace_octal(struct tbuf *b, uint64_t v);        /* 022, 0644, 000 */

/* User memory as strace shows it: len bytes at uaddr (len < 0: up to the
 * NUL), quoted and escaped, the first 32 then "..."; the address in hex
 * if it cannot be read. */
#define TRACE_STRLEN 32
void trace_string(struct tbuf *b, uint64_t uaddr, long len);
/* A file name: strace shows it whole (up to PATH_MAX), up to the NUL or
 * at most len bytes (len >= 0). */
void trace_path(struct tbuf *b, uint64_t uaddr, long len);

/* The NUMA calls' arguments (proc/trace_numa.c): a policy mode and its
 * flags, the mode get_mempolicy wrote, a node mask of maxnode - 1 bits,
 * MPOL_* flags, move_pages' arrays of n addresses, nodes and statuses.
 * failed: the call failed, so what it was to write is not shown. */
void trace_mpol_mode(struct tbuf *b, uint64_t arg);
void trace_mpol_mode_out(struct tbuf *b, uint64_t uaddr);
void trace_nodemask(struct tbuf *b, uint64_t uaddr, uint64_t maxnode, bool failed);
void trace_mpol_flags(struct tbuf *b, const struct trace_name *table, uint64_t v);
void trace_page_addrs(struct tbuf *b, uint64_t uaddr, uint64_t n);
void trace_page_nodes(struct tbuf *b, uint64_t uaddr, uint64_t n);
void trace_page_status(struct tbuf *b, uint64_t uaddr, uint64_t n, bool failed);

/* POSIX timers' arguments (proc/trace_timers.c): a struct sigevent, the
 * id timer_create wrote ("[0]"), a struct itimerspec; and the fields of
 * a timer's signal after si_code. */
void trace_sigevent(struct tbuf *b, uint64_t uaddr);
void trace_timer_id(struct tbuf *b, uint64_t uaddr);
void trace_itimerspec(struct tbuf *b, uint64_t uaddr);
struct ksiginfo;
void trace_timer_siginfo(struct tbuf *b, const struct ksiginfo *info);

/* Is argument kind k written by the call (printed after it returns)? */
bool trace_arg_is_output(enum trace_arg_kind k);
/* Appends argument i of call e; returns false if strace leaves it out
 * (openat's mode without O_CREAT). ret is the result, for output arguments. */
bool trace_decode_arg(struct tbuf *b, const struct syscall_entry *e, int i, const uint64_t args[6], long ret);

/* Appends " = ..." for results strace prints its own way (umask's in
 * octal, poll's revents, fcntl's flags) and returns true; false for the
 * others (append_result in proc/trace.c). */
/* rt_sigreturn's argument as strace shows it, "{mask=[...]}": the mask the
 * frame at the caller's stack pointer (the ucontext, the restorer's
 * return address popped) is about to restore. */
void trace_sigreturn_frame(struct tbuf *b, uint64_t rsp);
bool trace_decode_result(struct tbuf *b, uint64_t nr, const uint64_t args[6], long ret);
