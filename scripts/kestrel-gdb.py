"""gdb helpers for Kestrel (make gdb loads this through .gdbinit).

  p $current()          the task running on the CPU gdb has selected
  p *$current()         ... all of it; p $current()->mm->pgd, and so on
  kestrel-tasks         every task: tid, tgid, state, CPU, name
  kestrel-pagewalk ADDR [CR3]
                        the four-level page walk of a virtual address
                        (the selected CPU's CR3 by default): each entry,
                        its flags and the frame it names

The kernel's C macros (current, this_cpu()) do not exist for gdb: these
read the same data the macros do."""
import gdb

DIRECT_MAP_BASE = 0xffff888000000000     # x86/memlayout.h
PTE_FLAGS = [(0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"), (5, "A"),
             (6, "D"), (7, "PS"), (8, "G"), (63, "NX")]
ADDR_MASK = 0x000ffffffffff000


def selected_cpu():
    """The struct cpu of the CPU gdb has selected. In kernel mode %gs holds
    it (x86/percpu.h); in user mode (or before swapgs) gdb's thread number,
    which QEMU gives in CPU order, picks cpus[] by index."""
    cpus = gdb.parse_and_eval("cpus")
    ncpus = int(cpus.type.range()[1]) + 1
    base = int(cpus[0].address)
    size = cpus[0].type.sizeof
    try:
        gs = int(gdb.parse_and_eval("$gs_base"))
        if base <= gs < base + ncpus * size and (gs - base) % size == 0:
            return cpus[(gs - base) // size]
    except gdb.error:
        pass
    return cpus[gdb.selected_thread().num - 1]


class Current(gdb.Function):
    """$current(): the task running on the selected CPU (struct task *)."""

    def __init__(self):
        super().__init__("current")

    def invoke(self):
        return selected_cpu()["task"]


def list_entries(head, type_name, member):
    """The structs of type `type_name` linked through `member` on `head`."""
    t = gdb.lookup_type(type_name)
    ptr_t = t.pointer()
    offset = next(f.bitpos // 8 for f in t.fields() if f.name == member)
    node = head["next"]
    while int(node) != int(head.address):
        yield gdb.Value(int(node) - offset).cast(ptr_t).dereference()
        node = node["next"]


class Tasks(gdb.Command):
    """kestrel-tasks: every task (all_tasks), with the CPU it is on."""

    def __init__(self):
        super().__init__("kestrel-tasks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print(f"{'tid':>5} {'tgid':>5} {'state':<14} {'cpu':>4}  name")
        for t in list_entries(gdb.parse_and_eval("all_tasks"), "struct task", "all_link"):
            on = str(int(t["cpu"]["id"])) if int(t["on_cpu"]) and int(t["cpu"]) else "-"
            name = t["name"].string(length=16).split("\0")[0]
            print(f"{int(t['tid']):>5} {int(t['tgid']):>5} {str(t['state']):<14} {on:>4}  {name}")


def read_u64(phys):
    inferior = gdb.selected_inferior()
    return int.from_bytes(inferior.read_memory(DIRECT_MAP_BASE + phys, 8).tobytes(), "little")


def describe(entry):
    flags = [name for bit, name in PTE_FLAGS if entry >> bit & 1]
    return f"{entry:#018x} [{' '.join(flags) or '-'}]"


class PageWalk(gdb.Command):
    """kestrel-pagewalk ADDR [CR3]: the page walk of virtual address ADDR."""

    def __init__(self):
        super().__init__("kestrel-pagewalk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: kestrel-pagewalk ADDR [CR3]")
        va = int(gdb.parse_and_eval(args[0])) & 0xffffffffffffffff
        cr3 = int(gdb.parse_and_eval(args[1] if len(args) > 1 else "$cr3"))
        table = cr3 & ADDR_MASK
        print(f"{va:#x}: CR3 {cr3:#x}")
        for level, shift in (("PML4", 39), ("PDPT", 30), ("PD", 21), ("PT", 12)):
            index = va >> shift & 511
            entry = read_u64(table + index * 8)
            print(f"  {level:<4} [{index:3}] at phys {table + index * 8:#x}: {describe(entry)}")
            if not entry & 1:
                print("  not present")
                return
            if level in ("PDPT", "PD") and entry >> 7 & 1:
                page = 1 << shift
                phys = (entry & ADDR_MASK & ~(page - 1)) | (va & (page - 1))
                print(f"  {page >> 20} MiB page: physical {phys:#x}")
                return
            table = entry & ADDR_MASK
        print(f"  4 KiB page: physical {table | (va & 0xfff):#x}")


Current()
Tasks()
PageWalk()
