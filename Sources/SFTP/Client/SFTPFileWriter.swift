public import NIOCore

/// Writes a file sequentially with up to `maximumOutstandingRequests` WRITE requests in flight.
///
/// Waiting for each WRITE's STATUS before sending the next would cost one round trip per chunk; keeping a bounded
/// window in flight fills the pipe while capping the memory held for unacknowledged data.
public struct SFTPFileWriter {
    private let client: SFTPClient
    private let handle: SFTPHandle
    private let chunkSize: Int
    private let window: Int
    private var inFlight = CircularBuffer<EventLoopFuture<SFTPResponse>>()
    /// The offset the next byte will be written at.
    public private(set) var offset: UInt64

    public init(client: SFTPClient, handle: SFTPHandle, startingAt offset: UInt64 = 0) {
        self.client = client
        self.handle = handle
        self.offset = offset
        self.chunkSize = client.configuration.chunkSize
        self.window = client.configuration.maximumOutstandingRequests
    }

    /// Queues `bytes` (split into chunks), waiting only when the window is full.
    public mutating func write(_ bytes: ByteBuffer) async throws(SFTPError) {
        var remaining = bytes
        while remaining.readableBytes > 0 {
            guard let chunk = remaining.readSlice(length: min(chunkSize, remaining.readableBytes)) else { break }
            while inFlight.count >= window { try await completeOldest() }
            inFlight.append(client.send(.write(handle, offset: offset, data: chunk)))
            offset += UInt64(chunk.readableBytes)
        }
    }

    /// Waits until every queued WRITE is acknowledged; the first refused one is the error.
    public mutating func finish() async throws(SFTPError) {
        while !inFlight.isEmpty { try await completeOldest() }
    }

    private mutating func completeOldest() async throws(SFTPError) {
        guard let oldest = inFlight.popFirst() else { return }
        try await SFTPClient.answer(oldest).expectOK("write")
    }
}
