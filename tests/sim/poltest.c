// SPDX-License-Identifier: MIT
/*
 * poltest.c - see poltest.h.
 */
#include "poltest.h"

void poltest_params(struct ds_params *p, const char *policy)
{
	simtest_params(p);
	g_assert_true(ds_params_set(p, "policy", policy, NULL));
	p->check_invariants = true;
}

void poltest_assert_conservation(const struct ds_results *r, const struct simtest_counts *c)
{
	/* simtest_assert_conservation() checks less under sync: these policies defer */
	g_assert_cmpstr(r->policy, !=, "sync");
	simtest_assert_conservation(r, c);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		const struct ds_backend_result *x = &r->be[be];

		g_assert_cmpuint(x->stale_drains, ==, 0);
		g_assert_cmpuint(x->slot_reuse_pending, ==, 0);
		g_assert_cmpuint(x->pushed, ==, x->drained);
		g_assert_cmpuint(x->fallbacks_lock, <=, x->fallbacks);
	}
}
