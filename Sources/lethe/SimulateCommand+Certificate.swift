import Foundation
import LetheCoordinator
import LetheFederation

extension SimulateCommand {
    /// Checks the job's deletion certificate as an auditor would (`lethe certificate verify` with the model and,
    /// for sample ids, the holder's ids), so every run shows the proof it leaves and a broken one fails the run.
    /// - Returns: the path of the certificate and the verifier's report lines.
    func verifyCertificate(requestID: String, coordinatorFolder: URL, job: ActivityReport, scope: DeletionScope)
        throws -> (path: String, lines: [String]) {
        let path = CoordinatorNode.certificateURL(in: coordinatorFolder, requestID: requestID).path
        var ids: (ids: [Int], source: String)?
        if case .samples(let list) = scope { ids = (list, "the deletion request") }
        do {
            return (path, try CertificateVerifyCommand.verify(file: path, publicKey: nil, model: job.modelPath, ids: ids))
        } catch let error as CertificateError {
            throw SimulationError.node("the job's certificate \(path) did not verify: \(error)")
        }
    }
}
