// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * run.cpp - unmappedctl's dispatcher: global options, help, exit statuses.
 */
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/core.h>

#include <unmapped/device.hpp>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view main_help =
	R"(Usage: unmappedctl [--device PATH] COMMAND [OPTIONS]

Memory absent from the kernel's direct map, from /dev/unmapped.

Commands:
  info           what the module offers (ABI, block orders, backend, limits)
  alloc          allocate, prove the memory works, show where it came from
  stats          the module's counters
  pagetypeinfo   free blocks in the cache per node and order
  watch          the module's events as they happen (refill, release,
                 shrink, alloc_fail)
  run            run a program whose memfd_secret() the module serves
  help           this text

Global options:
  -d, --device PATH   the device (default /dev/unmapped)
  -j, --json          JSON output for the commands that have it (info,
                      stats)
  -h, --help          this text; COMMAND --help for a command's options
  -V, --version       the library version

Exit status: 0 ok, 1 runtime error, 2 usage error.
)";

struct Command {
	std::string_view name;
	int (*fn)(Context &, std::span<const std::string_view>);
};

constexpr std::array commands{
	Command{"info", cmd_info},
	Command{"alloc", cmd_alloc},
	Command{"stats", cmd_stats},
	Command{"pagetypeinfo", cmd_pagetypeinfo},
	Command{"watch", cmd_watch},
	Command{"run", cmd_run},
};

/* @command: the command found, for the hint after a usage error. */
int dispatch(Context &ctx, std::span<const std::string_view> args, std::string_view &command)
{
	std::size_t i = 0;
	for (; i < args.size(); i++) {
		std::string_view a = args[i];
		if (a == "-h" || a == "--help") {
			fmt::print(ctx.out, "{}", main_help);
			return exit_ok;
		}
		if (a == "-V" || a == "--version") {
			fmt::print(ctx.out, "unmappedctl (libunmapped) {}\n",
				   unmapped::library_version());
			return exit_ok;
		}
		if (a == "-j" || a == "--json") {
			ctx.json = true;
		} else if (a == "-d" || a == "--device") {
			if (i + 1 == args.size())
				throw UsageError("option '" + std::string(a) + "' needs a value");
			ctx.device = args[++i];
		} else if (a.starts_with("--device=")) {
			ctx.device = a.substr(9);
		} else if (a.starts_with("-") && a.size() > 1) {
			throw UsageError("unknown option '" + std::string(a) + "'");
		} else {
			break;
		}
	}
	if (i == args.size())
		throw UsageError("no command given");

	std::string_view name = args[i];
	if (name == "help") {
		fmt::print(ctx.out, "{}", main_help);
		return exit_ok;
	}
	for (const Command &c : commands) {
		if (c.name == name) {
			command = c.name;
			return c.fn(ctx, args.subspan(i + 1));
		}
	}
	throw UsageError("unknown command '" + std::string(name) + "'");
}

} // namespace

int run(Context &ctx, std::span<const std::string_view> args)
{
	std::string_view command;
	try {
		int status = dispatch(ctx, args, command);
		/* Output lost (a full disk, /dev/full, a closed pipe) is a failure. */
		if (std::fflush(ctx.out) != 0 || std::ferror(ctx.out)) {
			fmt::print(ctx.err, "unmappedctl: write error: {}\n", std::strerror(errno));
			return exit_runtime;
		}
		return status;
	} catch (const UsageError &e) {
		/* The help that explains the mistake: the command's, once known. */
		fmt::print(ctx.err, "unmappedctl: {}\nTry 'unmappedctl {}{}--help'.\n", e.what(),
			   command, command.empty() ? "" : " ");
		return exit_usage;
	} catch (const std::exception &e) {
		/* unmapped::Error, CheckFailed, and anything else (bad_alloc). */
		fmt::print(ctx.err, "unmappedctl: {}\n", e.what());
		return exit_runtime;
	}
}

std::string json_string(std::string_view s)
{
	std::string out = "\"";
	for (char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		default:
			if (static_cast<unsigned char>(c) < 0x20)
				out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
			else
				out += c;
		}
	}
	return out + "\"";
}

std::string format_bytes(std::uint64_t bytes)
{
	static constexpr std::array units{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (bytes < 1024)
		return fmt::format("{} bytes", bytes);
	double v = static_cast<double>(bytes) / 1024;
	std::size_t u = 0;
	while (v >= 1024 && u + 1 < units.size()) {
		v /= 1024;
		u++;
	}
	if (v == static_cast<double>(static_cast<std::uint64_t>(v)))
		return fmt::format("{} {}", static_cast<std::uint64_t>(v), units[u]);
	return fmt::format("{:.1f} {}", v, units[u]);
}

} // namespace unmappedctl
