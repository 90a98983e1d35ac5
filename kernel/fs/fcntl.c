/* dup, dup2, dup3 and fcntl: the syscalls that work on descriptors
 * rather than on the files behind them. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <syscall/syscalls.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/pipe.h>
#include <fs/locks.h>
#include <fs/memfd.h>
#include <fs/permission.h>

long sys_dup(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return fd_install(f, false, 0);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(oldfd, newfd, flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {
		/* Nothing to do, but oldfd must be open. */
		struct file *f = fd_get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fd_dup_to(oldfd, newfd, false);
}

/* The flags F_SETFL may change; the rest (access mode, creation flags)
 * are fixed at open, as on Linux. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | FASYNC)

long sys_fcntl(int fd, unsigned cmd, uint64_t arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)arg < 0 || arg >= current->files->limit) {
			r = -EINVAL;
			break;
		}
		file_get(f);
		r = fd_install(f, cmd == F_DUPFD_CLOEXEC, (int)arg);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd);
		r = r < 0 ? r : r ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		/* open() adds O_LARGEFILE, as 64-bit Linux does; pipes lack it. */
		r = f->flags;
		break;
	case F_SETFL:
		if (f->flags & O_PATH) {
			r = -EBADF;
			break;
		}
		/* Not updating access times is the owner's choice (or root's). */
		if ((arg & O_NOATIME) && !(f->flags & O_NOATIME) && !inode_owner_or_capable(f->inode)) {
			r = -EPERM;
			break;
		}
		f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = fcntl_lock(f, cmd, (void *)arg);
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		r = memfd_fcntl(f, cmd, arg);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = pipe_fcntl(f, cmd, arg);
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}
