/*
 * test-release.c: what a release changed, from the index of the release
 * before and the programme document of the draft (store_release_diff()):
 * each kind of change, a session's sequence raised by a move or a room,
 * not by a title, a session gone, one cancelled before any release showed
 * it, a deleted session's id taken again by a new one, and the counts;
 * and on the demo database, its release 1 as the document the exports and
 * the printed programme read, the draft's edits not in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "store-release.h"

/* A programme document of one day from a JSON array of sessions. */
static json_t *
doc(const char *sessions)
{
	json_t	*list = json_loads(sessions, 0, NULL);

	ck_assert_ptr_nonnull(list);
	return json_pack("{s:[{s:s, s:o}]}", "days", "date", "2027-11-30",
	    "sessions", list);
}

#define S(id, start, room, title, extra) \
	"{\"id\": " #id ", \"title\": \"" title "\", \"starts_at\": \"" start \
	"\", \"ends_at\": \"2027-11-30T18:00:00+01:00\", \"room\": " room \
	", \"speakers\": [], \"cancelled\": false" extra "}"
#define ROOM1 "{\"id\": 1, \"name\": \"Stora salen\"}"
#define ROOM2 "{\"id\": 2, \"name\": \"Sal B\"}"
#define T9 "2027-11-30T09:00:00+01:00"
#define T10 "2027-11-30T10:00:00+01:00"

static json_t *
index_of(const char *sessions)
{
	json_t	*d = doc(sessions), *changes, *index;

	changes = store_release_diff(NULL, d);
	index = store_release_index(d);
	json_decref(changes);
	json_decref(d);
	return index;
}

static const char *
kinds_of(json_t *changes, int64_t id, char *buf, size_t len)
{
	json_t	*c, *k;
	size_t	 i, j;

	buf[0] = '\0';
	json_array_foreach(changes, i, c) {
		if (json_integer_value(json_object_get(json_object_get(c,
		    "session"), "id")) != id)
			continue;
		json_array_foreach(json_object_get(c, "kinds"), j, k) {
			strncat(buf, json_string_value(k), len - strlen(buf) - 2);
			strcat(buf, " ");
		}
	}
	return buf;
}

static int64_t
sequence_of(json_t *d, int64_t id)
{
	json_t	*s;
	size_t	 i;

	json_array_foreach(json_object_get(json_array_get(json_object_get(d,
	    "days"), 0), "sessions"), i, s)
		if (json_integer_value(json_object_get(s, "id")) == id)
			return json_integer_value(json_object_get(s, "sequence"));
	return -1;
}

START_TEST(each_kind_of_change_and_the_sequences)
{
	json_t	*before, *after, *changes, *counts;
	char	 buf[128];

	before = index_of("[" S(1, T9, ROOM1, "Ett", "") ","
	    S(2, T9, ROOM2, "Två", "") "," S(3, T10, ROOM1, "Tre", "") ","
	    S(4, T10, ROOM2, "Fyra", "") "," S(5, T10, "null", "Fem", "") "]");
	after = doc("[" S(1, T10, ROOM1, "Ett", "") ","
	    S(2, T9, ROOM1, "Två", "") "," S(3, T10, ROOM1, "Tre & <tre>", "")
	    "," S(4, T10, ROOM2, "Fyra", ", \"cancelled\": true") ","
	    S(6, T9, ROOM2, "Sex", "") ","
	    S(7, T9, ROOM2, "Sju", ", \"cancelled\": true") "]");
	changes = store_release_diff(before, after);
	ck_assert_str_eq(kinds_of(changes, 1, buf, sizeof buf), "moved ");
	ck_assert_str_eq(kinds_of(changes, 2, buf, sizeof buf), "room_changed ");
	ck_assert_str_eq(kinds_of(changes, 3, buf, sizeof buf), "changed ");
	ck_assert_str_eq(kinds_of(changes, 4, buf, sizeof buf), "cancelled ");
	ck_assert_str_eq(kinds_of(changes, 5, buf, sizeof buf), "cancelled ");
	ck_assert_str_eq(kinds_of(changes, 6, buf, sizeof buf), "new ");
	/* Made and cancelled between two releases: in neither. */
	ck_assert_str_eq(kinds_of(changes, 7, buf, sizeof buf), "");
	ck_assert_int_eq(sequence_of(after, 7), -1);
	ck_assert_int_eq(sequence_of(after, 1), 1);
	ck_assert_int_eq(sequence_of(after, 2), 1);
	ck_assert_int_eq(sequence_of(after, 3), 0);
	ck_assert_int_eq(sequence_of(after, 6), 0);
	counts = store_release_counts(changes);
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "cancelled")),
	    2);
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "sessions")),
	    6);
	json_decref(counts);
	json_decref(changes);
	json_decref(before);
	json_decref(after);
}
END_TEST

