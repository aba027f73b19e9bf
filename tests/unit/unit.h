/* unit.h: the suites of the unit-test program. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

#include "techtank.h"

Suite *suite_validate(void);
Suite *suite_token(void);
Suite *suite_reg_input(void);
Suite *suite_store(void);
Suite *suite_door(void);
Suite *suite_queue(void);
Suite *suite_store_faults(void);
Suite *suite_tzfile(void);
Suite *suite_config(void);
Suite *suite_csv(void);
Suite *suite_csv_read(void);
Suite *suite_fold(void);
Suite *suite_search(void);
Suite *suite_filename(void);
Suite *suite_programme(void);
Suite *suite_release(void);
Suite *suite_schedule(void);
Suite *suite_door_sync(void);
Suite *suite_mime(void);
Suite *suite_billing_ids(void);
Suite *suite_bgmax(void);
Suite *suite_sie(void);
Suite *suite_jsonw(void);

#endif
