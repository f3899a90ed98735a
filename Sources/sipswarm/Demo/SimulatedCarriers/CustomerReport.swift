/// How one call placed by ``SimulatedCustomer`` ended.
enum CustomerCallOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Answered (200 OK, ACK) and released with a BYE answered by 200 OK, from either side.
    case completed
    /// The INVITE got a final response ≥ 300 that was not the expected 487 after a CANCEL.
    case rejected(statusCode: Int)
    /// Cancelled after ringing and answered 487 Request Terminated.
    case cancelled
    /// Did not finish the way SIP says it should.
    case failed(CustomerCallFailure)

    var description: String {
        switch self {
        case .completed: "completed"
        case .rejected(let statusCode): "rejected \(statusCode)"
        case .cancelled: "cancelled"
        case .failed(let failure): "failed (\(failure))"
        }
    }
}

/// Why a call counts as failed.
enum CustomerCallFailure: Sendable, Hashable, CustomStringConvertible {
    /// No response to the INVITE within 64 × T1 (Timer B).
    case inviteTimeout
    /// No final response to the CANCEL within 64 × T1.
    case cancelTimeout
    /// No final response to the BYE within 64 × T1 (Timer F).
    case byeTimeout
    /// The BYE got a final response other than 2xx.
    case byeRejected(statusCode: Int)
    /// Still unfinished (or never placed) when the run's overall deadline passed.
    case deadline

    var description: String {
        switch self {
        case .inviteTimeout: "INVITE timeout"
        case .cancelTimeout: "CANCEL timeout"
        case .byeTimeout: "BYE timeout"
        case .byeRejected(let statusCode): "BYE rejected \(statusCode)"
        case .deadline: "deadline"
        }
    }
}

/// One call of a customer run.
struct CustomerCallResult: Sendable, Hashable {
    /// 0-based position in the run.
    var index: Int
    var callID: String
    var dialedNumber: String
    /// Whether the call was meant to be cancelled after the first 18x.
    var cancelPlanned: Bool
    var outcome: CustomerCallOutcome
}

/// Everything ``SimulatedCustomer/run()`` did, one result per configured call, in order.
struct CustomerReport: Sendable, Hashable {
    var results: [CustomerCallResult]
    /// From the first INVITE to the last outcome.
    var elapsed: Duration

    var total: Int { results.count }
    var completed: Int { results.count { $0.outcome == .completed } }
    var cancelled: Int { results.count { $0.outcome == .cancelled } }
    var rejected: Int {
        results.count {
            if case .rejected = $0.outcome { return true }
            return false
        }
    }
    var failed: Int {
        results.count {
            if case .failed = $0.outcome { return true }
            return false
        }
    }

    /// Rejected calls by final status code.
    var rejectedByStatus: [Int: Int] {
        var counts: [Int: Int] = [:]
        for result in results {
            if case .rejected(let statusCode) = result.outcome { counts[statusCode, default: 0] += 1 }
        }
        return counts
    }

    /// Failed calls by reason.
    var failedByReason: [CustomerCallFailure: Int] {
        var counts: [CustomerCallFailure: Int] = [:]
        for result in results {
            if case .failed(let failure) = result.outcome { counts[failure, default: 0] += 1 }
        }
        return counts
    }
}
