/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * secretfile.h - secret files: memfd_secret(2) served from the cache
 * (ABI: UNMAPPED_IOC_SECRET in include/uapi/linux/unmapped.h).
 */
#ifndef UNMAPPED_SHIM_SECRETFILE_H
#define UNMAPPED_SHIM_SECRETFILE_H

#include <linux/types.h>

struct file;

int um_secret_init(void);
void um_secret_exit(void);
struct file *um_secret_file_create(void);
bool um_secret_active(void);
void um_secret_stats(u64 *v);

#endif /* UNMAPPED_SHIM_SECRETFILE_H */
