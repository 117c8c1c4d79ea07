// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/device.hpp - an open /dev/unmapped.
 *
 *   unmapped::Device dev;                        // opens /dev/unmapped
 *   unmapped::Region key = dev.allocate(4096);   // zeroed, mapped
 *   std::span<std::byte> bytes = key.bytes();
 *
 * Every call either does what it says or throws unmapped::Error.
 * Thread safety: a Device may be used from any number of threads at once
 * (each call is one system call on a shared descriptor). The descriptor is
 * close-on-exec. Allocations belong to this process: a forked child sharing
 * the descriptor can neither see nor free them.
 */
#ifndef UNMAPPED_DEVICE_HPP
#define UNMAPPED_DEVICE_HPP

#include <unmapped/version.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <unmapped/error.hpp>
#include <unmapped/region.hpp>
#include <unmapped/types.hpp>

struct unmapped_alloc;

namespace unmapped {

class UNMAPPED_API Device {
public:
	static constexpr const char *default_path = "/dev/unmapped";

	/*
	 * Open the device (read-write). Errors: ENOENT (module not loaded),
	 * EACCES (see the module parameter dev_mode), ENOTTY (not an
	 * unmapped device). Any module version serves this library: the ABI
	 * only grows, and what came later is tested with features().
	 */
	explicit Device(const std::string &path = default_path);
	Device(Device &&) noexcept;
	Device &operator=(Device &&) noexcept;
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;
	~Device();

	const std::string &path() const noexcept;
	/* The descriptor, for raw ioctls (<unmapped/uapi.h>); owned here. */
	int fd() const noexcept;

	Info info() const;
	Usage usage() const;
	/*
	 * What the module offers beyond the first ABI: feature_* bits
	 * (types.hpp); bits this library does not name may be set by a newer
	 * module. 0 from modules before 0.4, which offer
	 * secret files (0.3) without saying so; SecretFile finds out itself.
	 */
	std::uint64_t features() const;

	/*
	 * A zeroed region of @length bytes (a multiple of the page size), built
	 * from the largest blocks available, and mapped. Errors: EINVAL (bad
	 * length or node), ENOMEM, EDQUOT (over RLIMIT_MEMLOCK), ENOSPC (over
	 * the per-device cap). Interrupted by a signal, it tries again.
	 */
	Region allocate(std::size_t length, const AllocOptions &opts = {}) const;
	/* One physically contiguous block of 2^@order pages, mapped. */
	Region allocate_block(unsigned order, const AllocOptions &opts = {}) const;

	/* Where region @id of this process came from (ENOENT: no such). */
	RegionInfo region_info(std::uint64_t id) const;

private:
	Region alloc(struct ::unmapped_alloc &a, const AllocOptions &opts,
		     std::string what) const;

	std::shared_ptr<detail::File> file_;
};

/* This library's version, "MAJOR.MINOR.PATCH". */
UNMAPPED_API const char *library_version() noexcept;

} // namespace unmapped

#endif // UNMAPPED_DEVICE_HPP
