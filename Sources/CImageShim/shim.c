// See include/CImageShim.h.
#include "CImageShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <jpeglib.h>

// MARK: Loading

static struct {
    __typeof__(png_image_begin_read_from_memory) *begin_read;
    __typeof__(png_image_finish_read) *finish_read;
    __typeof__(png_image_free) *free_image;
    __typeof__(png_image_write_to_file) *write_to_file;
} png;

static struct {
    __typeof__(jpeg_std_error) *std_error;
    __typeof__(jpeg_CreateDecompress) *create_decompress;
    __typeof__(jpeg_mem_src) *mem_src;
    __typeof__(jpeg_read_header) *read_header;
    __typeof__(jpeg_start_decompress) *start_decompress;
    __typeof__(jpeg_read_scanlines) *read_scanlines;
    __typeof__(jpeg_finish_decompress) *finish_decompress;
    __typeof__(jpeg_destroy_decompress) *destroy_decompress;
} jpeg;

// libwebp's decode.h, the three calls used (WebPFree since 1.0).
static struct {
    int (*get_info)(const uint8_t *, size_t, int *, int *);
    uint8_t *(*decode_rgba)(const uint8_t *, size_t, int *, int *);
    void (*free_memory)(void *);
} webp;

// chafa 1.12's calls, declared from its headers (which need glib's to build).
typedef struct { char *str; size_t len; size_t allocated_len; } GStringLike;
static struct {
    void *(*config_new)(void);
    void (*config_unref)(void *);
    void (*config_set_geometry)(void *, int, int);
    void (*config_set_cell_geometry)(void *, int, int);
    void (*config_set_canvas_mode)(void *, int);
    void (*config_set_pixel_mode)(void *, int);
    void (*config_set_symbol_map)(void *, const void *);
    void (*config_set_work_factor)(void *, float);
    void *(*symbol_map_new)(void);
    void (*symbol_map_add_by_tags)(void *, int);
    void (*symbol_map_unref)(void *);
    void *(*canvas_new)(const void *);
    void (*canvas_unref)(void *);
    void (*canvas_draw_all_pixels)(void *, int, const uint8_t *, int, int, int);
    uint32_t (*canvas_get_char_at)(void *, int, int);
    void (*canvas_get_raw_colors_at)(void *, int, int, int *, int *);
    GStringLike *(*canvas_print)(void *, void *);
    void *(*term_db_get_default)(void);
    void *(*term_db_detect)(void *, char **);
    void *(*term_db_get_fallback_info)(void *);
    int (*term_info_have_seq)(const void *, int);
    void (*term_info_unref)(void *);
    char *(*g_string_free)(GStringLike *, int);
} chafa;

// chafa's enum values used (chafa 1.12 headers).
enum {
    CHAFA_PIXEL_RGBA8_UNASSOCIATED_ = 4,
    CHAFA_SYMBOL_TAG_SPACE_ = 1 << 0,
    CHAFA_SYMBOL_TAG_BLOCK_ = 1 << 3,
    CHAFA_SYMBOL_TAG_QUAD_ = 1 << 7,
    CHAFA_SYMBOL_TAG_HALF_ = (1 << 8) | (1 << 9),
    CHAFA_TERM_SEQ_BEGIN_SIXELS_ = 40,
    CHAFA_TERM_SEQ_BEGIN_KITTY_IMMEDIATE_IMAGE_V1_ = 43,
    CHAFA_TERM_SEQ_BEGIN_ITERM2_IMAGE_ = 47,
};

static pthread_once_t decoders_once = PTHREAD_ONCE_INIT, chafa_once = PTHREAD_ONCE_INIT;
static int have_png, have_jpeg, have_webp, have_chafa;
static char png_fault[200] = "", jpeg_fault[200] = "", webp_fault[200] = "", chafa_fault[240] = "";
static void *fallback_info;

