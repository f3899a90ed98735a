/// The messages of one subscription, in arrival order. Ends on unsubscribe, auto-unsubscribe, drain or close.
///
/// Iterate it once. Stopping the iteration (or cancelling the iterating task) unsubscribes.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = NATSMessage
    public typealias AsyncIterator = AsyncStream<NATSMessage>.Iterator

    /// The subscription id on the wire.
    public let sid: UInt64
    public let subject: String
    private let stream: AsyncStream<NATSMessage>
    private let client: NATSClient

    init(sid: UInt64, subject: String, stream: AsyncStream<NATSMessage>, client: NATSClient) {
        self.sid = sid
        self.subject = subject
        self.stream = stream
        self.client = client
    }

    public func makeAsyncIterator() -> AsyncIterator {
        self.stream.makeAsyncIterator()
    }

    /// Unsubscribes now, or after `max` messages in total have been delivered to this subscription.
    public func unsubscribe(afterMessages max: Int? = nil) {
        self.client.unsubscribe(sid: self.sid, max: max)
    }
}
