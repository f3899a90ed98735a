import NIOCore
import Testing

@testable import SFTP

@Suite("SFTP v3 message codec")
struct SFTPMessageCodecTests {
    static let handle = SFTPHandle(ByteBuffer(bytes: [0, 0, 0, 7]))
    static let fullAttributes = SFTPAttributes(
        size: 5_242_880, owner: .init(uid: 1000, gid: 100), permissions: 0o100644,
        times: .init(accessTime: 1_700_000_000, modificationTime: 1_700_000_001),
        extended: [SFTPExtension(name: "x@example.com", data: "1")]
    )

    static let samples: [SFTPMessage] = [
        .initialize(version: 3, extensions: []),
        .version(version: 3, extensions: [SFTPExtension(name: "fsync@openssh.com", data: "1"), SFTPExtension(name: "posix-rename@openssh.com", data: "1")]),
        .request(id: 1, .open(path: "/upload/cdr/a.jsonl.part", flags: [.write, .create, .truncate], attributes: .none)),
        .request(id: 2, .close(handle)),
        .request(id: 3, .read(handle, offset: 1 << 33, length: 32_768)),
        .request(id: 4, .write(handle, offset: 65_536, data: ByteBuffer(string: "payload"))),
        .request(id: 5, .lstat(path: "/a")),
        .request(id: 6, .fstat(handle)),
        .request(id: 7, .setstat(path: "/a", attributes: fullAttributes)),
        .request(id: 8, .fsetstat(handle, attributes: SFTPAttributes(permissions: 0o640))),
        .request(id: 9, .opendir(path: "/d")),
        .request(id: 10, .readdir(handle)),
        .request(id: 11, .remove(path: "/a")),
        .request(id: 12, .mkdir(path: "/d/e", attributes: SFTPAttributes(permissions: 0o755))),
        .request(id: 13, .rmdir(path: "/d/e")),
        .request(id: 14, .realpath(path: ".")),
        .request(id: 15, .stat(path: "/a")),
        .request(id: 16, .rename(from: "/a.part", to: "/a")),
        .request(id: 17, .extended(name: "fsync@openssh.com", data: { var b = ByteBuffer(); b.writeSSHBytes(handle.bytes); return b }())),
        .response(id: 1, .status(SFTPStatus(code: .noSuchFile, message: "No such file", languageTag: "en"))),
        .response(id: 2, .handle(handle)),
        .response(id: 3, .data(ByteBuffer(bytes: Array(repeating: 0xAB, count: 1000)))),
        .response(id: 4, .name([
            SFTPNameEntry(filename: "a", longname: "-rw-r--r-- 1 u u 3 a", attributes: fullAttributes),
            SFTPNameEntry(filename: "b", longname: "", attributes: .none),
        ])),
        .response(id: 5, .attributes(fullAttributes)),
        .response(id: 6, .extendedReply(ByteBuffer(bytes: [1, 2, 3]))),
    ]

    @Test("every message survives encode then decode", arguments: samples)
    func roundTrip(_ message: SFTPMessage) throws {
        var buffer = ByteBuffer()
        message.write(into: &buffer)
        let length = try #require(buffer.getInteger(at: 0, as: UInt32.self))
        #expect(Int(length) == buffer.readableBytes - 4)
        let decoded = try #require(try SFTPPacketDecoder().decodeTyped(buffer: &buffer))
        #expect(decoded == message)
        #expect(buffer.readableBytes == 0)
    }

    @Test("OPEN matches the draft's byte layout")
    func openWireBytes() throws {
        var buffer = ByteBuffer()
        SFTPMessage.request(id: 0x0102_0304, .open(path: "ab", flags: [.write, .create], attributes: .none)).write(into: &buffer)
        let expected: [UInt8] = [
            0, 0, 0, 19,  // length
            3,  // SSH_FXP_OPEN
            1, 2, 3, 4,  // id
            0, 0, 0, 2, 0x61, 0x62,  // filename
            0, 0, 0, 0x0A,  // WRITE | CREAT
            0, 0, 0, 0,  // attrs flags
        ]
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test("a STATUS without message and language tag (pre-v3 servers) still decodes")
    func bareStatus() throws {
        var body = ByteBuffer(bytes: [101, 0, 0, 0, 9, 0, 0, 0, 4])
        let message = try SFTPMessage.decode(body: body)
        #expect(message == .response(id: 9, .status(SFTPStatus(code: .failure))))
        body.clear()
    }

    @Test("malformed bodies throw malformedPacket", arguments: [
        [UInt8](),  // no type
        [250],  // unknown type
        [102, 0, 0, 0, 1],  // HANDLE without handle
        [102, 0, 0, 0, 1, 0, 0, 0, 9, 1],  // handle string longer than the packet
        [105, 0, 0, 0, 1, 0, 0, 0, 0, 0xFF],  // ATTRS with a trailing byte
        [105, 0, 0, 0, 1, 0, 0, 0x10, 0],  // ATTRS with an unknown flag
        [104, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF],  // NAME claiming 4 billion entries
        [2, 0, 0, 0, 3, 0, 0, 0, 1, 0x61],  // VERSION extension without data
    ])
    func malformed(_ bytes: [UInt8]) {
        #expect(throws: SFTPError(.malformedPacket, "")) { try SFTPMessage.decode(body: ByteBuffer(bytes: bytes)) }
    }
}
