/* The console tty: COM1 as a terminal, with a small version of Linux's
 * line discipline (n_tty). The receive interrupt runs typed bytes through
 * input processing, echo and line editing into an input ring; read()
 * sleeps until a line (canonical mode) or bytes (raw mode) are ready. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <linux/major.h>
#include <fs/chrdev.h>
#include <fs/file.h>
#include <fs/poll.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <time/clock.h>
#include <x86/pic.h>
#include <x86/serial.h>
#include <x86/trap.h>
#include <x86/uaccess.h>
#include <drivers/tty.h>

#define TTY_BUF 4096            /* a power of two: indices wrap by masking */
#define MASK (TTY_BUF - 1)
#define CHUNK 256

/* What each byte in the ring is, for canonical reads. */
enum { CH_DATA, CH_EOL, CH_EOF };   /* EOL: ends a line, read with it; EOF: ends one, not read */

struct tty {
	struct spinlock lock;       /* all below; the receive interrupt takes it too */
	struct termios termios;
	struct winsize winsize;
	int session;                /* the session it is the controlling tty of, or 0 */
	int pgrp;                   /* that session's foreground process group */
	uint64_t pending_signals;   /* 1 << (sig - 1) for ^C ^\ ^Z typed, not sent yet */

	/* The input ring. Indices count up forever and are masked on use:
	 * [tail, canon) can be read; [canon, head) is the line being edited
	 * in canonical mode (in raw mode canon == head). */
	uint8_t buf[TTY_BUF];
	uint8_t kind[TTY_BUF];
	uint32_t tail, canon, head;

	struct wait_queue read_wait;    /* woken when canon moves */
	struct mutex read_lock;         /* one reader at a time: lines are not split */
};

static struct tty console;

#define L(t, flag) ((t)->termios.c_lflag & (flag))
#define I(t, flag) ((t)->termios.c_iflag & (flag))

/* --- output -------------------------------------------------------------- */

/* Writes s to the console through the output flags (OPOST: ONLCR turns
 * "\n" into "\r\n", OCRNL "\r" into "\n"). No tty lock: oflag is one word,
 * and the console lock keeps each piece whole. */
static void output(struct tty *t, const char *s, size_t n)
{
	unsigned oflag = __atomic_load_n(&t->termios.c_oflag, __ATOMIC_RELAXED);
	char out[128];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (k + 2 > sizeof(out)) {
			console_write_raw(out, k);
			k = 0;
		}
		if (oflag & OPOST) {
			if (c == '\n' && (oflag & ONLCR))
				out[k++] = '\r';
			else if (c == '\r' && (oflag & OCRNL))
				c = '\n';
		}
		out[k++] = c;
	}
	console_write_raw(out, k);
}

static bool is_ctrl(uint8_t c)
{
	return c < ' ' || c == 0x7f;
}

/* How c shows when echoed: ECHOCTL draws control characters as ^X
 * (DEL as ^?), except tab and newline, which move the cursor. */
