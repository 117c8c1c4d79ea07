// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * secret.cpp - unmapped::SecretFile: UNMAPPED_IOC_SECRET, ftruncate, mmap.
 */
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/unmapped.h>

#include <unmapped/secret.hpp>

#include "file.hpp"

namespace unmapped {

SecretFile::SecretFile(std::size_t size, const std::string &device)
{
	detail::File dev(device);
	unmapped_secret s{};
	s.flags = O_CLOEXEC;
	if (int err = dev.ioctl(UNMAPPED_IOC_SECRET, s))
		throw Error(-err, "create a secret file on " + device,
			    err == -ENOTTY ? "unmapped.ko too old: no secret files" : "");
	fd_ = s.fd;
	if (!size)
		return;
	if (::ftruncate(fd_, static_cast<off_t>(size))) {
		int err = errno;
		reset();
		throw Error(err, "size a secret file to " + detail::human_bytes(size));
	}
	void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
	if (p == MAP_FAILED) {
		int err = errno;
		reset();
		throw Error(err, "map a secret file of " + detail::human_bytes(size));
	}
	data_ = static_cast<std::byte *>(p);
	size_ = size;
}

SecretFile::SecretFile(SecretFile &&other) noexcept
	: fd_(std::exchange(other.fd_, -1)),
	  size_(std::exchange(other.size_, 0)),
	  data_(std::exchange(other.data_, nullptr))
{
}

SecretFile &SecretFile::operator=(SecretFile &&other) noexcept
{
	if (this != &other) {
		reset();
		fd_ = std::exchange(other.fd_, -1);
		size_ = std::exchange(other.size_, 0);
		data_ = std::exchange(other.data_, nullptr);
	}
	return *this;
}

SecretFile::~SecretFile()
{
	reset();
}

void SecretFile::reset() noexcept
{
	if (data_)
		::munmap(data_, size_);
	if (fd_ >= 0)
		::close(fd_);
	fd_ = -1;
	size_ = 0;
	data_ = nullptr;
}

} // namespace unmapped
