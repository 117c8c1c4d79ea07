// SPDX-License-Identifier: GPL-2.0-only
/*
 * uapi_padded.c - compiled with -Wpadded -Werror: fails the build if a
 * UAPI struct gets implicit padding. Also proves the header is valid C.
 */
#include <linux/unmapped.h>

struct unmapped_all {
	struct unmapped_info info;
	struct unmapped_alloc alloc;
	struct unmapped_free free;
	struct unmapped_region region;
	struct unmapped_query query;
	struct unmapped_secret secret;
};

int unmapped_uapi_size(void);
int unmapped_uapi_size(void)
{
	return (int)sizeof(struct unmapped_all);
}
