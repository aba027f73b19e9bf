/*
 * test-queue.c: the one work queue (daemon/queue.c) driven from many
 * threads at once: every item pushed is taken exactly once, in its
 * producer's order, with batches no larger than asked for; closing wakes
 * every waiter and still hands out what is left. Runs under ASan too.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "unit.h"
#include "techtankd.h"

#define PRODUCERS	8
#define CONSUMERS	4
#define PER_PRODUCER	20000
#define BATCH		7

struct item {
	struct queue_item	 link;
	int			 producer;
	int			 seq;
};

static struct queue	 q;
static struct item	*items;
static atomic_int	 taken[PRODUCERS * PER_PRODUCER];
static atomic_int	 out_of_order, too_big;
static int		 last_seen[CONSUMERS][PRODUCERS];

static void *
producer(void *arg)
{
	int	p = (int)(intptr_t)arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct item	*it = &items[p * PER_PRODUCER + i];

		it->producer = p;
		it->seq = i;
		/* A stale link must never drag other items along. */
		it->link.next = (struct queue_item *)&items[0];
		queue_push(&q, &it->link);
	}
	return NULL;
}

static void *
consumer(void *arg)
{
	int			 c = (int)(intptr_t)arg;
	struct queue_item	*list, *next;
	int			 n;

	for (int p = 0; p < PRODUCERS; p++)
		last_seen[c][p] = -1;
	while ((list = queue_take(&q, BATCH, -1)) != NULL) {
		for (n = 0; list != NULL; list = next, n++) {
			struct item	*it = (struct item *)list;

			next = list->next;
			atomic_fetch_add(&taken[it->producer * PER_PRODUCER +
			    it->seq], 1);
			/* One consumer sees each producer's items in order. */
			if (it->seq <= last_seen[c][it->producer])
				atomic_fetch_add(&out_of_order, 1);
			last_seen[c][it->producer] = it->seq;
		}
		if (n > BATCH)
			atomic_fetch_add(&too_big, 1);
	}
	return NULL;
}

START_TEST(many_producers_many_consumers)
{
	pthread_t	pt[PRODUCERS], ct[CONSUMERS];

	items = calloc(PRODUCERS * PER_PRODUCER, sizeof *items);
	ck_assert_ptr_nonnull(items);
	queue_init(&q, NULL, NULL);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_create(&ct[i], NULL, consumer, (void *)(intptr_t)i);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_create(&pt[i], NULL, producer, (void *)(intptr_t)i);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(pt[i], NULL);
	queue_close(&q);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(ct[i], NULL);
	for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
		ck_assert_int_eq(atomic_load(&taken[i]), 1);
	ck_assert_int_eq(atomic_load(&out_of_order), 0);
	ck_assert_int_eq(atomic_load(&too_big), 0);
	ck_assert_ptr_null(queue_take(&q, 0, 0));
	ck_assert(queue_closed(&q));
	queue_destroy(&q);
	free(items);
}
END_TEST

static int	woken;

static void
count_wake(void *arg)
{
	(void)arg;
	woken++;
}

START_TEST(take_without_waiting_and_with_a_time_limit)
{
	struct queue	 wq;
	struct item	 a = { 0 }, b = { 0 };
	struct queue_item *got;
	int64_t		 t0;

	queue_init(&wq, count_wake, NULL);
	ck_assert_ptr_null(queue_take(&wq, 0, 0));
	t0 = timefmt_now_usec();
	ck_assert_ptr_null(queue_take(&wq, 0, 50));
	ck_assert_int_ge(timefmt_now_usec() - t0, 45000);
	ck_assert(!queue_closed(&wq));
	queue_push(&wq, &a.link);
	queue_push(&wq, &b.link);
	ck_assert_int_eq(woken, 2);
	got = queue_take(&wq, 1, 0);
	ck_assert_ptr_eq(got, &a.link);
	ck_assert_ptr_null(got->next);
	queue_close(&wq);
	ck_assert(!queue_closed(&wq));	/* b is still there */
	ck_assert_ptr_eq(queue_take(&wq, 0, -1), &b.link);
	ck_assert(queue_closed(&wq));
	ck_assert_ptr_null(queue_take(&wq, 0, -1));
	queue_destroy(&wq);
}
END_TEST

Suite *
suite_queue(void)
{
	Suite	*s = suite_create("queue");
	TCase	*tc = tcase_create("queue");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, many_producers_many_consumers);
	tcase_add_test(tc, take_without_waiting_and_with_a_time_limit);
	suite_add_tcase(s, tc);
	return s;
}
