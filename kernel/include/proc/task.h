/* Tasks: the unit the scheduler runs, modelled on Linux's task_struct.
 *
 * A task is one thread of execution: registers (saved on its kernel
 * stack), a state, a tid. Everything a thread may share with others hangs
 * off it as a separately reference-counted object:
 *
 *     mm        the address space                (CLONE_VM shares it)
 *     files     the file-descriptor table        (CLONE_FILES)
 *     fs        cwd, root directory, umask       (CLONE_FS)
 *     sighand   the signal handlers              (CLONE_SIGHAND)
 *
 * fork() copies each part; the later clone() flags share them instead, so
 * threads need no new structure. A thread group (a "process" to the user)
 * is the tasks sharing a tgid, which is the group leader's tid: getpid()
 * returns the tgid, gettid() the tid. Kernel threads have no mm. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <kernel/mutex.h>
#include <x86/percpu.h>
#include <x86/trap.h>
#include <x86/fpu.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <proc/cred.h>
#include <linux/resource.h>

enum task_state {
	TASK_RUNNING,       /* running, or waiting in the run queue */
	TASK_SLEEPING,      /* waiting for a wake-up (wait.h) */
	TASK_ZOMBIE,        /* exited; its parent has not collected the status yet */
};

struct mm;
struct trace_task;
struct mempolicy;

/* CPU time split into user and system time, in ns. */
struct cputime {
	uint64_t utime, stime;
};
/* What getrusage reports about a task or its reaped children. */
struct usage {
	struct cputime time;
	uint64_t nvcsw, nivcsw, minflt;
	uint64_t maxrss_kb;         /* the largest resident set seen (for children: the largest child's) */
};

/* Signals 1.._NSIG (Linux's in-kernel name; the UAPI's NSIG is the old 32). */
#define _NSIG 64
/* What each signal does (struct sigaction in the kernel's own form). */
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};
struct sighand {
	int refcount;
	struct spinlock lock;
	struct k_sigaction action[_NSIG];
};
/* A pending signal's siginfo: the fields Kestrel's senders fill in
 * (proc/signal.h turns it into the user's siginfo_t). */
struct ksiginfo {
	int code;                   /* SI_USER, SI_TKILL, CLD_EXITED... */
	union {
		struct { int pid, uid; };   /* the sender (SIGCHLD: the child) */
		struct { int timerid, overrun; };   /* SI_TIMER: the POSIX timer, its overruns */
	};
	union {
		int status;                 /* SIGCHLD: exit code or signal */
		int from_timer;             /* SI_TIMER: 1 if a kernel timer sent it (not sigqueue) */
	};
	uint64_t addr;              /* faults (SIGSEGV, SIGBUS...): the address */
	uint64_t value;             /* rt_sigqueueinfo (SI_QUEUE): the sigval */
};
/* Signals generated but not yet taken. A standard signal does not queue:
 * a second one while the first is pending is lost, and the siginfo kept
 * is the first's. Kestrel keeps real-time signals the same way. */
struct sigpending {
	uint64_t set;               /* bit sig - 1 */
	struct ksiginfo info[_NSIG];
};

struct task {
	uint64_t saved_rsp;         /* kernel %rsp while switched out: must stay first (switch.S) */
	int tid;
	int tgid;                   /* the thread group: the leader's tid */
	char name[16];
	volatile enum task_state state;

	/* Scheduling (sched.c, protected by the scheduler's lock). */
	bool on_rq;                 /* running or in the run queue; false while asleep */
	volatile bool on_cpu;       /* its registers are live on some CPU */
	struct list_head run_link;
	struct cpu *cpu;            /* where it runs, or ran last */
	int slice;                  /* timer ticks left before preemption */
	uint64_t switches;          /* times it was switched in */

	void *kstack_top;           /* its kernel stack (kstack.c), NULL for the boot task */

	struct mm *mm;
	/* Nonzero while the task copies user memory holding a lock that a
	 * file mapping's fault takes (filemap.c): such a fault fails instead
	 * (mm/fault.c), the copy comes up short, and the caller faults the
	 * page in with the lock let go. */
	int file_faults_off;
	struct files *files;
	struct fs *fs;
	struct sighand *sighand;
	uint64_t blocked;           /* signal mask (rt_sigprocmask) */
	uint64_t fs_base, gs_base;  /* user %fs/%gs bases (TLS): arch_prctl */
	struct fpu_state *fpu;      /* user tasks: SSE registers while switched out */
	uint64_t clear_child_tid;   /* set_tid_address */
	uint64_t robust_list;       /* set_robust_list */
	uint64_t set_child_tid;     /* clone(CLONE_CHILD_SETTID): written when the child first runs */
	struct vfork_completion *vfork_done;    /* a vfork child: its parent waits on this */
	int pgid, sid;              /* process group and session (the leader's count: proc/pgrp.c) */
	bool did_exec;              /* has run execve: setpgid from the parent is refused */
	int pdeath_signal;          /* prctl(PR_SET_PDEATHSIG): not inherited by fork */
	bool dumpable;              /* prctl(PR_SET_DUMPABLE) */
	bool no_new_privs;          /* prctl(PR_SET_NO_NEW_PRIVS): inherited, kept by execve */
	struct rlimit64 rlim[RLIM_NLIMITS];     /* the process's: the leader's counts */

