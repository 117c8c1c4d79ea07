// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/unmapped.hpp - libunmapped: memory the kernel itself cannot read
 * through its direct map, for keys and other secrets (Device, Region), and
 * the module's statistics and events (Stats, EventWatcher). Needs
 * unmapped.ko (/dev/unmapped, generic netlink family "unmapped") and C++20. Link with -lunmapped (pkg-config unmapped,
 * or CMake find_package(unmapped) and target unmapped::unmapped).
 */
#ifndef UNMAPPED_UNMAPPED_HPP
#define UNMAPPED_UNMAPPED_HPP

#include <unmapped/device.hpp>
#include <unmapped/error.hpp>
#include <unmapped/events.hpp>
#include <unmapped/region.hpp>
#include <unmapped/secret.hpp>
#include <unmapped/stats.hpp>
#include <unmapped/types.hpp>

#endif // UNMAPPED_UNMAPPED_HPP
