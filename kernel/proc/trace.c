/* The system-call tracer (proc/trace.h): who is traced, the line of each
 * call, and where lines go.
 *
 * A traced task has a struct trace_task; the tasks traced together (one
 * prctl and everything forked from it) share a struct trace_config: the
 * filter, the output (the console or a file) and the one line that is
 * open. strace prints a call's entry when the call starts and the rest
 * when it returns; if another task prints in between, the first line ends
 * with " <unfinished ...>" and the rest comes later as "<... read
 * resumed>". The tracer keeps a call's entry text until it returns, and
 * prints it as unfinished only when another task of the same config
 * prints first: the same text strace shows, without half lines.
 *
 * Arguments are decoded in proc/trace_decode.c; a call's output arguments
 * (read's buffer, stat's struct) only after it returns. */
#include <kernel/types.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <asm/unistd.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <fs/fdtable.h>
#include <fs/file.h>
#include <fs/fs.h>
#include <mm/kmalloc.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <proc/trace_abi.h>
#include <x86/uaccess.h>
#include "syscall_names.h"      /* generated: SYSCALL_NAMES_COUNT */
#include "trace_internal.h"

#define TRACE_LINE 512
#define FILTER_WORDS ((SYSCALL_NAMES_COUNT + 63) / 64)

struct trace_config {
	int refcount;
	struct mutex lock;              /* one line at a time; pending */
	struct file *out;               /* NULL: the console */
	struct trace_task *pending;     /* whose call's entry is not printed yet */
	uint64_t filter[FILTER_WORDS];
};

struct trace_task {
	struct trace_config *cfg;
	int tid;
	bool in_call;                   /* between a traced call's entry and exit */
	bool interrupted;               /* its entry went out as "<unfinished ...>" */
	uint64_t nr, args[6];
	int resume_at;                  /* the first argument printed at exit */
	char entry[TRACE_LINE];         /* "[pid N] name(args, " */
	int entry_len;
	/* Signals taken, not shown yet (the leader's; under its siglock). */
	uint64_t signals;
	struct ksiginfo info[_NSIG];
};

/* --- configs and tasks ----------------------------------------------------------- */

/* "syscall_log": every process, on the console. */
static struct trace_config console_log = { .refcount = 1 };
static bool log_everything;

void trace_init(void)
{
	mutex_init(&console_log.lock);
	log_everything = cmdline_get("syscall_log") != NULL;
	if (log_everything)
		memset(console_log.filter, 0xff, sizeof(console_log.filter));
}

static void config_put(struct trace_config *c)
{
	if (__atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (c->out)
		file_put(c->out);
	kfree(c);
}

static struct trace_task *task_trace_new(struct trace_config *c, int tid)
{
	struct trace_task *tt = kzalloc(sizeof(*tt));
	if (!tt)
		return NULL;
	__atomic_add_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL);
	tt->cfg = c;
	tt->tid = tid;
	return tt;
}

static void task_trace_free(struct trace_task *tt)
{
	if (!tt)
		return;
	config_put(tt->cfg);
	kfree(tt);
}

/* The current task's tracing, or NULL: with syscall_log, made on first use. */
static struct trace_task *tracing(void)
{
	struct task *t = current;
	if (t->trace)
		return t->trace;
	if (log_everything)
		t->trace = task_trace_new(&console_log, t->tid);
	return t->trace;
}

static bool wanted(const struct trace_config *c, uint64_t nr)
{
	return nr >= SYSCALL_NAMES_COUNT ? c->filter[0] == ~0ull
					 : (c->filter[nr / 64] >> (nr % 64)) & 1;
}

/* --- output ------------------------------------------------------------------------ */

/* One complete line (cfg->lock held). */
static void emit(struct trace_config *c, const char *text, int len)
{
	if (!c->out) {
		printk("%s", text);
		return;
	}
	kernel_write(c->out, text, len);    /* a full disk loses trace lines, not the program's data */
}

/* The open line of another task ends as unfinished (cfg->lock held). */
static void flush_pending(struct trace_config *c)
{
	struct trace_task *p = c->pending;
	if (!p)
		return;
	char line[TRACE_LINE + 24];
	struct tbuf b = { line, 0, sizeof(line) };
	tb_printf(&b, "%s <unfinished ...>\n", p->entry);
	emit(c, line, b.len);
	p->interrupted = true;
	c->pending = NULL;
}

