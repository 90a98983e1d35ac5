"""How the tracer prints each system call's arguments (used by mksyscalls.py).

The kernel's tracer (kernel/proc/trace*.c) prints a call as strace does.
What it knows of an argument is the handler's own parameter: its C type
and name (mksyscalls.py reads them from the definition). The rules below
pick a decoder from those, the most specific first:

    1. CALLS[(syscall, parameter name)]  one call's argument
    2. NAMES[(C type, parameter name)]   a parameter written the same way
                                         in many handlers (const char *path)
    3. TYPES[C type]                     by type alone
    4. "ptr" for any other pointer (NULL or 0x...), "int" for a signed
       integer, "uint" for an unsigned one ("hex" prints a number as hex)

Each decoder is a case of trace_decode_arg() (kernel/proc/trace_decode.c);
this file is the one list of their names: the generated trace_kinds.h
makes an enum of them (TA_<NAME>), so a decoder named here and missing in
the kernel does not compile. Names ending in "_out" are what the call
writes: the tracer prints them after the call returns, as strace does.
"""

CALLS = {
    ("execve", "argv"): "argv", ("execve", "envp"): "envp",
    ("execveat", "argv"): "argv", ("execveat", "envp"): "envp", ("execveat", "flags"): "at_flags",
    ("openat", "flags"): "open_flags", ("openat", "mode"): "open_mode",
    ("open", "flags"): "open_flags", ("open", "mode"): "open_mode",
    ("pipe2", "flags"): "o_flags", ("dup3", "flags"): "o_flags",
    ("pipe", "ufds"): "pipefds_out", ("pipe2", "ufds"): "pipefds_out",
    ("read", "buf"): "buf_out", ("pread64", "buf"): "buf_out",
    ("write", "buf"): "buf_in", ("pwrite64", "buf"): "buf_in",
    ("readv", "iov"): "iovec_out", ("preadv", "iov"): "iovec_out",
    ("writev", "iov"): "iovec_in", ("pwritev", "iov"): "iovec_in",
    ("readlink", "buf"): "str_out", ("readlinkat", "ubuf"): "str_out", ("getcwd", "ubuf"): "str_out",
    ("getdents64", "udirp"): "dirents_out",
    ("statx", "flags"): "statx_flags", ("statx", "mask"): "statx_mask", ("statx", "ubuf"): "statx_out",
    ("newfstatat", "statbuf"): "stat_out", ("stat", "statbuf"): "stat_out",
    ("lstat", "statbuf"): "stat_out", ("fstat", "statbuf"): "stat_out",
    ("mmap", "prot"): "prot_flags", ("mprotect", "prot"): "prot_flags",
    ("mmap", "flags"): "map_flags", ("mmap", "off"): "hex",
    ("madvise", "advice"): "madvise_advice",
    ("clone", "flags"): "clone_call", ("clone", "stack"): "clone_call", ("clone", "parent_tid"): "clone_call",
    ("clone", "child_tid"): "clone_call", ("clone", "tls"): "clone_call",
    ("clone3", "uargs"): "clone3_args",
    ("rseq", "len"): "hex", ("rseq", "sig"): "hex",
    ("arch_prctl", "code"): "arch_prctl_code",
    ("prctl", "option"): "prctl_option", ("prctl", "arg2"): "prctl_arg_out", ("prctl", "arg3"): "prctl_arg_out",
    ("prctl", "arg4"): "prctl_arg_out", ("prctl", "arg5"): "prctl_arg_out",
    ("prlimit64", "resource"): "rlimit_resource", ("getrlimit", "resource"): "rlimit_resource",
    ("setrlimit", "resource"): "rlimit_resource",
    ("prlimit64", "unew"): "rlimit_in", ("prlimit64", "uold"): "rlimit_out",
    ("getrlimit", "ulim"): "rlimit_out", ("setrlimit", "ulim"): "rlimit_in",
    ("getrandom", "ubuf"): "random_out", ("getrandom", "flags"): "getrandom_flags",
    ("ioctl", "cmd"): "ioctl_cmd", ("ioctl", "arg"): "ptr",
    ("fcntl", "cmd"): "fcntl_cmd", ("fcntl", "arg"): "fcntl_arg",
    ("lseek", "whence"): "seek_whence",
    ("rt_sigprocmask", "how"): "sigprocmask_how", ("rt_sigprocmask", "uset"): "sigset_in",
    ("rt_sigprocmask", "uoldset"): "sigset_out", ("rt_sigpending", "uset"): "sigset_out",
    ("rt_sigtimedwait", "uset"): "sigset_in",
    ("signalfd4", "user_mask"): "sigset_in", ("signalfd", "user_mask"): "sigset_in",
    ("rt_sigaction", "uact"): "sigaction_in", ("rt_sigaction", "uoact"): "sigaction_out",
    ("setitimer", "which"): "itimer_which", ("getitimer", "which"): "itimer_which",
    ("setitimer", "uvalue"): "itimerval_in", ("setitimer", "uovalue"): "itimerval_out",
    ("getitimer", "uvalue"): "itimerval_out",
    ("timer_create", "uevent"): "sigevent", ("timer_create", "uid"): "timerid_out",
    ("timer_settime", "flags"): "timer_flags", ("timer_settime", "unew"): "itimerspec_in",
    ("timer_settime", "uold"): "itimerspec_out", ("timer_gettime", "ucur"): "itimerspec_out",
    ("wait4", "ustatus"): "wstatus_out", ("wait4", "options"): "wait_options",
    ("waitid", "options"): "wait_options",
    ("poll", "ufds"): "pollfds", ("ppoll", "ufds"): "pollfds",
    ("access", "mode"): "access_mode", ("faccessat", "mode"): "access_mode",
    ("faccessat2", "mode"): "access_mode",
    ("uname", "buf"): "utsname_out", ("sysinfo", "uinfo"): "sysinfo_out",
    ("clock_gettime", "tp"): "timespec_out", ("clock_getres", "tp"): "timespec_out",
    ("clock_nanosleep", "rem"): "timespec_out", ("nanosleep", "rem"): "timespec_out",
    ("futex", "op"): "futex_op", ("futex", "val"): "futex_arg", ("futex", "uts"): "futex_arg",
    ("futex", "uaddr2"): "futex_arg", ("futex", "val3"): "futex_arg",
    ("umask", "mask"): "mode",
    ("set_mempolicy", "mode"): "mpol_mode", ("mbind", "mode"): "mpol_mode_long",
    ("get_mempolicy", "policy"): "mpol_mode_out",
    ("set_mempolicy", "nmask"): "nodemask_in", ("mbind", "nmask"): "nodemask_in",
    ("get_mempolicy", "nmask"): "nodemask_out",
    ("migrate_pages", "old_nodes"): "migrate_nodemask", ("migrate_pages", "new_nodes"): "migrate_nodemask",
    ("get_mempolicy", "flags"): "get_mempolicy_flags", ("mbind", "flags"): "mbind_flags",
    ("set_mempolicy_home_node", "flags"): "hex",
    ("move_pages", "pages"): "page_addrs", ("move_pages", "nodes"): "page_nodes",
    ("move_pages", "status"): "page_status_out", ("move_pages", "flags"): "move_pages_flags",
}

