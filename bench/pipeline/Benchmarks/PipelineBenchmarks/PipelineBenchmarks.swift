import Benchmark
import Crypto
import Ledger
import NIOCore
import Records
import SIPCore

// Issue 9, CDR pipeline micro-benchmarks. Every benchmark below runs 1,000 inner iterations per sample
// (scalingFactor .kilo), so its `Throughput (# / s)` is records/s or messages/s directly.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )
    pipelineBenchmarks()
    parserBenchmarks()
}

// MARK: - 1. Chain + encode vs raw SHA-256

/// The line bytes per record (CDR and attempts averaged), reported next to the rates.
private let lineBytesMetric = BenchmarkMetric.custom("line bytes/record", polarity: .prefersSmaller, useScalingFactor: false)

private func pipelineBenchmarks() {
    let records = PipelineFixture.records
    let lines = PipelineFixture.lines
    let averageLineBytes = lines.reduce(0) { $0 + $1.count } / lines.count
    let configuration = Benchmark.Configuration(
        metrics: Benchmark.defaultConfiguration.metrics + [lineBytesMetric],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    // The physical limit: one SHA-256 pass over exactly the bytes the writer appends (the sealed lines).
    Benchmark("raw SHA-256 of the line bytes", configuration: configuration) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: lines[index % lines.count]))
        }
        benchmark.measurement(lineBytesMetric, averageLineBytes)
    }

    // What the record writer does per record (RecordWriter.seal → ChainOutput.append): HashChain.seal(record:)
    // (the record's members and node, kind, seq, prev_hash written in canonical order, SHA-256 of those bytes,
    // the hash member put in) and the Merkle append. A fresh chain per 1,000 records. The records are read in
    // place, as the writer seals the ones it holds (`session.cdr`): taking each out of the `PipelineRecord` enum
    // copied it (a retain per string field) and destroyed the copy, about 5 % of this benchmark's time (perf).
    Benchmark("chain + encode (record → sealed line + Merkle)", configuration: configuration) { benchmark in
        var chains = PipelineChains()
        PipelineFixture.withRecordsInPlace { records in
            for index in benchmark.scaledIterations {
                blackHole(chains.append(records, index % records.count))
            }
        }
        benchmark.measurement(lineBytesMetric, averageLineBytes)
    }

    // The floor under the line above: everything it does but the encoding. Each record's canonical bytes without
    // `hash` are taken ready-made and copied into a buffer, then hashed, the line made around the `hash` member
    // (three copies into an exactly sized array, as the chain does) and the Merkle leaf appended. No encoder can
    // do better than this, so it shows how much of the goal (at least half the raw SHA-256 rate) the encoding
    // itself has left to spend.
    let unsealed = lines.map(PipelineFixture.unsealed)
    // The floor must make exactly the chain's lines, or it measures something else.
    for (line, (bytes, insertion)) in zip(lines, unsealed) {
        let remade = bytes.withUnsafeBufferPointer { PipelineFixture.line($0, hash: LedgerHash.sha256($0), insertion: insertion) }
        precondition(remade == line, "the floor benchmark's line differs from the chain's")
    }
    Benchmark("floor: ready-made canonical bytes → sealed line + Merkle (no encoding)", configuration: configuration) { benchmark in
        var tree = CompactMerkleRoot()
        var scratch = [UInt8](repeating: 0, count: 2_048)
        for index in benchmark.scaledIterations {
            let (bytes, insertion) = unsealed[index % unsealed.count]
            let line = scratch.withUnsafeMutableBufferPointer { buffer in
                bytes.withUnsafeBufferPointer { source in
                    guard let target = buffer.baseAddress, let from = source.baseAddress else { return [UInt8]() }
                    target.update(from: from, count: source.count)
                    let written = UnsafeBufferPointer(start: target, count: source.count)
                    let hash = LedgerHash.sha256(written)
                    tree.append(recordHash: hash)
                    return PipelineFixture.line(written, hash: hash, insertion: insertion)
                }
            }
            blackHole(line)
        }
        blackHole(tree.root)
        benchmark.measurement(lineBytesMetric, averageLineBytes)
    }

    // The same plus the file's manifest digest (a second SHA-256 pass over the line, FileContents.add): the
    // writer's whole CPU path per record before write(2).
    Benchmark("writer path (chain + encode + file digest)", configuration: configuration) { benchmark in
        var chains = PipelineChains()
        var digest = StreamingSHA256()
        for index in benchmark.scaledIterations {
            let line = chains.append(records[index % records.count])
            digest.update(line)
        }
        blackHole(digest.finalize())
        benchmark.measurement(lineBytesMetric, averageLineBytes)
    }

    // The writer's path before issue 9 (and still the path of audit and checkpoint records): the record's
    // canonical object as a dictionary, then HashChain.seal(fields), then the Merkle append.
    Benchmark("chain + encode via the CanonicalJSON object", configuration: configuration) { benchmark in
        var chains = PipelineChains()
        for index in benchmark.scaledIterations {
            let record = records[index % records.count]
            switch record {
            case .cdr:
                let sealed = chains.cdr.seal(record.object())
                chains.cdrTree.append(recordHash: sealed.hash)
                blackHole(sealed.line)
            case .attempt:
                let sealed = chains.attempt.seal(record.object())
                chains.attemptTree.append(recordHash: sealed.hash)
                blackHole(sealed.line)
            }
        }
        benchmark.measurement(lineBytesMetric, averageLineBytes)
    }

    // Where the time goes, part by part.
    Benchmark("part: record → canonical bytes (writeCanonicalMembers, no chain)", configuration: configuration) { benchmark in
        for index in benchmark.scaledIterations {
            var writer = CanonicalObjectWriter()
            switch records[index % records.count] {
            case .cdr(let record): record.writeCanonicalMembers(into: &writer)
            case .attempt(let record): record.writeCanonicalMembers(into: &writer)
            }
            blackHole(writer.finish())
        }
    }

    Benchmark("part: SHA-256 of the record's canonical bytes alone", configuration: configuration) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(LedgerHash.sha256(lines[index % lines.count].dropLast(75)))
        }
    }

    Benchmark("part: record → canonical object (CanonicalJSON value)", configuration: configuration) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(records[index % records.count].object())
        }
    }

    let objects = records.map { $0.object() }
    Benchmark("part: canonical object → bytes (encode only)", configuration: configuration) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(CanonicalJSON.object(objects[index % objects.count]).canonicalBytes())
        }
    }

    Benchmark("part: HashChain.seal of a prebuilt object", configuration: configuration) { benchmark in
        var chain = HashChain(nodeID: PipelineFixture.node, kind: CallDetailRecord.kind)
        for index in benchmark.scaledIterations {
            blackHole(chain.seal(objects[index % objects.count]).line)
        }
    }

    let hashes = lines.map { LedgerHash.sha256($0) }
    Benchmark("part: Merkle append (CompactMerkleRoot)", configuration: configuration) { benchmark in
        var tree = CompactMerkleRoot()
        for index in benchmark.scaledIterations {
            tree.append(recordHash: hashes[index % hashes.count])
        }
        blackHole(tree.root)
    }
}

