// SPDX-License-Identifier: GPL-2.0-only
/*
 * front.c - the state the front ends share (struct um_front, front.h).
 */
#include "front.h"
#include "obs_stats.h"

struct um_front um_front;

/** um_front_stats() - fill the front ends' counters of @v. [atomic] */
void um_front_stats(u64 *v)
{
	v[UM_SHIM_STAT_api_refused] = atomic64_read(&um_front.api_refused);
	v[UM_SHIM_STAT_shrink_empty] = atomic64_read(&um_front.shrink_empty);
	v[UM_SHIM_STAT_oom_calls] = atomic64_read(&um_front.oom_calls);
	v[UM_SHIM_STAT_oom_pages] = atomic64_read(&um_front.oom_pages);
	v[UM_SHIM_STAT_memcg_refused] = atomic64_read(&um_front.memcg_refused);
	v[UM_SHIM_STAT_memcg_charged_chunks] = atomic64_read(&um_front.charged_chunks);
	v[UM_SHIM_STAT_file_owners] = atomic64_read(&um_front.file_owners);
	v[UM_SHIM_STAT_owner_mms] = atomic64_read(&um_front.owner_mms);
	v[UM_SHIM_STAT_owner_registrations] =
		atomic64_read(&um_front.owner_registrations);
}
