# SPDX-License-Identifier: GPL-2.0-only
#
# unmapped - top-level build.
#
#   make demo      build, boot the test VM, show the module at work
#   make check     every test: host unit tests, simulator, VM selftests
#
# Other targets: all (default: module + userspace), module, userspace, deps,
# sim, bench, vm-shell, install, clean, help. Variables: KDIR (kernel build
# directory, default tools/kdir), BUILD_TYPE (Release|Debug), SANITIZE
# (e.g. address,undefined), CI=true (warnings are errors, no colour).

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD_TYPE ?= Release
BUILD ?= build/$(shell echo $(BUILD_TYPE) | tr A-Z a-z)
SANITIZE ?=
WERROR ?= $(if $(filter true,$(CI)),ON,OFF)
PREFIX ?= /usr/local
DESTDIR ?=
export UM_BUILD_DIR := $(abspath $(BUILD))

# Resolved when a recipe runs, so `make deps` can install the headers first.
kdir = $${KDIR:-$$(tools/kdir)}

.PHONY: all deps module userspace check demo sim bench vm-shell install clean help

all: module userspace

help:
	@sed -n '3,13p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@tools/deps

module:
	+$(MAKE) -C "$(kdir)" M=$(CURDIR) modules
	module/scripts/check-cxx-subset module/unmapped.ko

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DUM_WERROR=$(WERROR) -DUM_SANITIZE=$(SANITIZE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX)

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# deps first (it may install the compilers), then build, then test.
check: deps
	+$(MAKE) all
	tools/check $(BUILD)

demo: deps
	+$(MAKE) all
	tools/vm/run --add tools/demo:/root/demo -- sh /root/demo

sim: userspace
	$(BUILD)/tests/sim/unmapped-sim

vm-shell: all
	tools/vm/run

install: userspace
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	-$(MAKE) -C "$(kdir)" M=$(CURDIR) clean
	rm -rf build