static void *open_library(const char *const *names, char *error, size_t size, const char *package) {
    for (const char *const *name = names; *name; name++) {
        void *library = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (library) return library;
    }
    snprintf(error, size, "%s is missing: install the %s package (%s)", names[0], package, dlerror());
    return NULL;
}

#define SYMBOL(table, field, library, name, error, flag) \
    if (flag && !(*(void **)&table.field = dlsym(library, name))) { \
        snprintf(error, sizeof error, "the system's library lacks %s", name); \
        flag = 0; \
    }

static void load_decoders(void) {
    static const char *const png_names[] = {"libpng16.so.16", NULL};
    // The library whose ABI the header describes (jpeg_CreateDecompress checks it).
#if JPEG_LIB_VERSION >= 80
    static const char *const jpeg_names[] = {"libjpeg.so.8", "libjpeg.so", NULL};
#else
    static const char *const jpeg_names[] = {"libjpeg.so.62", "libjpeg.so", NULL};
#endif
    static const char *const webp_names[] = {"libwebp.so.7", "libwebp.so.6", NULL};
    void *library = open_library(png_names, png_fault, sizeof png_fault, "libpng16-16");
    have_png = library != NULL;
    SYMBOL(png, begin_read, library, "png_image_begin_read_from_memory", png_fault, have_png)
    SYMBOL(png, finish_read, library, "png_image_finish_read", png_fault, have_png)
    SYMBOL(png, free_image, library, "png_image_free", png_fault, have_png)
    SYMBOL(png, write_to_file, library, "png_image_write_to_file", png_fault, have_png)
    library = open_library(jpeg_names, jpeg_fault, sizeof jpeg_fault, "libjpeg62-turbo");
    have_jpeg = library != NULL;
    SYMBOL(jpeg, std_error, library, "jpeg_std_error", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, create_decompress, library, "jpeg_CreateDecompress", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, mem_src, library, "jpeg_mem_src", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, read_header, library, "jpeg_read_header", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, start_decompress, library, "jpeg_start_decompress", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, read_scanlines, library, "jpeg_read_scanlines", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, finish_decompress, library, "jpeg_finish_decompress", jpeg_fault, have_jpeg)
    SYMBOL(jpeg, destroy_decompress, library, "jpeg_destroy_decompress", jpeg_fault, have_jpeg)
    library = open_library(webp_names, webp_fault, sizeof webp_fault, "libwebp7");
    have_webp = library != NULL;
    SYMBOL(webp, get_info, library, "WebPGetInfo", webp_fault, have_webp)
    SYMBOL(webp, decode_rgba, library, "WebPDecodeRGBA", webp_fault, have_webp)
    SYMBOL(webp, free_memory, library, "WebPFree", webp_fault, have_webp)
}

