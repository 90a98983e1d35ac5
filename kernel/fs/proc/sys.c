/* /proc/sys: the kernel's tunables (Linux's sysctl tree), one value per
 * file followed by a newline. Kestrel shows the few that programs read:
 * the uname strings (hostname and domainname writable by root, as
 * sethostname: busybox's hostname and systemd write them here), pid_max,
 * threads-max, a boot id that stays and a uuid that is new at every
 * read, and the limits glibc, Python and servers look at. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/utsname.h>
#include <mm/kstack.h>
#include <mm/page_alloc.h>
#include <proc/task.h>
#include "system.h"

static int show_ostype(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "%s\n", UTS_SYSNAME); return 0; }
static int show_osrelease(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "%s\n", UTS_RELEASE); return 0; }
static int show_version(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "%s\n", UTS_VERSION); return 0; }

static int show_uts(struct pbuf *b, bool domain)
{
	char node[__NEW_UTS_LEN + 1], dom[__NEW_UTS_LEN + 1];
	uts_get_names(node, dom);
	pbuf_printf(b, "%s\n", domain ? dom : node);
	return 0;
}

/* As Linux's proc_dostring: the text up to a newline or NUL, cut at the
 * field's length. */
static int store_uts(bool domain, const char *data, size_t len)
{
	size_t n = 0;
	while (n < len && n < __NEW_UTS_LEN && data[n] && data[n] != '\n')
		n++;
	return uts_set_name(domain, data, n);
}

static int show_hostname(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; return show_uts(b, false); }
static int show_domainname(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; return show_uts(b, true); }
static int store_hostname(const struct pseudo_ctx *c, const char *d, size_t n) { (void)c; return store_uts(false, d, n); }
static int store_domainname(const struct pseudo_ctx *c, const char *d, size_t n) { (void)c; return store_uts(true, d, n); }

static int show_pid_max(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "%d\n", PID_MAX); return 0; }

static uint64_t total_pages(void)
{
	struct mem_stats m;
	mem_stats(&m);
	return m.total_pages;
}

/* Linux's rule (fork.c's set_max_threads): thread structures may take at
 * most an eighth of memory, and each has a kernel stack. */
static int show_threads_max(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	uint64_t n = total_pages() / (8 * KSTACK_SIZE / PAGE_SIZE);
	pbuf_printf(b, "%lu\n", n < 20 ? 20 : n);
	return 0;
}

/* Linux's rule (files_maxfiles_init): about one file per 10 KiB of
 * memory, at least NR_FILE (8192). */
static int show_file_max(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	uint64_t n = total_pages() * (PAGE_SIZE / 1024) / 10;
	pbuf_printf(b, "%lu\n", n < 8192 ? 8192 : n);
	return 0;
}

/* Heuristic overcommit (0), Linux's default: Kestrel never refuses a
 * mapping for want of memory it has not touched yet. */
static int show_overcommit(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "0\n"); return 0; }
/* The listen backlog's cap, Linux's default (sockets come in Lab 8). */
static int show_somaxconn(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; pbuf_printf(b, "4096\n"); return 0; }

/* A random (version 4) UUID, as Linux's %pU prints it. */
static void print_uuid(struct pbuf *b, uint8_t u[16])
{
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	for (int i = 0; i < 16; i++)
		pbuf_printf(b, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u[i]);
	pbuf_printf(b, "\n");
}

static int show_uuid(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	uint8_t u[16];
	get_random_bytes(u, sizeof(u));
	print_uuid(b, u);
	return 0;
}

/* Made on the first read, the same until the next boot. */
static int show_boot_id(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	static struct spinlock lock = SPINLOCK_INIT("boot_id");
	static uint8_t id[16];
	static bool made;
	uint8_t u[16];
	uint64_t flags = spin_lock_irqsave(&lock);
	if (!made)
		get_random_bytes(id, sizeof(id));   /* never sleeps */
	made = true;
	memcpy(u, id, sizeof(u));
	spin_unlock_irqrestore(&lock, flags);
	print_uuid(b, u);
	return 0;
}

#define RO(n, fn) { .name = (n), .mode = S_IFREG | 0444, .show = (fn) }
#define RW(n, fn, st) { .name = (n), .mode = S_IFREG | 0644, .show = (fn), .store = (st) }
#define DIR(n, kids) { .name = (n), .mode = S_IFDIR | 0555, .children = (kids) }

static const struct pseudo_entry random_children[] = {
	RO("boot_id", show_boot_id),
	RO("uuid", show_uuid),
	{ 0 },
};

static const struct pseudo_entry kernel_children[] = {
	RW("domainname", show_domainname, store_domainname),
	RW("hostname", show_hostname, store_hostname),
	RO("osrelease", show_osrelease),
	RO("ostype", show_ostype),
	RO("pid_max", show_pid_max),
	DIR("random", random_children),
	RO("threads-max", show_threads_max),
	RO("version", show_version),
	{ 0 },
};

static const struct pseudo_entry vm_children[] = {
	RO("overcommit_memory", show_overcommit),
	{ 0 },
};

static const struct pseudo_entry fs_children[] = {
	RO("file-max", show_file_max),
	{ 0 },
};

static const struct pseudo_entry net_core_children[] = {
	RO("somaxconn", show_somaxconn),
	{ 0 },
};

static const struct pseudo_entry net_children[] = {
	DIR("core", net_core_children),
	{ 0 },
};

const struct pseudo_entry proc_sys_children[] = {
	DIR("fs", fs_children),
	DIR("kernel", kernel_children),
	DIR("net", net_children),
	DIR("vm", vm_children),
	{ 0 },
};