/// One record as the writer gets it: a CDR or an attempt, each sealed into its own kind's chain.
enum PipelineRecord: Sendable {
    case cdr(CallDetailRecord)
    case attempt(AttemptRecord)

    /// The record's own object, as RecordWriter.fields(of:) takes it.
    func object() -> [String: CanonicalJSON] {
        let json = switch self {
        case .cdr(let record): record.canonicalJSON()
        case .attempt(let record): record.canonicalJSON()
        }
        guard case .object(let fields) = json else { return [:] }
        return fields
    }
}

/// Where a record of `PipelineFixture.records` is in its kind's array.
enum PipelineSlot {
    case cdr(Int)
    case attempt(Int)
}

/// `PipelineFixture.records` read in place: the records by kind and the order they come in.
struct PipelineRecordsInPlace {
    let cdrs: UnsafeBufferPointer<CallDetailRecord>
    let attempts: UnsafeBufferPointer<AttemptRecord>
    let slots: UnsafeBufferPointer<PipelineSlot>

    var count: Int { slots.count }
}

/// The CDR and attempt chains with their Merkle roots, as ChainOutput keeps them.
struct PipelineChains {
    var cdr = HashChain(nodeID: PipelineFixture.node, kind: CallDetailRecord.kind)
    var attempt = HashChain(nodeID: PipelineFixture.node, kind: AttemptRecord.kind)
    var cdrTree = CompactMerkleRoot()
    var attemptTree = CompactMerkleRoot()

