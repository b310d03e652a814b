// A door to the system's image libraries, opened with dlopen on the first
// image so zqt's start-up maps none of them (issue 11): libpng, libjpeg-turbo
// and libwebp decode PNG, JPEG and WebP; chafa turns pixels into terminal
// graphics (Unicode symbols, kitty, iTerm2, sixel). Decoding and drawing are
// theirs; this file only carries pixels in and cells or bytes out.
// Building needs libpng's and libjpeg's headers (libpng-dev, libjpeg-dev);
// chafa's headers need glib's, so the few chafa calls used are declared in
// shim.c from chafa 1.12's headers (its ABI is stable across 1.x).
#ifndef ZQT_IMAGE_SHIM_H
#define ZQT_IMAGE_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Loads the decoders (once, thread-safe). 1 when every one loaded; else 0
/// and why in `error`. A missing decoder is said when an image needs it.
int zqt_image_decoders_load(char *error, size_t error_size);
/// Loads chafa (once, thread-safe): 1 when it loaded, else 0 and why.
int zqt_image_chafa_load(char *error, size_t error_size);

/// Decoded pixels: RGBA, 8 bits a channel, not premultiplied, rows top down.
typedef struct {
    int width;
    int height;
    uint8_t *pixels;  /// free with zqt_image_free
} zqt_image;

/// Decodes PNG, JPEG or WebP bytes (told apart by their signature). Images
/// with more than `max_pixels` pixels are refused before their pixels are
/// read. 1 on success; else 0 and why in `error`.
int zqt_image_decode(const uint8_t *bytes, size_t count, int64_t max_pixels, zqt_image *out,
                     char *error, size_t error_size);
void zqt_image_free(zqt_image *image);

/// Writes RGBA pixels as a PNG file (a thumbnail) with libpng. 1 on success.
int zqt_image_write_png(const char *path, const uint8_t *rgba, int width, int height,
                        char *error, size_t error_size);

/// chafa's pixel modes (ChafaPixelMode) and canvas modes (ChafaCanvasMode).
enum { ZQT_PIXEL_SYMBOLS = 0, ZQT_PIXEL_SIXELS = 1, ZQT_PIXEL_KITTY = 2, ZQT_PIXEL_ITERM2 = 3 };
enum { ZQT_COLORS_TRUECOLOR = 0, ZQT_COLORS_256 = 1, ZQT_COLORS_240 = 2, ZQT_COLORS_16 = 3, ZQT_COLORS_FGBG = 5, ZQT_COLORS_8 = 6 };

typedef struct zqt_canvas zqt_canvas;

/// Draws pixels onto a chafa canvas of `columns` × `rows` cells, each cell
/// `cell_width` × `cell_height` pixels (used by the pixel modes). NULL
/// when chafa is not loaded.
zqt_canvas *zqt_canvas_draw(const uint8_t *rgba, int width, int height, int columns, int rows,
                            int pixel_mode, int color_mode, int cell_width, int cell_height);
void zqt_canvas_free(zqt_canvas *canvas);
/// A symbols canvas's cell: its character and its colours (palette indexes
/// in the indexed modes, 0xRRGGBB in truecolour; -1 for none).
void zqt_canvas_cell(zqt_canvas *canvas, int x, int y, uint32_t *character, int32_t *fg, int32_t *bg);
/// The canvas as the bytes a terminal is sent (the pixel modes' escape
/// sequences), malloc'ed; free with free(). NULL when chafa is not loaded.
char *zqt_canvas_print(zqt_canvas *canvas, size_t *length);

/// What chafa's terminal database finds in an environment (NULL-terminated
/// "NAME=value" strings): bit 1 kitty, 2 iTerm2, 4 sixel. 0 when unknown.
int zqt_chafa_detect(char **environment);

#endif
