// SPDX-License-Identifier: GPL-2.0-only
/*
 * counter-docs - print doc/observing.md's table of the module's counters from
 * the lists the module itself publishes them from: UM_STAT_ITEMS
 * (module/core/core_api.h) and module/obs/obs_stats.h. check-readme compares the
 * README with it, so the documentation cannot drift from the code.
 */
#include <stdio.h>

#include "core_api.h"
#include "obs_stats.h"

int main(void)
{
	puts("| counter | meaning |");
	puts("|---|---|");
#define UM_DOC_ROW(name, desc) printf("| `%s` | %s |\n", #name, desc);
#define UM_DOC_ORDER_ROW(name, field, desc) \
	printf("| `%s_N` | %s, N = 0..%d |\n", #name, desc, UM_MAX_ORDER - 1);
	UM_STAT_ITEMS(UM_DOC_ROW)
	UM_ORDER_STAT_ITEMS(UM_DOC_ORDER_ROW)
	UM_SHIM_STAT_ITEMS(UM_DOC_ROW)
	puts("| `backend` | `range` or `page`: how new blocks leave the direct map |");
	return 0;
}
