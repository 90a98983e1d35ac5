/* timerfd: a timer as a file (timerfd_create, timerfd_settime,
 * timerfd_gettime).
 *
 * An armed timerfd counts its expirations; read(2) of 8 bytes returns
 * the count and resets it, blocking while it is 0 (EAGAIN with
 * TFD_NONBLOCK), and poll says POLLIN while it is not. An interval timer
 * goes on expiring; missed periods (the reader was slow) are counted
 * all at once, as Linux's hrtimer_forward does. A value of 0 disarms.
 *
 * Every clock runs on the kernel's timers, which count CLOCK_MONOTONIC:
 * CLOCK_BOOTTIME is the same clock here (no suspend), and an absolute
 * CLOCK_REALTIME time becomes the monotonic time it stands for, which
 * moves when the wall clock is set (timerfd_clock_was_set): the timer
 * then expires at the new wall time, as Linux's. One set with
 * TFD_TIMER_CANCEL_ON_SET is also cancelled then: its next read fails
 * with ECANCELED (poll says POLLIN until then).
 *
 * Locking: the expiry runs from the timer interrupt with the timers' lock
 * held and then takes the timerfd's spinlock; settime takes the timerfd's
 * mutex (one setter at a time) and cancels or arms the timer without
 * holding the spinlock, so the two orders never cross. CLOCK_REALTIME
 * timerfds are also on a list (its mutex taken before a timerfd's) that
 * a change of the wall clock walks. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <mm/kmalloc.h>
#include <linux/fcntl.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/uaccess.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/anon_inodes.h>
#include <fs/pseudofs.h>
#include <fs/timerfd.h>

/* glibc's sys/timerfd.h (Linux: include/uapi/linux/timerfd.h, not in
 * Debian 12's UAPI headers): the flags are O_ values and bits 0, 1. */
#define TFD_TIMER_ABSTIME       (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#define TFD_CLOEXEC             O_CLOEXEC
#define TFD_NONBLOCK            O_NONBLOCK

struct timerfd {
	struct spinlock lock;       /* expires, ticks (interval: settime's, under setting) */
	int clock;
	int settime_flags;          /* the last settime's, for fdinfo */
	uint64_t expires;           /* the next expiry, monotonic ns; 0: disarmed */
	uint64_t interval;          /* ns; 0: one-shot */
	uint64_t ticks;             /* expirations not yet read */
	struct mutex setting;       /* one settime at a time */
	struct timer timer;
	struct wait_queue wq;       /* ticks went up */
	/* CLOCK_REALTIME only (under setting, and lock for canceled): */
	bool wall;                  /* armed with an absolute wall time: follows the clock */
	bool cancel_on_set;         /* ... and TFD_TIMER_CANCEL_ON_SET */
	bool canceled;              /* the clock was set since: read says ECANCELED */
	int64_t wall_offset;        /* CLOCK_REALTIME - CLOCK_MONOTONIC when expires was computed */
	struct list_head wall_link; /* in realtime_timerfds */
};

/* The CLOCK_REALTIME timerfds; taken before a timerfd's setting. */
static struct mutex realtime_lock = {
	.waiters = WAIT_QUEUE_INIT(realtime_lock.waiters, "timerfd-realtime-waiters")
	LOCKDEP_MAP_INIT("timerfd-realtime")
};
static struct list_head realtime_timerfds = LIST_HEAD_INIT(realtime_timerfds);

/* The timer interrupt: count the expiry (and the periods missed), arm
 * the next one, wake readers and pollers. */
static void timerfd_expired(struct timer *t)
{
	struct timerfd *tf = container_of(t, struct timerfd, timer);
	uint64_t now = clock_now_ns();
	uint64_t flags = spin_lock_irqsave(&tf->lock);
	if (tf->interval) {
		uint64_t periods = 1 + (now - tf->expires) / tf->interval;
		tf->ticks += periods;
		tf->expires += periods * tf->interval;
		timer_rearm_from_fn(t, tf->expires);
	} else {
		tf->ticks++;
		tf->expires = 0;
	}
	spin_unlock_irqrestore(&tf->lock, flags);
	wake_up_all(&tf->wq);
}

static bool has_ticks(struct timerfd *tf) { return READ_ONCE(tf->ticks) > 0; }