	/* Credentials (proc/cred.h): who the task acts as. All zero (root)
	 * for the first process; copied by fork, changed by set-id execve
	 * and the set*id calls (commit_creds, under tasklist_lock). */
	struct cred cred;

	/* Family (exit.c, protected by the task list lock). */
	struct task *parent;
	struct list_head children;
	struct list_head sibling;   /* in parent->children */
	struct task *group_leader;
	struct list_head thread_link;   /* in group_leader->threads */
	struct list_head threads;
	struct wait_queue child_exit;   /* a child of this task changed state */
	int exit_status;            /* wait4's encoding: code << 8, or the signal */
	volatile bool group_exiting;    /* exit_group: every thread leaves at its next return */
	struct list_head all_link;  /* in the list of all tasks */
	int usage;                  /* references (task_get): the struct is freed at 0 */
	uint64_t start_ns;          /* CLOCK_MONOTONIC when it was made (/proc/PID/stat's starttime) */
	int oom_score_adj;          /* the leader's: /proc/PID/oom_score_adj, kept and inherited, never used */
	int exit_signal;            /* sent to the parent at exit: clone's CSIGNAL, SIGCHLD for fork */
	bool detached;              /* ended with no parent to wait for it: the reaper frees it */

	/* Signals sent to the process (the leader's fields: proc/signal.c).
	 * The leader's siglock guards the shared set, every thread's own
	 * set (pending, below) and, against exit dropping it, each thread's
	 * sighand pointer; lock order: tasklist_lock, siglock, sighand->lock. */
	struct spinlock siglock;
	struct sigpending shared_pending;   /* to the process: kill, SIGCHLD, SIGALRM, the tty */
	struct wait_queue signal_wait;  /* sleepers in rt_sigtimedwait */
	int signal_target_tid;          /* the round robin for process-directed signals starts at this thread (proc/signal_target.c) */

	/* Signals to this one thread (Lab 6, proc/signal_send.c): tgkill,
	 * tkill, its own faults and SIGPIPE; guarded by the leader's siglock.
	 * The thread takes these before the shared set's. */
	struct sigpending pending;

	/* Job control (proc/jobctl.c): the leader's, under its siglock. */
	int stop_signal;            /* a stop by default action, taken at the next return to user mode */
	bool stopped;               /* stopped, until SIGCONT or a fatal signal */
	int stop_code;              /* the signal that stopped it (wait4's status) */
	bool stop_unreported;       /* WUNTRACED has not reported this stop yet */
	bool cont_unreported;       /* WCONTINUED has not reported the continue yet */
	bool stop_told;             /* Lab 6: every thread has stopped and the parent knows */
	bool stop_parked;           /* Lab 6, each thread's: asleep in the group stop */

	uint64_t restart_deadline;  /* restart_syscall: where an interrupted nanosleep ends, or 0 */
	uint64_t restart_rem;       /* ... and where it tells the time left (a user pointer, or 0) */

	/* Lab 6, futex (proc/futex_syscall.c): a FUTEX_WAIT with a timeout that
	 * a stop cut short, resumed by restart_syscall up to restart_deadline. */
	uint32_t *restart_futex;    /* the word, or NULL: the call was not a futex wait */
	uint32_t restart_futex_val, restart_futex_bitset;
	bool restart_futex_private;

	/* Signal delivery (proc/signal_deliver.c, sigframe.c, sigaltstack.c)
	 * and the process's ITIMER_REAL (time/itimer.c, the leader's). */
	uint64_t saved_sigmask;     /* rt_sigsuspend, ppoll, pselect6: the mask to put back... */
	bool restore_sigmask;       /* ...after the next handler's frame saved it, or at return */
	uint64_t sas_ss_sp, sas_ss_size;    /* sigaltstack: the alternate stack (size 0: none) */
	unsigned sas_ss_flags;      /* as sigaltstack was given them (SS_AUTODISARM...) */
	struct timer itimer_real;   /* SIGALRM: alarm, setitimer(ITIMER_REAL) */
	uint64_t itimer_interval;   /* its reload in ns, 0 for a one-shot */
	/* POSIX timers (time/posix_timers.c), the leader's: the list changes
	 * under posix_timers_lock and siglock both (a timer's signal taken
	 * looks its timer up under siglock), ids and count under siglock. */
	struct mutex posix_timers_lock;
	struct list_head posix_timers;
	int posix_timer_next_id;
	int posix_timer_count;