static void load_chafa(void) {
    static const char *const names[] = {"libchafa.so.0", NULL};
    void *library = open_library(names, chafa_fault, sizeof chafa_fault, "libchafa0");
    have_chafa = library != NULL;
    SYMBOL(chafa, config_new, library, "chafa_canvas_config_new", chafa_fault, have_chafa)
    SYMBOL(chafa, config_unref, library, "chafa_canvas_config_unref", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_geometry, library, "chafa_canvas_config_set_geometry", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_cell_geometry, library, "chafa_canvas_config_set_cell_geometry", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_canvas_mode, library, "chafa_canvas_config_set_canvas_mode", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_pixel_mode, library, "chafa_canvas_config_set_pixel_mode", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_symbol_map, library, "chafa_canvas_config_set_symbol_map", chafa_fault, have_chafa)
    SYMBOL(chafa, config_set_work_factor, library, "chafa_canvas_config_set_work_factor", chafa_fault, have_chafa)
    SYMBOL(chafa, symbol_map_new, library, "chafa_symbol_map_new", chafa_fault, have_chafa)
    SYMBOL(chafa, symbol_map_add_by_tags, library, "chafa_symbol_map_add_by_tags", chafa_fault, have_chafa)
    SYMBOL(chafa, symbol_map_unref, library, "chafa_symbol_map_unref", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_new, library, "chafa_canvas_new", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_unref, library, "chafa_canvas_unref", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_draw_all_pixels, library, "chafa_canvas_draw_all_pixels", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_get_char_at, library, "chafa_canvas_get_char_at", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_get_raw_colors_at, library, "chafa_canvas_get_raw_colors_at", chafa_fault, have_chafa)
    SYMBOL(chafa, canvas_print, library, "chafa_canvas_print", chafa_fault, have_chafa)
    SYMBOL(chafa, term_db_get_default, library, "chafa_term_db_get_default", chafa_fault, have_chafa)
    SYMBOL(chafa, term_db_detect, library, "chafa_term_db_detect", chafa_fault, have_chafa)
    SYMBOL(chafa, term_db_get_fallback_info, library, "chafa_term_db_get_fallback_info", chafa_fault, have_chafa)
    SYMBOL(chafa, term_info_have_seq, library, "chafa_term_info_have_seq", chafa_fault, have_chafa)
    SYMBOL(chafa, term_info_unref, library, "chafa_term_info_unref", chafa_fault, have_chafa)
    // glib comes with chafa: dlsym on chafa's handle searches its dependencies.
    SYMBOL(chafa, g_string_free, library, "g_string_free", chafa_fault, have_chafa)
    // The fallback info holds every protocol's sequences: the bytes printed
    // are the protocol's, whatever terminal the database guessed.
    if (have_chafa) fallback_info = chafa.term_db_get_fallback_info(chafa.term_db_get_default());
}

int zqt_image_decoders_load(char *error, size_t error_size) {
    pthread_once(&decoders_once, load_decoders);
    if (have_png && have_jpeg && have_webp) return 1;
    snprintf(error, error_size, "%s", !have_png ? png_fault : !have_jpeg ? jpeg_fault : webp_fault);
    return 0;
}

int zqt_image_chafa_load(char *error, size_t error_size) {
    pthread_once(&chafa_once, load_chafa);
    if (have_chafa) return 1;
    snprintf(error, error_size, "%s", chafa_fault);
    return 0;
}

// MARK: Decoding

static int too_large(int64_t width, int64_t height, int64_t max_pixels, char *error, size_t size) {
    if (width <= 0 || height <= 0) {
        snprintf(error, size, "the image has no pixels (%lld×%lld)", (long long)width, (long long)height);
        return 1;
    }
    if (width > 65535 || height > 65535 || width * height > max_pixels) {
        snprintf(error, size, "the image is too large to show (%lld×%lld pixels)", (long long)width, (long long)height);
        return 1;
    }
    return 0;
}

static int decode_png(const uint8_t *bytes, size_t count, int64_t max_pixels, zqt_image *out, char *error, size_t size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png.begin_read(&image, bytes, count)) {
        snprintf(error, size, "not a readable PNG (%s)", image.message);
        return 0;
    }
    if (too_large(image.width, image.height, max_pixels, error, size)) {
        png.free_image(&image);
        return 0;
    }
    image.format = PNG_FORMAT_RGBA;
    size_t length = PNG_IMAGE_SIZE(image);
    uint8_t *pixels = malloc(length);
    if (!pixels) {
        png.free_image(&image);
        snprintf(error, size, "out of memory for %u×%u pixels", image.width, image.height);
        return 0;
    }
    if (!png.finish_read(&image, NULL, pixels, 0, NULL)) {
        snprintf(error, size, "a damaged PNG (%s)", image.message);
        free(pixels);
        png.free_image(&image);
        return 0;
    }
    out->width = (int)image.width;
    out->height = (int)image.height;
    out->pixels = pixels;
    png.free_image(&image);
    return 1;
}

struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void jpeg_failed(j_common_ptr info) {
    struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
    (*info->err->format_message)(info, failure->message);
    longjmp(failure->jump, 1);
}

static void jpeg_warning(j_common_ptr info, int level) { (void)info; (void)level; }

