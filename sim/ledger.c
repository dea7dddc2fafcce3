// SPDX-License-Identifier: MIT
/*
 * ledger.c - the conservation ledger (params.check_invariants only): one byte per release,
 * indexed by release sequence number, counting how often it was freed.  It grows with the
 * number of releases, which is why it is off unless invariants are checked.
 */
#include "engine.h"

void ds_ledger_record_add(struct ds_engine *eng, uint64_t id)
{
	guint8 zero = 0;

	g_assert(id == eng->ledger->len);
	g_byte_array_append(eng->ledger, &zero, 1);
}

void ds_ledger_record_free(struct ds_engine *eng, uint64_t id)
{
	guint8 *b;

	g_assert(id < eng->ledger->len);
	b = &eng->ledger->data[id];
	if (*b)
		eng->r->inv.freed_twice++;
	if (*b < 255)
		(*b)++;
}

void ds_ledger_finish(struct ds_engine *eng)
{
	if (!eng->ledger)
		return;
	eng->r->inv.checked = true;
	for (guint i = 0; i < eng->ledger->len; i++)
		if (!eng->ledger->data[i])
			eng->r->inv.never_freed++;
}
