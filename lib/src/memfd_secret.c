// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * memfd_secret.c - unmapped_memfd_secret(): the C API of secret files.
 * Plain C and libc only: libunmapped-preload.so is built from this file
 * too, and must not drag the C++ runtime into every program it serves.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/unmapped.h>

#include <unmapped/memfd_secret.h>

#ifndef UM_C_API
#define UM_C_API __attribute__((visibility("default")))
#endif

UM_C_API int unmapped_memfd_secret(unsigned int flags)
{
	struct unmapped_secret s = { .size = sizeof(s), .flags = flags };
	int dev, fd, err;

	dev = open(UNMAPPED_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	fd = ioctl(dev, UNMAPPED_IOC_SECRET, &s);
	err = errno;
	close(dev);
	errno = err;
	return fd < 0 ? -1 : fd;
}
