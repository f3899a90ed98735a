#ifndef C_DATAGRAM_BATCH_H
#define C_DATAGRAM_BATCH_H

#include <stddef.h>
#include <sys/socket.h>

/// One datagram of a batch: its bytes and where it goes.
typedef struct {
    const void *bytes;
    size_t length;
    const struct sockaddr *address;
    socklen_t address_length;
} c_datagram;

/// The most datagrams one call sends (the caller splits larger batches).
#define C_DATAGRAM_BATCH_MAX 64

/// Sends `datagrams[0..<count]` on `fd` with one sendmmsg(2) on Linux (a sendto(2) loop elsewhere), retrying EINTR.
/// Returns how many were sent from the front (0 < n <= count), or -1 with errno set for the first datagram,
/// which was not sent. Counts above C_DATAGRAM_BATCH_MAX are cut to it.
int c_datagram_batch_send(int fd, const c_datagram *datagrams, unsigned int count);

#endif
