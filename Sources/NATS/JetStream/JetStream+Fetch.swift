import Foundation
import NIOCore

extension JetStream {
    /// Pulls up to `batch` messages from a durable pull consumer.
    ///
    /// Returns when the batch is full, or early on the server's end-of-fetch status: 404 (nothing
    /// pending with `noWait`), 408 (`expires` passed, or a `noWait` batch only partly filled),
    /// 409 (consumer deleted, limits). An empty result after `expires` means nothing was available.
    /// `expires` is not sent with `noWait`. Acknowledge each message yourself.
    public func fetch(
        stream: String, consumer: String, batch: Int, expires: Duration = .seconds(1), noWait: Bool = false
    ) async throws -> [JetStreamMessage] {
        guard batch > 0 else { return [] }
        try await self.client.acquireRequestSlot()
        defer { self.client.releaseRequestSlot() }
        // 2.9 ignores `no_wait` when `expires` is set (it waits the full expiry): send one or the other.
        let request = PullRequest(
            batch: batch, expires: !noWait && expires > .zero ? expires.jetStreamNanoseconds : nil,
            noWait: noWait ? true : nil)
        let body: ByteBuffer
        do {
            body = ByteBuffer(bytes: try JSONEncoder().encode(request))
        } catch {
            throw NATSError(.invalidResponse, reason: "cannot encode the pull request: \(error)")
        }
        // Pulled messages keep their original subject: only a subscription of their own tells them apart.
        let replyTo = self.client.makeUniqueReplySubject()
        let replies = try self.client.subscribe(to: replyTo)
        defer { replies.unsubscribe() }
        try await self.client.publish(
            "\(self.apiPrefix).CONSUMER.MSG.NEXT.\(stream).\(consumer)", payload: body, replyTo: replyTo)
        // The server ends the pull with 408 at `expires` (404 at once with `noWait`); this deadline
        // covers a lost connection or request.
        let deadline = (noWait ? .zero : expires) + self.timeout
        self.client.eventLoop.scheduleTask(in: TimeAmount(deadline)) { [replies] in
            replies.unsubscribe()
        }
        var messages: [JetStreamMessage] = []
        receiving: for await reply in replies {
            if let status = reply.status {
                switch status.code {
                case 100:
                    continue receiving  // idle heartbeat
                case NATSHeaders.Status.noResponders.code:
                    throw NATSError(.noResponders, reason: "no consumer \(consumer) on stream \(stream) answers")
                default:
                    // 404 no messages, 408 request timeout, 409 consumer gone or limits: the pull is over.
                    break receiving
                }
            }
            messages.append(try JetStreamMessage(reply, client: self.client))
            if messages.count >= batch { break receiving }
        }
        return messages
    }
}
