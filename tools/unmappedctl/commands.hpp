// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * commands.hpp - unmappedctl's subcommands and the dispatcher.
 *
 * run() is the whole program minus process setup, so host tests can drive
 * it: it returns the exit status (0 ok, 1 runtime error, 2 usage error) and
 * writes results to ctx.out, messages to ctx.err.
 */
#ifndef UNMAPPEDCTL_COMMANDS_HPP
#define UNMAPPEDCTL_COMMANDS_HPP

#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unmapped/events.hpp>

#include "stats_source.hpp"

namespace unmappedctl {

enum ExitStatus { exit_ok = 0, exit_runtime = 1, exit_usage = 2 };

struct Context {
	std::string device = "/dev/unmapped";
	std::function<std::unique_ptr<StatsSource>(SourceKind)> stats_source = make_stats_source;
	std::FILE *out = stdout;
	std::FILE *err = stderr;
	bool json = false;	/* global -j/--json */
};

/* A check on the memory failed (exit status 1). */
class CheckFailed : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

/* @args: the arguments after the program name. */
int run(Context &ctx, std::span<const std::string_view> args);

int cmd_info(Context &ctx, std::span<const std::string_view> args);
int cmd_alloc(Context &ctx, std::span<const std::string_view> args);
int cmd_stats(Context &ctx, std::span<const std::string_view> args);
int cmd_pagetypeinfo(Context &ctx, std::span<const std::string_view> args);
int cmd_watch(Context &ctx, std::span<const std::string_view> args);
/* Execs PROGRAM: returns only if that failed (127: not found, 126). */
int cmd_run(Context &ctx, std::span<const std::string_view> args);

/* LD_PRELOAD for "run": @lib first, then what was there (@current). */
std::string preload_env(const std::string &lib, const char *current);

/* "64 MiB", "1.5 GiB", "512 bytes". */
std::string format_bytes(std::uint64_t bytes);
/* @s as a JSON string, quoted and escaped. */
std::string json_string(std::string_view s);

/* One line of "watch" (no newline): "[  12.345678] refill node=0 ...". */
std::string format_event(const unmapped::Event &e);
/* The same as one JSON object on one line (watch --json: JSON Lines). */
std::string format_event_json(const unmapped::Event &e);

} // namespace unmappedctl

#endif // UNMAPPEDCTL_COMMANDS_HPP
