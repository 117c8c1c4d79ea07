// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim_platform.cpp - simulated hardware behind um_plat_*.
 */
#include "sim_platform.h"

#include <cstdlib>
#include <sstream>

namespace sim {

namespace {

thread_local int tl_current_node = -1;
thread_local int tl_current_cpu = -1;
std::atomic<int> next_cpu{ 0 };

DmLayout layoutFor(const SimConfig &cfg)
{
	DmLayout layout;

	layout.pages = cfg.mem_bytes >> 12;
	layout.small_pages = cfg.small_bytes >> 12;
	layout.pmd_pages = cfg.pmd_bytes >> 12;
	layout.pmd_gib = cfg.pmd_gib;
	return layout;
}

bool memoryless(const SimConfig &cfg, int nid)
{
	for (int n : cfg.memoryless_nodes)
		if (n == nid)
			return true;
	return false;
}

/* Memory split evenly, in node order, among the nodes that have any. */
std::vector<uint64_t> nodeBounds(const SimConfig &cfg)
{
	std::vector<uint64_t> bounds(1, 0);
	uint64_t pages = cfg.mem_bytes >> 12;
	int with_memory = 0;

	for (int nid = 0; nid < cfg.nr_nodes; nid++)
		with_memory += !memoryless(cfg, nid);
	for (int nid = 0, seen = 0; nid < cfg.nr_nodes; nid++) {
		if (!memoryless(cfg, nid))
			seen++;
		bounds.push_back(pages / with_memory * seen);
	}
	bounds.back() = pages;
	return bounds;
}

std::string hexPfn(uint64_t pfn)
{
	std::ostringstream out;

	out << "pfn 0x" << std::hex << pfn;
	return out.str();
}

} /* namespace */

bool FaultSwitch::shouldFail()
{
	if (always_)
		return true;
	return countdown_ && --countdown_ == 0;
}

SimPlatform::SimPlatform(const SimConfig &cfg)
	: cfg_(cfg), handle_(new um_platform{ this }), dm_(layoutFor(cfg)),
	  allocator_(nodeBounds(cfg), cfg.reserved_bytes >> 12),
	  pages_(cfg.mem_bytes >> 12)
{
}

SimPlatform::~SimPlatform() = default;

void SimPlatform::addError(const std::string &what)
{
	std::lock_guard<std::mutex> g(mutex_);

	errors_.push_back(what);
}

std::vector<std::string> SimPlatform::errors()
{
	std::lock_guard<std::mutex> g(mutex_);

	return errors_;
}

void SimPlatform::clearErrors()
{
	std::lock_guard<std::mutex> g(mutex_);

	errors_.clear();
}

void SimPlatform::mightSleep(const char *what)
{
	if (spinlocksHeld())
		addError(std::string(what) + " [sleeps] called with a core "
			 "spinlock held");
}

/* --- TLB model --------------------------------------------------------- */

bool SimPlatform::staleLocked(uint64_t pfn) const
{
	const Page &p = pages_[pfn];

	return p.stale_cpus && p.stale_epoch == flush_epoch_;
}

void SimPlatform::flushLocked(uint64_t pfn, uint64_t nr)
{
	for (uint64_t i = 0; i < nr; i++)
		pages_[pfn + i].stale_cpus = 0;
}

DmHooks SimPlatform::hooksLocked()
{
	DmHooks hooks;

	/* A split's flush_tlb_all(): one epoch ends every stale entry. */
	hooks.split_flush = [this] {
		flush_epoch_++;
		totals_.split_flushes++;
	};
	/* Any CPU may have cached a translation of a page that was present. */
	hooks.unmapped = [this](uint64_t pfn, uint64_t nr) {
		uint8_t all = uint8_t((1u << cfg_.nr_cpus) - 1);

		for (uint64_t i = 0; i < nr; i++) {
			pages_[pfn + i].stale_cpus = all;
			pages_[pfn + i].stale_epoch = flush_epoch_;
		}
	};
	return hooks;
}

bool SimPlatform::reachable(uint64_t pfn)
{
	std::lock_guard<std::mutex> g(mutex_);

	return dm_.present(pfn) || staleLocked(pfn);
}

/* --- page contents and ownership ------------------------------------ */

bool SimPlatform::ownedLocked(uint64_t pfn, uint64_t nr, const char *what)
{
	if (pfn + nr > pages_.size() || pfn + nr < pfn) {
		errors_.push_back(std::string(what) + ": " + hexPfn(pfn) +
				  " beyond memory");
		return false;
	}
	for (uint64_t i = 0; i < nr; i++) {
		if (!pages_[pfn + i].allocated) {
			errors_.push_back(std::string(what) + ": " +
					  hexPfn(pfn + i) +
					  " is not allocated");
			return false;
		}
	}
	return true;
}

void SimPlatform::writeSecret(uint64_t pfn, uint64_t nr)
{
	std::lock_guard<std::mutex> g(mutex_);

	if (!ownedLocked(pfn, nr, "writeSecret"))
		return;
	for (uint64_t i = 0; i < nr; i++)
		pages_[pfn + i].tag = next_tag_++;
}

bool SimPlatform::isZero(uint64_t pfn, uint64_t nr)
{
	std::lock_guard<std::mutex> g(mutex_);

	for (uint64_t i = 0; i < nr; i++)
		if (pages_[pfn + i].tag)
			return false;
	return true;
}

bool SimPlatform::allocated(uint64_t pfn)
{
	std::lock_guard<std::mutex> g(mutex_);

	return pages_[pfn].allocated;
}

void SimPlatform::setCurrentNode(int nid)
{
	tl_current_node = nid;
}

int SimPlatform::currentNode() const
{
	return tl_current_node >= 0 ? tl_current_node : 0;
}

void SimPlatform::setCurrentCpu(int cpu)
{
	tl_current_cpu = cpu;
}

int SimPlatform::cpuHint() const
{
	/* Threads spread over the CPUs, as a scheduler would place them. */
	if (tl_current_cpu < 0)
		tl_current_cpu = next_cpu++ % cfg_.nr_cpus;
	return tl_current_cpu;
}

void SimPlatform::nodeSpan(int nid, um_pfn_t *start, um_pfn_t *end)
{
	std::lock_guard<std::mutex> g(mutex_);
	uint64_t s, e;

	allocator_.span(nid, &s, &e);
	*start = s;
	*end = e;
}

void SimPlatform::metaFreeDeferred(void *ptr)
{
	/* A grace period: every reader that may have seen @ptr is done. */
	{
		std::unique_lock<std::shared_mutex> g(rcu_);
	}
	metaFree(ptr);
}

int SimPlatform::pfnNode(um_pfn_t pfn)
{
	std::lock_guard<std::mutex> g(mutex_);

	return allocator_.nodeOf(pfn);
}

bool SimPlatform::nodeHasMemory(int nid) const
{
	return nid >= 0 && nid < cfg_.nr_nodes && !memoryless(cfg_, nid);
}

bool SimPlatform::takeTrimRequest()
{
	return trim_requested_.exchange(false);
}

bool SimPlatform::takeScrubRequest()
{
	return scrub_requested_.exchange(false);
}

/* --- inspection --------------------------------------------------------- */

SimTotals SimPlatform::totals()
{
	std::lock_guard<std::mutex> g(mutex_);

	return totals_;
}

uint64_t SimPlatform::allocatorFreePages(int nid)
{
	std::lock_guard<std::mutex> g(mutex_);

	return allocator_.freePages(nid);
}

uint64_t SimPlatform::allocatedPages()
{
	std::lock_guard<std::mutex> g(mutex_);

	return totals_.pages_allocated - totals_.pages_freed;
}

void SimPlatform::withDm(const std::function<void(const DirectMapModel &)> &fn)
{
	std::lock_guard<std::mutex> g(mutex_);

	fn(dm_);
}

size_t SimPlatform::liveMetaAllocs()
{
	std::lock_guard<std::mutex> g(mutex_);

	return meta_.size();
}

/* --- um_plat_* ---------------------------------------------------------- */

void *SimPlatform::metaAlloc(size_t size)
{
	mightSleep("um_plat_meta_alloc");
	std::lock_guard<std::mutex> g(mutex_);

	if (fail_meta_alloc.shouldFail())
		return nullptr;
	void *ptr = std::calloc(1, size);

	meta_[ptr] = size;
	return ptr;
}

void SimPlatform::metaFree(void *ptr)
{
	if (!ptr)
		return;
	std::lock_guard<std::mutex> g(mutex_);

	if (!meta_.erase(ptr)) {
		errors_.push_back("um_plat_meta_free of unknown pointer");
		return;
	}
	std::free(ptr);
}

bool SimPlatform::allocLocked(int nid, unsigned order, unsigned flags,
			      uint64_t *first)
{
	uint64_t low = cfg_.low_zone_bytes >> 12;

	if (flags & UM_PLAT_ALLOC_LOWZONE)
		return low && allocator_.allocIn(nid, order, 0, low, first);
	if (!low)
		return allocator_.alloc(nid, order, first);
	return allocator_.allocIn(nid, order, low, ~uint64_t(0), first) ||
	       allocator_.allocIn(nid, order, 0, low, first);
}

um_dm_level SimPlatform::dmLevel(um_pfn_t pfn)
{
	std::lock_guard<std::mutex> g(mutex_);

	if (pfn >= dm_.pages())
		return UM_DM_LEVEL_NONE;
	switch (dm_.levelOf(pfn)) {
	case Level::Pte4K:
		return UM_DM_LEVEL_4K;
	case Level::Pmd2M:
		return UM_DM_LEVEL_2M;
	default:
		return UM_DM_LEVEL_1G;
	}
}

/* A block the page allocator handed out: it must have been free and clean. */
void SimPlatform::handOutLocked(uint64_t first, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		Page &p = pages_[first + i];

		if (p.allocated || p.tag || !dm_.present(first + i))
			errors_.push_back("page allocator handed out a bad " +
					  hexPfn(first + i));
		p.allocated = true;
	}
	totals_.block_allocs++;
	totals_.pages_allocated += n;
}

