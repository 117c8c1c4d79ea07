// SPDX-License-Identifier: GPL-2.0-only
/*
 * strategy.cpp - replaying a workload with and without the cache.
 */
#include "strategy.h"

#include <algorithm>
#include <chrono>

namespace sim {

namespace {

class Strategy {
public:
	explicit Strategy(SimPlatform &s) : sim_(s) {}
	virtual ~Strategy() = default;
	virtual bool alloc(unsigned order, um_pfn_t *pfn) = 0;
	virtual void free(um_pfn_t pfn, unsigned order) = 0;
	virtual void shrink() = 0;
	virtual void drain() = 0;
	/* Pages out of the direct map now (cached or handed out). */
	virtual uint64_t unmappedPages() = 0;
	virtual bool finish(RunResult *out) = 0;

protected:
	SimPlatform &sim_;
};

class NoCache : public Strategy {
public:
	using Strategy::Strategy;

	bool alloc(unsigned order, um_pfn_t *pfn) override
	{
		um_platform *p = sim_.plat();
		uint64_t n = uint64_t(1) << order;

		if (um_plat_block_alloc(p, 0, order, 0, pfn))
			return false;
		for (uint64_t i = 0; i < n; i++) {
			if (um_plat_dm_set_page(p, *pfn + i, 0, &cost_))
				sim_.addError("nocache: unmap failed");
			um_plat_tlb_flush(p, *pfn + i, 1, &cost_);
		}
		unmapped_ += n;
		return true;
	}

	void free(um_pfn_t pfn, unsigned order) override
	{
		um_platform *p = sim_.plat();
		uint64_t n = uint64_t(1) << order;

		if (um_plat_scrub(p, pfn, n, UM_SCRUB_MAY_SLEEP))
			sim_.addError("nocache: scrub failed");
		for (uint64_t i = 0; i < n; i++)
			if (um_plat_dm_set_page(p, pfn + i, 1, &cost_))
				sim_.addError("nocache: restore failed");
		um_plat_pages_free(p, pfn, n);
		unmapped_ -= n;
	}

	void shrink() override {}
	void drain() override {}
	uint64_t unmappedPages() override { return unmapped_; }
	bool finish(RunResult *) override { return unmapped_ == 0; }

private:
	um_dm_cost cost_ = {};
	uint64_t unmapped_ = 0;
};

class Cached : public Strategy {
public:
	Cached(SimPlatform &s, um_backend backend) : Strategy(s)
	{
		um_config cfg = {};

		cfg.backend = backend;
		cfg.max_free_pages = 128 * 256;		/* 128 MiB */
		if (um_cache_create(sim_.plat(), &cfg, &cache_))
			sim_.addError("um_cache_create failed");
		sim_.on_event = [this](const um_event &ev) {
			if (ev.type == UM_EV_REFILL)
				max_refill_flushes_ = std::max(
					max_refill_flushes_, ev.cost.flushes);
		};
	}

	~Cached() override { sim_.on_event = nullptr; }

	bool alloc(unsigned order, um_pfn_t *pfn) override
	{
		return cache_ && !um_cache_alloc(cache_, 0, order, 0, pfn);
	}

	void free(um_pfn_t pfn, unsigned order) override
	{
		if (um_cache_free(cache_, pfn, order))
			sim_.addError("um_cache_free failed");
		/* The platform's deferred work, as the kernel shim runs it. */
		if (sim_.takeTrimRequest())
			um_cache_trim(cache_);
		if (sim_.takeScrubRequest())
			um_cache_scrub(cache_);
	}

	void shrink() override
	{
		/* What a kernel shrinker pass does: scan half the count. */
		um_cache_shrink(cache_, UM_NUMA_NO_NODE,
				um_cache_shrink_count(cache_, UM_NUMA_NO_NODE) / 2,
				UM_SHRINK_NOWAIT);
	}

	void drain() override { um_cache_drain(cache_); }

	uint64_t unmappedPages() override
	{
		um_stats s;

		um_cache_stats(cache_, UM_NUMA_NO_NODE, &s);
		return s.v[UM_STAT_pages_cached];
	}

	bool finish(RunResult *out) override
	{
		um_stats s;

		if (!cache_)
			return false;
		um_cache_stats(cache_, UM_NUMA_NO_NODE, &s);
		out->refills = s.v[UM_STAT_refills];
		out->releases = s.v[UM_STAT_releases];
		out->max_flushes_per_refill = max_refill_flushes_;
		return um_cache_destroy(cache_) == 0;
	}

private:
	um_cache *cache_ = nullptr;
	uint64_t max_refill_flushes_ = 0;
};

std::unique_ptr<Strategy> makeStrategy(const std::string &name,
				       SimPlatform &s)
{
	if (name == "nocache")
		return std::make_unique<NoCache>(s);
	if (name == "page")
		return std::make_unique<Cached>(s, UM_BACKEND_PAGE);
	if (name == "range")
		return std::make_unique<Cached>(s, UM_BACKEND_RANGE);
	return nullptr;
}

} /* namespace */

std::vector<std::string> strategyNames()
{
	return { "nocache", "page", "range" };
}

bool replay(const Workload &w, const std::string &strategy, RunResult *out)
{
	SimPlatform sim;	/* 4 GiB, laid out like the test VM */
	std::unique_ptr<Strategy> st = makeStrategy(strategy, sim);

	if (!st)
		return false;

	std::vector<um_pfn_t> pfn_of(w.allocations, ~um_pfn_t(0));
	auto start = std::chrono::steady_clock::now();

	*out = RunResult();
	out->workload = w.name;
	out->strategy = strategy;
	for (const Op &op : w.ops) {
		switch (op.kind) {
		case Op::Kind::Alloc:
			if (!st->alloc(op.order, &pfn_of[op.id])) {
				sim.addError("allocation failed");
				continue;
			}
			/* The owner writes: freed pages hold secrets. */
			sim.writeSecret(pfn_of[op.id], uint64_t(1) << op.order);
			out->allocations++;
			out->pages_handed_out += uint64_t(1) << op.order;
			out->peak_unmapped_pages = std::max(
				out->peak_unmapped_pages, st->unmappedPages());
			break;
		case Op::Kind::Free:
			if (pfn_of[op.id] != ~um_pfn_t(0))
				st->free(pfn_of[op.id], op.order);
			break;
		case Op::Kind::Shrink:
			st->shrink();
			break;
		case Op::Kind::Drain:
			st->drain();
			break;
		}
	}
	if (!st->finish(out))
		sim.addError("strategy did not end with everything returned");
	st.reset();
	if (sim.allocatedPages())
		sim.addError("pages not back in the page allocator");

	SimTotals t = sim.totals();

	sim.withDm([&](const DirectMapModel &dm) {
		out->splits_l2 = dm.splits().l2;
		out->splits_l3 = dm.splits().l3;
	});
	out->flushes = t.flushes;
	out->split_flushes = t.split_flushes;
	out->dm_calls = t.dm_calls;
	out->wall_ms = std::chrono::duration<double, std::milli>(
		std::chrono::steady_clock::now() - start).count();
	out->errors = sim.errors();
	return true;
}

} /* namespace sim */
