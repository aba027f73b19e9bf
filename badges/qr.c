/*
 * qr.c: QR codes for pass codes. The codes are uppercase base32 with a
 * dash, so libqrencode picks the compact alphanumeric mode; level Q
 * survives a scratched or creased badge and the code still fits version 3.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <qrencode.h>

#include "badges.h"

#define QR_LEVEL	QR_ECLEVEL_Q
#define QR_MAX_VERSION	4
#define QR_QUIET	4	/* modules of white border, as the standard asks */

static QRcode *
qr_encode(const char *code)
{
	return QRcode_encodeString(code, 0, QR_LEVEL, QR_MODE_8, 1);
}

int
qr_version(const char *code)
{
	QRcode	*qr = qr_encode(code);
	int	 v;

	if (qr == NULL)
		return -1;
	v = qr->version;
	QRcode_free(qr);
	return v;
}

/*
 * The code as a size x size square (quiet zone included) at (x, y): one
 * pixel per module, scaled without smoothing, so a PDF carries a tiny
 * image rather than hundreds of rectangles.
 */
int
qr_draw(cairo_t *cr, const char *code, double x, double y, double size,
    char **cause)
{
	QRcode		*qr = qr_encode(code);
	cairo_surface_t	*img;
	cairo_pattern_t	*pat;
	unsigned char	*px;
	int		 n, side, stride;

	if (qr == NULL || qr->version > QR_MAX_VERSION) {
		if (cause != NULL)
			xasprintf(cause, "pass code %s does not fit a small "
			    "QR code", code);
		if (qr != NULL)
			QRcode_free(qr);
		return -1;
	}
	n = qr->width;
	side = n + 2 * QR_QUIET;
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	cairo_surface_flush(img);
	px = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	for (int row = 0; row < side; row++) {
		uint32_t	*line = (uint32_t *)(px + row * stride);

		for (int col = 0; col < side; col++) {
			int	r = row - QR_QUIET, c = col - QR_QUIET;
			int	dark = r >= 0 && r < n && c >= 0 && c < n &&
			    (qr->data[r * n + c] & 1);

			line[col] = dark ? 0x000000 : 0xffffff;
		}
	}
	cairo_surface_mark_dirty(img);
	QRcode_free(qr);

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, size / side, size / side);
	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_set_source(cr, pat);
	cairo_rectangle(cr, 0, 0, side, side);
	cairo_fill(cr);
	cairo_pattern_destroy(pat);
	cairo_surface_destroy(img);
	cairo_restore(cr);
	return 0;
}

/*
 * The code as an SVG image, for a page to show: one path of unit squares
 * in a viewBox of modules (quiet zone included), drawn crisp at any size.
 * Returns a string the caller frees, or NULL when the code does not fit.
 */
char *
qr_svg(const char *code)
{
	QRcode	*qr = qr_encode(code);
	char	*svg = NULL, *path = NULL, *grown;
	size_t	 len = 0, cap = 0;
	int	 n, side;

	if (qr == NULL || qr->version > QR_MAX_VERSION)
		goto out;
	n = qr->width;
	side = n + 2 * QR_QUIET;
	for (int r = 0; r < n; r++)
		for (int c = 0; c < n; c++) {
			if (!(qr->data[r * n + c] & 1))
				continue;
			if (len + 32 > cap) {
				cap = cap == 0 ? 4096 : cap * 2;
				path = xreallocarray(path, cap, 1);
			}
			len += (size_t)snprintf(path + len, cap - len,
			    "M%d %dh1v1h-1z", c + QR_QUIET, r + QR_QUIET);
		}
	xasprintf(&grown, "<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"%s\"/></svg>\n", side, side, side, side,
	    path != NULL ? path : "");
	svg = grown;
out:
	free(path);
	if (qr != NULL)
		QRcode_free(qr);
	return svg;
}
