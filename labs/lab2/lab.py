"""Lab 2 (paging): the grader's tests. Each boots the kernel with
"test=NAME token=RANDOM" and checks what labs/lab2/ktests.c prints.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 2" in the tree; see handout/docs/labs/lab2.md.
"""
import re

from testing import Lab

lab = Lab(2, "Paging: physical memory, page tables, kernel heap")

# The checkpoint proof grades these for each blank exercise (the quickest
# to fail; see the handout's "Tests that need it" table).
lab.exercise_tests = {1: ["alloc-all"], 2: ["alloc-all"], 3: ["refcount"], 4: ["map"], 5: ["map"],
                      6: ["ro-write"], 7: ["heap"], 8: ["heap"]}

HEX = r"(?:0x)?([0-9a-f]+)"
N = r"(\d+)"


def tok(t):
    return int(t.token, 16)


def expect_counts_equal(t, m, a, b, what):
    if m:
        t.check(m[a] == m[b], f"{what}: {m[a]} and {m[b]} should be equal")


def expect_fault(t, vector_name, error_code, address, reason):
    """The kernel's report of an exception it cannot handle: the exception,
    the faulting address with its decoded cause, and the panic."""
    t.expect(rf"^EXCEPTION {re.escape(vector_name)} \(vector \d+\), error code {error_code}$")
    if address is not None:
        t.expect(rf"^  CR2={address:016x}  \({re.escape(reason)}\)$")
    t.expect(rf"^PANIC: unhandled exception {re.escape(vector_name)} in kernel$")


def leaf_line(t, address):
    """The last line of the page walk printed for `address`."""
    start = t.expect(rf"^  page walk for {address:016x} ")
    if not start:
        return None
    leaf = None
    for line in t.result.lines[start.line.index + 1:]:
        if not line.text.startswith("    "):
            break
        leaf = line.text
    return leaf


# --- the memory map and the frame allocator --------------------------------

# MiB, all above the boot map's 1 GiB: RAM there is reachable only through
# the kernel's own direct map. 3072 also puts RAM above 4 GiB (q35 moves
# what does not fit below its PCI hole there).
MEM_SIZES = [1152, 1536, 2048, 3072]


@lab.test(points=10)
def memmap(t):
    """The kernel reads the boot loader's memory map, reports usable RAM, and
    manages all of it (but low memory, the kernel and the page array) —
    including RAM above 1 GiB, which needs the kernel's own page tables."""
    mib = MEM_SIZES[tok(t) % len(MEM_SIZES)]
    t.notes.append(f"booted with -m {mib}M")
    t.boot(mem=f"{mib}M")
    usable = 0
    for line in t.result.lines:
        m = re.match(r"^memmap: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (\S+)", line.text)
        if m and m[3] == "usable":
            usable += int(m[2], 16) + 1 - int(m[1], 16)
    t.check(usable > 0, "the memory map lists usable ranges (\"memmap: [mem 0x...-0x...] usable\")")
    t.check(mib * 2**20 - 2 * 2**20 <= usable <= mib * 2**20,
            f"usable RAM in the map ({usable / 2**20:.1f} MiB) is about the {mib} MiB QEMU was given")
    m = t.expect(rf"^mm: {N} MiB of usable RAM$")
    if m:
        t.check(int(m[1]) == usable >> 20, f"\"mm: {m[1]} MiB of usable RAM\" matches the map ({usable >> 20} MiB)")
    boot_line = t.expect(rf"^mm: {N} frames managed, {N} free")
    m = t.expect(rf"^memmap: {N} frames not reserved, 0 outside usable RAM or inside kernel/page array$")
    total = t.expect(rf"^memmap: allocator manages {N} frames, {N} free, token={{token}}$")
    if boot_line and m and total:
        frames = int(total[1])
        t.check(m[1] == total[1] == boot_line[1], "the frame counts agree")
        # Everything usable except low memory, the kernel and the page array
        # (40 bytes a frame, holes included): a few percent at most.
        t.check(frames * 4096 >= usable * 0.97 - 8 * 2**20,
                f"{frames} frames ({frames * 4096 / 2**20:.1f} MiB) cover nearly all usable RAM "
                f"({usable / 2**20:.1f} MiB)")


