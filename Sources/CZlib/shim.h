// zlib for the sandbox's PNG encoder (deflate and crc32).
#include <zlib.h>
