// SPDX-License-Identifier: GPL-2.0-only
/*
 * scrub.cpp - zeroing dirty free pages in the background, from process
 * context, so that atomic allocations (which may zero only
 * UM_ATOMIC_SCRUB_PAGES themselves) find clean chunks.
 */
#include "node_cache.h"
#include "stats.h"

namespace um {

namespace {
/*
 * A piece being zeroed is out of the buddy; 16 pages at a time keep what
 * an allocation cannot have meanwhile small, and the lock round trips few.
 */
constexpr unsigned kScrubOrder = 4;
} /* namespace */

/*
 * pickDirtyLocked() - take up to 2^kScrubOrder pages around the first dirty
 * page of the first block on dirty_ (dirty pages are free) out of the
 * buddy, with their dirty bits, and pin the block. They stay counted as
 * free (pages_free, pages_cached): they are, only out of reach for a moment.
 * Return: false when there is nothing left to zero.
 */
bool NodeCache::pickDirtyLocked(const NodeLock &g, ReleaseTicket *t)
{
	/* Frozen: a hibernation wants every block gone, not busy. */
	if (frozen_ || listEmpty(&dirty_))
		return false;

	Block *b = blockOfDirtyLink(dirty_.next);
	unsigned k = 0;

	t->off = b->takeForZeroing(b->firstDirty(), kScrubOrder, &k,
				   stats_.nr_free);
	UM_BUG_ON(plat_, t->off == b->pages());
	if (t->off == b->pages())
		return false;
	t->block = b;
	t->order = k;
	t->pfn = b->pfnAt(t->off);
	b->takeDirty(t->off, k, &t->dirty);
	syncBlockLocked(g, b, 0, b->order);
	b->pins++;
	return true;
}

u64 NodeCache::scrubFree()
{
	u64 zeroed = 0;

	{
		NodeLock g(*this);

		scrub_requested_ = false;
	}
	for (;;) {
		ReleaseTicket t;
		PageSet clean;
		int err;

		{
			NodeLock g(*this);

			if (!pickDirtyLocked(g, &t))
				break;
		}
		err = scrubPages(t.pfn, t.dirty, UM_SCRUB_MAY_SLEEP);
		__builtin_memset(&clean, 0, sizeof(clean));
		clean.nr_pages = u32(pagesOf(t.order));
		{
			NodeLock g(*this);
			/* If zeroing failed the pages stay dirty, for later. */
			unsigned top = t.block->returnZeroed(
				t.off, t.order, err ? t.dirty : clean,
				stats_.nr_free);

			syncBlockLocked(g, t.block, t.order, top);
			if (!err) {
				u64 n = t.dirty.nr_set;

				stat(stats_, UM_STAT_scrubbed_pages) += n;
				stat(stats_, UM_STAT_bg_scrubbed_pages) += n;
			}
			UM_BUG_ON(plat_, unpinLocked(g, t.block));
		}
		if (err)
			break;
		zeroed += t.dirty.nr_set;
		um_plat_cond_resched(plat_);
	}
	return zeroed;
}

} /* namespace um */
