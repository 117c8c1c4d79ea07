// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/unmapped.hpp - libunmapped: memory the kernel itself cannot read
 * through its direct map, for keys and other secrets. Needs unmapped.ko
 * (/dev/unmapped) and C++20. Link with -lunmapped (pkg-config unmapped,
 * or CMake find_package(unmapped) and target unmapped::unmapped).
 */
#ifndef UNMAPPED_UNMAPPED_HPP
#define UNMAPPED_UNMAPPED_HPP

#include <unmapped/device.hpp>
#include <unmapped/error.hpp>
#include <unmapped/region.hpp>
#include <unmapped/types.hpp>

#endif // UNMAPPED_UNMAPPED_HPP