int SimPlatform::blockAlloc(int nid, unsigned order, unsigned flags,
			    um_pfn_t *pfn)
{
	mightSleep("um_plat_block_alloc");
	last_block_alloc_flags = flags;
	/* Direct reclaim may run shrinkers, i.e. call back into the cache. */
	if (on_reclaim) {
		int outside = mutexesHeldOutside();

		setMutexesHeldOutside(mutexesHeld());
		on_reclaim();
		setMutexesHeldOutside(outside);
	}

	std::lock_guard<std::mutex> g(mutex_);
	uint64_t first;

	if (order >= fail_order_at_least || fail_block_alloc.shouldFail() ||
	    !allocLocked(nid, order, flags, &first))
		return -UM_ENOMEM;
	handOutLocked(first, uint64_t(1) << order);
	*pfn = first;
	return 0;
}

int SimPlatform::blockAllocAt(int nid, unsigned order, um_pfn_t pfn)
{
	mightSleep("um_plat_block_alloc_at");

	std::lock_guard<std::mutex> g(mutex_);
	uint64_t n = uint64_t(1) << order, low = cfg_.low_zone_bytes >> 12;

	if (order < UM_PMD_ORDER || (pfn & (n - 1)) || pfn + n > dm_.pages() ||
	    (low && pfn < low && pfn + n > low))
		return -UM_EBUSY;
	if (fail_block_alloc_at.shouldFail())
		return -UM_ENOMEM;
	if (!allocator_.takeAt(nid, pfn, order))
		return -UM_EBUSY;
	handOutLocked(pfn, n);
	return 0;
}

