// SPDX-License-Identifier: GPL-2.0-only
/* user_paths.h - where userspace paths get their memory from. */
#ifndef UM_BENCH_USER_PATHS_H
#define UM_BENCH_USER_PATHS_H

#include <cstddef>
#include <memory>
#include <string>

namespace bench {

struct Mapping {
	std::byte *addr;
	std::size_t len;
	std::size_t slot;	/* the source's bookkeeping */
};

/* One path's allocator. Not thread-safe: one per thread. */
class Source {
public:
	virtual ~Source() = default;
	/* @pages pages, mapped read-write; throws on failure. */
	virtual Mapping get(std::size_t pages) = 0;
	virtual void put(const Mapping &m) = 0;
};

std::unique_ptr<Source> make_source(const std::string &path);

/* Write one byte to every page, as a program first using the memory would. */
void touch(const Mapping &m);

} // namespace bench

#endif
