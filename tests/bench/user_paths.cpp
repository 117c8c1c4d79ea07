// SPDX-License-Identifier: GPL-2.0-only
/*
 * user_paths.cpp - the userspace paths: libunmapped regions, memfd_secret,
 * anonymous memory. Every allocation is mapped and each page written once.
 */
#include "user_paths.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <unmapped/unmapped.hpp>

namespace bench {

namespace {

constexpr std::size_t kPage = 4096;

[[noreturn]] void fail(const char *what)
{
	throw std::system_error(errno, std::generic_category(), what);
}

class UnmappedSource final : public Source {
public:
	Mapping get(std::size_t pages) override
	{
		unmapped::Region r = dev_.allocate(pages * kPage);
		Mapping m{r.data(), r.size(), slots_.size()};

		if (!free_.empty()) {
			m.slot = free_.back();
			free_.pop_back();
			slots_[m.slot] = std::move(r);
		} else {
			slots_.push_back(std::move(r));
		}
		return m;
	}
	void put(const Mapping &m) override
	{
		slots_[m.slot].release();
		free_.push_back(m.slot);
	}

private:
	unmapped::Device dev_;
	std::vector<unmapped::Region> slots_;
	std::vector<std::size_t> free_;
};

class MemfdSecretSource final : public Source {
public:
	Mapping get(std::size_t pages) override
	{
		int fd = static_cast<int>(syscall(SYS_memfd_secret, 0));

		if (fd < 0)
			fail("memfd_secret (boot with secretmem.enable=1)");
		if (ftruncate(fd, static_cast<off_t>(pages * kPage)) < 0) {
			close(fd);
			fail("ftruncate memfd_secret");
		}
		void *p = mmap(nullptr, pages * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			fail("mmap memfd_secret");
		return {static_cast<std::byte *>(p), pages * kPage, 0};
	}
	void put(const Mapping &m) override { munmap(m.addr, m.len); }
};

class AnonSource final : public Source {
public:
	Mapping get(std::size_t pages) override
	{
		void *p = mmap(nullptr, pages * kPage, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			fail("mmap anonymous");
		return {static_cast<std::byte *>(p), pages * kPage, 0};
	}
	void put(const Mapping &m) override { munmap(m.addr, m.len); }
};

} // namespace

void touch(const Mapping &m)
{
	for (std::size_t off = 0; off < m.len; off += kPage)
		static_cast<volatile std::byte *>(m.addr)[off] = std::byte{1};
}

std::unique_ptr<Source> make_source(const std::string &path)
{
	if (path == "user-unmapped")
		return std::make_unique<UnmappedSource>();
	if (path == "memfd-secret")
		return std::make_unique<MemfdSecretSource>();
	if (path == "anon")
		return std::make_unique<AnonSource>();
	throw std::invalid_argument("no userspace path " + path);
}

} // namespace bench
