/*
 * api-invitations.c: GET /api/v1/invitations/{code}, what an invitation
 * link opens: the event, in the shape of GET /api/v1/event, with the one
 * ticket type whose code it is, hidden or not. The register page books it
 * by sending the code as "invitation". Any code that is not a ticket
 * type's now (mistyped, renewed, of an archived event, not even of the
 * right shape) gets the same 404, and the access log shows the route,
 * never the code.
 */
#include <string.h>

#include "techtankd.h"

static void
api_invitation_get(struct http_req *hr)
{
	const char	*code = hr->args[0];
	json_t		*inv = NULL;
	int		 found = 0;

	if (token_invitation_valid(code, strlen(code)))
		inv = store_invitation_json(hr->w->store, code, &found);
	if (found == 0) {
		http_reply_error(hr, 404, "not_found", "no invitation has this "
		    "code", NULL);
		return;
	}
	http_reply_read(hr, inv);
}

const struct route api_invitations_routes[] = {
	{ .path = "/api/v1/invitations/*", .methods = M_GET, .secret = 1,
	  .handler = api_invitation_get },
	{ .path = NULL }
};
