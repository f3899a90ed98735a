internal import NIOCore
internal import NIOSSH

/// Unwraps SSH channel data into plain bytes and wraps outgoing bytes, so the SFTP handlers see a byte stream.
///
/// Extended data (stderr) is dropped: the sftp subsystem has nothing to say there that the protocol relies on.
final class SSHChannelDataCodec: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = SSHChannelData

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard message.type == .channel else { return }
        switch message.data {
        case .byteBuffer(let bytes):
            context.fireChannelRead(wrapInboundOut(bytes))
        case .fileRegion:
            // Only a local writer can produce file regions; receiving one would be a swift-nio-ssh bug.
            context.fireErrorCaught(SFTPError(.ssh, "unexpected file region on an SSH channel"))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(bytes))), promise: promise)
    }
}
