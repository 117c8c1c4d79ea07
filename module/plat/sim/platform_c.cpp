// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_c.cpp - the extern "C" um_plat_* functions for the simulator,
 * and its locks: std::mutex underneath, with a per-thread count of core
 * spinlocks and mutexes held so that SimPlatform can catch a [sleeps]
 * call or an event under a lock.
 */
#include "sim_platform.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace sim {

namespace {

thread_local int tl_spinlocks_held;
thread_local int tl_mutexes_held;
thread_local int tl_mutexes_outside;

[[noreturn]] void deadlock(const char *what)
{
	std::fprintf(stderr, "unmapped sim: %s: self-deadlock\n", what);
	std::abort();
}

} /* namespace */

int spinlocksHeld()
{
	return tl_spinlocks_held;
}

int mutexesHeld()
{
	return tl_mutexes_held;
}

int mutexesHeldOutside()
{
	return tl_mutexes_outside;
}

void setMutexesHeldOutside(int n)
{
	tl_mutexes_outside = n;
}

} /* namespace sim */

struct um_lock {
	sim::SimPlatform *sim;
	std::mutex m;
	std::atomic<std::thread::id> owner;
};

struct um_mutex {
	sim::SimPlatform *sim;
	std::mutex m;
	std::condition_variable cv;
	bool locked = false;
	std::thread::id owner;
};

static sim::SimPlatform &S(um_platform *p)
{
	return *p->sim;
}

extern "C" {

void *um_plat_meta_alloc(struct um_platform *p, size_t size, int)
{
	return S(p).metaAlloc(size);
}

void um_plat_meta_free(struct um_platform *p, void *ptr)
{
	S(p).metaFree(ptr);
}

void um_plat_meta_free_deferred(struct um_platform *p, void *ptr)
{
	S(p).metaFreeDeferred(ptr);
}

void um_plat_read_lock(struct um_platform *p)
{
	S(p).readLock();
}

void um_plat_read_unlock(struct um_platform *p)
{
	S(p).readUnlock();
}

int um_plat_block_alloc(struct um_platform *p, int nid, unsigned int order,
			unsigned int flags, um_pfn_t *pfn)
{
	return S(p).blockAlloc(nid, order, flags, pfn);
}

int um_plat_block_alloc_at(struct um_platform *p, int nid, unsigned int order,
			   um_pfn_t pfn)
{
	return S(p).blockAllocAt(nid, order, pfn);
}

enum um_dm_level um_plat_dm_level(struct um_platform *p, um_pfn_t pfn)
{
	return S(p).dmLevel(pfn);
}

void um_plat_pages_free(struct um_platform *p, um_pfn_t pfn, um_u64 nr)
{
	S(p).pagesFree(pfn, nr);
}

int um_plat_dm_set_range(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			 int present, struct um_dm_cost *cost)
{
	return S(p).dmSetRange(pfn, nr, present, cost);
}

int um_plat_dm_set_page(struct um_platform *p, um_pfn_t pfn, int present,
			struct um_dm_cost *cost)
{
	return S(p).dmSetPage(pfn, present, cost);
}

bool um_plat_dm_can_defer_flush(struct um_platform *p)
{
	return S(p).dmCanDeferFlush();
}

int um_plat_dm_remove_noflush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			      struct um_dm_cost *cost)
{
	return S(p).dmRemoveNoflush(pfn, nr, cost);
}

void um_plat_tlb_flush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		       struct um_dm_cost *cost)
{
	S(p).tlbFlush(pfn, nr, cost);
}

int um_plat_scrub(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		  unsigned int flags)
{
	return S(p).scrub(pfn, nr, flags);
}

struct um_lock *um_plat_lock_create(struct um_platform *p, int, enum um_lock_kind)
{
	S(p).mightSleep("um_plat_lock_create");
	S(p).noteLockCreated(1);
	return new um_lock{ p->sim, {}, {} };
}

void um_plat_lock_destroy(struct um_platform *p, struct um_lock *l)
{
	if (l->owner.load() != std::thread::id())
		S(p).addError("um_plat_lock_destroy of a held lock");
	S(p).noteLockCreated(-1);
	delete l;
}

