public import RecordStore
public import ServiceLifecycle

/// A node's publishers, one per streamed chain, fed by one durability observer on the record sink.
public final class StreamPublishers: Sendable {
    /// The publishers, in the order they were given.
    public let publishers: [StreamPublisher]

    /// A set of publishers (at most one per kind).
    public init(_ publishers: [StreamPublisher]) {
        self.publishers = publishers
    }

    /// Registers the sink's durability observers (the sink keeps one of each; this replaces earlier ones) so every
    /// publisher gets its chain's durable lines in memory and wakes when its chain gets durable records.
    public func attach(to sink: JSONLinesRecordSink) {
        let publishers = self.publishers
        sink.observeDurableLines(kinds: Set(publishers.map(\.kind))) { chains in
            for lines in chains {
                for publisher in publishers where publisher.kind == lines.kind {
                    publisher.linesDurable(lines)
                }
            }
        }
        sink.observeDurability { sequences in
            for publisher in publishers {
                if let seq = sequences[publisher.kind] {
                    publisher.durabilityChanged(seq)
                }
            }
        }
    }

    /// The publishers as services for a `ServiceGroup`.
    public var services: [any Service] {
        publishers
    }

    /// Every publisher's status.
    public var statuses: [PublisherStatus] {
        publishers.map(\.status)
    }

    /// Publishes what is durable now on every stream, concurrently, for up to `timeout`.
    public func publishDurable(timeout: Duration) async -> [PublisherStatus] {
        await withTaskGroup(of: PublisherStatus.self) { group in
            for publisher in publishers {
                group.addTask { await publisher.publishDurable(timeout: timeout) }
            }
            var statuses: [PublisherStatus] = []
            for await status in group { statuses.append(status) }
            return statuses.sorted { $0.kind < $1.kind }
        }
    }
}
