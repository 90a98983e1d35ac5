/* prctl: the per-task settings programs ask for by number. What is here
 * is what Linux programs commonly use; any other option is EINVAL, which
 * is also what Linux answers for an option it does not know.
 *   PR_SET_NAME, PR_GET_NAME   the 16-byte task name (comm)
 *   PR_SET_PDEATHSIG, PR_GET_PDEATHSIG   recorded only: nothing sends it yet
 *   PR_SET_DUMPABLE, PR_GET_DUMPABLE     recorded (no core dumps here)
 *   PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS   recorded (one-way, as Linux)
 *   PR_KESTREL_TRACE   Kestrel's own: trace this process's system calls
 *                      (proc/trace_abi.h; Linux answers EINVAL) */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/prctl.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <proc/trace_abi.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

long sys_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
	struct task *t = current;
	switch (option) {
	case PR_SET_NAME: {
		char name[sizeof(t->name)];
		long n = strncpy_from_user(name, (const char *)arg2, sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		if (n < 0) {
			/* Longer than 15 bytes: Linux keeps the first 15. */
			if (copy_from_user(name, (const char *)arg2, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = '\0';
		}
		strlcpy(t->name, name, sizeof(t->name));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user((void *)arg2, t->name, sizeof(t->name)) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		if (arg2 > _NSIG)
			return -EINVAL;
		t->pdeath_signal = arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user((void *)arg2, &t->pdeath_signal, sizeof(int)) ? -EFAULT : 0;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		t->dumpable = arg2;
		return 0;
	case PR_GET_DUMPABLE:
		return t->dumpable;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return t->no_new_privs;
	case PR_KESTREL_TRACE:
		return trace_prctl((int)arg2, arg3, arg4);      /* an int, passed through varargs */
	default:
		return -EINVAL;
	}
}
