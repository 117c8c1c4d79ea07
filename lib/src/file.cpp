// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * file.cpp - internal: opening the device and issuing ioctls.
 */
#include "file.hpp"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <unmapped/error.hpp>

namespace unmapped::detail {

namespace {

std::string open_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return "is unmapped.ko loaded?";
	case EACCES:
	case EPERM:
		return "the device is root-only unless unmapped.ko is loaded with dev_mode=";
	default:
		return {};
	}
}

} // namespace

File::File(std::string path) : path_(std::move(path))
{
	fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
	if (fd_ < 0) {
		int err = errno;
		throw Error(err, "open " + path_, open_hint(err));
	}
}

File::~File()
{
	::close(fd_);
}

int File::raw_ioctl(unsigned long cmd, void *arg) const noexcept
{
	return ::ioctl(fd_, cmd, arg) < 0 ? -errno : 0;
}

std::string human_bytes(std::uint64_t bytes)
{
	static constexpr const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (bytes < 1024 || bytes % 1024)
		return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
	std::uint64_t v = bytes / 1024;
	unsigned u = 0;
	while (v >= 1024 && v % 1024 == 0 && u + 1 < std::size(units)) {
		v /= 1024;
		u++;
	}
	return std::to_string(v) + " " + units[u];
}

} // namespace unmapped::detail
