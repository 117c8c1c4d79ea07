// SPDX-License-Identifier: GPL-2.0-only
/*
 * release.cpp - giving pages back to the page allocator: shrinker, trim,
 * drain. Order of every release: scrub while still unmapped, THEN map
 * back, THEN free, so a secret is never reachable through the direct map.
 */
#include "dm.h"
#include "node_cache.h"
#include "stats.h"

namespace um {

u64 NodeCache::shrinkCount()
{
	u64 parked = magazinePages();
	NodeLock g(*this, NodeLock::kRead);

	u64 free = stat(stats_, UM_STAT_pages_free) + parked;

	/*
	 * A shrink empties the magazines first (shrink()), which may make
	 * every block with free pages whole: counted as if it did. The scan
	 * finds out, and from then on, magazines empty, the count is exact.
	 */
	return policy::shrinkCount(cfg_, free,
				   parked ? free : pages_whole_free_);
}

/**
 * chooseReleaseLocked() - the block the next release of @goal would take a
 * chunk of order *@order from: the largest whole block that fits the
 * allowance (returned whole: the direct map is restored with the large
 * mapping intact), else, if @goal allows, the largest free chunk of a
 * partly used block (restoring it splits that block's mapping).
 *
 * Of the whole blocks of an order, the highest pfn goes first. The page
 * allocator's free lists are LIFO at the top orders, so what a drain gives
 * back in descending order, the next refills get back ascending and
 * adjacent: on kernels where each removal flushes by itself, a batch of
 * neighbours leaves the direct map in one change (removeRuns()), while the
 * order blocks happened to become whole in would scatter it over several.
 * Return: the block, or nullptr if @goal can release nothing now.
 */
Block *NodeCache::chooseReleaseLocked(const NodeLock &,
				      const policy::ReleaseGoal &goal,
				      unsigned *order)
{
	u64 allowance = policy::releaseAllowance(
		stat(stats_, UM_STAT_pages_free), goal.keep_free);

	if (!goal.nr_pages)
		return nullptr;
	if (policy::pickReleaseOrder(whole_mask_, allowance, order))
		return blockOfWholeNode(whole_[*order].last());
	if (goal.partial && policy::pickReleaseOrder(free_mask_, allowance,
						     order))
		return blockOfFreeLink(free_area_[*order].next, *order);
	return nullptr;
}

/**
 * pickReleaseLocked() - detach the next victim (chooseReleaseLocked()).
 * The block is pinned until finishRelease() is done with it.
 */
bool NodeCache::pickReleaseLocked(const NodeLock &g,
				  const policy::ReleaseGoal &goal,
				  ReleaseTicket *t)
{
	unsigned k;
	Block *b = chooseReleaseLocked(g, goal, &k);

	if (!b)
		return false;
	t->block = b;
	t->order = k;
	t->backend = um_backend(b->backend);
	t->off = b->detachFree(k, stats_.nr_free);
	t->pfn = b->pfnAt(t->off);
	b->takeDirty(t->off, k, &t->dirty);
	syncBlockLocked(g, b, k, k);
	b->pins++;
	statsPagesRemoved(stats_, pagesOf(k));
	return true;
}

/*
 * trimWantedLocked() - would a trim release something now? Over the cap
 * is not enough: without shrink_partial a trim releases whole blocks only,
 * and free pages that sit in partly used blocks stay however far over the
 * cap they are (see policy::trimGoal()).
 */
bool NodeCache::trimWantedLocked(const NodeLock &g)
{
	unsigned k;

	return chooseReleaseLocked(
		g, policy::trimGoal(cfg_, stat(stats_, UM_STAT_pages_free)),
		&k) != nullptr;
}

/*
 * unpinLocked() - drop a pin; if that was the last and every page of the
 * block is gone and none leaked, unlink it. Return: true if the caller must
 * free its metadata (after dropping the lock).
 */
bool NodeCache::unpinLocked(const NodeLock &g, Block *b)
{
	UM_BUG_ON(plat_, !b->pins);
	if (--b->pins || b->pages_gone != b->pages() || b->pages_leaked)
		return false;
	unlinkBlockLocked(g, b);
	return true;
}

/**
 * finishRelease() - scrub, map back and free one detached chunk, with no
 * lock held. A scrub failure puts the chunk back, still dirty and unmapped;
 * a restore failure keeps its pages as leaked. Either way they never reach
 * the allocator. On success the block is unlinked (if this was its last
 * page) before the pages go back: the page allocator may hand the same
 * range to a refill at once, and the lookup tree must not hold it twice.
 */
void NodeCache::finishRelease(ReleaseTicket *t)
{
	Block *b = t->block;
	um_pfn_t pfn = t->pfn;
	u64 n = pagesOf(t->order);
	bool dead;

	t->done = false;
	if (scrubPages(pfn, t->dirty, UM_SCRUB_MAY_SLEEP)) {
		NodeLock g(*this);
		unsigned top = b->reattach(t->off, t->order, t->dirty,
					   stats_.nr_free);

		syncBlockLocked(g, b, t->order, top);
		statsPagesAdded(stats_, n);
		UM_BUG_ON(plat_, unpinLocked(g, b));
		return;
	}
	if (dm::restorePages(plat_, t->backend, pfn, n, &t->cost)) {
		NodeLock g(*this);

		b->markLeaked(t->off, u32(n));
		stat(stats_, UM_STAT_scrubbed_pages) += t->dirty.nr_set;
		stat(stats_, UM_STAT_dm_failures)++;
		stat(stats_, UM_STAT_leaked_pages) += n;
		statsAddCost(stats_, t->cost);
		UM_BUG_ON(plat_, unpinLocked(g, b));
		return;
	}
	{
		NodeLock g(*this);

		stat(stats_, UM_STAT_scrubbed_pages) += t->dirty.nr_set;
		stat(stats_, UM_STAT_releases)++;
		stat(stats_, UM_STAT_release_pages) += n;
		stat(stats_, UM_STAT_dm_pages_restored) += n;
		statsAddCost(stats_, t->cost);
		dead = unpinLocked(g, b);
	}
	um_plat_pages_free(plat_, pfn, n);
	t->done = true;
	if (dead)
		um_plat_meta_free_deferred(plat_, b);
}

/*
 * One chunk at a time, each picked, finished and counted on its own, with
 * no sleeping lock: a refill or another release of this node (this
 * thread's own, from reclaim, included) never makes a release wait or come
 * back empty-handed, and the release event is emitted with no lock held.
 */
u64 NodeCache::release(const policy::ReleaseGoal &goal, um_dm_cost *cost)
{
	u64 released = 0;

	while (released < goal.nr_pages) {
		ReleaseTicket t;

		__builtin_memset(&t.cost, 0, sizeof(t.cost));
		t.start_ns = um_plat_now_ns(plat_);
		{
			NodeLock g(*this);

			if (!pickReleaseLocked(g, goal, &t))
				break;
		}
		finishRelease(&t);
		costAdd(*cost, t.cost);
		if (!t.done)
			break;

		um_event ev = event(UM_EV_RELEASE, t.order, t.pfn,
				    pagesOf(t.order));

		ev.backend = t.backend;
		ev.cost = t.cost;
		ev.duration_ns = um_plat_now_ns(plat_) - t.start_ns;
		emit(ev);
		released += ev.pages;
		/* Draining gigabytes must not hog the CPU. */
		um_plat_cond_resched(plat_);
	}
	return released;
}

u64 NodeCache::shrink(u64 nr_pages, bool all)
{
	policy::ReleaseGoal goal;
	um_dm_cost cost = {};
	u64 start_ns = um_plat_now_ns(plat_);

	/* Under memory pressure the per-CPU pages go back first, as the
	 * page allocator's own pcp lists do: they pin whole 2M blocks. */
	drainMagazines(false);
	{
		NodeLock g(*this);

		goal = all ? policy::lastResortGoal(nr_pages) :
			     policy::shrinkGoal(cfg_, nr_pages);
	}
	u64 released = release(goal, &cost);

	{
		NodeLock g(*this);

		stat(stats_, UM_STAT_shrink_calls)++;
		stat(stats_, UM_STAT_shrink_pages) += released;
	}
	um_event ev = event(UM_EV_SHRINK, 0, 0, released);

	ev.requested = nr_pages;
	ev.cost = cost;
	ev.duration_ns = um_plat_now_ns(plat_) - start_ns;
	emit(ev);
	return released;
}

u64 NodeCache::drain()
{
	um_dm_cost cost = {};

	drainMagazines(false);
	return release(policy::drainGoal(), &cost) + retryLeaked();
}

u64 NodeCache::trim()
{
	policy::ReleaseGoal goal;
	um_dm_cost cost = {};
	u64 released;

	/* A lowered percpu_pages (or cap) takes effect here. */
	drainMagazines(true);
	{
		NodeLock g(*this);

		trim_requested_ = false;
		goal = policy::trimGoal(cfg_, stat(stats_, UM_STAT_pages_free));
	}
	if (!goal.nr_pages)
		return 0;
	released = release(goal, &cost);

	NodeLock g(*this);

	stat(stats_, UM_STAT_trim_calls)++;
	stat(stats_, UM_STAT_trim_pages) += released;
	return released;
}

/*
 * Map the leaked runs of pinned block @b back, then give what came back to
 * the page allocator. Leaked bits change only with the mutex held (retries)
 * or when a release of another chunk fails (new runs, which this pass may
 * or may not see), so the runs found cannot move under us. The block is
 * unlinked, if that emptied it, before its pages are freed.
 */
u64 NodeCache::restoreLeakedRuns(const NodeSerial &, Block *b,
				 um_dm_cost *cost)
{
	PageSet restored;
	u32 off, nr, from = 0, start = 0, len;
	bool dead;

	__builtin_memset(&restored, 0, sizeof(restored));
	restored.nr_pages = b->pages();
	for (;;) {
		{
			NodeLock g(*this);

			if (!b->findLeakedRun(from, &off, &nr))
				break;
		}
		from = off + nr;

		um_dm_cost step = {};
		int err = dm::restorePages(plat_, um_backend(b->backend),
					   b->pfnAt(off), nr, &step);

		NodeLock g(*this);

		statsAddCost(stats_, step);
		costAdd(*cost, step);
		if (err) {
			stat(stats_, UM_STAT_dm_failures)++;
			continue;
		}
		b->clearLeaked(off, nr);
		assignBits(restored.bits, off, nr, true);
		restored.nr_set += nr;
		stat(stats_, UM_STAT_releases)++;
		stat(stats_, UM_STAT_release_pages) += nr;
		stat(stats_, UM_STAT_dm_pages_restored) += nr;
	}
	{
		NodeLock g(*this);

		dead = unpinLocked(g, b);
	}
	while (restored.nextRun(&start, &len)) {
		um_plat_pages_free(plat_, b->pfnAt(start), len);
		start += len;
	}
	if (dead)
		um_plat_meta_free_deferred(plat_, b);
	return restored.nr_set;
}

/*
 * retryLeaked() walks the blocks under the spinlock, one leaked block at a
 * time: it pins the block, drops the lock for the direct-map work, and
 * starts over from the head, skipping blocks it already tried (a pinned
 * block cannot go away, but the list around it can change meanwhile).
 */
u64 NodeCache::retryLeaked()
{
	NodeSerial serial(*this);
	um_dm_cost cost = {};
	u64 restored = 0;
	u32 gen;

	{
		NodeLock g(*this);

		gen = ++retry_gen_;
	}
	for (;;) {
		Block *b = nullptr;

		{
			NodeLock g(*this);

			for (ListNode *n = blocks_.next; n != &blocks_;
			     n = n->next) {
				Block *c = blockOfLink(n);

				if (c->pages_leaked && c->retry_gen != gen) {
					b = c;
					break;
				}
			}
			if (!b)
				break;
			b->retry_gen = gen;
			b->pins++;
		}
		restored += restoreLeakedRuns(serial, b, &cost);
		um_plat_cond_resched(plat_);
	}
	return restored;
}

} /* namespace um */
