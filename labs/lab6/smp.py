"""Lab 6, Part D: one address space on several CPUs.

Run by labs/lab6/lab.py, which provides `lab`.
"""

lab.program_test_per_cpus("smp-tlb", "smp_tlb", 10, 20,
                          doc="a thread keeps using a page while another munmaps, remaps or mprotects it, "
                              "breaks its copy-on-write sharing or forks: once the call returns the first "
                              "thread sees the change (TLB shootdown to the CPUs running the address space)")

lab.exercise_tests[6] = ["smp-tlb-4cpu"]

lab.program_test_per_cpus("smp-faults", "smp_faults", 10, 30,
                          doc="4 threads fault on the same pages at once (demand-zero, copy-on-write shared "
                              "with a child, private and shared file pages): no write lost, no spurious SIGSEGV")

lab.program_test_per_cpus("smp-calls", "smp_calls", 5, 10,
                          doc="sched_getaffinity reports the CPUs that exist, sched_setaffinity pins a thread "
                              "(getcpu agrees at once; masks are per thread, inherited by new threads), "
                              "membarrier as Linux 6.1 answers it, rseq registers or is ENOSYS")

lab.program_test_per_cpus("smp-busy", "smp_busy", 5, 30,
                          doc="4 CPU-bound threads of one process run on min(4, CPUs) different CPUs at once; "
                              "pinned to one CPU, on that one only")

lab.program_test_per_cpus("smp-fork-race", "smp_fork_race", 0, 30,
                          doc="3 threads keep writing the heap, their stacks and a big anonymous mapping "
                              "while the main thread forks 200 times: no writer killed by a stale read-only TLB entry "
                              "(a regression test, no points), no write lost")