    /// Seals the `index`-th of `records` (the same line as `append(PipelineFixture.records[index])`).
    mutating func append(_ records: PipelineRecordsInPlace, _ index: Int) -> [UInt8] {
        switch records.slots[index] {
        case .cdr(let slot):
            let sealed = cdr.seal(record: records.cdrs[slot]).sealed
            cdrTree.append(recordHash: sealed.hash)
            return sealed.line
        case .attempt(let slot):
            let sealed = attempt.seal(record: records.attempts[slot]).sealed
            attemptTree.append(recordHash: sealed.hash)
            return sealed.line
        }
    }

    mutating func append(_ record: PipelineRecord) -> [UInt8] {
        switch record {
        case .cdr(let cdrRecord):
            let sealed = cdr.seal(record: cdrRecord).sealed
            cdrTree.append(recordHash: sealed.hash)
            return sealed.line
        case .attempt(let attemptRecord):
            let sealed = attempt.seal(record: attemptRecord).sealed
            attemptTree.append(recordHash: sealed.hash)
            return sealed.line
        }
    }
}

/// Calls as the node records them: a rated CDR (legs filled, rating, negotiation, receipt) after a failover,
/// and its two attempt records (503 from p1, 200 from p2) — the example of docs/cdr-format.md.
enum PipelineFixture {
    static let node = "n1"
    static let calls = 333

    static let records: [PipelineRecord] = (0..<calls).flatMap { index -> [PipelineRecord] in
        let call = Call(index: index)
        return [.cdr(call.cdr)] + call.attempts.map(PipelineRecord.attempt)
    }

    /// Calls `body` with `records` split by kind into buffers it can read in place, without copying a record.
    static func withRecordsInPlace<Result>(_ body: (PipelineRecordsInPlace) -> Result) -> Result {
        cdrs.withUnsafeBufferPointer { cdrs in
            attempts.withUnsafeBufferPointer { attempts in
                slots.withUnsafeBufferPointer { slots in
                    body(PipelineRecordsInPlace(cdrs: cdrs, attempts: attempts, slots: slots))
                }
            }
        }
    }

    static let cdrs: [CallDetailRecord] = records.compactMap { record in
        guard case .cdr(let cdr) = record else { return nil }
        return cdr
    }

    static let attempts: [AttemptRecord] = records.compactMap { record in
        guard case .attempt(let attempt) = record else { return nil }
        return attempt
    }

    /// `records` in order, each as its index in `cdrs` or `attempts`.
    static let slots: [PipelineSlot] = {
        var cdrCount = 0
        var attemptCount = 0
        return records.map { record in
            switch record {
            case .cdr:
                cdrCount += 1
                return .cdr(cdrCount - 1)
            case .attempt:
                attemptCount += 1
                return .attempt(attemptCount - 1)
            }
        }
    }()

