/* AF_UNIX names: a path in the file tree (bind makes a socket inode
 * there, and connect finds the socket bound to that inode), an abstract
 * name (sun_path[0] == 0: a table entry only, gone with the socket), or
 * one bind picks itself (autobind: "\0" and five hex digits). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <fs/fs.h>
#include <fs/dentry.h>
#include <fs/namei.h>
#include <fs/vfs.h>
#include <fs/permission.h>
#include <fs/fs_struct.h>
#include "unix.h"

#define SUN_PATH_OFF 2              /* offsetof(struct sockaddr_un, sun_path) */

/* Every bound socket (unix_sock.name_link), under unix_lock. */
static struct list_head bound = LIST_HEAD_INIT(bound);

int unix_check_addr(const struct sockaddr_storage *addr, int len)
{
	if (len <= SUN_PATH_OFF || len > (int)sizeof(struct sockaddr_un))
		return -EINVAL;
	return addr->ss_family == AF_UNIX ? 0 : -EINVAL;
}

/* The abstract name's owner of this type (under unix_lock). */
static struct unix_sock *find_abstract(const struct sockaddr_un *sun, int len, int type)
{
	struct unix_sock *u;
	list_for_each_entry(u, &bound, name_link) {
		if (u->type == type && !u->path_inode && u->addr->len == len &&
		    !memcmp(&u->addr->sun, sun, len))
			return u;
	}
	return NULL;
}

static struct unix_addr *addr_new(const void *sun, int len)
{
	struct unix_addr *a = kzalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->refcount = 1;
	a->len = len;
	memcpy(&a->sun, sun, len);
	return a;
}

/* Binds u to a (takes it) unless u is bound already (under unix_lock). */
static int bind_locked(struct unix_sock *u, struct unix_addr *a, struct inode *inode)
{
	if (u->addr)
		return -EINVAL;
	if (!inode && find_abstract(&a->sun, a->len, u->type))
		return -EADDRINUSE;
	u->addr = a;
	u->path_inode = inode;
	list_add_tail(&u->name_link, &bound);
	return 0;
}

int unix_autobind(struct unix_sock *u)
{
	static unsigned next;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int err = -ENOSPC;
	mutex_lock(&unix_lock);
	if (u->addr) {
		mutex_unlock(&unix_lock);
		return 0;
	}
	for (unsigned tries = 0; tries < 0x100000; tries++) {
		unsigned n = next++ & 0xfffff;
		static const char hex[] = "0123456789abcdef";
		for (int i = 0; i < 5; i++)
			sun.sun_path[1 + i] = hex[(n >> (4 * (4 - i))) & 0xf];
		if (find_abstract(&sun, SUN_PATH_OFF + 6, u->type))
			continue;
		struct unix_addr *a = addr_new(&sun, SUN_PATH_OFF + 6);
		err = a ? bind_locked(u, a, NULL) : -ENOMEM;
		break;
	}
	mutex_unlock(&unix_lock);
	return err;
}

/* Makes the socket inode at path (absent: EADDRINUSE if it exists), as
 * mknod(S_IFSOCK) would, and returns it referenced. */
static int make_socket_inode(const char *path, struct inode **result)
{
	struct nameidata_parent nd;
	int err = path_parent_at(AT_FDCWD, path, &nd);
	if (err)
		return err;
	struct dentry *dir = nd.parent.dentry, *d;
	if (!nd.last[0] || nd.trailing_slash) {
		path_put(&nd.parent);
		return -EINVAL;
	}
	mutex_lock(&dir->inode->sb->lock);
	err = lookup_child(dir, nd.last, &d);
	if (!err) {
		dput(d);
		err = -EADDRINUSE;
	} else if (err == -ENOENT) {
		err = vfs_create(&nd.parent, nd.last, S_IFSOCK | (0777 & ~current_umask()), 0, &d);
		if (!err) {
			*result = d->inode;
			iref(d->inode);
			dput(d);
		}
	}
	mutex_unlock(&dir->inode->sb->lock);
	path_put(&nd.parent);
	return err;
}

/* A path's text from sun_path: it ends at the first NUL, or at len. */
static int path_of(const struct sockaddr_storage *addr, int len, char *path)
{
	int n = len - SUN_PATH_OFF;
	memcpy(path, (const char *)addr + SUN_PATH_OFF, n);
	path[n] = 0;
	return strlen(path);
}

int unix_bind(struct socket *s, const struct sockaddr_storage *addr, int len)
{
	struct unix_sock *u = unix_sk(s);
	if (len == SUN_PATH_OFF && addr->ss_family == AF_UNIX)
		return unix_autobind(u);
	int err = unix_check_addr(addr, len);
	if (err)
		return err;
	struct inode *inode = NULL;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (((const char *)addr)[SUN_PATH_OFF]) {
		/* The file first, as Linux: binding a bound socket to a
		 * taken path is EADDRINUSE, not EINVAL. */
		int n = path_of(addr, len, sun.sun_path);
		len = SUN_PATH_OFF + n + 1;         /* what getsockname gives back */
		err = make_socket_inode(sun.sun_path, &inode);
		if (err)
			return err;
	} else {
		memcpy(&sun, addr, len);
	}
	struct unix_addr *a = addr_new(&sun, len);
	mutex_lock(&unix_lock);
	err = a ? bind_locked(u, a, inode) : -ENOMEM;
	mutex_unlock(&unix_lock);
	if (err) {
		kfree(a);
		if (inode)
			iput(inode);    /* (the name stays, as after Linux's failed bind race) */
	}
	return err;
}

void unix_unbind_locked(struct unix_sock *u)
{
	if (u->addr && !list_empty(&u->name_link))
		list_del(&u->name_link);
}

struct unix_sock *unix_find(const struct sockaddr_storage *addr, int len, int type, int *err)
{
	struct unix_sock *found = NULL;
	if ((*err = unix_check_addr(addr, len)))
		return NULL;
	if (((const char *)addr)[SUN_PATH_OFF] == 0) {
		mutex_lock(&unix_lock);
		found = find_abstract((const struct sockaddr_un *)addr, len, type);
		if (found)
			unix_get(found);
		mutex_unlock(&unix_lock);
		*err = found ? 0 : -ECONNREFUSED;
		return found;
	}
	char path[sizeof(struct sockaddr_un)];
	path_of(addr, len, path);
	struct path p;
	if ((*err = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p)))
		return NULL;
	struct inode *inode = p.dentry->inode;
	if ((*err = inode_permission(inode, MAY_WRITE)) == 0) {
		*err = -ECONNREFUSED;
		if (S_ISSOCK(inode->mode)) {
			struct unix_sock *u;
			mutex_lock(&unix_lock);
			list_for_each_entry(u, &bound, name_link) {
				if (u->path_inode == inode) {
					found = u;
					unix_get(u);
					*err = u->type == type ? 0 : -EPROTOTYPE;
					break;
				}
			}
			mutex_unlock(&unix_lock);
		}
	}
	path_put(&p);
	if (*err && found) {
		unix_put(found);
		found = NULL;
	}
	return found;
}

int unix_getname(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct unix_sock *u = unix_sk(s);
	int len = SUN_PATH_OFF;
	memset(addr, 0, sizeof(*addr));
	addr->ss_family = AF_UNIX;
	mutex_lock(&unix_lock);
	struct unix_sock *who = peer ? u->peer : u;
	if (peer && (!who || u->state != UNIX_CONNECTED))
		len = -ENOTCONN;
	else if (who->addr) {
		len = who->addr->len;
		memcpy(addr, &who->addr->sun, len);
	}
	mutex_unlock(&unix_lock);
	return len;
}
