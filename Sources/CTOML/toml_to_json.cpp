// TOML to JSON text with toml++, compiled into zqt (header-only mode: no
// library to install or load at run time; issue 16). The JSON is read by
// zqt's own parser (Model/JSON), so no C++ type crosses into Swift.
//
// Values map as the TOMLKit route did (toml++'s json_formatter with quoted
// dates): integers as integers, floats with a '.' or an exponent, booleans,
// strings with JSON escapes, arrays, tables; dates and times as TOML writes
// them, in quotes. Unlike that route, keys keep the file's order (toml++
// keeps a table's keys sorted; each key remembers where it was written).

#include <cstdlib>

namespace {
/// Set when one of toml++'s internal checks fails during a parse. Its checks
/// are assert()s, and this build has no NDEBUG, so the first input that
/// trips one would abort zqt: "[é]" did in toml++ 3.3 (parse_key asserts a
/// bare key character before it reports the very same fault). With NDEBUG
/// they become __builtin_assume, which is worse: undefined behaviour. Here a
/// failed check is noted and the parse goes on, as toml++'s release builds
/// do; a parse that tripped one is not trusted (ctoml_to_json).
thread_local bool internalCheckFailed = false;
inline void noteInternalCheckFailed() { internalCheckFailed = true; }
} // namespace
#define TOML_ASSERT(expr) (static_cast<bool>(expr) ? static_cast<void>(0) : noteInternalCheckFailed())
#ifdef NDEBUG
#undef NDEBUG // else toml++ makes some checks __builtin_assume, not TOML_ASSERT
#endif

#if !__has_include(<toml++/toml.h>)
#error "toml++ is missing: apt-get install libtomlplusplus-dev (scripts/setup.sh installs it)"
#endif
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
// Floats read with std::from_chars (libstdc++ 11 and later), not toml++'s
// default for clang, an istringstream: that one wakes the locale machinery
// and cost about 300 KB more resident memory at start with a float in the file.
#define TOML_FLOAT_CHARCONV 1
#include <toml++/toml.h>

#include <CTOML.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

/// A fault found while writing (inf or nan), with the value's place.
struct WriteFault {
    std::string message;
    toml::source_position place;
};

char *copy(std::string_view text) {
    char *out = static_cast<char *>(std::malloc(text.size() + 1));
    if (out == nullptr) return nullptr;
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return out;
}

void digits(std::string &out, unsigned value, size_t width) {
    char buffer[16];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    for (size_t n = static_cast<size_t>(end - buffer); n < width; n++) out.push_back('0');
    out.append(buffer, end);
}

// As toml++ prints them (print_to_stream.inl), which TOMLKit's JSON quoted.
void date(std::string &out, const toml::date &value) {
    digits(out, value.year, 4);
    out.push_back('-');
    digits(out, value.month, 2);
    out.push_back('-');
    digits(out, value.day, 2);
}

void time(std::string &out, const toml::time &value) {
    digits(out, value.hour, 2);
    out.push_back(':');
    digits(out, value.minute, 2);
    out.push_back(':');
    digits(out, value.second, 2);
    if (value.nanosecond != 0 && value.nanosecond <= 999999999u) {
        unsigned fraction = value.nanosecond;
        size_t width = 9;
        while (fraction % 10u == 0u) { fraction /= 10u; width--; }
        out.push_back('.');
        digits(out, fraction, width);
    }
}

void offset(std::string &out, const toml::time_offset &value) {
    int minutes = value.minutes;
    if (minutes == 0) { out.push_back('Z'); return; }
    out.push_back(minutes < 0 ? '-' : '+');
    if (minutes < 0) minutes = -minutes;
    digits(out, static_cast<unsigned>(minutes / 60), 2);
    out.push_back(':');
    digits(out, static_cast<unsigned>(minutes % 60), 2);
}

