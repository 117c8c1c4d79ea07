// SPDX-License-Identifier: GPL-2.0-only
/*
 * magazine.cpp - the per-CPU fast path: order-0 allocations and frees
 * through one CPU's magazine, and the batch moves between it and the
 * buddy. The rules are in magazine.h.
 */
#include "node_cache.h"
#include "stats.h"

namespace um {

namespace {

/* Holds one magazine's spinlock while it lives. */
class MagLock {
public:
	explicit MagLock(Magazine &m) : m_(m) { flags_ = um_plat_lock(m_.lock); }
	~MagLock() { um_plat_unlock(m_.lock, flags_); }
	MagLock(const MagLock &) = delete;
	MagLock &operator=(const MagLock &) = delete;

private:
	Magazine &m_;
	unsigned long flags_;
};

/* Under the magazine's lock; magazinePages() reads it without. */
void setCount(Magazine &m, u32 count)
{
	storeRelease(&m.count, count);
}

/* How often copyStats() rereads before it takes what it has. */
constexpr int kReadRetries = 16;

/* The dirty set of a one-page chunk, for Block::ungrantChunk(). */
PageSet onePage(u32 dirty)
{
	PageSet set = {};

	set.nr_pages = 1;
	set.nr_set = dirty;
	set.bits[0] = dirty;
	return set;
}

} /* namespace */

int NodeCache::initMagazines()
{
	int n = um_plat_nr_cpus(plat_);

	index_.init(plat_, nid_);
	mags_ = static_cast<Magazine **>(
		um_plat_meta_alloc(plat_, size_t(n) * sizeof(Magazine *), nid_));
	if (!mags_)
		return -UM_ENOMEM;
	for (nr_mags_ = 0; nr_mags_ < n; nr_mags_++) {
		Magazine *m = static_cast<Magazine *>(
			um_plat_meta_alloc(plat_, sizeof(Magazine), nid_));

		if (m)
			m->lock = um_plat_lock_create(plat_, nid_, UM_LOCK_MAGAZINE);
		if (!m || !m->lock) {
			if (m)
				um_plat_meta_free(plat_, m);
			finiMagazines();
			return -UM_ENOMEM;
		}
		mags_[nr_mags_] = m;
	}
	return 0;
}

/* After a drain: what is left in a magazine counts as leaked in fini(). */
void NodeCache::finiMagazines()
{
	for (int i = 0; i < nr_mags_; i++) {
		um_plat_lock_destroy(plat_, mags_[i]->lock);
		um_plat_meta_free(plat_, mags_[i]);
	}
	if (mags_)
		um_plat_meta_free(plat_, mags_);
	mags_ = nullptr;
	nr_mags_ = 0;
	index_.fini();
}

Magazine *NodeCache::magazineHere() const
{
	int cpu = um_plat_cpu_hint(plat_);

	return mags_[cpu >= 0 && cpu < nr_mags_ ? cpu : 0];
}

/* Up to kMagBatch free pages from the free areas, as takeLocked() picks. */
void NodeCache::fillLocked(const NodeLock &g, Magazine &m)
{
	u32 want = minOf(kMagBatch, kMagCap - m.count), got = 0;

	for (; got < want && free_mask_; got++) {
		unsigned from = __builtin_ctz(free_mask_);
		Block *b = blockOfFreeLink(free_area_[from].next, from);
		u32 off = b->takeChunk(from, 0, stats_.nr_free);
		PageSet dirty;

		b->takeDirty(off, 0, &dirty);
		syncBlockLocked(g, b, 0, from);
		statsPagesGranted(stats_, 1);
		m.e[m.count] = MagEntry{ b, off, dirty.nr_set };
		setCount(m, m.count + 1);
		m.dirty += dirty.nr_set;
	}
	if (got) {
		mag_gen_++;
		stat(stats_, UM_STAT_percpu_fills)++;
	}
}

/* The @nr oldest entries (the coldest pages) back into the buddy. */
void NodeCache::flushLocked(const NodeLock &g, Magazine &m, u32 nr)
{
	if (!nr)
		return;
	for (u32 i = 0; i < nr; i++) {
		const MagEntry &e = m.e[i];
		unsigned top = e.block->ungrantChunk(e.off, 0, onePage(e.dirty),
						     stats_.nr_free);

		syncBlockLocked(g, e.block, 0, top);
		statsPagesReturned(stats_, 1);
		m.dirty -= e.dirty;
	}
	__builtin_memmove(&m.e[0], &m.e[nr], (m.count - nr) * sizeof(m.e[0]));
	setCount(m, m.count - nr);
	mag_gen_++;
	stat(stats_, UM_STAT_percpu_flushes)++;
}

int NodeCache::allocFast(unsigned flags, um_pfn_t *pfn)
{
	Magazine &m = *magazineHere();
	MagEntry e;
	bool scrub;

	{
		MagLock ml(m);

		if (loadAcquire(&frozen_))
			return -UM_EAGAIN;
		if (!m.count) {
			NodeLock g(*this);

			if (frozen_)
				return -UM_EAGAIN;
			fillLocked(g, m);
		}
		if (!m.count)
			return kFastMiss;	/* nothing cached: refill */
		setCount(m, m.count - 1);
		e = m.e[m.count];
		m.dirty -= e.dirty;
		scrub = e.dirty && !(flags & UM_ALLOC_NOZERO);
		m.allocs++;
		m.scrubbed += scrub;
	}

	um_pfn_t first = e.block->pfnAt(e.off);

	/* One page: within what an atomic caller may zero. */
	if (scrub && um_plat_scrub(plat_, first, 1, flags & UM_ALLOC_ATOMIC ?
				   0 : UM_SCRUB_MAY_SLEEP)) {
		{
			MagLock ml(m);

			m.allocs--;
			m.scrubbed--;
		}
		NodeLock g(*this);

		syncBlockLocked(g, e.block, 0,
				e.block->ungrantChunk(e.off, 0, onePage(1),
						      stats_.nr_free));
		statsPagesReturned(stats_, 1);
		return -UM_EIO;
	}
	e.block->markOut(e.off);
	if (um_plat_event_wanted(plat_, UM_EV_ALLOC)) {
		um_event ev = event(UM_EV_ALLOC, 0, first, 1);

		ev.backend = um_backend(e.block->backend);
		emit(ev);
	}
	*pfn = first;
	return 0;
}

bool NodeCache::freeFast(um_pfn_t pfn)
{
	bool want_trim = false, want_scrub = false;
	Block *b;
	u32 off = 0;

	um_plat_read_lock(plat_);
	b = index_.lookup(pfn);
	if (b && b->contains(pfn))
		off = u32(pfn - b->base);
	else
		b = nullptr;
	/* The one caller that clears the bit owns the page: a double free
	 * or a foreign page finds it clear and takes the locked path. */
	if (b && !b->takeOut(off))
		b = nullptr;
	um_plat_read_unlock(plat_);
	if (!b)
		return false;

	/* The page's used[0] bit keeps @b alive from here on. */
	Magazine &m = *magazineHere();
	{
		MagLock ml(m);
		u32 high = loadAcquire(&mag_high_);

		if (m.count >= high || m.count == kMagCap) {
			NodeLock g(*this);

			flushLocked(g, m, minOf(m.count, kMagBatch +
						(m.count > high ? m.count - high : 0)));
			if (!trim_requested_ && trimWantedLocked(g))
				want_trim = trim_requested_ = true;
			want_scrub = wantScrubLocked(g);
		}
		m.e[m.count] = MagEntry{ b, off, 1 };
		setCount(m, m.count + 1);
		m.dirty++;
		m.frees++;
	}
	if (want_trim)
		um_plat_request_trim(plat_);
	if (want_scrub)
		um_plat_request_scrub(plat_);
	if (um_plat_event_wanted(plat_, UM_EV_FREE)) {
		um_event ev = event(UM_EV_FREE, 0, pfn, 1);

		ev.backend = um_backend(b->backend);
		emit(ev);
	}
	return true;
}

/* What @m holds above @keep pages, @most of it, back into the buddy. */
u64 NodeCache::drainMagazine(Magazine &m, u32 keep, u32 most)
{
	MagLock ml(m);

	if (m.count <= keep)
		return 0;

	u32 nr = minOf(m.count - keep, most);
	NodeLock g(*this);

	flushLocked(g, m, nr);
	return nr;
}

u64 NodeCache::drainMagazines(bool above_high_only)
{
	u32 keep = above_high_only ? loadAcquire(&mag_high_) : 0;
	u64 moved = 0;

	for (int i = 0; i < nr_mags_; i++)
		moved += drainMagazine(*mags_[i], keep, kMagCap);
	return moved;
}

/*
 * For an allocation that found the buddy short: one batch of the coldest
 * pages of the next magazine from *@next on that holds any, into the
 * buddy. One batch, not the whole magazine: its CPU keeps the rest and
 * does not come back for them at once (emptying the victim made threads
 * that share a small cache take pages from each other by turns).
 * Return: false when every magazine was visited.
 */
bool NodeCache::stealMagazine(int *next)
{
	while (*next < nr_mags_)
		if (drainMagazine(*mags_[(*next)++], 0, kMagBatch))
			return true;
	return false;
}

u64 NodeCache::drainCpu(int cpu)
{
	if (cpu < 0 || cpu >= nr_mags_)
		return 0;
	return drainMagazine(*mags_[cpu], 0, kMagCap);
}

/*
 * The pages all magazines hold, each count read without its lock: a
 * moment's figure for a decision (shrinkCount(), prefill()), not for
 * statistics (readConsistent()). No magazine lock: shrinkCount() runs on
 * every reclaim pass, and taking nr_cpus locks there would not scale.
 */
u64 NodeCache::magazinePages() const
{
	u64 pages = 0;

	for (int i = 0; i < nr_mags_; i++)
		pages += loadAcquire(&mags_[i]->count);
	return pages;
}

void NodeCache::readMagazines(MagTotals *t) const
{
	__builtin_memset(t, 0, sizeof(*t));
	for (int i = 0; i < nr_mags_; i++) {
		Magazine &m = *mags_[i];
		MagLock ml(m);

		t->count += m.count;
		t->dirty += m.dirty;
		t->allocs += m.allocs;
		t->frees += m.frees;
		t->scrubbed += m.scrubbed;
	}
}

/*
 * The node's counters and the magazines' totals as of one moment with
 * respect to batch moves (magazine.h). Return: the attempts it took.
 */
u64 NodeCache::readConsistent(um_stats *node, MagTotals *t)
{
	for (int tries = 1;; tries++) {
		u64 gen;

		{
			NodeLock g(*this, NodeLock::kRead);

			*node = stats_;
			gen = mag_gen_;
		}
		readMagazines(t);

		NodeLock g(*this, NodeLock::kRead);

		if (gen == mag_gen_ || tries == kReadRetries)
			return u64(tries);
	}
}

/* What the node's counters say once magazine pages count as free. */
void NodeCache::addMagazines(um_stats *s, const MagTotals &t)
{
	u64 in_use = stat(*s, UM_STAT_pages_in_use);
	u64 count = minOf(t.count, in_use);	/* a torn read, at worst */

	stat(*s, UM_STAT_pages_in_use) = in_use - count;
	stat(*s, UM_STAT_pages_free) += count;
	stat(*s, UM_STAT_pages_dirty) += t.dirty;
	stat(*s, UM_STAT_percpu_pages) = count;
	s->nr_free[0] += count;
	stat(*s, UM_STAT_allocs) += t.allocs;
	stat(*s, UM_STAT_alloc_pages) += t.allocs;
	s->allocs_by_order[0] += t.allocs;
	stat(*s, UM_STAT_frees) += t.frees;
	stat(*s, UM_STAT_free_pages) += t.frees;
	s->frees_by_order[0] += t.frees;
	stat(*s, UM_STAT_scrubbed_pages) += t.scrubbed;
}

} /* namespace um */
