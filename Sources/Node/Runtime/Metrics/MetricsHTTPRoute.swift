import NIOHTTP1

/// What the metrics endpoint answers to one request; pure, so the rules are plain to read and test.
struct MetricsHTTPAnswer {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    /// HEAD gets the headers of a GET (Content-Length included) without the body.
    var sendsBody: Bool
    var extraHeaders: [(String, String)] = []
}

enum MetricsHTTPRoute {
    /// The Prometheus text exposition format this endpoint speaks.
    static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"
    static let allowedMethods = "GET, HEAD"

    /// The path is checked first (an unknown path is 404 whatever the method), then the method (405 with `Allow`).
    /// A query string is ignored: some scrapers append one, and the path alone says what is asked for.
    static func answer(method: HTTPMethod, uri: String, path: String, exposition: () -> [UInt8]) -> MetricsHTTPAnswer {
        let requestPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard requestPath == path else {
            return plain(.notFound, "not found; metrics are at \(path)\n", sendsBody: method != .HEAD)
        }
        switch method {
        case .GET, .HEAD:
            return MetricsHTTPAnswer(status: .ok, contentType: expositionContentType, body: exposition(), sendsBody: method == .GET)
        default:
            var answer = plain(.methodNotAllowed, "method not allowed; use GET\n", sendsBody: true)
            answer.extraHeaders = [("Allow", allowedMethods)]
            return answer
        }
    }

    private static func plain(_ status: HTTPResponseStatus, _ text: String, sendsBody: Bool) -> MetricsHTTPAnswer {
        MetricsHTTPAnswer(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), sendsBody: sendsBody)
    }
}