static ssize_t timerfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct timerfd *tf = f->private;
	if (u->resid < sizeof(uint64_t))
		return -EINVAL;
	uint64_t ticks;
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&tf->lock);
		bool canceled = tf->canceled;
		ticks = canceled ? 0 : tf->ticks;
		tf->ticks = 0;
		tf->canceled = false;
		spin_unlock_irqrestore(&tf->lock, flags);
		if (canceled)
			return -ECANCELED;  /* the ticks go too: the caller must look again */
		if (ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(&tf->wq, has_ticks(tf), WAIT_FOREVER))
			return -ERESTARTSYS;
	}
	if (uio_copy_out(u, &ticks, sizeof(ticks)) != sizeof(ticks))
		return -EFAULT;
	return sizeof(ticks);
}

static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tf = f->private;
	poll_wait(&tf->wq, pt);
	return has_ticks(tf) ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *tf = f->private;
	if (tf->clock == CLOCK_REALTIME) {
		mutex_lock(&realtime_lock);
		list_del(&tf->wall_link);
		mutex_unlock(&realtime_lock);
	}
	timer_cancel(&tf->timer);   /* returns once a running expiry is done */
	kfree(tf);
}

static void timerfd_show_fdinfo(struct file *f, struct pbuf *b);

static const struct file_operations timerfd_fops = {
	.read = timerfd_read,
	.llseek = noop_llseek,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.show_fdinfo = timerfd_show_fdinfo,
};

long sys_timerfd_create(int clock, int flags)
{
	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_BOOTTIME)
		return -EINVAL;     /* the _ALARM clocks need a wake-up alarm */
	struct timerfd *tf = kzalloc(sizeof(*tf));
	if (!tf)
		return -ENOMEM;
	spin_lock_init(&tf->lock, "timerfd");
	mutex_init(&tf->setting);
	wait_queue_init(&tf->wq);
	tf->clock = clock;
	tf->timer.fn = timerfd_expired;
	list_init(&tf->wall_link);
	struct file *f = anon_inode_file("timerfd", &timerfd_fops, tf, O_RDWR | (flags & TFD_NONBLOCK));
	if (!f) {
		kfree(tf);
		return -ENOMEM;
	}
	if (clock == CLOCK_REALTIME) {
		mutex_lock(&realtime_lock);
		list_add_tail(&tf->wall_link, &realtime_timerfds);
		mutex_unlock(&realtime_lock);
	}
	return fd_install(f, flags & TFD_CLOEXEC, 0);
}

/* The timerfd behind fd, referenced in *fp, or an errno. */
static long timerfd_get(int fd, struct file **fp)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->fop != &timerfd_fops) {
		file_put(f);
		return -EINVAL;
	}
	*fp = f;
	return 0;
}

/* What gettime reports: the time left and the interval. */
static void current_setting(struct timerfd *tf, struct __kernel_itimerspec *its)
{
	uint64_t flags = spin_lock_irqsave(&tf->lock);
	uint64_t expires = tf->expires, interval = tf->interval;
	spin_unlock_irqrestore(&tf->lock, flags);
	uint64_t now = clock_now_ns();
	uint64_t left = !expires ? 0 : expires > now ? expires - now : 1;   /* due: 1 ns, as Linux */
	its->it_value.tv_sec = left / NSEC_PER_SEC;
	its->it_value.tv_nsec = left % NSEC_PER_SEC;
	its->it_interval.tv_sec = interval / NSEC_PER_SEC;
	its->it_interval.tv_nsec = interval % NSEC_PER_SEC;
}

/* /proc/PID/fdinfo's lines, as Linux's timerfd_show. */
static void timerfd_show_fdinfo(struct file *f, struct pbuf *b)
{
	struct timerfd *tf = f->private;
	struct __kernel_itimerspec its;
	current_setting(tf, &its);
	pbuf_printf(b, "clockid: %d\nticks: %llu\nsettime flags: 0%o\n"
		    "it_value: (%llu, %llu)\nit_interval: (%llu, %llu)\n",
		    tf->clock, (unsigned long long)READ_ONCE(tf->ticks), READ_ONCE(tf->settime_flags),
		    (unsigned long long)its.it_value.tv_sec, (unsigned long long)its.it_value.tv_nsec,
		    (unsigned long long)its.it_interval.tv_sec, (unsigned long long)its.it_interval.tv_nsec);
}