void string(std::string &out, std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    out.push_back('"');
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\b': out.append("\\b"); break;
        case '\t': out.append("\\t"); break;
        case '\n': out.append("\\n"); break;
        case '\f': out.append("\\f"); break;
        case '\r': out.append("\\r"); break;
        default:
            if (byte < 0x20 || byte == 0x7F) {
                out.append("\\u00");
                out.push_back(hex[byte >> 4]);
                out.push_back(hex[byte & 0xF]);
            } else {
                out.push_back(c); // UTF-8, checked by toml++, passes as it is
            }
        }
    }
    out.push_back('"');
}

bool number(std::string &out, const toml::value<double> &node, WriteFault &fault) {
    double value = node.get();
    if (!std::isfinite(value)) {
        fault = {"inf and nan are not numbers JSON can carry; write a finite number", node.source().begin};
        return false;
    }
    // The shortest text that reads back as the same double, whatever the
    // locale (zqt sets LC_ALL for the screen; printf would write "7,5" in some).
    // TOMLKit's text had 17 digits (0.10000000000000001): the same double.
    char buffer[64];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    std::string_view text(buffer, static_cast<size_t>(end - buffer));
    out.append(text);
    if (text.find_first_of(".eE") == std::string_view::npos) out.append(".0");
    return true;
}

bool write(std::string &out, const toml::node &node, WriteFault &fault);

bool table(std::string &out, const toml::table &members, WriteFault &fault) {
    // The file's order: by where each key was written (a table keeps them sorted).
    std::vector<std::pair<const toml::key *, const toml::node *>> entries;
    entries.reserve(members.size());
    for (auto &&[key, value] : members) entries.emplace_back(&key, &value);
    std::stable_sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) {
        const auto &p = a.first->source().begin, &q = b.first->source().begin;
        return p.line != q.line ? p.line < q.line : p.column < q.column;
    });
    out.push_back('{');
    bool first = true;
    for (auto &[key, value] : entries) {
        if (!first) out.push_back(',');
        first = false;
        string(out, key->str());
        out.push_back(':');
        if (!write(out, *value, fault)) return false;
    }
    out.push_back('}');
    return true;
}

bool write(std::string &out, const toml::node &node, WriteFault &fault) {
    switch (node.type()) {
    case toml::node_type::table:
        return table(out, *node.as_table(), fault);
    case toml::node_type::array: {
        out.push_back('[');
        bool first = true;
        for (auto &&element : *node.as_array()) {
            if (!first) out.push_back(',');
            first = false;
            if (!write(out, element, fault)) return false;
        }
        out.push_back(']');
        return true;
    }
    case toml::node_type::string:
        string(out, node.as_string()->get());
        return true;
    case toml::node_type::integer: {
        char buffer[24];
        auto end = std::to_chars(buffer, buffer + sizeof buffer, node.as_integer()->get()).ptr;
        out.append(buffer, end);
        return true;
    }
    case toml::node_type::floating_point:
        return number(out, *node.as_floating_point(), fault);
    case toml::node_type::boolean:
        out.append(node.as_boolean()->get() ? "true" : "false");
        return true;
    case toml::node_type::date:
        out.push_back('"');
        date(out, node.as_date()->get());
        out.push_back('"');
        return true;
    case toml::node_type::time:
        out.push_back('"');
        time(out, node.as_time()->get());
        out.push_back('"');
        return true;
    case toml::node_type::date_time: {
        const auto &value = node.as_date_time()->get();
        out.push_back('"');
        date(out, value.date);
        out.push_back('T');
        time(out, value.time);
        if (value.offset) offset(out, *value.offset);
        out.push_back('"');
        return true;
    }
    default:
        fault = {"holds a value of no TOML type", node.source().begin};
        return false;
    }
}

/// Dots and brackets outside strings and comments, at most. toml++ walks
/// tables recursively after parsing (and frees them recursively): a key of
/// 200,000 dotted parts, which fits in the 1 MiB zqt reads, overflows an
/// 8 MB stack. Each level of nesting takes one '.', '[' or '{', so this bounds
/// the depth; at 1,000 a 512 KiB thread stack keeps a wide margin (4,000
/// levels were measured to fit), and a config file needs a few dozen.
constexpr unsigned maximumStructure = 1000;

