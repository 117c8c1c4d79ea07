// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/types.hpp - plain values libunmapped hands out.
 *
 * Glossary
 *   region  memory from one allocation: pages absent from the kernel's
 *           direct map, built from physically contiguous blocks.
 *   block   2^order contiguous pages (order 0 = one page).
 *   node    NUMA node; -1 means "the calling CPU's node".
 */
#ifndef UNMAPPED_TYPES_HPP
#define UNMAPPED_TYPES_HPP

#include <unmapped/version.hpp>

#include <cstdint>
#include <string_view>

namespace unmapped {

/* How the module takes new blocks out of the direct map. */
enum class Backend : std::uint32_t {
	range = 0,	/* a whole block with one page-attribute change */
	page = 1,	/* page by page (splits the direct map; for comparison) */
};

/* Name of a backend ("range", "page"), "unknown" otherwise. */
constexpr std::string_view to_string(Backend b) noexcept
{
	switch (b) {
	case Backend::range:
		return "range";
	case Backend::page:
		return "page";
	}
	return "unknown";
}

/* What the module offers (Device::info()). */
struct Info {
	std::uint32_t abi_version = 0;
	std::uint32_t page_size = 0;
	std::uint32_t max_order = 0;		/* largest block order */
	Backend backend = Backend::range;
	std::uint32_t nr_nodes = 0;		/* nodes are 0 .. nr_nodes - 1 */
	std::uint64_t max_file_bytes = 0;	/* per open device, 0 = no cap */
	std::uint64_t max_region_bytes = 0;	/* largest single allocation */
};

/*
 * Device::features() bits: what a module offers beyond the first ABI (the
 * UAPI's UNMAPPED_FEATURE_*).
 */
inline constexpr std::uint64_t feature_secret = 1ULL << 0;	/* SecretFile */

/* What one open device holds (Device::usage()), over all its processes. */
struct Usage {
	std::uint64_t regions = 0;		/* allocated, not freed */
	std::uint64_t bytes = 0;		/* their size */
	std::uint64_t pending_bytes = 0;	/* freed but still mapped */
};

/* Where a region's memory came from (Region::info()). */
struct RegionInfo {
	std::uint64_t id = 0;
	std::uint64_t length = 0;		/* bytes */
	std::uint64_t offset = 0;		/* mmap() offset on the device */
	std::uint32_t nr_blocks = 0;
	std::uint32_t max_block_order = 0;
	std::int32_t node = -1;			/* node of the first block */
	std::uint32_t mapped = 0;		/* mappings now */
	std::uint64_t min_pfn = 0;		/* page frames [min_pfn, end_pfn); */
	std::uint64_t end_pfn = 0;		/* both 0 without CAP_SYS_ADMIN */
};

/* Where to allocate. */
struct AllocOptions {
	int node = -1;			/* -1: the calling CPU's node */
	bool this_node = false;		/* fail rather than use another node */
};

} // namespace unmapped

#endif // UNMAPPED_TYPES_HPP
