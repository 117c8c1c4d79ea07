/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cache.h - struct um_cache, the object behind the extern "C" API: the
 * node caches (one per node id) and what serialises configuration changes.
 */
#ifndef UNMAPPED_CORE_CACHE_H
#define UNMAPPED_CORE_CACHE_H

#include "node_cache.h"

struct um_cache {
	um_platform *plat;
	int nr_nodes;
	um_mutex *config_mutex;		/* serialises um_cache_set_config() */
	um::NodeCache **nodes;		/* [nr_nodes], each on its own node */
};

namespace um {

/* The node cache of @nid (0 <= nid < nr_nodes): test seam. */
NodeCache *cacheNode(um_cache *cache, int nid);

} /* namespace um */

#endif /* UNMAPPED_CORE_CACHE_H */