@lab.test(points=15, name="alloc-all")
def alloc_all(t):
    """Every free frame can be allocated once; all come back when freed."""
    t.boot()
    m = t.expect(rf"^alloc-all: allocated {N} frames \({N} were free\), 0 bad, then alloc_page gave NULL$")
    expect_counts_equal(t, m, 1, 2, "frames allocated and frames free before")
    m2 = t.expect(rf"^alloc-all: {N} frames intact, {N} freed, free count {N} -> {N}; order-10 block allocated$")
    if m and m2:
        t.check(m2[1] == m2[2] == m[1], "every frame kept its own contents (none handed out twice) and was freed")
    expect_counts_equal(t, m2, 3, 4, "free frames before and after")
    t.expect(r"^alloc-all: done, token={token}$")


@lab.test(points=10, name="alloc-runs")
def alloc_runs(t):
    """Blocks of 2^order frames are aligned and disjoint; freeing merges
    buddies back, so the free lists end exactly as they began."""
    t.boot()
    t.expect(rf"^alloc-runs: {N} blocks of orders 0-10: 0 misaligned, 0 overlapping, 0 corrupted$")
    m = t.expect(rf"^alloc-runs: free {N} -> {N}; free lists restored exactly$")
    expect_counts_equal(t, m, 1, 2, "free frames before and after")
    m = t.expect(r"^alloc-runs: freed one frame of each of (\d+) buddy pairs, order-0 free blocks \+(\d+)$")
    if m:
        t.check(int(m[1]) >= 512, f"most of 2048 frames came in buddy pairs ({m[1]} pairs)")
        expect_counts_equal(t, m, 1, 2, "frames freed and new order-0 free blocks (none merged)")
    t.expect(r"^alloc-runs: done, token={token}$")


@lab.test(points=10)
def refcount(t):
    """A frame with several references is freed by the last page_put only."""
    shares = 2 + tok(t) % 8
    t.boot()
    t.expect(rf"^refcount: {shares} gets and puts: refcount 1 and 1, 9 frames still allocated$")
    t.expect(r"^refcount: last put: 0 frames still allocated, token={token}$")


# --- page tables -------------------------------------------------------------

@lab.test(points=15)
def map(t):
    """Map, translate, write through, remap (no stale TLB entry), protect and
    unmap 64 random pages in a new address space; its tables are freed."""
    t.boot()
    t.expect(r"^paging: kernel page tables at 0x[0-9a-f]+; NX on, WP on")
    t.expect(r"^map: 64 of 64 mapped, 64 translated with their flags, 0 wrong error codes$")
    t.expect(r"^map: 32 of 32 writes seen through the direct map; 0 stale TLB reads after remapping$")
    m = t.expect(rf"^map: 64 made read-only, 64 unmapped; free count {N} -> {N}, token={{token}}$")
    expect_counts_equal(t, m, 1, 2, "free frames before and after (page tables freed)")


@lab.test(points=10, depends=["map"], name="ro-write")
def ro_write(t):
    """Writing to the kernel's code or read-only data faults."""
    t.expect_kernel_panic()
    t.boot()
    kind = "kernel code" if tok(t) & 1 else "read-only data"
    m = t.expect(rf"^ro-write: writing to 0x([0-9a-f]+) \({kind}\)$")
    address = int(m[1], 16) if m else None
    expect_fault(t, "#PF Page Fault", "0x3", address, "protection violation, write, kernel mode")
    if address is not None:
        leaf = leaf_line(t, address)
        t.check(leaf and " present read-only" in leaf, f"the page walk ends in a read-only entry: {leaf!r}")
    t.forbid(r"^ro-write: survived")


@lab.test(points=10, depends=["map"])
def nx(t):
    """Executing from kernel data or the direct map faults (NX)."""
    t.expect_kernel_panic()
    t.boot()
    where = "the direct map" if tok(t) & 1 else "kernel data"
    t.expect(r"^paging: .*NX on")
    m = t.expect(rf"^nx: calling 0x([0-9a-f]+) \({where}\)$")
    address = int(m[1], 16) if m else None
    expect_fault(t, "#PF Page Fault", "0x11", address,
                 "protection violation, read, kernel mode, instruction fetch")
    if address is not None:
        t.expect(rf"^  RIP={address:016x}")
        leaf = leaf_line(t, address)
        t.check(leaf and " no-exec" in leaf, f"the page walk ends in a no-exec entry: {leaf!r}")
    t.forbid(r"^nx: survived")


