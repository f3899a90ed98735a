import Testing

@testable import Export

/// AWS's published Signature Version 4 test suite (credential AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
/// service `service`) and the S3 examples of the S3 API reference (AKIAIOSFODNN7EXAMPLE, 2013-05-24).
@Suite("SigV4 signer")
struct SigV4Tests {
    static let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteTime: Int64 = 1_440_938_160  // 2015-08-30T12:36:00Z
    static let s3Credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let s3Time: Int64 = 1_369_353_600  // 2013-05-24T00:00:00Z
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var query: [(String, String)] = []
        var path = "/"
        var headers: [(String, String)] = []
        var signedHeaders = "host;x-amz-date"
        var signature: String
        var testDescription: String { name }
    }

    static let suite: [Vector] = [
        Vector(name: "get-vanilla", method: "GET", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "post-vanilla", method: "POST", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "get-vanilla-query-order-key-case", method: "GET", query: [("Param2", "value2"), ("Param1", "value1")],
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        ),
        Vector(
            name: "post-header-value-case", method: "POST", headers: [("My-Header1", "VALUE1")], signedHeaders: "host;my-header1;x-amz-date",
            signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"
        ),
        Vector(
            name: "get-header-value-trim", method: "GET", headers: [("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")],
            signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        ),
        Vector(
            name: "get-unreserved", method: "GET", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
        ),
    ]

    @Test("AWS SigV4 test suite", arguments: suite)
    func suiteVector(_ vector: Vector) {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(
            .init(
                method: vector.method, path: URIEncoding.encode(vector.path, keepSlash: true), query: vector.query,
                headers: [("Host", "example.amazonaws.com")] + vector.headers, payloadHash: Self.emptyHash
            ),
            epochSeconds: Self.suiteTime
        )
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
        #expect(signed.headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
    }

    @Test("get-vanilla: canonical request and string to sign")
    func vanillaIntermediates() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(
            .init(method: "GET", path: "/", query: [], headers: [("Host", "example.amazonaws.com")], payloadHash: Self.emptyHash),
            epochSeconds: Self.suiteTime
        )
        #expect(signed.canonicalRequest == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(Self.emptyHash)")
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        )
    }

    @Test("S3 API reference examples", arguments: [
        ("GET object", "/test.txt", [(String, String)](), [("Range", "bytes=0-9")], "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        ("GET lifecycle", "/", [("lifecycle", "")], [], "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        ("list objects", "/", [("max-keys", "2"), ("prefix", "J")], [], "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ])
    func s3Example(name: String, path: String, query: [(String, String)], headers: [(String, String)], signedHeaders: String, signature: String) {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(
            .init(
                method: "GET", path: path, query: query,
                headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", Self.emptyHash)] + headers,
                payloadHash: Self.emptyHash
            ),
            epochSeconds: Self.s3Time
        )
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)",
            "\(name)"
        )
    }

    @Test("a session token is signed and sent; the secret never shows in a description")
    func sessionToken() {
        let credentials = AWSCredentials(accessKeyID: "AK", secretAccessKey: "very-secret", sessionToken: "tok")
        let signed = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "s3").sign(
            .init(method: "GET", path: "/", query: [], headers: [("host", "h")], payloadHash: Self.emptyHash), epochSeconds: 0
        )
        #expect(signed.headers.contains { $0.0 == "x-amz-security-token" && $0.1 == "tok" })
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"))
        #expect(!"\(credentials)".contains("very-secret"))
        #expect(SigV4Signer.amzDate(epochSeconds: 0) == "19700101T000000Z")
    }
}
