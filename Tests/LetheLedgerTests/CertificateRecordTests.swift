import Foundation
import GRDB
import LetheFederation
import Testing
@testable import LetheLedger

/// The ledger's record of issued deletion certificates: one per request, replaced in place when issued again,
/// shown by `lethe status`, and present in ledgers written before certificates existed once they migrate.
@Suite struct CertificateRecordTests {
    static let certificate = CertificateRecord(requestID: "r-samples", jobID: "j-full",
                                               sha256: String(repeating: "ef", count: 32),
                                               path: "/run/certificates/r-samples.json",
                                               issuedAt: Date(timeIntervalSinceReferenceDate: 818_000_000.5))

    @Test(arguments: StoreKind.allCases)
    func certificatesRoundTripOnePerRequest(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        #expect(try store.certificates().isEmpty)
        try store.recordCertificate(Self.certificate)
        var other = Self.certificate
        (other.requestID, other.jobID) = ("r-class", "j-2")
        try store.recordCertificate(other)
        var again = Self.certificate
        again.sha256 = String(repeating: "01", count: 32)
        try store.recordCertificate(again)
        #expect(try store.certificates() == [again, other])
    }

    @Test func statusShowsTheCertificateUnderItsJob() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let ledger = try LedgerStatusTests.filledLedger(scratch)
        try ledger.recordCertificate(Self.certificate)
        let status = try ledger.status()
        #expect(status.requests[0].certificate?.sha256 == Self.certificate.sha256)
        #expect(status.requests[1].certificate == nil)
        #expect(status.table().contains("    certificate: /run/certificates/r-samples.json (SHA-256 efefefefefef)"))
        let json = String(data: try status.json(), encoding: .utf8) ?? ""
        #expect(json.contains("\"certificate\" : {") && json.contains("\"job_id\" : \"j-full\""))
    }

    @Test func aLedgerFromBeforeCertificatesMigrates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let queue = try DatabaseQueue(path: scratch.ledgerPath)
            try LedgerSchema.migrator.migrate(queue, upTo: LedgerSchema.reasonMigration)
        }
        let ledger = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        #expect(try ledger.certificates().isEmpty)
        try ledger.recordCertificate(Self.certificate)
        #expect(try ledger.certificates() == [Self.certificate])
    }
}