void SimPlatform::pagesFree(um_pfn_t pfn, um_u64 nr)
{
	std::lock_guard<std::mutex> g(mutex_);

	if (!ownedLocked(pfn, nr, "um_plat_pages_free"))
		return;
	for (uint64_t i = 0; i < nr; i++) {
		Page &p = pages_[pfn + i];

		if (!dm_.present(pfn + i))
			errors_.push_back("um_plat_pages_free: " +
					  hexPfn(pfn + i) +
					  " is not in the direct map");
		if (p.tag)
			errors_.push_back("um_plat_pages_free: " +
					  hexPfn(pfn + i) +
					  " still holds a secret");
		p.allocated = false;
	}
	allocator_.free(pfn, nr);
	totals_.pages_freed += nr;
}

int SimPlatform::changeLocked(uint64_t pfn, uint64_t nr, uint8_t set,
			      uint8_t clr, um_dm_cost *cost)
{
	DmSplits splits = dm_.change(pfn, nr, set, clr, hooksLocked());

	cost->calls++;
	cost->splits_l2 += splits.l2;
	cost->splits_l3 += splits.l3;
	totals_.dm_calls++;
	return 0;
}

int SimPlatform::dmSetRange(um_pfn_t pfn, um_u64 nr, int present,
			    um_dm_cost *cost)
{
	mightSleep("um_plat_dm_set_range");
	if (present && on_restore)
		on_restore();
	std::lock_guard<std::mutex> g(mutex_);

	if (!ownedLocked(pfn, nr, "um_plat_dm_set_range"))
		return -UM_EIO;
	if (present) {
		if (fail_restore_range.shouldFail())
			return -UM_EIO;
		/* change_page_attr_set_clr(P|RW|G): boot attributes back. */
		changeLocked(pfn, nr, kAttrBoot, 0, cost);
	} else {
		/*
		 * set_memory_np(). An injected failure strikes halfway, as a
		 * CPA failure to allocate a split page table would: the
		 * first half has changed, the caller must restore.
		 */
		if (fail_remove_range.shouldFail()) {
			changeLocked(pfn, nr / 2, 0, kAttrPresent, cost);
			return -UM_ENOMEM;
		}
		changeLocked(pfn, nr, 0, kAttrPresent, cost);
	}
	/* cpa_flush(): these pages, on every CPU. */
	flushLocked(pfn, nr);
	cost->flushes++;
	totals_.flushes++;
	return 0;
}

