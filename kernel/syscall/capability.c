/* capget and capset: a process's capability sets, as Linux reports them
 * for a process without file capabilities. Kestrel keeps no sets
 * (proc/cred.h): they follow from the ids. Permitted is everything while
 * any of real, effective or saved uid is 0; effective is everything with
 * euid 0, less the file system ones when fsuid is not 0 (and just those
 * with fsuid 0 alone); inheritable is empty. capset can only confirm what
 * is there: dropping capabilities while keeping uid 0 is not modelled. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <proc/cred.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

#define CAP_ALL (((uint64_t)1 << (CAP_LAST_CAP + 1)) - 1)
#define CAP_FS_SET ((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH) | \
		    (1ull << CAP_FOWNER) | (1ull << CAP_FSETID) | (1ull << CAP_LINUX_IMMUTABLE) | \
		    (1ull << CAP_MKNOD) | (1ull << CAP_MAC_OVERRIDE))

struct capsets { uint64_t effective, permitted, inheritable; };

static struct capsets caps_of(const struct cred *c)
{
	struct capsets s = { 0 };
	if (c->uid == 0 || c->euid == 0 || c->suid == 0)
		s.permitted = CAP_ALL;
	if (c->euid == 0)
		s.effective = CAP_ALL;
	if (c->fsuid == 0)
		s.effective |= s.permitted & CAP_FS_SET;
	else
		s.effective &= ~CAP_FS_SET;
	return s;
}

/* Checks the header's version: how many 32-bit words each set takes
 * (1 for version 1, 2 after). An unknown one is answered with the
 * version the kernel prefers, and EINVAL. */
static int check_version(struct __user_cap_header_struct *uh, int *words)
{
	struct __user_cap_header_struct h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	if (h.version == _LINUX_CAPABILITY_VERSION_1) {
		*words = _LINUX_CAPABILITY_U32S_1;
	} else if (h.version == _LINUX_CAPABILITY_VERSION_2 || h.version == _LINUX_CAPABILITY_VERSION_3) {
		*words = _LINUX_CAPABILITY_U32S_3;
	} else {
		uint32_t v = _LINUX_CAPABILITY_VERSION_3;
		if (copy_to_user(&uh->version, &v, sizeof(v)))
			return -EFAULT;
		return -EINVAL;
	}
	return h.pid < 0 ? -EINVAL : h.pid;
}

long sys_capget(struct __user_cap_header_struct *uh, struct __user_cap_data_struct *udata)
{
	int words, pid = check_version(uh, &words);
	if (!udata)
		return pid == -EINVAL ? 0 : pid < 0 ? pid : 0;
	if (pid < 0)
		return pid;
	struct cred c = *current_cred();
	if (pid && pid != current->tgid) {
		uint64_t flags = spin_lock_irqsave(&tasklist_lock);
		struct task *t = process_by_pid(pid);
		if (t)
			c = t->cred;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (!t)
			return -ESRCH;
	}
	struct capsets s = caps_of(&c);
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	for (int i = 0; i < words; i++)
		d[i] = (struct __user_cap_data_struct){ (uint32_t)(s.effective >> 32 * i),
			(uint32_t)(s.permitted >> 32 * i), (uint32_t)(s.inheritable >> 32 * i) };
	return copy_to_user(udata, d, words * sizeof(d[0])) ? -EFAULT : 0;
}

long sys_capset(struct __user_cap_header_struct *uh, const struct __user_cap_data_struct *udata)
{
	int words, pid = check_version(uh, &words);
	if (pid < 0)
		return pid;
	if (pid && pid != current->tgid)
		return -EPERM;          /* as Linux: only one's own */
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };
	if (copy_from_user(d, udata, words * sizeof(d[0])))
		return -EFAULT;
	struct capsets want = { 0 }, have = caps_of(current_cred());
	for (int i = 0; i < words; i++) {
		want.effective |= (uint64_t)d[i].effective << 32 * i;
		want.permitted |= (uint64_t)d[i].permitted << 32 * i;
		want.inheritable |= (uint64_t)d[i].inheritable << 32 * i;
	}
	if (words == _LINUX_CAPABILITY_U32S_1) {
		/* Version 1 sets only the low word: the rest stays. */
		want.effective |= have.effective & ~0xffffffffull;
		want.permitted |= have.permitted & ~0xffffffffull;
	}
	want.effective &= CAP_ALL;
	want.permitted &= CAP_ALL;
	return want.effective == have.effective && want.permitted == have.permitted &&
	       want.inheritable == have.inheritable ? 0 : -EPERM;
}
