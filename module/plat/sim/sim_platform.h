// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim_platform.h - the um_plat_* side of the core (plat_api.h) over simulated
 * hardware, strict enough to fail a test for every rule the kernel would
 * punish later:
 *
 *   - direct map: DirectMapModel (1G/2M/4K, splits, GLOBAL);
 *   - TLB: per CPU, a page that went non-present stays translatable on
 *     every CPU (conservatively: any CPU may have cached any present page)
 *     until a flush covers it; handing such a page out (UM_EV_ALLOC) or
 *     scrubbing it is an error;
 *   - page contents: a tag per page, 0 = zero; the test writes secrets,
 *     scrub zeroes, um_plat_pages_free() insists on present and zero;
 *   - page allocator: PageAllocator with injectable failures;
 *   - context: a per-thread count of core spinlocks held; a [sleeps] call
 *     or an event with a core lock held is an error; a recursive lock
 *     aborts (it would deadlock);
 *   - bookkeeping: metadata, locks and mutexes must all be freed.
 *
 * Errors are collected (errors()); tests assert there are none.
 * Thread-safe: one internal mutex serialises the simulated hardware; hooks
 * are called without it.
 */
#ifndef UNMAPPED_SIM_SIM_PLATFORM_H
#define UNMAPPED_SIM_SIM_PLATFORM_H

#include "plat_api.h"
#include "dm_model.h"
#include "page_allocator.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace sim {

struct SimConfig {
	uint64_t mem_bytes = uint64_t(4) << 30;	/* whole GiB */
	int nr_nodes = 1;			/* equal contiguous parts */
	int nr_cpus = 2;			/* at most 8 */
	uint64_t reserved_bytes = uint64_t(16) << 20; /* never allocated */
	uint64_t small_bytes = uint64_t(2) << 20;    /* boot: 4K mapped */
	uint64_t pmd_bytes = uint64_t(1) << 30;      /* boot: 2M below, 1G above */
	std::vector<int> memoryless_nodes;
	/*
	 * Zones, as x86-64 ZONE_DMA32 / ZONE_NORMAL: 0 = one zone (a
	 * UM_PLAT_ALLOC_LOWZONE allocation fails, as on a node without
	 * DMA32). Else pages below it are the low zone: plain allocations take
	 * the zone above first, as the kernel's zonelist does, and
	 * UM_PLAT_ALLOC_LOWZONE ones only the low zone.
	 */
	uint64_t low_zone_bytes = 0;
	std::vector<uint64_t> pmd_gib;	/* DmLayout::pmd_gib */
	/*
	 * um_plat_dm_can_defer_flush(): false as on 6.1 and 6.12 (one block
	 * per refill), true as on 6.13+ (set_direct_map_valid_noflush).
	 */
	bool dm_defer_flush = false;
};

/*
 * FaultSwitch - makes one platform operation fail: every time (always) or
 * once, on the nth call from when it was armed (failNth(1): the next).
 */
class FaultSwitch {
public:
	void failAlways(bool on = true) { always_ = on; }
	void failNth(uint64_t n) { countdown_ = n; }
	void reset() { always_ = false; countdown_ = 0; }
	bool shouldFail();

private:
	bool always_ = false;
	uint64_t countdown_ = 0;
};

/* Everything the simulated hardware saw, for tables and assertions. */
struct SimTotals {
	uint64_t dm_calls = 0;		/* set_range + set_page calls */
	uint64_t flushes = 0;		/* range flushes + tlb_flush calls */
	uint64_t split_flushes = 0;	/* flush_tlb_all done by splits */
	uint64_t block_allocs = 0;
	uint64_t pages_allocated = 0;
	uint64_t pages_freed = 0;
	uint64_t pages_scrubbed = 0;
	uint64_t pages_scrubbed_mapped = 0;	/* while in the direct map */
	uint64_t pages_scrubbed_atomic = 0;	/* without UM_SCRUB_MAY_SLEEP */
	uint64_t trim_requests = 0;
	uint64_t scrub_requests = 0;
	std::array<uint64_t, UM_EV_NR> events{};
};

class SimPlatform {
public:
	explicit SimPlatform(const SimConfig &cfg = SimConfig());
	~SimPlatform();
	SimPlatform(const SimPlatform &) = delete;
	SimPlatform &operator=(const SimPlatform &) = delete;

	um_platform *plat() { return handle_.get(); }
	const SimConfig &config() const { return cfg_; }

	/* --- faults (set before the operation; not thread-safe) --- */
	FaultSwitch fail_block_alloc, fail_block_alloc_at, fail_meta_alloc,
		fail_remove_range,
		fail_restore_range, fail_remove_page, fail_restore_page,
		fail_scrub;
	/* um_plat_block_alloc() fails for every order >= this. */
	unsigned fail_order_at_least = 64;
	/* The UM_ALLOC_* flags of the last um_plat_block_alloc() call. */
	std::atomic<unsigned> last_block_alloc_flags{ 0 };

	/* --- hooks, called without the sim's mutex --- */
	std::function<void()> on_reclaim;	/* inside block_alloc */
	/* Before a page or range goes back into the direct map. */
	std::function<void()> on_restore;
	std::function<void(const um_event &)> on_event;
	/* Before pages are zeroed (the chunk is out of the buddy then). */
	std::function<void(um_pfn_t pfn, um_u64 nr)> on_scrub;

