// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * main.cpp - unmappedctl: inspect and use /dev/unmapped from the shell.
 */
#include <string_view>
#include <vector>

#include "commands.hpp"

int main(int argc, char **argv)
{
	std::vector<std::string_view> args(argv + 1, argv + argc);
	unmappedctl::Context ctx;
	return unmappedctl::run(ctx, args);
}
