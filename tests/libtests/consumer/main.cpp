// SPDX-License-Identifier: GPL-2.0-only
/*
 * A consumer of the installed libunmapped: the public headers compile on
 * their own, the library links, and its exception type is caught across
 * the library boundary. Exit 0 if the device works or is cleanly missing.
 */
#include <cerrno>
#include <cstdio>

#include <unmapped/uapi.h>
#include <unmapped/unmapped.hpp>

int main()
{
	static_assert(sizeof(unmapped_alloc) == UNMAPPED_ALLOC_SIZE_VER0);
	try {
		unmapped::Device dev;
		unmapped::Region r = dev.allocate(4096);
		r.bytes()[0] = std::byte{1};
		std::printf("allocated region %llu\n", static_cast<unsigned long long>(r.id()));
	} catch (const unmapped::Error &e) {
		std::printf("%s\n", e.what());
		return e.error() == ENOENT ? 0 : 1;
	}
	std::printf("libunmapped %s\n", unmapped::library_version());
	return 0;
}
