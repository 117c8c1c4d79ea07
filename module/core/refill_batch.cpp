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

/*
 * takeExtra() - one more block of the first one's order, from free memory
 * only (no reclaim, no compaction): a batch is worth its flush, never the
 * caller's wait. With keep_1g a block in a 1G entry is given back rather
 * than start a search or a split. Return: false when none was taken.
 */
bool NodeCache::takeExtra(RefillTicket *t, unsigned flags)
{
	unsigned f = flags | UM_ALLOC_MAYFAIL | UM_PLAT_ALLOC_CANDIDATE;
	u64 n = pagesOf(t->order);
	RefillExtra &x = t->extra[t->nr_extra];

	if (um_plat_block_alloc(plat_, nid_, t->order, f, &x.pfn))
		return false;
	if (t->keep_1g && um_plat_dm_level(plat_, x.pfn) == UM_DM_LEVEL_1G) {
		um_plat_pages_free(plat_, x.pfn, n);
		return false;
	}
	x.block = static_cast<Block *>(
		um_plat_meta_alloc(plat_, Block::metaBytes(t->order), nid_));
	if (!x.block) {
		um_plat_pages_free(plat_, x.pfn, n);
		return false;
	}
	x.leaked = false;
	t->nr_extra++;
	return true;
}

/**
 * takeExtras() - up to @batch - 1 more blocks of the first one's order, to
 * be removed under its flush; the first that cannot be had ends the batch.
 */
void NodeCache::takeExtras(RefillTicket *t, unsigned flags, unsigned batch)
{
	while (t->nr_extra + 1 < batch && takeExtra(t, flags))
		;
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

/* The ticket's blocks into @m by address. Return: how many. */
u32 sortedMembers(const RefillTicket &t, BatchMember *m)
{
	u32 nr = 0;

	m[nr++] = BatchMember{ t.pfn, -1 };
	for (u32 i = 0; i < t.nr_extra; i++)
		m[nr++] = BatchMember{ t.extra[i].pfn, int(i) };
	/* Insertion sort: at most kRefillBatchMax blocks. */
	for (u32 i = 1; i < nr; i++) {
		for (u32 j = i; j && m[j - 1].pfn > m[j].pfn; j--) {
			BatchMember tmp = m[j - 1];

			m[j - 1] = m[j];
			m[j] = tmp;
		}
	}
	return nr;
}

/* The end of the run of adjacent blocks of @n pages that starts at m[lo]. */
u32 runEnd(const BatchMember *m, u32 nr, u32 lo, u64 n)
{
	u32 hi = lo + 1;

	while (hi < nr && m[hi].pfn == m[hi - 1].pfn + n)
		hi++;
	return hi;
}

/*
 * Pick @want of the @nr sorted blocks in as few runs as possible: longest
 * runs first (ties: lowest address), the last one cut to what is still
 * wanted. Greedy is optimal here: any @want blocks in k runs can be
 * matched by the k longest. Marks @keep. Return: the number of runs.
 */
u32 pickLongestRuns(const BatchMember *m, u32 nr, u64 n, u32 want, bool *keep)
{
	u32 runs = 0;

	for (u32 i = 0; i < nr; i++)
		keep[i] = false;
	while (want) {
		u32 best = nr, best_len = 0;

		for (u32 lo = 0, hi; lo < nr; lo = hi) {
			hi = runEnd(m, nr, lo, n);
			if (!keep[lo] && hi - lo > best_len) {
				best = lo;
				best_len = hi - lo;
			}
		}
		if (best == nr)
			break;
		for (u32 k = best; k < best + minOf(best_len, want); k++)
			keep[k] = true;
		want -= minOf(best_len, want);
		runs++;
	}
	return runs;
}

} /* namespace */

/**
 * takeRunSpares() - where each removal flushes by itself (6.1, 6.12), a
 * batch costs a flush per run of adjacent blocks, and the page allocator's
 * free lists are not always in address order (a 4 MiB block split for
 * per-CPU lists leaves a hole). While the batch's blocks need more than
 * one run, take spares, as many as the batch at most (within
 * kRefillBatchMax blocks in all); then keep the batch's worth in the
 * longest runs and give the rest back untouched: never unmapped, never
 * zeroed. A spare costs a page allocator allocation and free; the flush it
 * saves interrupts every other CPU. Counted in t->spares.
 */
void NodeCache::takeRunSpares(RefillTicket *t, unsigned flags, unsigned batch)
{
	BatchMember m[policy::kRefillBatchMax];
	bool keep[policy::kRefillBatchMax];
	u64 n = pagesOf(t->order);
	u32 want = t->nr_extra + 1;
	u32 most = minOf(2 * want, u32(policy::kRefillBatchMax));
	u32 nr = sortedMembers(*t, m);

	/* Memory that could not fill the batch has no spares either. */
	if (want < batch)
		return;
	while (pickLongestRuns(m, nr, n, want, keep) > 1 && nr < most &&
	       takeExtra(t, flags))
		nr = sortedMembers(*t, m);
	if (nr == want)
		return;

	/* The kept blocks become the ticket's, in address order. */
	RefillExtra kept[policy::kRefillBatchMax] = {};
	u32 nr_kept = 0;

	for (u32 k = 0; k < nr; k++) {
		RefillExtra x = m[k].index < 0 ?
			RefillExtra{ t->pfn, t->block, false } :
			t->extra[m[k].index];

		if (keep[k]) {
			kept[nr_kept++] = x;
			continue;
		}
		um_plat_pages_free(plat_, x.pfn, n);
		um_plat_meta_free(plat_, x.block);
		t->spares++;
	}
	t->pfn = kept[0].pfn;
	t->block = kept[0].block;
	for (u32 i = 1; i < nr_kept; i++)
		t->extra[i - 1] = kept[i];
	t->nr_extra = nr_kept - 1;
}

/**
 * removeRuns() - removeBatch() where each removal flushes by itself: the
 * blocks sorted by address, each run of adjacent ones out of the direct
 * map in one call, so one flush for the run (t->joined counts the blocks
 * that shared one). The page allocator hands out a fresh node's large
 * blocks in address order, so a batch is usually one run; when it is not
 * and takeRunSpares() found no longer one, a run costs what a refill of
 * its own would. A run whose removal fails is
 * put back and its extras given back, or kept as leaked, as removeBatch()
 * does. Return: the first block's error, *@must_keep its leak.
 */
int NodeCache::removeRuns(RefillTicket *t, bool *must_keep)
{
	BatchMember m[policy::kRefillBatchMax];
	bool give_back[policy::kRefillBatchMax - 1] = {};
	u32 nr = sortedMembers(*t, m);
	u64 n = pagesOf(t->order);
	int err = 0;

	*must_keep = false;
	for (u32 lo = 0, hi; lo < nr; lo = hi) {
		bool keep;

		hi = runEnd(m, nr, lo, n);
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
