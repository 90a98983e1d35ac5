"""The tracer's name tables, made from Linux's UAPI headers (used by mksyscalls.py).

The tracer (kernel/proc/trace*.c) prints flags, commands and errors by
name, as strace does: O_RDONLY|O_CLOEXEC, PROT_READ, SIGCHLD, ENOENT (No
such file or directory). No name or value is typed here: each table is
the list of macros of some UAPI headers whose names match a pattern, and
the generated C takes each value from the header itself (so expressions
like (__O_SYNC|O_DSYNC) or F_LINUX_SPECIFIC_BASE + 6 cost nothing, and an
entry is wrapped in #ifdef, so macros defined only under some #if drop
out). A macro defined as another name (O_NDELAY is O_NONBLOCK) is an
alias: strace prints the first name, so the alias is left out.

The error texts are the only strings not in the headers: they are the C
library's strerror() on the machine that builds (Python's os.strerror),
which is what strace prints after "-1 ENOENT".
"""
import os
import re

# table name -> (headers under the include root, name pattern, names left out)
# Headers are searched in order; the first definition of a name wins.
TABLES = {
    "open_flags": (["asm-generic/fcntl.h"], r"O_\w+",
                   r"O_ACCMODE|O_RDONLY|O_WRONLY|O_RDWR|O_NDELAY|__O_\w+"),
    "at_flags": (["linux/fcntl.h"], r"AT_\w+",
                 r"AT_FDCWD|AT_STATX_\w+|AT_EACCESS|AT_HANDLE_\w+|AT_RENAME_\w+|AT_RECURSIVE"),
    "prot_flags": (["asm-generic/mman-common.h"], r"PROT_\w+", r"PROT_NONE"),
    "map_types": (["linux/mman.h"], r"MAP_(SHARED|PRIVATE|SHARED_VALIDATE)", ""),
    "map_flags": (["asm-generic/mman-common.h", "asm-generic/mman.h", "asm/mman.h"], r"MAP_\w+",
                  r"MAP_TYPE|MAP_FILE|MAP_HUGE_\w+|MAP_UNINITIALIZED"),
    "clone_flags": (["linux/sched.h"], r"CLONE_\w+",
                    r"CLONE_NEWTIME|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|CLONE_ARGS_\w+"),
    "signals": (["asm/signal.h"], r"SIG[A-Z]+\d*", r"SIGRTMIN|SIGRTMAX|SIGSTKSZ|SIGIOT"),
    "sa_flags": (["asm-generic/signal-defs.h", "asm/signal.h"], r"SA_\w+", ""),
    "sigprocmask_how": (["asm-generic/signal-defs.h"], r"SIG_(BLOCK|UNBLOCK|SETMASK)", ""),
    "seek_whence": (["linux/fs.h"], r"SEEK_\w+", r"SEEK_MAX"),
    "arch_prctl_codes": (["asm/prctl.h"], r"ARCH_\w+", ""),
    "rlimit_resources": (["asm-generic/resource.h"], r"RLIMIT_\w+", r"RLIMIT_\w*NLIMITS"),
    "prctl_options": (["linux/prctl.h"], r"PR_(SET|GET)_\w+",
                      r"PR_SET_MM_\w+|PR_SET_VMA_\w+|PR_SET_PTRACER_ANY|PR_GET_\w+_ALL"),
    "ioctl_cmds": (["asm-generic/ioctls.h"], r"(TC|TIOC|FIO)\w+", ""),
    "fcntl_cmds": (["asm-generic/fcntl.h", "linux/fcntl.h"], r"F_\w+",
                   r"F_OWNER_\w+|F_RDLCK|F_WRLCK|F_UNLCK|F_EXLCK|F_SHLCK|F_LINUX_SPECIFIC_BASE|"
                   r"F_SEAL_\w+|F_GETLK64|F_SETLK64|F_SETLKW64|F_OK|F_\w*HINT\w*"),
    "getrandom_flags": (["linux/random.h"], r"GRND_\w+", ""),
    "futex_ops": (["linux/futex.h"], r"FUTEX_(WAIT|WAKE|FD|REQUEUE|CMP_REQUEUE|WAKE_OP|LOCK_PI|UNLOCK_PI|"
                                     r"TRYLOCK_PI|WAIT_BITSET|WAKE_BITSET|WAIT_REQUEUE_PI|CMP_REQUEUE_PI|LOCK_PI2)", ""),
    "clock_ids": (["linux/time.h"], r"CLOCK_\w+", r"CLOCK_SGI_CYCLE"),
    "itimer_which": (["linux/time.h"], r"ITIMER_(REAL|VIRTUAL|PROF)", ""),
    "timer_flags": (["linux/time.h"], r"TIMER_ABSTIME", ""),
    "sigev_notify": (["asm-generic/siginfo.h"], r"SIGEV_(SIGNAL|NONE|THREAD|THREAD_ID)", ""),
    "madvise_advice": (["asm-generic/mman-common.h"], r"MADV_\w+", ""),
    "mpol_mode_flags": (["linux/mempolicy.h"], r"MPOL_F_(STATIC_NODES|RELATIVE_NODES|NUMA_BALANCING)", ""),
    "get_mempolicy_flags": (["linux/mempolicy.h"], r"MPOL_F_(NODE|ADDR|MEMS_ALLOWED)", ""),
    "mbind_flags": (["linux/mempolicy.h"], r"MPOL_MF_(STRICT|MOVE|MOVE_ALL)", ""),
    "move_pages_flags": (["linux/mempolicy.h"], r"MPOL_MF_(MOVE|MOVE_ALL)", ""),
    "wait_options": (["linux/wait.h"], r"W[A-Z]+|__W[A-Z]+", r"WSTOPPED"),
    "poll_events": (["asm-generic/poll.h"], r"POLL[A-Z]+", r"POLLFREE|POLL_BUSY_LOOP|POLLREMOVE"),
    "cld_codes": (["asm-generic/siginfo.h"], r"CLD_[A-Z]+", ""),
    "si_codes": (["asm-generic/siginfo.h"], r"SI_(USER|KERNEL|QUEUE|TIMER|MESGQ|ASYNCIO|SIGIO|TKILL|DETHREAD|ASYNCNL)",
                 ""),
    "file_types": (["linux/stat.h"], r"S_IF(SOCK|LNK|REG|BLK|DIR|CHR|IFO)", ""),
    "statx_masks": (["linux/stat.h"], r"STATX_\w+", r"STATX_ATTR_\w+|STATX__RESERVED"),
    "statx_attributes": (["linux/stat.h"], r"STATX_ATTR_\w+", ""),
    "statx_sync_types": (["linux/fcntl.h"], r"AT_STATX_(SYNC_AS_STAT|FORCE_SYNC|DONT_SYNC)", ""),
}
# strace's access() modes come from the C library's unistd.h (the UAPI has
# none): read as numbers, since the kernel cannot include that header.
ACCESS_MODES = ("unistd.h", r"[RWX]_OK")
ERRNO_HEADERS = ["asm-generic/errno-base.h", "asm-generic/errno.h"]

DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)[ \t]+([^\n]*?)\s*(/\*.*)?$", re.M)


def macros(path):
    """[(name, definition)] of a header, in order, comments dropped."""
    text = re.sub(r"/\*.*?\*/", " ", open(path).read(), flags=re.S)
    return [(m[1], m[2].strip()) for m in DEFINE.finditer(text)]


def find_header(root, asm_dir, rel):
    return os.path.join(asm_dir, rel[4:]) if rel.startswith("asm/") else os.path.join(root, rel)


def table_names(root, asm_dir, headers, pattern, exclude):
    names, seen = [], set()
    for h in headers:
        for name, value in macros(find_header(root, asm_dir, h)):
            if name in seen or not re.fullmatch(pattern, name):
                continue
            if exclude and re.fullmatch(exclude, name):
                continue
            if re.fullmatch(r"\(?\s*[A-Za-z_]\w*\s*\)?", value) or not value:
                continue            # an alias of another name, or a guard macro
            if "struct " in value:
                continue            # _IOR(..., struct termios2): the struct is not ours
            seen.add(name)
            names.append(name)
    return names


def numeric(path, pattern):
    return [(n, int(v, 0)) for n, v in macros(path) if re.fullmatch(pattern, n) and re.fullmatch(r"\d+", v)]


def generate(unistd):
    """The text of trace_tables.h, given the path of asm/unistd_64.h."""
    asm_dir = os.path.dirname(unistd)
    root = os.path.dirname(os.path.dirname(asm_dir))
    out = ["/* Generated by scripts/mksyscalls.py (scripts/tracetables.py) from Linux's",
           " * UAPI headers: do not edit. Included once, by kernel/proc/trace_tables.c. */"]
    headers = sorted({h for hs, _, _ in TABLES.values() for h in hs})
    out += [f"#include <{h}>" for h in headers]
    for table, (hs, pattern, exclude) in TABLES.items():
        out.append(f"\nconst struct trace_name trace_{table}[] = {{")
        for name in table_names(root, asm_dir, hs, pattern, exclude):
            out += [f"#ifdef {name}", f'\t{{ (uint64_t)({name}), "{name}" }},', "#endif"]
        out.append("\t{ 0, NULL }\n};")
    out.append("\nconst struct trace_name trace_access_modes[] = {")
    for name, value in numeric(os.path.join(root, ACCESS_MODES[0]), ACCESS_MODES[1]):
        out.append(f'\t{{ {value}, "{name}" }},')
    out.append("\t{ 0, NULL }\n};")
    errnos = {}
    for h in ERRNO_HEADERS:
        for name, value in numeric(os.path.join(root, h), r"E[A-Z0-9]+"):
            errnos.setdefault(value, name)
    out.append(f"\n#define TRACE_ERRNO_COUNT {max(errnos) + 1}")
    out.append("const char *const trace_errno_names[TRACE_ERRNO_COUNT] = {")
    out += [f'\t[{v}] = "{errnos[v]}",' for v in sorted(errnos)]
    out.append("};\nconst char *const trace_errno_texts[TRACE_ERRNO_COUNT] = {")
    out += [f'\t[{v}] = "{os.strerror(v)}",' for v in sorted(errnos)]
    out.append("};")
    return "\n".join(out) + "\n"
