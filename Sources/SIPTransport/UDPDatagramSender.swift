import CDatagramBatch
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends datagrams straight to a UDP socket's descriptor, a loop tick's worth with one `sendmmsg`; NIO only
/// reads from that socket.
///
/// Why not NIO's write path: NIO closes a datagram channel on any send error other than EMSGSIZE and
/// EHOSTUNREACH (`PendingDatagramWritesManager`). One Contact naming a broadcast address (EACCES), a missing
/// route (ENETUNREACH), a firewall rule (EPERM) or a moment without kernel buffers (ENOBUFS) closed the node's
/// SIP socket and stopped all traffic. Here a refused datagram fails alone and the socket stays open. It is
/// also cheaper per message: no promise, envelope or pipeline walk per send.
///
/// Why a batch: on loopback (and on any host whose peers sleep in poll) most of a `sendto`'s cost is waking the
/// receiver. Datagrams queued while the loop handles one readable event and written together wake each peer once
/// per batch instead of once per datagram, and cost one system call.
///
// @unchecked Sendable: confined to the transport's event loop, like the channel that owns the descriptor (the
// bootstrap's initializer closure only hands it to the channel's handler there).
final class UDPDatagramSender: @unchecked Sendable {
    /// Why a queued datagram was not sent.
    enum Refusal {
        /// The socket's send buffer is full.
        case wouldBlock
        case failed(IOError)
    }

    /// A datagram that `flush` could not send, handed back with its bytes.
    struct Unsent {
        let bytes: ByteBuffer
        let destination: SIPDestination
        let refusal: Refusal
    }

    private struct Queued {
        let offset: Int
        let length: Int
        let addressLength: socklen_t
        let destination: SIPDestination
    }

    private let descriptor: CInt
    /// False once NIO has closed the socket (its channel went inactive): the descriptor number may be reused.
    private(set) var isOpen = true

    /// The datagrams waiting for `flush`. A struct changed by one mutating call per datagram: each access to a
    /// class's stored array is checked for exclusivity at run time (four or five a datagram here), the accesses
    /// inside a struct's mutating method are checked when compiling.
    private struct Pending {
        /// The queued datagrams' bytes, back to back; kept (with its capacity) from batch to batch.
        var arena: [UInt8] = []
        var queued: [Queued] = []
        /// The queued datagrams' addresses, in `queued` order.
        var addresses: [sockaddr_storage] = []

        init() {
            arena.reserveCapacity(64 << 10)
            queued.reserveCapacity(Int(C_DATAGRAM_BATCH_MAX))
            addresses.reserveCapacity(Int(C_DATAGRAM_BATCH_MAX))
        }

        mutating func append(_ bytes: ByteBuffer, to destination: SIPDestination) {
            var storage = sockaddr_storage()
            let addressLength = destination.address.withSockAddr { address, size -> socklen_t in
                let length = min(size, MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &storage) { $0.baseAddress?.copyMemory(from: address, byteCount: length) }
                return socklen_t(length)
            }
            queued.append(Queued(offset: arena.count, length: bytes.readableBytes, addressLength: addressLength, destination: destination))
            addresses.append(storage)
            bytes.withUnsafeReadableBytes { arena.append(contentsOf: $0) }
        }

        /// The bytes of the queued datagram at `index`, copied out.
        func bytes(at index: Int) -> ByteBuffer {
            let entry = queued[index]
            return ByteBuffer(bytes: arena[entry.offset..<(entry.offset + entry.length)])
        }

        mutating func removeAll() {
            arena.removeAll(keepingCapacity: true)
            queued.removeAll(keepingCapacity: true)
            addresses.removeAll(keepingCapacity: true)
        }
    }

    private var pending = Pending()
    /// The argument array of `c_datagram_batch_send`, allocated once.
    private let batch: UnsafeMutablePointer<c_datagram>

    init(descriptor: CInt) {
        self.descriptor = descriptor
        batch = .allocate(capacity: Int(C_DATAGRAM_BATCH_MAX))
    }

    deinit {
        batch.deallocate()
    }

    /// NIO closed the descriptor; nothing is sent through it any more.
    func markClosed() {
        isOpen = false
    }

    /// Datagrams waiting for `flush`.
    var queuedCount: Int { pending.queued.count }

    /// Copies a datagram into the batch; `flush` sends it.
    func enqueue(_ bytes: ByteBuffer, to destination: SIPDestination) {
        pending.append(bytes, to: destination)
    }

    /// Sends every queued datagram, in order, and empties the batch. Returns the ones the kernel refused; a refused
    /// datagram does not stop the ones after it, except that once the send buffer is full the rest are all handed
    /// back as `wouldBlock`. Nothing is called back from in here, so the caller may queue more while it handles them.
    func flush() -> [Unsent] {
        guard !pending.queued.isEmpty else { return [] }
        var refused: [(index: Int, refusal: Refusal)] = []
        if isOpen {
            send(pending, &refused)
        } else {
            let closed = IOError(errnoCode: EBADF, reason: "sendmmsg(2) on a closed socket")
            refused = pending.queued.indices.map { ($0, .failed(closed)) }
        }
        let unsent = refused.map { index, refusal in
            Unsent(bytes: pending.bytes(at: index), destination: pending.queued[index].destination, refusal: refusal)
        }
        pending.removeAll()
        return unsent
    }

    private func send(_ pending: borrowing Pending, _ refused: inout [(index: Int, refusal: Refusal)]) {
        let queued = pending.queued
        let total = queued.count
        pending.arena.withUnsafeBytes { bytes in
            pending.addresses.withUnsafeBytes { addressBytes in
                guard let base = bytes.baseAddress, let addressBase = addressBytes.baseAddress else { return }
                var next = 0
                while next < total {
                    let count = min(total - next, Int(C_DATAGRAM_BATCH_MAX))
                    for slot in 0..<count {
                        let entry = queued[next + slot]
                        let address = (addressBase + (next + slot) * MemoryLayout<sockaddr_storage>.stride)
                            .assumingMemoryBound(to: sockaddr.self)
                        batch[slot] = c_datagram(
                            bytes: base + entry.offset, length: entry.length, address: address,
                            address_length: entry.addressLength)
                    }
                    let sent = c_datagram_batch_send(descriptor, batch, UInt32(count))
                    if sent > 0 {
                        next += Int(sent)
                        continue
                    }
                    let code = errno
                    if code == EAGAIN || code == EWOULDBLOCK {
                        refused.append(contentsOf: (next..<total).map { ($0, .wouldBlock) })
                        return
                    }
                    // The first datagram of the call was refused; the ones behind it may still go.
                    refused.append((next, .failed(IOError(errnoCode: code, reason: "sendmmsg(2)"))))
                    next += 1
                }
            }
        }
    }
}