unsigned long um_plat_lock(struct um_lock *l)
{
	if (l->owner.load() == std::this_thread::get_id())
		sim::deadlock("um_plat_lock");
	l->m.lock();
	l->owner = std::this_thread::get_id();
	sim::tl_spinlocks_held++;
	l->sim->noteLockTaken();
	return 0;
}

void um_plat_unlock(struct um_lock *l, unsigned long)
{
	sim::tl_spinlocks_held--;
	l->owner = std::thread::id();
	l->m.unlock();
}

struct um_mutex *um_plat_mutex_create(struct um_platform *p, int)
{
	S(p).mightSleep("um_plat_mutex_create");
	S(p).noteMutexCreated(1);
	auto *m = new um_mutex;

	m->sim = p->sim;
	return m;
}

void um_plat_mutex_destroy(struct um_platform *p, struct um_mutex *m)
{
	if (m->locked)
		S(p).addError("um_plat_mutex_destroy of a held mutex");
	S(p).noteMutexCreated(-1);
	delete m;
}

void um_plat_mutex_lock(struct um_mutex *m)
{
	m->sim->mightSleep("um_plat_mutex_lock");
	std::unique_lock<std::mutex> g(m->m);

	if (m->locked && m->owner == std::this_thread::get_id())
		sim::deadlock("um_plat_mutex_lock");
	m->cv.wait(g, [m] { return !m->locked; });
	m->locked = true;
	m->owner = std::this_thread::get_id();
	sim::tl_mutexes_held++;
}

int um_plat_mutex_trylock(struct um_mutex *m)
{
	std::lock_guard<std::mutex> g(m->m);

	if (m->locked)
		return 0;
	m->locked = true;
	m->owner = std::this_thread::get_id();
	sim::tl_mutexes_held++;
	return 1;
}

void um_plat_mutex_unlock(struct um_mutex *m)
{
	{
		std::lock_guard<std::mutex> g(m->m);

		m->locked = false;
		m->owner = std::thread::id();
		sim::tl_mutexes_held--;
	}
	m->cv.notify_one();
}

int um_plat_nr_nodes(struct um_platform *p)
{
	return S(p).nrNodes();
}

int um_plat_node_has_memory(struct um_platform *p, int nid)
{
	return S(p).nodeHasMemory(nid);
}

int um_plat_current_node(struct um_platform *p)
{
	return S(p).currentNode();
}

void um_plat_node_span(struct um_platform *p, int nid, um_pfn_t *start,
		       um_pfn_t *end)
{
	S(p).nodeSpan(nid, start, end);
}

int um_plat_nr_cpus(struct um_platform *p)
{
	return S(p).nrCpus();
}

int um_plat_flush_targets(struct um_platform *p)
{
	return S(p).nrCpus() - 1;
}

int um_plat_cpu_hint(struct um_platform *p)
{
	return S(p).cpuHint();
}

int um_plat_pfn_node(struct um_platform *p, um_pfn_t pfn)
{
	return S(p).pfnNode(pfn);
}

um_u64 um_plat_now_ns(struct um_platform *)
{
	return um_u64(std::chrono::duration_cast<std::chrono::nanoseconds>(
		std::chrono::steady_clock::now().time_since_epoch()).count());
}

void um_plat_cond_resched(struct um_platform *p)
{
	S(p).mightSleep("um_plat_cond_resched");
}

void um_plat_request_trim(struct um_platform *p)
{
	S(p).requestTrim();
}

void um_plat_request_scrub(struct um_platform *p)
{
	S(p).requestScrub();
}

void um_plat_event(struct um_platform *p, const struct um_event *ev)
{
	S(p).event(ev);
}

/* The tests see every event. */
bool um_plat_event_wanted(struct um_platform *, enum um_event_type)
{
	return true;
}

void um_plat_bug(struct um_platform *p, const char *what, const char *file,
		 int line)
{
	S(p).addError(std::string("um_plat_bug: ") + what + " at " + file +
		      ":" + std::to_string(line));
}

} /* extern "C" */
