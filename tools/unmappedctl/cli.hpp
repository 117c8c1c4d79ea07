// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cli.hpp - unmappedctl's command-line parsing: option splitting and value
 * parsers. Everything here throws UsageError for bad input (exit status 2)
 * and nothing here touches the system, so it is unit-tested on the host.
 */
#ifndef UNMAPPEDCTL_CLI_HPP
#define UNMAPPEDCTL_CLI_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace unmappedctl {

/* The command line is wrong: print the message and exit with status 2. */
class UsageError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

/*
 * Sizes: decimal or 0x-hex, optionally followed by K, M, G, T or P (powers
 * of 1024), optionally followed by "iB" or "B": 4096, 0x1000, 64M, 2G,
 * 64MiB. At least 1, at most UINT64_MAX.
 */
std::uint64_t parse_size(std::string_view text);
/* Decimal or 0x-hex unsigned integer in [min, max]. */
std::uint64_t parse_uint(std::string_view text, std::uint64_t min,
			 std::uint64_t max, std::string_view what);
/* Decimal integer in [min, max] (may be negative). */
std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max,
		       std::string_view what);

/* One option a command accepts. */
struct OptionSpec {
	std::string_view name;	/* long name, without "--" */
	char short_name;	/* 0 if none */
	bool has_value;
};

/*
 * A command's arguments split into options and operands. Accepts
 * "--name VALUE", "--name=VALUE", "-n VALUE", "-nVALUE", "--" ends
 * options. Unknown options, missing values, values given to flags and
 * repeated options are usage errors.
 */
struct ParsedArgs {
	std::map<std::string, std::string, std::less<>> options;
	std::vector<std::string> operands;

	bool has(std::string_view name) const { return options.contains(name); }
	std::optional<std::string> get(std::string_view name) const;
};

ParsedArgs parse_args(std::span<const std::string_view> args,
		      std::span<const OptionSpec> specs);

/* "alloc" arguments. */
struct AllocArgs {
	bool help = false;
	std::optional<std::uint64_t> size;	/* --size */
	std::optional<unsigned> order;		/* --order */
	int node = -1;				/* --node */
	bool this_node = false;			/* --this-node */
	std::uint64_t hold_seconds = 0;		/* --hold */
	std::optional<std::uint8_t> fill;	/* --fill */
};
AllocArgs parse_alloc_args(std::span<const std::string_view> args);

/* Where statistics come from (--source). */
enum class SourceKind {
	automatic,	/* netlink (every module that shipped has the family) */
	netlink,
	debugfs,
};

/* "auto", "netlink", "debugfs". */
SourceKind parse_source(std::string_view text);

/* "stats" and "pagetypeinfo" arguments. */
struct StatsArgs {
	bool help = false;
	bool json = false;
	SourceKind source = SourceKind::automatic;
};
StatsArgs parse_stats_args(std::span<const std::string_view> args);
StatsArgs parse_pagetypeinfo_args(std::span<const std::string_view> args);

/* "watch" arguments. */
struct WatchArgs {
	bool help = false;
	std::optional<std::uint64_t> count;		/* --count: stop after N */
	std::optional<std::uint64_t> timeout_ms;	/* --timeout */
};
WatchArgs parse_watch_args(std::span<const std::string_view> args);

/* "info" arguments. */
struct InfoArgs {
	bool help = false;
	bool json = false;
};
InfoArgs parse_info_args(std::span<const std::string_view> args);

} // namespace unmappedctl

#endif // UNMAPPEDCTL_CLI_HPP