static bool shows_as_caret(struct tty *t, uint8_t c)
{
	return L(t, ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n';
}

static void echo(struct tty *t, uint8_t c)
{
	if (shows_as_caret(t, c)) {
		char s[2] = { '^', c ^ 0x40 };
		output(t, s, 2);
	} else {
		output(t, (char *)&c, 1);
	}
}

/* --- input: the line discipline (runs in the interrupt, lock held) --------- */

/* Is c the control character cc[i]? A cc of 0 (_POSIX_VDISABLE) is off. */
static bool is_cc(struct tty *t, int i, uint8_t c)
{
	return t->termios.c_cc[i] != 0 && c == t->termios.c_cc[i];
}

static uint32_t room(struct tty *t)
{
	return TTY_BUF - (t->head - t->tail);
}

static void store(struct tty *t, uint8_t c, uint8_t kind)
{
	t->buf[t->head & MASK] = c;
	t->kind[t->head & MASK] = kind;
	t->head++;
	if (!L(t, ICANON) || kind != CH_DATA)
		t->canon = t->head;     /* readable now */
}

static void flush_input(struct tty *t)
{
	t->tail = t->canon = t->head;
}

/* Takes the last character of the line being edited back, rubbing it out
 * on the screen with ECHOE ("\b \b", twice for a ^X). A tab is rubbed out
 * as one column: the tty does not track the cursor. */
static bool erase_one(struct tty *t)
{
	if (t->head == t->canon)
		return false;
	t->head--;
	uint8_t c = t->buf[t->head & MASK];
	if (L(t, ECHO) && L(t, ECHOE)) {
		for (int i = shows_as_caret(t, c) ? 2 : 1; i > 0; i--)
			output(t, "\b \b", 3);
	}
	return true;
}

static bool last_is_space(struct tty *t)
{
	uint8_t c = t->buf[(t->head - 1) & MASK];
	return c == ' ' || c == '\t';
}

/* ^W: the spaces before the cursor, then the word before them. */
static void erase_word(struct tty *t)
{
	while (t->head != t->canon && last_is_space(t))
		erase_one(t);
	while (t->head != t->canon && !last_is_space(t))
		erase_one(t);
}

/* ^U: the whole line. ECHOKE rubs it out character by character;
 * otherwise the kill character is echoed, then a newline with ECHOK. */
static void kill_line(struct tty *t, uint8_t c)
{
	if (L(t, ECHO) && L(t, ECHOK) && L(t, ECHOKE) && L(t, ECHOE)) {
		while (erase_one(t))
			;
		return;
	}
	t->head = t->canon;
	if (L(t, ECHO)) {
		echo(t, c);
		if (L(t, ECHOK))
			output(t, "\n", 1);
	}
}

/* ^C ^\ ^Z under ISIG: recorded for the foreground process group
 * (send_typed_signals sends them once the tty lock is released), the
 * input flushed as Linux does unless NOFLSH, and the character echoed. */
static bool signal_char(struct tty *t, uint8_t c)
{
	int sig = is_cc(t, VINTR, c) ? SIGINT : is_cc(t, VQUIT, c) ? SIGQUIT :
		  is_cc(t, VSUSP, c) ? SIGTSTP : 0;
	if (!sig)
		return false;
	t->pending_signals |= 1ull << (sig - 1);
	if (!L(t, NOFLSH))
		flush_input(t);
	if (L(t, ECHO))
		echo(t, c);
	return true;
}

/* Canonical mode's editing and line ends; false for an ordinary character.
 * Backspace (^H) erases as well as VERASE (DEL): serial terminals send
 * either. */
static bool canon_char(struct tty *t, uint8_t c)
{
	if (is_cc(t, VERASE, c) || c == '\b') {
		erase_one(t);
	} else if (is_cc(t, VKILL, c)) {
		kill_line(t, c);
	} else if (L(t, IEXTEN) && is_cc(t, VWERASE, c)) {
		erase_word(t);
	} else if (is_cc(t, VEOF, c)) {
		if (room(t) > 0)
			store(t, c, CH_EOF);    /* not echoed, as in Linux */
	} else if (c == '\n' || is_cc(t, VEOL, c) || is_cc(t, VEOL2, c)) {
		if (room(t) == 0)
			return true;
		if (L(t, ECHO) || (c == '\n' && L(t, ECHONL)))
			echo(t, c);
		store(t, c, CH_EOL);
	} else {
		return false;
	}
	return true;
}

/* One byte from the UART. */
static void receive(struct tty *t, uint8_t c)
{
	if (I(t, ISTRIP))
		c &= 0x7f;
	if (c == '\r') {
		if (I(t, IGNCR))
			return;
		if (I(t, ICRNL))
			c = '\n';
	} else if (c == '\n' && I(t, INLCR)) {
		c = '\r';
	}
	if (L(t, ISIG) && signal_char(t, c))
		return;
	if (L(t, ICANON) && canon_char(t, c))
		return;
	/* Canonical mode keeps the last byte free for the line's end. */
	if (room(t) <= (L(t, ICANON) ? 1u : 0u))
		return;
	if (L(t, ECHO))
		echo(t, c);
	store(t, c, CH_DATA);
}

/* SIGINT, SIGQUIT, SIGTSTP for the keys typed, to the foreground
 * process group (if the tty is a session's), from the kernel (SI_KERNEL)
 * as Linux's n_tty sends them. */
static void send_typed_signals(uint64_t sigs, int pgrp)
{
	if (!sigs || pgrp <= 0)
		return;
	struct ksiginfo info = { .code = SI_KERNEL, .pid = 0, .uid = 0 };
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	for (int sig = 1; sig <= _NSIG; sig++)
		if (sigs & (1ull << (sig - 1)))
			signal_pgrp(pgrp, sig, &info);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

static void tty_interrupt(struct trap_frame *tf)
{
	struct tty *t = &console;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	uint32_t canon = t->canon;
	int c;
	while ((c = serial_getc()) >= 0)
		receive(t, c);
	bool ready = t->canon != canon;
	uint64_t sigs = t->pending_signals;
	int pgrp = t->session ? t->pgrp : 0;
	t->pending_signals = 0;
	spin_unlock_irqrestore(&t->lock, flags);
	if (ready)
		wake_up_all(&t->read_wait);
	send_typed_signals(sigs, pgrp);
}

/* --- job control: reads and writes from a background process group --------- */

/* Linux's __tty_check_change: a process of a background group of the
 * tty's session that reads (sig SIGTTIN), or writes with TOSTOP set
 * (SIGTTOU), stops its whole group: the signal goes to the group and the
 * call returns -ERESTARTSYS, made again once the group is continued in
 * the foreground. If the signal is ignored or blocked the read fails
 * with EIO and the write goes ahead; an orphaned group, which nobody
 * would continue, gets EIO. 0: go on. */
static long background_check(struct tty *t, int sig)
{
	struct task *me = current->group_leader;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	bool background = t->session && t->session == me->sid && t->pgrp > 0 && t->pgrp != me->pgid;
	spin_unlock_irqrestore(&t->lock, flags);
	if (!background)
		return 0;
	struct k_sigaction act;
	bool ignored = (current->blocked & SIGMASK(sig)) ||
		       (signal_action(me, sig, &act) && act.handler == (uint64_t)SIG_IGN);
	if (ignored)
		return sig == SIGTTIN ? -EIO : 0;
	long ret = -ERESTARTSYS;
	struct ksiginfo info = { .code = SI_KERNEL, .pid = 0, .uid = 0 };
	flags = spin_lock_irqsave(&tasklist_lock);
	if (pgrp_orphaned(me->pgid))
		ret = -EIO;
	else
		signal_pgrp(me->pgid, sig, &info);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* --- reading --------------------------------------------------------------- */

/* Moves up to max readable bytes to dst, lock held. In canonical mode it
 * stops after a line's end and sets *line_end; an EOF mark ends the line
 * without being copied, so ^D on an empty line reads as 0 bytes. */
static size_t take(struct tty *t, char *dst, size_t max, bool *line_end)
{
	bool canonical = L(t, ICANON);
	uint32_t end = canonical ? t->canon : t->head;
	size_t n = 0;
	while (t->tail != end && n < max) {
		uint32_t i = t->tail++ & MASK;
		if (canonical && t->kind[i] == CH_EOF) {
			*line_end = true;
			break;
		}
		dst[n++] = t->buf[i];
		if (canonical && t->kind[i] == CH_EOL) {
			*line_end = true;
			break;
		}
	}
	return n;
}

/* Copies what is readable to the reader, up to a line's end in canonical
 * mode. Bytes taken out under the lock go to user memory without it (the
 * copy may fault and sleep). */
static ssize_t copy_available(struct tty *t, struct uio *u, bool *line_end)
{
	size_t done = 0;
	while (u->resid > 0 && !*line_end) {
		char chunk[CHUNK];
		uint64_t flags = spin_lock_irqsave(&t->lock);
		size_t n = take(t, chunk, u->resid < CHUNK ? u->resid : CHUNK, line_end);
		spin_unlock_irqrestore(&t->lock, flags);
		if (n == 0)
			break;
		size_t got = uio_copy_out(u, chunk, n);
		done += got;
		if (got < n)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

static bool input_ready(struct tty *t)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	bool ready = t->tail != (L(t, ICANON) ? t->canon : t->head);
	spin_unlock_irqrestore(&t->lock, flags);
	return ready;
}

/* Canonical mode: a line (or what fits of it). Raw mode, by VMIN and
 * VTIME (tenths of a second), as POSIX describes:
 *   MIN 0, TIME 0  whatever is there, maybe nothing
 *   MIN 0, TIME t  the first bytes to come within t, else 0
 *   MIN m, TIME 0  at least m bytes (or all asked for), however long
 *   MIN m, TIME t  as above, but give up t after the last byte came. */
static ssize_t tty_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct tty *t = &console;
	size_t asked = u->resid, done = 0;
	bool line_end = false;
	ssize_t ret = background_check(t, SIGTTIN);
	if (ret)
		return ret;
	mutex_lock(&t->read_lock);
	for (;;) {
		ret = copy_available(t, u, &line_end);
		if (ret < 0) {
			ret = done ? (ssize_t)done : ret;
			break;
		}
		done += ret;
		ret = done;
		if (line_end || u->resid == 0)
			break;

		uint64_t flags = spin_lock_irqsave(&t->lock);
		bool canonical = L(t, ICANON);
		size_t vmin = t->termios.c_cc[VMIN], vtime = t->termios.c_cc[VTIME];
		spin_unlock_irqrestore(&t->lock, flags);
		uint64_t deadline = WAIT_FOREVER;
		if (canonical) {
			if (done > 0)
				break;          /* a partial line (left from raw mode) */
		} else {
			if (done >= (vmin < asked ? vmin : asked) && (done > 0 || vtime == 0))
				break;
			if (vtime > 0 && (vmin == 0 || done > 0))
				deadline = clock_now_ns() + vtime * 100000000ull;
		}
		if (f->flags & O_NONBLOCK) {
			if (done == 0)
				ret = -EAGAIN;
			break;
		}
		long err = wait_event_interruptible(&t->read_wait, input_ready(t), deadline);
		if (err == -ERESTARTSYS && done == 0)
			ret = err;          /* a signal: made again after a stop */
		if (err)
			break;
	}
	mutex_unlock(&t->read_lock);
	return ret;
}

long tty_read_line_nowait(char *buf, size_t size)
{
	struct tty *t = &console;
	bool line_end = false;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	if (t->tail == t->canon) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EAGAIN;
	}
	size_t n = take(t, buf, size - 1, &line_end);
	while (!line_end && t->tail != t->canon) {   /* drop what does not fit */
		char c;
		take(t, &c, 1, &line_end);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

/* As Linux's n_tty_poll: readable when a read would not block, which
 * in raw mode with VTIME 0 means VMIN bytes are there; writable always
 * (output is written synchronously). The receive interrupt and termios
 * changes wake read_wait, the one queue that can change the answer. */
static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = &console;
	poll_wait(&t->read_wait, pt);
	uint64_t flags = spin_lock_irqsave(&t->lock);
	bool readable;
	if (L(t, ICANON)) {
		readable = t->tail != t->canon;
	} else {
		uint32_t vmin = t->termios.c_cc[VMIN], vtime = t->termios.c_cc[VTIME];
		uint32_t need = vtime == 0 && vmin > 0 ? vmin : 1;
		readable = t->head - t->tail >= need;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return (readable ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* --- writing and ioctl ----------------------------------------------------- */

static ssize_t tty_write(struct file *f, struct uio *u, uint64_t *pos)
{
	size_t done = 0;
	uint64_t flags = spin_lock_irqsave(&console.lock);
	bool tostop = L(&console, TOSTOP);
	spin_unlock_irqrestore(&console.lock, flags);
	long err = tostop ? background_check(&console, SIGTTOU) : 0;
	if (err)
		return err;
	while (u->resid > 0) {
		char chunk[CHUNK];
		size_t n = u->resid < CHUNK ? u->resid : CHUNK;
		size_t got = uio_copy_in(u, chunk, n);
		output(&console, chunk, got);
		done += got;
		if (got < n)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

/* TCSETS*: switching canonical mode off makes the line being edited
 * readable; switching it on makes unread raw input the start of a line,
 * as Linux does. */
static void set_termios(struct tty *t, const struct termios *tio, bool flush)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	bool was_canonical = L(t, ICANON);
	t->termios = *tio;
	if (flush)
		flush_input(t);
	if (was_canonical && !L(t, ICANON))
		t->canon = t->head;
	else if (!was_canonical && L(t, ICANON))
		t->canon = t->tail;
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
}

/* Copies a small value out, or in, under the tty lock. */
static long get_value(struct tty *t, void *uarg, const void *v, size_t size)
{
	char copy[sizeof(struct termios)];
	uint64_t flags = spin_lock_irqsave(&t->lock);
	__builtin_memcpy(copy, v, size);
	spin_unlock_irqrestore(&t->lock, flags);
	return copy_to_user(uarg, copy, size);
}

static long set_value(struct tty *t, void *uarg, void *v, size_t size)
{
	char copy[sizeof(struct termios)];
	if (copy_from_user(copy, uarg, size))
		return -EFAULT;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	__builtin_memcpy(v, copy, size);
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}

/* The controlling terminal (job control). A session leader makes the tty
 * its session's with TIOCSCTTY; only that session may then ask for or
 * set the foreground process group; anyone else gets ENOTTY, which is
 * how a shell on the console learns it has no job control. Opening the
 * console never makes it a controlling tty, as on Linux. */
static long ctty_ioctl(struct tty *t, unsigned cmd, uint64_t arg)
{
	struct task *me = current->group_leader;
	int value;
	uint64_t flags;
	long err = 0;
	switch (cmd) {
	case TIOCSCTTY:
		if (me->sid != me->tgid)
			return -EPERM;      /* only a session leader */
		flags = spin_lock_irqsave(&t->lock);
		if (t->session == me->sid)
			;                   /* already ours */
		else if (t->session && arg != 1)
			err = -EPERM;       /* another session's; arg 1 steals it (root) */
		else {
			t->session = me->sid;
			t->pgrp = me->pgid;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		return err;
	case TIOCNOTTY:
		flags = spin_lock_irqsave(&t->lock);
		if (t->session != me->sid || !me->sid)
			err = -ENOTTY;
		else if (me->sid == me->tgid)
			t->session = t->pgrp = 0;   /* the leader lets it go */
		spin_unlock_irqrestore(&t->lock, flags);
		return err;
	case TIOCGPGRP:
	case TIOCGSID:
		flags = spin_lock_irqsave(&t->lock);
		value = cmd == TIOCGPGRP ? t->pgrp : t->session;
		err = t->session && t->session == me->sid ? 0 : -ENOTTY;
		spin_unlock_irqrestore(&t->lock, flags);
		return err ? err : copy_to_user((void *)arg, &value, sizeof(value));
	case TIOCSPGRP:
		if (copy_from_user(&value, (void *)arg, sizeof(value)))
			return -EFAULT;
		if (!t->session || t->session != me->sid)
			return -ENOTTY;
		if (value < 0)
			return -EINVAL;
		if (!pgrp_in_session(value, me->sid))
			return -EPERM;
		flags = spin_lock_irqsave(&t->lock);
		t->pgrp = value;
		spin_unlock_irqrestore(&t->lock, flags);
		return 0;
	}
	return -ENOTTY;
}

static long tty_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct tty *t = &console;
	void *uarg = (void *)arg;
	struct termios tio;
	int n;
	uint64_t flags;

	switch (cmd) {
	case TCGETS:
		return get_value(t, uarg, &t->termios, sizeof(t->termios));
	case TCSETS:
	case TCSETSW:       /* output is written synchronously: always drained */
	case TCSETSF:
		if (copy_from_user(&tio, uarg, sizeof(tio)))
			return -EFAULT;
		set_termios(t, &tio, cmd == TCSETSF);
		return 0;
	case TIOCGWINSZ:
		return get_value(t, uarg, &t->winsize, sizeof(t->winsize));
	case TIOCSWINSZ:
		return set_value(t, uarg, &t->winsize, sizeof(t->winsize));
	case TIOCGPGRP:
	case TIOCGSID:
	case TIOCSPGRP:
	case TIOCSCTTY:
	case TIOCNOTTY:
		return ctty_ioctl(t, cmd, arg);
	case FIONREAD:
		flags = spin_lock_irqsave(&t->lock);
		n = (L(t, ICANON) ? t->canon : t->head) - t->tail;
		spin_unlock_irqrestore(&t->lock, flags);
		return copy_to_user(uarg, &n, sizeof(n));
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {  /* output is never queued: nothing to drop */
			flags = spin_lock_irqsave(&t->lock);
			flush_input(t);
			spin_unlock_irqrestore(&t->lock, flags);
		}
		return 0;
	case TIOCOUTQ:
		n = 0;
		return copy_to_user(uarg, &n, sizeof(n));
	case TCSBRK:        /* tcdrain(): nothing is ever queued */
	case TCSBRKP:
	case TCXONC:
		return 0;
	default:
		return -ENOTTY;
	}
}

/* No llseek: a terminal has no offset, so lseek and pread say -ESPIPE. */
static const struct file_operations tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

/* One terminal under three names. /dev/tty should be the opener's
 * controlling terminal; with one terminal, it is this one. */
static struct chrdev tty_devices[] = {
	{ .dev = MKDEV(TTYAUX_MAJOR, 0), .name = "tty",     .mode = 0666, .fop = &tty_fops },
	{ .dev = MKDEV(TTYAUX_MAJOR, 1), .name = "console", .mode = 0600, .fop = &tty_fops },
	{ .dev = MKDEV(TTY_MAJOR, 64),   .name = "ttyS0",   .mode = 0660, .fop = &tty_fops },
};

/* Linux's defaults (tty_std_termios), at the speed serial_init set. */
static const struct termios default_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {
		[VINTR] = 'C' & 0x1f, [VQUIT] = '\\' & 0x1f, [VERASE] = 0x7f,
		[VKILL] = 'U' & 0x1f, [VEOF] = 'D' & 0x1f, [VMIN] = 1,
		[VSTART] = 'Q' & 0x1f, [VSTOP] = 'S' & 0x1f, [VSUSP] = 'Z' & 0x1f,
		[VREPRINT] = 'R' & 0x1f, [VDISCARD] = 'O' & 0x1f,
		[VWERASE] = 'W' & 0x1f, [VLNEXT] = 'V' & 0x1f,
	},
};

void tty_init(void)
{
	struct tty *t = &console;
	spin_lock_init(&t->lock, "tty");
	t->termios = default_termios;
	t->winsize = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	wait_queue_init(&t->read_wait);
	mutex_init(&t->read_lock);
	for (size_t i = 0; i < ARRAY_SIZE(tty_devices); i++)
		chrdev_register(&tty_devices[i]);

	irq_register(IRQ_COM1, tty_interrupt);
	pic_unmask(IRQ_COM1);
	/* Whatever was typed before now sits in the UART's FIFO. */
	tty_interrupt(NULL);
}
