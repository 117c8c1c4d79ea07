// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache.cpp - the extern "C" um_cache_* API over the node caches: argument
 * checks, node choice and fallback, sums over nodes.
 */
#include "cache.h"
#include "stats.h"

using um::NodeCache;

namespace um {

NodeCache *cacheNode(um_cache *cache, int nid)
{
	return cache->nodes[nid];
}

namespace {

bool validNid(const um_cache *cache, int nid)
{
	return nid >= 0 && nid < cache->nr_nodes;
}

/* The node a UM_NUMA_NO_NODE request starts on. */
int homeNode(um_cache *cache)
{
	int nid = um_plat_current_node(cache->plat);

	return validNid(cache, nid) ? nid : 0;
}

void destroyNodes(um_cache *cache, int nr)
{
	for (int nid = 0; nid < nr; nid++) {
		cache->nodes[nid]->fini();
		um_plat_meta_free(cache->plat, cache->nodes[nid]);
	}
}

void freeCache(um_cache *cache)
{
	if (cache->config_mutex)
		um_plat_mutex_destroy(cache->plat, cache->config_mutex);
	um_plat_meta_free(cache->plat, cache->nodes);
	um_plat_meta_free(cache->plat, cache);
}

/* Run @fn on @nid's node, or on every node for UM_NUMA_NO_NODE. */
template <typename Fn>
int forNodes(um_cache *cache, int nid, Fn fn)
{
	if (nid == UM_NUMA_NO_NODE) {
		for (int n = 0; n < cache->nr_nodes; n++)
			fn(*cache->nodes[n]);
		return 0;
	}
	if (!validNid(cache, nid))
		return -UM_ENODEV;
	fn(*cache->nodes[nid]);
	return 0;
}

int allocOn(um_cache *cache, int nid, unsigned order, unsigned flags,
	    um_pfn_t *pfn)
{
	if (nid != UM_NUMA_NO_NODE && !validNid(cache, nid))
		return -UM_ENODEV;

	int home = nid == UM_NUMA_NO_NODE ? homeNode(cache) : nid;

	if ((flags & UM_ALLOC_THISNODE) &&
	    !um_plat_node_has_memory(cache->plat, home))
		return -UM_ENODEV;

	int err = cache->nodes[home]->alloc(order, flags, pfn);

	if (flags & UM_ALLOC_THISNODE)
		return err;
	/* Only an empty node sends us elsewhere; -EIO is final. */
	for (int n = 0; n < cache->nr_nodes &&
		     (err == -UM_ENOMEM || err == -UM_EAGAIN); n++)
		if (n != home)
			err = cache->nodes[n]->alloc(order, flags, pfn);
	return err;
}

} /* namespace */
} /* namespace um */

extern "C" int um_cache_create(struct um_platform *plat,
			       const struct um_config *cfg,
			       struct um_cache **out)
{
	if (!plat || !cfg || !out || um::policy::validateConfig(*cfg))
		return -UM_EINVAL;

	int nr = um_plat_nr_nodes(plat);

	if (nr <= 0)
		return -UM_EINVAL;

	auto *cache = static_cast<um_cache *>(
		um_plat_meta_alloc(plat, sizeof(um_cache), UM_NUMA_NO_NODE));

	if (!cache)
		return -UM_ENOMEM;
	cache->plat = plat;
	cache->nr_nodes = 0;
	cache->nodes = static_cast<NodeCache **>(um_plat_meta_alloc(
		plat, nr * sizeof(NodeCache *), UM_NUMA_NO_NODE));
	cache->config_mutex = um_plat_mutex_create(plat, UM_NUMA_NO_NODE);
	if (!cache->nodes || !cache->config_mutex)
		goto free_cache;

	for (int nid = 0; nid < nr; nid++) {
		auto *node = static_cast<NodeCache *>(
			um_plat_meta_alloc(plat, sizeof(NodeCache), nid));

		if (!node)
			goto destroy_nodes;
		if (node->init(plat, nid, *cfg)) {
			um_plat_meta_free(plat, node);
			goto destroy_nodes;
		}
		cache->nodes[nid] = node;
		cache->nr_nodes = nid + 1;
	}
	/* Best effort: an empty cache still works. */
	um_cache_prefill(cache);
	*out = cache;
	return 0;

destroy_nodes:
	um::destroyNodes(cache, cache->nr_nodes);
free_cache:
	um::freeCache(cache);
	return -UM_ENOMEM;
}