long sys_timerfd_settime(int ufd, int flags, const struct __kernel_itimerspec *utmr,
			 struct __kernel_itimerspec *otmr)
{
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	uint64_t value, interval;
	long err = timespec_from_user(&utmr->it_value, &value);
	if (!err)
		err = timespec_from_user(&utmr->it_interval, &interval);
	if (err)
		return err;
	struct file *f;
	err = timerfd_get(ufd, &f);
	if (err)
		return err;
	struct timerfd *tf = f->private;
	struct __kernel_itimerspec old;
	bool wall = tf->clock == CLOCK_REALTIME && (flags & TFD_TIMER_ABSTIME);
	if (tf->clock == CLOCK_REALTIME)
		mutex_lock(&realtime_lock);     /* no change of the clock meanwhile */
	mutex_lock(&tf->setting);
	current_setting(tf, &old);
	timer_cancel(&tf->timer);
	uint64_t expires = clock_first_expiry(tf->clock == CLOCK_REALTIME, value, flags & TFD_TIMER_ABSTIME);
	uint64_t lflags = spin_lock_irqsave(&tf->lock);
	tf->expires = expires;
	tf->interval = interval;
	tf->ticks = 0;
	tf->settime_flags = flags;
	tf->wall = wall;
	tf->cancel_on_set = wall && (flags & TFD_TIMER_CANCEL_ON_SET);
	tf->canceled = false;
	tf->wall_offset = clock_wall_offset();
	spin_unlock_irqrestore(&tf->lock, lflags);
	if (expires)
		timer_arm(&tf->timer, expires);     /* a past time expires at the next tick */
	mutex_unlock(&tf->setting);
	if (tf->clock == CLOCK_REALTIME)
		mutex_unlock(&realtime_lock);
	file_put(f);
	if (otmr && copy_to_user(otmr, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(int ufd, struct __kernel_itimerspec *otmr)
{
	struct file *f;
	long err = timerfd_get(ufd, &f);
	if (err)
		return err;
	struct __kernel_itimerspec its;
	current_setting(f->private, &its);
	file_put(f);
	return copy_to_user(otmr, &its, sizeof(its)) ? -EFAULT : 0;
}

/* The wall clock moved by the change of offset: the timer's monotonic
 * expiry moves the other way. A time now past expires at once, with the
 * periods missed counted (as Linux's read after a late expiry), and a
 * TFD_TIMER_CANCEL_ON_SET timer is cancelled: a tick wakes its readers
 * and pollers, whose read then says ECANCELED. */
static void follow_wall_clock(struct timerfd *tf, int64_t offset)
{
	timer_cancel(&tf->timer);
	int64_t now = clock_now_ns();
	uint64_t flags = spin_lock_irqsave(&tf->lock);
	int64_t moved = offset - tf->wall_offset;
	tf->wall_offset = offset;
	uint64_t ticks = tf->ticks;
	if (tf->expires) {
		int64_t expires = (int64_t)tf->expires - moved;
		if (expires > now) {
			tf->expires = expires;
		} else if (tf->interval) {
			uint64_t periods = 1 + (now - expires) / tf->interval;
			tf->ticks += periods;
			tf->expires = expires + periods * tf->interval;
		} else {
			tf->ticks++;
			tf->expires = 0;
		}
	}
	if (tf->cancel_on_set && moved != 0) {
		tf->canceled = true;
		tf->ticks++;
	}
	bool woken = tf->ticks != ticks;
	uint64_t expires = tf->expires;
	spin_unlock_irqrestore(&tf->lock, flags);
	if (expires)
		timer_arm(&tf->timer, expires);
	if (woken)
		wake_up_all(&tf->wq);
}

void timerfd_clock_was_set(void)
{
	int64_t offset = clock_wall_offset();
	mutex_lock(&realtime_lock);
	struct timerfd *tf;
	list_for_each_entry(tf, &realtime_timerfds, wall_link) {
		mutex_lock(&tf->setting);
		if (tf->wall)
			follow_wall_clock(tf, offset);
		mutex_unlock(&tf->setting);
	}
	mutex_unlock(&realtime_lock);
}
