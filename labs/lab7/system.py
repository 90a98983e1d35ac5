"""Lab 7, Part C: system-wide /proc files and /sys.

Run by labs/lab7/lab.py, which provides `lab`.

Each test runs a program (or a busybox script) in the kernel and on the
host and compares the outputs: the programs print the structure of each
file (field names in order, column counts, formats) and check the
relations its values must keep, since the figures themselves differ
between two machines. Three boots with 2 CPUs and two for /sys's CPU
files (1 and 4 CPUs).
"""

lab.program_test("proc-system", "sys_proc", 20, 30.0,
                 doc="/proc/meminfo, cpuinfo, stat, uptime, loadavg, version, filesystems, partitions, "
                     "interrupts and /proc/sys by structure and by the relations of their values; "
                     "/proc/sys/kernel/hostname written like sethostname")
lab.program_test_per_cpus("sysfs-cpu", "sys_sysfs", 10, 30.0,
                          doc="/sys/devices/system/cpu (online, possible, present, cpuK/online), "
                              "/sys/block/vda, class/tty, transparent_hugepage; glibc's get_nprocs() and "
                              "sysconf(_SC_NPROCESSORS_ONLN) agree with the CPUs QEMU was given")


def busybox_tools(t):
    t.run_script("sys_busybox.sh")


busybox_tools.__doc__ = "busybox nproc, free and uptime, which read /proc and /sys, compared by structure"
lab.test(points=5, timeout=30.0, name="busybox-nproc-free-uptime", depends=["proc-system"])(busybox_tools)

# Exercise 5: the CPU-list printer behind /sys/devices/system/cpu/online.
lab.exercise_tests[5] = ["sysfs-cpu-1cpu", "sysfs-cpu-4cpu"]
