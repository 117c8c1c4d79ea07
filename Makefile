# SPDX-License-Identifier: GPL-2.0-only
#
# unmapped - top-level build.
#
#   make demo      build, boot the test VM, show the module at work
#   make check     every test: host unit tests, simulator, VM selftests
#
# Other targets: all (default: module + userspace), module, userspace, deps,
# sim, bench (bench-paths, bench-scale, bench-mem), fuzz, vm-shell, install,
# debug-kernel, kernels, clean, help.
# Variables: KDIR (kernel build directory, default tools/kdir), KERNEL (a
# kernel of the test matrix, tools/kernels/matrix: 6.1, 6.12, 7, a Debian
# release string, or debug for `make debug-kernel`'s: module builds for it,
# check/demo/bench/fuzz/vm-shell boot it; check without it runs the whole
# matrix), BUILD_TYPE (Release|Debug), SANITIZE (e.g. address,undefined),
# CI=true (warnings are errors, no colour), DURATION/PROCS/SEED (make fuzz:
# seconds, processes, base seed), ICOUNT=SHIFT (bench-paths: the
# deterministic mode, qemu -icount, into its own results directory).

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD_TYPE ?= Release
BUILD ?= build/$(shell echo $(BUILD_TYPE) | tr A-Z a-z)
SANITIZE ?=
WERROR ?= $(if $(filter true,$(CI)),ON,OFF)
PREFIX ?= /usr/local
DESTDIR ?=
export UM_BUILD_DIR := $(abspath $(BUILD))

DEBUG_KERNEL_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/unmapped/debug-kernel
export UM_DEBUG_KERNEL_DIR := $(DEBUG_KERNEL_DIR)
# One kernel instead of the host's (and, for check, instead of the matrix).
ifneq ($(KERNEL),)
export UM_VM_KERNEL := $(KERNEL)
export UM_CHECK_KERNELS := $(KERNEL)
endif

# Resolved when a recipe runs, so `make deps` can install the headers first.
kdir = $${KDIR:-$$(tools/kdir)}

.PHONY: all deps module userspace check demo sim bench bench-paths bench-scale bench-mem fuzz vm-shell install debug-kernel kernels clean help

all: module userspace

help:
	@sed -n '3,16p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@tools/deps

# No module BTF: pahole (1.24) cannot encode the C++ core's DWARF
# (template value parameters, references) and fails the link. Kernels whose
# headers ship vmlinux (Debian's from 6.x backports, e.g. 6.12) would run
# it; Debian 12's 6.1 headers have no vmlinux and skip BTF anyway.
# With KERNEL=..., into build/kmod/RELEASE (tools/kernel build), else in
# the source tree for the host's kernel.
module:
ifneq ($(KERNEL),)
	tools/kernel build $(KERNEL)
else
	+$(MAKE) -C "$(kdir)" M=$(CURDIR) modules CONFIG_DEBUG_INFO_BTF_MODULES= UM_TEST_MODULES=y
	module/scripts/check-ko "$(kdir)" module/unmapped.ko
endif

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DUM_WERROR=$(WERROR) -DUM_SANITIZE=$(SANITIZE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX)

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# deps first (it may install the compilers), then build, then test; the
# modules are built per kernel by tools/check (tools/kernel build).
check: deps
	+$(MAKE) userspace
	tools/check $(BUILD)

demo: deps
	+$(MAKE) all
	tools/vm/run --mttcg --add tools/demo:/root/demo -- sh /root/demo

# The /dev/unmapped fuzzer alone, for DURATION seconds (default 600), in a VM
# booted with the strict options; check runs it for 40 s.
DURATION ?= 600
PROCS ?= 4
fuzz: deps
	+$(MAKE) all
	tools/vm/run --strict --timeout $$(($(DURATION) + 600)) -- env \
		UM_FUZZ_DURATION=$(DURATION) UM_FUZZ_PROCS=$(PROCS) UM_FUZZ_SEED=$(SEED) \
		UM_TEST_TIMEOUT=$$(($(DURATION) + 300)) run-selftests fuzz

sim: userspace
	$(BUILD)/tests/sim/unmapped-sim

# The whole benchmark, on an idle host (doc/benchmark.md): the paths (one
# fresh VM boot each), CPU scaling (1, 2, 4, 8 vCPUs, with plots) and memory
# scaling (16 MiB to 3 GiB in an 8 GiB guest), each into results/ and, on
# the host's kernel, into doc/benchmark.md.
bench: bench-paths bench-scale bench-mem

bench-paths: deps
	+$(MAKE) all
	tools/bench/run $(if $(ICOUNT),--icount $(ICOUNT),$(if $(KERNEL),,--readme))

bench-scale: deps
	+$(MAKE) all
	tools/bench/scale $(if $(KERNEL),,--readme)

bench-mem: deps
	+$(MAKE) all
	tools/bench/mem-scale $(if $(KERNEL),,--readme)

vm-shell: all
	tools/vm/run

# Not part of check: about an hour on 2 cores. Then: make check KERNEL=debug
debug-kernel:
	tools/debug-kernel/build $(DEBUG_KERNEL_DIR)

# The kernels of the test matrix, resolved and downloaded (tools/kernel).
kernels:
	@for k in $$(tools/kernel list); do tools/kernel info $$k | tr '\n' ' '; echo; done

# Configured again for PREFIX: the libdir (GNUInstallDirs: multiarch for
# /usr) and the RUNPATH decision (CMakeLists.txt) depend on it, not on the
# prefix of the first configure.
install: userspace
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) -UUM_INSTALL_RPATH > /dev/null
	cmake --build $(BUILD) -j$(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	-$(MAKE) -C "$(kdir)" M=$(CURDIR) clean UM_TEST_MODULES=y
	rm -rf build