@lab.test(points=10, depends=["map"], name="smap-smep")
def smap_smep(t):
    """With SMEP and SMAP on, the kernel can neither run nor read user pages."""
    t.expect_kernel_panic()
    t.boot()
    t.expect(r"^paging: .*SMEP on, SMAP on$")
    call = tok(t) & 1
    m = t.expect(rf"^smap-smep: {'calling' if call else 'reading'} the user page at 0x([0-9a-f]+)$")
    if m:
        va = int(m[1], 16)
        if call:
            expect_fault(t, "#PF Page Fault", "0x11", va, "protection violation, read, kernel mode, instruction fetch")
        else:
            expect_fault(t, "#PF Page Fault", "0x1", va + 1, "protection violation, read, kernel mode")
        leaf = leaf_line(t, va + (0 if call else 1))
        t.check(leaf and " user" in leaf, f"the page walk ends in a user entry: {leaf!r}")
    t.forbid(r"^smap-smep: got")


@lab.test(points=5, depends=["map"], name="no-smep")
def no_smep(t):
    """On a CPU without SMEP/SMAP (QEMU's qemu64 model) the kernel still
    boots, says so, and does not set the bits the CPU lacks."""
    if t.options.accel == "kvm":
        # The CPU model is the host's under KVM: nothing to choose.
        t.check(True, "not run under KVM: the host CPU decides which features exist")
        return
    t.boot(cpu_model="qemu64")
    t.expect(r"^paging: kernel page tables at 0x[0-9a-f]+; NX on, WP on, SMEP absent, SMAP absent$")
    t.expect_sequence([r"^no-smep: reading the user page at 0x[0-9a-f]+$",
                       r"^no-smep: got (0x[0-9a-f]+) \(expected \1\), token={token}$",
                       r"^no-smep: calling the user page at 0x[0-9a-f]+$",
                       r"^no-smep: got (0x[0-9a-f]+) \(expected \1\), token={token}$"])
    t.forbid(r"^PANIC")


@lab.test(points=10, depends=["map"])
def guard(t):
    """Overflowing a kernel stack hits its unmapped guard and is reported as
    a stack overflow, not silent corruption."""
    t.expect_kernel_panic()
    t.boot()
    m = t.expect(rf"^guard: 8 stacks allocated and freed, free count {N} -> {N}$")
    expect_counts_equal(t, m, 1, 2, "free frames before and after")
    if tok(t) & 1:
        t.expect(r"^guard: overflowing the boot stack$")
        t.expect(r"^  kernel stack overflow: [0-9a-f]{16} is in the guard page below the boot stack ")
    else:
        m = t.expect(r"^guard: overflowing a kernel stack ending at 0x([0-9a-f]+)$")
        top = m[1] if m else "[0-9a-f]+"
        t.expect(rf"^  kernel stack overflow: [0-9a-f]{{16}} is in the guard gap below the kernel stack "
                 rf"[0-9a-f]{{16}}-0*{top}$")
    t.expect(r"^EXCEPTION #DF Double Fault \(vector 8\)")
    t.expect(r"^PANIC: unhandled exception #DF Double Fault in kernel$")
    t.expect(r"^  #\d+ \[[0-9a-f]{16}\] ktest_guard_recurse")
    t.forbid(r"^guard: survived")


# --- the heap ------------------------------------------------------------------

@lab.test(points=15)
def heap(t):
    """20,000 random kmalloc/kzalloc/kfree of 1 byte to 20 KB: contents
    intact, aligned, zeroed when asked; nothing leaks."""
    t.boot()
    t.expect(r"^heap: 20000 operations, \d+ allocations \(0 failed\), peak \d+ KiB live$")
    t.expect(r"^heap: 0 corrupted, 0 misaligned, 0 kzalloc not zeroed$")
    m = t.expect(rf"^heap: after freeing all: 0 objects, 0 slab pages, 0 large pages more than before; free count {N} -> {N}, token={{token}}$")
    expect_counts_equal(t, m, 1, 2, "free frames before and after")


@lab.test(points=5, depends=["heap"], name="double-free")
def double_free(t):
    """Freeing the same object twice is caught and reported."""
    t.expect_kernel_panic()
    t.boot()
    m = t.expect(r"^double-free: kfree\((0x[0-9a-f]+)\) twice$")
    address = re.escape(m[1]) if m else "0x[0-9a-f]+"
    t.expect(rf"^PANIC: kfree\({address}\): already free \(double kfree\)$")
