// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * stats_source.hpp - where unmappedctl reads the module's statistics.
 *
 * Today the module publishes them in debugfs (/sys/kernel/debug/unmapped/
 * stats: "name value..." lines; pagetypeinfo: free blocks per node and
 * order, as text). Commands only see this interface, so another source
 * (netlink) can replace debugfs without touching them.
 */
#ifndef UNMAPPEDCTL_STATS_SOURCE_HPP
#define UNMAPPEDCTL_STATS_SOURCE_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
};

/* "name value..." lines, as debugfs has them; blank lines are skipped. */
std::vector<Stat> parse_stat_lines(std::string_view text);

/* The debugfs source; @dir defaults to /sys/kernel/debug/unmapped. */
std::unique_ptr<StatsSource> make_debugfs_source(std::string dir = {});

} // namespace unmappedctl

#endif // UNMAPPEDCTL_STATS_SOURCE_HPP