    /// A sealed line's bytes without its `hash` member and newline (what the chain hashes), and where the member
    /// went: its offset, and whether it followed a member (its comma first) or led the object (its comma last).
    static func unsealed(_ line: [UInt8]) -> (bytes: [UInt8], insertion: (offset: Int, afterMember: Bool)) {
        let key = Array(#""hash":""#.utf8)
        let body = Array(line.dropLast())
        guard let start = (0...(body.count - key.count)).first(where: { body[$0..<($0 + key.count)].elementsEqual(key) })
        else { return (body, (body.count, false)) }
        let memberCount = key.count + 64 + 1
        if body[start - 1] == UInt8(ascii: ",") {
            return (Array(body[..<(start - 1)] + body[(start + memberCount)...]), (start - 1, true))
        }
        return (Array(body[..<start] + body[(start + memberCount + 1)...]), (start, false))
    }

    /// The line of `bytes` with the `hash` member put in at `insertion` and a newline: three copies into an
    /// exactly sized array, the hex written in place, as `HashChain.seal(record:)` makes it.
    static func line(_ bytes: UnsafeBufferPointer<UInt8>, hash: LedgerHash, insertion: (offset: Int, afterMember: Bool)) -> [UInt8] {
        let memberCount = 74
        let total = bytes.count + memberCount + 1
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            guard let source = bytes.baseAddress, let target = out.baseAddress else { return }
            target.initialize(from: source, count: insertion.offset)
            var member = target + insertion.offset
            if insertion.afterMember {
                member.initialize(to: UInt8(ascii: ","))
                member += 1
            }
            // The key and the hex digits from literals read in place, as `HashMember.write` does.
            (#""hash":""# as StaticString).withUTF8Buffer { key in
                guard let keyBytes = key.baseAddress else { return }
                member.initialize(from: keyBytes, count: key.count)
                member += key.count
            }
            hexDigits.withUTF8Buffer { digits in
                hash.withUnsafeBytes { digest in
                    for byte in digest {
                        member[0] = digits[Int(byte >> 4)]
                        member[1] = digits[Int(byte & 0x0F)]
                        member += 2
                    }
                }
            }
            member.initialize(to: UInt8(ascii: "\""))
            member += 1
            if !insertion.afterMember {
                member.initialize(to: UInt8(ascii: ","))
                member += 1
            }
            member.initialize(from: source + insertion.offset, count: bytes.count - insertion.offset)
            target[total - 1] = UInt8(ascii: "\n")
            initialized = total
        }
    }

    private static var hexDigits: StaticString { "0123456789abcdef" }

    /// The sealed lines of `records`, each chain from genesis: the bytes the writer appends.
    static let lines: [[UInt8]] = {
        var chains = PipelineChains()
        return records.map { chains.append($0) }
    }()

    struct Call {
        let cdr: CallDetailRecord
        let attempts: [AttemptRecord]

        init(index: Int) {
            let setup = Int64(1_709_294_400_000_000 + index * 1_000_000)
            let cdrID = Self.uuid(index, salt: 0)
            let sessionID = "n1-\(String(index + 1_000_000).dropFirst())"
            let aLeg = CallLeg(
                callID: "\(index)-2345@127.0.0.1", localTag: "n1a7f3\(index)", remoteTag: "\(index)SIPpTag001",
                fromURI: "sip:sipp@127.0.0.1:5070", toURI: "sip:4930123456@127.0.0.1:5060",
                pAssertedIdentity: "<sip:+4930999@127.0.0.1>", source: "udp:127.0.0.1:5070",
                destination: "udp:127.0.0.1:5060", transport: .udp, userAgent: "sipp"
            )
            let bLeg = CallLeg(
                callID: "n1b-\(2 * index + 2)", localTag: "n1b2tag\(index)", remoteTag: "p2tag77",
                fromURI: "sip:sipp@127.0.0.1:5060", toURI: "sip:4930123456@127.0.0.1:5081",
                source: "udp:127.0.0.1:5060", destination: "udp:127.0.0.1:5081", transport: .udp, userAgent: "sipp-uas"
            )
            cdr = CallDetailRecord(
                recordID: cdrID, nodeID: PipelineFixture.node, service: .voice, sessionID: sessionID,
                setupMicros: setup, firstProvisionalMicros: setup + 2_000, firstRingingMicros: setup + 350_000,
                answerMicros: setup + 2_000_000, ackMicros: setup + 2_001_500, endMicros: setup + 63_000_000,
                finalCode: 200, finalReason: "OK", q850Cause: 16, q850Text: "Normal call clearing",
                releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p2", attempts: 2,
                aLeg: aLeg, bLeg: bLeg,
                rating: Self.rating, negotiation: Self.negotiation(index),
                receipt: Receipt(guid: "R-\(Self.uuid(index, salt: 3))", state: .confirmed, providerID: "p2")
            )
            attempts = [
                AttemptRecord(
                    recordID: Self.uuid(index, salt: 1), nodeID: PipelineFixture.node, sessionID: sessionID,
                    cdrRecordID: cdrID, attemptNumber: 1, providerID: "p1", bLegCallID: "n1b-\(2 * index + 1)",
                    destination: "udp:127.0.0.1:5080", startMicros: setup + 1_200, endMicros: setup + 20_500,
                    responseCode: 503, reason: "Service Unavailable", outcome: .failedOver
                ),
                AttemptRecord(
                    recordID: Self.uuid(index, salt: 2), nodeID: PipelineFixture.node, sessionID: sessionID,
                    cdrRecordID: cdrID, attemptNumber: 2, providerID: "p2", bLegCallID: "n1b-\(2 * index + 2)",
                    destination: "udp:127.0.0.1:5081", startMicros: setup + 21_000, endMicros: setup + 2_000_000,
                    responseCode: 200, reason: "OK", outcome: .answered
                ),
            ]
        }

