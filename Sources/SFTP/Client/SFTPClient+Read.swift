public import NIOCore

extension SFTPClient {
    /// Reads an open file from offset 0 to EOF with pipelined READs, handing each piece to `consume` in order.
    ///
    /// Servers may answer a READ with fewer bytes than asked before EOF; the gap is then read before anything
    /// later is consumed, so `consume` always sees the file's bytes in order. Returns the number of bytes read.
    public func readToEnd(_ handle: SFTPHandle, _ consume: (ByteBuffer) -> Void) async throws(SFTPError) -> UInt64 {
        let chunk = UInt32(configuration.chunkSize)
        var inFlight = CircularBuffer<(offset: UInt64, future: EventLoopFuture<SFTPResponse>)>()
        var nextOffset: UInt64 = 0
        var total: UInt64 = 0
        var reachedEOF = false

        while true {
            while !reachedEOF, inFlight.count < configuration.maximumOutstandingRequests {
                inFlight.append((nextOffset, send(.read(handle, offset: nextOffset, length: chunk))))
                nextOffset += UInt64(chunk)
            }
            guard let head = inFlight.popFirst() else { return total }
            switch try await Self.answer(head.future) {
            case .data(let data):
                guard !reachedEOF, head.offset == total, data.readableBytes > 0 else {
                    throw SFTPError(.unexpectedResponse, "read: data at offset \(head.offset) after EOF at \(total); the file changed while read")
                }
                consume(data)
                total += UInt64(data.readableBytes)
                if data.readableBytes < Int(chunk) {
                    reachedEOF = try await readGap(handle, from: total, to: head.offset + UInt64(chunk), total: &total, consume)
                }
            case .status(let status) where status.code == .eof:
                reachedEOF = true
            case let other:
                try other.expectOK("read")
                throw SFTPError(.unexpectedResponse, "read: STATUS OK instead of DATA")
            }
        }
    }

    /// Reads `[from, to)` one request at a time after a short read. Returns true when EOF came first.
    private func readGap(
        _ handle: SFTPHandle, from start: UInt64, to end: UInt64, total: inout UInt64, _ consume: (ByteBuffer) -> Void
    ) async throws(SFTPError) -> Bool {
        var position = start
        while position < end {
            let response = try await request(.read(handle, offset: position, length: UInt32(end - position)))
            switch response {
            case .data(let data) where data.readableBytes > 0:
                consume(data)
                position += UInt64(data.readableBytes)
                total = position
            case .status(let status) where status.code == .eof:
                return true
            case let other:
                try other.expectOK("read")
                throw SFTPError(.unexpectedResponse, "read: empty answer at offset \(position)")
            }
        }
        return false
    }
}
