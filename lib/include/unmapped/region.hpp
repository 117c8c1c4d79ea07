// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/region.hpp - one allocation, mapped into this process.
 *
 * A Region owns memory that the kernel removed from its direct map, mapped
 * read-write into this process only. It is move-only; destroying it (or
 * release()) unmaps the memory and gives it back to the kernel's cache,
 * which zeroes it before anyone else gets it. A Region keeps its device
 * open, so it may outlive the Device it came from.
 *
 * What the mapping is not: it is not inherited by fork() (in a child, a
 * Region is empty-handed: its destructor does nothing and bytes() must not
 * be used), not in core dumps, and other processes cannot read it through
 * /proc/PID/mem, process_vm_readv() or ptrace. The kernel cannot pin it
 * either: O_DIRECT, vmsplice() or RDMA on this memory fail with EFAULT.
 *
 * Thread safety: as for standard containers; distinct Regions may be used
 * from different threads, one Region's release() must not race its use.
 */
#ifndef UNMAPPED_REGION_HPP
#define UNMAPPED_REGION_HPP

#include <unmapped/version.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <sys/types.h>

#include <unmapped/error.hpp>
#include <unmapped/types.hpp>

namespace unmapped {

namespace detail {
class File;
}

class UNMAPPED_API Region {
public:
	/* An empty region: no memory, size() == 0. */
	Region() noexcept = default;
	Region(Region &&other) noexcept;
	Region &operator=(Region &&other) noexcept;
	Region(const Region &) = delete;
	Region &operator=(const Region &) = delete;
	~Region();

	/* The id the device gave it; 0 when empty. */
	std::uint64_t id() const noexcept { return id_; }
	/* Its size in bytes; 0 when empty. */
	std::size_t size() const noexcept { return size_; }
	/* The mapped memory, zeroed when allocated. */
	std::byte *data() const noexcept { return data_; }
	std::span<std::byte> bytes() const noexcept { return {data_, size_}; }
	explicit operator bool() const noexcept { return data_ != nullptr; }

	/* Where its memory came from (throws Error; ENOENT once released). */
	RegionInfo info() const;

	/*
	 * Unmap and free it now; afterwards the Region is empty. Releasing an
	 * empty Region does nothing. Throws Error if the kernel refused; the
	 * Region is empty even then.
	 */
	void release();

private:
	friend class Device;
	Region(std::shared_ptr<detail::File> file, std::uint64_t id,
	       std::size_t size, std::uint64_t offset);
	void reset() noexcept;

	std::shared_ptr<detail::File> file_;
	std::uint64_t id_ = 0;
	std::size_t size_ = 0;
	std::byte *data_ = nullptr;
	pid_t owner_ = 0;
};

} // namespace unmapped

#endif // UNMAPPED_REGION_HPP
