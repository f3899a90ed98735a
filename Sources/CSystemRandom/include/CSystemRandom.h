#ifndef C_SYSTEM_RANDOM_H
#define C_SYSTEM_RANDOM_H

#include <stddef.h>

/// Fills `buffer` with `length` bytes from the kernel's CSPRNG (getrandom(2) on Linux, arc4random_buf elsewhere),
/// retrying EINTR and short reads. Returns 0, or -1 with errno set if the kernel refused.
int c_system_random_fill(void *buffer, size_t length);

#endif
