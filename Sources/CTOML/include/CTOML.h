// The config file's TOML read by toml++ (Debian's libtomlplusplus-dev), in
// process, behind plain C functions so Swift needs no C++ interop (issue 16).
#ifndef CTOML_H
#define CTOML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What ctoml_to_json answers: the document as JSON text, or where and why
/// the text is not TOML. Both strings are malloc'ed; ctoml_result_free frees them.
typedef struct ctoml_result {
    /// The document as one JSON object, keys in the order the file wrote them;
    /// NULL when the text is not TOML.
    char *_Nullable json;
    /// toml++'s description of the fault; NULL on success.
    char *_Nullable message;
    /// 1-based place of the fault (0 when unknown).
    uint32_t line;
    uint32_t column;
} ctoml_result;

/// Parses `length` bytes of UTF-8 `text` as TOML (1.0). Integers stay
/// integers, floats keep a decimal point or exponent, dates and times become
/// strings as TOML writes them; inf and nan are faults (JSON has neither).
ctoml_result ctoml_to_json(const char *_Nonnull text, size_t length);

/// Frees what ctoml_to_json allocated and clears the result.
void ctoml_result_free(ctoml_result *_Nonnull result);

#ifdef __cplusplus
}
#endif

#endif
