#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# libunmapped - the library's GoogleTest suite against the real module,
# printed as TAP so the runner counts each test.
# The event test reads one refill's cost: one block per refill.
echo 1 > /sys/module/unmapped/parameters/refill_batch_max || exit 1
exec "$(dirname "$0")/../libunmapped-gtest" --tap "$@"