int SimPlatform::dmSetPage(um_pfn_t pfn, int present, um_dm_cost *cost)
{
	mightSleep("um_plat_dm_set_page");
	if (present && on_restore)
		on_restore();
	std::lock_guard<std::mutex> g(mutex_);

	if (!ownedLocked(pfn, 1, "um_plat_dm_set_page"))
		return -UM_EIO;
	if (present ? fail_restore_page.shouldFail()
		    : fail_remove_page.shouldFail())
		return -UM_ENOMEM;
	/* set_direct_map_{default,invalid}_noflush(): P|RW, never G. */
	if (present)
		return changeLocked(pfn, 1, kAttrPresent | kAttrRw, 0, cost);
	return changeLocked(pfn, 1, 0, kAttrPresent | kAttrRw, cost);
}

int SimPlatform::dmRemoveNoflush(um_pfn_t pfn, um_u64 nr, um_dm_cost *cost)
{
	mightSleep("um_plat_dm_remove_noflush");
	std::lock_guard<std::mutex> g(mutex_);

	if (!cfg_.dm_defer_flush || !ownedLocked(pfn, nr, "um_plat_dm_remove_noflush"))
		return -UM_EIO;
	/* set_direct_map_valid_noflush(false): P and RW; the same failures. */
	if (fail_remove_range.shouldFail()) {
		changeLocked(pfn, nr / 2, 0, kAttrPresent | kAttrRw, cost);
		return -UM_ENOMEM;
	}
	return changeLocked(pfn, nr, 0, kAttrPresent | kAttrRw, cost);
}

void SimPlatform::tlbFlush(um_pfn_t pfn, um_u64 nr, um_dm_cost *cost)
{
	mightSleep("um_plat_tlb_flush");
	std::lock_guard<std::mutex> g(mutex_);

	flushLocked(pfn, nr);
	cost->flushes++;
	totals_.flushes++;
}

int SimPlatform::scrub(um_pfn_t pfn, um_u64 nr, unsigned flags)
{
	if (flags & UM_SCRUB_MAY_SLEEP)
		mightSleep("um_plat_scrub(UM_SCRUB_MAY_SLEEP)");
	if (on_scrub)
		on_scrub(pfn, nr);
	std::lock_guard<std::mutex> g(mutex_);

	if (!(flags & UM_SCRUB_MAY_SLEEP))
		totals_.pages_scrubbed_atomic += nr;

	if (!ownedLocked(pfn, nr, "um_plat_scrub"))
		return -UM_EIO;
	for (uint64_t i = 0; i < nr; i++) {
		if (dm_.present(pfn + i))
			totals_.pages_scrubbed_mapped++;
		else if (staleLocked(pfn + i))
			errors_.push_back("um_plat_scrub: " + hexPfn(pfn + i) +
					  " still in a CPU's TLB (missing "
					  "flush)");
	}
	if (fail_scrub.shouldFail()) {
		/* Partly zeroed: the first page only. Still secret. */
		pages_[pfn].tag = 0;
		return -UM_EIO;
	}
	for (uint64_t i = 0; i < nr; i++)
		pages_[pfn + i].tag = 0;
	totals_.pages_scrubbed += nr;
	return 0;
}

void SimPlatform::event(const um_event *ev)
{
	if (spinlocksHeld() || mutexesHeld() > mutexesHeldOutside())
		addError("um_plat_event called with a core lock held");
	if (ev->type == UM_EV_ALLOC) {
		std::lock_guard<std::mutex> g(mutex_);
		uint64_t nr = uint64_t(1) << ev->order;

		for (uint64_t i = 0; i < nr; i++) {
			if (dm_.present(ev->pfn + i) || staleLocked(ev->pfn + i))
				errors_.push_back("handed out " +
						  hexPfn(ev->pfn + i) +
						  " reachable through the "
						  "direct map");
		}
	}
	{
		std::lock_guard<std::mutex> g(mutex_);

		totals_.events[ev->type]++;
	}
	if (on_event)
		on_event(*ev);
}

void SimPlatform::requestTrim()
{
	trim_requested_ = true;
	std::lock_guard<std::mutex> g(mutex_);

	totals_.trim_requests++;
}

void SimPlatform::requestScrub()
{
	scrub_requested_ = true;
	std::lock_guard<std::mutex> g(mutex_);

	totals_.scrub_requests++;
}

} /* namespace sim */