static int decode_jpeg(const uint8_t *bytes, size_t count, int64_t max_pixels, zqt_image *out, char *error, size_t size) {
    struct jpeg_decompress_struct info;
    struct jpeg_failure failure;
    uint8_t *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    info.err = jpeg.std_error(&failure.manager);
    failure.manager.error_exit = jpeg_failed;
    failure.manager.emit_message = jpeg_warning;
    failure.message[0] = 0;
    if (setjmp(failure.jump)) {
        snprintf(error, size, "a damaged JPEG (%s)", failure.message);
        free(pixels);
        jpeg.destroy_decompress(&info);
        return 0;
    }
    jpeg.create_decompress(&info, JPEG_LIB_VERSION, sizeof info);
    jpeg.mem_src(&info, (const unsigned char *)bytes, (unsigned long)count);
    jpeg.read_header(&info, TRUE);
    if (too_large(info.image_width, info.image_height, max_pixels, error, size)) {
        jpeg.destroy_decompress(&info);
        return 0;
    }
    info.out_color_space = JCS_EXT_RGBA;  // libjpeg-turbo writes RGBA itself
    jpeg.start_decompress(&info);
    size_t stride = (size_t)info.output_width * 4;
    pixels = malloc(stride * info.output_height);
    if (!pixels) {
        snprintf(error, size, "out of memory for %u×%u pixels", info.output_width, info.output_height);
        jpeg.destroy_decompress(&info);
        return 0;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg.read_scanlines(&info, &row, 1);
    }
    jpeg.finish_decompress(&info);
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->pixels = pixels;
    jpeg.destroy_decompress(&info);
    return 1;
}

static int decode_webp(const uint8_t *bytes, size_t count, int64_t max_pixels, zqt_image *out, char *error, size_t size) {
    int width = 0, height = 0;
    if (!webp.get_info(bytes, count, &width, &height)) {
        snprintf(error, size, "not a readable WebP image");
        return 0;
    }
    if (too_large(width, height, max_pixels, error, size)) return 0;
    uint8_t *decoded = webp.decode_rgba(bytes, count, &width, &height);
    if (!decoded) {
        snprintf(error, size, "a damaged WebP image");
        return 0;
    }
    // Copied into malloc'ed memory so every image is freed the same way.
    size_t length = (size_t)width * (size_t)height * 4;
    uint8_t *pixels = malloc(length);
    if (pixels) memcpy(pixels, decoded, length);
    webp.free_memory(decoded);
    if (!pixels) {
        snprintf(error, size, "out of memory for %d×%d pixels", width, height);
        return 0;
    }
    out->width = width;
    out->height = height;
    out->pixels = pixels;
    return 1;
}

int zqt_image_decode(const uint8_t *bytes, size_t count, int64_t max_pixels, zqt_image *out, char *error, size_t size) {
    memset(out, 0, sizeof *out);
    pthread_once(&decoders_once, load_decoders);
    static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (count >= 8 && memcmp(bytes, png_signature, 8) == 0) {
        if (!have_png) { snprintf(error, size, "%s", png_fault); return 0; }
        return decode_png(bytes, count, max_pixels, out, error, size);
    }
    if (count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
        if (!have_jpeg) { snprintf(error, size, "%s", jpeg_fault); return 0; }
        return decode_jpeg(bytes, count, max_pixels, out, error, size);
    }
    if (count >= 12 && memcmp(bytes, "RIFF", 4) == 0 && memcmp(bytes + 8, "WEBP", 4) == 0) {
        if (!have_webp) { snprintf(error, size, "%s", webp_fault); return 0; }
        return decode_webp(bytes, count, max_pixels, out, error, size);
    }
    snprintf(error, size, "not a PNG, JPEG or WebP image");
    return 0;
}

