import Records

extension CdrBuilder {
    /// What the builder knows about one attempt while the session runs.
    struct Attempt: Sendable {
        let number: Int
        let recordID: String
        let providerID: String
        let destination: String
        let startMicros: Int64
        var bLeg: CallLeg
        var endMicros: Int64?
        var responseCode: Int?
        var reason: String?
        var outcome: AttemptOutcome?
        var receipt: Receipt?

        var isOpen: Bool { endMicros == nil }

        /// The attempt as the CDR's routing path lists it.
        var routingAttempt: RoutingBlock.Attempt {
            RoutingBlock.Attempt(number: number, providerID: providerID, outcome: outcome?.rawValue, responseCode: responseCode)
        }

        mutating func close(code: Int?, reason: String?, outcome: AttemptOutcome, at time: Int64) {
            endMicros = time
            responseCode = code ?? responseCode
            self.reason = reason ?? self.reason
            self.outcome = outcome
        }

        func record(nodeID: String, sessionID: String, cdrRecordID: String, closedAt fallbackEnd: Int64) -> AttemptRecord {
            AttemptRecord(
                recordID: recordID,
                nodeID: nodeID,
                sessionID: sessionID,
                cdrRecordID: cdrRecordID,
                attemptNumber: number,
                providerID: providerID,
                bLegCallID: bLeg.callID,
                destination: destination,
                startMicros: startMicros,
                endMicros: endMicros ?? fallbackEnd,
                responseCode: responseCode,
                reason: reason,
                outcome: outcome ?? .failed,
                receipt: receipt
            )
        }
    }

    /// The outcome given to an attempt that `finish` has to close, from how the session ended.
    static func outcomeOfOpenAttempt(answered: Bool, cause: ReleaseCause) -> AttemptOutcome {
        if answered {
            return .answered
        }
        switch cause {
        case .cancel, .drain, .restriction:
            return .cancelled
        case .timeout:
            return .timeout
        case .normal, .maxDuration, .failure, .noAck, .sessionTimer, .nodeFailure:
            return .failed
        }
    }
}
