// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * region.cpp - unmapped::Region: mapping, FREE, and the move-only handle.
 */
#include <cerrno>
#include <utility>

#include <linux/unmapped.h>
#include <sys/mman.h>
#include <unistd.h>

#include <unmapped/region.hpp>

#include "file.hpp"

namespace unmapped {

namespace {

int free_id(const detail::File &file, std::uint64_t id) noexcept
{
	unmapped_free f{};
	f.id = id;
	return file.ioctl(UNMAPPED_IOC_FREE, f);
}

} // namespace

Region::Region(std::shared_ptr<detail::File> file, std::uint64_t id,
	       std::size_t size, std::uint64_t offset)
	: file_(std::move(file)), id_(id), size_(size), owner_(::getpid())
{
	void *p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED,
			 file_->fd(), static_cast<off_t>(offset));
	if (p == MAP_FAILED) {
		int err = errno;
		free_id(*file_, id_);
		throw Error(err, "map region " + std::to_string(id_) + " (" +
					 detail::human_bytes(size_) + ")");
	}
	data_ = static_cast<std::byte *>(p);
}

Region::Region(Region &&other) noexcept
	: file_(std::move(other.file_)), id_(std::exchange(other.id_, 0)),
	  size_(std::exchange(other.size_, 0)),
	  data_(std::exchange(other.data_, nullptr)),
	  owner_(std::exchange(other.owner_, 0))
{
}

Region &Region::operator=(Region &&other) noexcept
{
	if (this != &other) {
		reset();
		file_ = std::move(other.file_);
		id_ = std::exchange(other.id_, 0);
		size_ = std::exchange(other.size_, 0);
		data_ = std::exchange(other.data_, nullptr);
		owner_ = std::exchange(other.owner_, 0);
	}
	return *this;
}

Region::~Region()
{
	reset();
}

RegionInfo Region::info() const
{
	if (!file_)
		throw Error(ENOENT, "query an empty region");
	return detail::query_region(*file_, id_);
}

void Region::release()
{
	if (!file_)
		return;
	auto file = std::move(file_);
	auto id = std::exchange(id_, 0);
	auto size = std::exchange(size_, 0);
	auto *data = std::exchange(data_, nullptr);
	/* A forked child has neither the mapping nor the right to free. */
	if (std::exchange(owner_, 0) != ::getpid())
		return;

	if (::munmap(data, size) < 0) {
		int err = errno;
		free_id(*file, id);
		throw Error(err, "unmap region " + std::to_string(id));
	}
	if (int err = free_id(*file, id))
		throw Error(-err, "free region " + std::to_string(id));
}

void Region::reset() noexcept
{
	try {
		release();
	} catch (...) {
		/* Destructors do not throw; the pages return at close anyway. */
	}
}

} // namespace unmapped
