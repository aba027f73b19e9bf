/* unit-main.c: runs every unit-test suite; exits non-zero on any failure. */
#include <stdlib.h>

#include <sodium.h>

#include "unit.h"

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (sodium_init() < 0)
		return 1;
	log_init("unit-tests");
	sr = srunner_create(suite_validate());
	srunner_add_suite(sr, suite_token());
	srunner_add_suite(sr, suite_reg_input());
	srunner_add_suite(sr, suite_store());
	srunner_add_suite(sr, suite_door());
	srunner_add_suite(sr, suite_queue());
	srunner_add_suite(sr, suite_store_faults());
	srunner_add_suite(sr, suite_tzfile());
	srunner_add_suite(sr, suite_config());
	srunner_add_suite(sr, suite_csv());
	srunner_add_suite(sr, suite_csv_read());
	srunner_add_suite(sr, suite_fold());
	srunner_add_suite(sr, suite_search());
	srunner_add_suite(sr, suite_filename());
	srunner_add_suite(sr, suite_programme());
	srunner_add_suite(sr, suite_release());
	srunner_add_suite(sr, suite_schedule());
	srunner_add_suite(sr, suite_door_sync());
	srunner_add_suite(sr, suite_mime());
	srunner_add_suite(sr, suite_billing_ids());
	srunner_add_suite(sr, suite_bgmax());
	srunner_add_suite(sr, suite_sie());
	srunner_add_suite(sr, suite_jsonw());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
