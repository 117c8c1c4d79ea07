/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * types.h - integer types, constants and the glossary of the cache core.
 *
 * Glossary (the words every other file uses):
 *
 *   page         4 KiB of physical memory, named by its pfn.
 *   block        2^order pages taken from the page allocator in ONE call
 *                (struct Block). It leaves the direct map whole and is the
 *                unit of refill. Its metadata lives outside its pages: the
 *                pages are unmapped, nothing may be written through them.
 *   chunk        2^k pages at an offset aligned to 2^k inside a block: what
 *                the buddy allocator hands out and coalesces.
 *   free area    per node and order, the list of blocks that hold at least
 *                one free chunk of that order (NodeCache::free_area_).
 *   whole block  a block all of whose pages are free; released first,
 *                in one piece, so the direct map is not split.
 *   dirty page   a page that may hold data from a previous owner; zeroed
 *                (scrubbed) before it is handed out or given back, or
 *                ahead of time by the background scrub (scrub.cpp).
 *   gone page    a page no longer held in the buddy: given back to the
 *                page allocator, being given back, or leaked.
 *   leaked page  a gone page whose return to the direct map failed; it is
 *                kept out of the page allocator forever (or until a retry
 *                at drain succeeds), never handed out again.
 *   node cache   one NUMA node's blocks, buddy free areas, pfn lookup tree,
 *                statistics and locks (class NodeCache).
 *   cache        struct um_cache: the node caches plus the configuration.
 *   backend      how a block leaves the direct map: one range call
 *                (UM_BACKEND_RANGE) or one call per page plus one flush
 *                (UM_BACKEND_PAGE). Remembered per block.
 *   grant        a chunk taken for an allocation, not yet scrubbed.
 *   ticket       work prepared under the node lock and finished without it
 *                (RefillTicket, ReleaseTicket): the prepare/commit split
 *                that keeps everything that sleeps out of the spinlock.
 *   NodeLock     RAII token for the node's IRQ-safe spinlock. Methods that
 *                need the spinlock take a `const NodeLock &` and end in
 *                ...Locked.
 *   NodeSerial   RAII token for the node's mutex, which serialises refills
 *                and the leaked retry (releases need none). Methods that
 *                need it take a `const NodeSerial &` and never a NodeLock.
 */
#ifndef UNMAPPED_CORE_TYPES_H
#define UNMAPPED_CORE_TYPES_H

#include "plat_api.h"

namespace um {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i64 = int64_t;

constexpr unsigned kMaxOrder = UM_MAX_ORDER;	/* orders 0..kMaxOrder-1 */
constexpr unsigned kPmdOrder = UM_PMD_ORDER;
constexpr unsigned kMaxBlockPages = 1u << (kMaxOrder - 1);
constexpr u32 kMagBatch = 64;	/* magazine.h: pages per move to/from the buddy */
constexpr u32 kMagCap = 256;	/* magazine.h: most pages one magazine holds */

constexpr u64 pagesOf(unsigned order)
{
	return u64(1) << order;
}

} /* namespace um */

#endif /* UNMAPPED_CORE_TYPES_H */
