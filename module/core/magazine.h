/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * magazine.h - per-CPU lists of free order-0 pages in front of a node's
 * buddy (the page allocator's pcp lists, SLUB's per-CPU slabs): warm
 * order-0 allocations and frees take no node lock.
 *
 * Each CPU has one Magazine per node, guarded by its own IRQ-safe
 * spinlock: uncontended, on a line only that CPU writes, except when a
 * drain (shrink, drain, freeze, trim, CPU offline) empties it from
 * elsewhere. The CPU is only a hint (um_plat_cpu_hint()): a thread that
 * migrates uses another CPU's magazine, under its lock, and nothing
 * breaks.
 *
 * A page in a magazine is used[0] in its block's buddy with its out bit
 * clear; handing it out sets the out bit, and a free is accepted by the
 * one caller whose atomic test-and-clear of that bit succeeds: a double
 * free, a free of a page no one was given, and a free racing another one
 * all find it clear and go to the locked path, which names the error.
 * The free finds the block with the lock-free BlockIndex.
 *
 * Between the magazine and the buddy, pages move kMagBatch at a time with
 * both locks held (magazine first, then node: the only order), so the
 * node lock is taken once per kMagBatch pages either way.
 *
 * Counting: the node's um_stats count magazine pages as in use (they are
 * out of the buddy); each magazine counts its pages and its own allocs,
 * frees and zeroed pages. NodeCache::copyStats() adds the two: magazine
 * pages become free pages (pages_free, nr_free[0], pages_dirty, and
 * percpu_pages). Node and magazine are read at different times, so a
 * batch move in between would count its pages twice or not at all:
 * every move bumps the node's mag_gen_, and the reader retries.
 *
 * Bounds: at most policy::magazineHigh() pages per magazine (a quarter of
 * max_cached_mb spread over the CPUs, kMagCap at most); a free that fills
 * one sends kMagBatch back. Pages in magazines do not count against the
 * cap's trim, which only sees the buddy.
 */
#ifndef UNMAPPED_CORE_MAGAZINE_H
#define UNMAPPED_CORE_MAGAZINE_H

#include "block.h"

namespace um {

struct MagEntry {
	Block *block;		/* holds the page: pinned by its used[0] bit */
	u32 off;
	u32 dirty;		/* 1: zero before handing out */
};

struct Magazine {
	um_lock *lock;
	u32 count;		/* entries in use, e[0..count); stored atomically */
	u32 dirty;		/* entries with dirty set */
	u64 allocs;		/* pages handed out from here */
	u64 frees;		/* pages taken back here */
	u64 scrubbed;		/* pages zeroed by those allocations */
	MagEntry e[kMagCap];	/* e[count - 1] is the hottest */
};

} /* namespace um */

#endif /* UNMAPPED_CORE_MAGAZINE_H */
