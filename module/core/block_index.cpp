// SPDX-License-Identifier: GPL-2.0-only
/*
 * block_index.cpp - the lock-free pfn -> block index of the fast free.
 */
#include "block_index.h"

namespace um {

void BlockIndex::init(um_platform *plat, int nid)
{
	um_pfn_t start, end;

	plat_ = plat;
	nid_ = nid;
	leaves_ = nullptr;
	nr_leaves_ = 0;
	um_plat_node_span(plat, nid, &start, &end);
	first_slot_ = start >> kSlotOrder;
	if (end <= start)
		return;

	u64 slots = ((end - 1) >> kSlotOrder) - first_slot_ + 1;
	u64 leaves = (slots + kLeafSlots - 1) >> kLeafShift;

	leaves_ = static_cast<Leaf **>(
		um_plat_meta_alloc(plat, leaves * sizeof(Leaf *), nid));
	if (leaves_)
		nr_leaves_ = leaves;
}

void BlockIndex::fini()
{
	for (u64 i = 0; i < nr_leaves_; i++)
		if (leaves_[i])
			um_plat_meta_free(plat_, leaves_[i]);
	if (leaves_)
		um_plat_meta_free(plat_, leaves_);
	leaves_ = nullptr;
	nr_leaves_ = 0;
}

bool BlockIndex::locate(um_pfn_t pfn, u64 *leaf, u64 *slot) const
{
	u64 s = pfn >> kSlotOrder;

	if (s < first_slot_)
		return false;
	s -= first_slot_;
	if ((s >> kLeafShift) >= nr_leaves_)
		return false;
	*leaf = s >> kLeafShift;
	*slot = s & (kLeafSlots - 1);
	return true;
}

bool BlockIndex::prepare(um_pfn_t pfn, unsigned order)
{
	u64 leaf, slot;

	if (order < kSlotOrder || !locate(pfn, &leaf, &slot))
		return false;
	/* A 4 MiB block's two slots are in one leaf: it is aligned to 4 MiB. */
	if (loadAcquire(&leaves_[leaf]))
		return true;

	Leaf *fresh = static_cast<Leaf *>(
		um_plat_meta_alloc(plat_, sizeof(Leaf), nid_));

	if (!fresh)
		return false;
	/* Two refills may race here; the loser frees its copy. */
	if (!compareExchange(&leaves_[leaf], static_cast<Leaf *>(nullptr), fresh))
		um_plat_meta_free(plat_, fresh);
	return true;
}

void BlockIndex::store(Block *b, Block *value, bool only_if_b)
{
	u64 leaf, slot;

	if (b->order < kSlotOrder || !locate(b->base, &leaf, &slot))
		return;

	Leaf *l = loadAcquire(&leaves_[leaf]);

	if (!l)
		return;
	for (u64 i = 0; i < (u64(1) << (b->order - kSlotOrder)); i++) {
		if (only_if_b)
			compareExchange(&l->slot[slot + i], b, value);
		else
			storeRelease(&l->slot[slot + i], value);
	}
}

void BlockIndex::insertLocked(Block *b)
{
	store(b, b, false);
}

void BlockIndex::eraseLocked(Block *b)
{
	store(b, nullptr, true);
}

Block *BlockIndex::lookup(um_pfn_t pfn) const
{
	u64 leaf, slot;

	if (!locate(pfn, &leaf, &slot))
		return nullptr;

	Leaf *l = loadAcquire(&leaves_[leaf]);

	return l ? loadAcquire(&l->slot[slot]) : nullptr;
}

} /* namespace um */
