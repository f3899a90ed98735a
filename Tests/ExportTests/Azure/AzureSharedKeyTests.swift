import Foundation
import Testing

@testable import Export

/// The three known-answer vectors of shared/reference/azure-sharedkey-vectors.json (official Python SDK, confirmed
/// by an independent implementation), signed with the public development account `devstoreaccount1`.
@Suite("Azure Shared Key")
struct AzureSharedKeyTests {
    static let developmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    struct Vector: Sendable, CustomTestStringConvertible {
        var method: String
        var url: String
        var headers: [(String, String)]
        var stringToSign: String
        var authorization: String
        var testDescription: String { "\(method) \(url)" }
    }

    // The reference file, when the shared folder sits beside the repository (it does on developer machines and CI),
    // else the same three vectors as copied here.
    static let vectors: [Vector] = {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { folder.deleteLastPathComponent() }
        let file = folder.appendingPathComponent("shared/reference/azure-sharedkey-vectors.json")
        let data = (try? Data(contentsOf: file)) ?? Data(embedded.utf8)
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else { return [] }
        return list.compactMap { object in
            guard let method = object["method"] as? String, let url = object["url"] as? String,
                let headers = object["headers"] as? [String: String], let sts = object["string_to_sign"] as? String,
                let authorization = object["authorization"] as? String
            else { return nil }
            return Vector(method: method, url: url, headers: headers.map { ($0.key, $0.value) }, stringToSign: sts, authorization: authorization)
        }
    }()

    @Test("three vectors are loaded")
    func loaded() {
        #expect(Self.vectors.count == 3)
    }

    @Test("string to sign and Authorization byte for byte", arguments: vectors)
    func vector(_ vector: Vector) throws {
        let afterScheme = try #require(vector.url.range(of: "://")).upperBound
        let target = vector.url[afterScheme...].drop { $0 != "/" }
        let path = String(target.prefix { $0 != "?" })
        let query = target.firstIndex(of: "?").map { URIDecoding.queryPairs(target[target.index(after: $0)...]) } ?? []
        let sts = AzureSharedKey.stringToSign(method: vector.method, headers: vector.headers, account: "devstoreaccount1", path: path, query: query)
        #expect(sts == vector.stringToSign)
        let signer = try AzureSharedKey(account: "devstoreaccount1", base64Key: Self.developmentKey)
        #expect(signer.authorization(method: vector.method, headers: vector.headers, path: path, query: query) == vector.authorization)
    }

    @Test("x-ms-date is RFC 1123 in GMT")
    func httpDate() {
        #expect(AzureSharedKey.httpDate(epochSeconds: 1_795_780_800) == "Fri, 27 Nov 2026 12:00:00 GMT")
        #expect(AzureSharedKey.httpDate(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    static let embedded = #"""
        [
         {"method": "PUT", "url": "https://devstoreaccount1.blob.core.windows.net/cdr/2026/11/27/cdr-0001.csv",
          "headers": {"x-ms-date": "Fri, 27 Nov 2026 12:00:00 GMT", "x-ms-version": "2021-08-06", "x-ms-blob-type": "BlockBlob",
           "Content-Type": "text/csv", "Content-Length": "17", "x-ms-meta-receiptguid": "rg-1-2-3"},
          "string_to_sign": "PUT\n\n\n17\n\ntext/csv\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\nx-ms-date:Fri, 27 Nov 2026 12:00:00 GMT\nx-ms-meta-receiptguid:rg-1-2-3\nx-ms-version:2021-08-06\n/devstoreaccount1/cdr/2026/11/27/cdr-0001.csv",
          "authorization": "SharedKey devstoreaccount1:5n30O3uVQIksSRrm2aDnznIDZ1HC2YkE0dFkxDPvZI0="},
         {"method": "PUT", "url": "https://devstoreaccount1.blob.core.windows.net/cdr/big.bin?comp=block&blockid=QUFBQQ%3D%3D",
          "headers": {"x-ms-date": "Fri, 27 Nov 2026 12:00:00 GMT", "x-ms-version": "2021-08-06", "Content-Length": "4"},
          "string_to_sign": "PUT\n\n\n4\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 27 Nov 2026 12:00:00 GMT\nx-ms-version:2021-08-06\n/devstoreaccount1/cdr/big.bin\nblockid:QUFBQQ==\ncomp:block",
          "authorization": "SharedKey devstoreaccount1:MkE6FesEIRfQo337hsVhb0NNbTos12fybO1x+VODc/E="},
         {"method": "GET", "url": "https://devstoreaccount1.blob.core.windows.net/cdr?restype=container&comp=list&prefix=2026/",
          "headers": {"x-ms-date": "Fri, 27 Nov 2026 12:00:00 GMT", "x-ms-version": "2021-08-06"},
          "string_to_sign": "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 27 Nov 2026 12:00:00 GMT\nx-ms-version:2021-08-06\n/devstoreaccount1/cdr\ncomp:list\nprefix:2026/\nrestype:container",
          "authorization": "SharedKey devstoreaccount1:tmVd6PekW8UolHB7r7Iij39re6HYt/drbE+Vj+duW70="}
        ]
        """#
}
