import LetheFederation

/// What the coordinator admits: a deletion request is checked against what its clients declared in their Hello
/// before it is written to the ledger (issue 24, "Admission and limits"). Hello admission itself is in
/// `ClientRegistry.admissionProblem`.
extension CoordinatorNode {
    /// Why a request cannot be honoured, or nil.
    func deletionProblem(_ request: DeletionRequestRecord) -> String? {
        if let problem = request.reasonProblem { return problem }
        if case .wholeClass(let label) = request.scope {
            guard label < configuration.limits.maxClasses else { return "class \(label) out of range" }
            if let classes = configuration.classCount, label >= classes {
                return "class \(label) does not exist: the model has classes 0…\(classes - 1)"
            }
            return classProblem(label)
        }
        let known = Set(configuration.expectedClients).union(clients.sessions.keys)
        guard known.contains(request.clientID) else { return "unknown client \(request.clientID)" }
        guard case .samples(let ids) = request.scope else { return nil }
        return sampleCountProblem(Set(ids).count, client: request.clientID)
    }

    /// A request naming more distinct ids than its client declared holding cannot be honoured and would only fill
    /// the ledger (one request of 1,000,000 ids for a client of one sample was accepted before this check).
    private func sampleCountProblem(_ count: Int, client: ClientID) -> String? {
        guard let declared = clients.sessions[client]?.sampleCount, UInt64(count) > declared else { return nil }
        return "client \(client) declared \(declared) training sample(s); the request names \(count) distinct ids"
    }

    /// Once every expected client has said which classes it holds, a class none of them holds is refused: there
    /// is nothing to delete, and a typo (class 12 of 10) should not become a job.
    private func classProblem(_ label: Int) -> String? {
        let expected = configuration.expectedClients
        let everyoneDeclared = expected.isEmpty ? !clients.sessions.isEmpty
            : expected.allSatisfy { clients.sessions[$0] != nil }
        let declared = clients.declaredLabels
        guard everyoneDeclared, !declared.contains(UInt32(label)) else { return nil }
        return "no client holds class \(label) (declared: \(declared.sorted().map(String.init).joined(separator: ", ")))"
    }
}
