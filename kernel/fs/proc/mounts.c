/* /proc/PID/mounts and /proc/PID/mountinfo (and /proc/mounts, a link to
 * self/mounts): the mount table as Linux 6.1 prints it (fs/proc_namespace.c),
 * which mount, df and findmnt read.
 *
 *   mounts     SOURCE MOUNTPOINT TYPE OPTIONS 0 0
 *              /dev/vda / ext2 rw,relatime 0 0
 *   mountinfo  ID PARENT MAJOR:MINOR ROOT MOUNTPOINT MOUNT-OPTIONS - TYPE SOURCE SUPER-OPTIONS
 *              21 20 0:3 / /dev/shm rw,nosuid,nodev,relatime - tmpfs tmpfs rw
 *
 * Every process sees the same table (Kestrel has one mount namespace and
 * no chroot). Names with a space, tab, newline or backslash are escaped
 * as Linux does (\040...), so the fields stay apart. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/dentry.h>
#include <fs/namei.h>
#include "proc.h"

/* Linux's mangle(): the characters that would split a field. */
static void put_escaped(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			pbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			pbuf_putc(b, *s);
	}
}

/* Where m is mounted, as the reader's path. */
static void put_mountpoint(struct pbuf *b, struct mount *m, char *buf)
{
	struct path p = { .mnt = m, .dentry = m->root };
	if (path_string(&p, buf, PATH_MAX) < 0)
		strlcpy(buf, "/", PATH_MAX);
	put_escaped(b, buf);
}

/* The directory of its filesystem m shows ("/" unless a bind mount). */
static void put_root(struct pbuf *b, struct mount *m, char *buf)
{
	size_t pos = PATH_MAX - 1;
	buf[pos] = 0;
	for (struct dentry *d = m->root; d->parent != d; d = d->parent) {
		size_t len = strlen(d->name);
		if (pos < len + 1)
			break;
		pos -= len;
		memcpy(buf + pos, d->name, len);
		buf[--pos] = '/';
	}
	put_escaped(b, buf[pos] ? buf + pos : "/");
}

/* The mount's own options after "rw"/"ro" (Linux's show_mnt_opts). */
static void put_mount_flags(struct pbuf *b, const struct mount *m)
{
	static const struct { unsigned flag; const char *name; } names[] = {
		{ MNT_NOSUID, ",nosuid" }, { MNT_NODEV, ",nodev" }, { MNT_NOEXEC, ",noexec" },
		{ MNT_NOATIME, ",noatime" }, { MNT_NODIRATIME, ",nodiratime" },
		{ MNT_RELATIME, ",relatime" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m->flags & names[i].flag)
			pbuf_printf(b, "%s", names[i].name);
}

/* The filesystem's own options (",size=64k"...). */
static void put_fs_options(struct pbuf *b, struct super_block *sb)
{
	if (!sb->ops->show_options)
		return;
	char opts[128];
	sb->ops->show_options(sb, opts, sizeof(opts));
	pbuf_printf(b, "%s", opts);
}

static void show_mount(struct pbuf *b, struct mount *m, char *buf)
{
	put_escaped(b, m->source);
	pbuf_putc(b, ' ');
	put_mountpoint(b, m, buf);
	pbuf_printf(b, " %s %s", m->sb->type->name, mnt_readonly(m, m->sb) ? "ro" : "rw");
	put_mount_flags(b, m);
	put_fs_options(b, m->sb);
	pbuf_printf(b, " 0 0\n");
}

static void show_mountinfo(struct pbuf *b, struct mount *m, char *buf)
{
	/* The top mount's parent is Linux's hidden rootfs, always 1. */
	pbuf_printf(b, "%d %d %u:%u ", m->id, m->parent == m ? 1 : m->parent->id,
		    MAJOR(m->sb->dev), MINOR(m->sb->dev));
	put_root(b, m, buf);
	pbuf_putc(b, ' ');
	put_mountpoint(b, m, buf);
	pbuf_printf(b, " %s", mnt_has(m, MNT_RDONLY) ? "ro" : "rw");
	put_mount_flags(b, m);
	pbuf_printf(b, " - %s ", m->sb->type->name);
	put_escaped(b, m->source);
	pbuf_printf(b, " %s", m->sb->read_only ? "ro" : "rw");
	put_fs_options(b, m->sb);
	pbuf_putc(b, '\n');
}

/* Each mount of the table, in the order they were made. */
static int show_table(struct pbuf *b, const struct pseudo_ctx *ctx,
		      void (*show)(struct pbuf *, struct mount *, char *))
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	task_put(t);
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	mount_table_lock();
	struct mount *m;
	list_for_each_entry(m, &mount_table, link)
		show(b, m, buf);
	mount_table_unlock();
	kfree(buf);
	return 0;
}

int proc_pid_mounts(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	return show_table(b, ctx, show_mount);
}

int proc_pid_mountinfo(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	return show_table(b, ctx, show_mountinfo);
}

/* /proc/mounts -> self/mounts, as in Linux. */
int proc_mounts_link(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	pbuf_printf(b, "self/mounts");
	return 0;
}
