// sendmmsg(2) and struct mmsghdr are GNU extensions that Swift's Glibc module does not import; this shim builds
// the message headers on its stack so that the Swift side only hands over pointers and lengths.
#define _GNU_SOURCE
#include "CDatagramBatch.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

int c_datagram_batch_send(int fd, const c_datagram *datagrams, unsigned int count) {
    if (count == 0) return 0;
    if (count > C_DATAGRAM_BATCH_MAX) count = C_DATAGRAM_BATCH_MAX;
#if defined(__linux__)
    struct mmsghdr messages[C_DATAGRAM_BATCH_MAX];
    struct iovec vectors[C_DATAGRAM_BATCH_MAX];
    memset(messages, 0, sizeof(struct mmsghdr) * count);
    for (unsigned int i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)datagrams[i].bytes;
        vectors[i].iov_len = datagrams[i].length;
        messages[i].msg_hdr.msg_name = (void *)datagrams[i].address;
        messages[i].msg_hdr.msg_namelen = datagrams[i].address_length;
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int sent;
    do {
        sent = sendmmsg(fd, messages, count, 0);
    } while (sent < 0 && errno == EINTR);
    return sent;
#else
    unsigned int sent = 0;
    while (sent < count) {
        ssize_t result = sendto(fd, datagrams[sent].bytes, datagrams[sent].length, 0, datagrams[sent].address,
                                datagrams[sent].address_length);
        if (result >= 0) { sent++; continue; }
        if (errno == EINTR) continue;
        return sent > 0 ? (int)sent : -1;
    }
    return (int)sent;
#endif
}
