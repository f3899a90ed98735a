import Logging
import NIOCore
import SIPCore

/// One outbound try towards one provider.
final class ProviderAttempt {
    let number: Int
    let provider: ProviderTarget
    let callID: String
    let fromTag: String
    let request: SIPRequest
    var client: ClientTransactionDriver?
    var receivedProvisional = false
    var cancelRequested = false
    var cancelSent = false
    var finished = false
    /// Provider timeout until the first provisional, then ring timeout until the answer.
    var timer: Scheduled<Void>?

    init(number: Int, provider: ProviderTarget, callID: String, fromTag: String, request: SIPRequest) {
        self.number = number
        self.provider = provider
        self.callID = callID
        self.fromTag = fromTag
        self.request = request
    }

    func cancelTimers() {
        timer?.cancel()
        timer = nil
    }
}
