# The lab book's one entry point. `make help` lists the targets, one a line:
#
#   make               build the kernel (build/kernel.elf)
#   make qemu          boot it with build/fsimg.img as its disk (Ctrl-a x quits; DISK= for none)
#   make qemu-gdb      boot it halted, waiting for gdb (then make gdb in another terminal)
#   make gdb           attach gdb-multiarch to the QEMU of make qemu-gdb
#   make grade         grade the current lab (LAB=N one lab, LAB=final the capstone, TEST=name one test, TIMEOUT_SCALE=3)
#   make test          everything CI runs: unit tests, grading, gdb, checkpoints, handout
#   make unit          the host unit tests of the kernel's pure code
#   make bench         benchmarks with figures: boot, pages, processes, files, sockets, the card (ONLY=lab8/: those whose command line has it; ONLY=players: MediaServer's host players)
#   make bench-linux   the benchmarks under Kestrel and Debian's Linux in the same QEMU: ratios (RUNS=5, ONLY="net epoll card players")
#   make fsimg         the root file system image build/fsimg.img (EXTRA="/usr/bin/prog"; MEDIASERVER=1: the capstone's too)
#   make lab-N         students: save your work and move to lab N (once it is released)
#   make checkpoints   instructors: the student repository build/student-repo, a branch a lab
#   make release       instructors: LAB=N REMOTE=url publishes branch lab-N when lab N starts
#   make grade-submission  instructors: SUB=folder-or-git-url [LAB=N] [BATCH=1] with your own grader
#   make autograder    instructors: build/autograder.zip, a Gradescope autograder (LAB=N)
#   make handout       the handout as a web site in build/site (make handout-serve to browse)
#   make doctor        check the tools, QEMU's version and the machine's load
#   make setup         install the tools (Debian 12, as root)
#   make clean         remove build/
#
# Variables: ACCEL=tcg|kvm (default tcg), CPUS=2, MEM=512M, CPU=max (TCG's CPU model,
# e.g. CPU=qemu64: no SMEP/SMAP), CMDLINE="...", V=1 (show commands), DISK=image,
# EXTRA="/usr/bin/prog ..." and FSIMG_SIZE=256M (make fsimg; both remembered until given again),
# MEDIASERVER=1|DIR (make fsimg also builds build/fsimg-mediaserver.img, the capstone's; remembered),
# TIMEOUT_SCALE=N (make grade and make test on a slow or loaded machine: every timeout times N),
# NET=1 (make qemu: a network card; the host reaches the guest's ports 80, 8080, 8554 and 1935
# through free ports of 127.0.0.1, printed at start) or NET=tcp:80,tcp:7 (those guest ports)

BUILD   ?= build
# Lock checking (kernel/include/kernel/lockdep.h) is compiled in unless
# LOCKDEP=0; such a kernel is built apart, in build/nolockdep/.
LOCKDEP ?= 1
KBUILD  := $(BUILD)$(if $(filter 0,$(LOCKDEP)),/nolockdep)
ACCEL   ?= tcg
CPUS    ?= 2
MEM     ?= 512M
CMDLINE ?=
PYTHON  ?= python3

# On a checkpoint branch (student repository) labs/current names the lab
# being worked on, and `make grade` grades just that lab.
CURRENT_LAB := $(shell cat labs/current 2>/dev/null)
LAB     ?= $(CURRENT_LAB)

CC      := gcc
LD      := ld

# Short "CC file" lines by default; V=1 shows the full commands.
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-7s %s\n'
endif

# Linux's UAPI headers (errno values, struct layouts) from linux-libc-dev,
# without the rest of /usr/include: the kernel must not see libc's headers.
UAPI := $(BUILD)/uapi
UAPI_DIRS := linux asm-generic
$(UAPI)/.stamp:
	@mkdir -p $(UAPI)
	$(Q)for d in $(UAPI_DIRS); do ln -sfn /usr/include/$$d $(UAPI)/$$d; done
	$(Q)ln -sfn /usr/include/$(shell $(CC) -print-multiarch)/asm $(UAPI)/asm
	@touch $@