	/* --- what a test does with pages it was handed --- */
	void writeSecret(uint64_t pfn, uint64_t nr);
	bool isZero(uint64_t pfn, uint64_t nr);
	/* Present, or stale in some CPU's TLB. */
	bool reachable(uint64_t pfn);
	bool allocated(uint64_t pfn);
	void setCurrentNode(int nid);	/* this thread's node */
	/* This thread's CPU (um_plat_cpu_hint), until set: one per thread. */
	void setCurrentCpu(int cpu);
	bool takeTrimRequest();		/* um_plat_request_trim() seen? */
	bool takeScrubRequest();	/* um_plat_request_scrub() seen? */

	/* --- inspection --- */
	SimTotals totals();
	uint64_t allocatorFreePages(int nid);
	uint64_t allocatedPages();
	/* Run @fn with the direct-map model, under the sim's mutex. */
	void withDm(const std::function<void(const DirectMapModel &)> &fn);
	std::vector<std::string> errors();
	void clearErrors();
	void addError(const std::string &what);
	size_t liveMetaAllocs();
	int liveLocks() const { return live_locks_; }
	/* um_plat_lock() calls so far: how often a core spinlock was taken. */
	uint64_t locksTaken() const { return locks_taken_; }
	int liveMutexes() const { return live_mutexes_; }

	/* --- the um_plat_* implementation (platform_c.cpp forwards) --- */
	void *metaAlloc(size_t size);
	void metaFree(void *ptr);
	int blockAlloc(int nid, unsigned order, unsigned flags, um_pfn_t *pfn);
	int blockAllocAt(int nid, unsigned order, um_pfn_t pfn);
	void pagesFree(um_pfn_t pfn, um_u64 nr);
	int dmSetRange(um_pfn_t pfn, um_u64 nr, int present, um_dm_cost *cost);
	int dmSetPage(um_pfn_t pfn, int present, um_dm_cost *cost);
	void tlbFlush(um_pfn_t pfn, um_u64 nr, um_dm_cost *cost);
	int dmRemoveNoflush(um_pfn_t pfn, um_u64 nr, um_dm_cost *cost);
	bool dmCanDeferFlush() const { return cfg_.dm_defer_flush; }
	int scrub(um_pfn_t pfn, um_u64 nr, unsigned flags);
	void event(const um_event *ev);
	void requestTrim();
	void requestScrub();
	int nrNodes() const { return cfg_.nr_nodes; }
	bool nodeHasMemory(int nid) const;
	int currentNode() const;
	int pfnNode(um_pfn_t pfn);
	void nodeSpan(int nid, um_pfn_t *start, um_pfn_t *end);
	int nrCpus() const { return cfg_.nr_cpus; }
	int cpuHint() const;
	/* RCU: readers share rcu_; a deferred free waits for them. */
	void readLock() { rcu_.lock_shared(); }
	void readUnlock() { rcu_.unlock_shared(); }
	void metaFreeDeferred(void *ptr);
	um_dm_level dmLevel(um_pfn_t pfn);
	void noteLockCreated(int delta) { live_locks_ += delta; }
	void noteLockTaken() { locks_taken_++; }
	void noteMutexCreated(int delta) { live_mutexes_ += delta; }
	/* [sleeps] check: an error if this thread holds a core spinlock. */
	void mightSleep(const char *what);

private:
	struct Page {
		uint32_t tag = 0;	/* contents: 0 = zero */
		uint32_t stale_epoch = 0;
		uint8_t stale_cpus = 0;	/* CPUs that may translate it */
		bool allocated = false;	/* by the page allocator */
	};

	bool allocLocked(int nid, unsigned order, unsigned flags,
			 uint64_t *first);
	void handOutLocked(uint64_t first, uint64_t n);
	bool staleLocked(uint64_t pfn) const;
	void flushLocked(uint64_t pfn, uint64_t nr);
	DmHooks hooksLocked();
	bool ownedLocked(uint64_t pfn, uint64_t nr, const char *what);
	int changeLocked(uint64_t pfn, uint64_t nr, uint8_t set, uint8_t clr,
			 um_dm_cost *cost);

	SimConfig cfg_;
	std::unique_ptr<um_platform> handle_;
	std::mutex mutex_;			/* the simulated hardware */
	std::shared_mutex rcu_;			/* um_plat_read_lock() */
	DirectMapModel dm_;
	PageAllocator allocator_;
	std::vector<Page> pages_;
	uint32_t flush_epoch_ = 1;		/* flush_tlb_all() count */
	uint32_t next_tag_ = 1;
	SimTotals totals_;
	std::map<void *, size_t> meta_;
	std::vector<std::string> errors_;
	std::atomic<int> live_locks_{ 0 };
	std::atomic<uint64_t> locks_taken_{ 0 };
	std::atomic<int> live_mutexes_{ 0 };
	std::atomic<bool> trim_requested_{ false };
	std::atomic<bool> scrub_requested_{ false };
};

/* Core locks held by the calling thread (platform_c.cpp keeps count). */
int spinlocksHeld();
int mutexesHeld();
/*
 * Mutexes held by outer frames of this thread when it entered simulated
 * reclaim: a shrinker called from a refill's page allocation runs under
 * the refill's mutex, and that is not the shrinker's lock.
 */
int mutexesHeldOutside();
void setMutexesHeldOutside(int n);

} /* namespace sim */

/* The opaque platform handle of plat_api.h, for this simulator. */
struct um_platform {
	sim::SimPlatform *sim;
};

#endif /* UNMAPPED_SIM_SIM_PLATFORM_H */
