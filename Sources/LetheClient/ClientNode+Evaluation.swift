import Foundation
import LetheData
import LetheNN
import LetheUnlearning
import LetheWire

/// Verification (ARCHITECTURE.md step 7): the client judges a model on data only it holds.
extension ClientNode {
    /// EvalRequest: UA on the request's local forget data (holders only; 0 otherwise), RA on the retained data,
    /// TA on the local test slice (without the forgotten class for a class-wise deletion, as
    /// `EvaluationData.excludingClass` does centrally), and SalUn's MIA-efficacy on the forget data with the
    /// retained data as members and the test slice as non-members (`UnlearningEvaluator`'s recipe).
    func handleEvalRequest(_ request: Lethe_V1_EvalRequest, _ message: Lethe_V1_Envelope,
                           state: ClientState) throws -> [Lethe_V1_Envelope] {
        let started = Date()
        let model = try loadModel(state, version: request.modelVersion, for: "eval_request")
        let job = state.deletions[request.requestID]
        let forget = job?.isHolder == true ? job!.forgetPositions : []
        let retained = Self.evenlySpaced(state.retainedPositions(count: data.train.count),
                                         limit: configuration.verificationRetainLimit)
        let test = Self.evenlySpaced(Array(0..<data.test.count), limit: configuration.verificationTestLimit)
        var metrics = try evaluate(model, forget: forget, retained: retained, test: test,
                                   excludedClass: job?.forgottenClass)
        if let canary = configuration.canary {
            (metrics.asr, metrics.canarySamples) = try canaryASR(model, canary: canary, test: test)
        }
        var report = Lethe_V1_EvalReport()
        report.requestID = request.requestID
        report.modelVersion = request.modelVersion
        report.metrics = metrics.wire
        report.seconds = Date().timeIntervalSince(started)
        log(String(format: "eval %@ version %llu: UA %.2f RA %.2f TA %.2f MIA %.2f (forget %llu, retain %llu, test %llu)",
                   request.requestID, request.modelVersion, metrics.ua, metrics.ra, metrics.ta, metrics.mia,
                   metrics.forgetSamples, metrics.retainSamples, metrics.testSamples)
            + (configuration.canary == nil ? "" : String(format: ", ASR %.2f on %llu triggered test images",
                                                         metrics.asr, metrics.canarySamples)))
        return [reply(to: message, .evalReport(report))]
    }

    /// The canary's ASR on the triggered test images among `test` (true class ≠ target), and their count.
    func canaryASR(_ model: Sequential, canary: Canary, test: [Int]) throws -> (Double, UInt64) {
        let audit = try CanaryAudit(canary: canary, test: data.test.subset(test))
        return (audit.attackSuccessRate(model), UInt64(audit.triggered.count))
    }

    /// At most `limit` of `positions`, evenly spaced (all of them when `limit` is nil or not smaller).
    static func evenlySpaced(_ positions: [Int], limit: Int?) -> [Int] {
        guard let limit, limit > 0, positions.count > limit else { return positions }
        return (0..<limit).map { positions[$0 * positions.count / limit] }
    }

    /// The four figures on local data (`test`: positions in the local test slice); a figure whose data is absent
    /// here is 0 with a 0 sample count beside it.
    func evaluate(_ model: Sequential, forget: [Int], retained: [Int], test: [Int],
                  excludedClass: Int?) throws -> WireMetrics {
        let forgetEval = Evaluator.evaluate(model, on: data.train, positions: forget)
        let retainEval = Evaluator.evaluate(model, on: data.train, positions: retained)
        let testEval = Evaluator.evaluate(model, on: data.test, positions: test)
        let counted = test.indices.filter { excludedClass == nil || Int(testEval.labels[$0]) != excludedClass }
        let correct = counted.filter { testEval.predictions[$0] == Int(testEval.labels[$0]) }.count
        var mia = 0.0
        if !forget.isEmpty, !retained.isEmpty, !counted.isEmpty {
            let members = Array(retainEval.trueLabelProbabilities.prefix(test.count))
            mia = try MembershipInference().efficacy(members: members, nonMembers: testEval.trueLabelProbabilities,
                                                     forget: forgetEval.trueLabelProbabilities)
        }
        return WireMetrics(ua: forget.isEmpty ? 0 : 100 - forgetEval.accuracy, ra: retainEval.accuracy,
                           ta: counted.isEmpty ? 0 : 100 * Double(correct) / Double(counted.count), mia: mia,
                           forgetSamples: UInt64(forget.count), retainSamples: UInt64(retained.count),
                           testSamples: UInt64(counted.count))
    }
}
