// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cmd_run.cpp - "unmappedctl run [--] PROGRAM [ARGS...]": PROGRAM with
 * libunmapped-preload.so, as fakeroot or faketime run theirs.
 */
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <unistd.h>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view help =
	R"(Usage: unmappedctl run [--] PROGRAM [ARGS...]

Run PROGRAM with libunmapped-preload.so in LD_PRELOAD: its memfd_secret()
calls (syscall(SYS_memfd_secret, ...) or a libc wrapper) get secret files
from /dev/unmapped, whose pages come from the module's cache instead of
splitting the kernel's direct map. Without the module they fall back to
the real memfd_secret. The program's exit status is run's; 127 if it
cannot be found, 126 if it cannot be executed.

Environment: UNMAPPED_PRELOAD names the library to use instead of the
installed one; UNMAPPED_PRELOAD_STRICT=1 (passed on to PROGRAM) makes the
library return the module's error instead of falling back.
)";

/* The installed library, relative to the installed unmappedctl. */
std::string preload_path()
{
	if (const char *env = std::getenv("UNMAPPED_PRELOAD"); env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		std::string dir(exe, static_cast<std::size_t>(n));
		dir.erase(dir.rfind('/') + 1);
		std::string lib = dir + UM_BIN_TO_PRELOAD;
		if (::access(lib.c_str(), R_OK) == 0)
			return lib;
	}
	if (::access(UM_PRELOAD_INSTALLED, R_OK) == 0)
		return UM_PRELOAD_INSTALLED;
	throw std::runtime_error("run: libunmapped-preload.so not found next to unmappedctl nor in " +
				 std::string(UM_PRELOAD_INSTALLED) + " (set UNMAPPED_PRELOAD)");
}

} // namespace

std::string preload_env(const std::string &lib, const char *current)
{
	if (!current || !*current)
		return lib;
	return lib + ":" + current;
}

int cmd_run(Context &ctx, std::span<const std::string_view> args)
{
	std::size_t i = 0;
	if (i < args.size() && (args[i] == "-h" || args[i] == "--help")) {
		fmt::print(ctx.out, "{}", help);
		return exit_ok;
	}
	if (i < args.size() && args[i] == "--")
		i++;
	else if (i < args.size() && args[i].starts_with("-"))
		throw UsageError("run: unknown option '" + std::string(args[i]) + "'");
	if (i == args.size())
		throw UsageError("run: no program given");

	std::string env = preload_env(preload_path(), std::getenv("LD_PRELOAD"));
	std::vector<std::string> argv_s(args.begin() + static_cast<long>(i), args.end());
	std::vector<char *> argv;
	for (std::string &a : argv_s)
		argv.push_back(a.data());
	argv.push_back(nullptr);

	/* Our environment with LD_PRELOAD replaced: this process keeps its own. */
	std::string preload = "LD_PRELOAD=" + env;
	std::vector<char *> envp;
	for (char **e = environ; *e; e++)
		if (std::strncmp(*e, "LD_PRELOAD=", 11))
			envp.push_back(*e);
	envp.push_back(preload.data());
	envp.push_back(nullptr);

	std::fflush(ctx.out);
	::execvpe(argv[0], argv.data(), envp.data());
	int err = errno;
	fmt::print(ctx.err, "unmappedctl: run: {}: {}\n", argv_s[0], std::strerror(err));
	return err == ENOENT ? 127 : 126;
}

} // namespace unmappedctl
