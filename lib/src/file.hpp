// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * file.hpp - internal: the open device shared by a Device and its Regions,
 * and the one place that issues ioctls.
 */
#ifndef UNMAPPED_SRC_FILE_HPP
#define UNMAPPED_SRC_FILE_HPP

#include <cstdint>
#include <string>

#include <unmapped/types.hpp>

namespace unmapped::detail {

class File {
public:
	/* Open @path read-write, close-on-exec; throws Error. */
	explicit File(std::string path);
	File(const File &) = delete;
	File &operator=(const File &) = delete;
	~File();

	int fd() const noexcept { return fd_; }
	const std::string &path() const noexcept { return path_; }

	/*
	 * ioctl(fd, cmd, arg) with arg->size set to sizeof(T). Returns 0 or a
	 * negative errno; never throws.
	 */
	template <class T> int ioctl(unsigned long cmd, T &arg) const noexcept
	{
		arg.size = sizeof(T);
		return raw_ioctl(cmd, &arg);
	}

private:
	int raw_ioctl(unsigned long cmd, void *arg) const noexcept;

	int fd_ = -1;
	std::string path_;
};

/* REGION for @id; throws Error. */
RegionInfo query_region(const File &file, std::uint64_t id);

/* "64 MiB", "4 KiB", "12345 bytes": for messages. */
std::string human_bytes(std::uint64_t bytes);

} // namespace unmapped::detail

#endif // UNMAPPED_SRC_FILE_HPP
