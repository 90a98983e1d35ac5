/* ioctl: the file's own operation, after the few requests every file
 * understands (Linux's do_vfs_ioctl). Files without one say -ENOTTY, the
 * errno that tells isatty() "not a terminal". */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/uaccess.h>
#include <asm/ioctls.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>

long sys_ioctl(int fd, unsigned cmd, uint64_t arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	int on;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		if (copy_from_user(&on, (void *)arg, sizeof(on))) {
			r = -EFAULT;
			break;
		}
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		r = 0;
		break;
	default:
		r = f->fop && f->fop->ioctl ? f->fop->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}
