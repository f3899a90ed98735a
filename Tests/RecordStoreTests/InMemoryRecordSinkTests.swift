import Foundation
import RecordStore
import Records
import Testing

@Suite struct InMemoryRecordSinkTests {
    @Test func keepsEverySessionFromManyThreads() throws {
        let sink = InMemoryRecordSink()
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            sink.emit(RecordFixtures.session(index: index, attempts: 1))
        }
        #expect(sink.emitted.count == 400)
        #expect(Set(sink.cdrs.map(\.sessionID)).count == 400)
        #expect(sink.attempts.count == 400)
    }
}