	/* CPU time and scheduling parameters (proc/cputime.c, syscall/sched_calls.c). */
	uint64_t mode_start_ns;     /* CLOCK_MONOTONIC when it last changed mode or was switched in */
	struct cputime time;        /* user and system time, up to mode_start_ns */
	uint64_t nvcsw, nivcsw;     /* switches away: it slept / it was preempted */
	uint64_t minflt;            /* page faults it took */
	uint64_t maxrss_kb;         /* its largest resident set seen so far (cputime_sample_rss) */
	struct usage children_usage;    /* the leader's: reaped children, with their own children */
	int policy;                 /* SCHED_OTHER... as set; every policy is scheduled alike */
	int rt_priority;            /* sched_param's priority: 1..99 for SCHED_FIFO and SCHED_RR */
	int nice;                   /* -20..19 */
	bool reset_on_fork;         /* SCHED_RESET_ON_FORK */
	uint64_t cpus_allowed;      /* sched_setaffinity's mask (0: all CPUs), obeyed by proc/sched.c */
	struct mempolicy *mempolicy;    /* set_mempolicy's (mm/mempolicy.h), referenced; NULL: MPOL_DEFAULT */

	/* Thread groups (Lab 6: proc/fork.c, exit.c, execve.c), the leader's,
	 * under tasklist_lock: how many of its threads (itself included)
	 * have not exited, and where an execve waits for the others to go. */
	int group_live;
	struct wait_queue group_wait;
	/* What its threads that have ended used (Linux keeps these sums in
	 * the signal_struct): with the live threads', the process's usage
	 * (proc/cputime.h process_usage), which getrusage, times, the
	 * process CPU clocks, wait4 and /proc report. */
	struct usage exited_threads_usage;

	/* The system-call tracer (Lab 5, proc/trace.c): NULL when not traced. */
	struct trace_task *trace;

#ifdef CONFIG_LOCKDEP
	struct held_locks held_mutexes; /* the mutexes it holds (kernel/lockdep.h) */
#endif
};

/* A user task's user-mode registers: every entry from user mode starts
 * at the top of the task's kernel stack, so that is where they are. */
static inline struct trap_frame *task_user_regs(struct task *t)
{
	return (struct trap_frame *)t->kstack_top - 1;
}

/* The task running on this CPU. */
static inline struct task *current_task(void) { return this_cpu()->task; }
#define current current_task()

/* The lock for the task list, parent/child links and pid lookups. */
extern struct spinlock tasklist_lock;
extern struct list_head all_tasks;

struct task *task_alloc(const char *name, bool with_kstack);
/* Makes t visible: in its thread group and the list of all tasks. */
void task_add(struct task *t);
void task_add_locked(struct task *t);   /* the same, tasklist_lock held */
/* Drops t's mm, files, fs and sighand (exit does it early; task_free
 * does it for tasks that never ran). */
void task_release_parts(struct task *t);
void task_free(struct task *t);
/* References that keep a task's struct (not its parts: mm, files, fs go
 * at exit) readable while the holder sleeps: /proc's show functions.
 * task_free drops the task's own one; the last task_put frees it. */
void task_get(struct task *t);
void task_put(struct task *t);
/* The task with this tid (a zombie too, until it is collected),
 * referenced, or NULL. */
struct task *task_get_by_tid(int tid);
/* The task's mm, files or fs, referenced (mm_put, files_put, fs_put), or
 * NULL once it has exited: they change (execve, exit) under tasklist_lock. */
struct mm *task_get_mm(struct task *t);
struct files *task_get_files(struct task *t);
struct fs *task_get_fs(struct task *t);
/* User tasks get room for their SSE registers. */
int task_alloc_fpu(struct task *t);
/* Pids are 2..PID_MAX-1 (1 is the first process's), as Linux's pid_max. */
#define PID_MAX 32768
int pid_alloc(void);
/* The pid handed out last, and how many were (every fork, clone and
 * kernel thread since boot: /proc/loadavg and /proc/stat's processes). */
int pid_latest(void);
/* Tasks (threads included) that exist now: sysinfo's procs, /proc/loadavg. */
unsigned nr_tasks(void);
uint64_t pid_total_forks(void);

/* Whether process group pgid has a member in session sid (proc/pgrp.c). */
bool pgrp_in_session(int pgid, int sid);
/* Is group pgid orphaned: no member has a parent in another group of the
 * same session (POSIX; Linux's is_orphaned_pgrp)? tasklist_lock held. */
bool pgrp_orphaned(int pgid);
/* A living process by pid (its leader, which may have ended while other
 * threads run on, as in Linux), or NULL. tasklist_lock held. */
struct task *process_by_pid(int pid);
/* A vfork child lets its parent go on: at execve or exit (proc/fork.c). */
void vfork_release(struct task *t);
/* Linux's default resource limits, for the first process (syscall/rlimit.c). */
void rlimits_init(struct rlimit64 *rlim);
struct sighand *sighand_alloc(void);
struct sighand *sighand_copy(struct sighand *s);
void sighand_put(struct sighand *s);
/* CLONE_SIGHAND: one more task shares s. */
struct sighand *sighand_get(struct sighand *s);
/* CLONE_CLEAR_SIGHAND: caught signals back to SIG_DFL (ignored ones stay). */
void sighand_clear_handlers(struct sighand *s);

/* The task that adopts orphans: the first user process (pid 1). */
extern struct task *init_task;
