#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# libunmapped - the library's GoogleTest suite against the real module,
# printed as TAP so the runner counts each test.
exec "$(dirname "$0")/../libunmapped-gtest" --tap "$@"
