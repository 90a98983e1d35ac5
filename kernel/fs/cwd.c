/* The current directory: chdir, fchdir, getcwd. Moving into a directory
 * takes search permission on it. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/permission.h>

long sys_chdir(const char *upath)
{
	char *path;
	int err = path_from_user(upath, false, &path);
	if (err)
		return err;
	struct path p;
	err = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	path_free(path);
	if (err)
		return err;
	err = inode_permission(p.dentry->inode, MAY_EXEC);
	if (err)
		path_put(&p);
	else
		fs_set_cwd(&p);
	return err;
}

long sys_fchdir(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = 0;
	if (!f->dentry || !S_ISDIR(f->inode->mode)) {
		err = -ENOTDIR;
	} else if (!(err = inode_permission(f->inode, MAY_EXEC))) {
		struct path p = { .mnt = f->mnt, .dentry = f->dentry };
		path_get(&p);
		fs_set_cwd(&p);
	}
	file_put(f);
	return err;
}

long sys_getcwd(char *ubuf, size_t size)
{
	if (size == 0)
		return -ERANGE;
	size_t n = size < PATH_MAX ? size : PATH_MAX;
	char *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	struct path cwd;
	fs_get_cwd(&cwd);
	long len = cwd.dentry ? path_string(&cwd, buf, n) : -ENOENT;
	if (cwd.dentry)
		path_put(&cwd);
	if (len > 0 && copy_to_user(ubuf, buf, len))
		len = -EFAULT;
	kfree(buf);
	return len;
}
