/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * chardev.h - /dev/unmapped, the user path (ABI: include/uapi/linux/unmapped.h).
 */
#ifndef UNMAPPED_SHIM_CHARDEV_H
#define UNMAPPED_SHIM_CHARDEV_H

struct um_cache;

int um_chardev_init(struct um_cache *cache);
void um_chardev_exit(void);

#endif /* UNMAPPED_SHIM_CHARDEV_H */
