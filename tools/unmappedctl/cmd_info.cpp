// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cmd_info.cpp - "unmappedctl info": what the module offers.
 */
#include <string>
#include <vector>

#include <fmt/core.h>

#include <unmapped/device.hpp>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view help =
	R"(Usage: unmappedctl info [--json]

Show what the module behind the device offers: ABI version, page size,
largest block order, the backend that takes blocks out of the direct map,
NUMA nodes, the limits on one open device and one allocation, and the
features it announces (secret files; "none" from modules before 0.4).

Options:
  -j, --json       one JSON object instead (sizes in bytes, 0 = no cap)
)";

/* The names of the feature bits; those of a newer module as "bit N". */
std::vector<std::string> feature_names(std::uint64_t features)
{
	std::vector<std::string> names;
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(features >> bit & 1))
			continue;
		if ((1ULL << bit) == unmapped::feature_secret)
			names.emplace_back("secret");
		else
			names.push_back(fmt::format("bit {}", bit));
	}
	return names;
}

} // namespace

int cmd_info(Context &ctx, std::span<const std::string_view> args)
{
	InfoArgs a = parse_info_args(args);
	if (a.help) {
		fmt::print(ctx.out, "{}", help);
		return exit_ok;
	}

	unmapped::Device dev(ctx.device);
	unmapped::Info in = dev.info();
	std::vector<std::string> features = feature_names(dev.features());
	if (a.json || ctx.json) {
		std::string list;
		for (const std::string &f : features)
			list += (list.empty() ? "" : ", ") + json_string(f);
		fmt::print(ctx.out,
			   "{{\n  \"device\": {},\n  \"library\": {},\n  \"abi_version\": {},\n"
			   "  \"page_size\": {},\n  \"max_order\": {},\n  \"backend\": {},\n"
			   "  \"nr_nodes\": {},\n  \"max_file_bytes\": {},\n  \"max_region_bytes\": {},\n"
			   "  \"features\": [{}]\n}}\n",
			   json_string(dev.path()), json_string(unmapped::library_version()),
			   in.abi_version, in.page_size, in.max_order,
			   json_string(unmapped::to_string(in.backend)), in.nr_nodes,
			   in.max_file_bytes, in.max_region_bytes, list);
		return exit_ok;
	}
	auto row = [&](std::string_view name, const std::string &value) {
		fmt::print(ctx.out, "{:<16} {}\n", name, value);
	};
	row("device", dev.path());
	row("library", unmapped::library_version());
	row("abi version", std::to_string(in.abi_version));
	row("page size", std::to_string(in.page_size));
	row("largest block", fmt::format("order {} ({})", in.max_order,
					 format_bytes(std::uint64_t{in.page_size} << in.max_order)));
	row("backend", std::string(unmapped::to_string(in.backend)));
	row("nodes", std::to_string(in.nr_nodes));
	row("per-device cap", in.max_file_bytes ? format_bytes(in.max_file_bytes) : "none");
	row("largest region", format_bytes(in.max_region_bytes));
	std::string list;
	for (const std::string &f : features)
		list += (list.empty() ? "" : ", ") + f;
	row("features", list.empty() ? "none" : list);
	return exit_ok;
}

} // namespace unmappedctl
