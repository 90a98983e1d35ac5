/* The socket layer's core (net/socket.h): the families, sockfs, and a
 * socket's life as a file (create, install, release). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/permission.h>
#include <net/socket.h>
#include "socket_internal.h"

/* --- families ------------------------------------------------------------------ */

static const struct net_family *families[AF_MAX];

void sock_register(const struct net_family *fam)
{
	if (fam->family > 0 && fam->family < AF_MAX)
		families[fam->family] = fam;
}

/* --- sockfs ---------------------------------------------------------------------- */

static struct super_block *sockfs_sb;
static const struct super_operations sockfs_ops;

static int sockfs_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	sb->ops = &sockfs_ops;
	sb->magic = SOCKFS_MAGIC;
	return 0;
}

/* Never registered: nobody mounts sockfs. */
static struct fs_type sockfs_type = {
	.name = "sockfs",
	.fill_super = sockfs_fill_super,
};

void net_init(void)
{
	if (super_create(&sockfs_type, NULL, NULL, &sockfs_sb)) {
		sockfs_sb = NULL;
		printk("sockfs: cannot create the superblock; socket() will fail\n");
		return;
	}
	net_families_init();
}

/* A socket's inode: st_mode S_IFSOCK | 0777 and the creator as owner,
 * as Linux's sock_alloc. */
static struct inode *sock_inode_new(void)
{
	static uint64_t last_ino;
	struct inode *inode = sockfs_sb ? inode_new(sockfs_sb) : NULL;
	if (!inode)
		return NULL;
	inode->ino = __atomic_add_fetch(&last_ino, 1, __ATOMIC_RELAXED);
	inode->mode = inode_init_owner(inode, NULL, S_IFSOCK | 0777);
	return inode;
}

bool file_is_socket(const struct file *f)
{
	return f->fop == &socket_file_ops;
}

struct socket *sock_from_file(struct file *f)
{
	return file_is_socket(f) ? f->private : NULL;
}

struct socket *sock_from_fd(int fd, int *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!file_is_socket(f)) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	return f->private;
}

/* A socket with its inode and file, but no family state yet. */
struct socket *sock_alloc(int family, int type, int protocol, unsigned flags)
{
	struct socket *s = kzalloc(sizeof(*s));
	struct inode *inode = sock_inode_new();
	struct file *f = inode ? file_alloc(inode, O_RDWR | (flags & O_NONBLOCK), &socket_file_ops) : NULL;
	if (!s || !f) {
		kfree(f);
		if (inode)
			iput(inode);
		kfree(s);
		return NULL;
	}
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->file = f;
	s->inode = inode;
	wait_queue_init(&s->wait);
	spin_lock_init(&s->opt_lock, "socket-opt");
	sock_options_init(s);
	f->private = s;
	return s;
}

int sock_create(int family, int type, int protocol, unsigned flags, struct socket **result)
{
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	const struct net_family *fam = families[family];
	if (!fam)
		return -EAFNOSUPPORT;
	struct socket *s = sock_alloc(family, type, protocol, flags);
	if (!s)
		return -ENOMEM;
	int err = fam->create(s, protocol, false);
	if (err) {
		s->ops = NULL;          /* nothing to release */
		file_put(s->file);
		return err;
	}
	*result = s;
	return 0;
}

int sock_install(struct socket *s, unsigned flags)
{
	int fd = fd_install(s->file, flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(s->file);
	return fd;
}

/* The file's last reference is gone. */
void sock_release(struct socket *s)
{
	if (s->ops && s->ops->release)
		s->ops->release(s);
	sock_wake(s);
	kfree(s);
}

void sock_wake(struct socket *s)
{
	wake_up_all(&s->wait);
}
