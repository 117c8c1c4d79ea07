/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * front.h - the front ends of the cache (module/front) that main.c opens
 * after the cache is created and closes before it is destroyed. The
 * in-kernel API (api.c) is declared in include/linux/unmapped.h, the
 * character device in chardev.h, secret files in secretfile.h.
 */
#ifndef UNMAPPED_FRONT_H
#define UNMAPPED_FRONT_H

#include "core_api.h"

/* shrinker.c */
int um_shrinker_init(void);
void um_shrinker_exit(void);

/* pm.c: hibernation refused while pages are out, else the cache emptied */
int um_pm_init(void);
void um_pm_exit(void);

#endif /* UNMAPPED_FRONT_H */
