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
 * call (range) or one flush (page). Where the kernel lets removals share a
 * flush (range backend), a block of the wanted order brings extras along
 * (policy::refillBatch()).
 */
int NodeCache::prepareRefill(const NodeSerial &, unsigned order,
			     unsigned flags, RefillTicket *t)
{
	um_pfn_t span_lo, span_hi;
	bool must_keep;
	u64 pages_free;
	um_config cfg;

	__builtin_memset(t, 0, sizeof(*t));
	t->start_ns = um_plat_now_ns(plat_);
	t->outcome = RefillTicket::Outcome::NoMemory;
	t->err = -UM_ENOMEM;
	{
		NodeLock g(*this);

		cfg = cfg_;
		pages_free = stat(stats_, UM_STAT_pages_free);
	}
	t->backend = cfg.backend;
	/* The page backend splits down to 4K anyway: no search. */
	t->keep_1g = cfg.keep_1g && t->backend == UM_BACKEND_RANGE;
	if (!um_plat_node_has_memory(plat_, nid_))
		return t->err;

	/* Where removals cannot share a flush, a batch's worth is one block. */
	unsigned unshared_batch = 1;

	if (t->backend == UM_BACKEND_RANGE && !um_plat_dm_can_defer_flush(plat_)) {
		um_plat_node_span(plat_, nid_, &span_lo, &span_hi);
		unshared_batch = policy::refillBatch(
			cfg, um_plat_flush_targets(plat_),
			pagesOf(policy::refillOrder(order, false)),
			span_hi - span_lo, pages_free);
	}
	t->wanted_order = policy::refillOrder(order, flags & UM_ALLOC_BULK,
					      unshared_batch);
	t->order = t->wanted_order;
	um_pfn_t cursor = loadAcquire(&below1g_cursor_);

	while (allocBlockKeeping1g(plat_, nid_, t->order, flags, t->keep_1g,
				   &cursor, &t->pfn, &t->search)) {
		if (!policy::nextFallbackOrder(t->order, order, &t->order)) {
			storeRelease(&below1g_cursor_, cursor);
			return t->err;
		}
	}
	storeRelease(&below1g_cursor_, cursor);

	u64 n = pagesOf(t->order);

	t->block = static_cast<Block *>(
		um_plat_meta_alloc(plat_, Block::metaBytes(t->order), nid_));
	if (!t->block) {
		um_plat_pages_free(plat_, t->pfn, n);
		return t->err;
	}
	/*
	 * A fallback means memory is short or fragmented: no extras then.
	 * Where removals cannot share a flush, a batch is only asked for at
	 * 4 MiB (unshared_batch above), and removed a run at a time.
	 */
	if (t->backend == UM_BACKEND_RANGE && t->order == t->wanted_order) {
		um_plat_node_span(plat_, nid_, &span_lo, &span_hi);

		unsigned batch = policy::refillBatch(
			cfg, um_plat_flush_targets(plat_), n,
			span_hi - span_lo, pages_free);

		takeExtras(t, flags, batch);
		if (t->nr_extra && !um_plat_dm_can_defer_flush(plat_))
			takeRunSpares(t, flags, batch);
	}
	/* Without its leaf a block's frees just take the locked path. */
	index_.prepare(t->pfn, t->order);
	for (u32 i = 0; i < t->nr_extra; i++)
		index_.prepare(t->extra[i].pfn, t->order);
	if (t->nr_extra && um_plat_dm_can_defer_flush(plat_))
		t->err = removeBatch(t, &must_keep);
	else if (t->nr_extra)
		t->err = removeRuns(t, &must_keep);
	else
		t->err = dm::removePages(plat_, t->backend, t->pfn, n,
					 &t->cost, &must_keep);
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

/*
 * A block taken, published: lookup tree and block list; a leaked one has
 * no free area, so frees of its pfns are recognised and drain retries it.
 */
void NodeCache::publishRefillLocked(const NodeLock &g, Block *b, um_pfn_t pfn,
				    const RefillTicket &t, bool leaked)
{
	u64 n = pagesOf(t.order);

	b->init(pfn, t.order, t.backend, stats_.nr_free);
	stat(stats_, UM_STAT_refills)++;
	stat(stats_, UM_STAT_refill_pages) += n;
	stats_.refills_by_order[t.order]++;
	if (leaked) {
		b->detachFree(t.order, stats_.nr_free);
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
 * commitRefillLocked() - publish the prepared blocks and count the outcome.
 */
void NodeCache::commitRefillLocked(const NodeLock &g, RefillTicket *t)
{
	statsAddCost(stats_, t->cost);
	statsAddRefill1g(stats_, t->search);
	for (u32 i = 0; i < t->nr_extra; i++) {
		publishRefillLocked(g, t->extra[i].block, t->extra[i].pfn, *t,
				    t->extra[i].leaked);
		stat(stats_, UM_STAT_refill_batched)++;
	}
	stat(stats_, UM_STAT_refill_joined) += t->joined;
	stat(stats_, UM_STAT_refill_run_spares) += t->spares;
	if (t->outcome == RefillTicket::Outcome::NoMemory ||
	    t->outcome == RefillTicket::Outcome::DmFailed) {
		stat(stats_, UM_STAT_refill_failures)++;
		if (t->outcome == RefillTicket::Outcome::DmFailed)
			stat(stats_, UM_STAT_dm_failures)++;
		return;
	}
	if (t->order < t->wanted_order)
		stat(stats_, UM_STAT_refill_fallbacks)++;
	publishRefillLocked(g, t->block, t->pfn, *t,
			    t->outcome == RefillTicket::Outcome::Leaked);
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

	/* What emitRefill() reads when no refill was made. */
	t->outcome = RefillTicket::Outcome::NotNeeded;
	t->nr_extra = 0;
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
		/* An extra may still serve it when only the first failed. */
		return takeLocked(g, order, grant) ? 0 : t->err;
	takeFromLocked(g, t->block, t->order, order, grant);
	return 0;
}

/* One event per block the refill made usable; the first carries the cost. */
void NodeCache::emitRefill(const RefillTicket &t)
{
	u64 now = um_plat_now_ns(plat_);
	bool costed = false;

	for (u32 i = 0; i <= t.nr_extra; i++) {
		bool ready = i ? !t.extra[i - 1].leaked :
			t.outcome == RefillTicket::Outcome::Ready;
		um_pfn_t pfn = i ? t.extra[i - 1].pfn : t.pfn;

		if (!ready)
			continue;

		um_event ev = event(UM_EV_REFILL, t.order, pfn,
				    pagesOf(t.order));

		ev.backend = t.backend;
		if (!costed)
			ev.cost = t.cost;
		costed = true;
		ev.duration_ns = now - t.start_ns;
		emit(ev);
	}
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
