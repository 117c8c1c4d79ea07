// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/secret.hpp - a secret file: memfd_secret(2) from the cache.
 *
 *   unmapped::SecretFile key(4096);          // a file of 4 KiB, mapped
 *   std::span<std::byte> bytes = key.bytes(); // zeroed on first touch
 *
 * Unlike a Region, a secret file is shared the way memfd_secret()'s is:
 * the mapping survives fork() (parent and child see the same pages), the
 * descriptor can be passed to another process, which may map it too, and
 * the pages go back to the cache when the last descriptor and mapping are
 * gone. Pages are taken on first touch and charged then against
 * RLIMIT_MEMLOCK (SIGBUS when over). The descriptor is close-on-exec.
 * The C API is <unmapped/memfd_secret.h>.
 *
 * Thread safety: as for standard containers.
 */
#ifndef UNMAPPED_SECRET_HPP
#define UNMAPPED_SECRET_HPP

#include <cstddef>
#include <span>
#include <string>

#include <unmapped/error.hpp>

namespace unmapped {

class UNMAPPED_API SecretFile {
public:
	/* An empty one: no descriptor, size() == 0. */
	SecretFile() noexcept = default;
	/*
	 * A new secret file of @size bytes, mapped read-write and shared
	 * (not mapped if @size is 0). Errors (Error): ENOENT (module not
	 * loaded), EACCES, ENOTTY (a module without secret files), ENOMEM.
	 */
	explicit SecretFile(std::size_t size,
			    const std::string &device = "/dev/unmapped");
	SecretFile(SecretFile &&other) noexcept;
	SecretFile &operator=(SecretFile &&other) noexcept;
	SecretFile(const SecretFile &) = delete;
	SecretFile &operator=(const SecretFile &) = delete;
	/* Unmaps it here and closes the descriptor. */
	~SecretFile();

	/* The descriptor (for fd passing, more mappings); owned here. */
	int fd() const noexcept { return fd_; }
	std::size_t size() const noexcept { return size_; }
	std::byte *data() const noexcept { return data_; }
	std::span<std::byte> bytes() const noexcept { return {data_, size_}; }
	explicit operator bool() const noexcept { return fd_ >= 0; }

private:
	void reset() noexcept;

	int fd_ = -1;
	std::size_t size_ = 0;
	std::byte *data_ = nullptr;
};

} // namespace unmapped

#endif // UNMAPPED_SECRET_HPP
