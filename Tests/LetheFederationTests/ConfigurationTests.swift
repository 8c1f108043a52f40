import Foundation
import LetheUnlearning
import Testing
@testable import LetheFederation

@Suite struct ConfigurationTests {
    @Test func defaultsComeFromWSSCLAndRoundTripThroughJSON() throws {
        let configuration = FederationConfiguration()
        #expect(configuration.unlearning.forgettingEpochs == WSSCLConfiguration().stage1.epochs)
        #expect(configuration.unlearning.contrastiveLearningRate == WSSCLConfiguration().stage2.learningRate)
        #expect(configuration.unlearning.maskFraction == WSSCLConfiguration().maskFraction)
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(FederationConfiguration.self, from: data) == configuration)
        try configuration.validate()
    }

    @Test func invalidPrivacyIsCaughtBeforeAnyJob() {
        var configuration = FederationConfiguration()
        configuration.unlearning.privacy = .init(epsilon: 5)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.unlearning.privacy = .init(epsilon: 1)
        #expect(throws: Never.self) { try configuration.validate() }
    }
}
