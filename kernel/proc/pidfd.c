/* pidfds: a file that stands for a process (clone's CLONE_PIDFD,
 * pidfd_open). poll says POLLIN once the process has ended (its last
 * thread is gone), and waitid(P_PIDFD, fd) waits for it as for its pid.
 *
 * Kestrel's pidfd holds the pid number, not the process (Linux holds a
 * struct pid): pids are handed out in increasing order and wrap only
 * after 32768 more, so a pidfd kept that long could name a new process
 * with the old number. Every process end wakes one queue, pidfd_wait;
 * pollers check their own process again. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/fcntl.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/permission.h>
#include <fs/poll.h>
#include <proc/exit.h>
#include <proc/pidfd.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>

#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC 0x50494446  /* Linux 6.9's pidfs */
#endif

static struct wait_queue pidfd_wait = WAIT_QUEUE_INIT(pidfd_wait, "pidfd-wait");

void pidfd_process_ended(void)
{
	wake_up_all(&pidfd_wait);
}

static int pid_of(struct file *f) { return (int)(intptr_t)f->private; }

/* What poll says of process pid, as Linux's pidfd_poll: nothing while
 * it runs, POLLIN once it ended, and POLLHUP too once it was reaped. */
static unsigned pid_poll_mask(int pid)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	unsigned mask = POLLIN | POLLRDNORM | POLLHUP;
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == pid && t == t->group_leader && !t->detached) {
			mask = process_ended(t) ? POLLIN | POLLRDNORM : 0;
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return mask;
}

static unsigned pidfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(&pidfd_wait, pt);
	return pid_poll_mask(pid_of(f));
}

static const struct file_operations pidfd_fops = {
	.poll = pidfd_poll,
};

/* --- pidfs: the inodes' superblock, never mounted ---------------------------- */

static const struct super_operations pidfs_ops;
static struct super_block *pidfs_sb;

static int pidfs_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	sb->ops = &pidfs_ops;
	sb->magic = PIDFS_MAGIC;
	return 0;
}

static struct fs_type pidfs_type = {
	.name = "pidfs",
	.fill_super = pidfs_fill_super,
};

static struct super_block *pidfs_super(void)
{
	struct super_block *sb = __atomic_load_n(&pidfs_sb, __ATOMIC_ACQUIRE);
	if (sb)
		return sb;
	if (super_create(&pidfs_type, NULL, NULL, &sb))
		return NULL;
	struct super_block *expected = NULL;
	if (!__atomic_compare_exchange_n(&pidfs_sb, &expected, sb, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return expected;        /* another task made one first; ours stays unused */
	return sb;
}

int pidfd_create(int pid, unsigned flags)
{
	struct super_block *sb = pidfs_super();
	struct inode *inode = sb ? inode_new(sb) : NULL;
	if (!inode)
		return -ENOMEM;
	inode->ino = pid;
	inode->mode = inode_init_owner(inode, NULL, S_IFREG | S_IRUSR | S_IWUSR);
	struct file *f = file_alloc(inode, O_RDWR | (flags & O_NONBLOCK), &pidfd_fops);
	if (!f) {
		iput(inode);
		return -ENOMEM;
	}
	f->private = (void *)(intptr_t)pid;
	return fd_install(f, true, 0);     /* a pidfd is always close-on-exec */
}

int pidfd_to_pid(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int pid = f->fop == &pidfd_fops ? pid_of(f) : -EBADF;
	file_put(f);
	return pid;
}

long sys_pidfd_open(int pid, unsigned flags)
{
	if (flags & ~O_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	uint64_t irq = spin_lock_irqsave(&tasklist_lock);
	bool found = process_by_pid(pid) != NULL;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	if (!found)
		return -ESRCH;
	return pidfd_create(pid, flags);
}
