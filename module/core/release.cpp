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
	NodeLock g(*this);

	return policy::shrinkCount(cfg_, stat(stats_, UM_STAT_pages_free),
				   pages_whole_free_);
}

/**
 * pickReleaseLocked() - detach the next victim: the largest whole block
 * that fits the allowance (returned whole: the direct map is restored with
 * the large mapping intact), else, if @goal allows, the largest free chunk
 * of a partly used block (restoring it splits that block's mapping).
 */
bool NodeCache::pickReleaseLocked(const NodeLock &g,
				  const policy::ReleaseGoal &goal,
				  ReleaseTicket *t)
{
	u64 allowance = policy::releaseAllowance(
		stat(stats_, UM_STAT_pages_free), goal.keep_free);
	unsigned k;
	Block *b;

	if (policy::pickReleaseOrder(whole_mask_, allowance, &k))
		b = blockOfWholeLink(whole_[k].next);
	else if (goal.partial &&
		 policy::pickReleaseOrder(free_mask_, allowance, &k))
		b = blockOfFreeLink(free_area_[k].next, k);
	else
		return false;

	t->block = b;
	t->order = k;
	t->backend = um_backend(b->backend);
	t->off = b->detachFree(k, stats_.nr_free);
	t->pfn = b->pfnAt(t->off);
	syncFreeLinksLocked(g, b, k, k);
	syncWholeLocked(g, b);
	b->takeDirty(t->off, k, &t->dirty);
	statsPagesRemoved(stats_, pagesOf(k));
	return true;
}

/**
 * finishRelease() - scrub, map back and free one detached chunk, with the
 * mutex held (nobody else releases this node) and no spinlock. A scrub
 * failure puts the chunk back, still dirty and unmapped; a restore failure
 * keeps its pages as leaked. Either way they never reach the allocator.
 */
void NodeCache::finishRelease(const NodeSerial &, ReleaseTicket *t)
{
	Block *b = t->block;
	um_pfn_t pfn = t->pfn;
	u64 n = pagesOf(t->order);
	Block *dead = nullptr;

	t->done = false;
	if (scrubPages(pfn, t->dirty, UM_SCRUB_MAY_SLEEP)) {
		NodeLock g(*this);
		unsigned top = b->reattach(t->off, t->order, t->dirty,
					   stats_.nr_free);

		syncFreeLinksLocked(g, b, t->order, top);
		syncWholeLocked(g, b);
		statsPagesAdded(stats_, n);
		return;
	}
	if (dm::restorePages(plat_, t->backend, pfn, n, &t->cost)) {
		NodeLock g(*this);

		b->markLeaked(t->off, u32(n));
		stat(stats_, UM_STAT_scrubbed_pages) += t->dirty.nr_set;
		stat(stats_, UM_STAT_dm_failures)++;
		stat(stats_, UM_STAT_leaked_pages) += n;
		statsAddCost(stats_, t->cost);
		return;
	}
	um_plat_pages_free(plat_, pfn, n);
	t->done = true;
	{
		NodeLock g(*this);

		stat(stats_, UM_STAT_scrubbed_pages) += t->dirty.nr_set;
		stat(stats_, UM_STAT_releases)++;
		stat(stats_, UM_STAT_release_pages) += n;
		stat(stats_, UM_STAT_dm_pages_restored) += n;
		statsAddCost(stats_, t->cost);
		if (b->pages_gone == b->pages() && !b->pages_leaked) {
			unlinkBlockLocked(g, b);
			dead = b;
		}
	}
	if (dead)
		um_plat_meta_free(plat_, dead);
}

/*
 * One chunk per mutex hold: a refill waiting on the mutex gets in between
 * two releases, and the release event is emitted with no lock held.
 */
u64 NodeCache::release(const policy::ReleaseGoal &goal, bool nowait,
		       um_dm_cost *cost)
{
	u64 released = 0;

	while (released < goal.nr_pages) {
		ReleaseTicket t;

		{
			NodeSerial serial(*this, nowait ?
					  NodeSerial::Mode::TryOnly :
					  NodeSerial::Mode::Wait);
			if (!serial.held())
				break;
			__builtin_memset(&t.cost, 0, sizeof(t.cost));
			t.start_ns = um_plat_now_ns(plat_);
			{
				NodeLock g(*this);

				if (!pickReleaseLocked(g, goal, &t))
					break;
			}
			finishRelease(serial, &t);
		}
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

u64 NodeCache::shrink(u64 nr_pages, bool nowait)
{
	policy::ReleaseGoal goal;
	um_dm_cost cost = {};
	u64 start_ns = um_plat_now_ns(plat_);

	{
		NodeLock g(*this);

		goal = policy::shrinkGoal(cfg_, nr_pages);
	}
	u64 released = release(goal, nowait, &cost);

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

	return release(policy::drainGoal(), false, &cost) + retryLeaked();
}

u64 NodeCache::trim()
{
	policy::ReleaseGoal goal;
	um_dm_cost cost = {};

	{
		NodeLock g(*this);

		trim_requested_ = false;
		goal = policy::trimGoal(cfg_, stat(stats_, UM_STAT_pages_free));
	}
	return goal.nr_pages ? release(goal, false, &cost) : 0;
}

/*
 * Runs of leaked pages of one block: pages that were scrubbed (or never
 * written) but failed to map back. Leaked bits change only with the mutex
 * held, which the caller holds, so the runs cannot move under us.
 */
u64 NodeCache::restoreLeakedRuns(const NodeSerial &, Block *b,
				 um_dm_cost *cost)
{
	u64 restored = 0;
	u32 off, nr, from = 0;

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

		if (!err)
			um_plat_pages_free(plat_, b->pfnAt(off), nr);

		NodeLock g(*this);

		statsAddCost(stats_, step);
		costAdd(*cost, step);
		if (err) {
			stat(stats_, UM_STAT_dm_failures)++;
			continue;
		}
		b->clearLeaked(off, nr);
		stat(stats_, UM_STAT_releases)++;
		stat(stats_, UM_STAT_release_pages) += nr;
		stat(stats_, UM_STAT_dm_pages_restored) += nr;
		restored += nr;
	}
	return restored;
}

u64 NodeCache::retryLeaked()
{
	NodeSerial serial(*this, NodeSerial::Mode::Wait);
	um_dm_cost cost = {};
	u64 restored = 0;
	ListNode *next;

	/* blocks_ only changes with the mutex held: safe to walk. */
	for (ListNode *n = blocks_.next; n != &blocks_; n = next) {
		Block *b = blockOfLink(n);
		bool dead;

		next = n->next;
		if (!b->pages_leaked)
			continue;
		restored += restoreLeakedRuns(serial, b, &cost);
		{
			NodeLock g(*this);

			dead = b->pages_gone == b->pages() && !b->pages_leaked;
			if (dead)
				unlinkBlockLocked(g, b);
		}
		if (dead)
			um_plat_meta_free(plat_, b);
		um_plat_cond_resched(plat_);
	}
	return restored;
}

} /* namespace um */