        /// A UUID-shaped id that differs per call (the records' ids are random v4 UUIDs in the node).
        static func uuid(_ index: Int, salt: Int) -> String {
            let hex = Array("0123456789abcdef")
            var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(salt) &* 0x632B_E59B_D9B4_E019
            var text = ""
            for position in 0..<32 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(hex[Int(state >> 60)])
                if [7, 11, 15, 19].contains(position) {
                    text.append("-")
                }
            }
            return text
        }

        // The blocks as the node builds them since issue 9's fourth round: typed values writing their members with
        // literal keys (RatedPrice.ratingBlock, the session's NegotiationBlock). Same bytes as the dictionaries the
        // rating code built before (`CanonicalBlock.json`, which RecordWriterPathTests compares them with).
        static let rating: CanonicalBlock<RatingBlock> = .typed(.priced(
            currency: "EUR",
            customer: charge(deck: "c1.csv", rate: "0.015000", deckRate: nil, charge: "0.016500"),
            provider: charge(deck: "p1.csv", rate: "0.012500", deckRate: "0.010000", charge: "0.013750"),
            spread: "0.002750"
        ))

        static func charge(deck: String, rate: String, deckRate: String?, charge: String) -> RatedCharge {
            var block = RatedCharge(
                account: nil, deck: deck, deckVersion: "2024-03-01T00:00:00Z", prefix: "1", rate: rate, deckRate: deckRate,
                priceUnit: "per-min", connectionFee: "0.000000", charge: charge
            )
            block.initialIncrementSeconds = 6
            block.nextIncrementSeconds = 6
            block.minimumDurationSeconds = 0
            block.billedSeconds = 66
            return block
        }

        static func negotiation(_ index: Int) -> CanonicalBlock<NegotiationBlock> {
            .typed(NegotiationBlock(
                negotiationID: uuid(index, salt: 4), rounds: 2, maxRounds: 3, agreedRate: "0.012500", deckRate: "0.010000",
                currency: "EUR", priceUnit: "per-min"
            ))
        }
    }
}

// MARK: - 2. SIP parser