void zqt_image_free(zqt_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

int zqt_image_write_png(const char *path, const uint8_t *rgba, int width, int height, char *error, size_t size) {
    pthread_once(&decoders_once, load_decoders);
    if (!have_png) { snprintf(error, size, "%s", png_fault); return 0; }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGBA;
    if (!png.write_to_file(&image, path, 0, rgba, 0, NULL)) {
        snprintf(error, size, "cannot write %s (%s)", path, image.message);
        png.free_image(&image);
        return 0;
    }
    png.free_image(&image);
    return 1;
}

// MARK: chafa

struct zqt_canvas { void *canvas; };

zqt_canvas *zqt_canvas_draw(const uint8_t *rgba, int width, int height, int columns, int rows,
                            int pixel_mode, int color_mode, int cell_width, int cell_height) {
    pthread_once(&chafa_once, load_chafa);
    if (!have_chafa || columns <= 0 || rows <= 0 || width <= 0 || height <= 0) return NULL;
    void *config = chafa.config_new();
    chafa.config_set_geometry(config, columns, rows);
    chafa.config_set_canvas_mode(config, color_mode);
    chafa.config_set_pixel_mode(config, pixel_mode);
    if (cell_width > 0 && cell_height > 0) chafa.config_set_cell_geometry(config, cell_width, cell_height);
    chafa.config_set_work_factor(config, 1.0f);  // the best fit: pictures are drawn once and kept (PictureCache)
    // Block elements (halves, quadrants, eighths) and the space: in every
    // monospace font that has box drawing, and each one cell wide.
    void *symbols = chafa.symbol_map_new();
    chafa.symbol_map_add_by_tags(symbols, CHAFA_SYMBOL_TAG_BLOCK_ | CHAFA_SYMBOL_TAG_HALF_ | CHAFA_SYMBOL_TAG_QUAD_ | CHAFA_SYMBOL_TAG_SPACE_);
    chafa.config_set_symbol_map(config, symbols);
    void *canvas = chafa.canvas_new(config);
    chafa.symbol_map_unref(symbols);
    chafa.config_unref(config);
    if (!canvas) return NULL;
    chafa.canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED_, rgba, width, height, width * 4);
    zqt_canvas *out = malloc(sizeof *out);
    if (!out) { chafa.canvas_unref(canvas); return NULL; }
    out->canvas = canvas;
    return out;
}

void zqt_canvas_free(zqt_canvas *canvas) {
    if (!canvas) return;
    chafa.canvas_unref(canvas->canvas);
    free(canvas);
}

void zqt_canvas_cell(zqt_canvas *canvas, int x, int y, uint32_t *character, int32_t *fg, int32_t *bg) {
    int f = -1, b = -1;
    *character = chafa.canvas_get_char_at(canvas->canvas, x, y);
    chafa.canvas_get_raw_colors_at(canvas->canvas, x, y, &f, &b);
    *fg = f;
    *bg = b;
}

char *zqt_canvas_print(zqt_canvas *canvas, size_t *length) {
    if (!canvas || !fallback_info) return NULL;
    GStringLike *printed = chafa.canvas_print(canvas->canvas, fallback_info);
    if (!printed) return NULL;
    char *out = malloc(printed->len + 1);
    if (out) {
        memcpy(out, printed->str, printed->len);
        out[printed->len] = 0;
        *length = printed->len;
    }
    chafa.g_string_free(printed, 1);
    return out;
}

int zqt_chafa_detect(char **environment) {
    pthread_once(&chafa_once, load_chafa);
    if (!have_chafa) return 0;
    void *info = chafa.term_db_detect(chafa.term_db_get_default(), environment);
    if (!info) return 0;
    int found = (chafa.term_info_have_seq(info, CHAFA_TERM_SEQ_BEGIN_KITTY_IMMEDIATE_IMAGE_V1_) ? 1 : 0)
              | (chafa.term_info_have_seq(info, CHAFA_TERM_SEQ_BEGIN_ITERM2_IMAGE_) ? 2 : 0)
              | (chafa.term_info_have_seq(info, CHAFA_TERM_SEQ_BEGIN_SIXELS_) ? 4 : 0);
    chafa.term_info_unref(info);
    return found;
}
