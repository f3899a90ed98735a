import Foundation
import NIOCore
import Testing
@testable import NATS

@Suite struct JetStreamCodingTests {
    @Test func pubAckDecodesTheObservedSpacing() throws {
        #expect(try JetStream.decode(PubAck.self, from: ByteBuffer(string: "{\"stream\":\"AUDIT\", \"seq\":1}")) == PubAck(stream: "AUDIT", sequence: 1))
        #expect(
            try JetStream.decode(PubAck.self, from: ByteBuffer(string: "{\"stream\":\"AUDIT\", \"seq\":2,\"duplicate\": true}"))
                == PubAck(stream: "AUDIT", sequence: 2, duplicate: true))
    }

    @Test func apiErrorsAreThrownTyped() {
        let body = "{\"error\":{\"code\":400,\"err_code\":10071,\"description\":\"wrong last sequence: 2\"},\"stream\":\"AUDIT\",\"seq\":0}"
        #expect(throws: JetStreamAPIError(code: 400, errorCode: 10071, description: "wrong last sequence: 2")) {
            try JetStream.decode(PubAck.self, from: ByteBuffer(string: body))
        }
        let notFound = "{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\",\"error\":{\"code\":404,\"err_code\":10059,\"description\":\"stream not found\"}}"
        do {
            _ = try JetStream.decode(StreamInfo.self, from: ByteBuffer(string: notFound))
            Issue.record("must throw")
        } catch let error as JetStreamAPIError {
            #expect(error.errorCode == JetStreamAPIError.streamNotFound)
            #expect(error.code == 404)
        } catch {
            Issue.record("untyped \(error)")
        }
        #expect(throws: NATSError(.invalidResponse, reason: "")) {
            try JetStream.decode(PubAck.self, from: ByteBuffer(string: "not json"))
        }
    }

    @Test func streamConfigEncodesDurationsInNanoseconds() throws {
        var config = StreamConfig(name: "AUDIT", subjects: ["audit.>"])
        config.duplicateWindow = .seconds(120)
        config.maxAge = .seconds(86_400)
        config.denyDelete = true
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any]
        #expect(json?["duplicate_window"] as? Int64 == 120_000_000_000)
        #expect(json?["max_age"] as? Int64 == 86_400_000_000_000)
        #expect(json?["storage"] as? String == "file")
        #expect(json?["num_replicas"] as? Int == 1)
        #expect(json?["deny_delete"] as? Bool == true)
        let decoded = try JSONDecoder().decode(StreamConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
    }

    @Test func pullRequestAndConsumerCreateBodies() throws {
        let pull = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(PullRequest(batch: 2, expires: 2_000_000_000, noWait: nil))) as? [String: Any]
        #expect(pull?["batch"] as? Int == 2)
        #expect(pull?["expires"] as? Int64 == 2_000_000_000)
        #expect(pull?["no_wait"] == nil)
        let create = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(
                CreateConsumerRequest(streamName: "AUDIT", config: ConsumerConfig(durableName: "tool", filterSubject: "audit.>"))))
            as? [String: Any]
        #expect(create?["stream_name"] as? String == "AUDIT")
        let config = create?["config"] as? [String: Any]
        #expect(config?["durable_name"] as? String == "tool")
        #expect(config?["ack_policy"] as? String == "explicit")
        #expect(config?["ack_wait"] as? Int64 == 30_000_000_000)
        #expect(config?["filter_subject"] as? String == "audit.>")
    }

    @Test func ackSubjectMetadataV1AndV2() throws {
        let v1 = try JetStreamMessageMetadata(ackSubject: "$JS.ACK.AUDIT.tool.1.4.2.1795778346633291421.7")
        #expect(v1.stream == "AUDIT" && v1.consumer == "tool" && v1.domain == nil)
        #expect(v1.delivered == 1 && v1.streamSequence == 4 && v1.consumerSequence == 2 && v1.pending == 7)
        #expect(v1.timestampNanoseconds == 1_795_778_346_633_291_421)
        let v2 = try JetStreamMessageMetadata(ackSubject: "$JS.ACK.hub.ACC.EV3.c1.2.2.4.1795778346633291421.0.rnd")
        #expect(v2.domain == "hub" && v2.stream == "EV3" && v2.consumer == "c1" && v2.delivered == 2)
        let noDomain = try JetStreamMessageMetadata(ackSubject: "$JS.ACK._.ACC.EV3.c1.1.5.5.17.0")
        #expect(noDomain.domain == nil && noDomain.streamSequence == 5)
        for bad in ["$JS.ACK.A.b.1.2", "_INBOX.x.y.1.2.3.4.5.6", "$JS.ACK.A.b.x.2.3.4.5", "$JS.ACK.A.b.1.2.3.4.5.6.7.8.9.10"] {
            #expect(throws: NATSError(.invalidResponse, reason: "")) { try JetStreamMessageMetadata(ackSubject: bad) }
        }
    }

    @Test func durationsSaturate() {
        #expect(Duration.seconds(2).jetStreamNanoseconds == 2_000_000_000)
        #expect(Duration.seconds(Int64.max).jetStreamNanoseconds == Int64.max)
    }
}
