import Foundation
import LetheClient
import LetheUnlearning
import Testing

/// `lethe client --wsscl-config`: a file changes the WSS-CL reading of one deletion kind and nothing else.
@Suite struct WSSCLOverridesTests {
    func applied(_ json: String) throws -> ClientConfiguration {
        var configuration = ClientConfiguration(clientID: "c")
        try configuration.applyWSSCLOverrides(Data(json.utf8))
        return configuration
    }

    @Test func overridesChangeOnlyTheNamedKindAndKeys() throws {
        let defaults = ClientConfiguration(clientID: "c")
        let changed = try applied(#"{"samples": {"stage1": {"temperature": 0.8, "retainStepsPerForgetStep": 0}}}"#)
        #expect(changed.wsscl.stage1.temperature == 0.8)
        #expect(changed.wsscl.stage1.retainStepsPerForgetStep == 0)
        var expected = defaults.wsscl
        expected.stage1.temperature = 0.8
        expected.stage1.retainStepsPerForgetStep = 0
        #expect(changed.wsscl == expected, "keys not named keep the client's defaults")
        #expect(changed.wssclForClasses == defaults.wssclForClasses)
        let classes = try applied(#"{"class": {"stage1": {"retainStepsPerForgetStep": 0}}}"#)
        #expect(classes.wssclForClasses.stage1.retainStepsPerForgetStep == 0)
        #expect(classes.wsscl == defaults.wsscl)
    }

    @Test func aPresetStartsFromTheNamedConfiguration() throws {
        let changed = try applied(#"{"class": {"preset": "abstract-literal", "stage2": {"temperature": 0.3}}}"#)
        var expected = WSSCLConfiguration.abstractLiteral
        expected.stage2.temperature = 0.3
        #expect(changed.wssclForClasses == expected)
    }

    @Test func badFilesAreRefusedWithTheReason() throws {
        let cases: [(String, String)] = [
            ("[1, 2]", "must hold a JSON object"),
            (#"{"sample": {}}"#, "unknown key 'sample'"),
            (#"{"samples": {"stage2": {"learningRate": 0.1}}}"#, "samples.stage2.learningRate comes from the coordinator"),
            (#"{"class": {"stage1": {"epochs": 2}}}"#, "class.stage1.epochs comes from the coordinator"),
            (#"{"samples": {"stage1": {"objective": "louder"}}}"#, "invalid value at stage1.objective"),
            (#"{"samples": {"preset": "fastest"}}"#, "unknown preset 'fastest'"),
            (#"{"samples": {"retainLoss": "distill"}}"#, "distillation needs the original model"),
            (#"{"class": {"repair": {"steps": 10}}}"#, "class.repair: the federated phases run no repair pass"),
        ]
        for (json, reason) in cases {
            let error = #expect(throws: UnlearningError.self, "\(json)") { _ = try applied(json) }
            #expect(error.map { "\($0)".contains(reason) } == true, "\(json): \(String(describing: error))")
        }
    }
}