/* Prints a line of its own ("+++ ...", "--- ..."), ending any open one. */
static void emit_event(struct trace_task *tt, const char *text)
{
	struct trace_config *c = tt->cfg;
	char line[TRACE_LINE];
	struct tbuf b = { line, 0, sizeof(line) };
	tb_printf(&b, "[pid %d] %s\n", tt->tid, text);
	mutex_lock(&c->lock);
	flush_pending(c);
	emit(c, line, b.len);
	mutex_unlock(&c->lock);
}

/* --- a call's line ------------------------------------------------------------------- */

static void call_name(struct tbuf *b, uint64_t nr)
{
	const char *name = syscall_name(nr);
	if (name)
		tb_printf(b, "%s", name);
	else
		tb_printf(b, "syscall_%#lx", nr);
}

/* Arguments from..to-1, ", " between (an argument strace leaves out
 * takes its separator with it). */
static void append_args(struct tbuf *b, const struct trace_task *tt, int from, int to, long ret)
{
	const struct syscall_entry *e = syscall_lookup(tt->nr);
	for (int i = from; i < to; i++) {
		int mark = b->len;
		if (i > from)
			tb_printf(b, ", ");
		if (!e) {
			tb_printf(b, "%#lx", tt->args[i]);
		} else if (!trace_decode_arg(b, e, i, tt->args, ret)) {
			b->len = mark;
			b->buf[mark] = '\0';
		}
	}
}

/* " = 3", " = 0x7f0000001000" (addresses), or " = -1 ENOENT (No such
 * file or directory)". */
static void append_result(struct tbuf *b, uint64_t nr, long ret)
{
	// LAB 5 BEGIN(exercise 1): the result of a call, as strace prints it
	const struct syscall_entry *e = syscall_lookup(nr);
	if (ret < 0 && ret >= -4095 && -ret < trace_errno_count && trace_errno_names[-ret])
		tb_printf(b, " = -1 %s (%s)", trace_errno_names[-ret], trace_errno_texts[-ret]);
	else if (ret < 0 && ret >= -4095)
		tb_printf(b, " = -1 (errno %ld)", -ret);
	else if (e && e->result == TR_HEX)
		tb_printf(b, " = %#lx", ret);
	else
		tb_printf(b, " = %ld", ret);
	// LAB 5 STUB: (void)nr;
	// LAB 5 STUB: tb_printf(b, " = %ld", ret);        /* the raw register: an error is -errno */
	// LAB 5 END
}

static int output_arg(const struct syscall_entry *e)
{
	int n = e ? e->nargs : 6;
	for (int i = 0; e && i < n; i++)
		if (trace_arg_is_output(e->args[i].decode))
			return i;
	return n;
}

void trace_syscall_enter(const struct trap_frame *tf)
{
	struct trace_task *tt = tracing();
	if (!tt || !wanted(tt->cfg, tf->rax))
		return;
	const struct syscall_entry *e = syscall_lookup(tf->rax);
	int n = e ? e->nargs : 6;
	tt->nr = tf->rax;
	uint64_t args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	memcpy(tt->args, args, sizeof(args));
	tt->resume_at = output_arg(e);
	struct tbuf b = { tt->entry, 0, sizeof(tt->entry) };
	tb_printf(&b, "[pid %d] ", tt->tid);
	call_name(&b, tt->nr);
	tb_putc(&b, '(');
	append_args(&b, tt, 0, tt->resume_at, 0);
	if (tt->nr == __NR_rt_sigreturn)
		trace_sigreturn_frame(&b, tf->rsp);
	if (tt->resume_at > 0 && tt->resume_at < n)
		tb_printf(&b, ", ");
	tt->entry_len = b.len;

	struct trace_config *c = tt->cfg;
	bool returns = tt->nr != __NR_exit && tt->nr != __NR_exit_group;
	mutex_lock(&c->lock);
	if (c->pending != tt)
		flush_pending(c);
	if (returns) {
		c->pending = tt;
		tt->in_call = true;
		tt->interrupted = false;
	} else {
		tb_printf(&b, ") = ?\n");   /* it does not return */
		emit(c, b.buf, b.len);
	}
	mutex_unlock(&c->lock);
}

/* Ends tt's call line with rest: after its entry if that is still the
 * last thing printed, else as strace's "<... name resumed>" line. */
