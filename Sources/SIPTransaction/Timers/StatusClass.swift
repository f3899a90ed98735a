/// The response classes the transaction layer distinguishes.
enum StatusClass {
    case provisional
    case success
    case failure

    /// Classifies a status code; nil outside 100...699.
    init?(_ statusCode: Int) {
        switch statusCode {
        case 100...199: self = .provisional
        case 200...299: self = .success
        case 300...699: self = .failure
        default: return nil
        }
    }
}
