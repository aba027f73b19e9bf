/*
 * qr.c: QR codes for pass codes. The codes are uppercase base32 with a
 * dash, so libqrencode picks the compact alphanumeric mode; level Q
 * survives a scratched or creased badge and the code still fits version 3.
 */
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

/* The code as a size x size square (quiet zone included) at (x, y). */
int
qr_draw(cairo_t *cr, const char *code, double x, double y, double size,
    char **cause)
{
	QRcode	*qr = qr_encode(code);
	double	 module;
	int	 n;

	if (qr == NULL || qr->version > QR_MAX_VERSION) {
		if (cause != NULL)
			xasprintf(cause, "pass code %s does not fit a small "
			    "QR code", code);
		if (qr != NULL)
			QRcode_free(qr);
		return -1;
	}
	n = qr->width;
	module = size / (n + 2 * QR_QUIET);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int row = 0; row < n; row++)
		for (int col = 0; col < n; col++)
			if (qr->data[row * n + col] & 1)
				cairo_rectangle(cr,
				    x + (col + QR_QUIET) * module,
				    y + (row + QR_QUIET) * module,
				    module, module);
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(qr);
	return 0;
}