extern "C" int um_cache_destroy(struct um_cache *cache)
{
	for (int nid = 0; nid < cache->nr_nodes; nid++)
		if (cache->nodes[nid]->pagesInUse())
			return -UM_EBUSY;
	um_cache_drain(cache);
	um::destroyNodes(cache, cache->nr_nodes);
	um::freeCache(cache);
	return 0;
}

extern "C" int um_cache_set_config(struct um_cache *cache,
				   const struct um_config *cfg)
{
	if (um::policy::validateConfig(*cfg))
		return -UM_EINVAL;
	um_plat_mutex_lock(cache->config_mutex);
	for (int nid = 0; nid < cache->nr_nodes; nid++)
		cache->nodes[nid]->setConfig(*cfg);
	um_plat_mutex_unlock(cache->config_mutex);
	/* A lower cap takes effect now rather than at the next free. */
	um_cache_trim(cache);
	return 0;
}

extern "C" void um_cache_get_config(struct um_cache *cache,
				    struct um_config *cfg)
{
	cache->nodes[0]->getConfig(cfg);
}

extern "C" int um_cache_alloc(struct um_cache *cache, int nid,
			      unsigned int order, unsigned int flags,
			      um_pfn_t *pfn)
{
	int err;

	if (!pfn || (flags & ~UM_ALLOC_VALID))
		err = -UM_EINVAL;
	else if (order >= um::kMaxOrder)
		err = -UM_ERANGE;
	else
		err = um::allocOn(cache, nid, order, flags, pfn);

	if (err) {
		int home = um::validNid(cache, nid) ? nid : um::homeNode(cache);

		cache->nodes[home]->noteAllocFailure(order, err);
	}
	return err;
}

extern "C" int um_cache_check_chunk(struct um_cache *cache, um_pfn_t pfn,
				    unsigned int order)
{
	int nid = um_plat_pfn_node(cache->plat, pfn);

	if (order >= um::kMaxOrder)
		return -UM_ERANGE;
	if (!um::validNid(cache, nid))
		return -UM_ENOENT;
	return cache->nodes[nid]->checkChunk(pfn, order);
}

extern "C" int um_cache_free(struct um_cache *cache, um_pfn_t pfn,
			     unsigned int order)
{
	/*
	 * Blocks come from their own node, so only that node's cache can own
	 * the page: one lookup under one lock, whatever the number of nodes.
	 * With one node there is nothing to find out (and no struct page to
	 * read on the fast path): node 0 refuses a pfn it does not hold.
	 */
	int nid = cache->nr_nodes == 1 ? 0 : um_plat_pfn_node(cache->plat, pfn);
	int err;

	if (order >= um::kMaxOrder) {
		err = -UM_ERANGE;
	} else if (!um::validNid(cache, nid)) {
		err = -UM_ENOENT;
	} else {
		err = cache->nodes[nid]->free(pfn, order);
		/* Done, or a bad free the node counted itself. */
		if (err != -UM_ENOENT)
			return err;
	}
	cache->nodes[um::validNid(cache, nid) ? nid :
		     um::homeNode(cache)]->noteBadFree();
	return err;
}

extern "C" um_u64 um_cache_shrink_count(struct um_cache *cache, int nid)
{
	um::u64 count = 0;

	um::forNodes(cache, nid,
		     [&](NodeCache &node) { count += node.shrinkCount(); });
	return count;
}

extern "C" um_u64 um_cache_shrink(struct um_cache *cache, int nid,
				  um_u64 nr_pages, unsigned int flags)
{
	um::u64 released = 0;

	/* Releases never wait for a sleeping lock: UM_SHRINK_NOWAIT is moot. */
	bool all = flags & UM_SHRINK_ALL;

	um::forNodes(cache, nid, [&](NodeCache &node) {
		if (released < nr_pages)
			released += node.shrink(nr_pages - released, all);
	});
	return released;
}

extern "C" void um_cache_trim(struct um_cache *cache)
{
	um::forNodes(cache, UM_NUMA_NO_NODE,
		     [](NodeCache &node) { node.trim(); });
}

