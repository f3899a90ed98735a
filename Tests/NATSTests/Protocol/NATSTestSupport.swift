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
