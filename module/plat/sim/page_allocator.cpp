// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_allocator.cpp - simulated buddy page allocator.
 */
#include "page_allocator.h"

#include <algorithm>

namespace sim {

PageAllocator::PageAllocator(const std::vector<uint64_t> &bounds,
			     uint64_t reserved)
	: bounds_(bounds), free_((bounds.size() - 1) * kAllocatorOrders)
{
	for (int nid = 0; nid < nodes(); nid++) {
		uint64_t first = std::max(bounds_[nid], reserved);

		if (first < bounds_[nid + 1])
			free(first, bounds_[nid + 1] - first);
	}
}

int PageAllocator::nodeOf(uint64_t pfn) const
{
	for (int nid = 0; nid < nodes(); nid++)
		if (pfn >= bounds_[nid] && pfn < bounds_[nid + 1])
			return nid;
	return -1;
}

bool PageAllocator::alloc(int nid, unsigned order, uint64_t *pfn)
{
	return allocIn(nid, order, 0, ~uint64_t(0), pfn);
}

bool PageAllocator::allocIn(int nid, unsigned order, uint64_t lo, uint64_t hi,
			    uint64_t *pfn)
{
	if (nid < 0 || nid >= nodes() || order >= kAllocatorOrders)
		return false;
	for (unsigned k = order; k < kAllocatorOrders; k++) {
		std::set<uint64_t> &list = free_[nid * kAllocatorOrders + k];
		auto it = list.lower_bound(lo);

		if (it == list.end() || *it + (uint64_t(1) << k) > hi)
			continue;
		uint64_t first = *it;

		list.erase(it);
		/* Give back the upper halves down to the wanted order. */
		for (unsigned j = k; j-- > order;)
			free_[nid * kAllocatorOrders + j].insert(
				first + (uint64_t(1) << j));
		*pfn = first;
		return true;
	}
	return false;
}

bool PageAllocator::takeAt(int nid, uint64_t pfn, unsigned order)
{
	if (nid < 0 || nid >= nodes() || order >= kAllocatorOrders ||
	    (pfn & ((uint64_t(1) << order) - 1)))
		return false;
	for (unsigned k = order; k < kAllocatorOrders; k++) {
		uint64_t size = uint64_t(1) << k, head = pfn & ~(size - 1);

		if (!free_[nid * kAllocatorOrders + k].erase(head))
			continue;
		/* The chunk's parts before and after the block stay free. */
		free(head, pfn - head);
		free(pfn + (uint64_t(1) << order),
		     head + size - pfn - (uint64_t(1) << order));
		return true;
	}
	return false;
}

void PageAllocator::freeChunk(uint64_t pfn, unsigned order)
{
	int nid = nodeOf(pfn);

	while (order + 1 < kAllocatorOrders) {
		uint64_t buddy = pfn ^ (uint64_t(1) << order);
		std::set<uint64_t> &list = free_[nid * kAllocatorOrders + order];

		if (nodeOf(buddy) != nid || !list.erase(buddy))
			break;
		pfn = std::min(pfn, buddy);
		order++;
	}
	free_[nid * kAllocatorOrders + order].insert(pfn);
}

void PageAllocator::free(uint64_t pfn, uint64_t nr)
{
	/* Largest aligned chunks that fit, as __free_pages_core() does. */
	while (nr) {
		unsigned order = 0;

		while (order + 1 < kAllocatorOrders &&
		       !(pfn & ((uint64_t(2) << order) - 1)) &&
		       (uint64_t(2) << order) <= nr)
			order++;
		freeChunk(pfn, order);
		pfn += uint64_t(1) << order;
		nr -= uint64_t(1) << order;
	}
}

uint64_t PageAllocator::freePages(int nid) const
{
	uint64_t total = 0;

	for (unsigned k = 0; k < kAllocatorOrders; k++)
		total += free_[nid * kAllocatorOrders + k].size() << k;
	return total;
}

} /* namespace sim */
