// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * stats_source.hpp - where unmappedctl reads the module's statistics.
 *
 * The module publishes them over generic netlink (libunmapped's Stats:
 * counters with their names, free blocks per node and order) and, for
 * humans, in debugfs (/sys/kernel/debug/unmapped/stats: "name value..."
 * lines; pagetypeinfo: a table). Both sources give the same Stat list and
 * the same pagetypeinfo text; commands only see this interface. netlink
 * is the default; debugfs needs root, and has no JSON for pagetypeinfo.
 */
#ifndef UNMAPPEDCTL_STATS_SOURCE_HPP
#define UNMAPPEDCTL_STATS_SOURCE_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unmapped/stats.hpp>

#include "cli.hpp"

namespace unmappedctl {

/* One statistic: a name and one or more numbers, or text it could not read
 * as numbers (kept as is). */
struct Stat {
	std::string name;
	std::vector<std::uint64_t> values;
	std::string text;	/* set instead of values when not numeric */
};

class StatsSource {
public:
	virtual ~StatsSource() = default;
	/* All statistics, in the module's order. Throws unmapped::Error. */
	virtual std::vector<Stat> stats() = 0;
	/* The cache's free blocks per node and order, as the module prints it. */
	virtual std::string pagetypeinfo() = 0;
	/* The same as one JSON object (UsageError where the source has none). */
	virtual std::string pagetypeinfo_json() = 0;
};

/* "name value..." lines, as debugfs has them; blank lines are skipped. */
std::vector<Stat> parse_stat_lines(std::string_view text);

/* The debugfs source; @dir defaults to /sys/kernel/debug/unmapped. */
std::unique_ptr<StatsSource> make_debugfs_source(std::string dir = {});

/* The netlink source (throws unmapped::Error, ENOENT: no family). */
std::unique_ptr<StatsSource> make_netlink_source();

/*
 * The source of @kind; automatic is netlink (every module that shipped
 * has the family; without the module, its error says so).
 */
std::unique_ptr<StatsSource> make_stats_source(SourceKind kind);

/* Totals from netlink as debugfs lists them: NAME or NAME_ORDER, backend. */
std::vector<Stat> stats_from_counters(const unmapped::Counters &totals);

/*
 * The table debugfs "pagetypeinfo" prints, from per-node counters and the
 * module's block order (Stats::block_order()).
 */
std::string format_pagetypeinfo(const std::vector<unmapped::Counters> &nodes,
				unsigned block_order);
/*
 * The same as JSON: {"block_order": 9, "pages_per_block": 512, "nodes":
 * [{"node": 0, "free_blocks": [per order...], "pages_cached": N,
 * "pages_in_use": N, "pages_free": N}, ...]}.
 */
std::string format_pagetypeinfo_json(const std::vector<unmapped::Counters> &nodes,
				     unsigned block_order);

} // namespace unmappedctl

#endif // UNMAPPEDCTL_STATS_SOURCE_HPP