extern "C" int um_cache_prefill(struct um_cache *cache)
{
	int first_err = 0;

	um::forNodes(cache, UM_NUMA_NO_NODE, [&](NodeCache &node) {
		if (!um_plat_node_has_memory(cache->plat, node.nid()))
			return;
		int err = node.prefill();

		if (err && !first_err)
			first_err = err;
	});
	return first_err;
}

extern "C" um_u64 um_cache_scrub(struct um_cache *cache)
{
	um::u64 zeroed = 0;

	um::forNodes(cache, UM_NUMA_NO_NODE,
		     [&](NodeCache &node) { zeroed += node.scrubFree(); });
	return zeroed;
}

namespace um {
namespace {
/*
 * A release or background scrub that another thread has under way when
 * the freeze drains keeps its pages a moment longer: look again a few
 * times before refusing.
 */
constexpr unsigned kFreezeDrainPasses = 4;
} /* namespace */
} /* namespace um */

extern "C" int um_cache_freeze(struct um_cache *cache,
			       struct um_freeze_report *rep)
{
	__builtin_memset(rep, 0, sizeof(*rep));
	um::forNodes(cache, UM_NUMA_NO_NODE, [&](NodeCache &node) {
		rep->pages_in_use += node.freeze();
	});
	for (unsigned pass = 0; !rep->pages_in_use &&
	     pass < um::kFreezeDrainPasses; pass++) {
		if (pass)
			um_plat_cond_resched(cache->plat);
		rep->pages_released += um_cache_drain(cache);
		rep->pages_kept = 0;
		um::forNodes(cache, UM_NUMA_NO_NODE, [&](NodeCache &node) {
			rep->pages_kept += node.pagesTaken();
		});
		if (!rep->pages_kept)
			return 0;
	}
	um_cache_thaw(cache);
	return -UM_EBUSY;
}

extern "C" void um_cache_thaw(struct um_cache *cache)
{
	um::forNodes(cache, UM_NUMA_NO_NODE,
		     [](NodeCache &node) { node.thaw(); });
}

extern "C" um_u64 um_cache_drain(struct um_cache *cache)
{
	um::u64 released = 0;

	um::forNodes(cache, UM_NUMA_NO_NODE,
		     [&](NodeCache &node) { released += node.drain(); });
	return released;
}

extern "C" um_u64 um_cache_drain_cpu(struct um_cache *cache, int cpu)
{
	um::u64 moved = 0;

	um::forNodes(cache, UM_NUMA_NO_NODE,
		     [&](NodeCache &node) { moved += node.drainCpu(cpu); });
	return moved;
}

extern "C" int um_cache_stats(struct um_cache *cache, int nid,
			      struct um_stats *out)
{
	um_stats one;

	__builtin_memset(out, 0, sizeof(*out));
	return um::forNodes(cache, nid, [&](NodeCache &node) {
		node.copyStats(&one);
		um::statsAccumulate(*out, one);
	});
}

extern "C" int um_cache_nodes(struct um_cache *cache)
{
	return cache->nr_nodes;
}

extern "C" unsigned int um_cache_blocks(struct um_cache *cache, int nid,
				       struct um_block_cursor *cur,
				       struct um_block_info *out,
				       unsigned int max)
{
	int last = nid == UM_NUMA_NO_NODE ? cache->nr_nodes - 1 : nid;

	if (nid != UM_NUMA_NO_NODE && cur->nid < nid)
		*cur = um_block_cursor{ nid, 0, 0 };
	if (last >= cache->nr_nodes)
		return 0;
	max = um::minOf(max, unsigned(UM_BLOCKS_PER_LOCK));
	/* One node lock per call: an empty node moves the walk on. */
	while (max && cur->nid >= 0 && cur->nid <= last) {
		um_pfn_t key = um::PfnTree::key(cur->pfn, cur->order);
		unsigned int n = cache->nodes[cur->nid]->copyBlocks(&key, out,
								     max);

		if (n) {
			cur->pfn = um::PfnTree::pfnOfKey(key);
			cur->order = um::PfnTree::orderOfKey(key);
			return n;
		}
		*cur = um_block_cursor{ cur->nid + 1, 0, 0 };
	}
	return 0;
}