private func parserBenchmarks() {
    let parser = SIPParser()
    let messages = SIPFixture.messages.map { message -> (name: String, buffer: ByteBuffer) in
        (message.name, ByteBuffer(bytes: message.bytes))
    }

    // The transport hands the parser one datagram's ByteBuffer; every message kind on its own, then the mix.
    for (name, buffer) in messages {
        Benchmark("parse: \(name) (\(buffer.readableBytes) B)") { benchmark in
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try parser.parse(buffer))
                } catch {
                    benchmark.error("\(name): \(error)")
                    return
                }
            }
        }
    }

    let buffers = messages.map(\.buffer)
    Benchmark("parse: mix of the \(buffers.count) messages") { benchmark in
        for index in benchmark.scaledIterations {
            do {
                blackHole(try parser.parse(buffers[index % buffers.count]))
            } catch {
                benchmark.error("\(error)")
                return
            }
        }
    }

    // What the transaction layer and the engine read from every message right after parsing: the top Via
    // (branch, sent-by), From tag, To tag, Call-ID and CSeq — the lazily parsed accessors of SIPCore.
    Benchmark("parse + transaction fields (Via branch, tags, Call-ID, CSeq): mix") { benchmark in
        for index in benchmark.scaledIterations {
            do {
                blackHole(SIPFixture.transactionFields(try parser.parse(buffers[index % buffers.count])))
            } catch {
                benchmark.error("\(error)")
                return
            }
        }
    }

    let parsed = buffers.compactMap { try? parser.parse($0) }
    Benchmark("transaction fields alone (of parsed messages): mix") { benchmark in
        guard parsed.count == buffers.count else {
            benchmark.error("a fixture message does not parse")
            return
        }
        for index in benchmark.scaledIterations {
            blackHole(SIPFixture.transactionFields(parsed[index % parsed.count]))
        }
    }
}

enum SIPFixture {
    struct Message {
        let name: String
        let bytes: [UInt8]
    }

    /// Header lines joined with CRLF, an empty line, the body; Content-Length computed from the body.
    static func message(_ name: String, _ lines: [String], body: String = "") -> Message {
        let body = body.replacingOccurrences(of: "\n", with: "\r\n")
        let head = lines.joined(separator: "\r\n") + "\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return Message(name: name, bytes: Array(head.utf8) + Array(body.utf8))
    }

    static let sdp = """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0 8 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=ptime:20
        a=sendrecv

        """

