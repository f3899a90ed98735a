import NIOCore
@testable import NATS

/// Decodes every complete operation in `input`; returns the messages and the unconsumed bytes.
func decodeAll(
    _ input: String, decoder: inout NATSProtocolDecoder
) throws -> (messages: [NATSServerMessage], leftover: ByteBuffer) {
    var buffer = ByteBuffer(string: input)
    var messages: [NATSServerMessage] = []
    while let message = try decoder.decode(buffer: &buffer) {
        messages.append(message)
    }
    return (messages, buffer)
}

func decodeAll(_ input: String) throws -> [NATSServerMessage] {
    var decoder = NATSProtocolDecoder()
    let (messages, leftover) = try decodeAll(input, decoder: &decoder)
    precondition(leftover.readableBytes == 0, "unconsumed bytes in a complete test input")
    return messages
}

func encoded(_ command: NATSClientCommand) throws -> String {
    var buffer = ByteBuffer()
    try command.encode(into: &buffer)
    return String(buffer: buffer)
}

/// SplitMix64: a small seeded generator so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
