// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload.cpp - the default workloads.
 */
#include "workload.h"

#include <algorithm>
#include <random>

namespace sim {

namespace {

constexpr uint64_t kPagesPerMiB = 256;

class Builder {
public:
	Builder(Workload *w, uint64_t seed) : w_(w), rng_(seed) {}

	void alloc(unsigned order)
	{
		uint32_t id = w_->allocations++;

		w_->ops.push_back({ Op::Kind::Alloc, id, order });
		live_.push_back(id);
		orders_.push_back(order);
		live_pages_ += uint64_t(1) << order;
	}

	/* Free a random live allocation (random lifetimes). */
	void freeRandom()
	{
		size_t k = rng_() % live_.size();
		uint32_t id = live_[k];

		live_[k] = live_.back();
		live_.pop_back();
		live_pages_ -= uint64_t(1) << orders_[id];
		w_->ops.push_back({ Op::Kind::Free, id, orders_[id] });
	}

	void freeAll()
	{
		std::shuffle(live_.begin(), live_.end(), rng_);
		while (!live_.empty())
			freeRandom();
	}

	/*
	 * Fill up to @live_pages with @pick()'s orders, then @ops steps that
	 * each free a random allocation or allocate, staying around the
	 * target; @shrink_every > 0 adds a shrinker pass that often.
	 */
	template <typename Pick>
	void churn(uint64_t live_pages, int ops, int shrink_every, Pick pick)
	{
		while (live_pages_ < live_pages)
			alloc(pick());
		for (int i = 1; i <= ops; i++) {
			if (shrink_every && i % shrink_every == 0)
				shrink();
			if (live_pages_ < live_pages)
				alloc(pick());
			else
				freeRandom();
		}
		freeAll();
	}

	void shrink() { w_->ops.push_back({ Op::Kind::Shrink, 0, 0 }); }
	void drain() { w_->ops.push_back({ Op::Kind::Drain, 0, 0 }); }
	bool empty() const { return live_.empty(); }
	uint64_t livePages() const { return live_pages_; }
	std::mt19937_64 &rng() { return rng_; }

private:
	Workload *w_;
	std::mt19937_64 rng_;
	std::vector<uint32_t> live_;
	std::vector<unsigned> orders_;
	uint64_t live_pages_ = 0;
};

/* Orders 0..9, each equally likely: most memory in large blocks. */
void mixed1g(Builder &b)
{
	while (b.livePages() < 1024 * kPagesPerMiB)
		b.alloc(unsigned(b.rng()() % 10));
	b.freeAll();
	b.drain();
}

/* secretmem-like: single pages with random lifetimes, 64 MiB live. */
void churn4k(Builder &b)
{
	b.churn(64 * kPagesPerMiB, 100000, 0, [] { return 0u; });
	b.drain();
}

/* Small orders likelier than large, 128 MiB live, shrinker passes. */
void mixedChurn(Builder &b)
{
	std::geometric_distribution<unsigned> geo(0.45);

	b.churn(128 * kPagesPerMiB, 40000, 4000,
		[&] { return std::min(geo(b.rng()), 9u); });
	b.drain();
}

/* Bursts of 32 MiB in pages, all freed and shrunk away each time. */
void bursts(Builder &b)
{
	for (int round = 0; round < 8; round++) {
		while (b.livePages() < 32 * kPagesPerMiB)
			b.alloc(unsigned(b.rng()() % 2));
		b.freeAll();
		b.shrink();
	}
	b.drain();
}

struct Entry {
	const char *name;
	const char *description;
	void (*build)(Builder &b);
};

const Entry kWorkloads[] = {
	{ "mixed-1g", "1 GiB of mixed order 0-9 allocations, then freed",
	  mixed1g },
	{ "churn-4k", "order-0 churn, 64 MiB live, random lifetimes",
	  churn4k },
	{ "mixed-churn", "orders 0-9 (small likelier), 128 MiB live, shrinks",
	  mixedChurn },
	{ "bursts", "8 x (32 MiB of order 0-1, free all, shrink)", bursts },
};

} /* namespace */

std::vector<std::string> workloadNames()
{
	std::vector<std::string> names;

	for (const Entry &e : kWorkloads)
		names.push_back(e.name);
	return names;
}

bool makeWorkload(const std::string &name, uint64_t seed, Workload *out)
{
	for (const Entry &e : kWorkloads) {
		if (name != e.name)
			continue;
		*out = Workload();
		out->name = e.name;
		out->description = e.description;

		Builder b(out, seed);

		e.build(b);
		return true;
	}
	return false;
}

} /* namespace sim */
