// getrandom(2) is not imported by Swift's Glibc module; Swift's SystemRandomNumberGenerator makes one such system call
// per 8 bytes, so a caller that wants many bytes fills a buffer here with one call.
#include "CSystemRandom.h"

#include <errno.h>

#if defined(__linux__)
#include <sys/random.h>

int c_system_random_fill(void *buffer, size_t length) {
    unsigned char *out = buffer;
    while (length > 0) {
        ssize_t got = getrandom(out, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        out += got;
        length -= (size_t)got;
    }
    return 0;
}
#else
#include <stdlib.h>

int c_system_random_fill(void *buffer, size_t length) {
    arc4random_buf(buffer, length);
    return 0;
}
#endif