# Generated sources (the system call list: below, after the kernel's
# sources) and the user programs embedded in the kernel image.
GEN := $(BUILD)/gen

# User programs: ordinary static Linux binaries (musl), one per file in
# user/labN/. The grader runs the same files on the host.
USER_SRCS := $(wildcard user/lab*/*.c)
USER_PROGS := $(patsubst user/%.c,$(BUILD)/user/%,$(USER_SRCS))
USER_CFLAGS := -static -O2 -g0 -s -Wall -Wextra -Werror -Iuser/include

# trace (Lab 5) reads the kernel's generated list of system call names and
# its prctl interface: nothing copied by hand.
LDFLAGS_trace := -I$(GEN) -Ikernel/include
$(BUILD)/user/lab5/trace: kernel/include/proc/trace_abi.h $(GEN)/syscall_names.h
# trace_decode (Lab 5) takes clone3's struct clone_args from them.
LDFLAGS_trace_decode := -isystem $(UAPI)
$(BUILD)/user/lab5/trace_decode: $(UAPI)/.stamp
# smp_calls (Lab 6) takes membarrier's commands from the UAPI headers.
LDFLAGS_smp_calls := -isystem $(UAPI)
$(BUILD)/user/lab6/smp_calls: $(UAPI)/.stamp
# mempolicy (Lab 4) and thr_clone (Lab 6) take the MPOL_* constants from them.
LDFLAGS_mempolicy := -isystem $(UAPI)
$(BUILD)/user/lab4/mempolicy: $(UAPI)/.stamp
LDFLAGS_thr_clone := -isystem $(UAPI)
$(BUILD)/user/lab6/thr_clone: $(UAPI)/.stamp
# netinfo (Lab 9) speaks rtnetlink with the UAPI's structs and constants.
LDFLAGS_netinfo := -isystem $(UAPI)
$(BUILD)/user/lab9/netinfo: $(UAPI)/.stamp

$(BUILD)/user/%: user/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(say) MUSLCC $<
	$(Q)musl-gcc $(USER_CFLAGS) $(LDFLAGS_$(notdir $@)) -o $@ $<

# glibc programs (Lab 4 on): ordinary dynamically linked Debian binaries,
# C (user/labN/glibc/*.c) and C++ (*.cc), built with the host's gcc and
# g++. They are not embedded in the kernel: they need their dynamic loader
# and libraries, which make fsimg copies into the image next to them.
GLIBC_CFLAGS := -O2 -g0 -Wall -Wextra -Werror -Iuser/include
GLIBC_C_SRCS := $(wildcard user/lab*/glibc/*.c)
GLIBC_CXX_SRCS := $(wildcard user/lab*/glibc/*.cc)
GLIBC_PROGS := $(foreach f,$(GLIBC_C_SRCS) $(GLIBC_CXX_SRCS),\
	$(BUILD)/user/$(word 2,$(subst /, ,$(f)))/$(basename $(notdir $(f))))

define glibc_rules
$(BUILD)/user/$(1)/%: user/$(1)/glibc/%.c $(wildcard user/include/*.h)
	@mkdir -p $$(dir $$@)
	$$(say) GCC $$<
	$$(Q)gcc $$(GLIBC_CFLAGS) $$(LDFLAGS_$$(notdir $$@)) -o $$@ $$<

$(BUILD)/user/$(1)/%: user/$(1)/glibc/%.cc $(wildcard user/include/*.h)
	@mkdir -p $$(dir $$@)
	$$(say) G++ $$<
	$$(Q)g++ $$(GLIBC_CFLAGS) $$(LDFLAGS_$$(notdir $$@)) -o $$@ $$<
endef
$(foreach lab,$(notdir $(wildcard user/lab*)),$(eval $(call glibc_rules,$(lab))))

# A program that needs its own link flags says so here.
LDFLAGS_glibc_static := -static              # static glibc: no loader at all
LDFLAGS_exec_stack := -z execstack           # PT_GNU_STACK asks for an executable stack

user: $(USER_PROGS) $(GLIBC_PROGS)

$(GEN)/user_programs.S: $(USER_PROGS) scripts/mkprograms.py
	@mkdir -p $(GEN)
	$(say) GEN $@
	$(Q)$(PYTHON) scripts/mkprograms.py $@ $(USER_PROGS)

$(BUILD)/gen/user_programs.S.o: $(GEN)/user_programs.S
	$(say) AS $<
	$(Q)$(CC) -c $< -o $@


# The vDSO (kernel/vdso/): user-mode code every process gets mapped, so it
# reads the clock without a system call. A small position-independent
# shared object with no relocations at all (all symbols hidden but the
# exported ones), embedded in the kernel by vdso_image.S.
VDSO_SO := $(BUILD)/vdso/vdso.so
VDSO_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -isystem $(UAPI) -Ikernel/include \
	-fvisibility=hidden -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables
VDSO_LDFLAGS := -shared -nostdlib -Wl,-T,kernel/vdso/vdso.lds -Wl,-soname=linux-vdso.so.1 \
	-Wl,--hash-style=both -Wl,-z,max-page-size=4096 -Wl,--no-undefined -Wl,-s

$(VDSO_SO): kernel/vdso/vdso.c kernel/vdso/vdso.lds kernel/include/time/vvar.h | $(UAPI)/.stamp
	@mkdir -p $(dir $@)
	$(say) VDSO $@
	$(Q)$(CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@ $<
	$(Q)if readelf -r $@ | grep -q R_X86_64; then echo "$@ has relocations: it must have none" >&2; rm -f $@; exit 1; fi

$(BUILD)/gen/vdso_image.S.o: kernel/vdso/vdso_image.S $(VDSO_SO)
	@mkdir -p $(dir $@)
	$(say) AS $<
	$(Q)$(CC) -c -DVDSO_SO='"$(VDSO_SO)"' $< -o $@

# Kernel code is freestanding: no libc headers, no SSE (the kernel does not
# save vector registers on traps), no red zone (interrupts push onto the
# stack below %rsp), frame pointers kept for backtraces.
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-Ikernel/include -I$(GEN) -isystem $(UAPI) -MMD -MP \
	$(if $(filter 0,$(LOCKDEP)),,-DCONFIG_LOCKDEP)
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld

# lwIP (Lab 8), the TCP/IP stack: Debian's source package, which
# scripts/setup.sh (scripts/fetch-lwip.sh) unpacks into a cache outside the
# tree shared by every clone. Its core, IPv4 and IPv6 files only (the raw
# API: our socket layer is kernel/net/), with our port's headers
# (kernel/net/lwip/include) and the kernel's flags: third-party code is
# built as it is, never edited.
LWIP_VERSION := 2.1.3+dfsg1
LWIP_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kestrel/lwip-$(LWIP_VERSION)
LWIP_PORT_INC := -Ikernel/net/lwip/include -I$(LWIP_DIR)/src/include
LWIP_CORE := init def inet_chksum ip mem memp netif pbuf raw stats sys tcp tcp_in tcp_out timeouts udp \
	ipv4/icmp ipv4/ip4 ipv4/ip4_addr ipv6/icmp6 ipv6/inet6 ipv6/ip6 ipv6/ip6_addr ipv6/nd6 \
	ipv4/etharp ipv4/dhcp ipv4/ip4_frag ipv6/ethip6 ipv6/ip6_frag
# Ethernet framing (src/netif/ethernet.c), for network cards.
LWIP_NETIF := ethernet
LWIP_OBJS := $(patsubst %,$(KBUILD)/lwip/%.o,$(LWIP_CORE)) $(patsubst %,$(KBUILD)/lwip/netif/%.o,$(LWIP_NETIF))
# lwIP 2.1.3 builds without a warning under the kernel's flags; a later
# version that warns gets its -Wno-... here, never an edit of its source.
LWIP_CFLAGS :=

$(KBUILD)/lwip/%.o: $(LWIP_DIR)/src/core/%.c | $(UAPI)/.stamp
	@mkdir -p $(dir $@)
	$(say) CC lwip/$*.c
	$(Q)$(CC) $(KERNEL_CFLAGS) $(LWIP_PORT_INC) $(LWIP_CFLAGS) -c $< -o $@

$(KBUILD)/lwip/netif/%.o: $(LWIP_DIR)/src/netif/%.c | $(UAPI)/.stamp
	@mkdir -p $(dir $@)
	$(say) CC lwip/netif/$*.c
	$(Q)$(CC) $(KERNEL_CFLAGS) $(LWIP_PORT_INC) $(LWIP_CFLAGS) -c $< -o $@

# Our own files that include lwIP's headers (the port, the inet family, its self-test).
$(KBUILD)/kernel/net/%.c.o: KERNEL_CFLAGS += $(LWIP_PORT_INC)
$(KBUILD)/labs/lab8/ktests_lwip.c.o: KERNEL_CFLAGS += $(LWIP_PORT_INC)

KERNEL_SRCS := $(wildcard kernel/arch/x86_64/*.S kernel/arch/x86_64/*.c \
	kernel/core/*.c kernel/mm/*.c kernel/proc/*.c kernel/syscall/*.c kernel/time/*.c \
	kernel/drivers/*/*.c kernel/block/*.c kernel/fs/*.c kernel/fs/*/*.c \
	kernel/lib/*.c kernel/net/*.c kernel/net/*/*.c labs/*/ktests*.c)
KERNEL_OBJS := $(patsubst %,$(KBUILD)/%.o,$(KERNEL_SRCS)) $(BUILD)/gen/user_programs.S.o \
	$(BUILD)/gen/vdso_image.S.o $(LWIP_OBJS)
KERNEL := $(KBUILD)/kernel.elf

# The system call list (scripts/mksyscalls.py): names from the UAPI
# header, handlers from the "long sys_NAME(...)" definitions in kernel/.
# It runs whenever make reads this file, before make looks at any header's
# time: it takes a fraction of a second and rewrites a header only when its
# text changes, so only a new or changed handler recompiles anything.
UNISTD := /usr/include/$(shell $(CC) -print-multiarch)/asm/unistd_64.h
SYSCALL_SRCS := $(filter kernel/%.c,$(KERNEL_SRCS))
NO_KERNEL_GOALS := clean help doctor setup handout handout-serve
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(NO_KERNEL_GOALS),$(MAKECMDGOALS)),)
SKIP_SYSCALL_GEN := 1
endif
endif
ifneq ($(SKIP_SYSCALL_GEN),1)
ifeq ($(wildcard $(LWIP_DIR)/.complete),)
$(error lwIP's source is missing from $(LWIP_DIR): run scripts/setup.sh (it fetches Debian's lwip $(LWIP_VERSION) into that cache))
endif
SYSCALL_GEN_ERROR := $(shell mkdir -p $(GEN) && $(PYTHON) scripts/mksyscalls.py $(UNISTD) $(GEN) $(SYSCALL_SRCS) 2>&1)
ifneq ($(SYSCALL_GEN_ERROR),)
$(error $(SYSCALL_GEN_ERROR))
endif
endif

.PHONY: all kernel user fsimg qemu qemu-gdb gdb grade test unit handout handout-serve \
	checkpoints release bench bench-linux doctor setup clean help grade-submission autograder
.DEFAULT_GOAL := all

all: kernel

kernel: $(KERNEL)

$(KBUILD)/%.c.o: %.c | $(UAPI)/.stamp
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KBUILD)/%.S.o: %.S | $(UAPI)/.stamp
	@mkdir -p $(dir $@)
	$(say) AS $<
	$(Q)$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Two links: the first gives the addresses for the symbol table, the second
# includes the table (see scripts/mksyms.py).
$(KERNEL): $(KERNEL_OBJS) kernel/arch/x86_64/kernel.ld scripts/mksyms.py
	$(say) LD $@
	$(Q)$(PYTHON) scripts/mksyms.py --empty $(KBUILD)/ksyms.pass1.S
	$(Q)$(CC) -c $(KBUILD)/ksyms.pass1.S -o $(KBUILD)/ksyms.pass1.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $(KBUILD)/kernel.pass1.elf $(KERNEL_OBJS) $(KBUILD)/ksyms.pass1.o
	$(Q)$(PYTHON) scripts/mksyms.py $(KBUILD)/kernel.pass1.elf $(KBUILD)/ksyms.S
	$(Q)$(CC) -c $(KBUILD)/ksyms.S -o $(KBUILD)/ksyms.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KBUILD)/ksyms.o
	$(Q)$(PYTHON) scripts/mksyms.py --check $(KBUILD)/kernel.pass1.elf $@

-include $(KERNEL_OBJS:.o=.d)

# --- The root file system image ----------------------------------------------
# scripts/mkfsimg.py stages fsimg/root, busybox, the user programs (as
# /usr/lib/kestrel/labN/NAME) and test data in build/fsimg/root, then runs
# mke2fs -d (see fsimg/README.md). EXTRA and FSIMG_SIZE are remembered in
# build/fsimg/ so that a later `make qemu` keeps them: EXTRA= clears it.

FSIMG := $(BUILD)/fsimg.img
FSIMG_STATE := $(BUILD)/fsimg
# remember,VAR: $(FSIMG_STATE)/VAR holds VAR's value when it was given (its
# date changes only with the value, so the image is rebuilt only then).
remember = $(shell mkdir -p $(FSIMG_STATE); f=$(FSIMG_STATE)/$(1); \
	if [ "$(origin $(1))" != undefined ]; then \
		printf '%s\n' '$($(1))' | cmp -s - $$f || printf '%s\n' '$($(1))' > $$f; \
	elif [ ! -e $$f ]; then echo > $$f; fi)
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
  _ := $(call remember,EXTRA)$(call remember,FSIMG_SIZE)
endif
FSIMG_EXTRA := $(strip $(shell cat $(FSIMG_STATE)/EXTRA 2>/dev/null))
FSIMG_SIZE_SET := $(strip $(shell cat $(FSIMG_STATE)/FSIMG_SIZE 2>/dev/null))

$(FSIMG): $(USER_PROGS) $(GLIBC_PROGS) $(shell find fsimg/root -type f) $(wildcard user/lab*/scripts/*.sh) $(wildcard /bin/busybox) \
		scripts/mkfsimg.py grade/fsimg_tools.py $(FSIMG_STATE)/EXTRA $(FSIMG_STATE)/FSIMG_SIZE \
		$(wildcard $(FSIMG_EXTRA))
	$(Q)$(PYTHON) scripts/mkfsimg.py --out $@ $(if $(FSIMG_SIZE_SET),--size $(FSIMG_SIZE_SET)) \
		$(foreach e,$(FSIMG_EXTRA),--extra $(e)) $(USER_PROGS) $(GLIBC_PROGS)

# The capstone's image (labs/final): the same tree plus MediaServer at
# /opt/mediaserver with its libraries and Debian's ffmpeg (it publishes a
# clip to MediaServer in the serving tests), in an image of its own so that the
# labs keep the small one. MEDIASERVER=1 takes it from ../shared/mediaserver
# beside the project, MEDIASERVER=DIR from DIR; remembered like EXTRA
# (MEDIASERVER= stops building it).
FSIMG_MS := $(BUILD)/fsimg-mediaserver.img
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
  _ := $(call remember,MEDIASERVER)
endif
MEDIASERVER_SET := $(strip $(shell cat $(FSIMG_STATE)/MEDIASERVER 2>/dev/null))
MEDIASERVER_DIR := $(if $(filter 1 yes,$(MEDIASERVER_SET)),$(abspath $(CURDIR)/../shared/mediaserver),$(filter-out 0 no,$(MEDIASERVER_SET)))

$(FSIMG_MS): $(USER_PROGS) $(GLIBC_PROGS) $(shell find fsimg/root -type f) $(wildcard user/lab*/scripts/*.sh) $(wildcard /bin/busybox) \
		scripts/mkfsimg.py grade/fsimg_tools.py $(FSIMG_STATE)/EXTRA $(FSIMG_STATE)/MEDIASERVER \
		$(wildcard $(FSIMG_EXTRA)) $(wildcard $(MEDIASERVER_DIR)/*) $(wildcard /usr/bin/ffmpeg)
	$(Q)$(PYTHON) scripts/mkfsimg.py --out $@ --stage $(BUILD)/fsimg-mediaserver/root --mediaserver $(MEDIASERVER_DIR) \
		$(foreach e,$(FSIMG_EXTRA),--extra $(e)) $(USER_PROGS) $(GLIBC_PROGS)

fsimg: $(FSIMG) $(if $(MEDIASERVER_DIR),$(FSIMG_MS))

# --- Running ---------------------------------------------------------------

# The disk `make qemu` attaches (virtio-blk, the kernel's vda): DISK= boots
# without one. Writes persist: `make -B fsimg` starts again from a fresh image.
DISK ?= $(FSIMG)

# NET=1: the guest's web server and MediaServer's HTTP, RTSP and RTMP ports.
NET_DEFAULT := tcp:80,tcp:8080,tcp:8554,tcp:1935
NET_ARGS = $(if $(filter-out 0 no,$(NET)),--net $(if $(filter 1 yes,$(NET)),$(NET_DEFAULT),$(NET)))
QEMU_RUN = $(PYTHON) grade/qemu.py --kernel $(KERNEL) --accel $(ACCEL) --cpus $(CPUS) --mem $(MEM) \
	$(if $(CPU),--cpu-model $(CPU)) $(if $(DISK),--disk $(DISK))$(if $(NET_ARGS), $(NET_ARGS))

qemu: $(KERNEL) $(DISK)
	$(QEMU_RUN) --interactive --append "$(CMDLINE)"

# gdb's port: one per user, so students sharing a machine do not collide.
GDBPORT ?= $(shell expr `id -u` % 5000 + 25000)

qemu-gdb: $(KERNEL) $(DISK) .gdbinit
	@echo "*** QEMU is waiting for gdb: run 'make gdb' in another terminal (port $(GDBPORT))"
	$(QEMU_RUN) --interactive --gdb $(GDBPORT) --append "$(CMDLINE)"

gdb: $(KERNEL) .gdbinit
	gdb-multiarch -q -iex 'set auto-load local-gdbinit off' -x .gdbinit

.gdbinit: scripts/gdbinit.tmpl
	sed "s/@GDBPORT@/$(GDBPORT)/; s|@KERNEL@|$(KERNEL)|; s|@ROOT@|$(CURDIR)|" $< > $@

# --- Testing ----------------------------------------------------------------

# TIMEOUT_SCALE: the one knob for slow machines; the grader reads it from
# the environment too, so make test's graders see it.
export TIMEOUT_SCALE

grade: $(KERNEL) $(FSIMG) $(if $(MEDIASERVER_DIR),$(FSIMG_MS))
	$(PYTHON) grade/grade.py --kernel $(KERNEL) --accel $(ACCEL) \
		$(if $(LAB),--lab $(LAB)) $(if $(TEST),--test $(TEST)) \
		$(if $(RESULTS),--results $(RESULTS))

UNIT_TESTS := $(patsubst kernel/tests/unit/%.c,$(BUILD)/unit/%,$(wildcard kernel/tests/unit/test_*.c))

# The pure parts of the kernel, compiled for the host and tested against glibc.
UNIT_UNDER_TEST := kernel/lib/format.c kernel/lib/avltree.c kernel/core/cmdline.c kernel/mm/buddy.c

$(BUILD)/unit/test_%: kernel/tests/unit/test_%.c $(UNIT_UNDER_TEST)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Wno-format-zero-length -Ikernel/include -Ilabs/lab1 \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined -o $@ $^ -lcriterion

# Runs every suite even when one fails, then reports failure.
unit: $(UNIT_TESTS)
	@status=0; for t in $(UNIT_TESTS); do echo "== $$t"; $$t --short-filename || status=1; done; exit $$status

test: $(KERNEL)
	$(PYTHON) scripts/test-all.py

handout:
	mkdocs build --strict -q -f handout/mkdocs.yml -d $(abspath $(BUILD))/site

handout-serve:
	mkdocs serve -f handout/mkdocs.yml

checkpoints:
	$(PYTHON) scripts/checkpoints.py build --out $(BUILD)/student-repo

# Branch lab-N+1 holds lab N's solutions: publish each branch when its lab
# starts, never all at once (see the handout's instructor page).
release:
	@if [ -z "$(LAB)" ] || [ -z "$(REMOTE)" ]; then \
		echo "usage: make release LAB=N REMOTE=url-or-path (after make checkpoints and make test)"; exit 1; fi
	$(PYTHON) scripts/checkpoints.py release --lab $(LAB) --remote $(REMOTE) --repo $(BUILD)/student-repo

# Instructors: grade a student's submission (a folder or git URL) with this
# tree's own grader: only the submission's kernel/ is used. SUB=DIR of
# submissions with BATCH=1 writes one CSV row per student.
grade-submission:
	@test -n "$(SUB)" || { echo "usage: make grade-submission SUB=path-or-git-url [LAB=N] [BATCH=1]"; exit 2; }
	$(PYTHON) scripts/grade-submission.py $(if $(BATCH),--batch) "$(SUB)" $(if $(LAB),--lab $(LAB))

# Instructors: the Gradescope autograder bundle (LAB=N: always that lab).
autograder:
	$(PYTHON) scripts/autograder/bundle.py $(BUILD)/autograder.zip $(if $(LAB),--lab $(LAB))

# In a student repository: move to lab N (saving your work on the current branch).
lab-%:
	@scripts/switch-lab.sh $*

# Benchmarks measure the kernel without lock checking.
bench: $(FSIMG) $(if $(MEDIASERVER_DIR),$(FSIMG_MS))
	$(Q)$(MAKE) --no-print-directory LOCKDEP=0 kernel
	$(PYTHON) scripts/bench.py --kernel $(BUILD)/nolockdep/kernel.elf --accel $(ACCEL) $(if $(ONLY),--only $(ONLY))

# Not part of `make test`: a benchmark is not a test. The first run fetches
# Debian's kernel package into build/linux/ (apt-get download, dpkg -x).
bench-linux: $(FSIMG) $(if $(MEDIASERVER_DIR),$(FSIMG_MS))
	$(Q)$(MAKE) --no-print-directory LOCKDEP=0 kernel
	$(PYTHON) scripts/bench_linux.py --kernel $(BUILD)/nolockdep/kernel.elf --accel $(ACCEL) $(if $(RUNS),--runs $(RUNS)) \
		$(foreach o,$(ONLY),--only $(o))

doctor:
	@scripts/doctor.sh

setup:
	scripts/setup.sh

clean:
	rm -rf $(BUILD) .gdbinit

help:
	@sed -n 's/^#   make /make /p' Makefile