/// The place of the first '.', '[' or '{' past maximumStructure, outside
/// strings and comments; line 0 when there are fewer. Strings are followed as
/// TOML writes them (escapes in "...", up to five quotes closing """...""");
/// a string left open ends at its line, where toml++ stops anyway.
toml::source_position tooMuchStructure(std::string_view text) {
    enum class State { code, comment, basic, literal, multiBasic, multiLiteral } state = State::code;
    unsigned count = 0;
    toml::source_position place{1, 1};
    auto quotes = [&](size_t at, char quote) {
        size_t run = 0;
        while (at + run < text.size() && text[at + run] == quote) run++;
        return run;
    };
    for (size_t i = 0; i < text.size(); i++) {
        char c = text[i];
        if (c == '\n') {
            if (state == State::comment || state == State::basic || state == State::literal) state = State::code;
            place.line++;
            place.column = 1;
            continue;
        }
        switch (state) {
        case State::code:
            if (c == '#') state = State::comment;
            else if (c == '"' || c == '\'') {
                bool multi = quotes(i, c) >= 3;
                state = c == '"' ? (multi ? State::multiBasic : State::basic) : (multi ? State::multiLiteral : State::literal);
                if (multi) { i += 2; place.column += 2; }
            } else if ((c == '.' || c == '[' || c == '{') && ++count > maximumStructure) {
                return place;
            }
            break;
        case State::basic:
        case State::multiBasic:
            if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') { i++; place.column++; }
            else if (c == '"') {
                size_t run = quotes(i, '"');
                if (state == State::basic) state = State::code;
                else if (run >= 3) { state = State::code; i += run - 1; place.column += static_cast<uint32_t>(run - 1); }
            }
            break;
        case State::literal:
        case State::multiLiteral:
            if (c == '\'') {
                size_t run = quotes(i, '\'');
                if (state == State::literal) state = State::code;
                else if (run >= 3) { state = State::code; i += run - 1; place.column += static_cast<uint32_t>(run - 1); }
            }
            break;
        case State::comment:
            break;
        }
        // Columns count code points, as toml++'s do: UTF-8 continuation bytes are not one.
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) place.column++;
    }
    return {0, 0};
}

ctoml_result failure(std::string_view message, const toml::source_position &place) {
    ctoml_result result{};
    result.message = copy(message);
    result.line = place.line;
    result.column = place.column;
    return result;
}

} // namespace

extern "C" ctoml_result ctoml_to_json(const char *text, size_t length) {
    try {
        std::string_view source(text, length);
        auto deep = tooMuchStructure(source);
        if (deep.line != 0) {
            return failure("holds more than 1000 dots and brackets outside strings and comments; "
                           "zqt reads no deeper nesting (a config file needs a few dozen)", deep);
        }
        internalCheckFailed = false;
        toml::parse_result parsed = toml::parse(source);
        if (!parsed) {
            const auto &error = parsed.error();
            return failure(error.description(), error.source().begin);
        }
        if (internalCheckFailed) return failure("could not be read: toml++ failed one of its own checks", {});
        std::string out;
        out.reserve(length + 64);
        WriteFault fault;
        if (!table(out, parsed.table(), fault)) return failure(fault.message, fault.place);
        ctoml_result result{};
        result.json = copy(out);
        if (result.json == nullptr) return failure("is too large to read (out of memory)", {});
        return result;
    } catch (...) {
        // std::bad_alloc from the parser's allocations: a fault, never a crash.
        return failure("is too large to read (out of memory)", {});
    }
}

extern "C" void ctoml_result_free(ctoml_result *result) {
    std::free(result->json);
    std::free(result->message);
    result->json = nullptr;
    result->message = nullptr;
}