NAMES = {
    ("const char *", "path"): "path", ("const char *", "upath"): "path",
    ("const char *", "oldpath"): "path", ("const char *", "newpath"): "path",
    ("const char *", "target"): "path", ("const char *", "utarget"): "path",
    ("const char *", "linkpath"): "path", ("const char *", "name"): "string",
    ("int", "dirfd"): "dirfd", ("int", "olddirfd"): "dirfd", ("int", "newdirfd"): "dirfd",
    ("unsigned", "mode"): "mode",
    ("int", "sig"): "signal",
    ("int", "clock"): "clock_id",
    ("const struct __kernel_timespec *", "req"): "timespec_in",
    ("const struct __kernel_timespec *", "uts"): "timespec_in",
    ("const struct __kernel_timespec *", "utimes"): "timespec_in",
    ("struct __kernel_timespec *", "utimeout"): "timespec_in",
    ("int", "flags"): "int",
}

# *at calls' flags are AT_* flags unless CALLS says otherwise.
AT_FLAG_CALLS = {"newfstatat", "fchownat", "unlinkat", "linkat", "faccessat2", "utimensat", "statx"}

# By width: an int argument is the low half of its register (the upper
# half is whatever the caller left there).
TYPES = {
    "uint64_t": "uint", "size_t": "uint", "unsigned long": "uint", "unsigned": "uint32", "uint32_t": "uint32",
    "int": "int", "int64_t": "long", "long": "long",
}

# Results printed in hex, as strace does (addresses).
HEX_RESULTS = {"mmap", "mremap", "brk"}


def decoder(call, ctype, name):
    if (call, name) in CALLS:
        return CALLS[(call, name)]
    if name == "flags" and call in AT_FLAG_CALLS:
        return "at_flags"
    if name in ("addr", "start", "new_addr", "stack") and ctype == "uint64_t":
        return "ptr"
    if (ctype, name) in NAMES:
        return NAMES[(ctype, name)]
    if ctype.endswith("*"):
        return "ptr"
    return TYPES.get(ctype, "int")


def result(call):
    return "hex" if call in HEX_RESULTS else "int"


def all_kinds():
    kinds = set(CALLS.values()) | set(NAMES.values()) | set(TYPES.values()) | {"hex", "ptr", "int", "long", "uint", "uint32", "at_flags"}
    return sorted(kinds)


def kinds_header():
    out = ["/* Generated by scripts/mksyscalls.py from scripts/trace_decoders.py: do not",
           " * edit. How the tracer prints an argument (TA_*) and a result (TR_*). */",
           "#pragma once", "enum trace_arg_kind {"]
    out += [f"\tTA_{k.upper()}," for k in all_kinds()]
    out += ["};", "enum trace_result_kind {", "\tTR_INT,", "\tTR_HEX,", "};"]
    return "\n".join(out) + "\n"
