/* SPDX-License-Identifier: MIT */
/*
 * zsmalloc.h - what the policies that defer only zs_free() (v2, zsonly) need to know about
 * zsmalloc (private to sim/): which part of a release's cost is zs_free() (zscost.c), its
 * size classes and their locks, and object sizes drawn from a profile (sizeclass.c).
 */
#ifndef DS_ZSMALLOC_H
#define DS_ZSMALLOC_H

#include <stdint.h>
#include <glib.h>

#include "ds_sim.h"

/**
 * ds_zs_part() - the zs_free() share of a release that costs @sync_cost synchronously
 *
 * @sync_cost x zs_free_ns / sync_free_<backend>_ns, rounded, at most @sync_cost: exactly
 * zs_free_ns with the profile's costs, the same proportion of a recorded duration (the
 * trace times the whole notify call, not zs_free alone).  A profile with a zero sync cost
 * gives min(zs_free_ns, @sync_cost).
 */
uint64_t ds_zs_part(const struct ds_profile *prof, unsigned int be, uint64_t sync_cost);

/**
 * struct ds_zs_classes - zsmalloc's size classes for one page size and chain size
 * @page_size: bytes per page (ZS_MAX_ALLOC_SIZE)
 * @delta: ZS_SIZE_CLASS_DELTA
 * @min_size: ZS_MIN_ALLOC_SIZE (32, or the page when it is smaller)
 * @n: ZS_SIZE_CLASSES
 * @lock: per class index, the class whose lock it takes (merged classes share one)
 */
struct ds_zs_classes {
	unsigned int page_size;
	unsigned int delta;
	unsigned int min_size;
	unsigned int n;
	uint16_t *lock;
};

/* ds_zs_classes_init() - the table of zs_create_pool() with CONFIG_ZSMALLOC_CHAIN_SIZE @chain */
void ds_zs_classes_init(struct ds_zs_classes *c, unsigned int page_size, unsigned int chain);
void ds_zs_classes_clear(struct ds_zs_classes *c);
/* ds_zs_class_index() - the nominal class of an object of @size bytes */
unsigned int ds_zs_class_index(const struct ds_zs_classes *c, uint32_t size);
/* ds_zs_class_lock() - the class whose lock freeing that object takes */
unsigned int ds_zs_class_lock(const struct ds_zs_classes *c, uint32_t size);

/* ds_size_key() - the draw key of one release (seed, recorded time, pid, value) */
uint64_t ds_size_key(uint64_t seed, uint64_t rec_ts, int32_t pid, uint64_t value);

/**
 * ds_size_draw() - an object size from the profile's [sizes] (object_bytes when fixed),
 * clamped to [1, @page_size]; a pure function of @key
 */
uint32_t ds_size_draw(const struct ds_profile *prof, uint64_t key, unsigned int page_size);

#endif
