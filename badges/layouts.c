/*
 * layouts.c: the name-tag stock we print on, one entry each, with the
 * geometry from the makers' sheet templates. Adding a stock is one entry.
 */
#include <string.h>

#include "badges.h"

const struct badge_layout badge_layouts[] = {
	{
		/* Perforated card inserts for DURABLE badge holders. */
		.name = "durable-1445-02",
		.stock = "DURABLE BADGEMAKER 1445-02, 54 x 90 mm, 10 on A4",
		.page_w = 210, .page_h = 297,
		.tag_w = 90, .tag_h = 54, .cols = 2, .rows = 5,
		.left = 15, .top = 13.5, .gap_x = 0, .gap_y = 0,
		.cut_marks = 0,
	},
	{
		/* Self-adhesive die-cut name badge labels. */
		.name = "herma-4412",
		.stock = "HERMA 4412, 50 x 80 mm labels, 10 on A4",
		.page_w = 210, .page_h = 297,
		.tag_w = 80, .tag_h = 50, .cols = 2, .rows = 5,
		.left = 20, .top = 23.5, .gap_x = 10, .gap_y = 0,
		.cut_marks = 0,
	},
	{
		/*
		 * Plain A4 paper cut into four A6 tags for large holders.
		 * The tags reach the paper's edge, where office printers
		 * leave 4-5 mm blank, so each keeps a white border.
		 */
		.name = "a6x4",
		.stock = "4 x A6 (105 x 148 mm) on plain A4, cut marks",
		.page_w = 210, .page_h = 297,
		.tag_w = 105, .tag_h = 148.5, .cols = 2, .rows = 2,
		.left = 0, .top = 0, .gap_x = 0, .gap_y = 0,
		.inset = 6, .cut_marks = 1,
	},
	{
		/* Badge printers with 4 x 3 inch fanfold or roll stock. */
		.name = "4x3",
		.stock = "4 x 3 inch (101.6 x 76.2 mm) badge printer stock, one a page",
		.page_w = 101.6, .page_h = 76.2,
		.tag_w = 101.6, .tag_h = 76.2, .cols = 1, .rows = 1,
		.left = 0, .top = 0, .gap_x = 0, .gap_y = 0,
		.cut_marks = 0,
	},
	{ .name = NULL }
};

const struct badge_layout *
badge_layout_find(const char *name)
{
	for (const struct badge_layout *l = badge_layouts; l->name != NULL; l++)
		if (strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

int
badge_layout_per_page(const struct badge_layout *l)
{
	return l->cols * l->rows;
}

/* The area a tag's design fills, inside its white border, in points. */
void
badge_layout_content(const struct badge_layout *l, double *w, double *h)
{
	*w = MM(l->tag_w - 2 * l->inset);
	*h = MM(l->tag_h - 2 * l->inset);
}
