// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/stats.hpp - the module's counters, read over generic netlink.
 *
 *   unmapped::Stats stats;                         // connects
 *   unmapped::Counters all = stats.totals();       // every node together
 *   std::uint64_t in_use = all.get("pages_in_use").value_or(0);
 *   for (const unmapped::Counters &n : stats.nodes())
 *           std::vector<std::uint64_t> free = n.per_order("free_blocks_order");
 *
 * The counters are the ones /sys/kernel/debug/unmapped/stats shows, with
 * the same names (see doc/observing.md's table); a module newer than this
 * library may send counters it does not know: they are in Counters::items
 * all the same. Reading needs no privilege and never waits for the
 * allocator. Every call either does what it says or throws unmapped::Error
 * (ENOENT from the constructor: the module is not loaded, or too old to
 * have the netlink family).
 *
 * Thread safety: a Stats may be used from several threads at once (calls
 * are serialised on its socket).
 */
#ifndef UNMAPPED_STATS_HPP
#define UNMAPPED_STATS_HPP

#include <unmapped/version.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unmapped/error.hpp>
#include <unmapped/types.hpp>

namespace unmapped {

namespace detail {
class Genl;
}

/* One counter, or one element of a per-order array (order >= 0). */
struct Counter {
	std::string name;		/* "allocs", "free_blocks_order" */
	std::uint64_t value = 0;
	int order = -1;			/* -1: not per order */

	/* The name debugfs shows: "allocs", or "free_blocks_order_9". */
	UNMAPPED_API std::string key() const;
};

/* The counters of one node, or of all of them together (node == -1). */
struct Counters {
	int node = -1;
	std::uint32_t nr_nodes = 0;	/* totals only: nodes are 0 .. n - 1 */
	std::optional<Backend> backend;	/* totals only: for new blocks */
	std::vector<Counter> items;	/* in the module's order */

	/* Counter @name (element @order of a per-order one), if present. */
	UNMAPPED_API std::optional<std::uint64_t> get(std::string_view name,
						      int order = -1) const noexcept;
	/* A per-order array indexed by order; empty if there is none. */
	UNMAPPED_API std::vector<std::uint64_t> per_order(std::string_view name) const;
};

class UNMAPPED_API Stats {
public:
	/* Connect to the module's generic netlink family "unmapped". */
	Stats();
	Stats(Stats &&) noexcept;
	Stats &operator=(Stats &&) noexcept;
	Stats(const Stats &) = delete;
	Stats &operator=(const Stats &) = delete;
	~Stats();

	/* Every node together, with the module's own counters and backend. */
	Counters totals() const;
	/* One node (ENODEV: no such node). */
	Counters node(int nid) const;
	/* One entry per node, by node id. */
	std::vector<Counters> nodes() const;
	/*
	 * The order of the blocks the cache takes from the page allocator
	 * (9: 2 MiB with 4 KiB pages), or 0 from a module before 0.4.
	 */
	unsigned block_order() const;

private:
	std::unique_ptr<detail::Genl> genl_;
};

} // namespace unmapped

#endif // UNMAPPED_STATS_HPP
