/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - bit operations, an intrusive list and the invariant check.
 *
 * Freestanding: no library, no allocation. Everything is inline and works
 * on memory the caller owns.
 */
#ifndef UNMAPPED_CORE_UTIL_H
#define UNMAPPED_CORE_UTIL_H

#include "types.h"

/**
 * UM_BUG_ON() - report a broken core invariant through the platform. It
 * does not stop: the kernel WARNs, the simulator fails the test, and the
 * caller continues with a conservative choice (usually: keep the pages).
 */
#define UM_BUG_ON(plat, cond)						\
	do {								\
		if (__builtin_expect(!!(cond), 0))			\
			um_plat_bug((plat), #cond, __FILE__, __LINE__); \
	} while (0)

namespace um {

template <typename T>
constexpr T minOf(T a, T b)
{
	return a < b ? a : b;
}

template <typename T>
constexpr T maxOf(T a, T b)
{
	return a > b ? a : b;
}

/* --- bitmaps of u64 words, bit n of the map is bit n%64 of word n/64 --- */

constexpr size_t kWordBits = 64;

constexpr size_t wordsFor(size_t bits)
{
	return (bits + kWordBits - 1) / kWordBits;
}

inline bool testBit(const u64 *map, size_t n)
{
	return (map[n / kWordBits] >> (n % kWordBits)) & 1;
}

inline void setBit(u64 *map, size_t n)
{
	map[n / kWordBits] |= u64(1) << (n % kWordBits);
}

inline void clearBit(u64 *map, size_t n)
{
	map[n / kWordBits] &= ~(u64(1) << (n % kWordBits));
}

/** wordMask() - @len bits (1..64) from bit @shift of one word. */
constexpr u64 wordMask(size_t shift, size_t len)
{
	return (len >= kWordBits ? ~u64(0) : ((u64(1) << len) - 1)) << shift;
}

/*
 * First bit at or after @start that is set (or clear, @Clear), below @size;
 * @size if there is none.
 */
template <bool Clear>
inline size_t scanBits(const u64 *map, size_t size, size_t start)
{
	if (start >= size)
		return size;
	size_t w = start / kWordBits;
	u64 word = (Clear ? ~map[w] : map[w]) & (~u64(0) << (start % kWordBits));

	for (;;) {
		if (word) {
			size_t bit = w * kWordBits + __builtin_ctzll(word);

			return bit < size ? bit : size;
		}
		if (++w >= wordsFor(size))
			return size;
		word = Clear ? ~map[w] : map[w];
	}
}

/**
 * findNextBit() - first set bit at or after @start.
 * @map: the bitmap. @size: bits in it. @start: where to begin.
 * Return: the bit number, or @size if none is set.
 */
inline size_t findNextBit(const u64 *map, size_t size, size_t start)
{
	return scanBits<false>(map, size, start);
}

/** findNextZeroBit() - as findNextBit(), for a clear bit. */
inline size_t findNextZeroBit(const u64 *map, size_t size, size_t start)
{
	return scanBits<true>(map, size, start);
}

/*
 * Atomics for what lock-free readers share with lock holders (the per-CPU
 * fast path, magazine.cpp). The compiler's __atomic builtins: on x86-64
 * they are single instructions (mov, lock or, lock btr), never libatomic
 * calls, and they are what TSAN understands in the host tests.
 */
template <typename T>
inline T loadAcquire(const T *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

template <typename T>
inline void storeRelease(T *p, T v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

template <typename T>
inline bool compareExchange(T *p, T expected, T desired)
{
	return __atomic_compare_exchange_n(p, &expected, desired, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

inline bool atomicTestBit(const u64 *map, size_t n)
{
	return (loadAcquire(&map[n / kWordBits]) >> (n % kWordBits)) & 1;
}

inline void atomicSetBit(u64 *map, size_t n)
{
	__atomic_fetch_or(&map[n / kWordBits], u64(1) << (n % kWordBits),
			  __ATOMIC_RELEASE);
}

/** atomicTestAndClearBit() - true if this call cleared the bit. */
inline bool atomicTestAndClearBit(u64 *map, size_t n)
{
	u64 bit = u64(1) << (n % kWordBits);

	return __atomic_fetch_and(&map[n / kWordBits], ~bit,
				  __ATOMIC_ACQ_REL) & bit;
}

/** assignBits() - set or clear @len bits from @start, a word at a time. */
inline void assignBits(u64 *map, size_t start, size_t len, bool value)
{
	while (len) {
		size_t shift = start % kWordBits;
		size_t n = minOf(len, kWordBits - shift);
		u64 mask = wordMask(shift, n);

		if (value)
			map[start / kWordBits] |= mask;
		else
			map[start / kWordBits] &= ~mask;
		start += n;
		len -= n;
	}
}

/**
 * popcount64() - set bits in a word. Not __builtin_popcountll(): without
 * -mpopcnt gcc turns that into a call to libgcc's __popcountdi2, and the
 * kernel does not link libgcc.
 */
constexpr unsigned popcount64(u64 w)
{
	w = w - ((w >> 1) & 0x5555555555555555ull);
	w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return unsigned((w * 0x0101010101010101ull) >> 56);
}

inline size_t countBits(const u64 *map, size_t start, size_t len)
{
	size_t count = 0;

	while (len) {
		size_t shift = start % kWordBits;
		size_t n = minOf(len, kWordBits - shift);

		count += popcount64(map[start / kWordBits] &
				    wordMask(shift, n));
		start += n;
		len -= n;
	}
	return count;
}

/** highestBit() - index of the highest set bit of a non-zero mask. */
inline unsigned highestBit(u32 mask)
{
	return 31 - __builtin_clz(mask);
}

/* --- intrusive circular doubly linked list ---------------------------- */

/*
 * A ListNode is embedded in the object it links. An unlinked node has
 * next == nullptr, so membership is a pointer test (listLinked()).
 */
struct ListNode {
	ListNode *next;
	ListNode *prev;
};

inline void listInitHead(ListNode *head)
{
	head->next = head;
	head->prev = head;
}

inline bool listEmpty(const ListNode *head)
{
	return head->next == head;
}

inline bool listLinked(const ListNode *node)
{
	return node->next != nullptr;
}

inline void listInsertBetween(ListNode *node, ListNode *prev, ListNode *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

inline void listAddHead(ListNode *head, ListNode *node)
{
	listInsertBetween(node, head, head->next);
}

inline void listAddTail(ListNode *head, ListNode *node)
{
	listInsertBetween(node, head->prev, head);
}

inline void listDel(ListNode *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = nullptr;
	node->prev = nullptr;
}

/**
 * containerOf() - the object that embeds @node at byte offset @offset.
 * The core's linked types are standard-layout structs, so offsetof() is
 * well defined for them.
 */
template <typename T>
inline T *containerOf(ListNode *node, size_t offset)
{
	return reinterpret_cast<T *>(reinterpret_cast<char *>(node) - offset);
}

} /* namespace um */

#endif /* UNMAPPED_CORE_UTIL_H */
