// SPDX-License-Identifier: GPL-2.0-only
/*
 * node_cache.cpp - the fast paths: allocation from and freeing to the
 * buddy free areas of one node, plus set-up, configuration and reporting.
 */
#include "node_cache.h"
#include "stats.h"

#include <stddef.h>

namespace um {

NodeLock::NodeLock(NodeCache &node, Use use) : node_(node)
{
	flags_ = um_plat_lock(node_.lock_);
	/* What a per-CPU fast path would save, counted exactly. */
	if (use == kWork)
		stat(node_.stats_, UM_STAT_node_lock_holds)++;
}

NodeLock::~NodeLock()
{
	um_plat_unlock(node_.lock_, flags_);
}

NodeSerial::NodeSerial(NodeCache &node, Mode mode) : node_(node), held_(true)
{
	if (mode == kTry)
		held_ = um_plat_mutex_trylock(node_.mutex_);
	else
		um_plat_mutex_lock(node_.mutex_);
}

NodeSerial::~NodeSerial()
{
	if (held_)
		um_plat_mutex_unlock(node_.mutex_);
}

Block *NodeCache::blockOfLink(ListNode *n)
{
	return containerOf<Block>(n, offsetof(Block, link));
}

Block *NodeCache::blockOfFreeLink(ListNode *n, unsigned k)
{
	return containerOf<Block>(n, offsetof(Block, free_link) +
				     k * sizeof(ListNode));
}

Block *NodeCache::blockOfWholeNode(PfnTreeNode *n)
{
	return reinterpret_cast<Block *>(reinterpret_cast<char *>(n) -
					 offsetof(Block, whole_node));
}

Block *NodeCache::blockOfDirtyLink(ListNode *n)
{
	return containerOf<Block>(n, offsetof(Block, dirty_link));
}

Block *NodeCache::blockOfTree(PfnTreeNode *n)
{
	return reinterpret_cast<Block *>(reinterpret_cast<char *>(n) -
					 offsetof(Block, tree));
}

u32 NodeCache::inFreeArea(const Block &b)
{
	u32 mask = 0;

	for (unsigned k = 0; k < kMaxOrder; k++)
		if (listLinked(&b.free_link[k]))
			mask |= u32(1) << k;
	return mask;
}

int NodeCache::init(um_platform *plat, int nid, const um_config &cfg)
{
	plat_ = plat;
	nid_ = nid;
	cfg_ = cfg;
	listInitHead(&blocks_);
	for (unsigned k = 0; k < kMaxOrder; k++) {
		listInitHead(&free_area_[k]);
		whole_[k].init();
	}
	listInitHead(&dirty_);
	free_mask_ = whole_mask_ = 0;
	pages_whole_free_ = 0;
	trim_requested_ = false;
	scrub_requested_ = false;
	serves_atomic_ = false;
	frozen_ = false;
	refills_alone_ = 0;
	retry_gen_ = 0;
	below1g_cursor_ = 0;
	lookup_.init();
	__builtin_memset(block_orders_, 0, sizeof(block_orders_));
	block_order_mask_ = 0;
	__builtin_memset(&stats_, 0, sizeof(stats_));
	mags_ = nullptr;
	nr_mags_ = 0;
	mag_gen_ = 0;

	lock_ = um_plat_lock_create(plat, nid, UM_LOCK_NODE);
	if (!lock_)
		return -UM_ENOMEM;
	mutex_ = um_plat_mutex_create(plat, nid);
	if (!mutex_) {
		um_plat_lock_destroy(plat, lock_);
		return -UM_ENOMEM;
	}
	if (initMagazines()) {
		um_plat_mutex_destroy(plat, mutex_);
		um_plat_lock_destroy(plat, lock_);
		return -UM_ENOMEM;
	}
	mag_high_ = policy::magazineHigh(cfg, nr_mags_);
	return 0;
}

void NodeCache::fini()
{
	while (!listEmpty(&blocks_)) {
		Block *b = blockOfLink(blocks_.next);

		{
			NodeLock g(*this);

			/*
			 * Free pages left after a drain failed to scrub or
			 * map back: they may hold secrets or be unmapped, so
			 * they never reach the page allocator.
			 */
			stat(stats_, UM_STAT_leaked_pages) += b->pages_free;
			UM_BUG_ON(plat_, b->pages_used != 0);
			unlinkBlockLocked(g, b);
		}
		um_plat_meta_free_deferred(plat_, b);
	}
	finiMagazines();
	um_plat_mutex_destroy(plat_, mutex_);
	um_plat_lock_destroy(plat_, lock_);
}

/* --- free areas ------------------------------------------------------- */

/*
 * Keep list membership in step with the block's free chunk counts for
 * orders lo..hi. Partly used blocks go to the head, whole blocks to the
 * tail, so allocations carve up blocks that are already broken before
 * touching whole ones, which stay releasable in one piece.
 */
void NodeCache::syncFreeLinksLocked(const NodeLock &, Block *b, unsigned lo,
				    unsigned hi)
{
	for (unsigned k = lo; k <= hi; k++) {
		bool want = b->nr_free[k] != 0;
		bool linked = listLinked(&b->free_link[k]);

		if (want && !linked) {
			if (b->whole())
				listAddTail(&free_area_[k], &b->free_link[k]);
			else
				listAddHead(&free_area_[k], &b->free_link[k]);
			free_mask_ |= u32(1) << k;
		} else if (!want && linked) {
			listDel(&b->free_link[k]);
			if (listEmpty(&free_area_[k]))
				free_mask_ &= ~(u32(1) << k);
		}
	}
}

void NodeCache::syncWholeLocked(const NodeLock &, Block *b)
{
	bool want = b->whole();

	if (want == b->in_whole)
		return;
	b->in_whole = want;
	if (want) {
		b->whole_node.key = PfnTree::key(b->base, b->order);
		whole_[b->order].insert(&b->whole_node);
		whole_mask_ |= u32(1) << b->order;
		pages_whole_free_ += b->pages();
	} else {
		whole_[b->order].erase(&b->whole_node);
		if (whole_[b->order].empty())
			whole_mask_ &= ~(u32(1) << b->order);
		pages_whole_free_ -= b->pages();
	}
}

/* Keep dirty_ and the pages_dirty gauge in step with the block's count. */
void NodeCache::syncDirtyLocked(const NodeLock &, Block *b)
{
	bool linked = listLinked(&b->dirty_link);

	stat(stats_, UM_STAT_pages_dirty) += b->pages_dirty;
	stat(stats_, UM_STAT_pages_dirty) -= b->dirty_counted;
	b->dirty_counted = b->pages_dirty;
	if (b->pages_dirty && !linked)
		listAddTail(&dirty_, &b->dirty_link);
	else if (!b->pages_dirty && linked)
		listDel(&b->dirty_link);
}

/* After a change to @b's chunks of orders @lo..@hi: every list and gauge. */
void NodeCache::syncBlockLocked(const NodeLock &g, Block *b, unsigned lo,
				unsigned hi)
{
	syncFreeLinksLocked(g, b, lo, hi);
	syncWholeLocked(g, b);
	syncDirtyLocked(g, b);
}

void NodeCache::linkBlockLocked(const NodeLock &g, Block *b)
{
	listAddTail(&blocks_, &b->link);
	lookup_.insert(&b->tree);
	index_.insertLocked(b);
	block_orders_[b->order]++;
	block_order_mask_ |= u32(1) << b->order;
	syncBlockLocked(g, b, 0, b->order);
	stat(stats_, UM_STAT_blocks_cached)++;
}

void NodeCache::unlinkBlockLocked(const NodeLock &g, Block *b)
{
	/* Drop every free chunk from the tally (fini of a kept block). */
	for (unsigned k = 0; k <= b->order; k++) {
		stats_.nr_free[k] -= b->nr_free[k];
		b->nr_free[k] = 0;
	}
	statsPagesRemoved(stats_, b->pages_free);
	b->pages_free = 0;
	b->pages_dirty = 0;
	syncBlockLocked(g, b, 0, b->order);
	listDel(&b->link);
	lookup_.erase(&b->tree);
	index_.eraseLocked(b);
	if (!--block_orders_[b->order])
		block_order_mask_ &= ~(u32(1) << b->order);
	stat(stats_, UM_STAT_blocks_cached)--;
}

/*
 * The block that holds @pfn: the one of order o would start at pfn rounded
 * down to 2^o. Smallest order first, because a block nested in another's
 * released pages (see pfn_tree.h) is the current owner. Usually a single
 * O(log n) search: all blocks are 2 MiB unless refill fell back.
 */
Block *NodeCache::lookupLocked(const NodeLock &, um_pfn_t pfn)
{
	for (u32 orders = block_order_mask_; orders; orders &= orders - 1) {
		unsigned o = __builtin_ctz(orders);
		PfnTreeNode *n = lookup_.find(
			PfnTree::key(pfn & ~(pagesOf(o) - 1), o));

		if (n && blockOfTree(n)->holds(pfn))
			return blockOfTree(n);
	}
	return nullptr;
}

/* --- allocation -------------------------------------------------------- */

void NodeCache::takeFromLocked(const NodeLock &g, Block *b, unsigned from,
			       unsigned order, Grant *grant)
{
	u64 n = pagesOf(order);

	grant->block = b;
	grant->order = order;
	grant->off = b->takeChunk(from, order, stats_.nr_free);
	b->takeDirty(grant->off, order, &grant->dirty);
	syncBlockLocked(g, b, order, from);
	grant->scrub = !(grant->flags & UM_ALLOC_NOZERO) && grant->dirty.nr_set;

	/* Counted now so that success needs no second lock round trip. */
	if (grant->scrub)
		stat(stats_, UM_STAT_scrubbed_pages) += grant->dirty.nr_set;
	stat(stats_, UM_STAT_allocs)++;
	stat(stats_, UM_STAT_alloc_pages) += n;
	stats_.allocs_by_order[order]++;
	statsPagesGranted(stats_, n);
}

/* Smallest free chunk of at least @order, from the first block listed. */
bool NodeCache::takeLocked(const NodeLock &g, unsigned order, Grant *grant)
{
	u32 candidates = free_mask_ >> order;

	if (!candidates)
		return false;
	unsigned from = order + __builtin_ctz(candidates);

	takeFromLocked(g, blockOfFreeLink(free_area_[from].next, from), from,
		       order, grant);
	return true;
}

/*
 * takeAtomicLocked() - takeLocked() for UM_ALLOC_ATOMIC, which may be
 * running in a hard interrupt: zeroing a dirty order-10 chunk there would
 * keep interrupts off for about a millisecond (1024 pages at about 1 us
 * each through the scrub window). The candidates takeLocked() would look
 * at, smallest order first and in list order, are probed (a bounded number,
 * each a scan of at most 16 bitmap words) for the chunk with the fewest
 * dirty pages; the first clean one wins. If even the best needs more than
 * UM_ATOMIC_SCRUB_PAGES zeroed, nothing is taken: -EAGAIN, and the
 * background scrub makes the cache clean for the next try.
 *
 * Why 8 pages: it is what the page allocator itself zeroes, with
 * init_on_alloc, for a GFP_ATOMIC allocation of order 3
 * (PAGE_ALLOC_COSTLY_ORDER, the largest the kernel expects atomic callers
 * to rely on): about 8 us with interrupts off natively. So orders 0..3 are
 * always served when the cache has them, zeroed as before, and only larger
 * atomic requests can fail for want of clean memory.
 */
namespace {
constexpr unsigned kAtomicProbes = 8;
} /* namespace */

bool NodeCache::takeAtomicLocked(const NodeLock &g, unsigned order,
				 Grant *grant, bool *too_dirty)
{
	Block *best = nullptr;
	unsigned best_from = 0, probes = 0;
	u32 best_dirty = ~u32(0);

	*too_dirty = false;
	for (u32 c = free_mask_ >> order;
	     c && best_dirty && probes < kAtomicProbes; c &= c - 1) {
		unsigned from = order + __builtin_ctz(c);
		ListNode *head = &free_area_[from];

		for (ListNode *n = head->next; n != head && best_dirty &&
		     probes < kAtomicProbes; n = n->next, probes++) {
			Block *b = blockOfFreeLink(n, from);
			/* takeChunk() keeps the lowest part of the chunk. */
			u32 dirty = b->dirtyIn(b->findFree(from),
					       u32(pagesOf(order)));

			if (dirty < best_dirty) {
				best = b;
				best_from = from;
				best_dirty = dirty;
			}
		}
	}
	if (!best)
		return false;
	if (best_dirty > UM_ATOMIC_SCRUB_PAGES) {
		stat(stats_, UM_STAT_atomic_scrub_refused)++;
		*too_dirty = true;
		return false;
	}
	takeFromLocked(g, best, best_from, order, grant);
	return true;
}

/*
 * wantScrubLocked() - should the background scrub be asked for now? Only
 * for a node that serves atomic allocations (the others zero what they
 * take themselves), once per pending request, and only if there is work.
 */
bool NodeCache::wantScrubLocked(const NodeLock &)
{
	if (!serves_atomic_ || scrub_requested_ ||
	    !stat(stats_, UM_STAT_pages_dirty))
		return false;
	scrub_requested_ = true;
	return true;
}

/* Zero the runs of dirty pages; the chunk is the caller's, no lock held. */
int NodeCache::scrubPages(um_pfn_t first, const PageSet &set, unsigned flags)
{
	u32 start = 0, len;

	while (set.nextRun(&start, &len)) {
		int err = um_plat_scrub(plat_, first + start, len, flags);

		if (err)
			return err;
		start += len;
	}
	return 0;
}

/*
 * Scrub what the grant's previous owners left, outside the lock: the chunk
 * is exclusively ours. If the platform fails, the allocation is undone as
 * if it never happened (counters included) and the pages go back still
 * dirty.
 */
int NodeCache::finishGrant(Grant *grant, um_pfn_t *pfn)
{
	Block *b = grant->block;
	u64 n = pagesOf(grant->order);
	unsigned scrub_flags = grant->flags & UM_ALLOC_ATOMIC ?
		0 : UM_SCRUB_MAY_SLEEP;

	if (grant->scrub && scrubPages(b->pfnAt(grant->off), grant->dirty,
				       scrub_flags)) {
		NodeLock g(*this);
		unsigned top = b->ungrantChunk(grant->off, grant->order,
					       grant->dirty, stats_.nr_free);

		syncBlockLocked(g, b, grant->order, top);
		stat(stats_, UM_STAT_scrubbed_pages) -= grant->dirty.nr_set;
		stat(stats_, UM_STAT_allocs)--;
		stat(stats_, UM_STAT_alloc_pages) -= n;
		stats_.allocs_by_order[grant->order]--;
		statsPagesReturned(stats_, n);
		return -UM_EIO;
	}

	/* Now a free of it can be accepted, by the fast path too. */
	if (grant->order == 0)
		b->markOut(grant->off);

	um_event ev = event(UM_EV_ALLOC, grant->order, b->pfnAt(grant->off), n);

	ev.backend = um_backend(b->backend);
	*pfn = ev.pfn;
	emit(ev);
	return 0;
}

int NodeCache::alloc(unsigned order, unsigned flags, um_pfn_t *pfn)
{
	Grant grant;
	bool found, too_dirty = false, want_scrub = false;

	if (order == 0 && loadAcquire(&mag_high_)) {
		int err = allocFast(flags, pfn);

		if (err != kFastMiss)
			return err;
	}
	grant.flags = flags;
	for (int pass = 0, victim = 0;; pass++) {
		if ((flags & UM_ALLOC_ATOMIC) && !(flags & UM_ALLOC_NOZERO)) {
			NodeLock g(*this);

			if (frozen_)
				return -UM_EAGAIN;
			serves_atomic_ = true;
			found = takeAtomicLocked(g, order, &grant, &too_dirty);
			/* What it had to zero here, the next one should not. */
			if (too_dirty || (found && grant.scrub))
				want_scrub = wantScrubLocked(g);
		} else {
			NodeLock g(*this);

			if (frozen_)
				return -UM_EAGAIN;
			found = takeLocked(g, order, &grant);
		}
		/*
		 * Free pages other CPUs keep are this node's too: take them
		 * back before a refill (a direct-map change and a flush), as
		 * the page allocator drains its pcp lists before it fails; one
		 * batch of one magazine at a time, so the others keep theirs.
		 */
		if (found || too_dirty || !stealMagazine(&victim))
			break;
	}
	if (want_scrub)
		um_plat_request_scrub(plat_);
	if (!found) {
		/* Zeroed: refillFor() may return before it fills it in. */
		RefillTicket t{};

		if (flags & UM_ALLOC_ATOMIC)
			return -UM_EAGAIN;
		int err = refillFor(order, &grant, &t);

		emitRefill(t);
		if (err)
			return err;
	}
	return finishGrant(&grant, pfn);
}

void NodeCache::noteAllocFailure(unsigned order, int err)
{
	{
		NodeLock g(*this);

		stat(stats_, UM_STAT_alloc_failures)++;
	}
	um_event ev = event(UM_EV_ALLOC_FAIL, order, 0, 0);

	ev.err = err;
	emit(ev);
}

/* --- free -------------------------------------------------------------- */

/*
 * An order-0 chunk is handed out only while its out bit is set: without
 * it the page is in a magazine, or being freed by another caller.
 */
static ChunkState classifyFree(const Block &b, u32 off, unsigned order)
{
	ChunkState state = b.classify(off, order);

	if (state == ChunkState::Allocated && order == 0 && !b.isOut(off))
		return ChunkState::Free;
	return state;
}

static int freeError(ChunkState state)
{
	switch (state) {
	case ChunkState::Allocated:
		return 0;
	case ChunkState::Free:
	case ChunkState::Leaked:
		return -UM_EALREADY;
	case ChunkState::Released:
		return -UM_ENOENT;
	case ChunkState::WrongOrder:
	case ChunkState::Inconsistent:
		break;
	}
	return -UM_EINVAL;
}

int NodeCache::checkChunk(um_pfn_t pfn, unsigned order)
{
	NodeLock g(*this);
	Block *b = lookupLocked(g, pfn);

	if (!b)
		return -UM_ENOENT;
	return freeError(classifyFree(*b, u32(pfn - b->base), order));
}

int NodeCache::free(um_pfn_t pfn, unsigned order)
{
	bool want_trim = false, want_scrub;

	if (order == 0 && loadAcquire(&mag_high_) && freeFast(pfn))
		return 0;

	um_event ev = event(UM_EV_FREE, order, pfn, pagesOf(order));

	{
		NodeLock g(*this);
		Block *b = lookupLocked(g, pfn);

		if (!b)
			return -UM_ENOENT;

		u32 off = u32(pfn - b->base);
		ChunkState state = classifyFree(*b, off, order);

		UM_BUG_ON(plat_, state == ChunkState::Inconsistent);
		/* Only one of two racing frees clears the out bit. */
		if (state == ChunkState::Allocated && order == 0 &&
		    !b->takeOut(off))
			state = ChunkState::Free;
		if (int err = freeError(state)) {
			stat(stats_, UM_STAT_bad_frees)++;
			return err;
		}
		unsigned top = b->freeChunk(off, order, stats_.nr_free);

		syncBlockLocked(g, b, order, top);
		stat(stats_, UM_STAT_frees)++;
		stat(stats_, UM_STAT_free_pages) += ev.pages;
		stats_.frees_by_order[order]++;
		statsPagesReturned(stats_, ev.pages);
		/* Never ask for a trim that would find nothing to release. */
		if (!trim_requested_ && trimWantedLocked(g))
			want_trim = trim_requested_ = true;
		want_scrub = wantScrubLocked(g);
		ev.backend = um_backend(b->backend);
	}
	if (want_trim)
		um_plat_request_trim(plat_);
	if (want_scrub)
		um_plat_request_scrub(plat_);
	emit(ev);
	return 0;
}

void NodeCache::noteBadFree()
{
	NodeLock g(*this);

	stat(stats_, UM_STAT_bad_frees)++;
}

/* --- events, configuration, reporting ---------------------------------- */

um_event NodeCache::event(um_event_type type, unsigned order, um_pfn_t pfn,
			  u64 pages) const
{
	um_event ev;

	__builtin_memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.nid = nid_;
	ev.order = order;
	ev.pfn = pfn;
	ev.pages = pages;
	return ev;
}

void NodeCache::emit(const um_event &ev)
{
	um_plat_event(plat_, &ev);
}

u64 NodeCache::freeze()
{
	u32 alone;

	{
		NodeSerial s(*this);
		NodeLock g(*this);

		storeRelease(&frozen_, true);
		/* A NOFS refill under way without the mutex hands out a page soon. */
		alone = refills_alone_;
	}
	/*
	 * Magazine allocations test frozen_ under the magazine's lock only:
	 * pagesInUse() takes each one after the store, so every allocation
	 * it does not count sees the flag.
	 */
	return pagesInUse() + alone;
}

void NodeCache::thaw()
{
	NodeLock g(*this);

	storeRelease(&frozen_, false);
}

u64 NodeCache::pagesTaken()
{
	NodeLock g(*this, NodeLock::kRead);

	return stat(stats_, UM_STAT_refill_pages) -
	       stat(stats_, UM_STAT_release_pages);
}

u64 NodeCache::pagesInUse()
{
	um_stats s;
	MagTotals t;

	readConsistent(&s, &t);
	addMagazines(&s, t);
	return stat(s, UM_STAT_pages_in_use);
}

void NodeCache::setConfig(const um_config &cfg)
{
	NodeLock g(*this);

	cfg_ = cfg;
	/* A lower bound is enforced by the next free or trim. */
	storeRelease(&mag_high_, policy::magazineHigh(cfg, nr_mags_));
}

void NodeCache::getConfig(um_config *cfg)
{
	NodeLock g(*this, NodeLock::kRead);

	*cfg = cfg_;
}

void NodeCache::copyStats(um_stats *out)
{
	MagTotals t;

	readConsistent(out, &t);
	addMagazines(out, t);
}

unsigned NodeCache::copyBlocks(um_pfn_t *key, um_block_info *out,
			       unsigned max)
{
	NodeLock g(*this, NodeLock::kRead);
	PfnTreeNode *n = lookup_.lowerBound(*key);
	unsigned count = 0;

	for (; n && count < max; n = PfnTree::next(n), count++) {
		const Block *b = blockOfTree(n);
		um_block_info &info = out[count];

		__builtin_memset(&info, 0, sizeof(info));
		info.pfn = b->base;
		info.order = b->order;
		info.nid = nid_;
		info.backend = um_backend(b->backend);
		u32 parked = b->parkedPages();

		/* Pages in magazines are free, as copyStats() counts them. */
		info.free_pages = b->pages_free + b->pages_zeroing + parked;
		info.used_pages = b->pages_used - parked;
		info.released_pages = b->pages_gone - b->pages_leaked;
		*key = n->key + 1;
	}
	return count;
}

} /* namespace um */
