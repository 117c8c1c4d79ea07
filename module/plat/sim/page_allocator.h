// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_allocator.h - a buddy page allocator over simulated physical memory,
 * one zone per node, orders 0..10 like 6.1's. Lowest address first, so
 * runs are reproducible. Not thread-safe: SimPlatform serialises access.
 */
#ifndef UNMAPPED_SIM_PAGE_ALLOCATOR_H
#define UNMAPPED_SIM_PAGE_ALLOCATOR_H

#include <cstdint>
#include <set>
#include <vector>

namespace sim {

constexpr unsigned kAllocatorOrders = 11;

class PageAllocator {
public:
	/* Node n owns pages [bounds[n], bounds[n+1]); @reserved pages at the
	 * start of memory are never handed out (kernel image, boot data). */
	PageAllocator(const std::vector<uint64_t> &bounds, uint64_t reserved);

	/* Return: true and *pfn, aligned to 2^order, or false. */
	bool alloc(int nid, unsigned order, uint64_t *pfn);
	/* The same, from pages [lo, hi) of the node only (a zone). */
	bool allocIn(int nid, unsigned order, uint64_t lo, uint64_t hi,
		     uint64_t *pfn);
	/*
	 * Take [@pfn, @pfn + 2^@order) (aligned) if it is all free, out of
	 * the free chunk holding it; the rest of that chunk stays free.
	 */
	bool takeAt(int nid, uint64_t pfn, unsigned order);
	/* Give back any run of pages (the caller checks they were allocated). */
	void free(uint64_t pfn, uint64_t nr);

	uint64_t freePages(int nid) const;
	int nodeOf(uint64_t pfn) const;
	/* Node @nid's pages: [*start, *end). */
	void span(int nid, uint64_t *start, uint64_t *end) const
	{
		*start = bounds_[nid];
		*end = bounds_[nid + 1];
	}
	int nodes() const { return int(bounds_.size()) - 1; }

private:
	void freeChunk(uint64_t pfn, unsigned order);

	std::vector<uint64_t> bounds_;
	std::vector<std::set<uint64_t>> free_;	/* [nid * orders + order] */
};

} /* namespace sim */

#endif /* UNMAPPED_SIM_PAGE_ALLOCATOR_H */