    static let messages: [Message] = [
        message("sipp INVITE with SDP", [
            "INVITE sip:4930123456@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-4711-1-0",
            "From: sipp <sip:sipp@127.0.0.1:5070>;tag=4711SIPpTag001",
            "To: <sip:4930123456@127.0.0.1:5060>",
            "Call-ID: 1-4711@127.0.0.1",
            "CSeq: 1 INVITE",
            "Contact: sip:sipp@127.0.0.1:5070",
            "Max-Forwards: 70",
            "Subject: Performance Test",
            "Content-Type: application/sdp",
        ], body: sdp),
        message("carrier INVITE, 3 Via, 3 Record-Route, X-BF-*", [
            "INVITE sip:+12125550100@sipswarm.example:5060;user=phone SIP/2.0",
            "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK3f9a.8b1c2d3e4f5a6b7c.0;rport",
            "Via: SIP/2.0/UDP 198.51.100.20:5060;received=198.51.100.20;branch=z9hG4bK-524287-1---7d3e9c1a0b2f4e6d;rport=5060",
            "Via: SIP/2.0/TCP 10.20.30.40:5060;branch=z9hG4bKPj8c2e7f1a-9d3b-4c5e-a6f7-0b1c2d3e4f5a;alias",
            "Record-Route: <sip:203.0.113.10;lr;ftag=as5f3c9a1e;did=a1b.c2d>",
            "Record-Route: <sip:198.51.100.20:5060;transport=udp;lr>",
            "Record-Route: <sip:10.20.30.1;lr;r2=on>",
            "Max-Forwards: 67",
            "From: \"+49 30 1234567\" <sip:+4930123456@customer.example;user=phone>;tag=as5f3c9a1e",
            "To: <sip:+12125550100@sipswarm.example;user=phone>",
            "Call-ID: 6b8b4567327b23c6643c986966334873@10.20.30.40",
            "CSeq: 102 INVITE",
            "Contact: <sip:+4930123456@198.51.100.20:5060;transport=udp>",
            "P-Asserted-Identity: \"+49 30 1234567\" <sip:+4930123456@customer.example;user=phone>",
            "Diversion: <sip:+4930765432@customer.example;user=phone>;reason=unconditional;privacy=off;counter=1",
            "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE, UPDATE, PRACK",
            "Supported: replaces, timer, 100rel, path",
            "Session-Expires: 1800;refresher=uac",
            "Min-SE: 90",
            "User-Agent: Carrier-SBC 7.2.1",
            "X-BF-Max-Price: 0.015000",
            "X-BF-Currency: EUR",
            "X-BF-Price-Unit: per-min",
            "X-BF-Negotiation-ID: 5d2c8e4a-1f3b-4c6d-9e7f-0a1b2c3d4e5f",
            "X-BF-Round: 1",
            "Content-Type: application/sdp",
        ], body: sdp),
        message("compact-form INVITE", [
            "INVITE sip:4930123456@127.0.0.1:5060 SIP/2.0",
            "v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-compact-1",
            "f: <sip:alice@127.0.0.1:5070>;tag=1928301774",
            "t: <sip:4930123456@127.0.0.1:5060>",
            "i: a84b4c76e66710@pc33.example.com",
            "CSeq: 314159 INVITE",
            "m: <sip:alice@127.0.0.1:5070>",
            "k: timer, 100rel",
            "x: 1800",
            "Max-Forwards: 70",
            "c: application/sdp",
        ], body: sdp),
        message("INVITE with folded headers", [
            "INVITE sip:4930123456@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070",
            "  ;branch=z9hG4bK-folded-1",
            "From: \"Alice\"",
            "\t<sip:alice@127.0.0.1:5070>;tag=88sja8x",
            "To: <sip:4930123456@127.0.0.1:5060>",
            "Call-ID: 987asjd97y7atg@127.0.0.1",
            "CSeq: 1 INVITE",
            "Contact: <sip:alice@127.0.0.1:5070>",
            "Subject: I know you're there,",
            "         pick up the phone",
            "         and talk to me!",
            "Max-Forwards: 70",
            "Content-Type: application/sdp",
        ], body: sdp),
        message("200 OK with SDP", [
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-n1b-2-0;rport=5060",
            "Record-Route: <sip:127.0.0.1:5060;lr>",
            "From: <sip:sipp@127.0.0.1:5060>;tag=n1b2tag",
            "To: <sip:4930123456@127.0.0.1:5081>;tag=p2tag77",
            "Call-ID: n1b-2",
            "CSeq: 1 INVITE",
            "Contact: <sip:127.0.0.1:5081;transport=udp>",
            "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE",
            "Supported: timer",
            "Session-Expires: 1800;refresher=uac",
            "X-BF-Receipt: R-7f3a",
            "Content-Type: application/sdp",
        ], body: sdp),
        message("BYE", [
            "BYE sip:sipp@127.0.0.1:5070 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-n1a-bye-7",
            "Max-Forwards: 70",
            "From: <sip:4930123456@127.0.0.1:5060>;tag=n1a7f3",
            "To: sipp <sip:sipp@127.0.0.1:5070>;tag=4711SIPpTag001",
            "Call-ID: 1-4711@127.0.0.1",
            "CSeq: 2 BYE",
        ]),
    ]

    /// The fields the transaction layer keys on (top Via branch and sent-by, CSeq) and the engine routes on
    /// (From and To tags, Call-ID).
    static func transactionFields(_ message: SIPMessage) -> Int {
        switch message {
        case .request(let request):
            let via = request.topVia
            return (via?.branch?.utf8.count ?? 0) &+ (via?.sentBy.utf8.count ?? 0)
                &+ (request.from?.tag?.utf8.count ?? 0) &+ (request.to?.tag?.utf8.count ?? 0)
                &+ (request.callID?.utf8.count ?? 0) &+ Int(request.cseq?.sequence ?? 0)
        case .response(let response):
            let via = response.topVia
            return (via?.branch?.utf8.count ?? 0) &+ (via?.sentBy.utf8.count ?? 0)
                &+ (response.from?.tag?.utf8.count ?? 0) &+ (response.to?.tag?.utf8.count ?? 0)
                &+ (response.callID?.utf8.count ?? 0) &+ Int(response.cseq?.sequence ?? 0)
        }
    }
}