static void finish_call(struct trace_task *tt, const char *rest)
{
	char line[TRACE_LINE];
	struct tbuf b = { line, 0, sizeof(line) };
	struct trace_config *c = tt->cfg;
	mutex_lock(&c->lock);
	if (c->pending == tt) {
		c->pending = NULL;
		tb_printf(&b, "%s", tt->entry);
	} else {
		flush_pending(c);
		tb_printf(&b, "[pid %d] <... ", tt->tid);
		call_name(&b, tt->nr);
		tb_printf(&b, " resumed>");
	}
	tb_printf(&b, "%s\n", rest);
	if (b.buf[b.len - 1] != '\n')
		b.buf[b.len - 1] = '\n';       /* a line cut at TRACE_LINE still ends */
	emit(c, b.buf, b.len);
	mutex_unlock(&c->lock);
}

void trace_syscall_exit(long ret)
{
	struct trace_task *tt = current->trace;
	/* A SIGKILL ends the task before its call returns ("= ?" at
	 * trace_exit); any other fatal signal is taken on the way back to
	 * user mode, after the call's result, as strace sees it. */
	if (!tt || !tt->in_call || (current->group_exiting && (current->exit_status & 0x7f) == SIGKILL))
		return;
	tt->in_call = false;
	/* What comes after the entry, decoded before taking the lock: it
	 * reads user memory, which may sleep on a fault. */
	const struct syscall_entry *e = syscall_lookup(tt->nr);
	char rest[TRACE_LINE];
	struct tbuf r = { rest, 0, sizeof(rest) };
	rest[0] = '\0';
	append_args(&r, tt, tt->resume_at, e ? e->nargs : 6, ret);
	tb_putc(&r, ')');
	if (!trace_decode_result(&r, tt->nr, tt->args, ret))
		append_result(&r, tt->nr, ret);

	finish_call(tt, rest);
}

/* --- processes and signals ---------------------------------------------------------- */

int trace_fork(struct task *parent, struct task *child)
{
	if (!parent->trace)
		return 0;
	child->trace = task_trace_new(parent->trace->cfg, child->tid);
	return child->trace ? 0 : -ENOMEM;
}

void trace_release(struct task *t)
{
	/* Under t's siglock: trace_signal reads a process leader's tracing
	 * under it, from another task. */
	uint64_t flags = spin_lock_irqsave(&t->siglock);
	struct trace_task *tt = t->trace;
	t->trace = NULL;
	spin_unlock_irqrestore(&t->siglock, flags);
	task_trace_free(tt);
}

/* "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---" */
static void show_signal(struct trace_task *tt, int sig, const struct ksiginfo *info)
{
	char text[TRACE_LINE];
	struct tbuf b = { text, 0, sizeof(text) };
	tb_printf(&b, "--- ");
	trace_signal_name(&b, sig);
	tb_printf(&b, " {si_signo=");
	trace_signal_name(&b, sig);
	tb_printf(&b, ", si_code=");
	const char *code = trace_lookup(sig == SIGCHLD && info->code > 0 ? trace_cld_codes : trace_si_codes,
					(uint64_t)(int64_t)info->code);
	if (code)
		tb_printf(&b, "%s", code);
	else
		tb_printf(&b, "%d", info->code);
	/* strace's fields: who sent it for a signal from a process (codes
	 * <= 0), the address for a fault, the child for SIGCHLD. */
	if (info->code == SI_TIMER)
		trace_timer_siginfo(&b, info);
	else if (info->code <= 0)
		tb_printf(&b, ", si_pid=%d, si_uid=%d", info->pid, info->uid);
	else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)
		tb_printf(&b, info->addr ? ", si_addr=%#lx" : ", si_addr=NULL", info->addr);
	else if (sig == SIGCHLD)
		tb_printf(&b, ", si_pid=%d, si_uid=%d", info->pid, info->uid);
	if (sig == SIGCHLD && info->code > 0) {
		tb_printf(&b, ", si_status=");
		if (info->code == CLD_EXITED)
			tb_printf(&b, "%d", info->status);
		else
			trace_signal_name(&b, info->status);
		tb_printf(&b, ", si_utime=0, si_stime=0");
	}
	tb_printf(&b, "} ---");
	emit_event(tt, text);
}

