// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - module entry and exit for unmapped.ko.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "boundary.h"

extern const char um_core_build[];

static int __init unmapped_init(void)
{
	pr_info("loaded, core built with %s\n", um_core_build);
	return 0;
}

static void __exit unmapped_exit(void)
{
	pr_info("unloaded\n");
}

module_init(unmapped_init);
module_exit(unmapped_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pages removed from the kernel direct map, without shattering it");
MODULE_AUTHOR("The unmapped developers");
