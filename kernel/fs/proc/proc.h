/* /proc's own declarations: the tables the files of fs/proc/ fill in and
 * the helpers the per-process files share (fs/proc/pid_common.c). */
#pragma once
#include <kernel/types.h>
#include <fs/pseudofs.h>
#include <linux/stat.h>

struct task;

/* /proc/PID/ and /proc/PID/task/TID/ (pid.c). */
extern const struct pseudo_entry proc_pid_dir, proc_tid_dir;
/* /proc's list of processes, and /proc/PID/task's of threads (pid.c). */
extern const struct pseudo_list proc_pid_list, proc_task_list;
/* /proc/PID/fd and fdinfo (pid_fd.c). */
extern const struct pseudo_list proc_fd_list, proc_fdinfo_list;

/* The files, one show (or store, link) function each. */
int proc_pid_stat(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_statm(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_status(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_comm(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_comm_store(const struct pseudo_ctx *ctx, const char *data, size_t len);
int proc_pid_cmdline(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_environ(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_auxv(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_maps(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_limits(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_timers(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_oom_score_adj(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_oom_score_adj_store(const struct pseudo_ctx *ctx, const char *data, size_t len);
int proc_exe_link(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_cwd_link(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_root_link(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_exe_follow(const struct pseudo_ctx *ctx, struct path *result);
int proc_cwd_follow(const struct pseudo_ctx *ctx, struct path *result);
int proc_root_follow(const struct pseudo_ctx *ctx, struct path *result);
int proc_fd_follow(const struct pseudo_ctx *ctx, struct path *result);

/* May the caller look inside ctx's process (pid_access.c)? 0 or -EACCES. */
int proc_may_access(const struct pseudo_ctx *ctx);

/* --- pid_files.c -------------------------------------------------------------- */

struct file;
struct mount;
/* Prints what a link to f shows: its path (" (deleted)" if removed),
 * "pipe:[ino]", "anon_inode:[pidfd]"... */
void proc_print_file(struct pbuf *b, struct file *f);
void proc_print_path(struct pbuf *b, const struct path *p);
/* The path a magic link to f leads to (referenced). */
int proc_file_target(struct file *f, struct path *result);
/* The file behind descriptor fd of ctx's process, referenced, or NULL. */
struct file *proc_fd_file(const struct pseudo_ctx *ctx, long fd, bool *cloexec);
/* A mount's id as /proc/PID/mountinfo and fdinfo show it. */
int proc_mnt_id(const struct mount *m);
/* The mount table (mounts.c). */
int proc_pid_mounts(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_pid_mountinfo(struct pbuf *b, const struct pseudo_ctx *ctx);
int proc_mounts_link(struct pbuf *b, const struct pseudo_ctx *ctx);

/* --- pid_common.c ----------------------------------------------------------- */

/* The state letter ps shows (R, S, Z, T) and its name in status. */
char proc_state_letter(struct task *t);
const char *proc_state_name(char letter);
/* What a process's (tid 0) or a thread's files report about it, read
 * under tasklist_lock in one go so the fields agree. */
struct proc_task_info {
	char comm[16];
	char state;
	int pid, tid, ppid, pgid, sid, tty_nr, tpgid;
	int threads;
	uint32_t uid, euid, suid, fsuid, gid, egid, sgid, fsgid;
	int ngroups;
	uint32_t groups[32];
	uint64_t utime, stime, cutime, cstime;      /* ns */
	uint64_t minflt, nvcsw, nivcsw;
	int nice, policy, rt_priority, exit_signal, processor;
	uint64_t start_ns;
	uint64_t blocked, pending, shared_pending, ignored, caught;
	unsigned umask;
	uint64_t cpus_allowed;
	bool no_new_privs;
};
/* Fills *info about the task of ctx: -ESRCH if it is gone. */
int proc_task_info(const struct pseudo_ctx *ctx, struct proc_task_info *info);
struct mm;
/* The address space of ctx's process in *mm, referenced (mm_put it), or
 * NULL for one that has none left (a zombie); -ESRCH if it is gone. */
int proc_task_mm(const struct pseudo_ctx *ctx, struct mm **mm);
/* Linux's clock ticks (USER_HZ 100) from ns. */
static inline uint64_t proc_ticks(uint64_t ns) { return ns / 10000000ull; }

/* --- pid_mm.c ----------------------------------------------------------------- */

/* A process's memory in bytes (resident: pages), all 0 without an mm. */
struct proc_mm_info {
	bool has_mm;
	uint64_t vsize, data, stack, exec, resident;
	uint64_t start_code, end_code, start_data, end_data, start_stack;
	uint64_t start_brk, brk, arg_start, arg_end, env_start, env_end;
};
int proc_mm_info(const struct pseudo_ctx *ctx, struct proc_mm_info *m);