void trace_signal(struct task *proc, int sig, const struct ksiginfo *info)
{
	struct trace_task *tt = proc->trace;
	if (!tt || sig == SIGKILL || sig < 1 || sig > _NSIG)
		return;                 /* SIGKILL is never shown: strace sees only the death */
	tt->signals |= 1ull << (sig - 1);
	tt->info[sig - 1] = *info;
}

/* Shows the signals t's process took since the last look. The process's
 * record is its leader's, read under the leader's siglock (the leader may
 * be exiting); the lines go out under t's own tracing. */
static void show_signals(struct task *t)
{
	struct task *proc = t->group_leader;
	if (!t->trace)
		return;
	for (;;) {
		struct ksiginfo info;
		uint64_t flags = spin_lock_irqsave(&proc->siglock);
		struct trace_task *pt = proc->trace;
		int sig = pt && pt->signals ? __builtin_ctzll(pt->signals) + 1 : 0;
		if (sig) {
			info = pt->info[sig - 1];
			pt->signals &= ~(1ull << (sig - 1));
		}
		spin_unlock_irqrestore(&proc->siglock, flags);
		if (!sig)
			return;
		show_signal(t->trace, sig, &info);
	}
}

void trace_signal_taken(struct task *t, int sig, const struct ksiginfo *info)
{
	if (!t->trace)
		return;
	struct task *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	trace_signal(proc, sig, info);
	spin_unlock_irqrestore(&proc->siglock, flags);
	show_signals(t);
}

void trace_user_return(struct task *t)
{
	show_signals(t);
}

/* A call the task dies in, as strace ends it: "kill(5, SIGKILL) = ?", or
 * "read(3,  <unfinished ...>) = ?" when what it would print after the
 * call will never come. */
static void end_unreturned_call(struct trace_task *tt)
{
	if (!tt->in_call)
		return;
	tt->in_call = false;
	const struct syscall_entry *e = syscall_lookup(tt->nr);
	bool more = tt->resume_at < (e ? e->nargs : 6);
	finish_call(tt, more ? " <unfinished ...>) = ?" : ") = ?");
}

void trace_exit(struct task *t, int status)
{
	struct trace_task *tt = t->trace;
	if (!tt)
		return;
	show_signals(t);
	char text[64];
	struct tbuf b = { text, 0, sizeof(text) };
	if ((status & 0x7f) == 0) {
		tb_printf(&b, "+++ exited with %d +++", (status >> 8) & 0xff);
	} else {
		tb_printf(&b, "+++ killed by ");
		trace_signal_name(&b, status & 0x7f);
		tb_printf(&b, status & 0x80 ? " (core dumped) +++" : " +++");
	}
	end_unreturned_call(tt);
	emit_event(tt, text);
	trace_release(t);
}

/* --- turning it on ------------------------------------------------------------------- */

long trace_prctl(long fd, uint64_t filter, uint64_t filter_bytes)
{
	struct task *t = current;
	if (fd == TRACE_OFF) {
		trace_release(t);
		return 0;
	}
	if (filter_bytes > FILTER_WORDS * 8)
		return -EINVAL;
	struct trace_config *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	mutex_init(&c->lock);
	if (filter && copy_from_user(c->filter, (const void *)filter, filter_bytes)) {
		kfree(c);
		return -EFAULT;
	}
	if (!filter)
		memset(c->filter, 0xff, sizeof(c->filter));
	if (fd != TRACE_TO_CONSOLE) {
		c->out = fd_get(fd);    /* our own reference: the caller may close fd */
		long err = !c->out || !file_writable(c->out) ? -EBADF : 0;
		/* A pipe could fill while its reader, traced too, waits for the
		 * lock held by the writer: only files and devices. */
		if (!err && !S_ISREG(c->out->inode->mode) && !S_ISCHR(c->out->inode->mode))
			err = -EINVAL;
		if (err) {
			if (c->out)
				file_put(c->out);
			kfree(c);
			return err;
		}
	}
	struct trace_task *tt = task_trace_new(c, t->tid);
	config_put(c);              /* tt holds it now */
	if (!tt)
		return -ENOMEM;
	trace_release(t);
	uint64_t flags = spin_lock_irqsave(&t->siglock);
	t->trace = tt;
	spin_unlock_irqrestore(&t->siglock, flags);
	return 0;
}
