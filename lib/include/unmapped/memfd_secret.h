/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * unmapped/memfd_secret.h - memfd_secret(2) served by unmapped.ko, for C
 * (and Rust, Go: plain C ABI, no C++ needed). Link with -lunmapped.
 *
 * unmapped_memfd_secret() returns a descriptor that behaves as
 * memfd_secret()'s (ftruncate once, mmap MAP_SHARED, no file IO, pages
 * absent from the kernel's direct map; include/uapi/linux/unmapped.h,
 * UNMAPPED_IOC_SECRET, has the details), with its pages taken from the
 * module's cache, so no direct-map split and no all-CPU TLB flush per page.
 *
 * What it does NOT do: fall back to the real memfd_secret() when the
 * module is missing (libunmapped-preload.so does), or need the device to
 * stay open: it opens /dev/unmapped for the call and closes it again.
 */
#ifndef UNMAPPED_MEMFD_SECRET_H
#define UNMAPPED_MEMFD_SECRET_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A new secret file. @flags: 0 or O_CLOEXEC. Returns the descriptor, or -1
 * with errno: EINVAL (other flags), ENOENT (unmapped.ko not loaded),
 * EACCES (device permissions, module parameter dev_mode), ENOTTY (a module
 * without secret files), EMFILE, ENFILE, ENOMEM.
 */
int unmapped_memfd_secret(unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* UNMAPPED_MEMFD_SECRET_H */
