// SPDX-License-Identifier: GPL-2.0-only
/*
 * refill_batch.cpp - the blocks a range-backend refill takes beside its
 * first, and their removal from the direct map with as few TLB flushes as
 * the kernel allows: one for all of them where removals can leave the
 * flush to the caller (6.13+), one per run of adjacent blocks where they
 * cannot (6.1, 6.12: CPA flushes each call itself).
 */
#include "dm.h"
#include "node_cache.h"
#include "stats.h"

namespace um {

/**
 * takeExtras() - up to @batch - 1 more blocks of the first one's order, to
 * be removed under its flush. From free memory only (no reclaim, no
 * compaction): a batch is worth its flush, never the caller's wait. With
 * keep_1g an extra in a 1G entry ends the batch (given back) rather than
 * start a search or a split.
 */
void NodeCache::takeExtras(RefillTicket *t, unsigned flags, unsigned batch)
{
	unsigned f = flags | UM_ALLOC_MAYFAIL | UM_PLAT_ALLOC_CANDIDATE;
	u64 n = pagesOf(t->order);

	while (t->nr_extra + 1 < batch) {
		RefillExtra &x = t->extra[t->nr_extra];

		if (um_plat_block_alloc(plat_, nid_, t->order, f, &x.pfn))
			return;
		if (t->keep_1g &&
		    um_plat_dm_level(plat_, x.pfn) == UM_DM_LEVEL_1G) {
			um_plat_pages_free(plat_, x.pfn, n);
			return;
		}
		x.block = static_cast<Block *>(
			um_plat_meta_alloc(plat_, Block::metaBytes(t->order), nid_));
		if (!x.block) {
			um_plat_pages_free(plat_, x.pfn, n);
			return;
		}
		x.leaked = false;
		index_.prepare(x.pfn, t->order);
		t->nr_extra++;
	}
}

/**
 * removeBatch() - the first block and the extras out of the direct map with
 * no flush each, then one flush of every CPU for all of them. An extra whose
 * removal fails is put back and given back, or kept as leaked when that
 * fails too. Return: the first block's error, *@must_keep its leak.
 */
int NodeCache::removeBatch(RefillTicket *t, bool *must_keep)
{
	u64 n = pagesOf(t->order);
	um_pfn_t lo = t->pfn, hi = t->pfn + n;
	int err = dm::removeRangeNoflush(plat_, t->pfn, n, &t->cost, must_keep);
	bool flush = !err || *must_keep;

	for (u32 i = 0; i < t->nr_extra;) {
		RefillExtra &x = t->extra[i];
		bool keep;

		if (dm::removeRangeNoflush(plat_, x.pfn, n, &t->cost, &keep) &&
		    !keep) {
			um_plat_pages_free(plat_, x.pfn, n);
			um_plat_meta_free(plat_, x.block);
			x = t->extra[--t->nr_extra];
			continue;
		}
		x.leaked = keep;
		lo = minOf(lo, x.pfn);
		hi = maxOf(hi, x.pfn + n);
		flush = true;
		i++;
	}
	/* One range over all: beyond 33 pages, a full flush on every CPU. */
	if (flush)
		um_plat_tlb_flush(plat_, lo, hi - lo, &t->cost);
	return err;
}

namespace {

/* A block of the batch: index -1 is the ticket's first, else extra[i]. */
struct BatchMember {
	um_pfn_t pfn;
	int index;
};

} /* namespace */

/**
 * removeRuns() - removeBatch() where each removal flushes by itself: the
 * blocks sorted by address, each run of adjacent ones out of the direct
 * map in one call, so one flush for the run (t->joined counts the blocks
 * that shared one). The page allocator hands out a fresh node's large
 * blocks in address order, so a batch is usually one run; when it is not,
 * a run costs what a refill of its own would. A run whose removal fails is
 * put back and its extras given back, or kept as leaked, as removeBatch()
 * does. Return: the first block's error, *@must_keep its leak.
 */
int NodeCache::removeRuns(RefillTicket *t, bool *must_keep)
{
	BatchMember m[policy::kRefillBatchMax];
	bool give_back[policy::kRefillBatchMax - 1] = {};
	u32 nr = 0;
	u64 n = pagesOf(t->order);
	int err = 0;

	m[nr++] = BatchMember{ t->pfn, -1 };
	for (u32 i = 0; i < t->nr_extra; i++)
		m[nr++] = BatchMember{ t->extra[i].pfn, int(i) };
	/* Insertion sort: at most kRefillBatchMax blocks. */
	for (u32 i = 1; i < nr; i++) {
		for (u32 j = i; j && m[j - 1].pfn > m[j].pfn; j--) {
			BatchMember tmp = m[j - 1];

			m[j - 1] = m[j];
			m[j] = tmp;
		}
	}

	*must_keep = false;
	for (u32 lo = 0, hi; lo < nr; lo = hi) {
		bool keep;

		for (hi = lo + 1; hi < nr && m[hi].pfn == m[hi - 1].pfn + n; hi++)
			;
		int run_err = dm::removePages(plat_, UM_BACKEND_RANGE, m[lo].pfn,
					      (hi - lo) * n, &t->cost, &keep);

		if (!run_err) {
			t->joined += hi - lo - 1;
			continue;
		}
		for (u32 k = lo; k < hi; k++) {
			if (m[k].index < 0) {
				err = run_err;
				*must_keep = keep;
			} else if (keep) {
				t->extra[m[k].index].leaked = true;
			} else {
				give_back[m[k].index] = true;
			}
		}
	}
	/* Give back what came back mapped, keeping extra[] dense. */
	for (u32 i = t->nr_extra; i--;) {
		if (!give_back[i])
			continue;
		um_plat_pages_free(plat_, t->extra[i].pfn, n);
		um_plat_meta_free(plat_, t->extra[i].block);
		t->extra[i] = t->extra[--t->nr_extra];
	}
	return err;
}

} /* namespace um */
