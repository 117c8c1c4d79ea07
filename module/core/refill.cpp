// SPDX-License-Identifier: GPL-2.0-only
/*
 * refill.cpp - taking blocks from the page allocator and removing them from
 * the direct map in one piece.
 */
#include "dm.h"
#include "node_cache.h"
#include "refill_1g.h"
#include "stats.h"

namespace um {

/**
 * prepareRefill() - everything that sleeps, with the node's mutex held (or,
 * for UM_ALLOC_NOFS, tried) and no spinlock: allocate the block (2 MiB, or
 * the request's order if larger, then lower orders down to the request's)
 * as @flags allow, its metadata, and take it out of the direct map with one
 * call (range) or one flush (page).
 */
int NodeCache::prepareRefill(const NodeSerial &, unsigned order,
			     unsigned flags, RefillTicket *t)
{
	bool must_keep;

	__builtin_memset(t, 0, sizeof(*t));
	t->start_ns = um_plat_now_ns(plat_);
	t->outcome = RefillTicket::Outcome::NoMemory;
	t->err = -UM_ENOMEM;
	{
		NodeLock g(*this);

		t->backend = cfg_.backend;
		/* The page backend splits down to 4K anyway: no search. */
		t->keep_1g = cfg_.keep_1g && t->backend == UM_BACKEND_RANGE;
	}
	if (!um_plat_node_has_memory(plat_, nid_))
		return t->err;

	t->wanted_order = policy::refillOrder(order, flags & UM_ALLOC_BULK);
	t->order = t->wanted_order;
	while (allocBlockKeeping1g(plat_, nid_, t->order, flags, t->keep_1g,
				   &t->pfn, &t->search))
		if (!policy::nextFallbackOrder(t->order, order, &t->order))
			return t->err;

	u64 n = pagesOf(t->order);

	t->block = static_cast<Block *>(
		um_plat_meta_alloc(plat_, Block::metaBytes(t->order), nid_));
	if (!t->block) {
		um_plat_pages_free(plat_, t->pfn, n);
		return t->err;
	}
	/* Without its leaf the block's frees just take the locked path. */
	index_.prepare(t->pfn, t->order);
	t->err = dm::removePages(plat_, t->backend, t->pfn, n, &t->cost,
				 &must_keep);
	if (!t->err) {
		t->outcome = RefillTicket::Outcome::Ready;
	} else if (must_keep) {
		/* Maybe still unmapped: keep it, never hand it out. */
		t->outcome = RefillTicket::Outcome::Leaked;
	} else {
		t->outcome = RefillTicket::Outcome::DmFailed;
		um_plat_pages_free(plat_, t->pfn, n);
		um_plat_meta_free(plat_, t->block);
		t->block = nullptr;
	}
	return t->err;
}

/**
 * commitRefillLocked() - publish the prepared block and count the outcome.
 * A leaked block is published too (lookup tree and block list, no free
 * area), so frees of its pfns are recognised and drain retries it.
 */
void NodeCache::commitRefillLocked(const NodeLock &g, RefillTicket *t)
{
	u64 n = pagesOf(t->order);

	statsAddCost(stats_, t->cost);
	statsAddRefill1g(stats_, t->search);
	if (t->outcome == RefillTicket::Outcome::NoMemory ||
	    t->outcome == RefillTicket::Outcome::DmFailed) {
		stat(stats_, UM_STAT_refill_failures)++;
		if (t->outcome == RefillTicket::Outcome::DmFailed)
			stat(stats_, UM_STAT_dm_failures)++;
		return;
	}

	Block *b = t->block;

	b->init(t->pfn, t->order, t->backend, stats_.nr_free);
	stat(stats_, UM_STAT_refills)++;
	stat(stats_, UM_STAT_refill_pages) += n;
	stats_.refills_by_order[t->order]++;
	if (t->order < t->wanted_order)
		stat(stats_, UM_STAT_refill_fallbacks)++;

	if (t->outcome == RefillTicket::Outcome::Leaked) {
		b->detachFree(t->order, stats_.nr_free);
		b->markLeaked(0, u32(n));
		stat(stats_, UM_STAT_refill_failures)++;
		stat(stats_, UM_STAT_dm_failures)++;
		stat(stats_, UM_STAT_leaked_pages) += n;
	} else {
		stat(stats_, UM_STAT_dm_pages_removed) += n;
		statsPagesAdded(stats_, n);
	}
	linkBlockLocked(g, b);
}

/**
 * refillFor() - the slow path of alloc(): serialised by the node's mutex,
 * so of two threads finding the cache empty only the first refills; the
 * second finds the first one's leftovers. The new block is published and
 * the request carved from it in the same critical section, so a racing
 * allocation cannot starve this one.
 *
 * A UM_ALLOC_NOFS caller never waits for the mutex: its holder may be deep
 * in reclaim that waits for a filesystem lock this caller holds (a
 * deadlock), so when another refill is under way it takes a block of its
 * own beside it (refills_nowait).
 */
int NodeCache::refillFor(unsigned order, Grant *grant, RefillTicket *t)
{
	NodeSerial serial(*this, (grant->flags & UM_ALLOC_NOFS) ?
				 NodeSerial::kTry : NodeSerial::kWait);

	t->outcome = RefillTicket::Outcome::NotNeeded;
	{
		NodeLock g(*this);

		if (frozen_)
			return -UM_EAGAIN;
		if (takeLocked(g, order, grant))
			return 0;
		/* freeze() cannot wait for this one: it counts it instead. */
		if (!serial.held())
			refills_alone_++;
	}
	prepareRefill(serial, order, grant->flags, t);

	NodeLock g(*this);

	if (!serial.held()) {
		refills_alone_--;
		stat(stats_, UM_STAT_refills_nowait)++;
	}
	commitRefillLocked(g, t);
	if (t->outcome != RefillTicket::Outcome::Ready)
		return t->err;
	takeFromLocked(g, t->block, t->order, order, grant);
	return 0;
}

void NodeCache::emitRefill(const RefillTicket &t)
{
	if (t.outcome != RefillTicket::Outcome::Ready)
		return;

	um_event ev = event(UM_EV_REFILL, t.order, t.pfn, pagesOf(t.order));

	ev.backend = t.backend;
	ev.cost = t.cost;
	ev.duration_ns = um_plat_now_ns(plat_) - t.start_ns;
	emit(ev);
}

int NodeCache::prefill()
{
	for (;;) {
		RefillTicket t;

		{
			NodeSerial serial(*this);
			u64 deficit;

			u64 parked = magazinePages();	/* free too */

			{
				NodeLock g(*this);

				if (frozen_)
					return -UM_EAGAIN;
				deficit = policy::prefillDeficit(
					cfg_, stat(stats_, UM_STAT_pages_free) +
					parked);
			}
			if (!deficit)
				return 0;
			/* Best effort: never the OOM killer for a prefill. */
			prepareRefill(serial, 0, UM_ALLOC_MAYFAIL, &t);

			NodeLock g(*this);

			commitRefillLocked(g, &t);
		}
		emitRefill(t);
		if (t.outcome != RefillTicket::Outcome::Ready)
			return t.err;
	}
}

} /* namespace um */