START_TEST(a_taken_id_with_another_uid_is_a_new_session)
{
	json_t	*before, *after, *changes;
	char	 buf[128];

	before = index_of("[" S(1, T9, ROOM1, "Ett", ", \"uid\": \"a\"") "]");
	after = doc("[" S(1, T9, ROOM1, "Ett", ", \"uid\": \"b\"") "]");
	changes = store_release_diff(before, after);
	ck_assert_str_eq(kinds_of(changes, 1, buf, sizeof buf), "new cancelled ");
	ck_assert_int_eq(json_array_size(changes), 2);
	ck_assert(json_is_true(json_object_get(json_array_get(changes, 1),
	    "gone")));
	json_decref(changes);
	json_decref(after);
	/* A release without uids, a draft with them: the same sessions. */
	after = doc("[" S(1, T9, ROOM1, "Ett", ", \"uid\": \"b\","
	    " \"title_en\": \"\"") "]");
	json_decref(before);
	before = index_of("[" S(1, T9, ROOM1, "Ett", "") "]");
	changes = store_release_diff(before, after);
	ck_assert_int_eq(json_array_size(changes), 0);
	json_decref(changes);
	json_decref(before);
	json_decref(after);
}
END_TEST

START_TEST(sequences_add_up_over_releases)
{
	json_t	*before, *after, *changes;

	before = index_of("[" S(1, T9, ROOM1, "Ett", "") "]");
	for (int n = 1; n <= 3; n++) {
		after = doc(n % 2 ? "[" S(1, T10, ROOM1, "Ett", "") "]" :
		    "[" S(1, T9, ROOM1, "Ett", "") "]");
		changes = store_release_diff(before, after);
		ck_assert_int_eq(sequence_of(after, 1), n);
		json_decref(changes);
		json_decref(before);
		before = store_release_index(after);
		json_decref(after);
	}
	/* Cancelled: no raise; back somewhere else: new, and raised. */
	after = doc("[" S(1, T9, ROOM1, "Ett", ", \"cancelled\": true") "]");
	json_decref(store_release_diff(before, after));
	ck_assert_int_eq(sequence_of(after, 1), 3);
	json_decref(before);
	before = store_release_index(after);
	json_decref(after);
	after = doc("[" S(1, T9, ROOM2, "Ett", "") "]");
	changes = store_release_diff(before, after);
	ck_assert_int_eq(sequence_of(after, 1), 4);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(
	    json_array_get(changes, 0), "kinds"), 0)), "new");
	json_decref(changes);
	json_decref(before);
	json_decref(after);
}
END_TEST

START_TEST(the_demo_is_published_and_the_draft_is_not)
{
	char			 path[64], other[80], *cause = NULL, *text;
	struct store		*st;
	struct store_error	 err;
	json_t			*d, *r;

	snprintf(path, sizeof path, "/tmp/tt-release-%d-XXXXXX", getpid());
	ck_assert_int_ne(mkstemp(path), -1);
	unlink(path);
	st = store_open(path, STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
	d = store_release_document(st, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(d,
	    "release"), "number")), 1);
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(
	    json_array_get(json_object_get(d, "days"), 0), "sessions"), 0),
	    "remaining"));
	json_decref(d);
	ck_assert_int_eq(store_run(st, "UPDATE sessions SET title = 'Utkast'"
	    " WHERE id = 1"), 0);
	d = store_release_document(st, 1);
	text = json_dumps(d, 0);
	ck_assert_ptr_null(strstr(text, "Utkast"));
	free(text);
	json_decref(d);
	memset(&err, 0, sizeof err);
	ck_assert_int_eq(store_run(st, "BEGIN IMMEDIATE"), 0);
	r = store_release_publish(st, 1, "olle", 1800000000, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(store_run(st, "COMMIT"), 0);
	json_decref(r);
	ck_assert_ptr_null(store_release_publish(st, 1, "olle", 1800000001,
	    &err));
	ck_assert_str_eq(err.code, "nothing_changed");
	store_error_clear(&err);
	ck_assert_ptr_null(store_release_document(st, 99));
	store_close(st);
	unlink(path);
	snprintf(other, sizeof other, "%s-wal", path);
	unlink(other);
	snprintf(other, sizeof other, "%s-shm", path);
	unlink(other);
}
END_TEST

Suite *
suite_release(void)
{
	Suite	*s = suite_create("release");
	TCase	*tc = tcase_create("diff");

	tcase_add_test(tc, each_kind_of_change_and_the_sequences);
	tcase_add_test(tc, a_taken_id_with_another_uid_is_a_new_session);
	tcase_add_test(tc, sequences_add_up_over_releases);
	tcase_add_test(tc, the_demo_is_published_and_the_draft_is_not);
	suite_add_tcase(s, tc);
	return s;
}
