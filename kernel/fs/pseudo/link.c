/* The pseudo-file framework's symlinks (fs/pseudofs.h): link() prints the
 * target that readlink shows; a magic link's follow() also gives the
 * object itself, which path walks go to directly (get_link), so that
 * /proc/PID/fd/N of a deleted file or of a pipe still opens it. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/dentry.h>
#include "pseudo.h"

static int pseudo_readlink(struct inode *inode, char *buf, size_t size)
{
	struct pseudo_node *n = pseudo_node(inode);
	int err = pseudo_check_access(n);
	if (err)
		return err;
	if (!n->entry->link)
		return -EINVAL;
	struct pbuf b;
	pbuf_init(&b);
	err = n->entry->link(&b, &n->ctx);
	if (!err && b.overflow)
		err = -ENOMEM;
	size_t len = b.len < size ? b.len : size;
	if (!err)
		memcpy(buf, b.data, len);
	pbuf_free(&b);
	return err ? err : (int)len;
}

static int pseudo_get_link(struct inode *inode, struct path *result)
{
	struct pseudo_node *n = pseudo_node(inode);
	int err = pseudo_check_access(n);
	return err ? err : n->entry->follow(&n->ctx, result);
}

const struct inode_operations pseudo_link_iops = {
	.readlink = pseudo_readlink,
	.revalidate = pseudo_revalidate,
};

const struct inode_operations pseudo_magic_link_iops = {
	.readlink = pseudo_readlink,
	.get_link = pseudo_get_link,
	.revalidate = pseudo_revalidate,
};
