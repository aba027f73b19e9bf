/*
 * store-release.h: numbered releases of an event's programme
 * (store-release.c). The live tables are the draft; a release keeps the
 * programme document as it was published and what it changed.
 */
#ifndef STORE_RELEASE_H
#define STORE_RELEASE_H

#include "techtank.h"

/* The kinds of change a release lists per session. */
#define RELEASE_NEW		"new"
#define RELEASE_CANCELLED	"cancelled"
#define RELEASE_MOVED		"moved"
#define RELEASE_ROOM		"room_changed"
#define RELEASE_CHANGED		"changed"

json_t *store_release_diff(const json_t *before, json_t *after);
json_t *store_release_index(const json_t *doc);
json_t *store_release_counts(const json_t *changes);
json_t *store_release_draft_changes(struct store *, int64_t event_id);
json_t *store_release_publish(struct store *, int64_t event_id,
	    const char *who, int64_t now, struct store_error *);
int store_release_mark_first(struct store *);
int store_release_fill(struct store *);
json_t *store_release_list(struct store *, int64_t event_id);
json_t *store_release_get(struct store *, int64_t event_id, int64_t number,
	    int *found);
/* A worker's copy of the latest release's document, kept between reads. */
struct release_cache {
	int64_t	 event_id;
	int64_t	 number;	/* of doc; 0: none */
	json_t	*doc;		/* with "release" and the seats last read */
};
struct release_cache *store_release_cache_create(void);
void store_release_cache_free(struct release_cache *);
char *store_release_public(struct store *, int64_t event_id,
	    struct release_cache *, int *unchanged);
json_t *store_release_document(struct store *, int64_t event_id);
json_t *store_release_printed(struct store *, int64_t event_id);
const json_t *store_release_document_cached(struct store *, int64_t event_id,
	    struct release_cache *, int *same);
json_t *store_release_history(struct store *, int64_t event_id);

#endif
